import Synchronization

/// A bounded wait in a test ran out: the test fails instead of hanging the run.
public struct TimeoutError: Error, CustomStringConvertible {
  /// How long the wait was allowed to take.
  public let limit: Duration
  /// What was waited for.
  public let what: String
  /// "timed out after ...".
  public var description: String { "timed out after \(limit): \(what)" }
}

/// Runs `body` and returns its result, or throws ``TimeoutError`` after `limit`.
///
/// On timeout `body`'s task is cancelled but not awaited, so even a body that ignores
/// cancellation cannot hang the test.
public func withTimeout<T: Sendable>(_ limit: Duration, _ what: String = "test body",
                              _ body: @escaping @Sendable () async throws -> T) async throws -> T {
  let race = TimeoutRace<T>()
  return try await withTaskCancellationHandler {
    try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<T, any Error>) in
      race.start(continuation: continuation, limit: limit, what: what, body: body)
    }
  } onCancel: {
    race.cancelWork()
  }
}

/// The state shared by a body and its timer: whichever ends first resumes the caller.
private final class TimeoutRace<T: Sendable>: Sendable {
  private struct State {
    var continuation: UnsafeContinuation<T, any Error>?
    var work: Task<Void, Never>?
    var timer: Task<Void, Never>?
    var cancelled = false
  }

  private let state = Mutex(State())

  func start(continuation: UnsafeContinuation<T, any Error>, limit: Duration, what: String,
             body: @escaping @Sendable () async throws -> T) {
    state.withLock { $0.continuation = continuation }
    let timer = Task {
      guard (try? await Task.sleep(for: limit)) != nil else { return }
      self.finish(.failure(TimeoutError(limit: limit, what: what)))
    }
    let work = Task {
      do { self.finish(.success(try await body())) } catch { self.finish(.failure(error)) }
    }
    let cancelled = state.withLock { state in
      state.timer = timer
      state.work = work
      return state.cancelled
    }
    if cancelled { work.cancel() }
  }

  func cancelWork() {
    let work = state.withLock { state in
      state.cancelled = true
      return state.work
    }
    work?.cancel()
  }

  private func finish(_ result: Result<T, any Error>) {
    let (continuation, work, timer) = state.withLock { state in
      defer { state.continuation = nil }
      return (state.continuation, state.work, state.timer)
    }
    guard let continuation else { return }
    timer?.cancel()
    if case .failure(let error) = result, error is TimeoutError { work?.cancel() }
    continuation.resume(with: result)
  }
}

/// Polls `condition` every 10 ms until it holds.
/// - Throws: ``TimeoutError`` if it does not hold within `limit`.
public func waitUntil(_ what: String, limit: Duration = .seconds(5),
               _ condition: () async throws -> Bool) async throws {
  let deadline = ContinuousClock.now + limit
  while try await !condition() {
    guard ContinuousClock.now < deadline else { throw TimeoutError(limit: limit, what: what) }
    try await Task.sleep(for: .milliseconds(10))
  }
}

/// How long `body` takes.
public func measure<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
  let start = ContinuousClock.now
  let value = try await body()
  return (value, ContinuousClock.now - start)
}
