import CSQLite
import Model
import QueryBuilder

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SQLiteStatement {
  /// Binds `binds` to `?1` ... `?n`, in SQLite's representation of each value
  /// (docs/values-and-types.md).
  ///
  /// See https://www.sqlite.org/c3ref/bind_blob.html.
  /// - Throws: ``MisuseError`` when the statement has another number of parameters;
  ///   ``DatabaseError`` (`.datatypeMismatch`) for a value SQLite cannot store as is
  ///   (NaN would silently become NULL), or the mapped error of a failed bind.
  @inline(__always)
  func bind(_ binds: [SQLValue], sql: String) throws {
    guard binds.count == parameterCount else {
      throw MisuseError(
        "the statement has \(parameterCount) bind parameter\(parameterCount == 1 ? "" : "s") "
          + "but \(binds.count) value\(binds.count == 1 ? " was" : "s were") given: \(sql)")
    }
    var index: Int32 = 1
    do {
      for value in binds {
        let resultCode = try bind(value, at: index, sql: sql, binds: binds)
        if resultCode != SQLITE_OK {
          throw SQLiteErrorMapping.error(resultCode: resultCode, db: sqlite3_db_handle(handle), sql: sql, binds: binds)
        }
        index += 1
      }
    } catch {
      // A cached statement must not keep the values bound before the failing one.
      sqlite3_clear_bindings(handle)
      throw error
    }
  }

  @inline(__always)
  private func bind(_ value: SQLValue, at index: Int32, sql: String, binds: [SQLValue]) throws -> Int32 {
    switch value {
    case .null:
      return sqlite3_bind_null(handle, index)
    case .bool(let bool):
      return sqlite3_bind_int64(handle, index, bool ? 1 : 0)
    case .int(let int):
      return sqlite3_bind_int64(handle, index, int)
    case .double(let double):
      guard !double.isNaN else {
        throw unstorable("NaN cannot be stored by SQLite (it would become NULL)", index, sql, binds)
      }
      return sqlite3_bind_double(handle, index, double)
    case .text(let text):
      return bindText(text, at: index)
    case .bytes(let bytes):
      return bindBytes(bytes, at: index)
    case .timestamp(let date):
      guard SQLTimestamp.microsecondsSinceReferenceDate(date) != nil else {
        throw unstorable("the date is not finite or out of range", index, sql, binds)
      }
      return bindText(SQLTimestamp.format(date), at: index)
    case .uuid(let uuid):
      return bindText(Self.canonicalText(uuid), at: index)
    case .decimal(let decimal):
      let text = decimal.description
      guard let parsed = try? ExactDecimal.parse(text, found: value), parsed == decimal else {
        throw unstorable("the decimal has no exact text form that reads back as the same value", index, sql, binds)
      }
      return bindText(text, at: index)
    case .array:
      // Arrays are JSON text on SQLite (docs/values-and-types.md).
      do {
        return bindText(try value.jsonText(), at: index)
      } catch {
        throw unstorable("the array has no JSON form: \(error.reason)", index, sql, binds)
      }
    }
  }

  /// Binds UTF-8 text with its byte length, so NUL characters inside are kept.
  @inline(__always)
  private func bindText(_ text: String, at index: Int32) -> Int32 {
    var text = text
    return text.withUTF8 { utf8 in
      guard let base = utf8.baseAddress, !utf8.isEmpty else {
        return sqlite3_bind_text64(handle, index, "", 0, wren_sqlite_transient(), UInt8(SQLITE_UTF8))
      }
      return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
        sqlite3_bind_text64(handle, index, $0, UInt64(utf8.count), wren_sqlite_transient(), UInt8(SQLITE_UTF8))
      }
    }
  }

  /// Binds bytes as a BLOB; an empty array is an empty BLOB, never NULL.
  @inline(__always)
  private func bindBytes(_ bytes: [UInt8], at index: Int32) -> Int32 {
    guard !bytes.isEmpty else { return sqlite3_bind_zeroblob(handle, index, 0) }
    return bytes.withUnsafeBytes { raw in
      sqlite3_bind_blob64(handle, index, raw.baseAddress, UInt64(raw.count), wren_sqlite_transient())
    }
  }

  private func unstorable(_ reason: String, _ index: Int32, _ sql: String, _ binds: [SQLValue]) -> DatabaseError {
    DatabaseError(code: .datatypeMismatch, message: "bind ?\(index): \(reason)", sql: sql, binds: binds)
  }

  /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in lowercase, without Foundation's
  /// uppercase string and a second pass to lowercase it.
  static func canonicalText(_ uuid: UUID) -> String {
    withUnsafeBytes(of: uuid.uuid) { raw in
      String(unsafeUninitializedCapacity: 36) { buffer in
        let digits: StaticString = "0123456789abcdef"
        var out = 0
        for (offset, byte) in raw.enumerated() {
          if offset == 4 || offset == 6 || offset == 8 || offset == 10 {
            buffer[out] = UInt8(ascii: "-")
            out += 1
          }
          buffer[out] = digits.utf8Start[Int(byte >> 4)]
          buffer[out + 1] = digits.utf8Start[Int(byte & 0x0F)]
          out += 2
        }
        return out
      }
    }
  }
}
