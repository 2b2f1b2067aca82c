@testable import PGBackend
import PostgresTestSupport
import Testing

/// The pool's rules, driven without a server: fake connection ids and instants.
@Suite struct PoolStateMachineTests {
  typealias Machine = PoolStateMachine
  let t0 = ContinuousClock.now

  func machine(min: Int = 0, max: Int = 2, maxQueries: Int? = nil, lifetime: Duration? = nil) -> Machine {
    Machine(limits: .init(minSize: min, maxSize: max, maxQueries: maxQueries, maxInactiveLifetime: lifetime))
  }

  @Test func startOpensTheMinimum() {
    var pool = machine(min: 2, max: 4)
    do { let result = pool.start(); #expect(result == [.open, .open]) }
    #expect(pool.opening == 2)
    do { let result = pool.opened(1, at: t0); #expect(result.isEmpty) }
    do { let result = pool.opened(2, at: t0); #expect(result.isEmpty) }
    #expect(pool.size == 2 && pool.idleCount == 2)
  }

  @Test func anIdleConnectionIsHandedOutMostRecentlyUsedFirst() {
    var pool = machine(min: 2, max: 2)
    _ = pool.start()
    _ = pool.opened(1, at: t0)
    _ = pool.opened(2, at: t0)
    do { let result = pool.acquire(10, holder: "a", at: t0); #expect(result == [.lease(2, to: 10)]) }
    do { let result = pool.release(2, reusable: true, at: t0); #expect(result.isEmpty) }
    do { let result = pool.acquire(11, holder: "b", at: t0); #expect(result == [.lease(2, to: 11)]) }
    #expect(pool.leases[2]?.holder == "b")
  }

  @Test func waitersAreServedFirstComeFirstServedWithinMaxSize() {
    var pool = machine(max: 2)
    do { let result = pool.acquire(1, holder: "w1", at: t0); #expect(result == [.open]) }
    do { let result = pool.acquire(2, holder: "w2", at: t0); #expect(result == [.open]) }
    do { let result = pool.acquire(3, holder: "w3", at: t0); #expect(result.isEmpty) }  // at max: waits
    #expect(pool.opening == 2 && pool.waitingCount == 3)
    do { let result = pool.opened(100, at: t0); #expect(result == [.lease(100, to: 1)]) }
    do { let result = pool.opened(101, at: t0); #expect(result == [.lease(101, to: 2)]) }
    do { let result = pool.release(100, reusable: true, at: t0); #expect(result == [.lease(100, to: 3)]) }
    #expect(pool.waitingCount == 0 && pool.size == 2)
  }

  @Test func aLaterArrivalNeverOvertakesAWaiter() {
    var pool = machine(max: 1)
    _ = pool.acquire(1, holder: "w1", at: t0)
    _ = pool.opened(100, at: t0)
    do { let result = pool.acquire(2, holder: "w2", at: t0); #expect(result.isEmpty) }
    do { let result = pool.release(100, reusable: true, at: t0); #expect(result == [.lease(100, to: 2)]) }
  }

  @Test func takingAnIdleConnectionStraightAwayNeverJumpsTheLine() {
    var pool = machine(min: 1, max: 1)
    _ = pool.start()
    #expect(pool.acquireIdle(holder: "fast", at: t0) == nil, "nothing idle yet")
    #expect(pool.waitingCount == 0, "and nobody joined the line")
    _ = pool.opened(100, at: t0)
    #expect(pool.acquireIdle(holder: "fast", at: t0) == 100)
    #expect(pool.leases[100]?.holder == "fast" && pool.idleCount == 0)
    _ = pool.acquire(1, holder: "w1", at: t0)  // waits: the one connection is leased
    do { let result = pool.release(100, reusable: true, at: t0); #expect(result == [.lease(100, to: 1)]) }
    do { let result = pool.release(100, reusable: true, at: t0); #expect(result.isEmpty) }
    _ = pool.acquire(2, holder: "w2", at: t0)  // takes the idle one...
    _ = pool.acquire(3, holder: "w3", at: t0)  // ...and w3 waits
    do { let result = pool.release(100, reusable: true, at: t0); #expect(result == [.lease(100, to: 3)]) }
    #expect(pool.acquireIdle(holder: "late", at: t0) == nil, "leased to the waiter, not the latecomer")
    _ = pool.close()
    _ = pool.release(100, reusable: true, at: t0)
    #expect(pool.acquireIdle(holder: "closed", at: t0) == nil)
  }

  @Test func anAbandonedWaiterLeavesThePoolAsItWas() {
    var pool = machine(max: 1)
    _ = pool.acquire(1, holder: "w1", at: t0)
    _ = pool.opened(100, at: t0)
    _ = pool.acquire(2, holder: "w2", at: t0)
    _ = pool.acquire(3, holder: "w3", at: t0)
    do { let result = pool.abandon(2); #expect(result) }
    do { let result = pool.abandon(2); #expect(!result) }
    #expect(pool.waitingCount == 1)
    do { let result = pool.release(100, reusable: true, at: t0); #expect(result == [.lease(100, to: 3)]) }
    // A waiter already served is not waiting any more: it must release instead.
    do { let result = pool.abandon(3); #expect(!result) }
  }

  @Test func aConnectionPastMaxQueriesIsReplacedOnRelease() {
    var pool = machine(min: 1, max: 1, maxQueries: 2)
    _ = pool.start()
    _ = pool.opened(1, at: t0)
    _ = pool.acquire(10, holder: "a", at: t0)
    pool.setQueries(2, on: 1)
    do { let result = pool.release(1, reusable: true, at: t0); #expect(result == [.close(1), .open]) }
  }

  @Test func aBrokenConnectionIsClosedAndReplacedForAWaiter() {
    var pool = machine(max: 1)
    _ = pool.acquire(1, holder: "w1", at: t0)
    _ = pool.opened(100, at: t0)
    _ = pool.acquire(2, holder: "w2", at: t0)
    do { let result = pool.release(100, reusable: false, at: t0); #expect(result == [.close(100), .open]) }
    do { let result = pool.opened(101, at: t0); #expect(result == [.lease(101, to: 2)]) }
  }

  @Test func idleConnectionsPastTheirLifetimeCloseAndTheMinimumIsKept() {
    var pool = machine(min: 1, max: 3, lifetime: .seconds(60))
    _ = pool.start()
    _ = pool.opened(1, at: t0)
    _ = pool.acquire(10, holder: "a", at: t0)
    _ = pool.acquire(11, holder: "b", at: t0)
    _ = pool.opened(2, at: t0)
    _ = pool.release(1, reusable: true, at: t0)
    _ = pool.release(2, reusable: true, at: t0 + .seconds(30))
    do { let result = pool.tick(at: t0 + .seconds(59)); #expect(result.isEmpty) }
    do { let result = pool.tick(at: t0 + .seconds(61)); #expect(result == [.close(1)]) }  // 2 is younger and keeps the minimum
    do { let result = pool.tick(at: t0 + .seconds(91)); #expect(result == [.close(2), .open]) }
  }

  @Test func expireAllReplacesIdleConnectionsNowAndLeasedOnesOnRelease() {
    var pool = machine(min: 2, max: 2)
    _ = pool.start()
    _ = pool.opened(1, at: t0)
    _ = pool.opened(2, at: t0)
    _ = pool.acquire(10, holder: "a", at: t0)  // leases 2
    do { let result = pool.expireAll(); #expect(result == [.close(1), .open]) }
    _ = pool.opened(3, at: t0)
    do { let result = pool.release(2, reusable: true, at: t0); #expect(result == [.close(2), .open]) }
    _ = pool.opened(4, at: t0)
    do { let result = pool.acquire(11, holder: "b", at: t0); #expect(result == [.lease(4, to: 11)]) }
    do { let result = pool.release(4, reusable: true, at: t0); #expect(result.isEmpty) }  // new generation: kept
  }

  @Test func closeFailsWaitersClosesIdleAndThenLeasedOnRelease() {
    var pool = machine(max: 2)
    _ = pool.acquire(1, holder: "w1", at: t0)
    _ = pool.opened(100, at: t0)
    _ = pool.acquire(2, holder: "w2", at: t0)
    _ = pool.opened(101, at: t0)
    _ = pool.release(101, reusable: true, at: t0)  // idle
    _ = pool.acquire(3, holder: "w3", at: t0)       // takes 101
    _ = pool.acquire(4, holder: "w4", at: t0)       // waits
    do { let result = pool.close(); #expect(result == [.fail(4, .closed)]) }
    #expect(pool.isClosing && !pool.isClosed)
    do { let result = pool.acquire(5, holder: "late", at: t0); #expect(result == [.fail(5, .closed)]) }
    do { let result = pool.release(100, reusable: true, at: t0); #expect(result == [.close(100)]) }
    #expect(!pool.isClosed)
    do { let result = pool.release(101, reusable: true, at: t0); #expect(result == [.close(101)]) }
    #expect(pool.isClosed)
  }

  @Test func aConnectionOpenedAfterCloseIsClosed() {
    var pool = machine(max: 1)
    _ = pool.acquire(1, holder: "w1", at: t0)
    do { let result = pool.close(); #expect(result == [.fail(1, .closed)]) }
    #expect(!pool.isClosed)  // one is still being opened
    do { let result = pool.opened(100, at: t0); #expect(result == [.close(100)]) }
    #expect(pool.isClosed)
  }

  @Test func terminateClosesLeasedConnectionsAtOnce() {
    var pool = machine(max: 2)
    _ = pool.acquire(1, holder: "w1", at: t0)
    _ = pool.opened(100, at: t0)
    do { let result = pool.terminate(); #expect(result == [.close(100)]) }
    #expect(pool.isClosed)
    do { let result = pool.release(100, reusable: true, at: t0); #expect(result.isEmpty) }
  }

  @Test func aFailedOpenFailsTheOldestWaiterAndOpensForTheRest() {
    var pool = machine(max: 1)
    _ = pool.acquire(1, holder: "w1", at: t0)
    _ = pool.acquire(2, holder: "w2", at: t0)
    let (failed, actions) = pool.openFailed()
    #expect(failed == 1)
    #expect(actions == [.open])
    do { let result = pool.opened(100, at: t0); #expect(result == [.lease(100, to: 2)]) }
  }

  /// Random events against the invariants: never more than maxSize open or opening,
  /// no connection both idle and leased, waiters served in arrival order.
  @Test(arguments: [1, 2, 3, 4, 5])
  func randomEventsKeepTheInvariants(_ seed: UInt64) {
    var random = SeededGenerator(seed: seed)
    var pool = machine(min: 1, max: 3, maxQueries: 5, lifetime: .seconds(10))
    var now = t0
    var nextConnection = 1, nextWaiter = 1
    var pendingOpens = 0
    var held: [Int] = []          // leased connection ids
    var waiting: [Int] = []       // waiter ids in arrival order
    var served: [Int] = []        // waiters in the order they were served
    func apply(_ actions: [Machine.Action]) {
      for action in actions {
        switch action {
        case .open: pendingOpens += 1
        case .lease(let id, let waiter):
          held.append(id)
          served.append(waiter)
          waiting.removeAll { $0 == waiter }
        case .close(let id): held.removeAll { $0 == id }
        case .fail(let waiter, _): waiting.removeAll { $0 == waiter }
        }
      }
    }
    apply(pool.start())
    for _ in 0..<2_000 {
      now = now + .milliseconds(Int64(random.next() % 3_000))
      switch random.next() % 7 {
      case 0, 1:
        waiting.append(nextWaiter)
        apply(pool.acquire(nextWaiter, holder: "w\(nextWaiter)", at: now))
        nextWaiter += 1
      case 2 where pendingOpens > 0:
        pendingOpens -= 1
        if random.next() % 5 == 0 {
          let (failed, actions) = pool.openFailed()
          if let failed { waiting.removeAll { $0 == failed } }
          apply(actions)
        } else {
          apply(pool.opened(nextConnection, at: now))
          nextConnection += 1
        }
      case 3 where !held.isEmpty:
        let id = held.remove(at: Int(random.next() % UInt64(held.count)))
        pool.setQueries(Int(random.next() % 7), on: id)
        apply(pool.release(id, reusable: random.next() % 10 != 0, at: now))
      case 4 where !waiting.isEmpty:
        let waiter = waiting[Int(random.next() % UInt64(waiting.count))]
        if pool.abandon(waiter) { waiting.removeAll { $0 == waiter } }
      case 5:
        apply(pool.tick(at: now))
      default:
        break
      }
      #expect(pool.size + pool.opening <= 3)
      #expect(pool.leases.count == held.count)
      #expect(Set(held).count == held.count)
      #expect(pool.waitingCount == waiting.count)
    }
    // Served in arrival order (abandoned and failed waiters drop out, never overtaken).
    #expect(served == served.sorted())
  }
}

