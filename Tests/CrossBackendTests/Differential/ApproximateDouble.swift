/// A double compared with a relative tolerance of 1e-12 (NULL equal only to NULL).
///
/// Used only for averages of integers: PostgreSQL computes `avg(bigint)` in `numeric`
/// and rounds once when casting to double, SQLite divides a double sum, so the last
/// bit may differ (on the seeded data they happen to agree exactly, but nothing promises
/// it). Everything else, averages of doubles included, compares exactly.
struct ApproximateDouble: Equatable, Sendable, CustomStringConvertible {
  let value: Double?
  init(_ value: Double?) { self.value = value }

  static func == (lhs: Self, rhs: Self) -> Bool {
    switch (lhs.value, rhs.value) {
    case (nil, nil): true
    case let (left?, right?): left == right || abs(left - right) <= 1e-12 * Swift.max(abs(left), abs(right))
    default: false
    }
  }

  var description: String { value.map { "≈\($0)" } ?? "nil" }
}
