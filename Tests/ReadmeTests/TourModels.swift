// The README's Swift blocks, compiled: each region between `readme-begin N` and
// `readme-end` is README.md's N-th Swift block, word for word (scripts/check-readme
// compares them; scripts/test runs it). Code outside the regions only gives the
// blocks what they assume (a mailer, some rows) and uses what they make.

// readme-begin 1
import Foundation
import Wren

@Model(table: "users")                  // plain structs become tables; no reflection, no Codable
struct User: Equatable {
  @ID var id: Int64?                    // generated key, nil until inserted
  var name: String
  @Column("email_address") @Unique var email: String
  var age: Int?
  var status: Status = .active          // enums stored as their raw value; default from the initialiser
  @Indexed var teamID: Int64?
}
enum Status: String, SQLValueConvertible { case active, banned }

@Model(table: "orders")
struct Order {
  @ID var id: Int64?
  @References(User.self, onDelete: .cascade) var userID: Int64
  var amount: Decimal                   // numeric on PostgreSQL: exact, never rounded
  var placedAt: Date
}

enum AppSchema {
  static var migrator: Migrator {
    var migrator = Migrator()
    migrator.register("2026-01-create-users") { db in try await db.create(User.self) }
    migrator.register("2026-02-create-orders") { db in try await db.create(Order.self) }
    return migrator
  }
}
// readme-end
