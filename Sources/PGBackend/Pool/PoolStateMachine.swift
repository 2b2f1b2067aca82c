/// The bookkeeping of a connection pool, without any I/O: the pool feeds it events
/// (an acquire, a connection opened or released, a waiter given up, a tick of the
/// clock) and carries out the actions it returns (hand a connection to a waiter, open
/// or close connections, fail a waiter). Unit-testable with fake connection ids and
/// instants; `PostgresDatabase` drives it under a lock.
///
/// Rules (asyncpg's create_pool):
/// - waiters are served first come, first served; an idle connection goes to the
///   oldest waiter;
/// - at most `maxSize` connections exist or are being opened; `minSize` are kept;
/// - a connection past `maxQueries`, idle past `maxInactiveLifetime`, from before
///   `expireAll()`, or not reusable (broken, failed its reset) is closed on release
///   and replaced when someone waits or the pool is below its minimum;
/// - closing fails waiters and new acquires, closes idle connections at once and
///   leased ones as they come back.
struct PoolStateMachine: Sendable {
  typealias ConnectionID = Int
  typealias WaiterID = Int
  typealias Instant = ContinuousClock.Instant

  /// The limits the pool keeps.
  struct Limits: Sendable, Equatable {
    var minSize: Int
    var maxSize: Int
    /// Queries after which a connection is replaced (nil: never).
    var maxQueries: Int?
    /// How long a connection may sit idle before it is closed (nil: forever).
    var maxInactiveLifetime: Duration?
  }

  /// Why a waiter is failed.
  enum Failure: Sendable, Equatable {
    /// The pool is closing or closed.
    case closed
  }

  /// What the pool must do.
  enum Action: Sendable, Equatable {
    /// Hand connection `id` to `waiter`.
    case lease(ConnectionID, to: WaiterID)
    /// Open one more connection (report back with `opened` or `openFailed`).
    case open
    /// Close connection `id`.
    case close(ConnectionID)
    /// Fail `waiter`.
    case fail(WaiterID, Failure)
  }

  /// Where the pool is in its life.
  enum Phase: Sendable, Equatable { case running, closing, closed }

  /// Who holds a leased connection, for diagnostics.
  struct Lease: Sendable, Equatable {
    var holder: String
    var since: Instant
    var generation: Int
  }

  private struct Idle: Sendable {
    var id: ConnectionID
    var since: Instant
    var generation: Int
  }

  let limits: Limits
  private(set) var phase = Phase.running
  /// Idle connections, most recently used last (handed out from the end, so cold
  /// ones age out).
  private var idle: [Idle] = []
  private(set) var leases: [ConnectionID: Lease] = [:]
  /// Queries run on each open connection.
  private var queries: [ConnectionID: Int] = [:]
  /// Waiters in arrival order, with what they told us about themselves.
  private var waiters: [(id: WaiterID, holder: String)] = []
  /// Connections being opened.
  private(set) var opening = 0
  /// Bumped by `expireAll()`: connections of an older generation are replaced.
  private var generation = 0

  init(limits: Limits) {
    precondition(limits.minSize >= 0 && limits.maxSize >= 1 && limits.minSize <= limits.maxSize,
                 "pool limits: 0 <= minSize <= maxSize, maxSize >= 1")
    self.limits = limits
  }

  // MARK: Figures

  /// Open connections (idle and leased), not counting those being opened.
  var size: Int { idle.count + leases.count }
  /// Idle connections.
  var idleCount: Int { idle.count }
  /// Tasks waiting for a connection.
  var waitingCount: Int { waiters.count }
  /// Whether `close()` was called.
  var isClosing: Bool { phase != .running }
  /// Whether everything is closed and nothing is leased.
  var isClosed: Bool { phase == .closed }
  private var total: Int { size + opening }

  // MARK: Events

  /// Opens the minimum number of connections.
  mutating func start() -> [Action] { refill() }

  /// Counts a connection the pool opened on its own (before `opened`).
  mutating func openingOneMore() { opening += 1 }

  /// A task asks for a connection.
  mutating func acquire(_ waiter: WaiterID, holder: String, at now: Instant) -> [Action] {
    guard phase == .running else { return [.fail(waiter, .closed)] }
    if waiters.isEmpty, let connection = idle.popLast() {
      leases[connection.id] = Lease(holder: holder, since: now, generation: connection.generation)
      return [.lease(connection.id, to: waiter)]
    }
    waiters.append((waiter, holder))
    return openForWaiters()
  }

  /// Leases an idle connection at once when nobody is waiting, without joining the
  /// line; nil (and nothing changed) otherwise.
  mutating func acquireIdle(holder: String, at now: Instant) -> ConnectionID? {
    guard phase == .running, waiters.isEmpty, let connection = idle.popLast() else { return nil }
    leases[connection.id] = Lease(holder: holder, since: now, generation: connection.generation)
    return connection.id
  }

