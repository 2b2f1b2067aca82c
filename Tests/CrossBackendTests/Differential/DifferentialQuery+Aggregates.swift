#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QueryBuilder
import Testing

extension DifferentialQuery {
  /// Projections into tuples, arithmetic and COALESCE in SELECT, DISTINCT, and
  /// COUNT / SUM / AVG / MIN / MAX with GROUP BY and HAVING.
  static let aggregates: [DifferentialQuery] = {
    var q: [DifferentialQuery] = []
    q.append(DifferentialQuery("projection: every column type") { db in
      tuples(try await User.select {
        ($0.id, $0.name, $0.email, $0.age, $0.status, $0.joinedAt, $0.isAdmin, $0.score, $0.balance, $0.token,
         $0.teamID, $0.nickname)
      }.order { $0.id.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("projection: Int16, Float, int enum, nullable double") { db in
      tuples(try await Order.select { ($0.id, $0.quantity, $0.rate, $0.priority, $0.weight, $0.note) }
        .order { $0.id.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("arithmetic in select: ints, negative division") { db in
      tuples(try await Order.select { ($0.id, $0.amount * 3 - 7, $0.amount / 4, $0.quantity + 1) }
        .order { $0.id.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("arithmetic in select: doubles") { db in
      tuples(try await User.select { ($0.id, $0.score * 2 + 0.5, $0.score / 4, $0.score - $0.score) }
        .order { $0.id.asc() }.fetchAll(db))
    })
    // No arithmetic or sum on Float columns: it does not compile (PostgreSQL computes
    // `real` in single precision, SQLite in double; the results could not agree).
    q.append(DifferentialQuery("division by zero", knownIssue: """
      PostgreSQL raises division_by_zero (22012); SQLite returns NULL for x / 0
      """) { db in
      tuples(try await Order.select { ($0.id, $0.weight / 0) }
        .where { $0.id <= 3 }.order { $0.id.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("coalesce: with a value and with a column") { db in
      tuples(try await User.select { ($0.id, $0.age.coalesce(-1), $0.nickname.coalesce($0.name)) }
        .order { $0.id.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("distinct: one text column") { db in
      let names: [String] = try await User.select { $0.name }.distinct().order { $0.name.asc() }.fetchAll(db)
      return names
    })
    q.append(DifferentialQuery("distinct: a pair with NULLs") { db in
      tuples(try await User.select { ($0.teamID, $0.isAdmin) }.distinct()
        .order { [$0.teamID.asc(), $0.isAdmin.asc()] }.fetchAll(db))
    })
    q.append(DifferentialQuery("group: count, sum, min, max, having") { db in
      tuples(try await Order.select { ($0.userID, $0.id.count(), $0.amount.sum(), $0.amount.min(), $0.amount.max()) }
        .group { $0.userID }.having { $0.id.count() > 3 }.order { $0.userID.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("group by a string enum, having") { db in
      tuples(try await User.select { ($0.status, $0.id.count()) }.group { $0.status }
        .having { $0.id.count() > 1 }.order { $0.status.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("group by two keys, one nullable") { db in
      tuples(try await User.select { ($0.teamID, $0.status, SQLExpression<Int>.countAll, $0.age.max()) }
        .group { ($0.teamID, $0.status) }.order { [$0.teamID.asc(), $0.status.asc()] }.fetchAll(db))
    })
    q.append(DifferentialQuery("group ordered by an aggregate") { db in
      tuples(try await Order.select { ($0.tagID, $0.id.count(), $0.quantity.sum()) }.group { $0.tagID }
        .order { [$0.id.count().desc(), $0.tagID.asc()] }.fetchAll(db))
    })
    q.append(DifferentialQuery("having on a sum") { db in
      tuples(try await Order.select { ($0.userID, $0.amount.sum()) }.group { $0.userID }
        .having { $0.amount.sum() > 12_000 }.order { $0.userID.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("aggregates of a nullable int, whole table") { db in
      tuples(try await User.select {
        ($0.age.sum(), $0.age.min(), $0.age.max(), $0.age.count(), SQLExpression<Int>.countAll, $0.age.countDistinct())
      }.fetchAll(db))
    })
    q.append(DifferentialQuery("sum, min, max of doubles (exact)") { db in
      RowTuple(tuples(try await User.select { ($0.score.sum(), $0.score.min(), $0.score.max()) }.fetchAll(db)),
           tuples(try await Order.select { ($0.weight.sum(), $0.weight.min(), $0.weight.max()) }.fetchAll(db)))
    })
    q.append(DifferentialQuery("average of doubles per group (exact)") { db in
      tuples(try await User.select { ($0.status, $0.score.average(), $0.score.sum()) }.group { $0.status }
        .order { $0.status.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("average of ints per group (within 1e-12)") { db in
      try await Order.select { ($0.userID, $0.amount.average()) }.group { $0.userID }
        .order { $0.userID.asc() }.fetchAll(db).map { RowTuple($0.0, ApproximateDouble($0.1)) }
    })
    q.append(DifferentialQuery("min and max of text and dates") { db in
      tuples(try await User.select { ($0.name.min(), $0.name.max(), $0.joinedAt.min(), $0.joinedAt.max()) }.fetchAll(db))
    })
    q.append(DifferentialQuery("min and max of dates per int enum") { db in
      tuples(try await Order.select { ($0.priority, $0.placedAt.min(), $0.placedAt.max(), $0.rate.max()) }
        .group { $0.priority }.order { $0.priority.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("count distinct") { db in
      tuples(try await Order.select { ($0.tagID.countDistinct(), $0.userID.countDistinct(), $0.tagID.count()) }
        .fetchAll(db))
    })
    q.append(DifferentialQuery("aggregates over no rows are NULL") { db in
      tuples(try await Order.select { ($0.amount.sum(), $0.amount.min(), $0.weight.max(), $0.amount.average(), $0.id.count()) }
        .where { $0.amount > 1_000_000 }.fetchAll(db))
    })
    q.append(DifferentialQuery("projection fetchOne") { db in
      try await User.select { ($0.name, $0.joinedAt) }.where { $0.joinedAt < Dates.epoch }
        .order { [$0.joinedAt.asc(), $0.id.asc()] }.fetchOne(db).map { RowTuple($0.0, $0.1) }
    })
    q.append(DifferentialQuery("max of a bool per group") { db in
      tuples(try await User.select { ($0.teamID, $0.isAdmin.max()) }.group { $0.teamID }
        .order { $0.teamID.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("min and max of a uuid") { db in
      tuples(try await User.select { ($0.token.min(), $0.token.max()) }.fetchAll(db))
    })
    return q
  }()
}
