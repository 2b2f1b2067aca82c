import CLibPQ
import Model
import QueryBuilder

extension PostgresConnectionHandle {
  /// Runs `batch` once per row in libpq's pipeline mode: the statement is prepared
  /// once, every row is sent without waiting for answers, and one Sync ends the
  /// batch, so the rows cost one round trip and run in one implicit transaction (or
  /// in the open one): a failing row leaves nothing of the batch behind.
  ///
  /// See https://www.postgresql.org/docs/current/libpq-pipeline-mode.html.
  /// - Returns: the rows changed in all.
  /// - Throws: the first failing row's ``DatabaseError`` with `batchRow` set (values
  ///   that cannot be encoded fail before anything is sent); `CancellationError`.
  func runBatch(_ batch: BatchStatement, _ rows: [[SQLValue]], timeout: Duration?) async throws -> Int {
    guard !rows.isEmpty else { return 0 }
    return try await cancellable(timeout: timeout) { clock in
      do {
        return try await pipeline(batch, rows, clock: &clock)
      } catch let error as DatabaseError where error.isStalePreparedStatement && error.batchRow == 0 {
        // The cached plan went stale (a schema change) and nothing ran: prepare again once.
        if let stale = cache.remove(batch.postgresText), error.sqlState != "26000" { pendingDeallocations.append(stale.name) }
        guard transactionStatus == PQTRANS_IDLE, !Task.isCancelled else { throw error }
        return try await pipeline(batch, rows, clock: &clock)
      }
    }
  }

  private func pipeline(_ batch: BatchStatement, _ rows: [[SQLValue]], clock: inout StatementClock) async throws -> Int {
    let first = RenderedSQL(text: batch.postgresText, binds: rows[0])
    let (statement, encoded) = try await prepared(first, clock: &clock) { statement in
      var encoded: [PostgresParameters] = []
      encoded.reserveCapacity(rows.count)
      for (index, row) in rows.enumerated() {
        do {
          encoded.append(try PostgresParameters(row, types: statement.parameterTypes,
                                                sql: RenderedSQL(text: batch.postgresText, binds: row)))
        } catch var error as DatabaseError {
          error.batchRow = index
          throw error
        }
      }
      return encoded
    }
    try Task.checkCancellation()
    guard PQenterPipelineMode(conn) == 1 else { throw connectionLost(first) }
    defer { leavePipelineMode() }
    for (index, parameters) in encoded.enumerated() {
      let sent = parameters.withCArrays { values, lengths, formats in
        PQsendQueryPrepared(conn, statement.name, Int32(batch.parameterCount), values, lengths, formats,
                            statement.resultFormat)
      }
      guard sent == 1 else { throw connectionLost(first) }
      // Keep the output buffer small; flushing also reads the answers so far.
      if index % 512 == 511 { try await flush(&clock, sql: first) }
    }
    guard PQpipelineSync(conn) == 1 else { throw connectionLost(first) }
    try await flush(&clock, sql: first)
    return try await collectBatchResults(batch, rows, clock: &clock)
  }

  /// Reads each row's results up to the Sync: libpq ends each statement's results
  /// with a nil, the first failure is an error result and the rest are "aborted".
  private func collectBatchResults(_ batch: BatchStatement, _ rows: [[SQLValue]],
                                   clock: inout StatementClock) async throws -> Int {
    let sql = RenderedSQL(text: batch.postgresText, binds: [])
    var row = 0
    var changed = 0
    var failure: DatabaseError?
    while true {
      guard let result = try await nextResult(&clock, sql: sql) else {
        row += 1
        continue
      }
      switch result.status {
      case PGRES_PIPELINE_SYNC:
        if var failure {
          failure.batchRow = failure.batchRow ?? 0
          throw failure
        }
        return changed
      case PGRES_PIPELINE_ABORTED:
        continue
      case PGRES_COMMAND_OK:
        changed += result.affectedRows
      case PGRES_TUPLES_OK:
        if result.changesRows { changed += Int(PQntuples(result.pointer)) }
      default:
        if result.isError, failure == nil {
          let binds = row < rows.count ? rows[row] : []
          failure = result.databaseError(sql: RenderedSQL(text: batch.postgresText, binds: binds))
          failure?.batchRow = min(row, rows.count - 1)
        }
      }
    }
  }

  /// Back to normal mode; only possible once every result was read, so a batch cut
  /// short by an error leaves the connection broken or drained first.
  private func leavePipelineMode() {
    guard PQpipelineStatus(conn) != PQ_PIPELINE_OFF else { return }
    if PQexitPipelineMode(conn) == 1 { return }
    // Results still pending (the batch was cut short): the connection cannot be
    // trusted to be in step with the server any more.
    abortSocket()
    _ = PQconsumeInput(conn)
  }
}
