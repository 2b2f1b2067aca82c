#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Waits for sockets to become readable or writable without blocking any thread of
/// Swift's cooperative pool: a background thread sleeps in `epoll_wait` (Linux) or
/// `kevent` (Darwin) and resumes the waiting task when its socket is ready or its
/// deadline passes.
///
/// There are two kinds of reactor:
/// - ``shared``, for tasks on Swift's own pool: its thread only waits, and hands each
///   ready task back to the pool;
/// - the loops of ``IOExecutor`` (``PostgresDatabase/ioExecutor``), one reactor and
///   thread each, whose thread also runs the tasks queued on it, as an event loop
///   does: a task waiting there is resumed on the thread that saw its socket become
///   ready, with no hand-off.
///
/// A task waits on the reactor of the thread it runs on (``current``): its loop's on
/// an ``IOExecutor`` thread, else the shared one.
///
/// A socket is watched in one of two ways:
/// - a one-shot wait (`wait(fd:for:deadline:)`), armed anew for each wait: for
///   sockets that come and go, such as a connection being opened;
/// - a ``Registration``, made once for an open connection's socket. Its waits for a
///   reply to a message just sent keep the socket on a lasting, edge-triggered watch
///   that reports every arrival: such a wait costs no system call, and an idle
///   connection's socket tells whether anything came while it sat idle. Its other
///   waits (room to write, the rest of a long result, a pipeline's replies) arm the
///   socket one-shot, as the first kind does: a stream of arrivals nobody waits for
///   would otherwise wake the reactor again and again.
///
/// Wake-ups may be spurious; callers re-check libpq's state after every wait.
final class SocketReactor: Sendable {
  /// What a waiter wants from its socket.
  enum Interest: Sendable {
    case read, write, readWrite
  }

  /// Why a wait ended.
  enum Outcome: Sendable {
    case ready
    case timedOut
  }

  private struct Waiter {
    let continuation: UnsafeContinuation<Outcome, Never>
    let deadline: ContinuousClock.Instant?
  }

  /// A socket watched for as long as its connection lives; see ``register(fd:)``.
  struct Registration: Sendable {
    let fd: Int32
    let token: UInt64
    /// The reactor watching it.
    let reactor: SocketReactor
  }

  /// What the reactor knows of a registered socket.
  private struct RegisteredSocket {
    let token: UInt64
    /// Readiness reported while nobody waited, not yet taken.
    var pending: Poller.Events = []
    /// Whether the socket is on the lasting watch (else it is armed one-shot per wait).
    var isLasting = true
  }

  private struct State {
    var waiters: [Int32: Waiter] = [:]
    var registered: [Int32: RegisteredSocket] = [:]
    var nextToken: UInt64 = 0
    var timedWaiters = 0
    /// The deadline the loop is sleeping towards, if any.
    var sleepingUntil: ContinuousClock.Instant?
    var isSleepingForever = false
  }

  /// The reactor of tasks on Swift's own pool: one thread, started on first use.
  static let shared: SocketReactor = {
    let reactor = SocketReactor(runsTasks: false)
    reactor.startThread(runningJobsOn: nil)
    return reactor
  }()

  private let poller: Poller
  private let state = Mutex(State())
  /// The tasks ready to run on this reactor's thread (an ``IOExecutor`` loop's).
  let jobs = Mutex(JobQueue())

  /// Whether this reactor's thread runs tasks (an ``IOExecutor`` loop).
  let runsTasks: Bool

  /// A reactor whose thread is started by ``startThread(runningJobsOn:)``.
  init(runsTasks: Bool) {
    poller = Poller()
    self.runsTasks = runsTasks
  }

  /// Starts the reactor's thread. With `executor` (an ``IOExecutor``'s), the thread
  /// also runs the jobs queued here, as that executor's.
  func startThread(runningJobsOn executor: UnownedTaskExecutor?) {
    let poller = self.poller
    BackgroundThread.start { [unowned self] in
      Self.adoptCurrentThread(self)
      self.runLoop(poller, runningJobsOn: executor)
    }
  }

  /// The reactor a task waits on from the current thread: an ``IOExecutor`` loop's
  /// on that loop's thread, the shared one everywhere else.
  static var current: SocketReactor { onReactorThread ?? shared }

  /// Ends a wait on `fd` in whichever reactor holds it.
  static func endWaitAnywhere(fd: Int32) {
    shared.endWait(fd: fd)
    IOExecutor.endWaitIfStarted(fd: fd)
  }

  /// Ends the wait on `fd`, if any, as if the socket were ready: how a cancelled
  /// task's unbounded wait (a listener's) is woken.
  func endWait(fd: Int32) { resume(fd: fd, outcome: .ready) }

