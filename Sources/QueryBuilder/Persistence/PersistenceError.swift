import Model

/// A model operation that could not be done, apart from database errors: the row
/// to update or find is not there, or the model has no key to address it by.
///
/// ```swift
/// do { try await alice.update(db) }
/// catch let error as PersistenceError where error.code == .notFound { ... }
/// ```
public struct PersistenceError: Error, Sendable, CustomStringConvertible {
  /// What went wrong.
  public enum Code: Sendable, Hashable {
    /// No row has the model's primary key.
    case notFound
    /// The model's primary key is not set (update or delete before insert).
    case missingPrimaryKey
  }

  /// What went wrong.
  public var code: Code
  /// The model type (`User`).
  public var model: String
  /// The table.
  public var table: String
  /// The primary key's column (`id`), when the model has one.
  public var keyColumn: String?
  /// The key value that was looked for (`.notFound`), so the message can say which
  /// row is missing; nil for `.missingPrimaryKey`.
  public var keyValue: SQLValue?

  /// An error for `model`; `.notFound` names the key column and the value looked for.
  ///
  /// ```swift
  /// PersistenceError(.notFound, model: User.self, table: "users", keyColumn: "id", keyValue: .int(42))
  /// ```
  public init(_ code: Code, model: Any.Type, table: String, keyColumn: String? = nil, keyValue: SQLValue? = nil) {
    self.code = code
    self.model = String(describing: model)
    self.table = table
    self.keyColumn = keyColumn
    self.keyValue = keyValue
  }

  /// A sentence naming the model, the table and, for `.notFound`, the key value
  /// looked for: `User: no row in users has id = 42`. A key identifies a row rather
  /// than holding data, and without it the message does not say which row is missing.
  public var description: String {
    switch code {
    case .notFound:
      if let keyColumn, let keyValue { "\(model): no row in \(table) has \(keyColumn) = \(keyValue)" }
      else { "\(model): no row in \(table) has this primary key" }
    case .missingPrimaryKey: "\(model): the primary key is not set (insert the model first)"
    }
  }
}
