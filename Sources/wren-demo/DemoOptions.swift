import Foundation
import Wren

/// Where the demo runs, from its command line and environment.
struct DemoOptions {
  static let usage = """
    usage: wren-demo [--sqlite PATH | --postgres URL]
      (default)        a SQLite file, wren-demo.sqlite, in the current folder
      --sqlite PATH    another SQLite file (":memory:" for an in-memory database)
      --postgres URL   a PostgreSQL server; DATABASE_URL works too
    """

  enum Target {
    case sqlite(path: String)
    case postgres(url: String)
  }

  let target: Target

  init(arguments: [String], environment: [String: String]) throws {
    var target: Target?
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      guard argument == "--sqlite" || argument == "--postgres" else {
        throw MisuseError("unknown argument \(argument)\n\(Self.usage)")
      }
      guard index + 1 < arguments.count else { throw MisuseError("\(argument) needs a value\n\(Self.usage)") }
      let value = arguments[index + 1]
      target = argument == "--sqlite" ? .sqlite(path: value) : .postgres(url: value)
      index += 2
    }
    if target == nil, let url = environment["DATABASE_URL"], !url.isEmpty { target = .postgres(url: url) }
    self.target = target ?? .sqlite(path: "wren-demo.sqlite")
  }

  var describeTarget: String {
    switch target {
    case .sqlite(let path): "SQLite (\(path))"
    case .postgres(let url): "PostgreSQL (\(Self.redactingPassword(url)))"
    }
  }

  /// An open database and how to close it.
  struct OpenDatabase {
    let db: any Database
    let close: @Sendable () async -> Void
  }

  func open() async throws -> OpenDatabase {
    switch target {
    case .sqlite(let path):
      let db = path == ":memory:" ? try SQLiteDatabase.inMemory() : try SQLiteDatabase(path: path)
      return OpenDatabase(db: db, close: { await db.close() })
    case .postgres(let url):
      let pool = try await PostgresDatabase(url: url, pool: PoolOptions(
        minSize: 1, maxSize: 4,
        connection: PostgresConnectionOptions(serverSettings: ["client_min_messages": "warning"],
                                              applicationName: "wren-demo")))
      return OpenDatabase(db: pool, close: { await pool.close() })
    }
  }

  /// `postgres://user:secret@host/db` -> `postgres://user:***@host/db`.
  static func redactingPassword(_ url: String) -> String {
    guard let schemeEnd = url.range(of: "://"), let at = url[schemeEnd.upperBound...].firstIndex(of: "@") else { return url }
    let credentials = url[schemeEnd.upperBound..<at]
    guard let colon = credentials.firstIndex(of: ":") else { return url }
    return String(url[..<credentials.index(after: colon)]) + "***" + String(url[at...])
  }
}
