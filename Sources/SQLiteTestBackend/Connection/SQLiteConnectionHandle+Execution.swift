import CSQLite
import Model
import QueryBuilder

/// Running statements; the caller holds the database's lock and has validated the SQL.
extension SQLiteConnectionHandle {
  /// Runs every statement of `rendered` and returns the rows they changed.
  ///
  /// Several statements are allowed when there are no binds (a schema script). The
  /// count is `sqlite3_changes64` for INSERT / UPDATE / DELETE and 0 for the rest.
  /// - Throws: ``DatabaseError``, ``MisuseError``, `CancellationError`.
  func execute(_ rendered: RenderedSQL) throws -> Int {
    try checkOpen()
    switch try prepare(rendered) {
    case .single(let statement):
      try statement.bind(rendered.binds, sql: rendered.text)
      return try run(statement, rendered)
    case .firstOfMany(let statement, let restOffset):
      return try runScript(first: statement, restOffset: restOffset, rendered)
    case .empty:
      try checkNoBinds(rendered)
      return 0
    }
  }

  /// Runs one statement and returns all of its rows, sharing one storage.
  /// - Throws: ``DatabaseError``, ``MisuseError``, `CancellationError`.
  func fetchAll(_ rendered: RenderedSQL) throws -> [Row] {
    guard let statement = try prepareSingle(rendered, for: "fetchAll") else { return [] }
    try statement.bind(rendered.binds, sql: rendered.text)
    defer { statement.reset() }
    var resultCode = statement.step()
    guard resultCode == SQLITE_ROW else {
      if resultCode == SQLITE_DONE { return [] }
      throw error(resultCode, rendered)
    }
    let columns = statement.columns()
    let width = Int32(columns.count)
    var values: [SQLValue] = []
    values.reserveCapacity(columns.count * 16)
    repeat {
      statement.appendRow(to: &values, width: width)
      resultCode = statement.step()
    } while resultCode == SQLITE_ROW
    guard resultCode == SQLITE_DONE else { throw error(resultCode, rendered) }
    return RowStorage(columns: columns, values: values).rows
  }

  /// Runs one statement to its first row only, then rewinds it.
  /// - Throws: ``DatabaseError``, ``MisuseError``, `CancellationError`.
  func fetchOne(_ rendered: RenderedSQL) throws -> Row? {
    guard let statement = try prepareSingle(rendered, for: "fetchOne") else { return nil }
    try statement.bind(rendered.binds, sql: rendered.text)
    defer { statement.reset() }
    let resultCode = statement.step()
    guard resultCode == SQLITE_ROW else {
      if resultCode == SQLITE_DONE { return nil }
      throw error(resultCode, rendered)
    }
    let columns = statement.columns()
    var values: [SQLValue] = []
    values.reserveCapacity(columns.count)
    statement.appendRow(to: &values, width: Int32(columns.count))
    return Row(storage: RowStorage(columns: columns, values: values), start: 0)
  }

  /// The one statement of `rendered`, or nil when the text holds none (after checking
  /// that no binds were given).
  /// - Throws: ``MisuseError`` when more statements follow: fetching reads one result,
  ///   and silently skipping the rest would drop their meaning.
  func prepareSingle(_ rendered: RenderedSQL, for operation: String) throws -> SQLiteStatement? {
    try checkOpen()
    switch try prepare(rendered) {
    case .single(let statement):
      return statement
    case .firstOfMany:
      throw MisuseError("\(operation) runs one statement, but the SQL holds several (use execute for scripts): \(rendered.text)")
    case .empty:
      try checkNoBinds(rendered)
      return nil
    }
  }

  /// Steps a bound statement to its end and rewinds it; returns the rows it changed.
  private func run(_ statement: SQLiteStatement, _ rendered: RenderedSQL) throws -> Int {
    defer { statement.reset() }
    let totalBefore = sqlite3_total_changes64(db)
    var resultCode = statement.step()
    while resultCode == SQLITE_ROW { resultCode = statement.step() }
    guard resultCode == SQLITE_DONE else { throw error(resultCode, rendered) }
    // sqlite3_changes64 keeps the count of the last INSERT / UPDATE / DELETE; a
    // statement that changed nothing (a SELECT, DDL) leaves the total where it was,
    // and then it reports 0 instead of that stale count.
    return sqlite3_total_changes64(db) == totalBefore ? 0 : Int(sqlite3_changes64(db))
  }

  /// Runs a multi-statement script: each statement is prepared once the previous one
  /// has run, and none is cached.
  private func runScript(first: SQLiteStatement, restOffset: Int, _ rendered: RenderedSQL) throws -> Int {
    guard rendered.binds.isEmpty else {
      throw MisuseError("the SQL holds several statements and \(rendered.binds.count) bind value(s); "
                          + "only a script without binds may hold several statements: \(rendered.text)")
    }
    try first.bind([], sql: rendered.text)
    var changes = try run(first, rendered)
    let length = rendered.text.utf8.count
    try rendered.text.withCString { base in
      var offset = restOffset
      while let (handle, next) = try prepareNext(base, from: offset, length: length, persistent: false, rendered) {
        let statement = SQLiteStatement(handle: handle, sql: rendered.text)
        try statement.bind([], sql: rendered.text)
        changes += try run(statement, rendered)
        offset = next
      }
    }
    return changes
  }

  private func checkNoBinds(_ rendered: RenderedSQL) throws {
    guard rendered.binds.isEmpty else {
      throw MisuseError("the SQL holds no statement but \(rendered.binds.count) bind value(s) were given")
    }
  }
}
