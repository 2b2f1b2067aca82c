import Foundation
import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import RaceMigrations
import Testing

/// Migrators that start together, as app instances do: on two pools in one process,
/// and in two processes. Each round migrates a fresh schema; every migration must be
/// applied exactly once, both callers succeed, and the one that waited applies none.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(3)))
struct MigratorRaceTests {
  static let rounds = 20

  @Test func twoPoolsMigratingTogetherApplyEachMigrationOnce() async throws {
    let log = try ServerLog()
    for round in 1...Self.rounds {
      let schema = "wren_migrate_pools_\(round)_\(ProcessInfo.processInfo.processIdentifier)"
      try await PostgresTestServer.admin {
        try await $0.execute("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE; CREATE SCHEMA \(identifier: schema)")
      }
      let first = try await Self.pool(schema)
      let second = try await Self.pool(schema)
      let outcome: Result<[[String]], any Error>
      do {
        async let one = RaceMigrations.migrator.migrate(first)
        async let other = RaceMigrations.migrator.migrate(second)
        outcome = .success(try await [one, other])
      } catch {
        outcome = .failure(error)
      }
      await first.close()
      await second.close()
      try await Self.expectAppliedOnce(try outcome.get(), schema: schema, round: round)
      try await PostgresTestServer.dropSchema(schema)
    }
    #expect(try log.linesSinceStart(containing: "you don't own a lock").isEmpty)
  }

  @Test func twoProcessesMigratingTogetherApplyEachMigrationOnce() async throws {
    let probe = try Self.probeExecutable()
    let url = try PostgresTestServer.requireURL()
    let log = try ServerLog()
    for round in 1...Self.rounds {
      let schema = "wren_migrate_processes_\(round)_\(ProcessInfo.processInfo.processIdentifier)"
      try await PostgresTestServer.admin {
        try await $0.execute("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE; CREATE SCHEMA \(identifier: schema)")
      }
      // Both wait for the same instant after opening their pools, then migrate.
      let startAt = String(Int((Date().timeIntervalSince1970 + 0.6) * 1000))
      let processes = try (0..<2).map { _ in try ProbeProcess(probe, arguments: [url, schema, startAt]) }
      var applied: [[String]] = []
      for process in processes {
        let (status, output) = try await process.finish()
        #expect(status == 0, "round \(round): the probe failed: \(output)")
        applied.append(output.split(separator: "\n").compactMap { line in
          line.hasPrefix("applied ") ? String(line.dropFirst("applied ".count)) : nil
        })
      }
      try await Self.expectAppliedOnce(applied, schema: schema, round: round)
      try await PostgresTestServer.dropSchema(schema)
    }
    #expect(try log.linesSinceStart(containing: "you don't own a lock").isEmpty)
  }

  /// One caller applied everything, the other nothing; the table has each id once and
  /// the seed ran once.
  static func expectAppliedOnce(_ applied: [[String]], schema: String, round: Int) async throws {
    let ids = RaceMigrations.migrator.migrationIDs
    #expect(applied.sorted { $0.count > $1.count } == [ids, []], "round \(round): applied \(applied)")
    try await PostgresTestServer.admin { db in
      let recorded = try await db.fetchAll("SELECT id FROM \(identifier: schema).wren_migrations ORDER BY id")
        .map { try $0.decode(String.self, at: 0) }
      #expect(recorded == ids, "round \(round)")
      let seeded = try await db.fetchValue("SELECT count(*) FROM \(identifier: schema).customers", as: Int64.self)
      #expect(seeded == 1, "round \(round)")
    }
  }

  static func pool(_ schema: String) async throws -> PostgresDatabase {
    try await PostgresDatabase(url: try PostgresTestServer.requireURL(), pool: PoolOptions(
      minSize: 1, maxSize: 2, acquireTimeout: .seconds(30),
      connection: PostgresTestServer.patient(PostgresConnectionOptions(serverSettings: [
        "search_path": SQLDialect.postgres.quoteIdentifier(schema), "client_min_messages": "warning",
      ]))))
  }

  /// `wren-migration-probe`, built beside this test binary.
  static func probeExecutable() throws -> URL {
    let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var folder = testBinary.deletingLastPathComponent()
    // On macOS the tests run inside an .xctest bundle (Contents/MacOS).
    while folder.path.contains(".xctest") { folder = folder.deletingLastPathComponent() }
    let probe = folder.appendingPathComponent("wren-migration-probe")
    guard FileManager.default.isExecutableFile(atPath: probe.path) else {
      throw MisuseError("wren-migration-probe is not built next to the tests (looked in \(folder.path))")
    }
    return probe
  }
}

/// A probe process whose output is collected.
private struct ProbeProcess {
  let process: Process
  let output: Pipe

  init(_ executable: URL, arguments: [String]) throws {
    process = Process()
    process.executableURL = executable
    process.arguments = arguments
    output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
  }

  /// Waits for the process to exit (at most a minute) and returns its status and output.
  func finish() async throws -> (Int32, String) {
    let deadline = ContinuousClock.now + .seconds(60)
    while process.isRunning {
      guard ContinuousClock.now < deadline else {
        process.terminate()
        throw MisuseError("the probe did not exit within a minute")
      }
      try await Task.sleep(for: .milliseconds(10))
    }
    // A few lines: they fit in the pipe's buffer, so reading after the exit is safe.
    let data = output.fileHandleForReading.readDataToEndOfFile()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
  }
}

/// The test server's log file (`WREN_TEST_PG_LOG`), read from where it stood when made.
struct ServerLog {
  let path: String?
  let start: UInt64

  init() throws {
    path = ProcessInfo.processInfo.environment["WREN_TEST_PG_LOG"]
    if let path, let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber {
      start = size.uint64Value
    } else {
      start = 0
    }
  }

  /// The lines written since this value was made that contain `text` (none when the
  /// server's log is not known, as with an external server).
  func linesSinceStart(containing text: String) throws -> [String] {
    guard let path, let handle = FileHandle(forReadingAtPath: path) else { return [] }
    defer { try? handle.close() }
    try handle.seek(toOffset: start)
    let data = try handle.readToEnd() ?? Data()
    return String(decoding: data, as: UTF8.self).split(separator: "\n").filter { $0.contains(text) }.map(String.init)
  }
}
