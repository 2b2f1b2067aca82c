#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import QueryBuilder
import Synchronization

/// The job queue of a reactor whose thread runs tasks (an ``IOExecutor`` loop): the
/// thread runs every job queued, then sleeps in the poller.
///
/// A job queued from the reactor's own thread (a task it just resumed) wakes nobody:
/// the thread runs it before it sleeps. A job queued from elsewhere (a task that
/// starts on the executor, a continuation resumed by another thread) wakes the thread
/// if it sleeps.
extension SocketReactor {
  /// The tasks ready to run on a reactor's thread, first in first out.
  struct JobQueue {
    fileprivate var jobs = FIFOQueue<UnownedJob>()
    /// Whether the thread sleeps in the poller (or is about to).
    fileprivate var isSleeping = false
    /// Whether a wake-up was sent that the thread has not taken yet.
    fileprivate var wakeSent = false
  }

  /// Queues `job` to run on this reactor's thread.
  func enqueue(_ job: UnownedJob) {
    let fromOwnThread = isOwnThread
    let wake = jobs.withLock { queue in
      queue.jobs.append(job)
      guard !fromOwnThread, queue.isSleeping, !queue.wakeSent else { return false }
      queue.wakeSent = true
      return true
    }
    if wake { wakeThread() }
  }

  /// The next job to run, or nil after noting that the thread goes to sleep (in one
  /// turn of the lock, so that a job queued meanwhile wakes it).
  func nextJobOrSleep() -> UnownedJob? {
    jobs.withLock { queue in
      guard let job = queue.jobs.popFirst() else {
        queue.isSleeping = true
        return nil
      }
      return job
    }
  }

  /// Notes that the thread is awake again after sleeping in the poller.
  func wokeUp() {
    jobs.withLock { queue in
      queue.isSleeping = false
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

  /// Marks the calling thread as `reactor`'s (which lives for the process).
  static func adoptCurrentThread(_ reactor: SocketReactor) {
    pthread_setspecific(threadKey, Unmanaged.passUnretained(reactor).toOpaque())
  }

  /// The reactor whose thread this is, if any.
  static var onReactorThread: SocketReactor? {
    pthread_getspecific(threadKey).map { Unmanaged<SocketReactor>.fromOpaque($0).takeUnretainedValue() }
  }

  /// Whether the calling thread is this reactor's.
  var isOwnThread: Bool {
    pthread_getspecific(Self.threadKey) == Unmanaged.passUnretained(self).toOpaque()
  }
}
