import CSQLite
import Model
import QueryBuilder

/// What a piece of SQL text prepared into.
enum SQLitePrepared {
  /// Exactly one statement (perhaps followed by blanks, semicolons and comments).
  case single(SQLiteStatement)
  /// The first of several statements; the rest start at byte `restOffset`.
  case firstOfMany(SQLiteStatement, restOffset: Int)
  /// Nothing but blanks, semicolons and comments.
  case empty
}

extension SQLiteConnectionHandle {
  /// The statement(s) for `sql`: from the cache when it was prepared before.
  ///
  /// Only single statements are cached; the rest of a multi-statement script is
  /// prepared by the caller one statement at a time, after the previous one ran (a
  /// later statement may use a table an earlier one creates).
  ///
  /// See https://www.sqlite.org/c3ref/prepare.html.
  /// - Throws: the mapped ``DatabaseError`` when the first statement does not compile.
  @inline(__always)
  func prepare(_ rendered: RenderedSQL) throws -> SQLitePrepared {
    if let statement = cache.statement(for: rendered.text) { return .single(statement) }
    return try prepareUncached(rendered)
  }

  private func prepareUncached(_ rendered: RenderedSQL) throws -> SQLitePrepared {
    let sql = rendered.text
    let length = sql.utf8.count
    guard length < Int32.max else { throw MisuseError("SQL text of \(length) bytes is too long for SQLite") }
    return try sql.withCString { base in
      let persistent = cache.capacity > 0
      guard let (first, next) = try prepareNext(base, from: 0, length: length, persistent: persistent, rendered) else {
        return .empty
      }
      let statement = SQLiteStatement(handle: first, sql: sql)
      if hasStatement(base, from: next, length: length) {
        return .firstOfMany(statement, restOffset: next)
      }
      cache.insert(statement)
      return .single(statement)
    }
  }

  /// Prepares the first statement in `base[offset..<length]`, skipping empty ones;
  /// returns it and the offset just after it, or nil when only blanks are left.
  /// `base` must be NUL-terminated at `length`.
  /// - Throws: the mapped ``DatabaseError`` when the statement does not compile.
  func prepareNext(_ base: UnsafePointer<CChar>, from offset: Int, length: Int, persistent: Bool,
                   _ rendered: RenderedSQL) throws -> (OpaquePointer, Int)? {
    var offset = offset
    while !Self.isBlank(base, from: offset, length: length) {
      var statement: OpaquePointer?
      var tail: UnsafePointer<CChar>?
      // The byte count includes the terminating NUL: SQLite then need not copy the text.
      let resultCode = sqlite3_prepare_v3(db, base + offset, Int32(length - offset + 1),
                                          persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0, &statement, &tail)
      guard resultCode == SQLITE_OK else {
        sqlite3_finalize(statement)
        throw error(resultCode, rendered)
      }
      let next = tail.map { $0 - base } ?? length
      if let statement { return (statement, next) }
      guard next > offset else { break }  // no progress: only a comment was left
      offset = next
    }
    return nil
  }

  /// Whether another statement follows at `offset`: anything but blanks, semicolons
  /// and comments. Decided by scanning, never by preparing the rest: SQLite runs some
  /// pragmas while preparing them (https://www.sqlite.org/pragma.html), so preparing
  /// ahead could act before the earlier statements ran.
  private func hasStatement(_ base: UnsafePointer<CChar>, from offset: Int, length: Int) -> Bool {
    !Self.isBlank(base, from: offset, length: length)
  }

  /// Whether `base[offset..<length]` holds only whitespace, semicolons and comments
  /// (`-- ...` to the end of the line, `/* ... */`, which SQLite lets run unterminated
  /// to the end of the input).
  static func isBlank(_ base: UnsafePointer<CChar>, from offset: Int, length: Int) -> Bool {
    var index = offset
    while index < length {
      switch UInt8(bitPattern: base[index]) {
      case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: ";"),
           0x0B, 0x0C:
        index += 1
      case UInt8(ascii: "-") where index + 1 < length && base[index + 1] == CChar(UInt8(ascii: "-")):
        index += 2
        while index < length && base[index] != CChar(UInt8(ascii: "\n")) { index += 1 }
      case UInt8(ascii: "/") where index + 1 < length && base[index + 1] == CChar(UInt8(ascii: "*")):
        index += 2
        while index < length
          && !(base[index] == CChar(UInt8(ascii: "*")) && index + 1 < length && base[index + 1] == CChar(UInt8(ascii: "/"))) {
          index += 1
        }
        index += 2
      default:
        return false
      }
    }
    return true
  }
}