  /// A waiter stopped waiting (cancelled, timed out). Returns whether it was still
  /// waiting: if not, it was already handed a connection, which it must release.
  mutating func abandon(_ waiter: WaiterID) -> Bool {
    guard let index = waiters.firstIndex(where: { $0.id == waiter }) else { return false }
    waiters.remove(at: index)
    return true
  }

  /// A connection the pool opened is ready.
  mutating func opened(_ id: ConnectionID, at now: Instant) -> [Action] {
    opening -= 1
    queries[id] = 0
    guard phase == .running else {
      queries[id] = nil
      return [.close(id)] + finishClosingIfDone()
    }
    return place(Idle(id: id, since: now, generation: generation), at: now)
  }

  /// Opening a connection failed. Returns the waiter to fail with the error (the
  /// oldest), if any; the pool retries the minimum later.
  mutating func openFailed() -> (waiter: WaiterID?, actions: [Action]) {
    opening -= 1
    guard phase == .running, !waiters.isEmpty else { return (nil, finishClosingIfDone()) }
    let waiter = waiters.removeFirst().id
    return (waiter, openForWaiters())
  }

  /// Connection `id` has run `count` statements in all.
  mutating func setQueries(_ count: Int, on id: ConnectionID) {
    if queries[id] != nil { queries[id] = count }
  }

  /// A leased connection comes back. `reusable` is false when it broke or failed its
  /// reset.
  mutating func release(_ id: ConnectionID, reusable: Bool, at now: Instant) -> [Action] {
    guard let lease = leases.removeValue(forKey: id) else { return [] }
    let worn = limits.maxQueries.map { queries[id, default: 0] >= $0 } ?? false
    if !reusable || worn || lease.generation != generation || phase != .running {
      queries[id] = nil
      return [.close(id)] + (phase == .running ? refill() : finishClosingIfDone())
    }
    return place(Idle(id: id, since: now, generation: lease.generation), at: now)
  }

  /// Closes idle connections that sat unused past `maxInactiveLifetime`, keeping the
  /// minimum open (replacements are opened).
  mutating func tick(at now: Instant) -> [Action] {
    guard phase == .running, let lifetime = limits.maxInactiveLifetime else { return [] }
    let (stale, fresh) = (idle.filter { now - $0.since >= lifetime }, idle.filter { now - $0.since < lifetime })
    idle = fresh
    for connection in stale { queries[connection.id] = nil }
    return stale.map { .close($0.id) } + refill()
  }

  /// Periodic upkeep: closes idle connections past their lifetime and opens what the
  /// minimum (or waiters) need, e.g. after a failed open or a server restart.
  mutating func maintain(at now: Instant) -> [Action] {
    guard phase == .running else { return [] }
    return tick(at: now) + refill()
  }

  /// Whether an acquire now would be served without waiting (an idle connection, or
  /// room to open one and no one ahead).
  var hasSpare: Bool { waiters.isEmpty && (!idle.isEmpty || total < limits.maxSize) }

  /// Replaces every connection: idle ones now, leased ones when they come back.
  mutating func expireAll() -> [Action] {
    guard phase == .running else { return [] }
    generation += 1
    let closing = idle
    idle = []
    for connection in closing { queries[connection.id] = nil }
    return closing.map { .close($0.id) } + refill()
  }

  /// Graceful close: waiters fail, idle connections close now, leased ones when
  /// released; the pool is closed when none is left.
  mutating func close() -> [Action] {
    guard phase == .running else { return [] }
    phase = .closing
    let failed = waiters.map { Action.fail($0.id, .closed) }
    waiters = []
    let closing = idle.map { Action.close($0.id) }
    for connection in idle { queries[connection.id] = nil }
    idle = []
    return failed + closing + finishClosingIfDone()
  }

  /// Immediate close: as `close()`, and leased connections close now too (their
  /// holders' statements fail).
  mutating func terminate() -> [Action] {
    var actions = close()
    actions += leases.keys.sorted().map { .close($0) }
    leases = [:]
    queries = [:]
    if opening == 0 { phase = .closed }
    return actions
  }

  // MARK: Helpers

  /// Gives a ready connection to the oldest waiter, or keeps it idle.
  private mutating func place(_ connection: Idle, at now: Instant) -> [Action] {
    guard !waiters.isEmpty else {
      idle.append(connection)
      return []
    }
    let waiter = waiters.removeFirst()
    leases[connection.id] = Lease(holder: waiter.holder, since: now, generation: connection.generation)
    return [.lease(connection.id, to: waiter.id)]
  }

  /// Opens connections for waiters not already covered by one being opened, within
  /// `maxSize`.
  private mutating func openForWaiters() -> [Action] {
    var actions: [Action] = []
    while opening < waiters.count, total < limits.maxSize {
      opening += 1
      actions.append(.open)
    }
    return actions
  }

  /// Opens what waiters need, and up to the minimum.
  private mutating func refill() -> [Action] {
    var actions = openForWaiters()
    while total < limits.minSize {
      opening += 1
      actions.append(.open)
    }
    return actions
  }

  private mutating func finishClosingIfDone() -> [Action] {
    if phase == .closing, leases.isEmpty, opening == 0 { phase = .closed }
    return []
  }
}
