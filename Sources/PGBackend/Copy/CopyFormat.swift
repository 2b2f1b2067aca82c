import QueryBuilder

/// The data format of a COPY (its `FORMAT` and the options that go with it).
///
/// ```swift
/// try await db.copy(into: "items", format: .csv(header: true), fromFile: "/tmp/items.csv")
/// ```
public struct CopyFormat: Sendable, Hashable {
  /// COPY's three formats.
  public enum Kind: String, Sendable, Hashable {
    /// Tab-separated text, `\N` for NULL, backslash escapes.
    case text
    /// Comma-separated values.
    case csv
    /// PostgreSQL's binary COPY format.
    case binary
  }

  /// The format.
  public var kind: Kind
  /// CSV: the first line holds the column names.
  public var header: Bool
  /// The column separator (text and CSV); nil for the format's default.
  public var delimiter: Character?
  /// How NULL is written (text and CSV); nil for the format's default.
  public var null: String?

  /// A format with its options.
  public init(kind: Kind, header: Bool = false, delimiter: Character? = nil, null: String? = nil) {
    self.kind = kind
    self.header = header
    self.delimiter = delimiter
    self.null = null
  }

  /// Tab-separated text (COPY's default).
  public static let text = CopyFormat(kind: .text)
  /// The binary format.
  public static let binary = CopyFormat(kind: .binary)
  /// CSV, with a header line if asked.
  public static func csv(header: Bool = false, delimiter: Character? = nil, null: String? = nil) -> CopyFormat {
    CopyFormat(kind: .csv, header: header, delimiter: delimiter, null: null)
  }

  /// ` (FORMAT csv, HEADER true, ...)`, with the values as quoted literals.
  var optionsSQL: String {
    var options = ["FORMAT \(kind.rawValue)"]
    if header { options.append("HEADER true") }
    if let delimiter { options.append("DELIMITER " + Self.literal(String(delimiter))) }
    if let null { options.append("NULL " + Self.literal(null)) }
    return " (" + options.joined(separator: ", ") + ")"
  }

  /// A standard-conforming string literal (quotes doubled; no backslash escapes).
  static func literal(_ text: String) -> String {
    "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
  }
}
