/// The registered workloads, in the order the table shows them. Each one lives in
/// `Workloads+<Backend>.swift`; add new ones (model-API rows, P3–P6, T1, other
/// libraries as extra contenders) there and list them here.
enum Workloads {
  /// Point selects per run of P1 and S3.
  static let pointQueries = 20_000

  static func all(in env: BenchEnvironment) -> [Workload] {
    [
      postgresPoint(env),
      postgresFetchAll(env),
      sqliteFetchAll(env),
      sqlitePoint(env),
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
