#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QueryBuilder
import Testing

extension DifferentialQuery {
  /// Every query of the suite.
  static let all: [DifferentialQuery] = filters + orderings + aggregates + joins + mutations

  /// A value that is in the seeded data, picked by position so queries match rows.
  static let someToken = Dataset.shared.users[17].token
  static let someBalance = Dataset.shared.users.compactMap(\.balance)[3]

  /// WHERE: every comparison operator and type, NULL tests, IN / NOT IN / subqueries,
  /// BETWEEN, LIKE / ILIKE, arithmetic, COALESCE, EXISTS, and the scalar fetches.
  static let filters: [DifferentialQuery] = {
    var q: [DifferentialQuery] = []
    q.append(DifferentialQuery("= on a nullable int") { db in
      try await User.where { $0.age == 30 || $0.age == 31 }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("<> on a string enum") { db in
      try await User.where { $0.status != .active }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("< on a date, before 1970") { db in
      try await User.where { $0.joinedAt < Dates.epoch }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("> and <= on a nullable int") { db in
      try await User.where { $0.age > 20 && $0.age <= 25 }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery(">= on a negative double") { db in
      try await User.where { $0.score >= -100.5 && $0.score < 0 }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("= on a bool") { db in
      try await User.where { $0.isAdmin == true }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("= on a uuid") { db in
      try await User.where { $0.token == someToken }.fetchAll(db)
    })
    q.append(DifferentialQuery("= on a decimal") { db in
      try await User.where { $0.balance == someBalance }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("= on an int enum and >= on a Float") { db in
      try await Order.where { $0.priority == .high && $0.rate >= 0.5 }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("== nil is IS NULL") { db in
      try await User.where { $0.age == nil }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("!= nil is IS NOT NULL") { db in
      try await User.where { $0.nickname != nil }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("isNull on a decimal, isNotNull on a double") { db in
      let orders: [Int64] = try await Order.where { $0.weight.isNotNull }.order { $0.id.asc() }.select { $0.id }.fetchAll(db)
      let users: [Int64] = try await User.where { $0.balance.isNull }.order { $0.id.asc() }.select { $0.id }.fetchAll(db)
      return RowTuple(orders, users)
    })
    q.append(DifferentialQuery("NOT and OR under three-valued logic") { db in
      try await User.where { !($0.age > 30) || $0.nickname == nil }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("always && conditions") { db in
      try await User.where { SQLExpression<Bool>.always && $0.isAdmin == false && $0.age > 80 }
        .order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("in: non-ASCII strings") { db in
      try await User.where { $0.name.in(["Zoë", "李雷", "alice", "Straße", "🙂 Smiley", ""]) }
        .order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("notIn: a nullable int excludes NULLs") { db in
      try await User.where { $0.age.notIn((0...60).map { Int?($0) }) }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("in and notIn: empty lists") { db in
      RowTuple(try await User.where { $0.id.in([Int64]()) }.count(db),
           try await User.where { $0.id.notIn([Int64]()) }.count(db))
    })
    q.append(DifferentialQuery("in: a subquery") { db in
      try await Order.where { $0.userID.in(User.select { $0.id }.where { $0.status == .banned }) }
        .order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("in: a subquery of nullable values") { db in
      tuples(try await Order.where { $0.tagID.in(Tag.select { $0.id.orNull }.where { $0.rank > 0 }) }
        .order { $0.id.asc() }.select { ($0.id, $0.tagID) }.fetchAll(db))
    })
    q.append(DifferentialQuery("between: negative ints") { db in
      try await Order.where { $0.amount.between(-100, and: 100) }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("between: a date range across 1970") { db in
      try await Order.where { $0.placedAt.between(Dates.utc(1965, 1, 1)...Dates.utc(1975, 1, 1)) }
        .order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("like: case-sensitive prefix") { db in
      try await User.where { $0.name.like("A%") }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("like: _ matches one non-ASCII character") { db in
      try await User.where { $0.name.like("Z_ë") || $0.name.like("_mile") || $0.name.like("__") }
        .order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("notLike on a renamed column") { db in
      try await User.where { $0.email.notLike("%@example.com") }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("ilike: ASCII letters fold") { db in
      try await User.where { $0.name.ilike("al%") || $0.nickname.ilike("A_") }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("ilike and equalsIgnoringCase") { db in
      try await User.where { $0.name.ilike("%E") || $0.name.equalsIgnoringCase("zoe") }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("arithmetic in where: * and +") { db in
      try await Order.where { $0.amount * 2 + 1 > 15_000 }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("arithmetic in where: integer division of negatives truncates") { db in
      try await Order.where { $0.amount / 1000 == -3 }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("arithmetic between columns, nullable doubles") { db in
      try await Order.where { $0.weight * 2 < $0.weight + 10 }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("arithmetic on Int16") { db in
      try await Order.where { $0.quantity * 3 - 1 >= 119 }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("coalesce in where") { db in
      try await User.where { $0.age.coalesce(-1) < 5 }.order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("exists: correlated") { db in
      try await User.where { u in Order.where { $0.userID == u.id && $0.amount > 9_000 }.existsExpression }
        .order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("not exists: correlated") { db in
      try await User.where { u in !Order.where { $0.userID == u.id }.existsExpression }
        .order { $0.id.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("exists(db) and count(db)") { db in
      RowTuple(try await User.where { $0.name == "Zoë" && $0.status == .active }.exists(db),
           try await User.where { $0.age > 200 }.exists(db),
           try await User.where { $0.status == .pending }.count(db),
           try await Order.count(db))
    })
    q.append(DifferentialQuery("count of a page and of distinct rows") { db in
      RowTuple(try await User.order { $0.id.asc() }.limit(10).offset(235).count(db),
           try await User.where { $0.age > 50 }.distinct().count(db))
    })
    q.append(DifferentialQuery("fetchOne: first by a sort with ties") { db in
      try await User.where { $0.name == "Zoë" || $0.name == "zoe" }
        .order { [$0.joinedAt.desc(), $0.id.asc()] }.fetchOne(db)
    })
    return q
  }()
}
