import Model
import QueryBuilder
import Synchronization

/// A pool of PostgreSQL connections with asyncpg's `create_pool` semantics: the
/// production entry point. It is a ``Database``: statements, the query builder and
/// models run on it directly, each on a connection taken for the statement; atomic
/// blocks take one connection for their whole life.
///
/// ```swift
/// let db = try await PostgresDatabase(url: "postgres://app@db/app", pool: .init(minSize: 2, maxSize: 20))
/// let users = try await User.where { $0.age >= 18 }.fetchAll(db)
/// try await db.withConnection { conn in try await conn.execute("SET LOCAL ...") }
/// try await db.atomic { try await alice.insert(db) }
/// await db.close()
/// ```
/// Waiters are served first come, first served. A released connection is reset
/// (open transaction rolled back, `RESET ALL`, `UNLISTEN *`, advisory locks released,
/// cursors closed) before anyone else gets it, even if the releasing task was
/// cancelled; one that fails its reset, broke, served `maxQueries` statements or sat
/// idle past its lifetime is closed and replaced.
public final class PostgresDatabase: Database, Sendable {
  /// A leased connection and its id in the pool.
  struct Leased: Sendable {
    let id: Int
    let connection: PostgresConnection
  }

  fileprivate struct State {
    var machine: PoolStateMachine
    var connections: [Int: PostgresConnection] = [:]
    var waiters: [Int: UnsafeContinuation<Leased, any Error>] = [:]
    var nextConnectionID = 0
    var nextWaiterID = 0
    var connectOptions: PostgresConnectionOptions
    /// The listeners on connections of their own (``listen(_:)``), ended when the pool closes.
    var listeners: [WeakListener] = []
  }

  /// A listener the pool does not keep alive.
  struct WeakListener {
    weak var listener: NotificationListener?
  }

  /// Always `.postgres`.
  public let dialect: SQLDialect = .postgres
  /// The pool's settings as given (connection options: see ``setConnectOptions(_:)``).
  public let options: PoolOptions
  let url: String
  private let state: Mutex<State>

  /// Opens a pool on `url` (anything libpq accepts) and its `minSize` connections.
  /// - Throws: ``MisuseError`` for limits that make no sense; the first connection's
  ///   ``DatabaseError`` when the server refuses it (authentication, missing
  ///   database, too many connections), so a misconfigured pool fails at start.
  public init(url: String, pool options: PoolOptions = PoolOptions()) async throws {
    guard options.maxSize >= 1, options.minSize >= 0, options.minSize <= options.maxSize else {
      throw MisuseError("pool sizes need 0 <= minSize <= maxSize and maxSize >= 1 (got \(options.minSize)...\(options.maxSize))")
    }
    self.url = url
    self.options = options
    self.state = Mutex(State(machine: PoolStateMachine(limits: options.limits), connectOptions: options.connection))
    // One connection up front, so a pool that can never connect says so at once.
    let first = try await openConnection()
    let actions = state.withLock { state in
      var actions = state.machine.start()
      if let index = actions.firstIndex(of: .open) {
        actions.remove(at: index)
      } else {
        state.machine.openingOneMore()
      }
      let id = state.adopt(first)
      return actions + state.machine.opened(id, at: .now)
    }
    perform(actions)
    startMaintenance()
  }

  // MARK: Figures

  /// Open connections (idle and leased).
  public var size: Int { state.withLock { $0.machine.size } }
  /// Idle connections.
  public var idleCount: Int { state.withLock { $0.machine.idleCount } }
  /// Tasks waiting for a connection.
  public var waitingCount: Int { state.withLock { $0.machine.waitingCount } }
  /// The minimum kept open.
  public var minSize: Int { options.minSize }
  /// The most open at once.
  public var maxSize: Int { options.maxSize }
  /// Whether ``close()`` or ``terminate()`` was called.
  public var isClosing: Bool { state.withLock { $0.machine.isClosing } }

  /// Options for connections opened from now on (existing ones keep theirs; combine
  /// with ``expireConnections()`` to replace them).
  public func setConnectOptions(_ options: PostgresConnectionOptions) {
    state.withLock { $0.connectOptions = options }
  }

  /// The options new connections are opened with.
  var connectOptions: PostgresConnectionOptions { state.withLock { $0.connectOptions } }

