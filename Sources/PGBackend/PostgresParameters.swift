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
    func mismatch() -> DatabaseError {
      DatabaseError(code: .datatypeMismatch,
                    message: "parameter $\(position) is \(type.name) but a \(value.kindName) value was bound",
                    hint: "bind a matching Swift type, or cast the placeholder ($\(position)::type)",
                    sql: sql.text)
    }
    func outOfRange() -> DatabaseError {
      DatabaseError(code: .numericValueOutOfRange,
                    message: "parameter $\(position): value out of range for type \(type.name)", sql: sql.text)
    }
    if value.encodedSizeHint > Self.maxFieldSize {
      throw DatabaseError(code: .stringDataRightTruncation,
                          message: "parameter $\(position) is larger than PostgreSQL's 1 GB field limit", sql: sql.text)
    }
    switch (value, type) {
    case (.null, _):
      offsets.append(-1); lengths.append(0); formats.append(0)
    case (.int(let i), .int8): appendBinary(i.bigEndian)
    case (.int(let i), .int4):
      guard let narrow = Int32(exactly: i) else { throw outOfRange() }
      appendBinary(narrow.bigEndian)
    case (.int(let i), .int2):
      guard let narrow = Int16(exactly: i) else { throw outOfRange() }
      appendBinary(narrow.bigEndian)
    case (.int(let i), .oid):
      guard let narrow = UInt32(exactly: i) else { throw outOfRange() }
      appendBinary(narrow.bigEndian)
    case (.int(let i), .float8):
      guard let exact = Double(exactly: i) else { throw outOfRange() }
      appendBinary(exact.bitPattern.bigEndian)
    case (.int(let i), .float4):
      guard let exact = Float(exactly: i) else { throw outOfRange() }
      appendBinary(exact.bitPattern.bigEndian)
    case (.int(let i), .numeric): appendText(String(i))
    case (.double(let d), .float8): appendBinary(d.bitPattern.bigEndian)
    case (.double(let d), .float4):
      guard let exact = d.isNaN ? Float.nan : Float(exactly: d) else { throw outOfRange() }
      appendBinary(exact.bitPattern.bigEndian)
    case (.double(let d), .numeric):
      appendText(d.isNaN ? "NaN" : d.isInfinite ? (d < 0 ? "-Infinity" : "Infinity") : String(d))
    case (.double(let d), .int8), (.double(let d), .int4), (.double(let d), .int2):
      // An integral double into an integer parameter is exact; anything else would round.
      guard let exact = Int64(exactly: d) else { throw outOfRange() }
      try append(.int(exact), as: type, position: position, sql: sql)
    case (.decimal(let d), .numeric): appendText(d.description)
    case (.bool(let b), .bool): appendBinary(b ? UInt8(1) : UInt8(0))
    case (.int(let i), .bool) where i == 0 || i == 1: appendBinary(UInt8(i))
    case (.text(let s), _):
      try checkNoNUL(s, position: position, sql: sql)
      switch type {
      case .jsonb:
        buffer.append(1)  // jsonb binary format version
        let start = buffer.count - 1
        buffer.append(contentsOf: s.utf8)
        offsets.append(start); lengths.append(Int32(buffer.count - start)); formats.append(1)
      case _ where type.isTextLike || type == .json:
        appendBytes(s.utf8, format: 1)
      default:
        appendText(s)  // the server parses it as the parameter's type
      }
    case (.bytes(let b), .bytea): appendBytes(b, format: 1)
    case (.timestamp(let date), .timestamptz), (.timestamp(let date), .timestamp):
      appendBinary(try postgresMicroseconds(date, outOfRange: outOfRange).bigEndian)
    case (.timestamp(let date), .date):
      let micros = try postgresMicroseconds(date, outOfRange: outOfRange)
      guard micros % 86_400_000_000 == 0, let days = Int32(exactly: micros / 86_400_000_000) else {
        throw DatabaseError(code: .datatypeMismatch,
                            message: "parameter $\(position) is date but the bound Date is not at midnight UTC; its time would be lost",
                            sql: sql.text)
      }
      appendBinary(days.bigEndian)
    case (.uuid(let u), .uuid): withUnsafeBytes(of: u.uuid) { appendBytes($0, format: 1) }
    case (.uuid(let u), _) where type.isTextLike: appendBytes(u.uuidString.lowercased().utf8, format: 1)
    default:
      throw mismatch()
    }
  }

  private func postgresMicroseconds(_ date: Date, outOfRange: () -> DatabaseError) throws -> Int64 {
    guard let micros = SQLTimestamp.microsecondsSinceReferenceDate(date) else { throw outOfRange() }
    let (result, overflow) = micros.subtractingReportingOverflow(SQLTimestamp.referenceToPostgresEpochMicroseconds)
    guard !overflow, result != .max, result != .min else { throw outOfRange() }
    return result
  }

  private func checkNoNUL(_ s: String, position: Int, sql: RenderedSQL) throws {
    if s.utf8.contains(0) {
      throw DatabaseError(code: .characterNotInRepertoire,
                          message: "parameter $\(position) contains a NUL byte, which PostgreSQL text cannot store",
                          hint: "store binary data as bytea ([UInt8] or Data)", sql: sql.text)
    }
  }

  private mutating func appendBinary<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value) { appendBytes($0, format: 1) }
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