  /// Suspends until `fd` is ready for `interest` or `deadline` passes (a one-shot
  /// wait: the socket is armed for this wait only).
  func wait(fd: Int32, for interest: Interest, deadline: ContinuousClock.Instant? = nil,
            endsOnCancellation: Bool = false) async -> Outcome {
    await withUnsafeContinuation { (continuation: UnsafeContinuation<Outcome, Never>) in
      let wakeLoop = state.withLock { state in
        Self.addWaiter(fd, continuation, deadline, to: &state)
      }
      if !poller.arm(fd: fd, interest: interest) {
        // The socket is unusable (closed under us): wake the caller, who will see the
        // error from libpq.
        resume(fd: fd, outcome: .ready)
        return
      }
      if wakeLoop && !isOwnThread { poller.wake() }
      // A cancellation that came before the waiter was registered found nothing to end.
      if endsOnCancellation && Task.isCancelled { resume(fd: fd, outcome: .ready) }
    }
  }

  /// Watches an open connection's socket for the connection's whole life, reporting
  /// every arrival; nil if the socket cannot be watched. End it with ``unregister(_:socketIsOpen:)``
  /// before the socket is closed.
  func register(fd: Int32) -> Registration? {
    let registration: Registration = state.withLock { state in
      state.nextToken &+= 1
      let registration = Registration(fd: fd, token: state.nextToken, reactor: self)
      state.registered[fd] = RegisteredSocket(token: registration.token)
      return registration
    }
    guard poller.register(fd: fd) else {
      unregister(registration, socketIsOpen: false)
      return nil
    }
    return registration
  }

  /// Stops watching a registered socket. `socketIsOpen` false means libpq already
  /// closed it: its number may belong to another socket by now, which is left alone.
  func unregister(_ registration: Registration, socketIsOpen: Bool) {
    let isCurrent = state.withLock { state in
      guard state.registered[registration.fd]?.token == registration.token else { return false }
      state.registered[registration.fd] = nil
      return true
    }
    if isCurrent && socketIsOpen { poller.unregister(fd: registration.fd) }
  }

  /// Forgets what arrived on a registered socket so far: called just before sending
  /// a message whose reply the next trusting wait is for.
  func forgetArrivals(_ registration: Registration) {
    state.withLock { state in
      guard state.registered[registration.fd]?.token == registration.token else { return }
      state.registered[registration.fd]?.pending = []
    }
  }

  /// Takes a registered socket off the lasting watch (no system call when it is off
  /// already): its arrivals are no longer reported until a wait arms it again.
  func leaveLastingWatch(_ registration: Registration) {
    let wasLasting: Bool = state.withLock { state in
      guard var record = state.registered[registration.fd], record.token == registration.token,
            record.isLasting, state.waiters[registration.fd] == nil else { return false }
      record.isLasting = false
      record.pending = []
      state.registered[registration.fd] = record
      return true
    }
    if wasLasting { poller.disarm(fd: registration.fd) }
  }

  /// Whether anything arrived on a registered socket while nobody waited, clearing
  /// the record; true too when that is not known (the socket is armed one-shot, or
  /// the registration is no longer current).
  func takeArrivals(_ registration: Registration) -> Bool {
    state.withLock { state in
      guard let record = state.registered[registration.fd], record.token == registration.token,
            record.isLasting else { return true }
      state.registered[registration.fd]?.pending = []
      return !record.pending.isEmpty
    }
  }

  /// Suspends until a registered socket is ready for `interest` or `deadline` passes.
  ///
  /// With `trustingEdges`, a wait for reading relies on the lasting watch having seen
  /// every arrival since ``forgetArrivals(_:)``: right for the first wait after
  /// sending a message, whose reply cannot have been read yet. Any other wait (libpq
  /// may have left data in the socket after a partial read) arms the socket one-shot,
  /// which reports it at once if it is ready already.
  func wait(_ registration: Registration, for interest: Interest, deadline: ContinuousClock.Instant?,
            trustingEdges: Bool, endsOnCancellation: Bool = false) async -> Outcome {
    let fd = registration.fd
    let lasting = trustingEdges && interest == .read
    return await withUnsafeContinuation { (continuation: UnsafeContinuation<Outcome, Never>) in
      enum Start { case ready, wait(wakeLoop: Bool, rearm: Bool) }
      let start: Start = state.withLock { state in
        guard var record = state.registered[fd], record.token == registration.token else {
          return .ready  // unregistered under us: the caller will find out from libpq
        }
        if lasting && record.isLasting && record.pending.intersects(interest) {
          record.pending = []
          state.registered[fd] = record
          return .ready
        }
        let rearm = lasting != record.isLasting
        record.isLasting = lasting
        state.registered[fd] = record
        return .wait(wakeLoop: Self.addWaiter(fd, continuation, deadline, to: &state), rearm: rearm)
      }
      guard case .wait(let wakeLoop, let rearm) = start else {
        continuation.resume(returning: .ready)
        return
      }
      // Back on the lasting watch, the kernel reports a reply that is there already.
      let armed = lasting ? (!rearm || poller.register(fd: fd)) : poller.arm(fd: fd, interest: interest)
      if !armed {
        resume(fd: fd, outcome: .ready)
        return
      }
      if wakeLoop && !isOwnThread { poller.wake() }
      if endsOnCancellation && Task.isCancelled { resume(fd: fd, outcome: .ready) }
    }
  }

