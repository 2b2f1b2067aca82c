/// How an outermost transaction ends, shared by atomic blocks and manual transactions:
/// COMMIT or ROLLBACK on the session, the connection given back (or discarded when
/// its state is unknown), and which callbacks are due.
extension TransactionContext {
  /// COMMIT, then gives the connection back. Returns the callbacks due after it.
  /// - Throws: ``EndedTransaction`` holding COMMIT's error and the callbacks due
  ///   anyway (by what is known of the outcome).
  func commitAndRelease(_ callbacks: Callbacks) async throws(EndedTransaction) -> [@Sendable () async -> Void] {
    do {
      if Task.isCancelled {
        // The work is done: commit it even so, where cancellation cannot cut COMMIT short.
        let session = self.session
        try await runIgnoringCancellation { try await session.commit() }
      } else {
        try await session.commit()
      }
    } catch {
      // A failed COMMIT ends the transaction on PostgreSQL; on SQLite (busy) it can
      // leave it open. ROLLBACK covers that (elsewhere it is a harmless no-op); the
      // connection is kept unless it was lost.
      let lost = Self.isConnectionLost(error) || error is CommitOutcomeUnknown
      if !lost {
        let session = self.session
        try? await runIgnoringCancellation { _ = try await session.execute(TransactionSQL.rollback, timeout: nil) }
      }
      await session.release(discard: lost)
      switch (error as? CommitOutcomeUnknown)?.outcome {
      case .committed?: throw EndedTransaction(error: error, callbacks: callbacks.onCommit + callbacks.rolledBack)
      // Neither known to have committed nor to have rolled back.
      case .unknown?: throw EndedTransaction(error: error, callbacks: callbacks.rolledBack)
      case .aborted?, nil: throw EndedTransaction(error: error, callbacks: callbacks.onRollback + callbacks.rolledBack)
      }
    }
    await releaseAfterEnd()
    return callbacks.onCommit + callbacks.rolledBack
  }

  /// ROLLBACK (unless `cause` says the connection is gone), then gives the connection
  /// back, even when the calling task was cancelled. Returns the callbacks due.
  /// - Throws: ``EndedTransaction`` when ROLLBACK failed: its error is a
  ///   ``TransactionFailure`` with `cause` when there is one, and the connection was discarded.
  func rollbackAndRelease(_ callbacks: Callbacks, after cause: (any Error)?) async throws(EndedTransaction)
    -> [@Sendable () async -> Void] {
    let due = callbacks.onRollback + callbacks.rolledBack
    if let cause, Self.isConnectionLost(cause) {
      await session.release(discard: true)
      return due
    }
    let session = self.session
    do {
      try await runIgnoringCancellation { _ = try await session.execute(TransactionSQL.rollback, timeout: nil) }
    } catch {
      await session.release(discard: true)
      throw EndedTransaction(error: cause.map { TransactionFailure(blockError: $0, rollbackError: error) } ?? error,
                             callbacks: due)
    }
    await releaseAfterEnd()
    return due
  }

  /// Undoes BEGIN's connection settings and gives the connection back.
  private func releaseAfterEnd() async {
    var discard = false
    for statement in TransactionSQL.afterEnd(options, session.dialect) {
      if (try? await session.execute(statement, timeout: nil)) == nil { discard = true }
    }
    await session.release(discard: discard)
  }

  /// Whether `error` means the connection is gone.
  static func isConnectionLost(_ error: any Error) -> Bool {
    (error as? DatabaseError)?.isConnectionFatal ?? false
  }
}

/// An outermost transaction ended in `error`; `callbacks` are due unless a retry runs
/// the block again.
struct EndedTransaction: Error {
  let error: any Error
  let callbacks: [@Sendable () async -> Void]

  /// Runs the callbacks and throws the error.
  func runCallbacksAndThrow() async throws -> Never {
    for callback in callbacks { await callback() }
    throw error
  }
}

/// Runs work in a task of its own, so that it runs to the end even when the calling
/// task was cancelled (a new unstructured task does not inherit cancellation; it does
/// inherit task-local values): for cleanup that must happen.
func runIgnoringCancellation(_ work: @escaping @Sendable () async throws -> Void) async throws {
  try await Task { try await work() }.value
}
