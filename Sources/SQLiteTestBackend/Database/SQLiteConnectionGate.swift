import QueryBuilder
import Synchronization

/// The turn on a ``SQLiteDatabase``'s one connection: statements, streams and
/// transactions take it in line, first come first served, each waiting at most the
/// database's acquire timeout. A long holder (a transaction, a stream) is noted with
/// the time it took the turn, so a wait that runs out says where the connection is.
final class SQLiteConnectionGate: Sendable {
  /// Who holds the turn for longer than one statement.
  private struct Holder {
    let what: String
    let since: ContinuousClock.Instant
  }

  private let lock = AsyncLock()
  private let holder = Mutex<Holder?>(nil)
  /// How long a caller waits for its turn (nil: as long as it takes).
  let timeout: Duration?

  init(timeout: Duration?) {
    self.timeout = timeout
  }

  /// Takes the turn, noting `holder` (a transaction, a stream) when given.
  /// - Throws: ``DatabaseError`` `.lockNotAvailable` naming the holder when the wait
  ///   runs out; `CancellationError` when the task is cancelled while waiting.
  func enter(as holder: String? = nil) async throws {
    guard try await lock.lock(timeout: timeout) else { throw timedOut() }
    if let holder { self.holder.withLock { $0 = Holder(what: holder, since: .now) } }
  }

  /// Takes the turn whatever the task's cancellation and however long it takes: for
  /// closing, which waits for the holder to finish by design.
  func enterIgnoringCancellation() async {
    await lock.lockIgnoringCancellation()
  }

  /// Gives the turn to the next in line.
  func leave() {
    holder.withLock { $0 = nil }
    lock.unlock()
  }

  private func timedOut() -> DatabaseError {
    let timeout = self.timeout ?? .zero
    let heldBy = holder.withLock { holder in
      holder.map { "\($0.what) (for \((ContinuousClock.now - $0.since).readable))" }
    } ?? "statements of other tasks"
    return DatabaseError(code: .lockNotAvailable, message: """
      the SQLite database's connection did not become free within \(timeout.readable): it is held by \(heldBy). \
      A task that the holder waits for, and that needs this database, would wait for ever: run that \
      work inside the holder's block, or after it
      """)
  }
}
