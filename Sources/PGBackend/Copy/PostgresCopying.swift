#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Model
import QueryBuilder

/// What COPY runs on: ``PostgresConnection`` and ``PostgresDatabase`` (the pool).
/// The COPY methods (`copy(into:…)`, `copy(from:…)`, `Model.copy(_:into:)`) are
/// written once over it.
public protocol PostgresCopying: Sendable {
  /// Runs `body` on a connection nobody else uses meanwhile (inside an atomic block:
  /// the block's, with the block's remaining budget). The COPY methods' plumbing;
  /// ``PostgresCopyConnection`` offers apps nothing to call.
  func withCopyConnection<T>(_ body: (PostgresCopyConnection, Duration?) async throws -> T) async throws -> T
}

/// A connection lent to a COPY: opaque outside Wren.
public struct PostgresCopyConnection {
  let handle: PostgresConnectionHandle
}

extension TransactionRoute {
  /// The block's PostgreSQL handle, in the block's turn.
  func withPostgresHandle<T>(_ body: (PostgresCopyConnection, Duration?) async throws -> T) async throws -> T {
    try await withSession { session, budget in
      guard let session = PostgresSession.unwrap(session) else {
        throw MisuseError("COPY inside an atomic block needs the block to run on PostgreSQL")
      }
      return try await session.withHandle { try await body(PostgresCopyConnection(handle: $0), budget) }
    }
  }
}

extension PostgresConnection: PostgresCopying {
  /// Runs `body` holding this connection (or in the current atomic block on it).
  public func withCopyConnection<T>(_ body: (PostgresCopyConnection, Duration?) async throws -> T) async throws -> T {
    if let route = TransactionRoute.current(for: self) { return try await route.withPostgresHandle(body) }
    return try await withHandle { try await body(PostgresCopyConnection(handle: $0), nil) }
  }
}

extension PostgresDatabase: PostgresCopying {
  /// Runs `body` on a connection taken for it (or in the current atomic block on the pool).
  public func withCopyConnection<T>(_ body: (PostgresCopyConnection, Duration?) async throws -> T) async throws -> T {
    if let route = TransactionRoute.current(for: self) { return try await route.withPostgresHandle(body) }
    let leased = try await acquire(holder: "copy", timeout: options.acquireTimeout)
    do {
      let value = try await leased.connection.withCopyConnection(body)
      await release(leased, skippingReset: !leased.connection.hasOpenTransaction)
      return value
    } catch {
      await release(leased, skippingReset: !leased.connection.hasOpenTransaction)
      throw error
    }
  }
}

/// COPY's operations, written once for connections and pools.
struct Copier<Runner: PostgresCopying> {
  /// Rows are sent in chunks of about this many bytes.
  static var chunkSize: Int { 64 * 1024 }

  let runner: Runner

  /// Binary COPY of rows into `table`, the column types read from the server first.
  func copyRows(into table: String, schema: String?, columns: [String]?, timeout: Duration?,
                next: () async throws -> [SQLValue]?) async throws -> Int {
    let target = try Self.qualified(table, schema)
    let list = try columns.map(Self.columnList)
    let selected = columns.map { $0.map(SQLDialect.postgres.quoteIdentifier).joined(separator: ", ") } ?? "*"
    return try await runner.withCopyConnection { connection, budget in
      let handle = connection.handle
      let limit = shorterLimit(timeout, budget)
      let described = try await handle.describeResult("SELECT " + selected + " FROM " + target, timeout: limit)
      var encoder = BinaryCopyEncoder(table: table, columns: described.columns.names, types: described.columnTypes)
      let columnList = try list ?? Self.columnList(described.columns.names)
      var finished = false
      return try await handle.copyIn("COPY \(target) \(columnList) FROM STDIN (FORMAT binary)", timeout: limit) {
        guard !finished else { return nil }
        while encoder.buffer.count < Self.chunkSize {
          guard let row = try await next() else {
            encoder.finish()
            finished = true
            break
          }
          try encoder.append(row)
        }
        return encoder.take()
      }
    }
  }

  /// COPY of data already in a COPY format into `table`.
  func copyData(into table: String, schema: String?, columns: [String]?, format: CopyFormat, timeout: Duration?,
                next: () async throws -> [UInt8]?) async throws -> Int {
    let sql = "COPY \(try Self.qualified(table, schema))\(try columns.map { " " + (try Self.columnList($0)) } ?? "") FROM STDIN"
      + (try Self.options(format))
    return try await runner.withCopyConnection { connection, budget in
      try await connection.handle.copyIn(sql, timeout: shorterLimit(timeout, budget), next: next)
    }
  }

