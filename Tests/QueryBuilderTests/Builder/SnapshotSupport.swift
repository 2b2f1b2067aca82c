import Model
import QueryBuilder
import Synchronization
import Testing

extension Shop {
  /// Every builder shape that can be rendered without running it.
  protocol RendersSQL {
    func sql(_ dialect: SQLDialect) throws -> RenderedSQL
  }

  /// Checks the statement rendered for `dialect` against the text each dialect should
  /// produce, written side by side, and the binds (the same for both dialects).
  /// - Throws: what rendering throws.
  static func expectSQL(
    _ statement: some RendersSQL, _ dialect: SQLDialect, postgres: String, sqlite: String, binds: [SQLValue] = [],
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    try expectSQL({ try statement.sql($0) }, dialect, postgres: postgres, sqlite: sqlite, binds: binds,
                  sourceLocation: sourceLocation)
  }

  /// The same for statements rendered by a closure (`updateSQL`, `deleteSQL`, ...).
  static func expectSQL(
    _ render: (SQLDialect) throws -> RenderedSQL, _ dialect: SQLDialect, postgres: String, sqlite: String,
    binds: [SQLValue] = [], sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let expected = switch dialect {
    case .postgres: postgres
    case .sqlite: sqlite
    }
    let rendered = try render(dialect)
    #expect(rendered.text == expected, sourceLocation: sourceLocation)
    #expect(rendered.binds == binds, sourceLocation: sourceLocation)
    // Whatever the builder renders must be sendable as is.
    try rendered.validate(for: dialect)
  }

  /// A `Database` that runs nothing: it records each statement as rendered for its
  /// dialect and answers with rows the test chose, so that methods which build their
  /// SQL only while running (`insert`, `upsert`, `insertAll`, `count`) can be checked
  /// for both dialects without a server. (QueryBuilder's `RecordingDatabase` records
  /// too, but runs each statement on a real database.)
  final class ScriptedDatabase: Database {
    let dialect: SQLDialect
    private let log = Mutex<[RenderedSQL]>([])
    private let respond: @Sendable (RenderedSQL) -> [Row]

    init(_ dialect: SQLDialect, respond: @escaping @Sendable (RenderedSQL) -> [Row] = { _ in [] }) {
      self.dialect = dialect
      self.respond = respond
    }

    /// What was sent, in order.
    var statements: [RenderedSQL] { log.withLock { $0 } }

    private func record(_ request: StatementRequest) -> [Row] {
      log.withLock { $0.append(request.rendered) }
      return respond(request.rendered)
    }

    func runExecute(_ request: StatementRequest) async throws -> Int {
      _ = record(request)
      return 1
    }

    func runFetchAll(_ request: StatementRequest) async throws -> [Row] { record(request) }

    func runFetchOne(_ request: StatementRequest) async throws -> Row? { record(request).first }

    func runStream(_ request: StatementRequest) async throws -> any RowCursor {
      throw MisuseError("ScriptedDatabase does not stream")
    }

    var sessionKey: ObjectIdentifier { ObjectIdentifier(self) }

    func openSession() async throws -> any DatabaseSession { ForwardingSession(self) }
  }

  /// One row with one column.
  static func row(_ value: SQLValue) -> Row { Row(columns: ["value"], values: [value]) }
}

extension Query: Shop.RendersSQL {}
extension Projection: Shop.RendersSQL {}
extension Join: Shop.RendersSQL {}
extension LeftJoin: Shop.RendersSQL {}
extension JoinProjection: Shop.RendersSQL {}
