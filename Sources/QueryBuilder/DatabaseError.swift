import Model

/// An error reported by a database (or by Wren on its behalf, with the same meaning).
///
/// ```swift
/// do { try await db.execute("INSERT INTO users(email) VALUES (\(email))") }
/// catch let error as DatabaseError where error.code == .uniqueViolation {
///   print(error.constraint ?? "?")
/// }
/// ```
///
/// `description` names the code, message and SQL but never bound values; the binds
/// are in `debugDescription` only. See PostgreSQL's "Error Codes" appendix
/// (https://www.postgresql.org/docs/current/errcodes-appendix.html) and SQLite's
/// result codes (https://www.sqlite.org/rescode.html).
public struct DatabaseError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
  /// What kind of error this is, the same on both backends where the meaning is the same.
  public var code: Code
  /// The five-character SQLSTATE (PostgreSQL; the matching one for SQLite errors).
  public var sqlState: String?
  /// The primary message.
  public var message: String
  /// Optional detail from the server.
  public var detail: String?
  /// Optional hint from the server.
  public var hint: String?
  /// The constraint involved, where the server names one.
  public var constraint: String?
  /// The schema involved, where the server names one.
  public var schema: String?
  /// The table involved, where the server names one.
  public var table: String?
  /// The column involved, where the server names one.
  public var column: String?
  /// The SQL that failed, with placeholders (no values).
  public var sql: String?
  /// The values bound to the SQL; shown by `debugDescription` only.
  public var binds: [SQLValue]
  /// The backend's own numeric code (SQLite's extended result code), if any.
  public var nativeCode: Int32?
  /// The model whose write failed (`User`), when the error came from a model operation.
  public var modelName: String?
  /// The model's properties behind the violated constraint (`["email"]`), worked out
  /// from the constraint, table and column names and the model's schema.
  public var modelFields: [String] = []
  /// The row (from 0) of an `executeMany` batch that failed; nil for other statements.
  public var batchRow: Int?

  /// Makes an error; backends call this after mapping their native codes.
  public init(code: Code, sqlState: String? = nil, message: String, detail: String? = nil,
              hint: String? = nil, constraint: String? = nil, schema: String? = nil,
              table: String? = nil, column: String? = nil, sql: String? = nil,
              binds: [SQLValue] = [], nativeCode: Int32? = nil, isConnectionFatal: Bool? = nil) {
    self.code = code
    self.isConnectionFatal = isConnectionFatal
      ?? (code == .connectionFailure || code == .adminShutdown || code == .tooManyConnections)
    self.sqlState = sqlState ?? code.defaultSQLState
    self.message = message
    self.detail = detail
    self.hint = hint
    self.constraint = constraint
    self.schema = schema
    self.table = table
    self.column = column
    self.sql = sql
    self.binds = binds
    self.nativeCode = nativeCode
  }

  /// Whether running the whole transaction again may succeed: serialization
  /// failures, deadlocks, SQLite's busy / locked, and a cached statement whose plan
  /// went stale inside a transaction (``Code/invalidCachedStatement``).
  public var isRetryable: Bool {
    code == .serializationFailure || code == .deadlockDetected || code == .databaseBusy
      || code == .invalidCachedStatement
  }

  /// Whether the connection is unusable after this error (it was lost, killed or
  /// never established): pools discard such connections. Backends set it for errors
  /// raised while connecting; otherwise it follows from the code.
  public var isConnectionFatal: Bool

  /// How much of the SQL ``description`` shows: a generated statement (a large
  /// `insertAll` chunk, say) can be megabytes long.
  public static let descriptionSQLLimit = 2_000

  /// `code (SQLSTATE): message`, detail, and the SQL (cut after
  /// ``descriptionSQLLimit`` characters; ``sql`` keeps all of it). No bound values.
  public var description: String {
    var text = "\(code)"
    if let sqlState { text += " (\(sqlState))" }
    if let modelName { text += " on \(modelName)" + (modelFields.isEmpty ? "" : "." + modelFields.joined(separator: "+")) }
    text += ": " + message
    if let batchRow { text += " (row \(batchRow) of the batch)" }
    if let detail { text += "\n  detail: " + detail }
    if let hint { text += "\n  hint: " + hint }
    if let sql {
      if sql.count > Self.descriptionSQLLimit {
        text += "\n  sql: " + sql.prefix(Self.descriptionSQLLimit) + "… (\(sql.count - Self.descriptionSQLLimit) more characters)"
      } else {
        text += "\n  sql: " + sql
      }
    }
    return text
  }

  /// The description plus every field and the bound values.
  public var debugDescription: String {
    var text = description
    for (name, value) in [("constraint", constraint), ("schema", schema), ("table", table), ("column", column)] {
      if let value { text += "\n  \(name): \(value)" }
    }
    if !binds.isEmpty { text += "\n  binds: \(binds)" }
    return text
  }
}
