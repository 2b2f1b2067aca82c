import CLibPQ
import Model
import QueryBuilder

/// An owned `PGresult`, cleared when the last reference goes.
/// See https://www.postgresql.org/docs/current/libpq-exec.html.
final class PostgresResult {
  let pointer: OpaquePointer

  init(_ pointer: OpaquePointer) { self.pointer = pointer }
  deinit { PQclear(pointer) }

  var status: ExecStatusType { PQresultStatus(pointer) }

  var isError: Bool {
    let s = status
    return s == PGRES_FATAL_ERROR || s == PGRES_BAD_RESPONSE || s == PGRES_NONFATAL_ERROR
  }

  /// Rows changed by the command (`PQcmdTuples`), 0 when it reports none.
  var affectedRows: Int {
    guard let text = PQcmdTuples(pointer) else { return 0 }
    return Int(String(cString: text)) ?? 0
  }

  /// Whether the command changes rows: INSERT, UPDATE, DELETE or MERGE (whose rows,
  /// with RETURNING, are the changed ones), not SELECT, SHOW, FETCH or EXPLAIN.
  var changesRows: Bool {
    guard let tag = PQcmdStatus(pointer) else { return false }
    switch UInt8(bitPattern: tag[0]) {
    case UInt8(ascii: "I"), UInt8(ascii: "U"), UInt8(ascii: "D"), UInt8(ascii: "M"): return true
    default: return false
    }
  }

  /// Whether this is the result of `DEALLOCATE ALL` or `DISCARD ALL`, which drop every
  /// prepared statement of the session.
  var droppedAllPreparedStatements: Bool {
    guard status == PGRES_COMMAND_OK, let tag = PQcmdStatus(pointer) else { return false }
    let command = String(cString: tag)
    return command == "DEALLOCATE ALL" || command == "DISCARD ALL"
  }

  /// The error this result carries, mapped to a ``DatabaseError``.
  func databaseError(sql: RenderedSQL?) -> DatabaseError {
    func field(_ code: Int32) -> String? {
      guard let value = PQresultErrorField(pointer, code) else { return nil }
      return String(cString: value)
    }
    let sqlState = field(Int32(UInt8(ascii: "C")))
    let primary = field(Int32(UInt8(ascii: "M")))
      ?? PQresultErrorMessage(pointer).map { String(cString: $0) }?.trimmingTrailingNewlines
      ?? "unknown error"
    var code = sqlState.map(DatabaseError.Code.fromSQLState) ?? .other
    // 0A000 is "feature not supported" in general; the plan cache's own error is told
    // by the routine that raises it (messages may be translated).
    if sqlState == "0A000", field(Int32(UInt8(ascii: "R"))) == "RevalidateCachedQuery" || primary.contains("cached plan") {
      code = .invalidCachedStatement
    }
    return DatabaseError(
      code: code, sqlState: sqlState, message: PostgresErrorRedaction.message(primary, sqlState: sqlState),
      detail: field(Int32(UInt8(ascii: "D"))).map { PostgresErrorRedaction.detail($0, sqlState: sqlState) },
      hint: field(Int32(UInt8(ascii: "H"))),
      constraint: field(Int32(UInt8(ascii: "n"))), schema: field(Int32(UInt8(ascii: "s"))),
      table: field(Int32(UInt8(ascii: "t"))), column: field(Int32(UInt8(ascii: "c"))),
      sql: sql?.text, binds: sql?.binds ?? [])
  }

  /// The columns of this result as ``RowColumns`` with PostgreSQL type names, and
  /// each column's type.
  func describeColumns() -> (RowColumns, [PostgresType]) {
    let count = PQnfields(pointer)
    var names: [String] = []
    var types: [PostgresType] = []
    names.reserveCapacity(Int(count))
    types.reserveCapacity(Int(count))
    for index in 0..<count {
      names.append(PQfname(pointer, index).map { String(cString: $0) } ?? "?column?")
      types.append(PostgresType(oid: PQftype(pointer, index)))
    }
    return (RowColumns(names: names, typeNames: types.map(\.name)), types)
  }

  /// Every row, decoded into one contiguous ``RowStorage``.
  func rows(columns: RowColumns, types: [PostgresType]) -> [Row] {
    let rowCount = PQntuples(pointer)
    let columnCount = Int32(types.count)
    guard rowCount > 0, columnCount > 0 else { return [] }
    var values: [SQLValue] = []
    values.reserveCapacity(Int(rowCount) * Int(columnCount))
    let binary = (0..<columnCount).map { PQfformat(pointer, $0) == 1 }
    types.withUnsafeBufferPointer { types in
      binary.withUnsafeBufferPointer { binary in
        for row in 0..<rowCount {
          for column in 0..<columnCount {
            values.append(cell(row: row, column: column, type: types[Int(column)], binary: binary[Int(column)]))
          }
        }
      }
    }
    let storage = RowStorage(columns: columns, values: values)
    let width = Int(columnCount)
    var rows: [Row] = []
    rows.reserveCapacity(Int(rowCount))
    for index in 0..<Int(rowCount) { rows.append(Row(storage: storage, start: index * width)) }
    return rows
  }

  @inline(__always)
  private func cell(row: Int32, column: Int32, type: PostgresType, binary: Bool) -> SQLValue {
    if PQgetisnull(pointer, row, column) != 0 { return .null }
    guard let bytes = PQgetvalue(pointer, row, column) else { return .null }
    return PostgresValueDecoding.decode(UnsafeRawPointer(bytes), length: Int(PQgetlength(pointer, row, column)),
                                        type: type, binary: binary)
  }
}

extension String {
  var trimmingTrailingNewlines: String {
    var copy = self
    while copy.last == "\n" { copy.removeLast() }
    return copy
  }
}
