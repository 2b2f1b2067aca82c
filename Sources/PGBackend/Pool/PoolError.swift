/// Why a pool could not hand out a connection.
public struct PoolError: Error, Sendable, CustomStringConvertible {
  /// What went wrong.
  public enum Reason: Sendable, Equatable {
    /// The pool is closing or closed.
    case closed
    /// No connection became free within the acquire timeout.
    case acquireTimeout
    /// The task already holds a connection of this pool, and the pool has none to
    /// spare: waiting would wait for itself.
    case selfDeadlock
  }

  /// What went wrong.
  public let reason: Reason
  /// A readable account, naming the holders of the pool's connections where it helps.
  public let message: String

  /// The message.
  public var description: String { message }
}
