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
    return try await withStatementConnection(sql, "execute") { try await $0.execute(sql) }
  }

  /// Runs a query on a connection taken for it.
  public func fetchAll(_ sql: SQL) async throws -> [Row] {
    if let route = TransactionRoute.current(for: self) {
      return try await route.fetchAll(sql, timeout: options.connection.commandTimeout)
    }
    return try await withStatementConnection(sql, "fetchAll") { try await $0.fetchAll(sql) }
  }

  /// Runs a query on a connection taken for it; its first row.
  public func fetchOne(_ sql: SQL) async throws -> Row? {
    if let route = TransactionRoute.current(for: self) {
      return try await route.fetchOne(sql, timeout: options.connection.commandTimeout)
    }
    return try await withStatementConnection(sql, "fetchOne") { try await $0.fetchOne(sql) }
  }

  /// Runs `sql` (`$1` … `$n` placeholders) once per row in one pipeline on a
  /// connection taken for it (inside an atomic block: on the block's connection).
  /// - Throws: as ``PostgresConnection/executeMany(_:_:)``, and ``PoolError``.
  @discardableResult
  public func executeMany(_ sql: SQL, _ rows: [[SQLValue]]) async throws -> Int {
    let batch = try BatchStatement(sql)
    try batch.check(rows)
    if let route = TransactionRoute.current(for: self) {
      return try await route.executeMany(batch, rows, timeout: options.connection.commandTimeout)
    }
    return try await withStatementConnection(sql, "executeMany") { try await $0.executeMany(sql, rows) }
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

  /// Runs one pool-level statement on a connection of its own. The connection is reset
  /// on release only when the statement could have left session state behind.
  private func withStatementConnection<T>(_ sql: SQL, _ site: String,
                                          _ body: (PostgresConnection) async throws -> T) async throws -> T {
    let leased = try await acquire(holder: site, timeout: options.acquireTimeout)
    let needsReset = options.reset != nil || Self.mayLeaveSessionState(sql)
    do {
      let value = try await body(leased.connection)
      await release(leased, skippingReset: !needsReset && !leased.connection.hasOpenTransaction)
      return value
    } catch {
      await release(leased, skippingReset: !needsReset && !leased.connection.hasOpenTransaction)
      throw error
    }
  }

  /// Whether a statement might change the session for whoever uses the connection
  /// next (a setting, LISTEN, an advisory lock, a temporary table, a cursor, a
  /// prepared statement, a transaction). Conservative: only plain SELECT / INSERT /
  /// UPDATE / DELETE / WITH statements that call none of the functions that change the
  /// session are let through without a reset.
  static func mayLeaveSessionState(_ sql: SQL) -> Bool {
    // Only the SQL text written by the programmer or the builder can change the
    // session; binds and quoted identifiers cannot. Scanned as ASCII bytes, without
    // rendering or allocating: this runs for every pool-level statement.
    var sawKeyword = false
    for segment in sql.segments {
      let text: String
      switch segment {
      case .text(let t): text = t
      case .dialectText(let postgres, _): text = postgres
      case .bind, .identifier, .column, .table: continue
      }
      var bytes = Array(text.utf8)
      for index in bytes.indices where bytes[index] >= UInt8(ascii: "A") && bytes[index] <= UInt8(ascii: "Z") {
        bytes[index] |= 0x20
      }
      if !sawKeyword {
        guard let keyword = firstWord(bytes) else { continue }
        sawKeyword = true
        guard plainKeywords.contains(where: { $0.elementsEqual(keyword) }) else { return true }
        if keyword.elementsEqual("select".utf8) || keyword.elementsEqual("with".utf8), contains(bytes, intoNeedle) {
          return true  // SELECT ... INTO creates a table (a temporary one, perhaps)
        }
      }
      if sessionNeedles.contains(where: { contains(bytes, $0) }) { return true }
    }
    return !sawKeyword
  }

  private static let plainKeywords = ["select", "insert", "update", "delete", "with", "values", "table"].map { Array($0.utf8) }
  private static let intoNeedle = Array(" into ".utf8)
  private static let sessionNeedles = ["pg_advisory", "set_config", "temp", "dblink", "lo_open", "pg_notify", ";"]
    .map { Array($0.utf8) }

  /// The first word of `bytes` (letters only), skipping blanks and parentheses.
  private static func firstWord(_ bytes: [UInt8]) -> ArraySlice<UInt8>? {
    guard let start = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 && $0 != 0x0D && $0 != UInt8(ascii: "(") }) else {
      return nil
    }
    let end = bytes[start...].firstIndex { !($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) } ?? bytes.endIndex
    return bytes[start..<end]
  }

  private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, bytes.count >= needle.count else { return false }
    for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
      if bytes[start..<(start + needle.count)].elementsEqual(needle) { return true }
    }
    return false
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
