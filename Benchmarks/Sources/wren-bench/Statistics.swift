/// Median, minimum and maximum of a set of figures.
struct Statistics: Sendable {
  let median: Double
  let min: Double
  let max: Double

  /// Nil for an empty set.
  init?(_ values: [Double]) {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    median = sorted.count.isMultiple(of: 2) ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[mid]
    min = sorted[0]
    max = sorted[sorted.count - 1]
  }
}
