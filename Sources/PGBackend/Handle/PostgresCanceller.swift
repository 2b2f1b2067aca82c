#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibPQ
import Synchronization

/// Sends cancel requests for one connection's running statement with `PQcancel`,
/// which opens a connection of its own and blocks, so it runs on a background thread.
///
/// A cancel is only sent while a statement is in flight, and the connection waits
/// for the request to finish before its next statement: PostgreSQL ignores a cancel
/// that arrives while the session is idle, so a late cancel can never hit the next
/// statement. See https://www.postgresql.org/docs/current/libpq-cancel.html.
final class PostgresCanceller: Sendable {
  /// Why a cancel was sent; it decides the error the caller sees.
  enum Reason: Sendable {
    case taskCancelled
    case timeout(Duration)
  }

  private struct State {
    var inFlight = false
    var reason: Reason?
    var requestFinished = true
    var waiter: UnsafeContinuation<Void, Never>?
  }

  /// `PGcancel` is immutable after `PQgetCancel` and `PQcancel` is thread-safe
  /// on it, so it may be shared across threads.
  private final class CancelObject: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { PQfreeCancel(pointer) }
  }

  private let cancelObject: CancelObject?
  private let state = Mutex(State())

  init(connection: OpaquePointer) {
    cancelObject = PQgetCancel(connection).map(CancelObject.init)
  }

  /// Marks the start of a statement that may be cancelled.
  func begin() {
    state.withLock { state in
      state.inFlight = true
      state.reason = nil
    }
  }

  /// Sends a cancel for the statement in flight, if any and not already sent.
  func cancel(_ reason: Reason) {
    let send: Bool = state.withLock { state in
      guard state.inFlight, state.reason == nil else { return false }
      state.reason = reason
      state.requestFinished = false
      return true
    }
    guard send else { return }
    let object = cancelObject
    let started = BackgroundThread.start { [self] in
      // The server ignores a cancel that reaches it before it has begun the statement
      // (the session still reads as idle), however soon the statement was sent: under
      // load the cancel can overtake it. So ask again, less and less often, until the
      // statement has ended; a repeat can only reach this same statement, because the
      // next one waits in `end()` for this thread to finish.
      var pause: Duration = .milliseconds(50)
      while true {
        if let object { Self.sendCancelRequest(object) }
        guard isStillInFlight(after: pause) else { break }
        pause = min(pause * 2, .seconds(1))
      }
      finishRequest()
    }
    if !started { finishRequest() }
  }

  /// One cancel request (blocking: a background thread's call).
  private static func sendCancelRequest(_ object: CancelObject) {
    var message = [CChar](repeating: 0, count: 256)
    _ = PQcancel(object.pointer, &message, Int32(message.count))
  }

  /// Sleeps for up to `duration` (this is a background thread, not a pool thread),
  /// returning early once the statement has ended.
  /// - Returns: whether the statement is still in flight.
  private func isStillInFlight(after duration: Duration) -> Bool {
    let deadline = ContinuousClock.now + duration
    while state.withLock({ $0.inFlight }) {
      if ContinuousClock.now >= deadline { return true }
      usleep(2_000)
    }
    return false
  }

  /// Stops the connection's work for good: the statement in flight, if any, is
  /// cancelled on the server (asked again until it ends, for at most `grace`), and
  /// then `closeSocket` runs, at once when nothing is in flight. The cancel keeps the
  /// server from running a statement its client has given up on: a backend notices a
  /// closed socket only when it next reads from it.
  func terminate(grace: Duration, closeSocket: @escaping @Sendable () -> Void) {
    let inFlight = state.withLock { $0.inFlight }
    guard inFlight, let object = cancelObject else {
      closeSocket()
      return
    }
    let started = BackgroundThread.start { [self] in
      let deadline = ContinuousClock.now + grace
      var pause: Duration = .milliseconds(20)
      while true {
        Self.sendCancelRequest(object)
        let left = deadline - .now
        guard left > .zero, isStillInFlight(after: min(pause, left)) else { break }
        pause = min(pause * 2, .milliseconds(200))
      }
      closeSocket()
    }
    if !started { closeSocket() }
  }

  /// Marks the end of the statement; waits for a cancel request still being sent.
  /// - Returns: why the statement was cancelled, if it was.
  func end() async -> Reason? {
    let (reason, mustWait) = state.withLock { state in
      state.inFlight = false
      return (state.reason, !state.requestFinished)
    }
    if mustWait {
      await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
        let resumeNow = state.withLock { state in
          if state.requestFinished { return true }
          state.waiter = continuation
          return false
        }
        if resumeNow { continuation.resume() }
      }
    }
    return reason
  }

  private func finishRequest() {
    let waiter: UnsafeContinuation<Void, Never>? = state.withLock { state in
      state.requestFinished = true
      defer { state.waiter = nil }
      return state.waiter
    }
    waiter?.resume()
  }
}
