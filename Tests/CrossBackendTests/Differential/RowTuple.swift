/// A tuple of a projection or join, made Equatable so rows compare with `==`.
struct RowTuple<each T: Equatable & Sendable>: Equatable, Sendable, CustomStringConvertible {
  let values: (repeat each T)

  init(_ values: repeat each T) { self.values = (repeat each values) }

  static func == (lhs: Self, rhs: Self) -> Bool {
    for (left, right) in repeat (each lhs.values, each rhs.values) {
      guard left == right else { return false }
    }
    return true
  }

  var description: String {
    var parts: [String] = []
    for value in repeat each values { parts.append(String(describing: value)) }
    return "(" + parts.joined(separator: ", ") + ")"
  }
}

/// Rows of tuples as rows of ``RowTuple``.
func tuples<each T: Equatable & Sendable>(_ rows: [(repeat each T)]) -> [RowTuple<repeat each T>] {
  // A loop, not `rows.map { RowTuple($0) }`: Swift 6.3.1's SILGen crashes on that closure.
  var result: [RowTuple<repeat each T>] = []
  result.reserveCapacity(rows.count)
  for row in rows { result.append(RowTuple(repeat each row)) }
  return result
}
