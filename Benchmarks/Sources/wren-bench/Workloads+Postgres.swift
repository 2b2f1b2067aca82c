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
        pointContender(rawSQL, url: url, queries: queries, rows: rows, target: .atMost(1.5)),
        pointContender("Wren raw SQL, busy-poll off", url: url, queries: queries, rows: rows,
                       options: PostgresConnectionOptions(busyPollBudget: .zero)),
        Contender(model, target: modelTime) {
          try await withPostgres(url) { conn in
            let watch = Stopwatch()
            var checksum = Checksum()
            for id in pointIDs(count: queries, tableRows: rows) {
              guard let item = try await BenchItemModel.fetchOne(conn, id: id) else { throw MissingRow(id: id) }
              checksum.add(item)
            }
            return Sample(seconds: watch.seconds, checksum: checksum)
          }
        },
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
        Contender(rawSQL, target: .atLeast(0.5)) {
          try await withPostgres(url) { conn in
            let watch = Stopwatch()
            let items = try await conn.fetchAll(
              "SELECT id, name, qty, price, created_at, active, note FROM bench_items"
            ).map(BenchItem.init(row:))
            let seconds = watch.seconds
            return Sample(seconds: seconds, checksum: Checksum.of(items))
          }
        },
        Contender(model, target: modelRate) {
          try await withPostgres(url) { conn in
            let watch = Stopwatch()
            let items = try await BenchItemModel.fetchAll(conn)
            let seconds = watch.seconds
            return Sample(seconds: seconds, checksum: Checksum.of(items))
          }
        },
      ])
  }

  /// P3: 20,000 rows into the empty `bench_ins` in one transaction. Emptying the table
  /// before each run and reading the rows back after it are not timed; the rows to
  /// insert are built before the clock starts on both sides.
  static func postgresInsertMany(_ env: BenchEnvironment) -> Workload {
    let url = env.postgresURL ?? ""
    let rows = insertRows
    return Workload(
      name: "P3", title: "insert many", backend: .postgres,
      figure: .rowsPerSecond(count: rows),
      expected: { Checksum.expected(ids: 1...Int64(rows)) },
      baseline: loadBaseline("libpq (C), pipelined", url: url) {
        try Baselines.postgresInsertMany(conninfo: url, rows: rows)
      },
      contenders: [
        loadContender(model, target: .atLeast(1.5), url: url, rows: rows,
                      prepare: { (1...Int64($0)).map(BenchInsModel.seed) }) { conn, models in
          _ = try await conn.atomic { try await BenchInsModel.insertAll(conn, models) }
        },
        loadContender("Wren executeMany", target: .atLeast(0.9), url: url, rows: rows,
                      prepare: { (1...Int64($0)).map { BenchInsModel.seed($0).columnValues } }) { conn, values in
          _ = try await conn.atomic {
            try await conn.executeMany("INSERT INTO bench_ins (\(unsafeRaw: benchColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7)", values)
          }
        },
      ])
  }

  /// The C side of a load into the emptied `bench_ins`: `load` returns its own timed
  /// seconds; emptying the table and reading the checksum back are not timed.
  static func loadBaseline(_ name: String, url: String, load: @escaping @Sendable () throws -> Double) -> Contender {
    Contender(name) {
      try Baselines.postgresResetInserts(conninfo: url)
      let seconds = try load()
      return Sample(seconds: seconds, checksum: try Baselines.postgresInsertedChecksum(conninfo: url))
    }
  }

  /// A contender that loads `rows` seed rows into the emptied `bench_ins` with `load`
  /// on one connection. Emptying the table, building the input (`prepare`) and
  /// reading the checksum back are not timed.
  static func loadContender<Input: Sendable>(
    _ name: String, target: Target, url: String, rows: Int, prepare: @escaping @Sendable (Int) -> Input,
    load: @escaping @Sendable (PostgresConnection, Input) async throws -> Void
  ) -> Contender {
    Contender(name, target: target) {
      try Baselines.postgresResetInserts(conninfo: url)
      let input = prepare(rows)
      let sample = try await withPostgres(url) { conn in
        let watch = Stopwatch()
        try await load(conn, input)
        return Sample(seconds: watch.seconds, checksum: Checksum())
      }
      return Sample(seconds: sample.seconds, checksum: try Baselines.postgresInsertedChecksum(conninfo: url))
    }
  }

  /// The columns of `bench_items` and `bench_ins`, in the models' order.
  static let benchColumns = "id, name, qty, price, created_at, active, note"

  /// P4: 100,000 rows into the empty `bench_ins` with COPY: binary COPY from rows of
  /// values, and typed COPY of models, beside libpq sending binary COPY data.
  static func postgresCopyIn(_ env: BenchEnvironment) -> Workload {
    let url = env.postgresURL ?? ""
    let rows = copyRows
    let columns = benchColumns.split(separator: ", ").map(String.init)
    return Workload(
      name: "P4", title: "copy in", backend: .postgres,
      figure: .rowsPerSecond(count: rows),
      expected: { Checksum.expected(ids: 1...Int64(rows)) },
      baseline: loadBaseline("libpq (C), binary COPY", url: url) {
        try Baselines.postgresCopyIn(conninfo: url, rows: rows)
      },
      contenders: [
        loadContender("Wren copy rows", target: .atLeast(0.9), url: url, rows: rows,
                      prepare: { (1...Int64($0)).map { BenchInsModel.seed($0).columnValues } }) { conn, values in
          _ = try await conn.copy(into: "bench_ins", columns: columns, rows: values)
        },
        loadContender("Wren model copy", target: .atLeast(0.9), url: url, rows: rows,
                      prepare: { (1...Int64($0)).map(BenchInsModel.seed) }) { conn, models in
          _ = try await BenchInsModel.copy(models, into: conn)
        },
      ])
  }

  /// P6's transaction count.
  static let transactionCount = 5_000

  /// P6: 5,000 sequential transactions on one connection, each inserting a row and
  /// updating it in a nested block. Wren's go through `db.atomic` and model writes.
  static func postgresTransactions(_ env: BenchEnvironment) -> Workload {
    let url = env.postgresURL ?? ""
    let count = transactionCount
    var expected = Checksum()
    expected.rows = Int64(count)
    expected.sumID = Int64(count) * Int64(count + 1) / 2
    expected.sumQty = Int64(count)
    return Workload(
      name: "P6", title: "transactions", backend: .postgres,
      figure: .perSecond("tx", count: count),
      expected: { [expected] in expected },
      baseline: Contender("libpq (C)") {
        try Baselines.postgresResetTransactions(conninfo: url)
        let seconds = try Baselines.postgresTransactions(conninfo: url, count: count)
        return Sample(seconds: seconds, checksum: try Baselines.postgresTransactionsChecksum(conninfo: url))
      },
      contenders: [
        Contender(model, target: .atLeast(0.75)) {
          try Baselines.postgresResetTransactions(conninfo: url)
          let sample = try await withPostgres(url) { conn in
            let watch = Stopwatch()
            for i in 1...Int64(count) {
              try await conn.atomic {
                var row = BenchTxModel(id: i, name: "tx-\(i)", qty: 0)
                try await row.insert(conn)
                try await conn.atomic {
                  row.qty = 1
                  try await row.update(conn)
                }
              }
            }
            return Sample(seconds: watch.seconds, checksum: Checksum())
          }
          return Sample(seconds: sample.seconds, checksum: try Baselines.postgresTransactionsChecksum(conninfo: url))
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
