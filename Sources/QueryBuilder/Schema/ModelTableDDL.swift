import Model
import Synchronization

/// The rendered `CREATE TABLE` (and `CREATE INDEX`) texts of each model, per dialect,
/// built on first use: a model's schema is static, and unit tests create the same
/// tables in every fresh database.
enum ModelTableDDL {
  private struct Key: Hashable {
    let model: ObjectIdentifier
    let dialect: SQLDialect
    let ifNotExists: Bool
  }

  private static let cache = Mutex<[Key: [String]]>([:])

  /// The statements that create `model`'s table and indexes in `dialect`.
  /// - Throws: ``MisuseError`` as ``CreateTable/sql(_:)`` (not cached).
  static func texts<M: Model>(of model: M.Type, ifNotExists: Bool, _ dialect: SQLDialect) throws -> [String] {
    let key = Key(model: ObjectIdentifier(model), dialect: dialect, ifNotExists: ifNotExists)
    if let cached = cache.withLock({ $0[key] }) { return cached }
    let texts = try CreateTable(M.self, ifNotExists: ifNotExists).sql(dialect).map(\.text)
    cache.withLock { $0[key] = texts }
    return texts
  }
}
