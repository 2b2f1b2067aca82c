import Model

/// A piece of SQL whose interpolated values are bind parameters, never text.
///
/// ```swift
/// let sql: SQL = "SELECT * FROM users WHERE name = \(name) AND age > \(age)"
/// sql.render(.postgres).text   // SELECT * FROM users WHERE name = $1 AND age > $2
/// let table: SQL = "TRUNCATE \(identifier: "users")"   // quoted: "users"
/// let risky: SQL = "ORDER BY \(unsafeRaw: column)"     // raw text: loud on purpose
/// ```
///
/// The tree keeps text, binds and identifiers apart; placeholders (`$1` / `?1`) are
/// chosen only when the statement is rendered for a dialect.
///
/// A piece the query builder cannot express in some dialect (a row lock inside a
/// subquery, for SQLite) is written as it would be sent and remembered as a
/// *refusal* for that dialect: it travels with the piece into every statement built
/// from it, and rendering the statement for that dialect fails (the builder's `sql(_:)`
/// and fetches throw; ``RenderedSQL/validate(for:)``, which every backend runs before
/// sending, throws for SQL written by hand around such a piece).
public struct SQL: Sendable, Hashable {
  /// One piece of a statement.
  public enum Segment: Sendable, Hashable {
    /// SQL text, written by the programmer.
    case text(String)
    /// A value sent as a bind parameter.
    case bind(SQLValue)
    /// An identifier, quoted when rendered; several parts are joined with dots.
    case identifier([String])
    /// A model column: `"table"."name"` in statements over several tables, `"name"`
    /// in statements over one.
    case column(table: String, name: String)
    /// A table a statement reads from (FROM or JOIN), rendered as a quoted identifier
    /// followed by `AS "alias"` when it has one; lets column resolution see which names
    /// a statement reaches (its columns then belong to the alias).
    case table(String, alias: String? = nil)
    /// Text that differs by dialect (both spellings written out, so that a `switch`
    /// over dialects shows the difference).
    case dialectText(postgres: String, sqlite: String)
  }

  /// The pieces, in order.
  public private(set) var segments: [Segment] {
    didSet { isPlainModelStatement = false }
  }

  /// Why the statement cannot be rendered for some dialects, in the order the pieces
  /// that cannot were written; empty for almost every statement.
  private(set) var refusals: [Refusal] = []

  /// A piece of the statement that `dialect` cannot express, and the error rendering
  /// the statement for it raises.
  struct Refusal: Sendable, Hashable {
    let dialect: SQLDialect
    let error: MisuseError
  }

  /// Set on the statements the query builder makes from a model's metadata alone (the
  /// keyed select of `fetchOne(_:id:)`, the single-row insert): plain reads and writes
  /// that cannot change the session, so a pool need not scan their text. Any change
  /// to the statement clears it; it is not part of the statement's identity.
  package var isPlainModelStatement = false

  /// An empty statement.
  public init() { segments = [] }

  /// A statement made of `segments`.
  public init(segments: [Segment]) { self.segments = segments }

  /// SQL text taken as written (no binds). Prefer a literal or interpolation.
  public init(unsafeRaw text: String) { segments = text.isEmpty ? [] : [.text(text)] }

  /// Statements are equal when their pieces are and they are refused for the same
  /// dialects with the same errors: the same pieces with and without a refusal render
  /// differently (one of them throws).
  public static func == (lhs: SQL, rhs: SQL) -> Bool {
    lhs.segments == rhs.segments && lhs.refusals == rhs.refusals
  }