  // MARK: Acquire and release

  /// Runs `body` with a connection of its own, released (and reset) afterwards
  /// however `body` ends.
  ///
  /// ```swift
  /// let pid = try await db.withConnection { conn in conn.backendPID }
  /// ```
  /// - Parameter timeout: how long to wait for a connection (default: the pool's
  ///   acquire timeout).
  /// - Throws: ``PoolError`` (closed, acquire timeout, self-deadlock); the connect
  ///   error when a new connection cannot be opened; `CancellationError` while
  ///   waiting; what `body` throws.
  public func withConnection<T>(timeout: Duration? = nil, file: String = #fileID, line: Int = #line,
                                _ body: (PostgresConnection) async throws -> T) async throws -> T {
    try await holding(site: "\(file):\(line)", timeout: timeout ?? options.acquireTimeout) { try await body($0) }
  }

  /// Runs `body` on one leased connection, held (and then reset and released) for the
  /// whole of it; inside an atomic block on this pool, on the block's connection.
  /// See ``Database/withDedicatedConnection(file:line:_:)``.
  public func withDedicatedConnection<T>(site: String, _ body: (any Database) async throws -> T) async throws -> T {
    if currentRoute != nil { return try await body(self) }
    return try await holding(site: site, timeout: options.acquireTimeout) { try await body($0) }
  }

  /// Leases a connection for `body`, noting the task as its holder at `site`, and
  /// releases it however `body` ends.
  private func holding<T>(site: String, timeout: Duration?, _ body: (PostgresConnection) async throws -> T) async throws -> T {
    let leased = try await acquire(holder: site, timeout: timeout)
    do {
      let value = try await PoolHolding.$held.withValue(PoolHolding.held.with(self, at: site)) {
        try await body(leased.connection)
      }
      await release(leased)
      return value
    } catch {
      await release(leased)
      throw error
    }
  }

  /// Takes a connection: an idle one, a new one, or the first one released. An idle
  /// connection the server closed meanwhile (a restart, a killed backend) is
  /// discarded and the next one taken, so such connections are never handed out.
  func acquire(holder: String, timeout: Duration?) async throws -> Leased {
    try checkSelfDeadlock()
    let deadline = timeout.map { ContinuousClock.now + $0 }
    while true {
      let remaining = deadline.map { $0 - .now }
      if let timeout, let remaining, remaining <= .zero { throw timeoutError(after: timeout) }
      let leased = try await waitForConnection(holder: holder, timeout: remaining)
      // A connection the server closed a moment ago (a restart, a killed backend) has
      // its FATAL notice and end of stream waiting. Usually no system call: the socket
      // is read only when the reactor saw something arrive while it sat idle.
      if !leased.connection.checkIdleConnection() {
        await release(leased, reusable: false)
        continue
      }
      if let initialize = options.initialize {
        do {
          try await initialize(leased.connection)
        } catch {
          await release(leased, reusable: false)
          throw error
        }
      }
      return leased
    }
  }

  /// Fails at once when this task already holds one of the pool's connections (by
  /// `withConnection`, or an atomic block's) and none is to spare: it would wait for itself.
  private func checkSelfDeadlock() throws {
    // The route, not `isInTransaction`: this runs on every acquire, and the route
    // is a plain task-local lookup.
    let site = PoolHolding.held.site(for: self)
      ?? (currentRoute != nil ? "an atomic block on this pool" : nil)
    guard let site, !state.withLock({ $0.machine.hasSpare }) else { return }
    throw PoolError(reason: .selfDeadlock, message: """
      this task already holds a connection of the pool (acquired at \(site)) and asks for another \
      while all \(options.maxSize) are in use: it would wait for itself. Use the connection it holds, \
      or run the work in an atomic block, where statements reuse the block's connection
      """)
  }

