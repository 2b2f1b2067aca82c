#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The executor side of ``SocketReactor``: its threads run the tasks that prefer it,
/// between waits, as an event loop does.
///
/// A thread runs every job queued, then sleeps in the poller. A job queued from one of
/// the reactor's own threads (a task it just resumed) wakes nobody: that thread runs
/// it before it sleeps. A job queued from elsewhere (a task that starts on the
/// executor, a continuation resumed by another thread) wakes a sleeping thread.
extension SocketReactor {
  /// The tasks ready to run on a reactor's threads, first in first out.
  struct JobQueue {
    fileprivate var jobs: [UnownedJob] = []
    fileprivate var head = 0
    /// Threads asleep in the poller (or about to be).
    fileprivate var sleepers = 0
    /// Whether a wake-up was sent that no thread has taken yet.
    fileprivate var wakeSent = false
  }

  /// Threads of the executor reactor: one per processor, at most 8.
  static let executorThreadCount: Int = {
    let processors = sysconf(Int32(_SC_NPROCESSORS_ONLN))
    return min(max(Int(processors), 1), 8)
  }()

  /// Whether ``executor`` was started (so that ending a wait need not start it).
  static let executorStarted = Atomic<Bool>(false)

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let fromOwnThread = isOwnThread
    let wake = jobs.withLock { queue in
      queue.jobs.append(job)
      guard !fromOwnThread, queue.sleepers > 0, !queue.wakeSent else { return false }
      queue.wakeSent = true
      return true
    }
    if wake { wakeOneThread() }
  }

  /// The next job to run, or nil after counting the calling thread as a sleeper (in
  /// one turn of the lock, so that a job queued meanwhile wakes it).
  func nextJobOrSleep() -> UnownedJob? {
    jobs.withLock { queue in
      guard queue.head < queue.jobs.count else {
        queue.sleepers += 1
        return nil
      }
      let job = queue.jobs[queue.head]
      queue.head += 1
      if queue.head == queue.jobs.count {
        queue.jobs.removeAll(keepingCapacity: true)
        queue.head = 0
      }
      return job
    }
  }

  /// Counts the calling thread as awake again after it slept in the poller.
  func wokeUp() {
    jobs.withLock { queue in
      queue.sleepers -= 1
      queue.wakeSent = false
    }
  }

  // MARK: Which reactor a thread belongs to

  private static let threadKey: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key, nil)
    precondition(status == 0, "cannot create the reactor's thread key (\(status))")
    return key
  }()

  /// Marks the calling thread as one of `reactor`'s (which lives for the process).
  static func adoptCurrentThread(_ reactor: SocketReactor) {
    pthread_setspecific(threadKey, Unmanaged.passUnretained(reactor).toOpaque())
  }

  /// The reactor whose thread this is, if any.
  static var onReactorThread: SocketReactor? {
    pthread_getspecific(threadKey).map { Unmanaged<SocketReactor>.fromOpaque($0).takeUnretainedValue() }
  }

  /// Whether the calling thread is one of this reactor's.
  var isOwnThread: Bool {
    pthread_getspecific(Self.threadKey) == Unmanaged.passUnretained(self).toOpaque()
  }
}
