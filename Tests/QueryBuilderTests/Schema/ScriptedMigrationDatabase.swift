import Model
import QueryBuilder
import Synchronization

/// A database that records every statement's text and plays just enough of a database
/// for the Migrator: the `wren_migrations` table's existence and rows, BEGIN / COMMIT /
/// ROLLBACK of recorded ids. Statements whose text is in `failing` throw a syntax
/// error. Like the real backends, it refuses to start a statement in a cancelled task.
final class ScriptedMigrationDatabase: Database {
  let dialect: SQLDialect

  private struct State {
    var transcript: [String] = []
    var binds: [[SQLValue]] = []
    var tableExists = false
    var recorded: [String] = []
    var pending: [String] = []
    var failing: Set<String> = []
  }

  private let state = Mutex(State())

  init(_ dialect: SQLDialect, failing: Set<String> = []) {
    self.dialect = dialect
    state.withLock { $0.failing = failing }
  }

  /// Every statement run, in order.
  var transcript: [String] { state.withLock { $0.transcript } }
  /// Every statement's binds, in order.
  var binds: [[SQLValue]] { state.withLock { $0.binds } }
  /// The ids committed to the migrations table.
  var recorded: [String] { state.withLock { $0.recorded } }

  /// Makes `text` fail (or succeed again) from now on.
  func setFailing(_ failing: Set<String>) { state.withLock { $0.failing = failing } }

  func runExecute(_ request: StatementRequest) async throws -> Int {
    _ = try run(request.rendered)
    return 0
  }

  func runFetchAll(_ request: StatementRequest) async throws -> [Row] { try run(request.rendered) }

  func runFetchOne(_ request: StatementRequest) async throws -> Row? { try run(request.rendered).first }

  func runStream(_ request: StatementRequest) async throws -> any RowCursor { throw MisuseError("not scripted") }

  var sessionKey: ObjectIdentifier { ObjectIdentifier(self) }

  func openSession() async throws -> any DatabaseSession { ForwardingSession(self) }

  private func run(_ rendered: RenderedSQL) throws -> [Row] {
    try Task.checkCancellation()
    let text = rendered.text
    return try state.withLock { state in
      state.transcript.append(text)
      state.binds.append(rendered.binds)
      if state.failing.contains(text) {
        throw DatabaseError(code: .syntaxError, message: "scripted failure", sql: text)
      }
      if text.contains("to_regclass") {
        return [Row(columns: ["exists"], values: [.bool(state.tableExists)])]
      } else if text.contains("sqlite_master") {
        return [Row(columns: ["count"], values: [.int(state.tableExists ? 1 : 0)])]
      } else if text.hasPrefix(#"CREATE TABLE IF NOT EXISTS "wren_migrations""#) {
        state.tableExists = true
      } else if text.hasPrefix(#"SELECT "id" FROM "wren_migrations""#) {
        return state.recorded.map { Row(columns: ["id"], values: [.text($0)]) }
      } else if text.hasPrefix(#"INSERT INTO "wren_migrations""#), case .text(let id)? = rendered.binds.first {
        state.pending.append(id)
      } else if text == "COMMIT" {
        state.recorded += state.pending
        state.pending = []
      } else if text == "ROLLBACK" {
        state.pending = []
      }
      return []
    }
  }
}
