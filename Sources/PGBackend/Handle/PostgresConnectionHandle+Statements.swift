import CLibPQ
import Model
import QueryBuilder

/// What one statement produced.
struct PostgresStatementOutcome {
  var rows: [Row] = []
  var affectedRows = 0
}

extension PostgresConnectionHandle {
  /// How a statement's results are wanted.
  enum ResultMode {
    /// Affected rows only: without binds the simple protocol runs it (several
    /// statements allowed).
    case execute
    /// Rows: always the extended protocol, prepared and described first.
    case rows
  }

  /// Runs one statement to completion: cancellable by the task, bounded by
  /// `timeout` (the server cancels it), always leaving the connection idle or broken.
  /// - Throws: ``DatabaseError``, ``MisuseError`` or `CancellationError`.
  func run(_ sql: RenderedSQL, mode: ResultMode, timeout: Duration?) async throws -> PostgresStatementOutcome {
    try await cancellable(timeout: timeout) { clock in try await runWithRetry(sql, mode: mode, clock: &clock) }
  }

  /// Runs `body`, the exchange of one statement or batch: the task's cancellation
  /// and `timeout` cancel it on the server, and a cancel that lands reads as
  /// `CancellationError` or as the timeout's `.queryCanceled`.
  func cancellable<T>(timeout: Duration?, _ body: (inout StatementClock) async throws -> T) async throws -> T {
    if Task.isCancelled { throw CancellationError() }
    canceller.begin()
    var clock = StatementClock(timeout: timeout)
    let result: Result<T, any Error>
    do {
      let value = try await withTaskCancellationHandler {
        if Task.isCancelled { canceller.cancel(.taskCancelled) }
        return try await BusyPoll.inFlight { try await body(&clock) }
      } onCancel: {
        canceller.cancel(.taskCancelled)
      }
      result = .success(value)
    } catch {
      result = .failure(error)
    }
    let reason = await canceller.end()
    switch result {
    case .success(let value): return value
    case .failure(let error as DatabaseError) where terminationReason != nil:
      throw terminatedError(sql: error.sql, binds: error.binds, reason: terminationReason ?? "terminated")
    case .failure(let error as DatabaseError) where error.code == .queryCanceled:
      switch reason {
      case .taskCancelled?: throw CancellationError()
      case .timeout(let limit)?:
        var timedOut = error
        timedOut.message = "statement timed out after \(limit.readable) and was canceled on the server"
        throw timedOut
      case nil: throw error
      }
    case .failure(let error): throw error
    }
  }

  /// Runs the statement; when a cached prepared statement has vanished or its plan
  /// went stale (schema change), prepares it again and retries once, outside a
  /// transaction where nothing was changed by the failed attempt.
  private func runWithRetry(_ sql: RenderedSQL, mode: ResultMode, clock: inout StatementClock) async throws -> PostgresStatementOutcome {
    do {
      return try await runOnce(sql, mode: mode, clock: &clock)
    } catch let error as DatabaseError where error.isStalePreparedStatement {
      // A stale plan's statement still exists under its name: deallocate it too.
      if let stale = cache.remove(sql.text), error.sqlState != "26000" { pendingDeallocations.append(stale.name) }
      guard transactionStatus == PQTRANS_IDLE, !Task.isCancelled else { throw error }
      return try await runOnce(sql, mode: mode, clock: &clock)
    }
  }

  private func runOnce(_ sql: RenderedSQL, mode: ResultMode, clock: inout StatementClock) async throws -> PostgresStatementOutcome {
    if mode == .execute && sql.binds.isEmpty {
      try Task.checkCancellation()
      expectReply()
      guard PQsendQuery(conn, sql.text) == 1 else { throw connectionLost(sql) }
      try await flush(&clock, sql: sql)
      return try outcome(of: try await collectResults(&clock, sql: sql), statement: nil, sql: sql)
    }
    let (statement, parameters) = try await prepared(sql, clock: &clock) { statement in
      try PostgresParameters(sql.binds, types: statement.parameterTypes, sql: sql)
    }
    // A cancel sent while the server sat idle between two steps was ignored there:
    // check before every message, so that only a statement in flight is ever cancelled.
    try Task.checkCancellation()
    expectReply()
    let sent = parameters.withCArrays { values, lengths, formats in
      PQsendQueryPrepared(conn, statement.name, Int32(sql.binds.count), values, lengths, formats,
                          statement.resultFormat)
    }
    guard sent == 1 else { throw connectionLost(sql) }
    try await flush(&clock, sql: sql)
    return try outcome(of: try await collectResults(&clock, sql: sql), statement: statement, sql: sql)
  }

