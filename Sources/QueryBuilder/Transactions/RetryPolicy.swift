/// When and how an outermost atomic block is run again after its transaction failed.
///
/// ```swift
/// try await db.atomic(isolation: .serializable, retry: 5) { ... }
/// let patient = RetryPolicy(baseDelay: .milliseconds(20), maxDelay: .seconds(1))
/// try await db.atomic(isolation: .serializable, retry: 10, retryPolicy: patient) { ... }
/// ```
/// Attempt `n` (from 1) waits a random time between zero and
/// `min(maxDelay, baseDelay * 2^(n-1))` ("full jitter") before running again.
public struct RetryPolicy: Sendable {
  /// The first retry's longest wait.
  public var baseDelay: Duration
  /// The longest wait of any retry.
  public var maxDelay: Duration
  /// Which errors start another attempt; by default ``DatabaseError/isRetryable``
  /// (serialization failures, deadlocks, SQLite busy, stale cached statements).
  public var shouldRetry: @Sendable (any Error) -> Bool

  /// A policy; the defaults suit short OLTP transactions.
  public init(baseDelay: Duration = .milliseconds(5), maxDelay: Duration = .milliseconds(500),
              shouldRetry: @escaping @Sendable (any Error) -> Bool = RetryPolicy.isRetryableDatabaseError) {
    self.baseDelay = baseDelay
    self.maxDelay = maxDelay
    self.shouldRetry = shouldRetry
  }

  /// The default policy.
  public static let `default` = RetryPolicy()

  /// Whether `error` is a ``DatabaseError`` whose code is retryable.
  public static func isRetryableDatabaseError(_ error: any Error) -> Bool {
    (error as? DatabaseError)?.isRetryable ?? false
  }

  /// How long to wait before attempt `attempt + 1`, `attempt` counting from 1.
  func delay(after attempt: Int) -> Duration {
    let ceiling = min(maxDelay, baseDelay * (1 << min(max(attempt - 1, 0), 20)))
    let nanoseconds = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
    guard nanoseconds > 0 else { return .zero }
    return .nanoseconds(Int64.random(in: 0...nanoseconds))
  }
}
