/// One benchmark: the same work done by a baseline and by one or more contenders
/// (Wren through raw SQL and through its model API, later PostgresNIO, GRDB, ...).
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
  /// The checksum every run must return (nil: the runs check their own answers).
  let expected: @Sendable () -> Checksum?
  /// The reference implementation that ratios are taken against unless a target names
  /// another contender; nil when there is none (T1: an absolute target).
  let baseline: Contender?
  /// The implementations compared with the baseline, each with its target if any.
  let contenders: [Contender]

  init(name: String, title: String, backend: Backend, figure: Figure, expected: @escaping @Sendable () -> Checksum?,
       baseline: Contender?, contenders: [Contender]) {
    let names = contenders.map(\.name)
    precondition(Set(names).count == names.count && !names.contains(baseline?.name ?? ""),
                 "\(name): two implementations with one name")
    for contender in contenders {
      guard let target = contender.target else { continue }
      switch target.reference {
      case .baseline:
        precondition(baseline != nil, "\(name) \(contender.name): a ratio target needs a baseline")
      case .contender(let other, _):
        precondition(other != contender.name && names.contains(other),
                     "\(name) \(contender.name): target relative to unknown contender \(other)")
      case .absolute(let unit):
        precondition(figure.unit.hasPrefix(unit), "\(name) \(contender.name): target in \(unit), figure in \(figure.unit)")
      }
    }
    self.name = name
    self.title = title
    self.backend = backend
    self.figure = figure
    self.expected = expected
    self.baseline = baseline
    self.contenders = contenders
  }

  /// The baseline (if any), then the contenders: the order of the table's rows.
  var implementations: [Contender] { (baseline.map { [$0] } ?? []) + contenders }
}

/// One implementation of a workload.
struct Contender: Sendable {
  /// Shown in the table: `libpq (C)`, `Wren raw SQL`.
  let name: String
  /// What its median must reach (see ``Target``); nil: informational.
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
  /// How many operations a timed-duration run completed (for `operationsPerSecond`).
  var operations: Int? = nil
  /// CPU seconds (user + system) the client spent in the timed part, where measured:
  /// logged per operation beside the figure (P5, where client CPU decides the race).
  var clientCPUSeconds: Double? = nil
}

/// The database a workload needs.
enum Backend: String, Sendable, CaseIterable {
  /// The Postgres server, seeded with `bench_items` (and an empty `bench_ins`).
  case postgres = "Postgres"
  /// The SQLite file, seeded with `bench_items`.
  case sqlite = "SQLite"
  /// Fresh in-memory SQLite databases the workload makes itself: nothing to seed.
  case sqliteMemory = "SQLite in-memory"
}

/// How elapsed seconds become the figure a workload reports.
enum Figure: Sendable {
  /// Microseconds per operation, `count` operations per run; lower is better.
  case microsecondsPer(String, count: Int)
  /// Rows per second, `count` rows per run; higher is better.
  case rowsPerSecond(count: Int)
  /// Operations (`tx`, ...) per second, `count` per run; higher is better.
  case perSecond(String, count: Int)
  /// Operations per second of a run that lasts a set time and counts what it did
  /// (`Sample.operations`); higher is better.
  case operationsPerSecond(String)

  func value(of sample: Sample) -> Double {
    let seconds = sample.seconds
    switch self {
    case .microsecondsPer(_, let count): return seconds * 1_000_000 / Double(count)
    case .rowsPerSecond(let count), .perSecond(_, let count): return Double(count) / seconds
    case .operationsPerSecond: return Double(sample.operations ?? 0) / seconds
    }
  }

  var unit: String {
    switch self {
    case .microsecondsPer(let operation, _): "µs/\(operation)"
    case .rowsPerSecond: "rows/s"
    case .perSecond(let operation, _), .operationsPerSecond(let operation): "\(operation)/s"
    }
  }
}
