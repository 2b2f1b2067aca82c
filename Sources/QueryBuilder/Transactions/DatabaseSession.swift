import Model

/// One connection held by one transaction: what a backend hands the atomic-block
/// machinery (``Database/openSession()``), which writes BEGIN, SAVEPOINT, COMMIT and
/// the rest through it. Statements on a session run on its connection without
/// waiting for anyone: the machinery serialises them.
public protocol DatabaseSession: AnyObject, Sendable {
  /// The dialect of the connection.
  var dialect: SQLDialect { get }

  /// Runs a statement on the held connection; `timeout` bounds it (nil: none).
  /// - Throws: ``DatabaseError``, ``MisuseError``, `CancellationError`.
  func execute(_ sql: SQL, timeout: Duration?) async throws -> Int

  /// Runs a query on the held connection and returns its rows.
  func fetchAll(_ sql: SQL, timeout: Duration?) async throws -> [Row]

  /// Runs a query on the held connection and returns its first row.
  func fetchOne(_ sql: SQL, timeout: Duration?) async throws -> Row?

  /// Opens a cursor over the query's rows on the held connection; the connection
  /// runs nothing else until the cursor is closed.
  func openCursor(_ sql: SQL, timeout: Duration?) async throws -> any RowCursor

  /// Sends COMMIT. If the connection is lost on the way, a backend that can find out
  /// whether the commit landed throws ``CommitOutcomeUnknown`` saying so.
  func commit() async throws

  /// Gives the connection back. `discard` closes it instead (its state is unknown:
  /// a failed ROLLBACK, a lost connection). Never fails, never interrupted by cancellation.
  func release(discard: Bool) async
}

extension DatabaseSession {
  /// COMMIT, as text.
  public func commit() async throws {
    _ = try await execute("COMMIT", timeout: nil)
  }
}

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
