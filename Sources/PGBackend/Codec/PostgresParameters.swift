#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import QueryBuilder

/// Bind values encoded for `PQsendQueryPrepared`, in the types the server inferred
/// for each placeholder (asyncpg's approach: the statement is described first).
///
/// Values go in binary where the Swift kind matches the parameter type; text values
/// go anywhere (in text format, parsed by the server, with its own error if they do
/// not parse); anything else is a `.datatypeMismatch` error before any SQL is sent.
/// Nothing is truncated or rounded silently: narrower integers are range-checked and
/// a `date` parameter only takes a timestamp at midnight UTC.
struct PostgresParameters {
  /// PostgreSQL's limit on one field.
  static let maxFieldSize = 1 << 30
  private(set) var buffer: [UInt8] = []
  private(set) var offsets: [Int] = []
  private(set) var lengths: [Int32] = []
  private(set) var formats: [Int32] = []

  /// Encodes `values` for parameters of `types`.
  /// - Throws: ``DatabaseError`` (`.datatypeMismatch`, `.numericValueOutOfRange`,
  ///   `.characterNotInRepertoire`) or ``MisuseError`` for a wrong count.
  init(_ values: [SQLValue], types: [PostgresType], sql: RenderedSQL) throws {
    guard values.count == types.count else {
      throw MisuseError("the statement has \(types.count) parameter(s) but \(values.count) value(s) were bound: \(sql.text)")
    }
    offsets.reserveCapacity(values.count)
    lengths.reserveCapacity(values.count)
    formats.reserveCapacity(values.count)
    for (index, value) in values.enumerated() {
      try append(value, as: types[index], position: index + 1, sql: sql)
    }
  }

  /// Calls `body` with the C arrays libpq wants.
  func withCArrays<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) throws -> R) rethrows -> R {
    try buffer.withUnsafeBytes { raw in
      let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self)
      let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
        offset < 0 ? nil : base.map { $0 + offset }
      }
      return try pointers.withUnsafeBufferPointer { values in
        try lengths.withUnsafeBufferPointer { lengths in
          try formats.withUnsafeBufferPointer { formats in
            try body(values.baseAddress, lengths.baseAddress, formats.baseAddress)
          }
        }
      }
    }
  }

  private mutating func append(_ value: SQLValue, as type: PostgresType, position: Int, sql: RenderedSQL) throws {
    if value.isNull {
      offsets.append(-1); lengths.append(0); formats.append(0)
      return
    }
    if value.encodedSizeHint > Self.maxFieldSize { throw tooLarge(position, sql) }
    let start = buffer.count
    do {
      try PostgresBinaryEncoding.append(value, as: type, to: &buffer)
    } catch {
      buffer.removeSubrange(start...)
      if case .mismatch = error, case .text(let text) = value {
        // Text goes anywhere: the server parses it as the parameter's type, with its
        // own error if it does not parse.
        guard !text.utf8.contains(0) else { throw failure(.nul, type, position, sql) }
        appendText(text)
        return
      }
      if case .mismatch = error, case .array(let elements) = value, case .other = type,
         let literal = PostgresArrayLiteral.format(elements) {
        // An array of a server type Wren has no binary form for (an enum, inet): its
        // text literal, which the server parses element by element.
        guard !literal.utf8.contains(0) else { throw failure(.nul, type, position, sql) }
        appendText(literal)
        return
      }
      throw failure(error, type, position, sql)
    }
    guard buffer.count - start <= Self.maxFieldSize else { throw tooLarge(position, sql) }
    offsets.append(start)
    lengths.append(Int32(buffer.count - start))
    formats.append(1)
  }

  private func tooLarge(_ position: Int, _ sql: RenderedSQL) -> DatabaseError {
    DatabaseError(code: .stringDataRightTruncation,
                  message: "parameter $\(position) is larger than PostgreSQL's 1 GB field limit", sql: sql.text)
  }

  /// The error for a value that cannot be sent as `type`, naming the parameter (and
  /// the array element) but never the value.
  private func failure(_ failure: PostgresEncodingFailure, _ type: PostgresType, _ position: Int,
                       _ sql: RenderedSQL) -> DatabaseError {
    failure.databaseError(subject: "parameter $\(position)", type: type,
                          mismatchHint: "bind a matching Swift type, or cast the placeholder ($\(position)::type)",
                          sql: sql.text)
  }

  private mutating func appendBytes(_ bytes: some Sequence<UInt8>, format: Int32) {
    let start = buffer.count
    buffer.append(contentsOf: bytes)
    offsets.append(start)
    lengths.append(Int32(buffer.count - start))
    formats.append(format)
  }

  /// Text format: libpq reads a NUL-terminated C string.
  private mutating func appendText(_ text: String) {
    let start = buffer.count
    buffer.append(contentsOf: text.utf8)
    buffer.append(0)
    offsets.append(start)
    lengths.append(0)
    formats.append(0)
  }
}

extension SQLValue {
  /// The byte size of a text or bytes value (0 for the fixed-size kinds).
  fileprivate var encodedSizeHint: Int {
    switch self {
    case .text(let s): s.utf8.count
    case .bytes(let b): b.count
    default: 0
    }
  }
}
