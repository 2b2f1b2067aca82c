import CSQLite
import Model
import QueryBuilder

/// Turns SQLite result codes and messages into Wren's errors: the same
/// ``DatabaseError/Code`` that PostgreSQL's SQLSTATE would give where the meaning is
/// the same, with the table, column or constraint parsed from SQLite's message.
///
/// See https://www.sqlite.org/rescode.html.
enum SQLiteErrorMapping {
  /// The error for a failed sqlite3 call on `db`: `CancellationError` when the
  /// statement was interrupted because its task was cancelled, else a
  /// ``DatabaseError`` carrying `sqlite3_errmsg`.
  static func error(resultCode: Int32, db: OpaquePointer?, sql: String?, binds: [SQLValue],
                    isConnectionFatal: Bool? = nil) -> any Error {
    if SQLiteResultCode.primary(resultCode) == SQLITE_INTERRUPT, Task.isCancelled {
      return CancellationError()
    }
    let message: String
    if let db, let text = sqlite3_errmsg(db) {
      message = String(cString: text)
    } else {
      message = String(cString: sqlite3_errstr(resultCode))
    }
    return databaseError(extendedCode: resultCode, message: message, sql: sql, binds: binds,
                         isConnectionFatal: isConnectionFatal)
  }

  /// A ``DatabaseError`` for an extended result code and its message.
  static func databaseError(extendedCode: Int32, message: String, sql: String?, binds: [SQLValue],
                            isConnectionFatal: Bool? = nil) -> DatabaseError {
    let code = code(extendedCode: extendedCode, message: message)
    var error = DatabaseError(code: code, message: message, sql: sql, binds: binds,
                              nativeCode: extendedCode, isConnectionFatal: isConnectionFatal)
    let details = details(code: code, message: message)
    error.schema = details.schema
    error.table = details.table
    error.column = details.column
    error.constraint = details.constraint
    return error
  }

  /// The Wren code for an extended result code (and, for the generic SQLITE_ERROR,
  /// its message).
  static func code(extendedCode: Int32, message: String) -> DatabaseError.Code {
    switch extendedCode {
    case SQLiteResultCode.constraintUnique, SQLiteResultCode.constraintPrimaryKey: return .uniqueViolation
    case SQLiteResultCode.constraintForeignKey: return .foreignKeyViolation
    case SQLiteResultCode.constraintNotNull: return .notNullViolation
    case SQLiteResultCode.constraintCheck: return .checkViolation
    case SQLiteResultCode.constraintDatatype: return .datatypeMismatch  // STRICT tables
    default: break
    }
    switch SQLiteResultCode.primary(extendedCode) {
    // ON DELETE RESTRICT is enforced by a trigger: SQLITE_CONSTRAINT_TRIGGER, with
    // the foreign-key message.
    case SQLITE_CONSTRAINT where message.hasPrefix("FOREIGN KEY constraint failed"): return .foreignKeyViolation
    case SQLITE_CONSTRAINT: return .integrityConstraintViolation
    case SQLITE_BUSY, SQLITE_LOCKED: return .databaseBusy
    case SQLITE_READONLY: return .readOnlyTransaction
    case SQLITE_INTERRUPT: return .queryCanceled
    case SQLITE_CORRUPT, SQLITE_NOTADB: return .dataCorrupted
    case SQLITE_CANTOPEN: return .connectionFailure
    case SQLITE_FULL, SQLITE_NOMEM: return .insufficientResources
    case SQLITE_TOOBIG: return .stringDataRightTruncation
    case SQLITE_MISMATCH: return .datatypeMismatch
    case SQLITE_PERM, SQLITE_AUTH: return .insufficientPrivilege
    case SQLITE_INTERNAL, SQLITE_MISUSE, SQLITE_RANGE: return .internalError
    case SQLITE_ERROR: return codeForGenericError(message)
    default: return .other
    }
  }

  /// SQLITE_ERROR covers every compile-time problem; only the message tells them apart.
  private static func codeForGenericError(_ message: String) -> DatabaseError.Code {
    if message.hasPrefix("no such table") { return .undefinedTable }
    if message.hasPrefix("no such column") || message.contains(" has no column named ") { return .undefinedColumn }
    if message.hasPrefix("no such function") || message.hasPrefix("wrong number of arguments to function") {
      return .undefinedFunction
    }
    if message.contains("syntax error") || message.hasPrefix("incomplete input")
      || message.hasPrefix("unrecognized token") {
      return .syntaxError
    }
    if message.hasSuffix(" already exists") { return .duplicateObject }
    if message == "integer overflow" { return .numericValueOutOfRange }
    return .other
  }

  /// What SQLite's message names.
  struct Details: Equatable {
    var schema: String?
    var table: String?
    var column: String?
    var constraint: String?
  }

  /// Parses the object names out of a message, e.g. `UNIQUE constraint failed:
  /// users.email` (table `users`, column `email`), `UNIQUE constraint failed: t.a, t.b`
  /// (table `t`, column `a, b`), `CHECK constraint failed: positive_age` (constraint).
  static func details(code: DatabaseError.Code, message: String) -> Details {
    var details = Details()
    if let rest = message.suffix(after: "UNIQUE constraint failed: ")
      ?? message.suffix(after: "NOT NULL constraint failed: ") {
      if let index = rest.suffix(after: "index '"), index.hasSuffix("'") {
        details.constraint = String(index.dropLast())
      } else {
        let columns = rest.split(separator: ", ").map(splitQualified)
        details.table = columns.first?.qualifier
        details.column = columns.map(\.name).joined(separator: ", ")
      }
    } else if let rest = message.suffix(after: "CHECK constraint failed: ") {
      details.constraint = rest
    } else if code == .datatypeMismatch, let marker = message.ranges(of: " column ").last {
      // STRICT tables: "cannot store TEXT value in INTEGER column t.x"
      let qualified = splitQualified(message[marker.upperBound...])
      details.table = qualified.qualifier
      details.column = qualified.name
    } else if let rest = message.suffix(after: "no such table: ") {
      let qualified = splitQualified(Substring(rest))
      details.schema = qualified.qualifier
      details.table = qualified.name
    } else if let rest = message.suffix(after: "no such column: ") {
      let qualified = splitQualified(Substring(rest))
      details.table = qualified.qualifier
      details.column = qualified.name
    } else if let rest = message.suffix(after: "table "), let split = rest.firstRange(of: " has no column named ") {
      details.table = String(rest[..<split.lowerBound])
      details.column = String(rest[split.upperBound...])
    }
    return details
  }

  /// `t.c` as (`t`, `c`); a name without a dot has no qualifier.
  private static func splitQualified(_ text: Substring) -> (qualifier: String?, name: String) {
    guard let dot = text.firstIndex(of: ".") else { return (nil, String(text)) }
    return (String(text[..<dot]), String(text[text.index(after: dot)...]))
  }
}

extension String {
  /// The text after `prefix` when the string starts with it.
  fileprivate func suffix(after prefix: String) -> String? {
    hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
  }
}