  /// The prepared statement for `sql` and its values encoded by `encode` for the
  /// parameter types it was described with. When the values do not fit a cached
  /// statement's types (a column widened from int4 to int8 since it was described),
  /// the statement is prepared and described again, once, before anything is sent:
  /// the server's types of today decide, not the cache's.
  /// - Throws: `encode`'s error when the values do not fit the fresh description either.
  func prepared<Encoded>(_ sql: RenderedSQL, clock: inout StatementClock,
                         encoding encode: (PreparedStatement) throws -> Encoded) async throws -> (PreparedStatement, Encoded) {
    if let cached = cache.lookup(sql.text) {
      do {
        return (cached, try encode(cached))
      } catch is DatabaseError {
        if let stale = cache.remove(sql.text), !stale.name.isEmpty { pendingDeallocations.append(stale.name) }
      }
    }
    let statement = try await prepared(sql, clock: &clock)
    return (statement, try encode(statement))
  }

  /// The prepared statement for `sql`: from the cache, or prepared and described now.
  func prepared(_ sql: RenderedSQL, clock: inout StatementClock) async throws -> PreparedStatement {
    if let cached = cache.lookup(sql.text) { return cached }
    // Evict and deallocate first: the server never holds more statements than the cache.
    if let evicted = cache.makeRoom() { pendingDeallocations.append(evicted) }
    try await deallocatePending(&clock)
    try Task.checkCancellation()
    let name = cache.nextName()
    expectReply()
    guard PQsendPrepare(conn, name, sql.text, 0, nil) == 1 else { throw connectionLost(sql) }
    try await flush(&clock, sql: sql)
    _ = try outcome(of: try await collectResults(&clock, sql: sql), statement: nil, sql: sql)
    do {
      return try await describe(sql, name: name, clock: &clock)
    } catch {
      // The server holds the statement but the cache does not: deallocate it later.
      if !name.isEmpty { pendingDeallocations.append(name) }
      throw error
    }
  }

  /// Describes the statement just prepared as `name` and caches it.
  private func describe(_ sql: RenderedSQL, name: String, clock: inout StatementClock) async throws -> PreparedStatement {
    try Task.checkCancellation()
    expectReply()
    guard PQsendDescribePrepared(conn, name) == 1 else { throw connectionLost(sql) }
    try await flush(&clock, sql: sql)
    let described = try await collectResults(&clock, sql: sql)
    if let failed = described.first(where: \.isError) { throw failed.databaseError(sql: sql) }
    guard let description = described.first else {
      throw DatabaseError(code: .internalError, message: "the server sent no statement description", sql: sql.text)
    }
    let parameterTypes = (0..<PQnparams(description.pointer)).map {
      PostgresType(oid: PQparamtype(description.pointer, $0))
    }
    let (columns, columnTypes) = description.describeColumns()
    let statement = PreparedStatement(
      name: name, parameterTypes: parameterTypes, columns: columns, columnTypes: columnTypes,
      resultFormat: columnTypes.allSatisfy(\.hasBinaryDecoder) ? 1 : 0)
    if let evicted = cache.insert(statement, for: sql.text) { pendingDeallocations.append(evicted) }
    return statement
  }

  /// Deallocates the statements the cache let go of. Every name here exists on the
  /// server (`DEALLOCATE ALL` and `DISCARD ALL` empty the list), so this cannot fail
  /// and abort a transaction; in a transaction that already failed it would, so the
  /// names wait until that transaction has ended.
  private func deallocatePending(_ clock: inout StatementClock) async throws {
    guard !pendingDeallocations.isEmpty, transactionStatus != PQTRANS_INERROR else { return }
    let text = pendingDeallocations.map { "DEALLOCATE \($0)" }.joined(separator: "; ")
    pendingDeallocations.removeAll()
    guard PQsendQuery(conn, text) == 1 else { throw connectionLost(nil) }
    try await flush(&clock, sql: nil)
    _ = try await collectResults(&clock, sql: nil)
  }

  /// Rows and counts from a command's results; the first error result is thrown.
  func outcome(of results: [PostgresResult], statement: PreparedStatement?, sql: RenderedSQL) throws -> PostgresStatementOutcome {
    if results.contains(where: \.droppedAllPreparedStatements) {
      // The user ran `DEALLOCATE ALL` or `DISCARD ALL`: the cache's statements are gone.
      cache.removeAll()
      pendingDeallocations.removeAll()
    }
    if let failed = results.first(where: \.isError) { throw failed.databaseError(sql: sql) }
    var outcome = PostgresStatementOutcome()
    for result in results {
      switch result.status {
      case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
        if let statement {
          outcome.rows += result.rows(columns: statement.columns, types: statement.columnTypes)
        } else {
          let (columns, types) = result.describeColumns()
          outcome.rows += result.rows(columns: columns, types: types)
        }
        // Rows returned by INSERT/UPDATE/DELETE ... RETURNING are the changed ones;
        // a SELECT's rows were only read (`execute` reports changed rows).
        if result.changesRows { outcome.affectedRows += Int(PQntuples(result.pointer)) }
      case PGRES_COMMAND_OK:
        outcome.affectedRows += result.affectedRows
      default:
        break
      }
    }
    return outcome
  }
}

extension DatabaseError {
  /// A cached statement that no longer exists on the server (26000) or whose plan
  /// no longer matches the schema (0A000 "cached plan must not change result type").
  var isStalePreparedStatement: Bool {
    sqlState == "26000" || code == .invalidCachedStatement
  }
}
