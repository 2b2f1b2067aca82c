import Model

/// A statement written with `$1` … `$n` placeholders, run once per row of values by
/// `executeMany`. The text is checked once; each row becomes the statement with its
/// values bound in place of the placeholders.
///
/// ```swift
/// let batch = try BatchStatement("INSERT INTO t (a, b) VALUES ($1, $2)")
/// try batch.check([[.int(1), .text("x")]])
/// ```
public struct BatchStatement: Sendable {
  /// The statement as written.
  public let sql: SQL
  /// The text as PostgreSQL takes it (`$n` placeholders).
  public let postgresText: String
  /// How many values each row must have (the highest placeholder number).
  public let parameterCount: Int
  /// The text between placeholders: `pieces[i]` comes before the placeholder
  /// `slots[i]` (0-based), and the last piece ends the statement.
  private let pieces: [String]
  private let slots: [Int]
  /// What other dialects cannot express in the statement (see ``SQL``), put back on
  /// each row's statement so that rendering it for them throws.
  private let refusals: [SQL.Refusal]

  /// Reads the placeholders of `sql`, skipping string literals, quoted identifiers,
  /// dollar-quoted bodies and comments.
  /// - Throws: ``MisuseError`` when `sql` has interpolated values (each row brings its
  ///   own), a `$0`, a placeholder number that skips one, or a piece PostgreSQL cannot
  ///   express (the text is PostgreSQL's).
  public init(_ sql: SQL) throws {
    guard sql.binds.isEmpty else {
      throw MisuseError("executeMany takes a statement with $1 … $n placeholders and the values as rows, not interpolated values")
    }
    self.sql = sql
    let rendered = sql.render(.postgres)
    if let error = rendered.renderingError { throw error }
    let text = rendered.text
    let bytes = Array(text.utf8)
    var pieces: [String] = [], slots: [Int] = []
    var pieceStart = 0, index = 0
    func piece(_ end: Int) -> String { String(decoding: bytes[pieceStart..<end], as: UTF8.self) }
    while index < bytes.count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "'"), UInt8(ascii: "\""):
        index = Self.end(ofQuoted: byte, in: bytes, from: index + 1)
      case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "-"):
        index = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
      case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
        index = Self.end(ofBlockCommentIn: bytes, from: index + 2)
      case UInt8(ascii: "$"):
        var digitsEnd = index + 1
        while digitsEnd < bytes.count, Self.isDigit(bytes[digitsEnd]) { digitsEnd += 1 }
        if digitsEnd > index + 1, index == 0 || !Self.isWordByte(bytes[index - 1]) {
          let number = Int(String(decoding: bytes[(index + 1)..<digitsEnd], as: UTF8.self)) ?? 0
          guard number >= 1 else { throw MisuseError("executeMany placeholders count from $1; found $\(number) in: \(text)") }
          pieces.append(piece(index))
          slots.append(number - 1)
          index = digitsEnd
          pieceStart = index
        } else {
          index = Self.end(ofDollarQuoteIn: bytes, from: index)
        }
      default:
        index += 1
      }
    }
    pieces.append(piece(bytes.count))
    let count = (slots.max() ?? -1) + 1
    let used = Set(slots)
    if let missing = (0..<count).first(where: { !used.contains($0) }) {
      throw MisuseError("executeMany placeholders must be $1 … $\(count) without gaps; $\(missing + 1) is missing in: \(text)")
    }
    self.postgresText = text
    self.parameterCount = count
    self.pieces = pieces
    self.slots = slots
    self.refusals = sql.refusals
  }

  /// Checks that every row has one value per placeholder, before anything runs.
  /// - Throws: ``MisuseError`` naming the first row that does not.
  public func check(_ rows: [[SQLValue]]) throws {
    if let index = rows.firstIndex(where: { $0.count != parameterCount }) {
      throw MisuseError("""
        executeMany row \(index) has \(rows[index].count) value(s) but the statement has \(parameterCount) \
        placeholder(s): \(postgresText)
        """)
    }
  }

  /// The statement for one row: its values bound where the placeholders were.
  /// The row must have passed ``check(_:)``.
  public func sql(binding row: [SQLValue]) -> SQL {
    var segments: [SQL.Segment] = []
    segments.reserveCapacity(pieces.count + slots.count)
    for (index, slot) in slots.enumerated() {
      if !pieces[index].isEmpty { segments.append(.text(pieces[index])) }
      segments.append(.bind(row[slot]))
    }
    if let last = pieces.last, !last.isEmpty { segments.append(.text(last)) }
    var sql = SQL(segments: segments)
    for refusal in refusals { sql.refuse(refusal.dialect, refusal.error) }
    return sql
  }

  private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  private static func isWordByte(_ byte: UInt8) -> Bool {
    isDigit(byte) || byte == UInt8(ascii: "_") || byte >= 0x80
      || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
  }

  /// The index after the closing quote (a doubled quote is part of the text).
  private static func end(ofQuoted quote: UInt8, in bytes: [UInt8], from start: Int) -> Int {
    var index = start
    while index < bytes.count {
      if bytes[index] == quote {
        if index + 1 < bytes.count && bytes[index + 1] == quote { index += 2; continue }
        return index + 1
      }
      index += 1
    }
    return bytes.count
  }

  private static func end(ofBlockCommentIn bytes: [UInt8], from start: Int) -> Int {
    var index = start
    while index + 1 < bytes.count {
      if bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/") { return index + 2 }
      index += 1
    }
    return bytes.count
  }

  /// At a `$` that is no placeholder: past a `$tag$ … $tag$` body, or past the `$`.
  private static func end(ofDollarQuoteIn bytes: [UInt8], from start: Int) -> Int {
    var tagEnd = start + 1
    while tagEnd < bytes.count, isWordByte(bytes[tagEnd]) { tagEnd += 1 }
    guard tagEnd < bytes.count, bytes[tagEnd] == UInt8(ascii: "$"),
          start == 0 || !isWordByte(bytes[start - 1]) else { return start + 1 }
    let tag = bytes[start...tagEnd]
    var index = tagEnd + 1
    while index + tag.count <= bytes.count {
      if bytes[index] == UInt8(ascii: "$"), bytes[index..<(index + tag.count)].elementsEqual(tag) { return index + tag.count }
      index += 1
    }
    return bytes.count
  }
}
