#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The executor behind ``PostgresDatabase/ioExecutor``: a group of event loops, one
/// per processor (at most 8), each a ``SocketReactor`` whose one thread both waits on
/// sockets and runs tasks.
///
/// A task that starts here is given a loop in turn; after that it stays where its
/// statements wait: a reply wakes the loop that watches the connection's socket, which
/// resumes the task on its own thread, and the task's next statement registers its
/// socket there too (``SocketReactor/current``). Like pgbench's threads, each loop
/// keeps its connections and tasks to itself, sharing no queue or lock with the others.
final class IOExecutor: TaskExecutor, Sendable {
  /// The process's group, started on first use.
  static let shared: IOExecutor = {
    started.store(true, ordering: .releasing)
    return IOExecutor(loopCount: defaultLoopCount)
  }()

  /// One loop per processor, at most 8.
  static let defaultLoopCount: Int = {
    let processors = sysconf(Int32(_SC_NPROCESSORS_ONLN))
    return min(max(Int(processors), 1), 8)
  }()

  private static let started = Atomic<Bool>(false)

  /// The loops.
  let loops: [SocketReactor]
  private let nextLoop = Atomic<Int>(0)

  private init(loopCount: Int) {
    loops = (0..<loopCount).map { _ in SocketReactor(runsTasks: true) }
    let executor = UnownedTaskExecutor(ordinary: self)
    for loop in loops { loop.startThread(runningJobsOn: executor) }
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    if let loop = SocketReactor.onReactorThread, loop.runsTasks {
      loop.enqueue(job)  // resumed or continued on a loop: it stays there
    } else {
      let index = nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue
      loops[index % loops.count].enqueue(job)
    }
  }

  /// Whether the calling thread is one of the loops'.
  static var isOnLoopThread: Bool { SocketReactor.onReactorThread?.runsTasks == true }

  /// Ends a wait on `fd` in whichever loop holds it, without starting the group.
  static func endWaitIfStarted(fd: Int32) {
    guard started.load(ordering: .acquiring) else { return }
    for loop in shared.loops { loop.endWait(fd: fd) }
  }
}
