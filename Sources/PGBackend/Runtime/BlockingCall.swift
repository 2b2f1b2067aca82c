/// Runs a C call that may block (DNS resolution inside `PQconnectPoll`) on a
/// background thread and suspends the task until it returns, so that no thread of
/// Swift's cooperative pool waits on it.
enum BlockingCall {
  /// The result of `body`, computed on a new background thread.
  static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withUnsafeContinuation { (continuation: UnsafeContinuation<T, Never>) in
      let started = BackgroundThread.start { continuation.resume(returning: body()) }
      // Out of threads: run it here rather than fail to connect.
      if !started { continuation.resume(returning: body()) }
    }
  }
}
