#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QueryBuilder
import Testing

extension DifferentialQuery {
  /// ORDER BY: NULL placement by default and explicit, several keys, every sortable
  /// type, expressions, LIMIT / OFFSET. The last key is always the primary key.
  static let orderings: [DifferentialQuery] = {
    var q: [DifferentialQuery] = []
    q.append(DifferentialQuery("asc: NULLs last by default") { db in
      try await User.order { [$0.age.asc(), $0.id.asc()] }.fetchAll(db)
    })
    q.append(DifferentialQuery("desc: NULLs first by default") { db in
      try await Order.order { [$0.weight.desc(), $0.id.asc()] }.fetchAll(db)
    })
    q.append(DifferentialQuery("asc with NULLS FIRST") { db in
      try await User.order { [$0.nickname.asc(nulls: .first), $0.id.desc()] }.fetchAll(db)
    })
    q.append(DifferentialQuery("desc with NULLS LAST") { db in
      try await Order.order { [$0.tagID.desc(nulls: .last), $0.id.asc()] }.fetchAll(db)
    })
    q.append(DifferentialQuery("multi-key: non-ASCII text, date desc, id") { db in
      try await User.order { [$0.name.asc(), $0.joinedAt.desc(), $0.id.asc()] }.fetchAll(db)
    })
    q.append(DifferentialQuery("order by a string enum, id desc") { db in
      try await User.order { [$0.status.asc(), $0.id.desc()] }.fetchAll(db)
    })
    q.append(DifferentialQuery("order by a uuid") { db in
      try await User.order { $0.token.asc() }.fetchAll(db)
    })
    q.append(DifferentialQuery("order by a bool, then a double") { db in
      try await User.order { [$0.isAdmin.desc(), $0.score.asc(), $0.id.asc()] }.fetchAll(db)
    })
    q.append(DifferentialQuery("order by an int enum, a date with ties, a Float") { db in
      try await Order.order { [$0.priority.desc(), $0.placedAt.asc(), $0.rate.desc(), $0.id.asc()] }.fetchAll(db)
    })
    q.append(DifferentialQuery("order by an Int32 with ties, both directions") { db in
      try await Tag.order { [$0.rank.asc(), $0.label.desc(), $0.id.asc()] }.fetchAll(db)
        + Tag.order { [$0.rank.desc(), $0.id.desc()] }.fetchAll(db)
    })
    q.append(DifferentialQuery("order by an expression") { db in
      try await Order.order { [($0.amount * -1).asc(), $0.id.asc()] }.fetchAll(db)
    })
    q.append(DifferentialQuery("order by a coalesced column") { db in
      try await User.order { [$0.nickname.coalesce("~").desc(), $0.id.asc()] }.fetchAll(db)
    })
    q.append(DifferentialQuery("limit and offset") { db in
      try await User.order { [$0.joinedAt.asc(), $0.id.asc()] }.limit(10).offset(25).fetchAll(db)
    })
    q.append(DifferentialQuery("offset without limit") { db in
      try await User.order { $0.id.desc() }.offset(230).fetchAll(db)
    })
    q.append(DifferentialQuery("limit past the end") { db in
      try await Tag.where { $0.rank >= 0 }.order { $0.id.asc() }.limit(100).offset(3).fetchAll(db)
    })
    q.append(DifferentialQuery("order by a decimal") { db in
      try await User.where { $0.balance != nil }.order { [$0.balance.asc(), $0.id.asc()] }.fetchAll(db)
    })
    q.append(DifferentialQuery("< and BETWEEN on a decimal") { db in
      try await User.where { $0.balance < Decimal(1000) || $0.balance.between(Decimal(-5), and: Decimal(5)) }
        .order { $0.id.asc() }.fetchAll(db)
    })
    return q
  }()
}
