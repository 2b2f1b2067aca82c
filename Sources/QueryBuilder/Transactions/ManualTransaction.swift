import Model
import Synchronization

/// A transaction under manual control (asyncpg's `Transaction`): begun with
/// ``Database/begin(isolation:readOnly:deferrable:)``, ended with ``commit()`` or
/// ``rollback()``. It holds one connection from BEGIN to its end, and is a
/// ``Database`` whose statements run in it.
///
/// ```swift
/// let tx = try await db.begin(isolation: .serializable)
/// try await tx.execute("INSERT INTO audit (note) VALUES (\(note))")
/// let sp = try await tx.savepoint()
/// try await tx.rollback(to: sp)       // or tx.release(sp)
/// try await tx.commit()               // or tx.rollback()
/// ```
/// Run its statements through the transaction itself: on a single connection
/// (`PostgresConnection`, `SQLiteDatabase`), statements through the database wait
/// until the transaction has ended. Using it after it ended is a ``MisuseError``. A
/// transaction dropped while still open is rolled back and its connection given back.
public final class ManualTransaction: Database, Sendable {
  /// A savepoint inside a manual transaction.
  public struct Savepoint: Sendable, Hashable {
    /// Its SQL name.
    public let name: String
  }

  let context: TransactionContext
  private let savepointCounter = Mutex(0)
  /// The database's statement time limit.
  public let defaultStatementTimeout: Duration?
  /// The database's logging.
  public let statementLogging: StatementLogging

  init(context: TransactionContext, of database: some Database) {
    self.context = context
    self.defaultStatementTimeout = database.defaultStatementTimeout
    self.statementLogging = database.statementLogging
  }

  deinit {
    guard !context.isEnded else { return }
    // Dropped while open: roll back and give the connection back, in the background.
    let (core, context) = (context.core, context)
    let first = core.step { $0.abandoned() }
    Task {
      var driver = TransactionDriver(core: core, database: nil,
                                     site: "a dropped transaction", timeout: nil, context: context)
      _ = await driver.run(from: first)
    }
  }

  /// The dialect of the held connection.
  public var dialect: SQLDialect { context.session.dialect }

  /// The transaction's own identity: blocks opened with `atomic` on it nest in it.
  public var sessionKey: ObjectIdentifier { ObjectIdentifier(self) }

  /// Whether the transaction is still open.
  public var isOpen: Bool { !context.isEnded }

  /// Always the transaction (or a block of the current task nested in it).
  public var currentRoute: TransactionRoute? { route }

  /// Runs the statement in the transaction (the entry points route there first).
  public func runExecute(_ request: StatementRequest) async throws -> Int { try await route.runExecute(request) }

  /// Runs the query in the transaction.
  public func runFetchAll(_ request: StatementRequest) async throws -> [Row] { try await route.runFetchAll(request) }

  /// Runs the query in the transaction; its first row.
  public func runFetchOne(_ request: StatementRequest) async throws -> Row? { try await route.runFetchOne(request) }

  /// A cursor over the query's rows in the transaction.
  public func runStream(_ request: StatementRequest) async throws -> any RowCursor { try await route.openCursor(request) }

  /// Not available: the transaction already holds its connection.
  /// - Throws: ``MisuseError``.
  public func openSession() async throws -> any DatabaseSession {
    throw MisuseError("a transaction cannot open another session; use atomic { } on it to nest a block")
  }

  /// `SAVEPOINT name` (by default `sp_1`, `sp_2`, ... in the order they are made).
  /// - Throws: ``MisuseError`` after the end; ``DatabaseError``.
  public func savepoint(_ name: String? = nil) async throws -> Savepoint {
    let savepoint = Savepoint(name: name ?? "sp_\(savepointCounter.withLock { $0 += 1; return $0 })")
    try await execute(TransactionSQL.savepoint(savepoint.name), timeout: nil)
    return savepoint
  }

  /// `RELEASE SAVEPOINT`: keeps the work done since `savepoint`.
  public func release(_ savepoint: Savepoint) async throws {
    try await execute(TransactionSQL.release(savepoint.name), timeout: nil)
  }

  /// `ROLLBACK TO SAVEPOINT`: undoes the work done since `savepoint`, which stays
  /// usable (it can be rolled back to again, or released).
  public func rollback(to savepoint: Savepoint) async throws {
    try await execute(TransactionSQL.rollback(to: savepoint.name), timeout: nil)
  }

  /// COMMIT, and gives the connection back.
  /// - Throws: ``MisuseError`` after the end; ``DatabaseError`` when COMMIT failed (the
  ///   transaction is over then); ``CommitOutcomeUnknown`` when the connection was lost.
  public func commit() async throws {
    try await end { $0.blockReturned(context.block) }
  }

  /// ROLLBACK, and gives the connection back.
  /// - Throws: ``MisuseError`` after the end; ``DatabaseError`` when ROLLBACK failed
  ///   (the connection is then discarded).
  public func rollback() async throws {
    try await end { $0.rollbackRequested() }
  }

  /// Ends the transaction with `event` once its statements in flight have finished,
  /// then runs the callbacks due and throws the machine's error, if any.
  private func end(_ event: (inout TransactionMachine) -> TransactionMachine.Action) async throws {
    let first = await context.end(event)
    var driver = TransactionDriver(core: context.core, database: nil,
                                   site: "a manual transaction", timeout: nil, context: context)
    guard case .finished(let error, let callbacks) = await driver.run(from: first) else {
      throw MisuseError("internal: a manual transaction asked to run a block while ending")
    }
    for callback in callbacks { await callback() }
    if let error { throw error }
  }

  /// The innermost block of the current task nested in this transaction, or the
  /// transaction itself.
  private var route: TransactionRoute {
    if let inner = TransactionScope.context(for: sessionKey), inner.descends(from: context) {
      return TransactionRoute(context: inner)
    }
    return TransactionRoute(context: context)
  }
}

extension Database {
  /// Begins a transaction under manual control, holding one connection until it ends.
  ///
  /// ```swift
  /// let tx = try await db.begin(isolation: .serializable)
  /// ```
  /// - Throws: ``MisuseError`` for options no database accepts; ``DatabaseError``
  ///   from BEGIN; `CancellationError` while waiting for the connection.
  public func begin(isolation: IsolationLevel? = nil, readOnly: Bool? = nil,
                    deferrable: Bool? = nil, file: String = #fileID, line: Int = #line) async throws -> ManualTransaction {
    let (machine, first) = TransactionMachine.manual(TransactionOptions(isolation: isolation, readOnly: readOnly,
                                                                        deferrable: deferrable), dialect: dialect)
    var driver = TransactionDriver(core: TransactionCore(machine), database: self,
                                   site: "a transaction begun at \(file):\(line)", timeout: nil)
    switch await driver.run(from: first) {
    case .runBody(let context):
      return ManualTransaction(context: context, of: self)
    case .finished(let error, _):
      throw error ?? MisuseError("internal: a manual transaction ended before it began")
    }
  }
}