  /// COPY of a table, or of a query (`COPY (query) TO STDOUT`), to `sink`.
  func copyOut(_ source: String, format: CopyFormat, timeout: Duration?,
               sink: ([UInt8]) async throws -> Void) async throws -> Int {
    let sql = "COPY \(source) TO STDOUT" + (try Self.options(format))
    return try await runner.withCopyConnection { connection, budget in
      try await connection.handle.copyOut(sql, timeout: shorterLimit(timeout, budget), sink: sink)
    }
  }

  /// `"schema"."table"`.
  static func qualified(_ table: String, _ schema: String?) throws -> String {
    for name in [table] + (schema.map { [$0] } ?? []) where name.isEmpty || name.utf8.contains(0) {
      throw MisuseError("a COPY table or schema name must be non-empty and free of NUL bytes")
    }
    let quoted = SQLDialect.postgres.quoteIdentifier(table)
    return schema.map { SQLDialect.postgres.quoteIdentifier($0) + "." + quoted } ?? quoted
  }

  /// `("a", "b")`.
  static func columnList(_ columns: [String]) throws -> String {
    guard !columns.isEmpty, columns.allSatisfy({ !$0.isEmpty && !$0.utf8.contains(0) }) else {
      throw MisuseError("COPY needs at least one column, each named without NUL bytes")
    }
    return "(" + columns.map(SQLDialect.postgres.quoteIdentifier).joined(separator: ", ") + ")"
  }

  /// `(FORMAT ...)`, checked.
  static func options(_ format: CopyFormat) throws -> String {
    if format.null?.utf8.contains(0) == true || format.delimiter.map({ $0 == "\0" }) == true {
      throw MisuseError("COPY options cannot contain NUL bytes")
    }
    return format.optionsSQL
  }

  /// `COPY (query)`: the query's text; binds cannot go into COPY.
  static func querySource(_ query: SQL) throws -> String {
    let rendered = query.render(.postgres)
    guard rendered.binds.isEmpty else {
      throw MisuseError("COPY (query) TO STDOUT cannot take bind parameters; write the values into the query or copy from a table")
    }
    guard !rendered.text.utf8.contains(0) else { throw MisuseError("the COPY query contains a NUL byte") }
    return "(" + rendered.text + ")"
  }

}

extension PostgresConnectionHandle {
  /// The columns and types `sql` returns (prepared, described and cached).
  func describeResult(_ sql: String, timeout: Duration?) async throws -> PreparedStatement {
    try await cancellable(timeout: timeout) { clock in
      try await prepared(RenderedSQL(text: sql, binds: []), clock: &clock)
    }
  }
}

/// Reading and writing the files of `copy(…fromFile:)` and `copy(…toFile:)` with
/// plain system calls, in chunks.
enum CopyFile {
  /// Calls `body` with a reader of `path`'s chunks.
  static func reading<T>(_ path: String, _ body: (() throws -> [UInt8]?) async throws -> T) async throws -> T {
    let fd = try open(path, flags: O_RDONLY)
    defer { _ = close(fd) }
    var buffer = [UInt8](repeating: 0, count: 256 * 1024)
    return try await body {
      let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count < 0 { throw MisuseError("cannot read \(path): errno \(errno)") }
      return count == 0 ? nil : Array(buffer[0..<count])
    }
  }

  /// Calls `body` with a writer to `path` (created or truncated).
  static func writing<T>(_ path: String, _ body: (([UInt8]) throws -> Void) async throws -> T) async throws -> T {
    let fd = try open(path, flags: O_WRONLY | O_CREAT | O_TRUNC)
    defer { _ = close(fd) }
    return try await body { chunk in
      var rest = chunk[...]
      while !rest.isEmpty {
        let written = rest.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 { throw MisuseError("cannot write \(path): errno \(errno)") }
        rest = rest.dropFirst(written)
      }
    }
  }

  private static func open(_ path: String, flags: Int32) throws -> Int32 {
    guard !path.utf8.contains(0) else { throw MisuseError("the file path contains a NUL byte") }
    #if canImport(Glibc)
    let fd = Glibc.open(path, flags | O_CLOEXEC, 0o644)
    #else
    let fd = Darwin.open(path, flags | O_CLOEXEC, 0o644)
    #endif
    guard fd >= 0 else { throw MisuseError("cannot open \(path): errno \(errno)") }
    return fd
  }
}

/// The shorter of two optional time limits (nil: none).
func shorterLimit(_ a: Duration?, _ b: Duration?) -> Duration? {
  switch (a, b) {
  case let (a?, b?): min(a, b)
  case let (a, b): a ?? b
  }
}
