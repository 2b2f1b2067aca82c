extension PostgresDatabase {
  /// Event loops (one thread per processor) that wait on connections' sockets and
  /// also run the tasks that prefer them. A statement of a task running
  /// there is resumed on the thread that saw its reply arrive, with no hand-off to
  /// Swift's pool: fewer thread wake-ups per statement, which is what a busy service
  /// on few cores pays most for. Opt in per task:
  ///
  /// ```swift
  /// let worker = Task(executorPreference: PostgresDatabase.ioExecutor) {
  ///   for id in ids { _ = try await Item.fetchOne(db, id: id) }
  /// }
  /// try await withTaskExecutorPreference(PostgresDatabase.ioExecutor) { try await handle(request) }
  /// ```
  ///
  /// Like any event loop it is shared: code running there must not block (no
  /// synchronous file or network I/O, no long computation), or the statements of the
  /// other tasks on it wait. Actor-isolated code still runs on its actor. Tasks that
  /// do not opt in are unaffected.
  public static var ioExecutor: any TaskExecutor { IOExecutor.shared }
}
