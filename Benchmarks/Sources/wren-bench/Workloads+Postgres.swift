import PGBackend
import QueryBuilder

extension Workloads {
  /// P1: 20,000 sequential point selects on one connection, each row decoded.
  static func postgresPoint(_ env: BenchEnvironment) -> Workload {
    let url = env.postgresURL ?? ""
    let rows = env.tableRows
    let queries = pointQueries
    return Workload(
      name: "P1", title: "point select", backend: .postgres,
      figure: .microsecondsPer("query", count: queries),
      expected: pointChecksum(env),
      baseline: Contender("libpq (C)") {
        try Baselines.postgresPoint(conninfo: url, queries: queries, tableRows: rows)
      },
      contenders: [
        pointContender("Wren raw SQL", url: url, queries: queries, rows: rows, target: .atMost(1.5)),
        pointContender("Wren raw SQL, busy-poll off", url: url, queries: queries, rows: rows,
                       options: PostgresConnectionOptions(busyPollBudget: .zero)),
      ])
  }

  /// P1's Wren loop through `fetchOne` and `Row`, on a connection opened with `options`.
  static func pointContender(
    _ name: String, url: String, queries: Int, rows: Int, target: Target? = nil,
    options: PostgresConnectionOptions = PostgresConnectionOptions()
  ) -> Contender {
    Contender(name, target: target) {
      try await withPostgres(url, options: options) { conn in
        let watch = Stopwatch()
        var checksum = Checksum()
        for id in pointIDs(count: queries, tableRows: rows) {
          let row = try await conn.fetchOne(
            "SELECT id, name, qty, price, created_at, active, note FROM bench_items WHERE id = \(id)")
          guard let row else { throw MissingRow(id: id) }
          checksum.add(try BenchItem(row: row))
        }
        return Sample(seconds: watch.seconds, checksum: checksum)
      }
    }
  }

  /// P2: every row of `bench_items` on one connection, decoded into structs.
  static func postgresFetchAll(_ env: BenchEnvironment) -> Workload {
    let url = env.postgresURL ?? ""
    return Workload(
      name: "P2", title: "fetch all", backend: .postgres,
      figure: .rowsPerSecond(count: env.tableRows),
      expected: allRowsChecksum(env),
      baseline: Contender("libpq (C)") { try Baselines.postgresFetchAll(conninfo: url) },
      contenders: [
        Contender("Wren raw SQL", target: .atLeast(0.5)) {
          try await withPostgres(url) { conn in
            let watch = Stopwatch()
            let items = try await conn.fetchAll(
              "SELECT id, name, qty, price, created_at, active, note FROM bench_items"
            ).map(BenchItem.init(row:))
            let seconds = watch.seconds
            return Sample(seconds: seconds, checksum: Checksum.of(items))
          }
        },
      ])
  }

  /// Runs `body` on a fresh connection (connecting is not timed) and closes it.
  static func withPostgres(
    _ url: String, options: PostgresConnectionOptions = PostgresConnectionOptions(),
    _ body: (PostgresConnection) async throws -> Sample
  ) async throws -> Sample {
    let conn = try await PostgresConnection.connect(url, options: options)
    do {
      let sample = try await body(conn)
      await conn.close()
      return sample
    } catch {
      await conn.close()
      throw error
    }
  }
}
