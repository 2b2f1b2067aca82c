import Dispatch

/// A task executor that runs one job at a time, in the order jobs were enqueued.
///
/// Tasks that prefer it interleave deterministically: a task runs until it suspends,
/// and `await Task.yield()` lets every job enqueued before it run first. Lock tests
/// use this as an explicit checkpoint ("the waiter has queued") instead of sleeping.
final class SerialJobExecutor: TaskExecutor {
  private let queue = DispatchQueue(label: "wren.tests.serial-job-executor")

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }
}
