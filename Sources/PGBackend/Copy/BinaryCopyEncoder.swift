import Model
import QueryBuilder

/// Rows in PostgreSQL's binary COPY format, for columns of known types: the
/// signature, then per row a field count and each field as a length (-1 for NULL)
/// and its `*_send` bytes, then the trailer.
///
/// See https://www.postgresql.org/docs/current/sql-copy.html#id-1.9.3.55.9.4.
struct BinaryCopyEncoder {
  /// `PGCOPY\n\377\r\n\0`, no flags, no header extension.
  private static let header: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]

  private let columns: [String]
  private let types: [PostgresType]
  private let table: String
  /// Encoded bytes not yet taken.
  private(set) var buffer: [UInt8]
  private var rowsEncoded = 0

  init(table: String, columns: [String], types: [PostgresType]) {
    self.table = table
    self.columns = columns
    self.types = types
    self.buffer = Self.header
  }

  /// Appends one row.
  /// - Throws: ``MisuseError`` for the wrong number of values; ``DatabaseError``
  ///   (`batchRow` set, the column named) for a value the column's type cannot take.
  mutating func append(_ row: [SQLValue]) throws {
    defer { rowsEncoded += 1 }
    guard row.count == types.count else {
      throw MisuseError("COPY row \(rowsEncoded) has \(row.count) value(s) for \(types.count) column(s) of \(table)")
    }
    PostgresBinaryEncoding.put(Int16(types.count), &buffer)
    for (index, value) in row.enumerated() {
      if value.isNull {
        PostgresBinaryEncoding.put(Int32(-1), &buffer)
        continue
      }
      let lengthAt = buffer.count
      PostgresBinaryEncoding.put(Int32(0), &buffer)
      do {
        try PostgresBinaryEncoding.append(value, as: types[index], to: &buffer)
      } catch {
        buffer.removeSubrange((lengthAt + 4)...)
        // A type of the database's own (an enum, say) takes its text in binary too.
        guard case .mismatch = error, case .other = types[index], case .text(let text) = value, !text.utf8.contains(0) else {
          throw failure(error, column: index)
        }
        buffer.append(contentsOf: text.utf8)
      }
      let length = buffer.count - lengthAt - 4
      guard length <= PostgresParameters.maxFieldSize else {
        var error = DatabaseError(code: .stringDataRightTruncation,
                                  message: "COPY column \(columns[index]) is larger than PostgreSQL's 1 GB field limit")
        error.batchRow = rowsEncoded
        throw error
      }
      withUnsafeBytes(of: Int32(length).bigEndian) { bytes in
        for offset in 0..<4 { buffer[lengthAt + offset] = bytes[offset] }
      }
    }
  }

  /// The bytes so far; the buffer starts again empty.
  mutating func take() -> [UInt8] {
    defer { buffer.removeAll(keepingCapacity: true) }
    return buffer
  }

  /// The trailer that ends the data.
  mutating func finish() {
    PostgresBinaryEncoding.put(Int16(-1), &buffer)
  }

  private func failure(_ failure: PostgresEncodingFailure, column: Int) -> DatabaseError {
    var error = failure.databaseError(subject: "COPY row \(rowsEncoded), column \(columns[column])", type: types[column])
    error.batchRow = rowsEncoded
    return error
  }
}
