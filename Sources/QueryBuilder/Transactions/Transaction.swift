import Model

/// The handle of an atomic block: a ``Database`` whose statements run in the block.
///
/// ```swift
/// try await db.atomic { tx in
///   try await alice.insert(tx)
///   try await tx.atomic { try await order.insert(tx) }   // nested: a savepoint
/// }
/// ```
/// A handle used after its block ended throws a ``MisuseError``; it never reaches
/// another transaction's connection. Used inside a block nested in its own, it runs
/// in the nested block.
public struct Transaction: Database {
  let context: TransactionContext
  /// The database the block runs on.
  let database: any Database

  /// The dialect of the block's connection.
  public var dialect: SQLDialect { context.session.dialect }

  /// The database's key: blocks opened through the handle nest in this one.
  public var sessionKey: ObjectIdentifier { database.sessionKey }

  /// The innermost block of the current task that is this one or nested in it.
  private var route: TransactionRoute {
    if let inner = TransactionScope.context(for: sessionKey), inner.descends(from: context) {
      return TransactionRoute(context: inner)
    }
    return TransactionRoute(context: context)
  }

  /// Always the block (or a block of the current task nested in it): a handle's
  /// statements run in its block.
  public var currentRoute: TransactionRoute? { route }

  /// The database's statement time limit.
  public var defaultStatementTimeout: Duration? { database.defaultStatementTimeout }

  /// The database's logging.
  public var statementLogging: StatementLogging { database.statementLogging }

  /// Runs the statement in the block (the entry points route there first).
  public func runExecute(_ request: StatementRequest) async throws -> Int { try await route.runExecute(request) }

  /// Runs the query in the block.
  public func runFetchAll(_ request: StatementRequest) async throws -> [Row] { try await route.runFetchAll(request) }

  /// Runs the query in the block; its first row.
  public func runFetchOne(_ request: StatementRequest) async throws -> Row? { try await route.runFetchOne(request) }

  /// A cursor over the query's rows in the block.
  public func runStream(_ request: StatementRequest) async throws -> any RowCursor { try await route.openCursor(request) }

  /// Not available: a block's connection is already held. Nest with `atomic` instead.
  /// - Throws: ``MisuseError``.
  public func openSession() async throws -> any DatabaseSession {
    throw MisuseError("a transaction's handle cannot open another session; use atomic { } to nest a block")
  }
}

/// A database that is itself an open transaction (a block's handle, a manual
/// transaction): atomic blocks opened on it nest in it.
protocol TransactionHolding {
  var heldContext: TransactionContext { get }
}

extension Transaction: TransactionHolding {
  var heldContext: TransactionContext { context }
}

extension ManualTransaction: TransactionHolding {
  var heldContext: TransactionContext { context }
}