  /// Hashes the pieces and the refusals.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(segments)
    hasher.combine(refusals)
  }

  /// Whether nothing has been written.
  public var isEmpty: Bool { segments.isEmpty }

  /// Makes rendering the statement for `dialect` fail with `error`: for a piece just
  /// written that `dialect` cannot express (the builder's row locks on SQLite).
  mutating func refuse(_ dialect: SQLDialect, _ error: MisuseError) {
    let refusal = Refusal(dialect: dialect, error: error)
    if !refusals.contains(refusal) { refusals.append(refusal) }
  }

  /// The error rendering for `dialect` raises, if any: the first piece it cannot express.
  func refusal(for dialect: SQLDialect) -> MisuseError? {
    refusals.isEmpty ? nil : refusals.first { $0.dialect == dialect }?.error
  }

  /// The statement as it is sent in `dialect`: checked that `dialect` can express every
  /// piece of it (subqueries included), its columns resolved (see ``resolvingColumns()``).
  /// Every statement the query builder runs goes through here.
  /// - Throws: ``MisuseError`` for a piece `dialect` cannot express, or for ambiguous
  ///   columns.
  func resolved(for dialect: SQLDialect) throws -> SQL {
    if let error = refusal(for: dialect) { throw error }
    return try resolvingColumns()
  }

  /// The bind values in order.
  public var binds: [SQLValue] {
    segments.compactMap { if case .bind(let v) = $0 { v } else { nil } }
  }

  /// Appends `other` (and whatever keeps it from rendering in some dialects).
  public mutating func append(_ other: SQL) {
    segments.append(contentsOf: other.segments)
    guard !other.refusals.isEmpty else { return }  // almost every fragment: nothing more to do
    for refusal in other.refusals { refuse(refusal.dialect, refusal.error) }
  }

  /// Appends programmer-written SQL text.
  public mutating func append(unsafeRaw text: String) {
    if case .text(let last)? = segments.last {
      segments[segments.count - 1] = .text(last + text)
    } else if !text.isEmpty {
      segments.append(.text(text))
    }
  }

  /// Appends a bind parameter.
  public mutating func append(bind value: SQLValue) { segments.append(.bind(value)) }

  /// Appends a model column (qualified or not when rendered).
  public mutating func append(column name: String, table: String) { segments.append(.column(table: table, name: name)) }

  /// Appends a quoted identifier (`schema.table` parts as separate strings).
  public mutating func append(identifier parts: String...) { segments.append(.identifier(parts)) }

  /// The same statement with model columns turned into plain identifiers: bare
  /// (`"age"`) when all of them belong to one table, qualified (`"users"."age"`) when
  /// the statement reaches several (joins, correlated subqueries). Pieces a dialect
  /// cannot express are still refused for it.
  /// - Throws: ``MisuseError`` when the statement reads two tables under one name (a
  ///   subquery over the outer query's table, neither aliased): its columns would be
  ///   ambiguous. Give one of them an alias (`Model.aliased("other")`).
  public func resolvingColumns() throws -> SQL {
    var tables = Set<String>()
    var sources: [String: Int] = [:]
    for segment in segments {
      switch segment {
      case .column(let table, _): tables.insert(table)
      case .table(let name, let alias): sources[alias ?? name, default: 0] += 1
      default: break
      }
    }
    if let repeated = sources.first(where: { $0.value > 1 })?.key {
      throw MisuseError("the statement reads two tables named \"\(repeated)\" (a subquery over the outer query's table?); its columns would be ambiguous: give one an alias with .aliased(\"name\")")
    }
    let qualified = tables.count > 1
    var resolved = SQL(segments: segments.map { segment in
      guard case .column(let table, let name) = segment else { return segment }
      return .identifier(qualified ? [table, name] : [name])
    })
    resolved.refusals = refusals
    return resolved
  }

  /// `self` followed by `other`.
  public static func + (lhs: SQL, rhs: SQL) -> SQL {
    var copy = lhs
    copy.append(rhs)
    return copy
  }

  /// The fragments joined with `separator` (text, not a bind).
  public static func joined(_ fragments: [SQL], separator: String) -> SQL {
    var result = SQL()
    for (index, fragment) in fragments.enumerated() {
      if index > 0 { result.append(unsafeRaw: separator) }
      result.append(fragment)
    }
    return result
  }

  /// The statement's text for `dialect`, with placeholders numbered from 1, and its binds.
  /// Model columns are qualified with their table unless `qualifyColumns` is false
  /// (statements over a single table). A statement with a piece `dialect` cannot
  /// express is rendered as written, carrying the error in
  /// ``RenderedSQL/renderingError``: ``RenderedSQL/validate(for:)`` throws it.
  public func render(_ dialect: SQLDialect, qualifyColumns: Bool = true) -> RenderedSQL {
    var text = ""
    var binds: [SQLValue] = []
    for segment in segments {
      switch segment {
      case .text(let t): text += t
      case .bind(let v):
        binds.append(v)
        text += dialect.placeholder(binds.count)
      case .identifier(let parts):
        text += parts.map(dialect.quoteIdentifier).joined(separator: ".")
      case .column(let table, let name):
        if qualifyColumns { text += dialect.quoteIdentifier(table) + "." }
        text += dialect.quoteIdentifier(name)
      case .table(let name, let alias):
        text += dialect.quoteIdentifier(name)
        if let alias { text += " AS " + dialect.quoteIdentifier(alias) }
      case .dialectText(let postgres, let sqlite):
        switch dialect {
        case .postgres: text += postgres
        case .sqlite: text += sqlite
        }
      }
    }
    var rendered = RenderedSQL(text: text, binds: binds)
    rendered.renderingError = refusal(for: dialect)
    return rendered
  }
}

