import QueryBuilder
import Testing

/// State with no synchronisation of its own, so only the lock under test protects it.
// @unchecked Sendable: every access in these tests happens inside `AsyncLock.withLock`;
// a lock that lets two holders in shows up as lost updates (and as a race under TSan).
final class UnguardedCounter: @unchecked Sendable {
  var value = 0
  var holders = 0
  var mostHoldersAtOnce = 0
}

/// Ordering tests run every task on one serial executor, so "the waiter has queued"
/// is an explicit checkpoint (`await Task.yield()`), not a sleep. Every test runs
/// bounded in time: a lock bug that strands a waiter fails the test, not the run.
@Suite struct AsyncLockTests {
  struct Boom: Error {}

  // MARK: Mutual exclusion

  @Test func withLockExcludesConcurrentTasksAcrossSuspensionPoints() async throws {
    let lock = AsyncLock()
    let counter = UnguardedCounter()
    try await runBounded {
      try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<200 {
          group.addTask {
            try await lock.withLock {
              counter.holders += 1
              counter.mostHoldersAtOnce = max(counter.mostHoldersAtOnce, counter.holders)
              let seen = counter.value
              await Task.yield()  // without the lock, other tasks run here and updates are lost
              counter.value = seen + 1
              counter.holders -= 1
            }
          }
        }
        try await group.waitForAll()
      }
    }
    #expect(counter.value == 200)
    #expect(counter.mostHoldersAtOnce == 1)
    #expect(!lock.isLocked)
  }

  @Test func withLockReturnsTheBodysValueAndReleases() async throws {
    let lock = AsyncLock()
    let value = try await lock.withLock {
      #expect(lock.isLocked)
      return 42
    }
    #expect(value == 42)
    #expect(!lock.isLocked)
  }

  @Test func withLockReleasesWhenTheBodyThrows() async throws {
    let lock = AsyncLock()
    await #expect(throws: Boom.self) {
      try await lock.withLock { throw Boom() }
    }
    #expect(!lock.isLocked)
    try await lock.lock()  // and it can be taken again at once
    lock.unlock()
  }

  @Test func isLockedFollowsLockAndUnlock() async throws {
    let lock = AsyncLock()
    #expect(!lock.isLocked)
    try await lock.lock()
    #expect(lock.isLocked)
    lock.unlock()
    #expect(!lock.isLocked)
  }

  // MARK: First come, first served

  @Test func waitersAreServedInTheOrderTheyQueued() async throws {
    let executor = SerialJobExecutor()
    let lock = AsyncLock()
    let served = Recorder<Int>()
    try await runBounded(on: executor) {
      try await lock.lock()
      var waiters: [Task<Void, any Error>] = []
      for index in 0..<20 {
        waiters.append(Task(executorPreference: executor) {
          try await lock.lock()
          served.append(index)
          lock.unlock()
        })
        await Task.yield()  // checkpoint: waiter `index` has run up to its place in line
      }
      #expect(served.values.isEmpty)
      lock.unlock()
      // Ownership passes straight to the oldest waiter: a newcomer cannot barge in.
      #expect(lock.isLocked)
      for waiter in waiters { try await waiter.value }
    }
    #expect(served.values == Array(0..<20))
    #expect(!lock.isLocked)
  }

  @Test func unlockerCannotBargeBackInAheadOfAWaiter() async throws {
    let executor = SerialJobExecutor()
    let lock = AsyncLock()
    let served = Recorder<String>()
    try await runBounded(on: executor) {
      try await lock.lock()
      let waiter = Task(executorPreference: executor) {
        try await lock.lock()
        served.append("waiter")
        lock.unlock()
      }
      await Task.yield()
      lock.unlock()  // the waiter is resumed but has not run yet
      try await lock.lock()  // so this must queue behind it, not take the lock back
      served.append("unlocker")
      lock.unlock()
      try await waiter.value
    }
    #expect(served.values == ["waiter", "unlocker"])
  }

  // MARK: Cancellation

  /// (which waiter is cancelled, how many waiters were served before that)
  @Test(arguments: [(0, 0), (2, 0), (4, 0), (1, 1), (3, 1), (4, 2)])
  func cancelledWaiterThrowsAndTheRestOfTheLineIsServedInOrder(_ cancelled: Int, _ servedBefore: Int) async throws {
    let executor = SerialJobExecutor()
    let lock = AsyncLock()
    let served = Recorder<Int>()
    try await runBounded(on: executor) {
      try await lock.lock()
      var waiters: [Task<Void, any Error>] = []
      for index in 0..<5 {
        // Each waiter keeps the lock once it has it; the test releases it on its behalf.
        waiters.append(Task(executorPreference: executor) {
          try await lock.lock()
          served.append(index)
        })
        await Task.yield()
      }
      for _ in 0..<servedBefore {
        lock.unlock()
        await Task.yield()  // checkpoint: the next waiter has taken the lock
      }
      #expect(served.values == Array(0..<servedBefore))

      waiters[cancelled].cancel()
      await #expect(throws: CancellationError.self) { try await waiters[cancelled].value }
      // The cancelled waiter neither took the lock nor released the holder's.
      #expect(lock.isLocked)
      #expect(served.values == Array(0..<servedBefore))

      for _ in servedBefore..<4 {
        lock.unlock()
        await Task.yield()
      }
      lock.unlock()  // the last waiter's turn
      for (index, waiter) in waiters.enumerated() where index != cancelled {
        try await waiter.value
      }
    }
    #expect(served.values == (0..<5).filter { $0 != cancelled })
    #expect(!lock.isLocked)
  }

  @Test func taskCancelledBeforeItWaitsThrowsWithoutJoiningTheLine() async throws {
    let executor = SerialJobExecutor()
    let lock = AsyncLock()
    try await runBounded(on: executor) {
      try await lock.lock()
      let late = Task(executorPreference: executor) { try await lock.lock() }
      late.cancel()  // before it has run at all
      await #expect(throws: CancellationError.self) { try await late.value }
      #expect(lock.isLocked)
      lock.unlock()
      #expect(!lock.isLocked)  // nobody in line: released, not handed to the cancelled task
    }
  }

  @Test func lockIgnoringCancellationWaitsForAndTakesTheLockFromACancelledTask() async throws {
    let executor = SerialJobExecutor()
    let lock = AsyncLock()
    let events = Recorder<String>()
    try await runBounded(on: executor) {
      try await lock.lock()
      let cleanup = Task(executorPreference: executor) {
        await lock.lockIgnoringCancellation()
        events.append(Task.isCancelled ? "cancelled task acquired" : "acquired")
      }
      cleanup.cancel()
      for _ in 0..<3 { await Task.yield() }  // let it start waiting
      events.append("holder releases")
      lock.unlock()
      await cleanup.value
      #expect(lock.isLocked)  // the finished cleanup task still holds it
      if lock.isLocked { lock.unlock() }
    }
    #expect(events.values == ["holder releases", "cancelled task acquired"])
    #expect(!lock.isLocked)
  }

  @Test func aTimedWaitThatRunsOutLeavesTheLineAsIfItNeverJoined() async throws {
    let lock = AsyncLock()
    try await lock.lock()
    #expect(try await lock.lock(timeout: .milliseconds(50)) == false)
    // The next waiter is served on unlock: the timed-out one left no trace in the line.
    let next = Task { try await lock.lock(timeout: .seconds(5)) }
    try await Task.sleep(for: .milliseconds(20))
    lock.unlock()
    #expect(try await next.value == true)
    lock.unlock()
    #expect(!lock.isLocked)
  }

  @Test func aTimedWaitServedInTimeHoldsTheLock() async throws {
    let lock = AsyncLock()
    #expect(try await lock.lock(timeout: .milliseconds(10)) == true)
    let waiter = Task { try await lock.lock(timeout: .seconds(5)) }
    try await Task.sleep(for: .milliseconds(20))
    lock.unlock()
    #expect(try await waiter.value == true)
    #expect(lock.isLocked)
    lock.unlock()
  }
}
