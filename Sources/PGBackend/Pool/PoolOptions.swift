/// How a ``PostgresDatabase`` pools its connections (asyncpg's `create_pool` arguments).
///
/// ```swift
/// let db = try await PostgresDatabase(url: url, pool: .init(
///   minSize: 5, maxSize: 50, maxQueries: 50_000, maxInactiveConnectionLifetime: .seconds(300),
///   acquireTimeout: .seconds(5), commandTimeout: .seconds(30),
///   serverSettings: ["timezone": "UTC", "application_name": "shop"]))
/// ```
public struct PoolOptions: Sendable {
  /// Connections opened at start and kept open.
  public var minSize: Int
  /// The most connections open at once.
  public var maxSize: Int
  /// Statements after which a connection is replaced (nil: never).
  public var maxQueries: Int?
  /// How long a connection may sit idle before it is closed (nil: forever).
  public var maxInactiveConnectionLifetime: Duration?
  /// How long an acquire waits for a connection before failing with
  /// ``PoolError`` `.acquireTimeout`, which names where the busy connections are held
  /// (default ``defaultAcquireTimeout``; nil: forever, which a task waiting on work
  /// that waits on it would do).
  public var acquireTimeout: Duration?

  /// The acquire timeout a pool has unless given another: 30 seconds, as HikariCP's
  /// and SQLAlchemy's pools.
  public static let defaultAcquireTimeout: Duration = .seconds(30)
  /// Options of every new connection (server settings, command timeout,
  /// statement-cache size, logging, ...).
  public var connection: PostgresConnectionOptions
  /// Runs once on each new connection, before its first use.
  public var setup: (@Sendable (PostgresConnection) async throws -> Void)?
  /// Runs on every acquire, before the connection is handed out.
  public var initialize: (@Sendable (PostgresConnection) async throws -> Void)?
  /// Runs on every release instead of the default reset (roll back an open
  /// transaction, `RESET ALL`, `UNLISTEN *`, release advisory locks, close cursors).
  public var reset: (@Sendable (PostgresConnection) async throws -> Void)?

  /// Pool options; `commandTimeout` and `serverSettings` go into every connection's options.
  public init(minSize: Int = 1, maxSize: Int = 10, maxQueries: Int? = 50_000,
              maxInactiveConnectionLifetime: Duration? = .seconds(300),
              acquireTimeout: Duration? = PoolOptions.defaultAcquireTimeout,
              commandTimeout: Duration? = nil, serverSettings: [String: String] = [:],
              connection: PostgresConnectionOptions = PostgresConnectionOptions(),
              setup: (@Sendable (PostgresConnection) async throws -> Void)? = nil,
              initialize: (@Sendable (PostgresConnection) async throws -> Void)? = nil,
              reset: (@Sendable (PostgresConnection) async throws -> Void)? = nil) {
    self.minSize = minSize
    self.maxSize = maxSize
    self.maxQueries = maxQueries
    self.maxInactiveConnectionLifetime = maxInactiveConnectionLifetime
    self.acquireTimeout = acquireTimeout
    var connection = connection
    if let commandTimeout { connection.commandTimeout = commandTimeout }
    connection.serverSettings.merge(serverSettings) { _, new in new }
    self.connection = connection
    self.setup = setup
    self.initialize = initialize
    self.reset = reset
  }

  /// The limits the pool's state machine keeps.
  var limits: PoolStateMachine.Limits {
    .init(minSize: minSize, maxSize: maxSize, maxQueries: maxQueries, maxInactiveLifetime: maxInactiveConnectionLifetime)
  }
}
