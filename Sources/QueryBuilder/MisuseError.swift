import Model

/// Wren was asked to do something that cannot work, whatever the database says: a NUL
/// byte in SQL text, a bind count the dialect cannot carry, a clause a dialect cannot
/// express, a closed connection used again. Raised before any SQL is sent.
///
/// ```swift
/// catch let error as MisuseError { print(error.message) }
/// ```
public struct MisuseError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What was wrong, as a sentence.
  public var message: String

  /// Makes an error with a message.
  public init(_ message: String) { self.message = message }

  /// The message.
  public var description: String { message }
}

extension RenderedSQL {
  /// Checks what every backend needs before sending: nothing the dialect cannot
  /// express (``renderingError``), no NUL in the text (C APIs would silently cut the
  /// statement there) and no more binds than the dialect allows.
  /// - Throws: ``MisuseError``.
  public func validate(for dialect: SQLDialect) throws {
    if let renderingError { throw renderingError }
    if text.utf8Contains(0) {
      throw MisuseError("SQL text contains a NUL byte; it would be cut off there. Pass the value as a bind instead.")
    }
    if binds.count > dialect.maxBindCount {
      throw MisuseError("statement has \(binds.count) bind parameters; \(dialect) allows at most \(dialect.maxBindCount)")
    }
  }
}
