#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CBaselines
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// wren-bench: runs the selected workloads for Wren and their baselines, interleaved,
/// and prints one table. Progress goes to stderr, the table to stdout. Exits 1 when a
/// run or a seed failed or read wrong data, 3 when a target was missed, 2 on a usage
/// error, else 0 (workloads skipped for want of a database do not count).
@main
struct WrenBench {
  static func main() async {
    let options: Options
    do {
      options = try Options(arguments: Array(CommandLine.arguments.dropFirst()))
    } catch {
      printError("\(error)")
      exit(2)
    }
    let env = BenchEnvironment.fromProcess()
    let registered = Workloads.all(in: env)
    if options.list {
      for workload in registered { print("\(workload.name)\t\(workload.backend.rawValue)\t\(workload.title)") }
      return
    }
    let unknown = options.names.filter { name in !registered.contains { $0.name == name } }
    guard unknown.isEmpty else {
      printError("unknown workload(s) \(unknown.joined(separator: ", ")); known: "
                 + registered.map(\.name).joined(separator: " "))
      exit(2)
    }
    let selected = options.names.isEmpty ? registered : registered.filter { options.names.contains($0.name) }

    let runner = Runner(repetitions: options.repetitions, warmups: options.warmups, log: printError)
    let results = await run(selected, with: runner, in: env)
    env.cleanUp()

    let table = ReportTable(results: results)
    print("""
      wren-bench: median, min, max of \(options.repetitions) repetitions after \(options.warmups) warm-up(s), \
      alternating order; \(table.ratioLegend)
      Postgres: \(env.postgresDisplay); SQLite: \(env.sqlitePath); \(String(cString: wren_bench_library_versions()))

      """)
    print(table.render())
    exit(table.hasFailures ? 1 : table.hasMisses ? 3 : 0)
  }

  /// Seeds each backend once, before its first workload, then runs the workloads in order.
  private static func run(_ workloads: [Workload], with runner: Runner, in env: BenchEnvironment) async
    -> [Runner.Result]
  {
    var seeded: Set<Backend> = []
    var notRun: [Backend: Runner.NotRun] = [:]
    var results: [Runner.Result] = []
    for workload in workloads {
      let backend = workload.backend
      if !seeded.contains(backend) && notRun[backend] == nil {
        if let reason = env.unavailable(backend) {
          notRun[backend] = .skipped(reason)
        } else {
          if backend != .sqliteMemory { printError("seeding \(backend.rawValue) with \(env.tableRows) rows") }
          do {
            try env.seed(backend)
            seeded.insert(backend)
          } catch {
            notRun[backend] = .failed("seeding \(backend.rawValue) failed: \(error)")
          }
        }
      }
      if let reason = notRun[backend] {
        printError("\(workload.name): not run: \(reason.description)")
        results.append(Runner.Result(workload: workload, outcomes: [], notRun: reason))
      } else {
        results.append(await runner.run(workload))
      }
    }
    return results
  }
}

/// Writes a line to stderr.
@Sendable
func printError(_ message: String) {
  var line = message + "\n"
  line.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}
