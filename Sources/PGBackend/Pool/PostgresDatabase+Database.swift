import Model
import QueryBuilder
import Synchronization

extension PostgresDatabase {
  /// The pool's identity: statements inside an atomic block on it are routed to the
  /// block's connection.
  public var sessionKey: ObjectIdentifier { ObjectIdentifier(self) }

  /// Runs a statement on a connection taken for it (inside an atomic block: on the
  /// block's connection).
  /// - Throws: ``DatabaseError``, ``PoolError``, ``MisuseError``, `CancellationError`.
  @discardableResult
  public func execute(_ sql: SQL) async throws -> Int {
    if let route = TransactionRoute.current(for: self) {
      return try await route.execute(sql, timeout: options.connection.commandTimeout)
    }
    return try await withConnection(file: "execute", line: 0) { try await $0.execute(sql) }
  }

  /// Runs a query on a connection taken for it.
  public func fetchAll(_ sql: SQL) async throws -> [Row] {
    if let route = TransactionRoute.current(for: self) {
      return try await route.fetchAll(sql, timeout: options.connection.commandTimeout)
    }
    return try await withConnection(file: "fetchAll", line: 0) { try await $0.fetchAll(sql) }
  }

  /// Runs a query on a connection taken for it; its first row.
  public func fetchOne(_ sql: SQL) async throws -> Row? {
    if let route = TransactionRoute.current(for: self) {
      return try await route.fetchOne(sql, timeout: options.connection.commandTimeout)
    }
    return try await withConnection(file: "fetchOne", line: 0) { try await $0.fetchOne(sql) }
  }

  /// A query's rows, read lazily on a connection held from the first row to the end
  /// of the iteration.
  public func stream(_ sql: SQL) -> RowSequence {
    if let route = TransactionRoute.current(for: self) {
      return route.stream(sql, timeout: options.connection.commandTimeout)
    }
    return RowSequence { [self] in
      let leased = try await acquire(holder: "stream", timeout: options.acquireTimeout)
      var iterator = leased.connection.stream(sql).makeAsyncIterator()
      do {
        let first = try await iterator.next()
        return PooledCursor(first: first, iterator: iterator, release: { await self.release(leased) })
      } catch {
        await release(leased)
        throw error
      }
    }
  }

  /// Takes a connection for a transaction, held (and then reset and released) for
  /// the transaction's whole life.
  public func openSession() async throws -> any DatabaseSession {
    let leased = try await acquire(holder: "transaction", timeout: options.acquireTimeout)
    do {
      let session = try await leased.connection.openSession()
      return PooledSession(session, release: { discard in await self.release(leased, reusable: !discard) })
    } catch {
      await release(leased, reusable: !leased.connection.isClosed)
      throw error
    }
  }
}

/// A connection's session that gives the connection back to the pool when released.
private final class PooledSession: DatabaseSession {
  private let base: any DatabaseSession
  private let giveBack: @Sendable (Bool) async -> Void

  init(_ base: any DatabaseSession, release: @escaping @Sendable (Bool) async -> Void) {
    self.base = base
    self.giveBack = release
  }

  var dialect: SQLDialect { base.dialect }
  func execute(_ sql: SQL, timeout: Duration?) async throws -> Int { try await base.execute(sql, timeout: timeout) }
  func fetchAll(_ sql: SQL, timeout: Duration?) async throws -> [Row] { try await base.fetchAll(sql, timeout: timeout) }
  func fetchOne(_ sql: SQL, timeout: Duration?) async throws -> Row? { try await base.fetchOne(sql, timeout: timeout) }
  func openCursor(_ sql: SQL, timeout: Duration?) async throws -> any RowCursor {
    try await base.openCursor(sql, timeout: timeout)
  }
  func commit() async throws { try await base.commit() }

  func release(discard: Bool) async {
    await base.release(discard: discard)
    await giveBack(discard)
  }
}

/// A pooled connection's stream; the connection goes back when the stream ends.
private final class PooledCursor: RowCursor {
  private var pending: Row?
  private var iterator: RowSequence.AsyncIterator
  private var giveBack: (@Sendable () async -> Void)?

  init(first: Row?, iterator: RowSequence.AsyncIterator, release: @escaping @Sendable () async -> Void) {
    self.pending = first
    self.iterator = iterator
    self.giveBack = release
    if first == nil { Task { [release] in await release() }; giveBack = nil }
  }

  deinit {
    if let giveBack { Task { await giveBack() } }
  }

  func next() async throws -> Row? {
    if let row = pending {
      pending = nil
      return row
    }
    guard giveBack != nil else { return nil }
    do {
      guard let row = try await iterator.next() else {
        await close()
        return nil
      }
      return row
    } catch {
      await close()
      throw error
    }
  }

  func close() async {
    pending = nil
    guard let giveBack else { return }
    self.giveBack = nil
    // Dropping the iterator closes the connection's cursor (and its statement) first.
    iterator = RowSequence { throw CancellationError() }.makeAsyncIterator()
    await giveBack()
  }
}
