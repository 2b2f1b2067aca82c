/// One benchmark: the same work done by a baseline and by one or more contenders
/// (Wren through raw SQL, later Wren's model API, PostgresNIO, GRDB, ...).
///
/// Adding a workload is adding one value to ``Workloads/all(in:)``; the runner, the
/// checks and the table take it from there.
struct Workload: Sendable {
  /// Short name used on the command line and in the table: `P1`, `S3`.
  let name: String
  /// What it does, in a few words: `point select`.
  let title: String
  /// Where it runs; the runner seeds each backend once before its first workload.
  let backend: Backend
  /// How a run's elapsed time becomes the reported figure.
  let figure: Figure
  /// The checksum every correct run must produce, derived from the seed formula.
  let expected: @Sendable () -> Checksum
  /// The reference implementation; every ratio is taken against it.
  let baseline: Contender
  /// The implementations compared with the baseline, each with its target if any.
  let contenders: [Contender]
}

/// One implementation of a workload.
struct Contender: Sendable {
  /// Shown in the table: `libpq (C)`, `Wren raw SQL`.
  let name: String
  /// The bound on `figure(contender) / figure(baseline)` of the medians; nil: informational.
  let target: Target?
  /// Runs the workload once and returns its timed part (set-up and tear-down excluded)
  /// and the checksum of what it decoded.
  let run: @Sendable () async throws -> Sample

  init(_ name: String, target: Target? = nil, run: @escaping @Sendable () async throws -> Sample) {
    self.name = name
    self.target = target
    self.run = run
  }
}

/// The result of one run of a contender.
struct Sample: Sendable {
  /// Wall-clock seconds of the timed part.
  var seconds: Double
  /// A digest of every row the run decoded.
  var checksum: Checksum
}

/// The database a workload needs.
enum Backend: String, Sendable, CaseIterable {
  case postgres = "Postgres"
  case sqlite = "SQLite"
}

/// How elapsed seconds become the figure a workload reports.
enum Figure: Sendable {
  /// Microseconds per operation, `count` operations per run; lower is better.
  case microsecondsPer(String, count: Int)
  /// Rows per second, `count` rows per run; higher is better.
  case rowsPerSecond(count: Int)

  func value(seconds: Double) -> Double {
    switch self {
    case .microsecondsPer(_, let count): seconds * 1_000_000 / Double(count)
    case .rowsPerSecond(let count): Double(count) / seconds
    }
  }

  var unit: String {
    switch self {
    case .microsecondsPer(let operation, _): "µs/\(operation)"
    case .rowsPerSecond: "rows/s"
    }
  }
}

/// A bound on the ratio contender / baseline of the medians of a figure.
struct Target: Sendable {
  enum Bound: Sendable { case atMost, atLeast }
  let bound: Bound
  let ratio: Double

  /// The contender's figure is at most `ratio` times the baseline's (for times).
  static func atMost(_ ratio: Double) -> Target { Target(bound: .atMost, ratio: ratio) }
  /// The contender's figure is at least `ratio` times the baseline's (for rates).
  static func atLeast(_ ratio: Double) -> Target { Target(bound: .atLeast, ratio: ratio) }

  func isMet(by ratio: Double) -> Bool {
    switch bound {
    case .atMost: ratio <= self.ratio
    case .atLeast: ratio >= self.ratio
    }
  }

  var description: String {
    (bound == .atMost ? "<= " : ">= ") + Format.ratio(ratio)
  }
}
