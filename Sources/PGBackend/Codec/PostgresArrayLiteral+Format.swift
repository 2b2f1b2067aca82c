#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

// Writing PostgreSQL's array text; reading it lives in Model, whose array decoding needs it.

extension PostgresArrayLiteral {
  /// The literal for `elements` (scalars and nested arrays), every element quoted;
  /// nil when an element has no text form here (bytes).
  static func format(_ elements: [SQLValue]) -> String? {
    var output = "{"
    for (position, element) in elements.enumerated() {
      if position > 0 { output += "," }
      switch element {
      case .null: output += "NULL"
      case .array(let inner):
        guard let nested = format(inner) else { return nil }
        output += nested
      default:
        guard let text = scalarText(element) else { return nil }
        output += "\""
        for character in text.unicodeScalars {
          if character == "\"" || character == "\\" { output += "\\" }
          output.unicodeScalars.append(character)
        }
        output += "\""
      }
    }
    return output + "}"
  }

  private static func scalarText(_ value: SQLValue) -> String? {
    switch value {
    case .text(let text): text
    case .int(let integer): String(integer)
    case .double(let double): String(double)
    case .bool(let flag): flag ? "t" : "f"
    case .uuid(let uuid): uuid.uuidString.lowercased()
    case .decimal(let decimal): decimal.description
    case .timestamp(let date): SQLTimestamp.format(date)
    case .null, .bytes, .array: nil
    }
  }
}
