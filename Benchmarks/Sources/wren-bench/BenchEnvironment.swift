#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where the benchmarks run: taken from the environment once, at start.
struct BenchEnvironment: Sendable {
  /// A libpq connection string or URL; nil when no Postgres is configured.
  let postgresURL: String?
  /// The SQLite database file the run creates and deletes.
  let sqlitePath: String
  /// Rows seeded into `bench_items` on each backend.
  let tableRows = 100_000

  static func fromProcess() -> BenchEnvironment {
    let env = ProcessInfo.processInfo.environment
    let url = [env["WREN_BENCH_POSTGRES_URL"], env["WREN_TEST_POSTGRES_URL"]]
      .compactMap { $0 }.first { !$0.isEmpty }
    let path = env["WREN_BENCH_SQLITE_PATH"].flatMap { $0.isEmpty ? nil : $0 }
      ?? "/tmp/wren-bench-\(ProcessInfo.processInfo.processIdentifier).sqlite"
    return BenchEnvironment(postgresURL: url, sqlitePath: path)
  }

  /// Why `backend` cannot be used, or nil when it can.
  func unavailable(_ backend: Backend) -> String? {
    switch backend {
    case .postgres: postgresURL == nil ? "no WREN_BENCH_POSTGRES_URL / WREN_TEST_POSTGRES_URL" : nil
    case .sqlite, .sqliteMemory: nil
    }
  }

  /// Creates `bench_items` with the seed rows on `backend`.
  /// - Throws: ``Baselines/Failure``.
  func seed(_ backend: Backend) throws {
    switch backend {
    case .postgres: try Baselines.seedPostgres(conninfo: postgresURL ?? "", rows: tableRows)
    case .sqlite: try Baselines.seedSQLite(path: sqlitePath, rows: tableRows)
    case .sqliteMemory: break
    }
  }

  /// Deletes what the run created locally (the SQLite file and its WAL files).
  func cleanUp() {
    for suffix in ["", "-wal", "-shm"] {
      try? FileManager.default.removeItem(atPath: sqlitePath + suffix)
    }
  }

  /// The Postgres server as `host:port/db`, without credentials, for the title line.
  var postgresDisplay: String {
    guard let url = postgresURL else { return "none" }
    guard let schemeEnd = url.firstRange(of: "://") else { return "(conninfo)" }
    var rest = url[schemeEnd.upperBound...]
    if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
    if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
    return String(rest)
  }
}
