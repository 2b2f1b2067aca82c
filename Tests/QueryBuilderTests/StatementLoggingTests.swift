import Logging
import QueryBuilder
import Synchronization
import Testing

/// A log handler that keeps what it is given, for inspection.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
  // @unchecked: the mutable record sits behind a Mutex; the handler's own
  // metadata/logLevel are value settings changed only before use, as swift-log expects.
  struct Entry: Sendable {
    var level: Logger.Level
    var message: String
    var metadata: Logger.Metadata
  }

  let entries = Mutex<[Entry]>([])
  var metadata: Logger.Metadata = [:]
  var logLevel: Logger.Level = .trace

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    let entry = Entry(level: event.level, message: event.message.description,
                      metadata: metadata.merging(event.metadata ?? [:]) { $1 })
    entries.withLock { $0.append(entry) }
  }

  var recorded: [Entry] { entries.withLock { $0 } }

  func logger() -> Logger { Logger(label: "test") { _ in self } }
}

@Suite struct StatementLoggingTests {
  let statement = RenderedSQL(text: "SELECT * FROM users WHERE email = $1", binds: [.text("alice@example.com")])

  @Test func statementsAreLoggedAtDebugWithSQLDurationAndRows() throws {
    let handler = CapturingLogHandler()
    StatementLogging(logger: handler.logger()).logStatement(statement, duration: .milliseconds(3), rows: 1)
    let entry = try #require(handler.recorded.first)
    #expect(entry.level == .debug)
    #expect(entry.metadata["sql"] == .string(statement.text))
    #expect(entry.metadata["duration_ms"] == .string("3.0"))
    #expect(entry.metadata["rows"] == .stringConvertible(1))
  }

  @Test func bindsAreRedactedByDefault() throws {
    let handler = CapturingLogHandler()
    StatementLogging(logger: handler.logger()).logStatement(statement, duration: .zero, rows: nil)
    let entry = try #require(handler.recorded.first)
    #expect(entry.metadata["binds"] == .string("<1 redacted>"))
    #expect(!"\(entry.metadata)".contains("alice@example.com"))
  }

  @Test func bindsAreShownWhenAskedFor() throws {
    let handler = CapturingLogHandler()
    StatementLogging(logger: handler.logger(), logBinds: true).logStatement(statement, duration: .zero, rows: nil)
    let entry = try #require(handler.recorded.first)
    #expect(entry.metadata["binds"] == .array([.string("'alice@example.com'")]))
  }

  @Test func aFailedStatementLogsItsErrorWithoutRepeatingTheSQLOrBinds() throws {
    let handler = CapturingLogHandler()
    let error = DatabaseError(code: .uniqueViolation, message: "duplicate key", sql: statement.text, binds: statement.binds)
    StatementLogging(logger: handler.logger()).logStatement(statement, duration: .zero, rows: nil, error: error)
    let entry = try #require(handler.recorded.first)
    #expect(entry.metadata["error"] == .string("uniqueViolation (23505): duplicate key"))
  }

  @Test func nothingIsLoggedBelowTheLoggersLevel() {
    let handler = CapturingLogHandler()
    handler.logLevel = .info
    let logging = StatementLogging(logger: handler.logger())
    #expect(!logging.isEnabled)
    logging.logStatement(statement, duration: .zero, rows: nil)
    #expect(handler.recorded.isEmpty)
  }
}
