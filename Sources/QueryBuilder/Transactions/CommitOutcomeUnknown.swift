/// The connection was lost while COMMIT was on its way: whether the transaction
/// committed, as far as the backend could find out.
///
/// ```swift
/// catch let lost as CommitOutcomeUnknown where lost.outcome == .committed { ... }   // it did
/// ```
public struct CommitOutcomeUnknown: Error, Sendable, CustomStringConvertible {
  /// What became of the transaction.
  public enum Outcome: String, Sendable {
    /// The server committed it (checked afterwards on another connection).
    case committed
    /// The server rolled it back (or it never got the COMMIT).
    case aborted
    /// It could not be found out.
    case unknown
  }

  /// What became of the transaction.
  public let outcome: Outcome
  /// The connection error COMMIT ran into.
  public let underlying: any Error

  /// What a backend found out, and the error COMMIT ran into.
  public init(outcome: Outcome, underlying: any Error) {
    self.outcome = outcome
    self.underlying = underlying
  }

  /// The outcome and the connection error.
  public var description: String {
    "the connection was lost during COMMIT; the transaction \(outcome == .unknown ? "may or may not have committed" : "was " + outcome.rawValue) (\(underlying))"
  }
}
