import Model
import QueryBuilder
import Synchronization

extension PostgresDatabase {
  /// The pool's identity: statements inside an atomic block on it are routed to the
  /// block's connection.
  public var sessionKey: ObjectIdentifier { ObjectIdentifier(self) }

  // MARK: Database primitives (behind the shared entry points: `execute`, `fetchAll`, ...)

  /// The connections' `commandTimeout`.
  public var defaultStatementTimeout: Duration? { options.connection.commandTimeout }

  /// The connections' logging.
  public var statementLogging: StatementLogging { options.connection.logging }

  /// Runs a statement on a connection taken for it.
  /// - Throws: ``DatabaseError``, ``PoolError``, ``MisuseError``, `CancellationError`.
  public func runExecute(_ request: StatementRequest) async throws -> Int {
    try await withStatementConnection(request.sql, "execute") { try await $0.runExecute(request) }
  }

  /// Runs a query on a connection taken for it.
  public func runFetchAll(_ request: StatementRequest) async throws -> [Row] {
    try await withStatementConnection(request.sql, "fetchAll") { try await $0.runFetchAll(request) }
  }

  /// Runs a query on a connection taken for it; its first row.
  public func runFetchOne(_ request: StatementRequest) async throws -> Row? {
    try await withStatementConnection(request.sql, "fetchOne") { try await $0.runFetchOne(request) }
  }

  /// Runs a batch in one pipeline on a connection taken for it.
  public func runBatch(_ batch: BatchStatement, _ rows: [[SQLValue]], timeout: Duration?) async throws -> Int {
    try await withStatementConnection(batch.sql, "executeMany") { try await $0.runBatch(batch, rows, timeout: timeout) }
  }

  /// A query's rows, read lazily on a connection held from the first row to the end
  /// of the iteration.
  public func runStream(_ request: StatementRequest) async throws -> any RowCursor {
    let leased = try await acquire(holder: "stream", timeout: options.acquireTimeout)
    do {
      return PooledCursor(try await leased.connection.runStream(request), release: { await self.release(leased) })
    } catch {
      await release(leased)
      throw error
    }
  }

  /// Listens on `channel` on a connection of its own, opened with the pool's
  /// connection options outside the pool's count. The connection is closed when the
  /// iteration ends (the loop is left, fails or is cancelled), whether or not the
  /// sequence is still referenced, and when the pool closes (the loop then ends).
  ///
  /// ```swift
  /// for try await note in try await db.listen("orders") { print(note.payload) }
  /// ```
  /// - Throws: the connect error; ``MisuseError`` for an empty channel name;
  ///   ``PoolError`` `.closed` when the pool is closing.
  public func listen(_ channel: String) async throws -> PostgresNotifications {
    if isClosing { throw PoolError(reason: .closed, message: "the pool is closed") }
    let connection = try await PostgresConnection.connect(url, options: connectOptions)
    let listener: NotificationListener
    do {
      listener = try await NotificationListener.start(on: connection, channel: channel, ownsConnection: true)
    } catch {
      await connection.close()
      throw error
    }
    try await adopt(listener)
    return PostgresNotifications(listener: listener)
  }

  /// Sends `payload` to the listeners of `channel` (`pg_notify`); inside an atomic
  /// block it is delivered when the block's transaction commits.
  public func notify(_ channel: String, payload: String = "") async throws {
    try await execute("SELECT pg_notify(\(channel), \(payload))")
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
    if sql.isPlainModelStatement { return false }
    // Only the SQL text written by the programmer or the builder can change the
    // session; binds and quoted identifiers cannot. Scanned once, as bytes in place,
    // case-insensitively: this runs for every pool-level statement.
    var sawKeyword = false
    for segment in sql.segments {
      var text: String
      switch segment {
      case .text(let t): text = t
      case .dialectText(let postgres, _): text = postgres
      case .bind, .identifier, .column, .table: continue
      }
      let risky = text.withUTF8 { bytes -> Bool in
        if !sawKeyword {
          guard let keyword = firstWord(bytes) else { return false }
          sawKeyword = true
          guard plainKeywords.contains(where: { equalsLowercased(keyword, $0) }) else { return true }
          if equalsLowercased(keyword, selectKeyword) || equalsLowercased(keyword, withKeyword),
             contains(bytes, intoNeedle, at: nil) {
            return true  // SELECT ... INTO creates a table (a temporary one, perhaps)
          }
        }
        return containsSessionNeedle(bytes)
      }
      if risky { return true }
    }
    return !sawKeyword
  }

  private static let plainKeywords = ["select", "insert", "update", "delete", "with", "values", "table"].map { Array($0.utf8) }
  private static let selectKeyword = Array("select".utf8)
  private static let withKeyword = Array("with".utf8)
  private static let intoNeedle = Array(" into ".utf8)
  /// Words that call a function or make an object that outlives the statement,
  /// grouped by their first letter so that one pass over the text finds any of them.
  private static let advisoryNeedles = ["pg_advisory", "pg_notify"].map { Array($0.utf8) }
  private static let setConfigNeedle = Array("set_config".utf8)
  private static let tempNeedle = Array("temp".utf8)
  private static let dblinkNeedle = Array("dblink".utf8)
  private static let largeObjectNeedle = Array("lo_open".utf8)

