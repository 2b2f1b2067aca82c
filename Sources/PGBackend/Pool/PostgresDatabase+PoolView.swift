extension PostgresDatabase {
  /// The pool's figures and controls, spelled as in asyncpg
  /// (`db.pool.size`, `db.pool.expireConnections()`); the same as on `db` itself.
  public var pool: PoolView { PoolView(database: self) }

  /// The pool's figures and controls (see ``PostgresDatabase/pool``).
  public struct PoolView: Sendable {
    let database: PostgresDatabase

    /// Open connections (idle and leased).
    public var size: Int { database.size }
    /// Idle connections.
    public var idleCount: Int { database.idleCount }
    /// Tasks waiting for a connection.
    public var waitingCount: Int { database.waitingCount }
    /// The minimum kept open.
    public var minSize: Int { database.minSize }
    /// The most open at once.
    public var maxSize: Int { database.maxSize }
    /// Whether the pool is closing or closed.
    public var isClosing: Bool { database.isClosing }

    /// Replaces every connection: idle ones now, leased ones when released.
    public func expireConnections() { database.expireConnections() }

    /// Options for connections opened from now on.
    public func setConnectOptions(_ options: PostgresConnectionOptions) { database.setConnectOptions(options) }
  }
}
