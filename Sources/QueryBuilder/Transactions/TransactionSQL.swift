import Model

/// The transaction-control statements, spelled once for both dialects.
enum TransactionSQL {
  /// BEGIN with `options`: PostgreSQL writes them into BEGIN; SQLite begins IMMEDIATE
  /// for a block that may write (taking the write lock up front, so a busy database
  /// fails at BEGIN, where a retry is safe) and DEFERRED for a read-only one.
  static func begin(_ options: TransactionOptions, _ dialect: SQLDialect) -> [SQL] {
    switch dialect {
    case .postgres:
      var text = "BEGIN"
      var modes: [String] = []
      if let isolation = options.isolation { modes.append("ISOLATION LEVEL " + isolation.rawValue) }
      if let readOnly = options.readOnly { modes.append(readOnly ? "READ ONLY" : "READ WRITE") }
      if let deferrable = options.deferrable { modes.append(deferrable ? "DEFERRABLE" : "NOT DEFERRABLE") }
      if !modes.isEmpty { text += " " + modes.joined(separator: ", ") }
      return [SQL(unsafeRaw: text)]
    case .sqlite:
      // Read-only is enforced by query_only for the transaction's duration.
      return options.readOnly == true
        ? ["BEGIN DEFERRED", "PRAGMA query_only = ON"]
        : ["BEGIN IMMEDIATE"]
    }
  }

  /// What undoes ``begin(_:_:)``'s connection settings once the transaction is over
  /// (run after COMMIT or ROLLBACK).
  static func afterEnd(_ options: TransactionOptions, _ dialect: SQLDialect) -> [SQL] {
    dialect == .sqlite && options.readOnly == true ? ["PRAGMA query_only = OFF"] : []
  }

  static func savepoint(_ name: String) -> SQL { "SAVEPOINT \(identifier: name)" }
  static func release(_ name: String) -> SQL { "RELEASE SAVEPOINT \(identifier: name)" }
  static func rollback(to name: String) -> SQL { "ROLLBACK TO SAVEPOINT \(identifier: name)" }
  static let rollback: SQL = "ROLLBACK"

  /// `SET LOCAL statement_timeout` to what is left of a block's budget (PostgreSQL);
  /// nothing on SQLite, where the client enforces the deadline alone.
  static func statementTimeout(_ remaining: Duration, _ dialect: SQLDialect) -> SQL? {
    guard dialect == .postgres else { return nil }
    let milliseconds = max(1, remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
    return SQL(unsafeRaw: "SET LOCAL statement_timeout = \(milliseconds)")
  }
}
