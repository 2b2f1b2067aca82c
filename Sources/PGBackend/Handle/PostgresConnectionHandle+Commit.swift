import CLibPQ
import Model
import QueryBuilder

/// What a COMMIT cut short by a lost connection had learned of its transaction's id.
enum TransactionIDAnswer: Sendable {
  /// COMMIT was never sent: the connection was already gone, so the server aborts
  /// the transaction.
  case neverSent
  /// The answer never arrived.
  case notReceived
  /// The transaction had no id: it wrote nothing, so there was nothing to lose.
  case none
  /// The transaction's id (`txid_current_if_assigned()`).
  case id(Int64)
}

/// The connection was lost after COMMIT was sent and before its answer arrived.
struct CommitInterrupted: Error {
  let transactionID: TransactionIDAnswer
  let underlying: any Error
}

extension PostgresConnectionHandle {
  /// Commits the open transaction, asking for its id in the same message
  /// (`SELECT txid_current_if_assigned(); COMMIT`: one round trip), so that a lost
  /// connection leaves something to look the outcome up by.
  ///
  /// A transaction an earlier error aborted is rolled back instead (PostgreSQL would
  /// answer COMMIT with a silent ROLLBACK) and reported as `.inFailedTransaction`.
  /// - Throws: ``CommitInterrupted`` when the connection was lost on the way;
  ///   ``DatabaseError`` when COMMIT failed (a deferred constraint, a serialization
  ///   failure): the transaction is over then.
  func commitReportingTransactionID() async throws {
    var clock = StatementClock(timeout: nil)
    if transactionStatus == PQTRANS_INERROR {
      guard PQsendQuery(conn, "ROLLBACK") == 1 else { throw connectionLost(nil) }
      try await flush(&clock, sql: nil)
      _ = try await collectResults(&clock, sql: nil)
      throw DatabaseError(code: .inFailedTransaction,
                          message: "the transaction was aborted by an earlier error that the block caught; it was rolled back, not committed",
                          hint: "catch errors in a nested atomic block (a savepoint) to keep the transaction usable")
    }
    let commit = RenderedSQL(text: "COMMIT", binds: [])
    var answer = TransactionIDAnswer.notReceived
    // A connection already lost (a caught connection error inside the block) never
    // gets COMMIT: the transaction cannot have committed.
    guard !isBroken, PQsendQuery(conn, "SELECT txid_current_if_assigned(); COMMIT") == 1 else {
      throw CommitInterrupted(transactionID: .neverSent, underlying: connectionLost(commit))
    }
    do {
      try await flush(&clock, sql: commit)
      var failure: PostgresResult?
      while let result = try await nextResult(&clock, sql: commit) {
        if result.status == PGRES_TUPLES_OK, PQntuples(result.pointer) == 1 {
          answer = PQgetisnull(result.pointer, 0, 0) == 1
            ? .none
            : Int64(String(cString: PQgetvalue(result.pointer, 0, 0))).map(TransactionIDAnswer.id) ?? .notReceived
        } else if result.isError, failure == nil {
          failure = result
        }
      }
      if let failure { throw failure.databaseError(sql: commit) }
    } catch {
      if isBroken { throw CommitInterrupted(transactionID: answer, underlying: error) }
      throw error
    }
  }
}

/// Finds out, on a new connection, what became of a transaction whose COMMIT lost
/// its connection (`txid_status`, https://www.postgresql.org/docs/current/functions-info.html).
enum PostgresCommitCheck {
  /// How long to wait for a transaction the server still shows in progress (the
  /// killed backend may still be finishing its commit).
  static let patience: Duration = .seconds(5)

  static func outcome(of answer: TransactionIDAnswer, connectionString: String,
                      options: PostgresConnectionOptions) async -> CommitOutcomeUnknown.Outcome {
    let id: Int64
    switch answer {
    case .neverSent: return .aborted
    case .notReceived: return .unknown
    case .none: return .committed  // nothing was written: nothing can have been lost
    case .id(let value): id = value
    }
    var options = options
    options.connectTimeout = .seconds(5)
    options.commandTimeout = .seconds(5)
    guard let checker = try? await PostgresConnection.connect(connectionString, options: options) else { return .unknown }
    defer { Task { await checker.close() } }
    let deadline = ContinuousClock.now + patience
    while true {
      guard let status = try? await checker.fetchValue("SELECT txid_status(\(id))", as: String.self) else {
        return .unknown
      }
      switch status {
      case "committed": return .committed
      case "aborted": return .aborted
      default:
        guard ContinuousClock.now < deadline, (try? await Task.sleep(for: .milliseconds(50))) != nil else { return .unknown }
      }
    }
  }
}
