#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PostgresTestSupport
import QueryBuilder

/// A PostgreSQL cluster of one test's own, made by `scripts/pg start`, for tests that
/// restart or stop the server: the shared server keeps serving the other suites.
///
/// ```swift
/// try await ScratchCluster.with { cluster in
///   let conn = try await PostgresConnection.connect(cluster.url)
///   try await cluster.restart()
/// }
/// ```
struct ScratchCluster: Sendable {
  /// The directory `scripts/pg` owns (and deletes on stop).
  let directory: String
  let url: String
  let dataDirectory: String
  let binDirectory: String
  /// The OS user that runs the server.
  let user: String
  let logFile: String

  /// Starts a cluster, runs `body` with it, all bounded by `timeLimit`, and always
  /// stops and deletes the cluster afterwards.
  static func with<T: Sendable>(timeLimit: Duration = .seconds(40),
                                _ body: @escaping @Sendable (ScratchCluster) async throws -> T) async throws -> T {
    let directory = "/tmp/wren-pgtest-" + UUID().uuidString.prefix(8).lowercased()
    let result: Result<T, any Error>
    do {
      result = .success(try await withTimeout(timeLimit, "scratch cluster test") {
        try await body(try await start(in: directory))
      })
    } catch {
      result = .failure(error)
    }
    _ = try? await withTimeout(.seconds(40), "scripts/pg stop") { try await run(script.path, ["stop", directory]) }
    return try result.get()
  }

  /// `pg_ctl restart -m fast`: clients are disconnected, the server comes back on the
  /// same port. `-l` keeps the server from holding our output pipe open.
  func restart() async throws {
    let pgctl = binDirectory + "/pg_ctl"
    let arguments = ["-D", dataDirectory, "-l", logFile, "restart", "-w", "-t", "30", "-m", "fast", "-s"]
    if user == ProcessInfo.processInfo.userName {
      _ = try await Self.run(pgctl, arguments)
    } else {
      _ = try await Self.run("/usr/bin/env", ["runuser", "-u", user, "--", pgctl] + arguments)
    }
  }

  private static func start(in directory: String) async throws -> ScratchCluster {
    let output = try await run(script.path, ["start", directory])
    var exports: [String: String] = [:]
    for line in output.split(separator: "\n") where line.hasPrefix("export ") {
      // Values are paths and a URL without shell metacharacters, so %q left them bare.
      let assignment = line.dropFirst("export ".count)
      guard let equals = assignment.firstIndex(of: "=") else { continue }
      exports[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
    }
    func value(_ name: String) throws -> String {
      guard let value = exports[name] else { throw MisuseError("scripts/pg start printed no \(name):\n\(output)") }
      return value
    }
    return ScratchCluster(directory: directory, url: try value("WREN_TEST_POSTGRES_URL"),
                          dataDirectory: try value("WREN_TEST_PGDATA"), binDirectory: try value("WREN_TEST_PG_BIN"),
                          user: try value("WREN_TEST_PG_USER"), logFile: try value("WREN_TEST_PG_LOG"))
  }

  /// `scripts/pg`, found from this file: the nearest directory above with Package.swift.
  private static var script: URL {
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while directory.path != "/", !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
      directory.deleteLastPathComponent()
    }
    return directory.appendingPathComponent("scripts/pg")
  }

  /// Runs a program to completion without blocking a thread of the cooperative pool:
  /// `posix_spawnp`, then `waitpid(WNOHANG)` polled between short sleeps. Output goes
  /// through files, so nothing waits on a pipe.
  ///
  /// Not Foundation's `Process`: on Linux it learns of the exit through a socket the
  /// child inherits, and the server `pg_ctl` starts inherits it too and keeps it open,
  /// so its termination handler never runs.
  /// - Returns: standard output.
  /// - Throws: when it exits with a non-zero status (with its standard error).
  private static func run(_ executable: String, _ arguments: [String]) async throws -> String {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("wren-run-" + UUID().uuidString)
    let outPath = scratch.path + ".out", errPath = scratch.path + ".err"
    defer {
      try? FileManager.default.removeItem(atPath: outPath)
      try? FileManager.default.removeItem(atPath: errPath)
    }
    #if canImport(Glibc)
    var actions = posix_spawn_file_actions_t()
    #else
    var actions: posix_spawn_file_actions_t?
    #endif
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    let argv = ([executable] + arguments).map { strdup($0) }
    defer { argv.forEach { free($0) } }
    var pid = pid_t()
    let spawned = posix_spawnp(&pid, executable, &actions, nil, argv + [nil], environ)
    guard spawned == 0 else { throw MisuseError("cannot run \(executable): error \(spawned)") }

    var status: Int32 = 0
    while waitpid(pid, &status, WNOHANG) == 0 {
      try await Task.sleep(for: .milliseconds(20))
    }
    let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    guard exitStatus == 0 else {
      let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
      throw MisuseError("\(executable) \(arguments.joined(separator: " ")) exited with \(exitStatus):\n\(errors)")
    }
    return output
  }
}
