/// A query's result, type-erased but still compared as its own Swift type.
struct Outcome: Sendable, CustomStringConvertible {
  let value: any Equatable & Sendable
  /// One line per row (or one for a scalar), for pinpointing the first difference.
  let lines: [String]
  /// Whether the result holds no rows (a comparison of two empty results proves little).
  let isEmpty: Bool

  init<T: Equatable & Sendable>(_ value: T) {
    self.value = value
    if !(value is String), let rows = value as? any Collection {
      lines = rows.map { String(describing: $0) }
      isEmpty = rows.isEmpty
    } else {
      lines = [String(describing: value)]
      isEmpty = false
    }
  }

  /// Whether `other` holds a value of the same type that is `==` to this one.
  func matches(_ other: Outcome) -> Bool {
    func compare<T: Equatable>(_ value: T) -> Bool { (other.value as? T) == value }
    return compare(value)
  }

  var description: String { "\(type(of: value)), \(lines.count) line(s)" }

  /// Where two outcomes first differ, for the failure message.
  func firstDifference(from other: Outcome) -> String {
    if type(of: value) != type(of: other.value) {
      return "types differ: \(type(of: value)) vs \(type(of: other.value))"
    }
    for (index, (left, right)) in zip(lines, other.lines).enumerated() where left != right {
      return "row \(index): \(left)\n        vs: \(right)"
    }
    if lines.count != other.lines.count { return "row counts differ: \(lines.count) vs \(other.lines.count)" }
    return "values differ although every row prints the same (e.g. a Double's last bit)"
  }
}
