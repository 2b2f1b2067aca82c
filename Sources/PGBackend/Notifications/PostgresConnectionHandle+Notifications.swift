import CLibPQ

extension PostgresConnectionHandle {
  /// A notification libpq has already read, if any.
  func nextNotification() -> PostgresNotification? {
    guard let notify = PQnotifies(conn) else { return nil }
    defer { PQfreemem(notify) }
    return PostgresNotification(
      channel: notify.pointee.relname.map { String(cString: $0) } ?? "",
      payload: notify.pointee.extra.map { String(cString: $0) } ?? "",
      senderPID: notify.pointee.be_pid)
  }

  /// Waits until the server sends something (or the task is cancelled) and reads it.
  /// - Returns: false when the connection is gone.
  func readWhenReadable() async -> Bool {
    let fd = PQsocket(conn)
    guard fd >= 0, !isBroken else { return false }
    let outcome = await withTaskCancellationHandler {
      await waitForSocket(.read, deadline: nil, endsOnCancellation: true)
    } onCancel: {
      SocketReactor.endWaitAnywhere(fd: fd)
    }
    guard outcome != nil else { return false }
    if Task.isCancelled { return true }
    return PQconsumeInput(conn) == 1 && !isBroken
  }
}
