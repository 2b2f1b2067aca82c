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
