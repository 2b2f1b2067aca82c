#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import QueryBuilder

/// The models the builder snapshots run against, compiled with the real `@Model`.
///
/// They live in a namespace so that they cannot clash with models other suites of
/// this target declare; every snapshot suite is declared in `extension Shop`, where
/// `User` means `Shop.User`. Inside the models, types are written `Shop.Status`:
/// `@Model` copies them into an extension at file scope, where a bare `Status`
/// would not resolve.
enum Shop {
  /// A RawRepresentable enum stored as its raw value.
  enum Status: String, SQLValueConvertible { case active, banned }

  @Model(table: "teams")
  struct Team: Equatable, Sendable {
    @ID var id: Int64?
    var name: String
  }

  /// The model of API.md.
  @Model(table: "users")
  struct User: Equatable, Sendable {
    @ID var id: Int64?
    var name: String
    @Column("email_address") var email: String
    var createdAt: Date
    var age: Int?
    var status: Shop.Status = .active
    @Unique var handle: String
    @References(Shop.Team.self, onDelete: .cascade) var teamID: Int64?
    @Indexed var score: Double = 0
  }

  @Model(table: "orders")
  struct Order: Equatable, Sendable {
    @ID var id: Int64?
    @References(Shop.User.self) var userID: Int64
    var amount: Double
    var quantity: Int
    var note: String?
  }

  /// One column of every kind a model can store.
  @Model(table: "tags")
  struct Tag: Equatable, Sendable {
    @ID var id: Int64?
    var label: String
    var small: Int16
    var medium: Int32
    var large: Int64
    var count: Int
    var ratio: Float
    var weight: Double
    var enabled: Bool
    var bytes: [UInt8]
    var data: Data?
    var createdAt: Date
    var token: UUID
    var price: Decimal
    var status: Shop.Status?
    var nickname: String?
  }

  /// Identifiers that need quoting: embedded double quotes, a space, a keyword.
  @Model(table: "we\"ird table")
  struct Weird: Equatable, Sendable {
    @ID var id: Int64?
    @Column("we\"ird") var weird: String
    @Column("select") var keyword: Int
  }
}

// MARK: Expected column lists

extension Shop {
  /// The column lists each `SELECT` of whole models spells out, in schema order.
  enum Columns {
    static let users = #""id", "name", "email_address", "created_at", "age", "status", "handle", "team_id", "score""#
    static let qualifiedUsers = #""users"."id", "users"."name", "users"."email_address", "users"."created_at", "users"."age", "users"."status", "users"."handle", "users"."team_id", "users"."score""#
    static let orders = #""id", "user_id", "amount", "quantity", "note""#
    static let qualifiedOrders = #""orders"."id", "orders"."user_id", "orders"."amount", "orders"."quantity", "orders"."note""#
    static let qualifiedTeams = #""teams"."id", "teams"."name""#
    static let tags = #""id", "label", "small", "medium", "large", "count", "ratio", "weight", "enabled", "bytes", "data", "created_at", "token", "price", "status", "nickname""#
  }

  static let created = Date(timeIntervalSince1970: 1_700_000_000)

  static func alice(id: Int64? = nil) -> User {
    User(id: id, name: "Alice", email: "a@example.com", createdAt: created, age: 30, status: .active, handle: "al",
         teamID: 3, score: 1.5)
  }

  /// Alice's values after the key, in schema order (what an INSERT binds).
  static let aliceValues: [SQLValue] = [
    .text("Alice"), .text("a@example.com"), .timestamp(created), .int(30), .text("active"), .text("al"), .int(3),
    .double(1.5),
  ]
}
