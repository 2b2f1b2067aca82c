import Synchronization
import Testing

/// Runs `body` in a new task (on `executor`, if given) and waits at most `timeout` for it.
///
/// A lock bug can strand a task forever, and awaiting it would hang the whole test
/// run (a time limit cannot cancel a plain continuation). Here the test fails instead;
/// the stranded tasks are leaked, which is acceptable for a failing test.
func runBounded(
  on executor: (any TaskExecutor)? = nil,
  within timeout: Duration = .seconds(30),
  sourceLocation: SourceLocation = #_sourceLocation,
  _ body: @escaping @Sendable () async throws -> Void
) async throws {
  let task = Task(executorPreference: executor) { try await body() }
  let first = FirstResult<Result<Void, any Error>?>()
  let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, any Error>?, Never>) in
    first.set(continuation)
    let timer = Task.detached {
      // A cancelled sleep means the body finished: only a sleep that ran out is a timeout.
      guard (try? await Task.sleep(for: timeout)) != nil else { return }
      first.resume(returning: nil)
    }
    Task.detached {
      let result = await task.result
      first.resume(returning: result)
      timer.cancel()
    }
  }
  guard let result else {
    Issue.record("still running after \(timeout): a task is stuck waiting", sourceLocation: sourceLocation)
    return
  }
  try result.get()
}

/// Resumes a continuation with whichever value arrives first.
private final class FirstResult<Value: Sendable>: Sendable {
  private let continuation = Mutex<CheckedContinuation<Value, Never>?>(nil)

  func set(_ continuation: CheckedContinuation<Value, Never>) {
    self.continuation.withLock { $0 = continuation }
  }

  func resume(returning value: Value) {
    continuation.withLock { $0.take() }?.resume(returning: value)
  }
}
