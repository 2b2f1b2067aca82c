import Model

import Logging

/// How a backend logs the statements it runs: every statement at debug level with its
/// duration and row count; bound values only when `logBinds` is set.
///
/// ```swift
/// var logging = StatementLogging(logger: Logger(label: "app.sql"))
/// logging.logBinds = true   // development only: values can be personal data
/// ```
public struct StatementLogging: Sendable {
  /// Where statements go.
  public var logger: Logger
  /// Whether bound values are logged (default: no, they are redacted).
  public var logBinds: Bool
  /// The level statements are logged at.
  public var level: Logger.Level

  /// A logging setup; by default a `wren.sql` logger, debug level, binds redacted.
  public init(logger: Logger = Logger(label: "wren.sql"), logBinds: Bool = false, level: Logger.Level = .debug) {
    self.logger = logger
    self.logBinds = logBinds
    self.level = level
  }

  /// The default setup, made once: a `wren.sql` logger at debug level.
  public static let standard = StatementLogging()

  /// Whether a statement would be logged at all; check before measuring anything.
  @inlinable
  public var isEnabled: Bool { logger.logLevel <= level }

  /// Logs one finished statement.
  public func logStatement(_ statement: RenderedSQL, duration: Duration, rows: Int?, error: (any Error)? = nil) {
    var metadata: Logger.Metadata = [
      "sql": .string(statement.text),
      "duration_ms": .string(Self.milliseconds(duration)),
    ]
    if let rows { metadata["rows"] = .stringConvertible(rows) }
    if !statement.binds.isEmpty {
      metadata["binds"] = logBinds
        ? .array(statement.binds.map { .string($0.description) })
        : .string("<\(statement.binds.count) redacted>")
    }
    if let error { metadata["error"] = .string(Self.summary(of: error)) }
    logger.log(level: level, "statement", metadata: metadata)
  }

  /// The error without the SQL (already in the `sql` field) and without binds.
  private static func summary(of error: any Error) -> String {
    guard let error = error as? DatabaseError else { return String(describing: error) }
    return "\(error.code) (\(error.sqlState ?? "-")): \(error.message)"
  }

  private static func milliseconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let ms = Double(seconds) * 1000 + Double(attoseconds) / 1e15
    return String((ms * 1000).rounded() / 1000)
  }
}
