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

  /// Runs a statement in the block.
  @discardableResult
  public func execute(_ sql: SQL) async throws -> Int { try await route.execute(sql) }

  /// Runs a query in the block.
  public func fetchAll(_ sql: SQL) async throws -> [Row] { try await route.fetchAll(sql) }

  /// Runs a query in the block; its first row.
  public func fetchOne(_ sql: SQL) async throws -> Row? { try await route.fetchOne(sql) }

  /// A query's rows, read lazily in the block.
  public func stream(_ sql: SQL) -> RowSequence { route.stream(sql) }

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
