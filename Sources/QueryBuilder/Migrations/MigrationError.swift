/// A migration failed: its changes were rolled back, it was not recorded, and the
/// migrations after it were not run.
///
/// ```swift
/// do { try await migrator.migrate(db) }
/// catch let error as MigrationError {
///   print(error.migrationID, error.underlying)   // "2026-02-add-orders", the DatabaseError
/// }
/// ```
public struct MigrationError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
  /// The id the failed migration was registered with.
  public var migrationID: String
  /// What went wrong: the error the migration threw (a ``DatabaseError``, say), or
  /// the error of the COMMIT that ended it.
  public var underlying: any Error
  /// The error of the ROLLBACK that followed, when that failed too: the transaction's
  /// outcome is then unknown to Wren (a lost connection rolls it back on the server).
  public var rollbackError: (any Error)?

  /// Makes an error for the migration `migrationID`.
  public init(migrationID: String, underlying: any Error, rollbackError: (any Error)? = nil) {
    self.migrationID = migrationID
    self.underlying = underlying
    self.rollbackError = rollbackError
  }

  /// `migration "<id>" failed: <underlying>`, and the rollback's error if any.
  public var description: String {
    var text = "migration \"\(migrationID)\" failed: \(underlying)"
    if let rollbackError { text += "\n  and its ROLLBACK failed too: \(rollbackError)" }
    return text
  }

  /// The description with the underlying errors' debug descriptions (which may hold
  /// bound values).
  public var debugDescription: String {
    var text = "migration \"\(migrationID)\" failed: \(String(reflecting: underlying))"
    if let rollbackError { text += "\n  and its ROLLBACK failed too: \(String(reflecting: rollbackError))" }
    return text
  }
}
