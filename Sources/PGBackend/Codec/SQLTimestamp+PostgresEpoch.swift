import Model

extension SQLTimestamp {
  /// PostgreSQL's epoch (2000-01-01), which its binary timestamps and dates count
  /// from, in microseconds since 2001-01-01 (negative):
  /// `sinceReference = sincePostgresEpoch + referenceToPostgresEpochMicroseconds`.
  static let referenceToPostgresEpochMicroseconds: Int64 = -31_622_400_000_000
}