  /// Interrupts the thread's sleep in the poller.
  func wakeThread() { poller.wake() }

  /// Records a waiter; returns whether the loop must wake to see its deadline (not
  /// from the reactor's own thread, which recomputes its timeout before it sleeps).
  private static func addWaiter(_ fd: Int32, _ continuation: UnsafeContinuation<Outcome, Never>,
                                _ deadline: ContinuousClock.Instant?, to state: inout State) -> Bool {
    if let old = state.waiters.updateValue(Waiter(continuation: continuation, deadline: deadline), forKey: fd) {
      // One waiter per socket: a connection never waits twice at once. Be safe anyway.
      if old.deadline != nil { state.timedWaiters -= 1 }
      old.continuation.resume(returning: .ready)
    }
    guard let deadline else { return false }
    state.timedWaiters += 1
    if state.isSleepingForever { return true }
    if let until = state.sleepingUntil, deadline < until { return true }
    return false
  }

  private func resume(fd: Int32, outcome: Outcome) {
    let waiter: Waiter? = state.withLock { state in
      guard let waiter = state.waiters.removeValue(forKey: fd) else { return nil }
      if waiter.deadline != nil { state.timedWaiters -= 1 }
      return waiter
    }
    waiter?.continuation.resume(returning: outcome)
  }

  private func runLoop(_ poller: Poller, runningJobsOn executor: UnownedTaskExecutor?) {
    var ready: [(fd: Int32, events: Poller.Events)] = []
    var woken: [Waiter] = []
    var expired: [(fd: Int32, waiter: Waiter, isLasting: Bool)] = []
    var timeout = state.withLock { Self.nextTimeout(&$0) }
    while true {
      if let executor {
        // Tasks first (those resumed below run here, on this thread), then sleep;
        // the deadlines they added are in the timeout recomputed before sleeping.
        var ranAny = false
        while let job = nextJobOrSleep() {
          job.runSynchronously(on: executor)
          ranAny = true
        }
        if ranAny { timeout = state.withLock { Self.nextTimeout(&$0) } }
      }
      ready.removeAll(keepingCapacity: true)
      poller.poll(timeout: timeout, into: &ready)
      if executor != nil { wokeUp() }
      // One turn of the lock per wake-up: the waiting tasks take it too.
      state.withLock { state in
        for (fd, events) in ready {
          if let waiter = state.waiters.removeValue(forKey: fd) {
            if waiter.deadline != nil { state.timedWaiters -= 1 }
            woken.append(waiter)
          } else {
            // Kept for a registered socket's next wait (or its idle check).
            state.registered[fd]?.pending.formUnion(events)
          }
        }
        Self.takeExpired(&state, into: &expired)
        timeout = Self.nextTimeout(&state)
      }
      for waiter in woken { waiter.continuation.resume(returning: .ready) }
      woken.removeAll(keepingCapacity: true)
      for entry in expired {
        // A socket on the lasting watch stays on it; a one-shot arming is withdrawn.
        if !entry.isLasting { poller.disarm(fd: entry.fd) }
        entry.waiter.continuation.resume(returning: .timedOut)
      }
      expired.removeAll(keepingCapacity: true)
    }
  }

  /// Milliseconds until the earliest deadline (-1 for none), noting what the loop
  /// sleeps towards so that `wait` knows when to wake it.
  private static func nextTimeout(_ state: inout State) -> Int32 {
    guard state.timedWaiters > 0 else {
      state.isSleepingForever = true
      state.sleepingUntil = nil
      return -1
    }
    var earliest: ContinuousClock.Instant?
    for waiter in state.waiters.values {
      if let d = waiter.deadline, earliest.map({ d < $0 }) ?? true { earliest = d }
    }
    state.isSleepingForever = false
    state.sleepingUntil = earliest
    guard let earliest else { return -1 }
    let remaining = ContinuousClock.now.duration(to: earliest)
    if remaining <= .zero { return 0 }
    let (seconds, attoseconds) = remaining.components
    let ms = seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1
    return Int32(clamping: ms)
  }

  /// Removes the waiters whose deadline has passed.
  private static func takeExpired(_ state: inout State, into expired: inout [(fd: Int32, waiter: Waiter, isLasting: Bool)]) {
    guard state.timedWaiters > 0 else { return }
    let now = ContinuousClock.now
    for (fd, waiter) in state.waiters {
      if let d = waiter.deadline, d <= now { expired.append((fd, waiter, state.registered[fd]?.isLasting == true)) }
    }
    for entry in expired {
      state.waiters.removeValue(forKey: entry.fd)
      state.timedWaiters -= 1
    }
  }
}
