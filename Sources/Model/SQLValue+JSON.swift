#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why a value has no JSON text (a NaN double, a date out of range, ...).
public struct SQLValueJSONError: Error, Sendable, CustomStringConvertible {
  /// What is wrong, naming the kind of value but never the value.
  public let reason: String

  public var description: String { reason }
}

extension SQLValue {
  /// The value as JSON text, the way SQLite stores ``array(_:)`` values: NULL is
  /// `null`, booleans and integers are JSON literals, doubles are numbers that read
  /// back exactly, and text, timestamps (Wren's ISO-8601 form), UUIDs (lowercase),
  /// decimals (exact text) and bytes (base64) are strings. Arrays nest.
  ///
  /// ```swift
  /// try SQLValue.array([.int(1), .null, .text("a\"b")]).jsonText()   // [1,null,"a\"b"]
  /// ```
  /// - Throws: ``SQLValueJSONError`` for a NaN or infinite double (JSON has no such
  ///   number), a date out of range, or a decimal without an exact text form.
  public func jsonText() throws(SQLValueJSONError) -> String {
    var output = ""
    try appendJSON(to: &output)
    return output
  }

  private func appendJSON(to output: inout String) throws(SQLValueJSONError) {
    switch self {
    case .null: output += "null"
    case .bool(let flag): output += flag ? "true" : "false"
    case .int(let integer): output += String(integer)
    case .double(let double):
      guard double.isFinite else { throw SQLValueJSONError(reason: "JSON has no NaN or infinite numbers") }
      output += String(double)
    case .text(let text): Self.appendJSONString(text, to: &output)
    case .bytes(let bytes): Self.appendJSONString(Data(bytes).base64EncodedString(), to: &output)
    case .timestamp(let date):
      guard SQLTimestamp.microsecondsSinceReferenceDate(date) != nil else {
        throw SQLValueJSONError(reason: "the date is not finite or out of range")
      }
      Self.appendJSONString(SQLTimestamp.format(date), to: &output)
    case .uuid(let uuid): Self.appendJSONString(uuid.uuidString.lowercased(), to: &output)
    case .decimal(let decimal):
      let text = decimal.description
      guard let parsed = try? ExactDecimal.parse(text, found: self), parsed == decimal else {
        throw SQLValueJSONError(reason: "the decimal has no exact text form")
      }
      Self.appendJSONString(text, to: &output)
    case .array(let elements):
      output += "["
      for (index, element) in elements.enumerated() {
        if index > 0 { output += "," }
        try element.appendJSON(to: &output)
      }
      output += "]"
    }
  }

  /// `text` as a JSON string literal (RFC 8259 escapes; other characters as they are).
  private static func appendJSONString(_ text: String, to output: inout String) {
    output += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": output += "\\\""
      case "\\": output += "\\\\"
      case "\n": output += "\\n"
      case "\r": output += "\\r"
      case "\t": output += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: output.unicodeScalars.append(scalar)
      }
    }
    output += "\""
  }
}
