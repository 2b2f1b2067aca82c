/// The registered workloads, in the order the table shows them. Each one lives in
/// `Workloads+<Backend>.swift`; add new ones (P4–P6, S1, other libraries as extra
/// contenders) there and list them here.
enum Workloads {
  /// Point selects per run of P1 and S3.
  static let pointQueries = 20_000
  /// Rows per run of P3.
  static let insertRows = 20_000
  /// Rows per run of P4.
  static let copyRows = 100_000

  /// Wren through raw SQL and `Row`s; the model rows' targets are relative to it.
  static let rawSQL = "Wren raw SQL"
  /// Wren through its user-facing API: models and the query builder.
  static let model = "Wren model"
  /// What the model API may add over raw SQL: at most 10% more time...
  static let modelTime = Target.relativeTo(rawSQL, atMost: 1.10, shown: "raw")
  /// ... or at most 10% more time per row, for rates (1 / 1.10).
  static let modelRate = Target.relativeTo(rawSQL, atLeast: 0.909, shown: "raw")

  static func all(in env: BenchEnvironment) -> [Workload] {
    [
      postgresPoint(env),
      postgresFetchAll(env),
      postgresInsertMany(env),
      postgresCopyIn(env),
      postgresConcurrent(env),
      postgresTransactions(env),
      sqliteFetchAll(env),
      sqlitePoint(env),
      testUnit(env),
    ]
  }

  /// The ids P1 and S3 look up, in order: 1, 2, ..., cycling through the table.
  static func pointIDs(count: Int, tableRows: Int) -> some Sequence<Int64> {
    (0..<count).lazy.map { Int64($0 % tableRows + 1) }
  }

  /// The checksum of reading every seed row.
  static func allRowsChecksum(_ env: BenchEnvironment) -> @Sendable () -> Checksum {
    let rows = env.tableRows
    return { Checksum.expected(ids: 1...Int64(rows)) }
  }

  /// The checksum of the point selects.
  static func pointChecksum(_ env: BenchEnvironment) -> @Sendable () -> Checksum {
    let rows = env.tableRows
    return { Checksum.expected(ids: pointIDs(count: pointQueries, tableRows: rows)) }
  }
}

/// A query that should have returned a row returned none.
struct MissingRow: Error, CustomStringConvertible {
  let id: Int64
  var description: String { "no row with id \(id)" }
}
