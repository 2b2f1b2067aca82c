import Model
import QueryBuilder

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

/// The shorter of two optional time limits (nil: none).
func shorterLimit(_ a: Duration?, _ b: Duration?) -> Duration? {
  switch (a, b) {
  case let (a?, b?): min(a, b)
  case let (a, b): a ?? b
  }
}
