/// A transaction's own machinery failed after (or while) its block failed: both
/// errors are kept, the block's first.
///
/// ```swift
/// catch let failure as TransactionFailure {
///   failure.blockError        // what the block threw (nil when only the machinery failed)
///   failure.rollbackError     // why rolling back failed
/// }
/// ```
public struct TransactionFailure: Error, Sendable, CustomStringConvertible {
  /// What the block threw.
  public let blockError: any Error
  /// Why ROLLBACK (or ROLLBACK TO SAVEPOINT) failed afterwards; the connection was
  /// then discarded, since its state is unknown.
  public let rollbackError: any Error

  /// Both errors.
  public init(blockError: any Error, rollbackError: any Error) {
    self.blockError = blockError
    self.rollbackError = rollbackError
  }

  /// Both errors, block first.
  public var description: String {
    "the atomic block failed (\(blockError)) and so did rolling it back (\(rollbackError)); the connection was discarded"
  }
}

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
