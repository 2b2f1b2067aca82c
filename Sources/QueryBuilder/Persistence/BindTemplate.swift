import Model

/// A statement's text rendered once for a dialect, with holes where its binds go: the
/// statements a model call sends over and over (a single-row insert, a keyed select)
/// are built and rendered on first use, then only filled in.
struct BindTemplate: Sendable {
  /// The text between binds: one more piece than there are binds.
  let pieces: [String]
  /// Whether its statements are plain model statements (see ``SQL/isPlainModelStatement``).
  var makesPlainModelStatements = false

  /// The template of `sql` in `dialect`; its bind values are ignored.
  init(_ sql: SQL, _ dialect: SQLDialect) {
    var pieces: [String] = []
    var run: [SQL.Segment] = []
    for segment in sql.segments {
      if case .bind = segment {
        pieces.append(SQL(segments: run).render(dialect).text)
        run.removeAll(keepingCapacity: true)
      } else {
        run.append(segment)
      }
    }
    pieces.append(SQL(segments: run).render(dialect).text)
    self.pieces = pieces
  }

  /// How many binds the template takes.
  var bindCount: Int { pieces.count - 1 }

  /// The statement with its one hole filled (no array of binds to build: the keyed
  /// select's path).
  /// - Precondition: `bindCount == 1`.
  func statement(_ bind: SQLValue) -> SQL {
    precondition(bindCount == 1, "BindTemplate: 1 bind for \(bindCount) holes")
    var segments: [SQL.Segment] = []
    segments.reserveCapacity(3)
    if !pieces[0].isEmpty { segments.append(.text(pieces[0])) }
    segments.append(.bind(bind))
    if !pieces[1].isEmpty { segments.append(.text(pieces[1])) }
    return made(segments)
  }

  /// The statement with `binds` in its holes, in order.
  /// - Precondition: `binds.count == bindCount`.
  func statement(_ binds: [SQLValue]) -> SQL {
    precondition(binds.count == bindCount, "BindTemplate: \(binds.count) binds for \(bindCount) holes")
    var segments: [SQL.Segment] = []
    segments.reserveCapacity(pieces.count * 2)
    for (index, bind) in binds.enumerated() {
      if !pieces[index].isEmpty { segments.append(.text(pieces[index])) }
      segments.append(.bind(bind))
    }
    if let last = pieces.last, !last.isEmpty { segments.append(.text(last)) }
    return made(segments)
  }

  private func made(_ segments: [SQL.Segment]) -> SQL {
    var sql = SQL(segments: segments)
    sql.isPlainModelStatement = makesPlainModelStatements
    return sql
  }
}
