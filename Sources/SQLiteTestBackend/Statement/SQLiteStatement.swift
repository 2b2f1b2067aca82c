import CSQLite
import Model

/// One prepared statement: owns its `sqlite3_stmt*` and finalizes it in `deinit`.
///
/// Used only while the database's lock is held, so it needs no synchronisation of its
/// own; it is not Sendable. The statement cache keeps it between uses together with
/// the ``RowColumns`` of its results, so rows of every run share one column list.
///
/// See https://www.sqlite.org/c3ref/stmt.html.
final class SQLiteStatement {
  /// The prepared statement.
  let handle: OpaquePointer
  /// The SQL text it was prepared from (the cache key).
  let sql: String
  /// The number of `?NNN` parameters (the largest index used).
  let parameterCount: Int

  private var cachedColumns: RowColumns?
  private var cachedColumnsReprepareCount: Int32 = 0

  /// Takes ownership of a prepared statement.
  init(handle: OpaquePointer, sql: String) {
    self.handle = handle
    self.sql = sql
    self.parameterCount = Int(sqlite3_bind_parameter_count(handle))
  }

  deinit {
    sqlite3_finalize(handle)
  }

  /// Runs the statement to its next row: `SQLITE_ROW`, `SQLITE_DONE` or an error code.
  @inline(__always)
  func step() -> Int32 {
    sqlite3_step(handle)
  }

  /// Makes the statement ready for its next run: rewinds it and drops the bound values
  /// (so no value outlives the call that bound it).
  @inline(__always)
  func reset() {
    sqlite3_reset(handle)
    sqlite3_clear_bindings(handle)
  }

  /// The SQL with the currently bound values spelled in, for tests and debugging
  /// (never logged: it holds the values).
  ///
  /// See https://www.sqlite.org/c3ref/expanded_sql.html.
  var expandedSQL: String? {
    guard let text = sqlite3_expanded_sql(handle) else { return nil }
    defer { sqlite3_free(text) }
    return String(cString: text)
  }

  /// The result's columns; call after the first `step()`.
  ///
  /// Built once and reused. SQLite re-prepares a statement by itself when the schema
  /// changes (which can change `SELECT *`'s columns), so the list is rebuilt when the
  /// statement's re-prepare counter has moved since it was built.
  @inline(__always)
  func columns() -> RowColumns {
    let reprepareCount = sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_REPREPARE, 0)
    if let cachedColumns, reprepareCount == cachedColumnsReprepareCount { return cachedColumns }
    let columns = makeColumns()
    cachedColumns = columns
    cachedColumnsReprepareCount = reprepareCount
    return columns
  }

  private func makeColumns() -> RowColumns {
    let count = sqlite3_column_count(handle)
    var names: [String] = []
    var typeNames: [String] = []
    names.reserveCapacity(Int(count))
    typeNames.reserveCapacity(Int(count))
    for index in 0..<count {
      names.append(sqlite3_column_name(handle, index).map { String(cString: $0) } ?? "")
      typeNames.append(sqlite3_column_decltype(handle, index).map { String(cString: $0) } ?? "")
    }
    return RowColumns(names: names, typeNames: typeNames)
  }
}
