import Model
import QueryBuilder

extension Model {
  /// Loads models into their table with binary COPY, the fastest bulk load: the
  /// columns come from the model's metadata, so no column list is written by hand.
  /// Models whose generated key is unset leave it to the database; keys are not read
  /// back (use `insertAll` when they are needed). Models with and without keys go in
  /// two COPYs: run the call in an atomic block to make such a mix all-or-nothing.
  ///
  /// ```swift
  /// try await User.copy(users, into: db)
  /// ```
  /// - Returns: the rows loaded.
  /// - Throws: ``DatabaseError`` naming the model's fields for a constraint
  ///   violation (nothing is loaded then); a value its column cannot take names
  ///   the row and column.
  @discardableResult
  public static func copy(_ models: [Self], into db: some PostgresCopying, timeout: Duration? = nil) async throws -> Int {
    try await copyByKey(models) { columns, rows in try await db.copy(into: tableName, columns: columns, rows: rows, timeout: timeout) }
  }

  /// One COPY for the models whose key is set and one for the rest, whose key column
  /// is left out so that the database generates it.
  private static func copyByKey(_ models: [Self],
                                _ copy: ([String], [[SQLValue]]) async throws -> Int) async throws -> Int {
    let columns = schema.columns.map(\.name)
    let generated = schema.columns.firstIndex { $0.isPrimaryKey && $0.isGenerated }
    var keyed: [[SQLValue]] = [], unkeyed: [[SQLValue]] = []
    keyed.reserveCapacity(models.count)
    for model in models {
      var values = model.columnValues
      if let generated, values[generated].isNull {
        values.remove(at: generated)
        unkeyed.append(values)
      } else {
        keyed.append(values)
      }
    }
    do {
      var loaded = 0
      if !keyed.isEmpty { loaded += try await copy(columns, keyed) }
      if !unkeyed.isEmpty, let generated {
        var withoutKey = columns
        withoutKey.remove(at: generated)
        loaded += try await copy(withoutKey, unkeyed)
      }
      return loaded
    } catch let error as DatabaseError {
      throw error.attributed(to: Self.self)
    }
  }
}
