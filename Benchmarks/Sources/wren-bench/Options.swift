/// wren-bench's command line: `wren-bench [--reps N] [--warmups N] [--list] [WORKLOAD...]`.
struct Options: Sendable {
  var repetitions = 5
  var warmups = 1
  var list = false
  /// Workload names asked for (upper-cased); empty: all.
  var names: [String] = []

  static let usage = """
    usage: wren-bench [--reps N] [--warmups N] [--list] [WORKLOAD...]

    Runs Wren's benchmark workloads (../shared/bench/WORKLOADS.md) against their
    baselines, interleaved, and prints one table. WORKLOAD names (P1, S3, ...)
    select workloads; none selects all. Environment:
      WREN_BENCH_POSTGRES_URL  Postgres to use (else WREN_TEST_POSTGRES_URL);
                               without either, Postgres workloads are skipped
      WREN_BENCH_SQLITE_PATH   SQLite file to create (else /tmp/wren-bench-PID.sqlite)
    """

  struct UsageError: Error, CustomStringConvertible {
    let description: String
  }

  /// Parses `arguments` (without the program name).
  /// - Throws: ``UsageError``.
  init(arguments: [String]) throws {
    var rest = arguments[...]
    while let argument = rest.popFirst() {
      switch argument {
      case "--reps", "--warmups":
        guard let text = rest.popFirst(), let value = Int(text), value >= (argument == "--reps" ? 1 : 0) else {
          throw UsageError(description: "\(argument) needs a count")
        }
        if argument == "--reps" { repetitions = value } else { warmups = value }
      case "--list": list = true
      case "-h", "--help": throw UsageError(description: Self.usage)
      case _ where argument.hasPrefix("-"): throw UsageError(description: "unknown option \(argument)\n\(Self.usage)")
      default: names.append(argument.uppercased())
      }
    }
  }
}
