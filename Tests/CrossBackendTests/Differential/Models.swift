#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

// The seeded schema the differential suite queries: teams have users, users have
// orders, orders may carry a tag. Every column type the builder compares, orders or
// aggregates appears at least once, nullable and not.

enum Membership: String, SQLValueConvertible { case active, banned, pending }

enum Priority: Int, SQLValueConvertible { case low = 1, normal = 2, high = 3 }

@Model(table: "teams")
struct Team: Equatable, Sendable {
  @ID var id: Int64?
  var name: String
  var region: String?
  var budget: Double
}

@Model(table: "tags")
struct Tag: Equatable, Sendable {
  @ID var id: Int64?
  @Unique var label: String
  var rank: Int32
}

@Model(table: "users")
struct User: Equatable, Sendable {
  @ID var id: Int64?
  var name: String
  @Column("email_address") @Unique var email: String
  var age: Int?
  var status: Membership = .active
  var joinedAt: Date
  var isAdmin: Bool = false
  var score: Double
  var balance: Decimal?
  var token: UUID
  @References(Team.self) var teamID: Int64?
  var nickname: String?
}

@Model(table: "orders")
struct Order: Equatable, Sendable {
  @ID var id: Int64?
  @References(User.self, onDelete: .cascade) var userID: Int64
  @References(Tag.self, onDelete: .setNull) var tagID: Int64?
  var amount: Int
  var quantity: Int16
  var weight: Double?
  var rate: Float
  var priority: Priority = .normal
  var placedAt: Date
  var note: String?
  var shipped: Bool
}
