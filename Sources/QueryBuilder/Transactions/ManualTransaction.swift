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

  private enum Phase { case open, committed, rolledBack }

  let context: TransactionContext
  private let phase = Mutex(Phase.open)
  private let savepointCounter = Mutex(0)

  init(context: TransactionContext) {
    self.context = context
  }

  deinit {
    guard phase.withLock({ $0 }) == .open else { return }
    // Dropped while open: roll back and give the connection back, in the background.
    let session = context.session
    Task {
      let rolledBack = (try? await session.execute(TransactionSQL.rollback, timeout: nil)) != nil
      await session.release(discard: !rolledBack)
    }
  }

  /// The dialect of the held connection.
  public var dialect: SQLDialect { context.session.dialect }

  /// The transaction's own identity: blocks opened with `atomic` on it nest in it.
  public var sessionKey: ObjectIdentifier { ObjectIdentifier(self) }

  /// Whether the transaction is still open.
  public var isOpen: Bool { phase.withLock { $0 } == .open }

  /// Runs a statement in the transaction.
  @discardableResult
  public func execute(_ sql: SQL) async throws -> Int { try await route.execute(sql) }

  /// Runs a query in the transaction.
  public func fetchAll(_ sql: SQL) async throws -> [Row] { try await route.fetchAll(sql) }

  /// Runs a query in the transaction; its first row.
  public func fetchOne(_ sql: SQL) async throws -> Row? { try await route.fetchOne(sql) }

  /// A query's rows, read lazily in the transaction.
  public func stream(_ sql: SQL) -> RowSequence { route.stream(sql) }

  /// Not available: the transaction already holds its connection.
  /// - Throws: ``MisuseError``.
  public func openSession() async throws -> any DatabaseSession {
    throw MisuseError("a transaction cannot open another session; use atomic { } on it to nest a block")
  }

  /// `SAVEPOINT name` (by default `sp_1`, `sp_2`, ... in the order they are made).
  /// - Throws: ``MisuseError`` after the end; ``DatabaseError``.
  public func savepoint(_ name: String? = nil) async throws -> Savepoint {
    let savepoint = Savepoint(name: name ?? "sp_\(savepointCounter.withLock { $0 += 1; return $0 })")
    _ = try await route.execute(TransactionSQL.savepoint(savepoint.name))
    return savepoint
  }

  /// `RELEASE SAVEPOINT`: keeps the work done since `savepoint`.
  public func release(_ savepoint: Savepoint) async throws {
    _ = try await route.execute(TransactionSQL.release(savepoint.name))
  }

  /// `ROLLBACK TO SAVEPOINT`: undoes the work done since `savepoint`, which stays
  /// usable (it can be rolled back to again, or released).
  public func rollback(to savepoint: Savepoint) async throws {
    _ = try await route.execute(TransactionSQL.rollback(to: savepoint.name))
  }

  /// COMMIT, and gives the connection back.
  /// - Throws: ``MisuseError`` after the end; ``DatabaseError`` when COMMIT failed (the
  ///   transaction is over then); ``CommitOutcomeUnknown`` when the connection was lost.
  public func commit() async throws {
    try end(as: .committed)
    do {
      for callback in try await context.commitAndRelease(await context.end()) { await callback() }
    } catch {
      try await error.runCallbacksAndThrow()
    }
  }

  /// ROLLBACK, and gives the connection back.
  /// - Throws: ``MisuseError`` after the end; ``DatabaseError`` when ROLLBACK failed
  ///   (the connection is then discarded).
  public func rollback() async throws {
    try end(as: .rolledBack)
    do {
      for callback in try await context.rollbackAndRelease(await context.end(), after: nil) { await callback() }
    } catch {
      try await error.runCallbacksAndThrow()
    }
  }

  private func end(as final: Phase) throws {
    try phase.withLock { phase in
      guard phase == .open else {
        throw MisuseError("the transaction was already \(phase == .committed ? "committed" : "rolled back")")
      }
      phase = final
    }
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
    let options = TransactionOptions(isolation: isolation, readOnly: readOnly, deferrable: deferrable)
    try options.validate()
    let session = try await ConnectionRequest.$site.withValue("a transaction begun at \(file):\(line)") {
      try await openSession()
    }
    do {
      for statement in TransactionSQL.begin(options, dialect) { _ = try await session.execute(statement, timeout: nil) }
    } catch {
      await session.release(discard: true)
      throw error
    }
    return ManualTransaction(context: TransactionContext(session: session, parent: nil, options: options, timeout: nil))
  }
}
