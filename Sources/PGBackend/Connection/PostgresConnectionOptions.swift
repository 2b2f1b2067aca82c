import QueryBuilder

/// How to open a ``PostgresConnection``.
///
/// ```swift
/// var options = PostgresConnectionOptions()
/// options.serverSettings = ["timezone": "UTC", "statement_timeout": "0"]
/// options.commandTimeout = .seconds(30)
/// let conn = try await PostgresConnection.connect("postgres://app@localhost/app", options: options)
/// ```
/// Everything libpq's connection strings do (URIs or `key=value` strings, several
/// hosts, `target_session_attrs`, `sslmode`, `.pgpass`, `PG*` environment variables,
/// Unix sockets) is passed through to libpq unchanged; see
/// https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING.
public struct PostgresConnectionOptions: Sendable {
  /// Run-time settings applied when the session starts (`-c name=value` in libpq's
  /// `options`), e.g. `["timezone": "UTC"]`. They replace an `options` parameter
  /// given in the connection string.
  public var serverSettings: [String: String]
  /// `application_name`, shown in `pg_stat_activity`; overrides the connection string's.
  public var applicationName: String?
  /// How long connecting may take (nil: wait as long as the network does).
  public var connectTimeout: Duration?
  /// How long any one statement may run before it is cancelled on the server (nil: no limit).
  public var commandTimeout: Duration?
  /// How many prepared statements to keep per connection; 0 prepares every statement
  /// unnamed (needed behind PgBouncer in transaction mode).
  public var statementCacheCapacity: Int
  /// Statement logging (debug level; binds redacted unless asked).
  public var logging: StatementLogging
  /// How long a connection may spin polling its socket for a fast reply before it
  /// suspends (it backs off by itself when spinning does not pay); `.zero` turns it
  /// off. Spinning never blocks a thread.
  public var busyPollBudget: Duration

  /// Options with libpq's defaults, a 10 s connect timeout and a 256-statement cache.
  public init(serverSettings: [String: String] = [:], applicationName: String? = nil,
              connectTimeout: Duration? = .seconds(10), commandTimeout: Duration? = nil,
              statementCacheCapacity: Int = 256, logging: StatementLogging = StatementLogging(),
              busyPollBudget: Duration = .microseconds(200)) {
    self.busyPollBudget = busyPollBudget
    self.serverSettings = serverSettings
    self.applicationName = applicationName
    self.connectTimeout = connectTimeout
    self.commandTimeout = commandTimeout
    self.statementCacheCapacity = statementCacheCapacity
    self.logging = logging
  }

  /// libpq keyword/value pairs: the connection string first (expanded by libpq),
  /// then what these options override.
  func libpqParameters(connectionString: String) -> [(String, String)] {
    var parameters: [(String, String)] = [("dbname", connectionString), ("client_encoding", "UTF8")]
    if let applicationName { parameters.append(("application_name", applicationName)) }
    if !serverSettings.isEmpty {
      let flags = serverSettings.sorted { $0.key < $1.key }.map { name, value in
        "-c " + Self.escapeOption(name) + "=" + Self.escapeOption(value)
      }
      parameters.append(("options", flags.joined(separator: " ")))
    }
    return parameters
  }

  /// libpq splits `options` on spaces; a backslash escapes the next character.
  private static func escapeOption(_ text: String) -> String {
    var escaped = ""
    for character in text {
      if character == " " || character == "\\" { escaped.append("\\") }
      escaped.append(character)
    }
    return escaped
  }
}
