/// One message sent with `NOTIFY channel, 'payload'` (or `pg_notify`).
public struct PostgresNotification: Sendable, Hashable {
  /// The channel it was sent on.
  public let channel: String
  /// The payload ("" when none was given).
  public let payload: String
  /// The server process of the session that sent it.
  public let senderPID: Int32
}

/// The notifications of one channel, from `LISTEN` until the iteration ends: leaving
/// the loop, an error, or cancelling the task (`CancellationError`) sends `UNLISTEN`
/// and gives the connection back (a pool's listener closes its own connection),
/// whether or not the sequence is still referenced. Closing the pool ends the
/// iteration normally. One iteration per sequence: a second one ends at once.
///
/// ```swift
/// for try await note in try await db.listen("orders") {
///   print(note.channel, note.payload, note.senderPID)
/// }
/// ```
public struct PostgresNotifications: AsyncSequence, Sendable {
  /// Notifications.
  public typealias Element = PostgresNotification
  /// A lost connection's ``DatabaseError``, a ``MisuseError`` for a second
  /// iteration, or `CancellationError`.
  public typealias Failure = any Error

  let listener: NotificationListener

  /// Starts the iteration.
  public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(iteration: Iteration(listener)) }

  /// Waits for the next notification; not Sendable (one task iterates).
  public struct AsyncIterator: AsyncIteratorProtocol {
    let iteration: Iteration

    /// The next notification, waiting for it as long as it takes.
    public mutating func next() async throws -> PostgresNotification? {
      guard iteration.isFirst else { return nil }
      return try await iteration.listener.next()
    }
  }

  /// Ends the listener when the iterator is dropped.
  final class Iteration: Sendable {
    let listener: NotificationListener
    /// Only the sequence's first iteration reads; later ones end at once.
    let isFirst: Bool
    init(_ listener: NotificationListener) {
      self.listener = listener
      self.isFirst = listener.claimIteration()
    }
    deinit { if isFirst { listener.endSoon() } }
  }
}
