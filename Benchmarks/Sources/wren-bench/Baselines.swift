import CBaselines

/// Swift faces of the C baselines in CBaselines: each call is one timed run.
enum Baselines {
  /// A C baseline reported failure.
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  static func seedPostgres(conninfo: String, rows: Int) throws {
    try check { err, len in Double(wren_bench_pg_seed(conninfo, Int32(rows), err, len)) }
  }

  static func seedSQLite(path: String, rows: Int) throws {
    try check { err, len in Double(wren_bench_sqlite_seed(path, Int32(rows), err, len)) }
  }

  static func postgresPoint(conninfo: String, queries: Int, tableRows: Int) throws -> Sample {
    try sample { out, err, len in
      wren_bench_pg_point(conninfo, Int32(queries), Int32(tableRows), out, err, len)
    }
  }

  static func postgresFetchAll(conninfo: String) throws -> Sample {
    try sample { out, err, len in wren_bench_pg_fetch_all(conninfo, out, err, len) }
  }

  /// Empties P3's `bench_ins` (not timed).
  static func postgresResetInserts(conninfo: String) throws {
    try check { err, len in Double(wren_bench_pg_ins_reset(conninfo, err, len)) }
  }

  /// P3 in pipeline mode; returns the elapsed seconds.
  static func postgresInsertMany(conninfo: String, rows: Int) throws -> Double {
    try check { err, len in wren_bench_pg_insert_many(conninfo, Int32(rows), err, len) }
  }

  /// P4 with one binary COPY; returns the elapsed seconds.
  static func postgresCopyIn(conninfo: String, rows: Int) throws -> Double {
    try check { err, len in wren_bench_pg_copy_in(conninfo, Int32(rows), err, len) }
  }

  /// P6's transactions on one connection; returns the elapsed seconds.
  static func postgresTransactions(conninfo: String, count: Int) throws -> Double {
    try check { err, len in wren_bench_pg_transactions(conninfo, Int32(count), err, len) }
  }

  /// Empties `bench_tx` (not timed).
  static func postgresResetTransactions(conninfo: String) throws {
    try check { err, len in Double(wren_bench_pg_tx_reset(conninfo, err, len)) }
  }

  /// Rows, Σid and Σqty of `bench_tx` (not timed).
  static func postgresTransactionsChecksum(conninfo: String) throws -> Checksum {
    var checksum = wren_bench_checksum()
    try check { err, len in Double(wren_bench_pg_tx_checksum(conninfo, &checksum, err, len)) }
    return Checksum(checksum)
  }

  /// The checksum of what P3 left in `bench_ins`, read back in one query (not timed).
  static func postgresInsertedChecksum(conninfo: String) throws -> Checksum {
    var checksum = wren_bench_checksum()
    try check { err, len in Double(wren_bench_pg_ins_checksum(conninfo, &checksum, err, len)) }
    return Checksum(checksum)
  }

  static func sqliteFetchAll(path: String) throws -> Sample {
    try sample { out, err, len in wren_bench_sqlite_fetch_all(path, out, err, len) }
  }

  static func sqlitePoint(path: String, queries: Int, tableRows: Int) throws -> Sample {
    try sample { out, err, len in
      wren_bench_sqlite_point(path, Int32(queries), Int32(tableRows), out, err, len)
    }
  }

  /// T1: `iterations` unit tests on fresh in-memory databases, running `statements`
  /// (the distinct texts, in the order they first run).
  static func sqliteTestUnit(iterations: Int, statements: [String], image: [UInt8]? = nil) throws -> Sample {
    // The texts NUL-terminated in one buffer, and a pointer to each.
    var buffer: [CChar] = []
    var offsets: [Int] = []
    for text in statements {
      offsets.append(buffer.count)
      buffer += text.utf8CString
    }
    return try buffer.withUnsafeBufferPointer { bytes in
      let pointers = offsets.map { Optional(bytes.baseAddress! + $0) }
      return try pointers.withUnsafeBufferPointer { sql in
        try sample { out, err, len in
          guard let image else {
            return wren_bench_sqlite_test_unit(sql.baseAddress, Int32(sql.count), Int32(iterations), out, err, len)
          }
          return image.withUnsafeBufferPointer { bytes in
            wren_bench_sqlite_test_unit_image(sql.baseAddress, Int32(sql.count), bytes.baseAddress,
                                              Int64(bytes.count), Int32(iterations), out, err, len)
          }
        }
      }
    }
  }

  /// How many times in a row the C side of T1 runs each of its distinct statements.
  static func sqliteTestUnitRuns() -> [Int] {
    var runs: [Int] = []
    while true {
      let count = wren_bench_sqlite_test_unit_runs(Int32(runs.count))
      guard count >= 0 else { return runs }
      runs.append(Int(count))
    }
  }

  /// Calls a C function that returns elapsed seconds (or -1) and fills a checksum.
  private static func sample(
    _ body: (UnsafeMutablePointer<wren_bench_checksum>, UnsafeMutablePointer<CChar>, Int) -> Double
  ) throws -> Sample {
    var checksum = wren_bench_checksum()
    let seconds = try check { err, len in body(&checksum, err, len) }
    return Sample(seconds: seconds, checksum: Checksum(checksum))
  }

  /// Runs `body` with an error buffer; a negative result throws the message written there.
  @discardableResult
  private static func check(_ body: (UnsafeMutablePointer<CChar>, Int) -> Double) throws -> Double {
    var buffer = [CChar](repeating: 0, count: 1024)
    let result = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
    guard result >= 0 else {
      // libpq's messages end in a newline and may span lines; keep table notes on one.
      let message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      throw Failure(description: message.split(whereSeparator: \.isNewline)
        .map { $0.trimmingPrefix(while: \.isWhitespace) }.joined(separator: " "))
    }
    return result
  }
}
