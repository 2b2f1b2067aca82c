/// What a contender's median must reach for its row to PASS: a bound on the ratio of
/// its figure to the baseline's or to another contender's, or on the figure itself.
///
/// ```swift
/// .atMost(1.5)                                    // time <= 1.5 x the baseline's
/// .atLeast(0.5)                                   // rate >= 0.5 x the baseline's
/// .relativeTo("Wren raw SQL", atMost: 1.10, shown: "raw")   // <= 1.10 x that row's
/// .absolute(atMost: 300, unit: "µs")              // the median itself <= 300
/// ```
struct Target: Sendable {
  enum Bound: Sendable { case atMost, atLeast }

  /// What the contender's median is compared with.
  enum Reference: Sendable, Equatable {
    /// The workload's baseline: the bound is a ratio.
    case baseline
    /// Another contender of the same workload, by name; `shown` names it in the table.
    case contender(String, shown: String)
    /// Nothing: the bound is on the figure, in `unit` (for the table).
    case absolute(unit: String)
  }

  let bound: Bound
  /// A ratio, or for ``Reference/absolute(unit:)`` a figure.
  let limit: Double
  let reference: Reference

  /// The contender's figure is at most `ratio` times the baseline's (for times).
  static func atMost(_ ratio: Double) -> Target { Target(bound: .atMost, limit: ratio, reference: .baseline) }
  /// The contender's figure is at least `ratio` times the baseline's (for rates).
  static func atLeast(_ ratio: Double) -> Target { Target(bound: .atLeast, limit: ratio, reference: .baseline) }

  /// At most `ratio` times the median of the contender named `name` (for times).
  /// `shown` is how the target column names it (default: the full name).
  static func relativeTo(_ name: String, atMost ratio: Double, shown: String? = nil) -> Target {
    Target(bound: .atMost, limit: ratio, reference: .contender(name, shown: shown ?? name))
  }

  /// At least `ratio` times the median of the contender named `name` (for rates).
  static func relativeTo(_ name: String, atLeast ratio: Double, shown: String? = nil) -> Target {
    Target(bound: .atLeast, limit: ratio, reference: .contender(name, shown: shown ?? name))
  }

  /// The median itself is at most `limit`, a figure in the workload's `unit`.
  static func absolute(atMost limit: Double, unit: String) -> Target {
    Target(bound: .atMost, limit: limit, reference: .absolute(unit: unit))
  }

  /// The name of the contender the ratio is taken against, when it is not the baseline.
  var referencedContender: String? {
    if case .contender(let name, _) = reference { name } else { nil }
  }

  /// Whether `value` (a ratio, or the figure for an absolute target) meets the bound.
  func isMet(by value: Double) -> Bool {
    switch bound {
    case .atMost: value <= limit
    case .atLeast: value >= limit
    }
  }

  /// `>= 0.50x`, `<= 1.10x raw`, `>= 0.909x raw`, `<= 300 µs`.
  var description: String {
    let sign = bound == .atMost ? "<= " : ">= "
    switch reference {
    case .baseline: return sign + Format.targetRatio(limit)
    case .contender(_, let shown): return sign + Format.targetRatio(limit) + " " + shown
    case .absolute(let unit):
      let figure = limit == limit.rounded() ? Format.grouped(Int64(limit)) : Format.figure(limit)
      return sign + figure + " " + unit
    }
  }
}
