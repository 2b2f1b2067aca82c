import QueryBuilder
import Testing

extension DifferentialQuery {
  /// UPDATE with expressions and DELETE, each followed by reading the table back.
  /// Each runs on its own freshly seeded pair.
  static let mutations: [DifferentialQuery] = {
    var q: [DifferentialQuery] = []
    q.append(DifferentialQuery("update with int expressions, then re-read", mutates: true) { db in
      let changed = try await Order.where { $0.amount < 0 }.update(db) {
        $0.amount = $0.amount * 2 - 1
        $0.note = "refund"
      }
      return RowTuple(changed, try await Order.order { $0.id.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("update to NULL and with double expressions", mutates: true) { db in
      let changed = try await User.where { $0.status == .banned || $0.age == nil }.update(db) {
        $0.age = nil
        $0.score = $0.score * -1 + 0.125
        $0.nickname = nil
      }
      return RowTuple(changed, try await User.order { $0.id.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("update bools, dates, enums, coalesce", mutates: true) { db in
      let changed = try await Order.where { $0.shipped == false && $0.priority == .low }.update(db) {
        $0.shipped = true
        $0.placedAt = Dates.moonLanding
        $0.priority = .high
        $0.weight = $0.weight.coalesce(0.5).orNull
      }
      return RowTuple(changed, try await Order.order { $0.id.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("delete then count", mutates: true) { db in
      let deleted = try await Order.where { $0.shipped == false && $0.amount < 100 }.delete(db)
      let remaining: [Int64] = try await Order.select { $0.id }.order { $0.id.asc() }.fetchAll(db)
      return RowTuple(deleted, try await Order.count(db), remaining)
    })
    q.append(DifferentialQuery("delete cascades and sets NULL", mutates: true) { db in
      let users = try await User.where { $0.age == nil }.delete(db)
      let tags = try await Tag.where { $0.rank < 0 }.delete(db)
      return RowTuple(users, tags, try await Order.count(db), try await Order.order { $0.id.asc() }.fetchAll(db))
    })
    return q
  }()
}
