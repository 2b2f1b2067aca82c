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

  /// An error for `model`.
  public init(_ code: Code, model: Any.Type, table: String) {
    self.code = code
    self.model = String(describing: model)
    self.table = table
  }

  /// A sentence naming the model and the table (never the key's value).
  public var description: String {
    switch code {
    case .notFound: "\(model): no row in \(table) has this primary key"
    case .missingPrimaryKey: "\(model): the primary key is not set (insert the model first)"
    }
  }
}
