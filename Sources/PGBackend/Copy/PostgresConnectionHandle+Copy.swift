import CLibPQ
import Model
import QueryBuilder

extension PostgresConnectionHandle {
  /// Runs a `COPY ... FROM STDIN` statement: sends `sql`, then every chunk `next`
  /// yields, then the end of the data. If `next` throws (or the task is cancelled),
  /// the COPY is aborted with `PQputCopyEnd`'s error message, which the server
  /// answers by rolling the COPY back: the connection stays usable and the
  /// producer's error is rethrown.
  ///
  /// See https://www.postgresql.org/docs/current/libpq-copy.html.
  /// - Returns: the rows the server loaded.
  func copyIn(_ sql: String, timeout: Duration?, next: () async throws -> [UInt8]?) async throws -> Int {
    let rendered = RenderedSQL(text: sql, binds: [])
    return try await cancellable(timeout: timeout) { clock in
      try await startCopy(rendered, expecting: PGRES_COPY_IN, clock: &clock)
      do {
        while let chunk = try await next() {
          try Task.checkCancellation()
          try await putCopyData(chunk, clock: &clock, sql: rendered)
        }
        try await endCopy(failure: nil, clock: &clock, sql: rendered)
      } catch {
        // The producer failed, or the data could not be sent: abort the COPY and
        // read the server's (expected) error, so the connection is in step again.
        if !isBroken {
          try? await endCopy(failure: "COPY aborted by the client: \(error)", clock: &clock, sql: rendered)
          _ = try? await collectResults(&clock, sql: rendered)
        }
        throw error
      }
      return try copiedRows(try await collectResults(&clock, sql: rendered), sql: rendered)
    }
  }

  /// Runs a `COPY ... TO STDOUT` statement and hands each chunk of data to `sink`
  /// as it arrives (one line of text or CSV, one row of binary). If `sink` throws,
  /// the COPY is cancelled on the server and the rest read and dropped, so the
  /// connection stays usable; the sink's error is rethrown.
  /// - Returns: the rows the server sent.
  func copyOut(_ sql: String, timeout: Duration?, sink: ([UInt8]) async throws -> Void) async throws -> Int {
    let rendered = RenderedSQL(text: sql, binds: [])
    return try await cancellable(timeout: timeout) { clock in
      try await startCopy(rendered, expecting: PGRES_COPY_OUT, clock: &clock)
      while true {
        var buffer: UnsafeMutablePointer<CChar>?
        let length = PQgetCopyData(conn, &buffer, 1)
        if length > 0, let buffer {
          let chunk = Array(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
          PQfreemem(buffer)
          do {
            try await sink(chunk)
          } catch {
            canceller.cancel(.taskCancelled)
            try? await discardCopyOut(&clock, sql: rendered)
            _ = try? await collectResults(&clock, sql: rendered)
            throw error
          }
        } else if length == 0 {
          try await readMore(&clock, sql: rendered)
        } else if length == -1 {
          break
        } else {
          throw connectionLost(rendered)
        }
      }
      return try copiedRows(try await collectResults(&clock, sql: rendered), sql: rendered)
    }
  }

  /// The columns and types `sql` returns (prepared, described and cached).
  func describeResult(_ sql: String, timeout: Duration?) async throws -> PreparedStatement {
    try await cancellable(timeout: timeout) { clock in
      try await prepared(RenderedSQL(text: sql, binds: []), clock: &clock)
    }
  }

  /// Sends `sql` and reads up to its first result, which must be `status`.
  private func startCopy(_ sql: RenderedSQL, expecting status: ExecStatusType, clock: inout StatementClock) async throws {
    try Task.checkCancellation()
    guard PQsendQuery(conn, sql.text) == 1 else { throw connectionLost(sql) }
    try await flush(&clock, sql: sql)
    guard let first = try await nextResult(&clock, sql: sql) else {
      throw DatabaseError(code: .internalError, message: "the server sent no answer to COPY", sql: sql.text)
    }
    guard first.status == status else {
      // An error (no such table, say), or not the COPY direction asked for: read the
      // rest of the results so that the connection is idle again.
      let wrongDirection = first.status == PGRES_COPY_IN || first.status == PGRES_COPY_OUT
      if first.status == PGRES_COPY_IN { _ = PQputCopyEnd(conn, "wrong COPY direction") }
      if first.status == PGRES_COPY_OUT { try? await discardCopyOut(&clock, sql: sql) }
      _ = try? await collectResults(&clock, sql: sql)
      if first.isError { throw first.databaseError(sql: sql) }
      throw MisuseError(wrongDirection
        ? "the statement copies in the other direction: \(sql.text)"
        : "the statement is not a COPY: \(sql.text)")
    }
  }

  private func putCopyData(_ chunk: [UInt8], clock: inout StatementClock, sql: RenderedSQL) async throws {
    guard !chunk.isEmpty else { return }
    while true {
      let queued = chunk.withUnsafeBytes { bytes in
        PQputCopyData(conn, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
      }
      if queued == 1 { break }
      if queued < 0 { throw connectionLost(sql) }
      try await flush(&clock, sql: sql)  // libpq's buffer is full: send some first
    }
    try await flush(&clock, sql: sql)
  }

  private func endCopy(failure: String?, clock: inout StatementClock, sql: RenderedSQL) async throws {
    while true {
      let ended = PQputCopyEnd(conn, failure)
      if ended == 1 { break }
      if ended < 0 { throw connectionLost(sql) }
      try await flush(&clock, sql: sql)
    }
    try await flush(&clock, sql: sql)
  }

  /// The row count of a finished COPY ("COPY n"); the first error result is thrown.
  private func copiedRows(_ results: [PostgresResult], sql: RenderedSQL) throws -> Int {
    if let failed = results.first(where: \.isError) { throw failed.databaseError(sql: sql) }
    return results.reduce(0) { $0 + $1.affectedRows }
  }
}
