import Foundation  // Process: pgbench runs as a child process
import Model
import PGBackend
import QueryBuilder
import Synchronization

extension Workloads {
  /// How long each P5 run lasts.
  static let concurrentSeconds = 5
  /// P5's workers and pool size.
  static let concurrentWorkers = 8

  /// P5: 8 workers sharing a pool of 8 connections, each looping P1's point select
  /// (through the model API) for 5 seconds, beside `pgbench -M prepared` running the
  /// same statement with 8 clients. Each Wren query checks the row it got back. Two
  /// rows: workers on Swift's own pool (the default), and workers that opt into
  /// `PostgresDatabase.ioExecutor`, the reactor's threads, as pgbench's threads do
  /// their own polling.
  static func postgresConcurrent(_ env: BenchEnvironment) -> Workload {
    let url = env.postgresURL ?? ""
    let tableRows = Int64(env.tableRows)
    return Workload(
      name: "P5", title: "concurrent", backend: .postgres,
      figure: .operationsPerSecond("queries"),
      expected: { nil },
      baseline: Contender("pgbench -M prepared") {
        try PGBench.run(url: url, clients: concurrentWorkers, seconds: concurrentSeconds, tableRows: Int(tableRows))
      },
      contenders: [
        Contender(model + ", pool", target: .atLeast(0.6)) {
          try await poolRun(url: url, tableRows: tableRows, executor: nil)
        },
        Contender(model + ", pool, ioExecutor", target: .atLeast(0.6)) {
          try await poolRun(url: url, tableRows: tableRows, executor: PostgresDatabase.ioExecutor)
        },
      ])
  }

  /// One P5 run: 8 workers on a pool of 8, each looping over point selects, as tasks
  /// that prefer `executor` (nil: Swift's own pool).
  static func poolRun(url: String, tableRows: Int64, executor: (any TaskExecutor)?) async throws -> Sample {
    let pool = try await PostgresDatabase(url: url, pool: PoolOptions(minSize: concurrentWorkers, maxSize: concurrentWorkers))
    defer { pool.terminate() }
    let deadline = ContinuousClock.now + .seconds(concurrentSeconds)
    let cpuBefore = CPUTime.ofProcess
    let watch = Stopwatch()
    let total = try await withThrowingTaskGroup(of: Int.self) { group in
      for worker in 0..<concurrentWorkers {
        group.addTask(executorPreference: executor) {
          // pgbench draws its ids from a user-space generator too: no system call per query.
          var ids = FastRandom(seed: UInt64(worker + 1))
          var count = 0
          while ContinuousClock.now < deadline {
            let id = Int64.random(in: 1...tableRows, using: &ids)
            guard let item = try await BenchItemModel.fetchOne(pool, id: id), item.id == id else {
              throw MissingRow(id: id)
            }
            count += 1
          }
          return count
        }
      }
      return try await group.reduce(0, +)
    }
    let seconds = watch.seconds
    return Sample(seconds: seconds, checksum: Checksum(), operations: total,
                  clientCPUSeconds: CPUTime.ofProcess - cpuBefore)
  }
}

/// Runs `pgbench` with P1's statement (pgbench from `WREN_BENCH_PGBENCH`, the test
/// cluster's bin directory, or PATH).
enum PGBench {
  struct Failed: Error, CustomStringConvertible {
    let description: String
  }

  static func run(url: String, clients: Int, seconds: Int, tableRows: Int) throws -> Sample {
    let script = FileManager.default.temporaryDirectory.appendingPathComponent("wren-p5-\(ProcessInfo.processInfo.processIdentifier).sql")
    try """
      \\set id random(1, \(tableRows))
      SELECT id, name, qty, price, created_at, active, note FROM bench_items WHERE id = :id;

      """.write(to: script, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: script) }
    let process = Process()
    let environment = ProcessInfo.processInfo.environment
    let candidates = [environment["WREN_BENCH_PGBENCH"], environment["WREN_TEST_PG_BIN"].map { $0 + "/pgbench" },
                      "/usr/lib/postgresql/15/bin/pgbench", "/usr/bin/pgbench"].compactMap { $0 }
    guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw Failed(description: "pgbench not found (set WREN_BENCH_PGBENCH)")
    }
    process.executableURL = URL(fileURLWithPath: executable)
    // A transaction count, not -T: pgbench ends a timed run with SIGALRM, which a
    // child of this process may inherit blocked.
    let perClient = 2_500
    process.arguments = ["-n", "-M", "prepared", "-c", String(clients), "-j", "2", "-t", String(perClient),
                         "-f", script.path, url]
    let output = Pipe()
    process.standardOutput = output
    let cpuBefore = CPUTime.ofChildren
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else { throw Failed(description: "pgbench failed: \(text)") }
    // "tps = 1234.5 (without initial connection time)".
    guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
          let tps = Double(line.dropFirst("tps = ".count).prefix { $0 != " " }), tps > 0 else {
      throw Failed(description: "no tps in pgbench's output: \(text)")
    }
    let count = clients * perClient
    return Sample(seconds: Double(count) / tps, checksum: Checksum(), operations: count,
                  clientCPUSeconds: CPUTime.ofChildren - cpuBefore)
  }
}

/// A small, fast pseudo-random generator (splitmix64) for picking ids.
struct FastRandom: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
