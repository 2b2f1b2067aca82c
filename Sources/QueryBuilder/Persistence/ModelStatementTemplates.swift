import Model
import Synchronization

/// Per-model, per-dialect ``BindTemplate``s of the statements model calls send
/// repeatedly, built on first use and kept for the life of the process (a model's
/// schema is static, so its statements never change).
enum ModelStatementTemplates {
  /// Which statement of a model.
  enum Purpose: Hashable, Sendable {
    /// The single-row `INSERT` of `insert(_:)`; without a key it returns the generated one.
    case insert(keyIsSet: Bool)
    /// The select by primary key of `fetchOne(_:id:)`.
    case keyedSelect
  }

  private struct Key: Hashable {
    let model: ObjectIdentifier
    let dialect: SQLDialect
    let purpose: Purpose
  }

  private static let cache = Mutex<[Key: BindTemplate]>([:])

  /// The template for `purpose` of `model` in `dialect`, built with `build` (whose bind
  /// values are placeholders) the first time.
  static func template(_ purpose: Purpose, of model: any Model.Type, _ dialect: SQLDialect,
                       build: () throws -> SQL) rethrows -> BindTemplate {
    let key = Key(model: ObjectIdentifier(model), dialect: dialect, purpose: purpose)
    if let cached = cache.withLock({ $0[key] }) { return cached }
    var template = BindTemplate(try build(), dialect)
    template.makesPlainModelStatements = true  // a model's own SELECT / INSERT: no session state
    cache.withLock { $0[key] = template }
    return template
  }
}
