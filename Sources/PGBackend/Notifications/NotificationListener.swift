import QueryBuilder
import Synchronization

/// A connection given over to listening on one channel.
///
/// `@unchecked Sendable`: it holds the connection's lock from `LISTEN` to the end, so
/// its libpq handle is used by nobody else; the one iteration that reads it runs in
/// one task at a time, and whoever ends the listener while that iteration waits on
/// the socket (its pool closing) only shuts the socket down and leaves the rest of
/// the ending to the reader (see `State.isReading`).
final class NotificationListener: @unchecked Sendable {
  private struct State {
    /// The connection's handle, dropped once the listener has ended, so that a
    /// connection opened for the listener is finished then, however long the
    /// sequence is still referenced.
    var handle: PostgresConnectionHandle?
    var ended = false
    /// Whether the iteration is waiting on the socket right now.
    var isReading = false
  }

  private let connection: PostgresConnection
  private let channel: String
  /// Whether the connection was opened for this listener (closed at the end) or lent.
  private let ownsConnection: Bool
  private let state: Mutex<State>
  private let claimed = Mutex(false)

  /// Takes `connection` (its lock) and sends `LISTEN`.
  static func start(on connection: PostgresConnection, channel: String, ownsConnection: Bool) async throws -> NotificationListener {
    guard !channel.isEmpty, !channel.utf8.contains(0) else {
      throw MisuseError("a channel name must be non-empty and free of NUL bytes")
    }
    let handle = try await connection.acquireHandle()
    let listener = NotificationListener(connection: connection, handle: handle, channel: channel, ownsConnection: ownsConnection)
    do {
      _ = try await connection.run(listenSQL("LISTEN", channel), on: handle, mode: .execute, timeout: connection.options.commandTimeout)
      connection.afterStatement(handle)
    } catch {
      await listener.end(unlisten: false)
      throw handle.isBroken ? connection.lostError(from: error) : error
    }
    return listener
  }

  private init(connection: PostgresConnection, handle: PostgresConnectionHandle, channel: String, ownsConnection: Bool) {
    self.connection = connection
    self.state = Mutex(State(handle: handle))
    self.channel = channel
    self.ownsConnection = ownsConnection
  }

  private static func listenSQL(_ command: String, _ channel: String) -> RenderedSQL {
    RenderedSQL(text: command + " " + SQLDialect.postgres.quoteIdentifier(channel), binds: [])
  }

  /// True for the first caller only: the one iteration that may read.
  func claimIteration() -> Bool {
    claimed.withLock { claimed in
      defer { claimed = true }
      return !claimed
    }
  }

  /// The next notification; nil once the listener has ended (its loop was left, or
  /// its pool closed).
  func next() async throws -> PostgresNotification? {
    while true {
      // The reader marks itself while it uses the handle, so that a pool closing
      // meanwhile leaves the handle to it (see ``shutDown(reason:)``).
      guard let handle = state.withLock({ state -> PostgresConnectionHandle? in
        guard !state.ended, let handle = state.handle else { return nil }
        state.isReading = true
        return handle
      }) else { return nil }
      let step = await Self.step(handle)
      let ended = state.withLock { state in
        state.isReading = false
        return state.ended
      }
      if ended {
        // Ended meanwhile: the pool closed and shut the socket down; the rest of the
        // ending is this reader's.
        await finish(unlisten: false)
        return nil
      }
      switch step {
      case .notification(let notification):
        return notification
      case .readMore:
        continue
      case .cancelled:
        await end(unlisten: true)
        throw CancellationError()
      case .lost:
        let error = DatabaseError(code: .connectionFailure, message: "the listener's connection was lost: \(handle.errorMessage)",
                                  isConnectionFatal: true)
        await end(unlisten: false)
        throw error
      }
    }
  }

  /// What one look at the connection found.
  private enum Step {
    case notification(PostgresNotification)
    case readMore
    case cancelled
    case lost
  }

  /// A notification libpq already has, or else a wait until the server sends more.
  private static func step(_ handle: PostgresConnectionHandle) async -> Step {
    if let notification = handle.nextNotification() { return .notification(notification) }
    if Task.isCancelled { return .cancelled }
    return await handle.readWhenReadable() ? .readMore : .lost
  }

  /// Ends the listener from a deinit: `UNLISTEN` and the hand-back run in a task.
  func endSoon() {
    guard !state.withLock({ $0.ended }) else { return }
    Task { await self.end(unlisten: true) }
  }

  /// `UNLISTEN` (when asked and the connection lives), then the connection goes back
  /// to its other users, or is closed if it was opened for this listener. Once.
  func end(unlisten: Bool) async {
    guard state.withLock({ state in
      defer { state.ended = true }
      return !state.ended
    }) else { return }
    await finish(unlisten: unlisten)
  }

  /// Ends a listener whose pool is closing: its session ends on the server at once
  /// (the socket is shut down), and its iteration, if one waits, ends normally.
  func shutDown(reason: String) async {
    let reading: Bool? = state.withLock { state in
      guard !state.ended else { return nil }
      state.ended = true
      return state.isReading
    }
    guard let reading else { return }
    connection.terminate(reason: reason)
    // A waiting reader wakes on the shut socket and finishes; otherwise finish here.
    if !reading { await finish(unlisten: false) }
  }

  /// A sequence dropped without being iterated still gives its connection back.
  deinit {
    guard let handle = state.withLock({ $0.ended ? nil : $0.handle }) else { return }
    let (connection, channel, owns) = (connection, channel, ownsConnection)
    Task { await Self.finish(connection, handle, channel, ownsConnection: owns, unlisten: true) }
  }

  /// Hands the connection back (or closes it) and lets go of the handle. Once.
  private func finish(unlisten: Bool) async {
    guard let handle = state.withLock({ state -> PostgresConnectionHandle? in
      defer { state.handle = nil }
      return state.handle
    }) else { return }
    await Self.finish(connection, handle, channel, ownsConnection: ownsConnection, unlisten: unlisten)
  }

  private static func finish(_ connection: PostgresConnection, _ handle: PostgresConnectionHandle, _ channel: String,
                             ownsConnection: Bool, unlisten: Bool) async {
    if unlisten && !ownsConnection && !handle.isBroken {
      // Not cut short by the caller's cancellation: the connection must come back clean.
      await Task {
        _ = try? await connection.run(listenSQL("UNLISTEN", channel), on: handle, mode: .execute, timeout: .seconds(5))
      }.value
    }
    connection.releaseHandle(handle)
    if ownsConnection { await connection.close() }
  }
}
