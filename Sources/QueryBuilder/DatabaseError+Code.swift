extension DatabaseError {
  /// A pattern-matchable error kind. New kinds can be added without breaking
  /// `switch`es, since matching is by value (`case .uniqueViolation:`).
  public struct Code: Sendable, Hashable, CustomStringConvertible {
    private let name: String
    /// The SQLSTATE used when a backend has none of its own for this kind.
    public let defaultSQLState: String?

    private init(_ name: String, _ sqlState: String?) {
      self.name = name
      self.defaultSQLState = sqlState
    }

    /// The kind's name, e.g. `uniqueViolation`.
    public var description: String { name }

    /// A UNIQUE or PRIMARY KEY constraint was violated (23505).
    public static let uniqueViolation = Code("uniqueViolation", "23505")
    /// A FOREIGN KEY constraint was violated (23503).
    public static let foreignKeyViolation = Code("foreignKeyViolation", "23503")
    /// A NOT NULL constraint was violated (23502).
    public static let notNullViolation = Code("notNullViolation", "23502")
    /// A CHECK constraint was violated (23514).
    public static let checkViolation = Code("checkViolation", "23514")
    /// Another integrity constraint was violated (class 23).
    public static let integrityConstraintViolation = Code("integrityConstraintViolation", "23000")
    /// The SQL does not parse (42601).
    public static let syntaxError = Code("syntaxError", "42601")
    /// A table (or view, relation) does not exist (42P01).
    public static let undefinedTable = Code("undefinedTable", "42P01")
    /// A column does not exist (42703).
    public static let undefinedColumn = Code("undefinedColumn", "42703")
    /// A function or operator does not exist for the argument types (42883).
    public static let undefinedFunction = Code("undefinedFunction", "42883")
    /// A value has the wrong type for where it is used (42804).
    public static let datatypeMismatch = Code("datatypeMismatch", "42804")
    /// An object already exists (42P07 and friends).
    public static let duplicateObject = Code("duplicateObject", "42P07")
    /// Insufficient privilege (42501).
    public static let insufficientPrivilege = Code("insufficientPrivilege", "42501")
    /// Another syntax or access rule was broken (class 42).
    public static let syntaxErrorOrAccessRuleViolation = Code("syntaxErrorOrAccessRuleViolation", "42000")
    /// Text does not parse as the target type (22P02).
    public static let invalidTextRepresentation = Code("invalidTextRepresentation", "22P02")
    /// A number does not fit its type (22003).
    public static let numericValueOutOfRange = Code("numericValueOutOfRange", "22003")
    /// Text holds a character the encoding cannot store, such as NUL (22021).
    public static let characterNotInRepertoire = Code("characterNotInRepertoire", "22021")
    /// Division by zero (22012).
    public static let divisionByZero = Code("divisionByZero", "22012")
    /// Text is too long for its column (22001).
    public static let stringDataRightTruncation = Code("stringDataRightTruncation", "22001")
    /// Another data exception (class 22).
    public static let dataException = Code("dataException", "22000")
    /// The transaction could not be serialized; retry it (40001).
    public static let serializationFailure = Code("serializationFailure", "40001")
    /// A deadlock was detected; retry the transaction (40P01).
    public static let deadlockDetected = Code("deadlockDetected", "40P01")
    /// The database is locked by another connection (SQLite BUSY / LOCKED); retryable.
    public static let databaseBusy = Code("databaseBusy", nil)
    /// A prepared statement's cached plan no longer fits the schema: a table it reads
    /// was altered since it was prepared (PostgreSQL's 0A000 "cached plan must not
    /// change result type"). The statement is dropped from the cache, so the next
    /// attempt prepares it anew: retryable (asyncpg's `InvalidCachedStatementError`).
    public static let invalidCachedStatement = Code("invalidCachedStatement", "0A000")
    /// A lock could not be taken at once (NOWAIT, lock_timeout) (55P03).
    public static let lockNotAvailable = Code("lockNotAvailable", "55P03")
    /// A statement was canceled: by the task, a timeout, or the server (57014).
    public static let queryCanceled = Code("queryCanceled", "57014")
    /// The server terminated the session (57P01, e.g. `pg_terminate_backend`).
    public static let adminShutdown = Code("adminShutdown", "57P01")
    /// A write was attempted in a read-only transaction or database (25006).
    public static let readOnlyTransaction = Code("readOnlyTransaction", "25006")
    /// The current transaction is aborted; commands are ignored until its end (25P02).
    public static let inFailedTransaction = Code("inFailedTransaction", "25P02")
    /// Another invalid transaction state (class 25).
    public static let invalidTransactionState = Code("invalidTransactionState", "25000")
    /// The server has no connection slot left (53300).
    public static let tooManyConnections = Code("tooManyConnections", "53300")
    /// Out of memory, disk or other resources (class 53).
    public static let insufficientResources = Code("insufficientResources", "53000")
    /// Authentication failed or the role may not log in (28000 / 28P01).
    public static let invalidAuthorization = Code("invalidAuthorization", "28000")
    /// The database does not exist (3D000).
    public static let invalidCatalogName = Code("invalidCatalogName", "3D000")
    /// The connection could not be made, was lost, or is closed (class 08).
    public static let connectionFailure = Code("connectionFailure", "08006")
    /// A database file is corrupt or not a database (SQLite CORRUPT / NOTADB).
    public static let dataCorrupted = Code("dataCorrupted", "XX001")
    /// An internal error of the database (class XX).
    public static let internalError = Code("internalError", "XX000")
    /// Anything else; look at `sqlState` / `nativeCode`.
    public static let other = Code("other", nil)

    /// The code for a PostgreSQL SQLSTATE: exact matches first, then by class.
    public static func fromSQLState(_ state: String) -> Code {
      if let exact = bySQLState[state] { return exact }
      switch state.prefix(2) {
      case "08": return .connectionFailure
      case "22": return .dataException
      case "23": return .integrityConstraintViolation
      case "25": return .invalidTransactionState
      case "28": return .invalidAuthorization
      case "42": return .syntaxErrorOrAccessRuleViolation
      case "53": return .insufficientResources
      case "XX": return .internalError
      default: return .other
      }
    }

    private static let bySQLState: [String: Code] = [
      "23505": .uniqueViolation, "23503": .foreignKeyViolation, "23502": .notNullViolation,
      "23514": .checkViolation, "42601": .syntaxError, "42P01": .undefinedTable,
      "42703": .undefinedColumn, "42883": .undefinedFunction, "42804": .datatypeMismatch,
      "42P07": .duplicateObject, "42710": .duplicateObject, "42P06": .duplicateObject,
      "42501": .insufficientPrivilege,
      "22P02": .invalidTextRepresentation, "22003": .numericValueOutOfRange,
      "22021": .characterNotInRepertoire, "22012": .divisionByZero, "22001": .stringDataRightTruncation,
      "40001": .serializationFailure, "40P01": .deadlockDetected, "55P03": .lockNotAvailable,
      "57014": .queryCanceled, "57P01": .adminShutdown, "57P02": .adminShutdown, "57P03": .connectionFailure,
      "25006": .readOnlyTransaction, "25P02": .inFailedTransaction,
      "53300": .tooManyConnections, "28000": .invalidAuthorization, "28P01": .invalidAuthorization,
      "3D000": .invalidCatalogName, "XX001": .dataCorrupted,
    ]
  }
}