  @inline(__always)
  private static func lowercased(_ byte: UInt8) -> UInt8 {
    byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
  }

  /// The first word of `bytes` (letters only), skipping blanks and parentheses.
  private static func firstWord(_ bytes: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>>? {
    guard let start = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 && $0 != 0x0D && $0 != UInt8(ascii: "(") }) else {
      return nil
    }
    let end = bytes[start...].firstIndex { lowercased($0) < UInt8(ascii: "a") || lowercased($0) > UInt8(ascii: "z") } ?? bytes.endIndex
    return bytes[start..<end]
  }

  /// Whether `word` is `lowercaseWord`, ignoring ASCII case.
  private static func equalsLowercased(_ word: Slice<UnsafeBufferPointer<UInt8>>, _ lowercaseWord: [UInt8]) -> Bool {
    word.count == lowercaseWord.count && zip(word, lowercaseWord).allSatisfy { lowercased($0) == $1 }
  }

  /// Whether any of the session-changing words, or a `;` (a second statement), occurs
  /// in `bytes`, ignoring ASCII case: one pass, comparing a word only where its first
  /// letter is.
  private static func containsSessionNeedle(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    for index in bytes.indices {
      // ASCII letters folded to lowercase; `;` stays itself. Most bytes are none of
      // `;` and the needles' first letters (d, l, p, s, t) and are passed over here.
      let folded = bytes[index] | 0x20
      guard folded == UInt8(ascii: ";")
              || (folded >= UInt8(ascii: "d") && folded <= UInt8(ascii: "t")
                  && (needleFirstLetters >> UInt32(folded - UInt8(ascii: "d"))) & 1 != 0) else { continue }
      let found = switch folded {
      case UInt8(ascii: ";"): true
      case UInt8(ascii: "p"): contains(bytes, advisoryNeedles[0], at: index) || contains(bytes, advisoryNeedles[1], at: index)
      case UInt8(ascii: "s"): contains(bytes, setConfigNeedle, at: index)
      case UInt8(ascii: "t"): contains(bytes, tempNeedle, at: index)
      case UInt8(ascii: "d"): contains(bytes, dblinkNeedle, at: index)
      case UInt8(ascii: "l"): contains(bytes, largeObjectNeedle, at: index)
      default: false
      }
      if found { return true }
    }
    return false
  }

  /// Bit n set: the letter `d` + n starts a needle (d, l, p, s, t).
  private static let needleFirstLetters: UInt32 = 1 << 0 | 1 << 8 | 1 << 12 | 1 << 15 | 1 << 16

  /// Whether `needle` (lowercase) occurs in `bytes` at `position`, or anywhere when
  /// `position` is nil, ignoring ASCII case.
  private static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], at position: Int?) -> Bool {
    guard bytes.count >= needle.count else { return false }
    let starts = position.map { $0...$0 } ?? 0...(bytes.count - needle.count)
    for start in starts where start + needle.count <= bytes.count {
      var offset = 0
      while offset < needle.count, lowercased(bytes[start + offset]) == needle[offset] { offset += 1 }
      if offset == needle.count { return true }
    }
    return false
  }

  /// Takes a connection for a transaction, held (and then reset and released) for
  /// the transaction's whole life.
  public func openSession() async throws -> any DatabaseSession {
    let leased = try await acquire(holder: ConnectionRequest.site ?? "a transaction", timeout: options.acquireTimeout)
    do {
      let session = try await leased.connection.openSession()
      return PooledSession(session, release: { discard in await self.release(leased, reusable: !discard) })
    } catch {
      await release(leased, reusable: !leased.connection.isClosed)
      throw error
    }
  }
}

/// A pooled connection's stream; the connection goes back when the stream ends.
private final class PooledCursor: RowCursor {
  private let cursor: any RowCursor
  private var giveBack: (@Sendable () async -> Void)?

  init(_ cursor: any RowCursor, release: @escaping @Sendable () async -> Void) {
    self.cursor = cursor
    self.giveBack = release
  }

  deinit {
    // Dropped mid-stream: the connection's cursor cleans up as it goes, then the
    // connection goes back.
    guard let giveBack else { return }
    let pending = DroppedPooledCursor(cursor)
    Task {
      await pending.cursor.close()
      await giveBack()
    }
  }

  func next() async throws -> Row? {
    guard giveBack != nil else { return nil }
    do {
      guard let row = try await cursor.next() else {
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
    guard let giveBack else { return }
    self.giveBack = nil
    await cursor.close()
    await giveBack()
  }
}

/// A cursor handed from a dropped owner to the task that closes it: nobody else can
/// reach it any more, so moving it across tasks is safe.
private struct DroppedPooledCursor: @unchecked Sendable {
  let cursor: any RowCursor
  init(_ cursor: any RowCursor) { self.cursor = cursor }
}
