import Model
import QueryBuilder

// COPY on a connection and on the pool (see `Copier`). Inside an atomic block they
// run on the block's connection, in its transaction.

extension PostgresCopying {
  /// Loads rows into `table` with binary COPY (asyncpg's `copy_records_to_table`):
  /// the columns' types are read from the server, and each value is encoded for its
  /// column, NULLs included. Fastest way to load many rows.
  ///
  /// ```swift
  /// try await db.copy(into: "items", columns: ["id", "name"], rows: [[.int(1), .text("a")], [.int(2), .null]])
  /// ```
  /// - Parameter columns: the columns the rows' values are for (nil: all, in table order).
  /// - Returns: the rows loaded.
  /// - Throws: ``DatabaseError`` (a value its column cannot take names the row and
  ///   column, before anything of it is sent; a constraint violation fails the whole
  ///   COPY); ``MisuseError`` for a row of the wrong size. Nothing is loaded then.
  @discardableResult
  public func copy(into table: String, schema: String? = nil, columns: [String]? = nil,
                   rows: some Sequence<[SQLValue]>, timeout: Duration? = nil) async throws -> Int {
    var iterator = rows.makeIterator()
    return try await Copier(runner: self).copyRows(into: table, schema: schema, columns: columns, timeout: timeout) {
      iterator.next()
    }
  }

  /// Loads rows from an async sequence into `table` with binary COPY, in chunks as
  /// they come. If the sequence throws, the COPY is aborted (nothing is loaded) and
  /// its error rethrown; the connection stays usable.
  @discardableResult
  public func copy<Rows: AsyncSequence>(into table: String, schema: String? = nil, columns: [String]? = nil,
                                        rows: Rows, timeout: Duration? = nil) async throws -> Int
  where Rows.Element == [SQLValue] {
    var iterator = rows.makeAsyncIterator()
    return try await Copier(runner: self).copyRows(into: table, schema: schema, columns: columns, timeout: timeout) {
      try await iterator.next()
    }
  }

  /// Loads data already in a COPY format into `table` (asyncpg's `copy_to_table`),
  /// chunk by chunk from an async sequence of bytes.
  @discardableResult
  public func copy<Chunks: AsyncSequence>(into table: String, schema: String? = nil, columns: [String]? = nil,
                                          format: CopyFormat = .text, data: Chunks,
                                          timeout: Duration? = nil) async throws -> Int
  where Chunks.Element == [UInt8] {
    var iterator = data.makeAsyncIterator()
    return try await Copier(runner: self).copyData(into: table, schema: schema, columns: columns, format: format,
                                                   timeout: timeout) { try await iterator.next() }
  }

  /// Loads a file in a COPY format into `table`.
  @discardableResult
  public func copy(into table: String, schema: String? = nil, columns: [String]? = nil,
                   format: CopyFormat = .text, fromFile path: String, timeout: Duration? = nil) async throws -> Int {
    try await CopyFile.reading(path) { read in
      try await Copier(runner: self).copyData(into: table, schema: schema, columns: columns, format: format,
                                              timeout: timeout) { try read() }
    }
  }

  /// Copies `table` out in a COPY format (asyncpg's `copy_from_table`), handing
  /// each chunk (a line of text or CSV, a row of binary) to `sink` as it arrives.
  /// If `sink` throws, the COPY is cancelled and its error rethrown.
  /// - Returns: the rows copied.
  @discardableResult
  public func copy(from table: String, schema: String? = nil, columns: [String]? = nil,
                   format: CopyFormat = .text, timeout: Duration? = nil,
                   to sink: ([UInt8]) async throws -> Void) async throws -> Int {
    let source = try Copier<Self>.qualified(table, schema) + (try columns.map { " " + (try Copier<Self>.columnList($0)) } ?? "")
    return try await Copier(runner: self).copyOut(source, format: format, timeout: timeout, sink: sink)
  }

  /// Copies a query's rows out in a COPY format (asyncpg's `copy_from_query`).
  /// - Throws: ``MisuseError`` for a query with bind values (COPY cannot take them).
  @discardableResult
  public func copy(query: SQL, format: CopyFormat = .text, timeout: Duration? = nil,
                   to sink: ([UInt8]) async throws -> Void) async throws -> Int {
    try await Copier(runner: self).copyOut(try Copier<Self>.querySource(query), format: format, timeout: timeout, sink: sink)
  }

  /// Copies `table` out to a file (created or replaced).
  @discardableResult
  public func copy(from table: String, schema: String? = nil, columns: [String]? = nil,
                   format: CopyFormat = .text, toFile path: String, timeout: Duration? = nil) async throws -> Int {
    try await CopyFile.writing(path) { write in
      try await copy(from: table, schema: schema, columns: columns, format: format, timeout: timeout) { try write($0) }
    }
  }

  /// Copies a query's rows out to a file (created or replaced).
  @discardableResult
  public func copy(query: SQL, format: CopyFormat = .text, toFile path: String, timeout: Duration? = nil) async throws -> Int {
    try await CopyFile.writing(path) { write in
      try await copy(query: query, format: format, timeout: timeout) { try write($0) }
    }
  }
}

