/// Runs workloads: a warm-up, then repetitions that alternate the order of the
/// implementations (baseline first, then last, ...) so that drifting noise on a
/// shared machine lands on all of them alike. Every run's checksum is checked.
struct Runner: Sendable {
  var repetitions: Int
  var warmups: Int
  /// Prints progress on stderr.
  var log: @Sendable (String) -> Void

  /// What became of one implementation of a workload.
  struct Outcome: Sendable {
    let contender: Contender
    var figures: [Double] = []
    /// Why the implementation stopped early: an error or a wrong checksum.
    var failure: String?
    /// The failure was a wrong result, not an error.
    var wrongResult = false

    var statistics: Statistics? { failure == nil ? Statistics(figures) : nil }
  }

  /// Why a workload did not run at all.
  enum NotRun: Sendable, CustomStringConvertible {
    /// Its database is not configured.
    case skipped(String)
    /// Preparing its database failed.
    case failed(String)

    var description: String {
      switch self {
      case .skipped(let reason), .failed(let reason): reason
      }
    }
  }

  /// The outcomes of one workload, baseline (if any) first.
  struct Result: Sendable {
    let workload: Workload
    var outcomes: [Outcome]
    var notRun: NotRun?

    /// The baseline's outcome, when the workload has one.
    var baseline: Outcome? { workload.baseline == nil ? nil : outcomes.first }

    /// The outcome of the implementation named `name`.
    func outcome(named name: String) -> Outcome? { outcomes.first { $0.contender.name == name } }
  }

  /// Runs `workload` off the main actor, so that Wren's awaits do not hop back to
  /// the main thread between statements.
  @concurrent
  func run(_ workload: Workload) async -> Result {
    var outcomes = workload.implementations.map { Outcome(contender: $0) }
    let expected = workload.expected()

    for round in 0..<(warmups + repetitions) {
      let isWarmUp = round < warmups
      let label = isWarmUp ? "warm-up" : "rep \(round - warmups + 1)/\(repetitions)"
      let indices = round.isMultiple(of: 2) ? Array(outcomes.indices) : outcomes.indices.reversed()
      for index in indices where outcomes[index].failure == nil {
        let contender = outcomes[index].contender
        do {
          let sample = try await contender.run()
          if let expected, sample.checksum != expected {
            outcomes[index].failure = "wrong result: got \(sample.checksum); expected \(expected)"
            outcomes[index].wrongResult = true
            log("\(workload.name) \(label) \(contender.name): WRONG RESULT")
            continue
          }
          let figure = workload.figure.value(of: sample)
          if !isWarmUp { outcomes[index].figures.append(figure) }
          let cpu = sample.clientCPUSeconds.flatMap { cpu in
            sample.operations.map { ", client CPU " + Format.figure(cpu / Double(max($0, 1)) * 1e6) + " µs/op" }
          } ?? ""
          log("\(workload.name) \(label) \(contender.name): \(Format.figure(figure)) \(workload.figure.unit)\(cpu)")
        } catch {
          let message = Self.abbreviated("\(error)")
          outcomes[index].failure = message
          log("\(workload.name) \(label) \(contender.name): error: \(message)")
        }
      }
    }
    return Result(workload: workload, outcomes: outcomes, notRun: nil)
  }

  /// An error message cut to a table note's length: errors quote their SQL, and a
  /// bulk INSERT's runs to hundreds of kilobytes.
  static func abbreviated(_ message: String, limit: Int = 400) -> String {
    guard message.count > limit else { return message }
    return message.prefix(limit) + "... (\(message.count - limit) more characters)"
  }
}
