import QueryBuilder
import SQLiteTestBackend

extension Workloads {
  /// S2: every row of `bench_items` decoded into structs.
  static func sqliteFetchAll(_ env: BenchEnvironment) -> Workload {
    let path = env.sqlitePath
    return Workload(
      name: "S2", title: "fetch all", backend: .sqlite,
      figure: .rowsPerSecond(count: env.tableRows),
      expected: allRowsChecksum(env),
      baseline: Contender("sqlite3 (C)") { try Baselines.sqliteFetchAll(path: path) },
      contenders: [
        Contender(rawSQL, target: .atLeast(0.5)) {
          try await withSQLite(path) { db in
            let watch = Stopwatch()
            let items = try await db.fetchAll(
              "SELECT id, name, qty, price, created_at, active, note FROM bench_items"
            ).map(BenchItem.init(row:))
            let seconds = watch.seconds
            return Sample(seconds: seconds, checksum: Checksum.of(items))
          }
        },
        Contender(model, target: modelRate) {
          try await withSQLite(path) { db in
            let watch = Stopwatch()
            let items = try await BenchItemModel.fetchAll(db)
            let seconds = watch.seconds
            return Sample(seconds: seconds, checksum: Checksum.of(items))
          }
        },
      ])
  }

  /// S3: 20,000 sequential point selects by primary key, each row decoded.
  static func sqlitePoint(_ env: BenchEnvironment) -> Workload {
    let path = env.sqlitePath
    let rows = env.tableRows
    let queries = pointQueries
    return Workload(
      name: "S3", title: "point select", backend: .sqlite,
      figure: .microsecondsPer("query", count: queries),
      expected: pointChecksum(env),
      baseline: Contender("sqlite3 (C)") {
        try Baselines.sqlitePoint(path: path, queries: queries, tableRows: rows)
      },
      contenders: [
        Contender(rawSQL, target: .atMost(2.0)) {
          try await withSQLite(path) { db in
            let watch = Stopwatch()
            var checksum = Checksum()
            for id in pointIDs(count: queries, tableRows: rows) {
              let row = try await db.fetchOne(
                "SELECT id, name, qty, price, created_at, active, note FROM bench_items WHERE id = \(id)")
              guard let row else { throw MissingRow(id: id) }
              checksum.add(try BenchItem(row: row))
            }
            return Sample(seconds: watch.seconds, checksum: checksum)
          }
        },
        Contender(model, target: modelTime) {
          try await withSQLite(path) { db in
            let watch = Stopwatch()
            var checksum = Checksum()
            for id in pointIDs(count: queries, tableRows: rows) {
              guard let item = try await BenchItemModel.fetchOne(db, id: id) else { throw MissingRow(id: id) }
              checksum.add(item)
            }
            return Sample(seconds: watch.seconds, checksum: checksum)
          }
        },
      ])
  }

  /// Runs `body` on a freshly opened database (opening is not timed) and closes it.
  static func withSQLite(_ path: String, _ body: (SQLiteDatabase) async throws -> Sample) async throws -> Sample {
    let db = try SQLiteDatabase(path: path)
    do {
      let sample = try await body(db)
      await db.close()
      return sample
    } catch {
      await db.close()
      throw error
    }
  }
}