  /// Waits in line for a connection; takes an idle one straight away when nobody waits.
  private func waitForConnection(holder: String, timeout: Duration?) async throws -> Leased {
    let idle: Result<Leased, DatabaseError>? = state.withLock { state in
      guard let id = state.machine.acquireIdle(holder: holder, at: .now) else { return nil }
      guard let connection = state.connections[id] else {
        return .failure(DatabaseError(code: .internalError, message: "pool: connection \(id) vanished"))
      }
      return .success(Leased(id: id, connection: connection))
    }
    if let idle { return try idle.get() }
    let waiter = state.withLock { state in
      state.nextWaiterID += 1
      return state.nextWaiterID
    }
    return try await withTaskCancellationHandler {
      try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Leased, any Error>) in
        let actions = state.withLock { state in
          state.waiters[waiter] = continuation
          return state.machine.acquire(waiter, holder: holder, at: .now)
        }
        perform(actions)
        if Task.isCancelled { giveUp(waiter, with: CancellationError()) }
        if let timeout, state.withLock({ $0.waiters[waiter] != nil }) {
          Task { [weak self] in
            try? await Task.sleep(for: timeout)
            guard let self else { return }
            self.giveUp(waiter, with: self.timeoutError(after: timeout))
          }
        }
      }
    } onCancel: {
      giveUp(waiter, with: CancellationError())
    }
  }

  /// Gives a connection back, reset first; never interrupted by the caller's cancellation.
  func release(_ leased: Leased, reusable: Bool = true, skippingReset: Bool = false) async {
    let pool = self
    if skippingReset || !reusable || leased.connection.isClosed {
      // Nothing to run on the connection: straight back (nothing to interrupt).
      let keep = reusable && !leased.connection.isClosed
      perform(state.withLock { state in
        state.machine.setQueries(leased.connection.statementCount, on: leased.id)
        return state.machine.release(leased.id, reusable: keep, at: .now)
      })
      return
    }
    await Task {
      var keep = reusable && !leased.connection.isClosed
      if keep && !skippingReset {
        do {
          if let reset = pool.options.reset {
            try await reset(leased.connection)
          } else {
            try await Self.defaultReset(leased.connection)
          }
        } catch {
          keep = false
        }
      }
      let actions = pool.state.withLock { state in
        state.machine.setQueries(leased.connection.statementCount, on: leased.id)
        return state.machine.release(leased.id, reusable: keep && !leased.connection.isClosed, at: .now)
      }
      pool.perform(actions)
    }.value
  }

  /// asyncpg's reset: whatever a user left behind is gone for the next one.
  static func defaultReset(_ connection: PostgresConnection) async throws {
    if connection.hasOpenTransaction { try await connection.execute("ROLLBACK") }
    try await connection.execute("SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL")
  }

  /// Stops `waiter` waiting, failing it with `error`, unless it was already served.
  private func giveUp(_ waiter: Int, with error: any Error) {
    let continuation: UnsafeContinuation<Leased, any Error>? = state.withLock { state in
      guard state.machine.abandon(waiter) else { return nil }
      return state.waiters.removeValue(forKey: waiter)
    }
    continuation?.resume(throwing: error)
  }

  private func timeoutError(after timeout: Duration) -> PoolError {
    let holders = state.withLock { state in
      state.machine.leases.values.sorted { $0.since < $1.since }.map { lease in
        "\(lease.holder) (held \((ContinuousClock.now - lease.since).readable))"
      }
    }
    return PoolError(reason: .acquireTimeout, message: """
      no connection became free within \(timeout.readable) (all \(options.maxSize) in use); holders: \
      \(holders.isEmpty ? "none" : holders.joined(separator: ", "))
      """)
  }

  // MARK: Carrying out the state machine's actions

  private func perform(_ actions: [PoolStateMachine.Action]) {
    for action in actions {
      switch action {
      case .lease(let id, let waiter):
        let (continuation, connection) = state.withLock { ($0.waiters.removeValue(forKey: waiter), $0.connections[id]) }
        guard let continuation else { continue }
        if let connection {
          continuation.resume(returning: Leased(id: id, connection: connection))
        } else {
          continuation.resume(throwing: DatabaseError(code: .internalError, message: "pool: connection \(id) vanished"))
        }
      case .open:
        Task { await self.open() }
      case .close(let id):
        if let connection = state.withLock({ $0.connections.removeValue(forKey: id) }) {
          Task { await connection.close() }
        }
      case .fail(let waiter, .closed):
        let continuation = state.withLock { $0.waiters.removeValue(forKey: waiter) }
        continuation?.resume(throwing: PoolError(reason: .closed, message: "the pool is closed"))
      }
    }
  }

  /// Opens one connection the state machine asked for, and reports back.
  private func open() async {
    do {
      let connection = try await openConnection()
      let actions = state.withLock { state in
        let id = state.adopt(connection)
        return state.machine.opened(id, at: .now)
      }
      perform(actions)
    } catch {
      let (continuation, actions) = state.withLock { state -> (UnsafeContinuation<Leased, any Error>?, [PoolStateMachine.Action]) in
        let (waiter, actions) = state.machine.openFailed()
        return (waiter.flatMap { state.waiters.removeValue(forKey: $0) }, actions)
      }
      continuation?.resume(throwing: error)
      perform(actions)
    }
  }

  private func openConnection() async throws -> PostgresConnection {
    let options = state.withLock { $0.connectOptions }
    let connection = try await PostgresConnection.connect(url, options: options)
    if let setup = self.options.setup {
      do {
        try await setup(connection)
      } catch {
        await connection.close()
        throw error
      }
    }
    return connection
  }

  /// Once a second: idle lifetimes, and the minimum (reopened after failures).
  private func startMaintenance() {
    Task { [weak self] in
      while let pool = self, !pool.isClosing {
        let actions = pool.state.withLock { $0.machine.maintain(at: .now) }
        pool.perform(actions)
        try? await Task.sleep(for: .seconds(1))
      }
    }
  }

  // MARK: Lifecycle

  /// Replaces every connection: idle ones now, leased ones when released.
  public func expireConnections() {
    perform(state.withLock { $0.machine.expireAll() })
  }

  /// Graceful close: new acquires and waiters fail with ``PoolError`` (`.closed`),
  /// idle connections close now, and this returns once every leased one came back.
  public func close() async {
    perform(state.withLock { $0.machine.close() })
    await shutDownListeners(reason: "the pool was closed")
    while !state.withLock({ $0.machine.isClosed }) {
      try? await Task.sleep(for: .milliseconds(5))
    }
  }

  /// Immediate close (asyncpg's `terminate()`): new acquires and waiters fail with
  /// ``PoolError`` (`.closed`), idle connections close, and leased ones are closed
  /// under their holders: a statement in flight is cancelled on the server and its
  /// caller gets a `.connectionFailure` ``DatabaseError`` at once (within about half a
  /// second if the server does not answer the cancel); an open transaction is rolled
  /// back by the server as the session ends.
  public func terminate() {
    let (actions, leased) = state.withLock { state in
      let leased = state.machine.leases.keys.compactMap { state.connections[$0] }
      return (state.machine.terminate(), leased)
    }
    for connection in leased { connection.terminate(reason: "the pool was terminated") }
    perform(actions)
    Task { await shutDownListeners(reason: "the pool was terminated") }
  }

  /// Keeps `listener` to be ended with the pool.
  /// - Throws: ``PoolError`` `.closed` when the pool is closing (the listener is ended).
  func adopt(_ listener: NotificationListener) async throws {
    let adopted = state.withLock { state in
      guard !state.machine.isClosing else { return false }
      state.listeners.removeAll { $0.listener == nil }
      state.listeners.append(WeakListener(listener: listener))
      return true
    }
    if !adopted {
      await listener.shutDown(reason: "the pool was closed")
      throw PoolError(reason: .closed, message: "the pool is closed")
    }
  }

  /// Ends every listener still open: their sessions end, their loops end normally.
  private func shutDownListeners(reason: String) async {
    let listeners = state.withLock { state in
      defer { state.listeners.removeAll() }
      return state.listeners.compactMap(\.listener)
    }
    for listener in listeners { await listener.shutDown(reason: reason) }
  }
}

extension PostgresDatabase.State {
  /// Gives `connection` an id and keeps it.
  fileprivate mutating func adopt(_ connection: PostgresConnection) -> Int {
    nextConnectionID += 1
    connections[nextConnectionID] = connection
    return nextConnectionID
  }
}

/// The pool connections the current task holds (through `withConnection`), with
/// where it took them: an acquire that would wait for itself fails at once instead.
struct PoolHolding: Sendable {
  private var sites: [ObjectIdentifier: String] = [:]

  @TaskLocal static var held = PoolHolding()

  func site(for pool: PostgresDatabase) -> String? { sites[ObjectIdentifier(pool)] }

  func with(_ pool: PostgresDatabase, at site: String) -> PoolHolding {
    var copy = self
    copy.sites[ObjectIdentifier(pool)] = site
    return copy
  }
}
