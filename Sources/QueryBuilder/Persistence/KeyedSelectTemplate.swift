import Model
import Synchronization

/// The resolved text of `SELECT <columns> FROM <table> WHERE <key> = ? LIMIT 1` for a
/// model and dialect, built once: `fetchOne(db, id:)` is the hottest model call, and
/// building and rendering the query on every call cost more than running it on SQLite.
@usableFromInline
struct KeyedSelectTemplate: Sendable {
  /// Everything before the key's bind, and everything after it (no binds in either).
  let prefix: String
  let suffix: String

  /// The statement for `key`.
  @usableFromInline
  func statement(_ key: SQLValue) -> SQL {
    SQL(segments: [.text(prefix), .bind(key), .text(suffix)])
  }

  private struct CacheKey: Hashable {
    let model: ObjectIdentifier
    let dialect: SQLDialect
  }

  private static let cache = Mutex<[CacheKey: KeyedSelectTemplate]>([:])

  /// The template for `M` in `dialect`, built on first use.
  /// - Throws: ``PersistenceError`` `.missingPrimaryKey` when `M` has no single key.
  @usableFromInline
  static func template<M: Model>(for model: M.Type, _ dialect: SQLDialect) throws -> KeyedSelectTemplate {
    let key = CacheKey(model: ObjectIdentifier(model), dialect: dialect)
    if let cached = cache.withLock({ $0[key] }) { return cached }
    guard let primaryKey = M.schema.primaryKey else {
      throw PersistenceError(.missingPrimaryKey, model: M.self, table: M.tableName)
    }
    // Built from the query builder itself, with a marker bind, then split around it.
    var query = Query<M>()
    var condition = SQL()
    condition.append(column: primaryKey.name, table: M.tableName)
    condition.append(unsafeRaw: " = ")
    condition.append(bind: .null)
    query.clauses.filters.append(condition)
    query.clauses.limit = 1
    let segments = try query.statement(dialect).segments
    guard let bindIndex = segments.firstIndex(where: { if case .bind = $0 { true } else { false } }) else {
      throw DatabaseError(code: .internalError, message: "the keyed select of \(M.tableName) has no bind")
    }
    let template = KeyedSelectTemplate(
      prefix: SQL(segments: Array(segments[..<bindIndex])).render(dialect).text,
      suffix: SQL(segments: Array(segments[(bindIndex + 1)...])).render(dialect).text)
    cache.withLock { $0[key] = template }
    return template
  }
}
