#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

/// `users` seen through a model whose `name` may be nil, so a model write can break
/// the column's NOT NULL constraint (``User`` cannot: its `name` is not optional).
@Model(table: "users")
struct UserDraft: Equatable, Sendable {
  @ID var id: Int64?
  var name: String?
  @Column("email_address") var email: String
  var joinedAt: Date
  var score: Double
  var token: UUID
}
