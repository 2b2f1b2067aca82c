#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A `Codable` value stored as JSON: `jsonb` on PostgreSQL, TEXT on SQLite (sqlx's
/// `Json<T>`). The value is encoded when the wrapper is made, so a value that has no
/// JSON form fails there, with the encoder's error, never later as a silent NULL.
///
/// ```swift
/// struct Preferences: Codable, Sendable, Equatable { var theme: String; var fontSize: Int }
///
/// @Model struct Account {
///   @ID var id: Int64?
///   var preferences: JSON<Preferences>
/// }
/// let account = Account(preferences: try JSON(Preferences(theme: "dark", fontSize: 14)))
/// print(account.preferences.value.theme)
/// ```
public struct JSON<Value: Codable & Sendable>: Sendable, SQLColumnValue {
  /// The value.
  public let value: Value
  /// Its JSON text (keys sorted, so equal values give equal text).
  public let text: String

  /// Encodes `value`.
  /// - Throws: `EncodingError` for a value JSON cannot hold (a NaN, say).
  public init(_ value: Value) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    self.value = value
    self.text = String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  /// The JSON text, as `.text` (sent as `jsonb` / `json` where the column is one).
  public var sqlValue: SQLValue { .text(text) }

  /// Decodes JSON text (PostgreSQL's `jsonb` / `json` arrive as text).
  /// - Throws: ``SQLValueConversionError`` (`.malformed`) when the text is not a
  ///   `Value`; `.typeMismatch` for another kind of value.
  public init(sqlValue: SQLValue) throws {
    guard case .text(let text) = sqlValue else { throw SQLValueConversionError.mismatch(Self.self, sqlValue) }
    do {
      self.value = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
    } catch {
      throw SQLValueConversionError(.malformed, expected: Self.self, found: sqlValue)
    }
    self.text = text
  }

  /// `json`.
  public static var sqlColumnType: SQLColumnType { .json }
}

extension JSON: Equatable where Value: Equatable {
  /// Equal when the values are.
  public static func == (lhs: JSON, rhs: JSON) -> Bool { lhs.value == rhs.value }
}

extension JSON: Hashable where Value: Hashable {
  /// Hashes the value.
  public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
