import Synchronization

/// A first-come, first-served lock for async code: waiters suspend instead of
/// blocking a thread, and the lock is handed to the oldest waiter on unlock.
///
/// Backends use it to serialise the statements of many tasks on one connection.
/// The uncontended path takes no suspension at all.
///
/// ```swift
/// let lock = AsyncLock()
/// let rows = try await lock.withLock { try await runStatement() }
/// ```
public final class AsyncLock: Sendable {
  private struct Waiter {
    let id: UInt64
    let continuation: UnsafeContinuation<Void, any Error>
  }

  private struct State {
    var isLocked = false
    var waiters = FIFOQueue<Waiter>()
    var nextID: UInt64 = 0
  }

  private let state = Mutex(State())

  /// An unlocked lock.
  public init() {}

  /// Whether the lock is held right now (a snapshot, for diagnostics and tests).
  public var isLocked: Bool { state.withLock { $0.isLocked } }

  /// Takes the lock, waiting in line behind earlier callers.
  /// - Throws: `CancellationError` if the task is cancelled while waiting; the lock
  ///   is then not held and the line is as if the caller had never joined it.
  public func lock() async throws {
    if state.withLock({ state in
      if state.isLocked { return false }
      state.isLocked = true
      return true
    }) { return }
    let id = state.withLock { state in
      state.nextID += 1
      return state.nextID
    }
    try await wait(as: id)
  }

  /// Joins the line as waiter `id` and returns holding the lock.
  /// - Throws: `CancellationError` when the task is cancelled; what a timer resumes
  ///   the waiter with.
  private func wait(as id: UInt64) async throws {
    try await withTaskCancellationHandler {
      try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
        let acquired: Bool? = state.withLock { state in
          if !state.isLocked {
            state.isLocked = true
            return true
          }
          if Task.isCancelled { return nil }
          state.waiters.append(Waiter(id: id, continuation: continuation))
          return false
        }
        switch acquired {
        case true?: continuation.resume()
        case nil: continuation.resume(throwing: CancellationError())
        case false?: break
        }
      }
    } onCancel: {
      let removed: Waiter? = state.withLock { state in state.waiters.remove(firstWhere: { $0.id == id }) }
      removed?.continuation.resume(throwing: CancellationError())
    }
  }

  /// Takes the lock, waiting in line behind earlier callers for at most `timeout`
  /// (nil: as long as it takes).
  /// - Returns: whether the caller now holds it; false when `timeout` passed first
  ///   (the caller then left the line, as if it had never joined it).
  /// - Throws: `CancellationError` if the task is cancelled while waiting.
  public func lock(timeout: Duration?) async throws -> Bool {
    guard let timeout else {
      try await lock()
      return true
    }
    if tryLock() { return true }
    let id = state.withLock { state in
      state.nextID += 1
      return state.nextID
    }
    // The timer only runs for a caller that had to wait; it leaves the line for it.
    let timer = Task { [self] in
      guard (try? await Task.sleep(for: timeout)) != nil else { return }
      let removed: Waiter? = self.state.withLock { $0.waiters.remove(firstWhere: { $0.id == id }) }
      removed?.continuation.resume(throwing: LockWaitTimedOut())
    }
    defer { timer.cancel() }
    do {
      try await wait(as: id)
      return true
    } catch is LockWaitTimedOut {
      return false
    }
  }

  /// The timer's signal to a waiter whose time ran out.
  private struct LockWaitTimedOut: Error {}

  /// Takes the lock if it is free right now, without waiting.
  /// - Returns: whether the caller now holds it.
  public func tryLock() -> Bool {
    state.withLock { state in
      if state.isLocked { return false }
      state.isLocked = true
      return true
    }
  }

  /// Takes the lock without observing cancellation: for cleanup paths that must run.
  /// Waits in line like ``lock()`` but never throws, even in a cancelled task.
  public func lockIgnoringCancellation() async {
    if state.withLock({ state in
      if state.isLocked { return false }
      state.isLocked = true
      return true
    }) { return }
    // No cancellation handler: nothing ever resumes this waiter with an error.
    try? await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
      let acquired: Bool = state.withLock { state in
        if !state.isLocked {
          state.isLocked = true
          return true
        }
        state.nextID += 1
        state.waiters.append(Waiter(id: state.nextID, continuation: continuation))
        return false
      }
      if acquired { continuation.resume() }
    }
  }

  /// Releases the lock, handing it straight to the oldest waiter if there is one.
  public func unlock() {
    let next: Waiter? = state.withLock { state in
      precondition(state.isLocked, "AsyncLock.unlock() called while unlocked")
      guard let waiter = state.waiters.popFirst() else {
        state.isLocked = false
        return nil
      }
      return waiter  // lock stays held: ownership passes to the waiter
    }
    next?.continuation.resume()
  }

  /// Runs `body` holding the lock, and releases it however `body` ends.
  /// - Throws: `CancellationError` while waiting, or what `body` throws.
  public func withLock<T>(_ body: () async throws -> T) async throws -> T {
    try await lock()
    defer { unlock() }
    return try await body()
  }
}