extension SQL: ExpressibleByStringInterpolation {
  /// A literal without interpolations: SQL text as written.
  public init(stringLiteral value: String) { self.init(unsafeRaw: value) }

  /// A literal with interpolations: see ``Interpolation``.
  public init(stringInterpolation: Interpolation) {
    segments = stringInterpolation.sql.segments
    refusals = stringInterpolation.sql.refusals
  }

  /// Builds an ``SQL`` from a string literal: literal text stays text, each
  /// interpolated value becomes a bind parameter.
  public struct Interpolation: StringInterpolationProtocol {
    @usableFromInline var sql = SQL()

    /// Reserves room for the literal.
    public init(literalCapacity: Int, interpolationCount: Int) {
      sql.segments.reserveCapacity(interpolationCount * 2 + 1)
    }

    /// Literal text of the statement.
    public mutating func appendLiteral(_ literal: String) { sql.append(unsafeRaw: literal) }

    /// `\(value)`: a bind parameter.
    @inlinable
    public mutating func appendInterpolation<T: SQLValueConvertible>(_ value: T) {
      sql.append(bind: value.sqlValue)
    }

    /// `\(optional)`: a bind parameter, NULL for nil. (A separate overload so that
    /// interpolating an Optional is not mistaken for printing one.)
    @inlinable
    public mutating func appendInterpolation<T: SQLValueConvertible>(_ value: T?) {
      sql.append(bind: value.sqlValue)
    }

    /// `\(identifier: "users")` or `\(identifier: "public", "users")`: quoted identifier.
    public mutating func appendInterpolation(identifier parts: String...) {
      sql.segments.append(.identifier(parts))
    }

    /// `\(fragment)`: another SQL fragment, its binds kept as binds.
    public mutating func appendInterpolation(_ fragment: SQL) { sql.append(fragment) }

    /// `\(unsafeRaw: text)`: text spliced into the statement as written. Never pass
    /// user input here.
    public mutating func appendInterpolation(unsafeRaw text: String) { sql.append(unsafeRaw: text) }
  }
}

extension SQL: CustomStringConvertible {
  /// The PostgreSQL rendering, binds as placeholders (values never appear).
  public var description: String { render(.postgres).text }
}

/// A statement rendered for one dialect: text with placeholders, and the binds.
public struct RenderedSQL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
  /// The SQL text with `$n` / `?n` placeholders.
  public var text: String
  /// The values for the placeholders, in order.
  public var binds: [SQLValue]
  /// Why the statement cannot be sent in the dialect it was rendered for (a piece the
  /// dialect cannot express, such as a row lock in a subquery on SQLite); nil for
  /// every statement that can. ``validate(for:)`` throws it.
  public internal(set) var renderingError: MisuseError?

  /// A rendered statement.
  public init(text: String, binds: [SQLValue]) {
    self.text = text
    self.binds = binds
  }

  /// The text only: binds are never printed by default.
  public var description: String { text }
  /// The text and the binds.
  public var debugDescription: String { text + "   binds: " + binds.description }
}
