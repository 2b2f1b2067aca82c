#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Waits for sockets to become readable or writable without blocking any thread of
/// Swift's cooperative pool: one background thread sleeps in `epoll_wait` (Linux) or
/// `kevent` (Darwin) and resumes the waiting task when its socket is ready or its
/// deadline passes.
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
    let token: UInt64
    let continuation: UnsafeContinuation<Outcome, Never>
    let deadline: ContinuousClock.Instant?
  }

  private struct State {
    var waiters: [Int32: Waiter] = [:]
    var nextToken: UInt64 = 0
    var timedWaiters = 0
    /// The deadline the loop is sleeping towards, if any.
    var sleepingUntil: ContinuousClock.Instant?
    var isSleepingForever = false
  }

  /// The process-wide reactor, started on first use.
  static let shared = SocketReactor()

  private let poller: Poller
  private let state = Mutex(State())

  private init() {
    poller = Poller()
    let poller = self.poller
    BackgroundThread.start { [unowned self] in self.runLoop(poller) }
  }

  /// Suspends until `fd` is ready for `interest` or the task is cancelled (then it
  /// returns `.ready` at once, like a spurious wake-up: the caller checks for
  /// cancellation). For waits of unbounded length, such as a listener's.
  func waitUnlessCancelled(fd: Int32, for interest: Interest) async -> Outcome {
    await withTaskCancellationHandler {
      await wait(fd: fd, for: interest, deadline: nil, endsOnCancellation: true)
    } onCancel: {
      resume(fd: fd, outcome: .ready)
    }
  }

  /// Suspends until `fd` is ready for `interest` or `deadline` passes.
  func wait(fd: Int32, for interest: Interest, deadline: ContinuousClock.Instant? = nil,
            endsOnCancellation: Bool = false) async -> Outcome {
    await withUnsafeContinuation { (continuation: UnsafeContinuation<Outcome, Never>) in
      let wakeLoop: Bool = state.withLock { state in
        state.nextToken &+= 1
        if let old = state.waiters.updateValue(
          Waiter(token: state.nextToken, continuation: continuation, deadline: deadline), forKey: fd) {
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
      if !poller.arm(fd: fd, interest: interest) {
        // The socket is unusable (closed under us): wake the caller, who will see the
        // error from libpq.
        resume(fd: fd, outcome: .ready)
        return
      }
      if wakeLoop { poller.wake() }
      // A cancellation that came before the waiter was registered found nothing to end.
      if endsOnCancellation && Task.isCancelled { resume(fd: fd, outcome: .ready) }
    }
  }

  private func resume(fd: Int32, outcome: Outcome) {
    let waiter: Waiter? = state.withLock { state in
      guard let waiter = state.waiters.removeValue(forKey: fd) else { return nil }
      if waiter.deadline != nil { state.timedWaiters -= 1 }
      return waiter
    }
    waiter?.continuation.resume(returning: outcome)
  }

  private func runLoop(_ poller: Poller) {
    var readyFDs: [Int32] = []
    while true {
      let timeout = nextTimeout()
      readyFDs.removeAll(keepingCapacity: true)
      poller.poll(timeout: timeout, into: &readyFDs)
      for fd in readyFDs { resume(fd: fd, outcome: .ready) }
      expireTimers(poller)
    }
  }

  /// Milliseconds until the earliest deadline (-1 for none), noting what the loop
  /// sleeps towards so that `wait` knows when to wake it.
  private func nextTimeout() -> Int32 {
    state.withLock { state in
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
  }

  private func expireTimers(_ poller: Poller) {
    let now = ContinuousClock.now
    let expired: [(Int32, Waiter)] = state.withLock { state in
      guard state.timedWaiters > 0 else { return [] }
      var expired: [(Int32, Waiter)] = []
      for (fd, waiter) in state.waiters {
        if let d = waiter.deadline, d <= now { expired.append((fd, waiter)) }
      }
      for (fd, _) in expired {
        state.waiters.removeValue(forKey: fd)
        state.timedWaiters -= 1
      }
      return expired
    }
    for (fd, waiter) in expired {
      poller.disarm(fd: fd)
      waiter.continuation.resume(returning: .timedOut)
    }
  }
}
