import CSQLite
import Model

extension SQLiteStatement {
  /// The value of column `index` of the current row, by its storage class: INTEGER,
  /// REAL, TEXT, BLOB or NULL. Text is read with its byte length, so NUL characters
  /// inside are kept.
  ///
  /// See https://www.sqlite.org/c3ref/column_blob.html (the pointer is read before
  /// the length, as that page advises).
  @inline(__always)
  func value(at index: Int32) -> SQLValue {
    let handle = self.handle
    switch sqlite3_column_type(handle, index) {
    case SQLITE_INTEGER:
      return .int(sqlite3_column_int64(handle, index))
    case SQLITE_FLOAT:
      return .double(sqlite3_column_double(handle, index))
    case SQLITE_TEXT:
      let text = sqlite3_column_text(handle, index)
      let count = Int(sqlite3_column_bytes(handle, index))
      return .text(String(decoding: UnsafeBufferPointer(start: text, count: text == nil ? 0 : count), as: UTF8.self))
    case SQLITE_BLOB:
      let blob = sqlite3_column_blob(handle, index)
      let count = Int(sqlite3_column_bytes(handle, index))
      guard let blob, count > 0 else { return .bytes([]) }
      return .bytes([UInt8](UnsafeRawBufferPointer(start: blob, count: count)))
    default:
      return .null
    }
  }

  /// Appends the current row's `width` values to `values`.
  @inline(__always)
  func appendRow(to values: inout [SQLValue], width: Int32) {
    var index: Int32 = 0
    while index < width {
      values.append(value(at: index))
      index += 1
    }
  }
}
