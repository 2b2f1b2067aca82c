#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibPQ
import Logging
import Model
import QueryBuilder
import Synchronization

/// Owns one libpq connection (`PGconn`) in non-blocking mode and runs its I/O.
///
/// `@unchecked Sendable`: libpq connections are not thread-safe, and this class is
/// only used while the owning ``PostgresConnection``'s `AsyncLock` is held, which
/// serialises every access. The one exception, cancelling, goes through
/// ``PostgresCanceller``, whose `PGcancel` object libpq makes safe to use from any
/// thread.
final class PostgresConnectionHandle: @unchecked Sendable {
  let conn: OpaquePointer
  let canceller: PostgresCanceller
  var cache: PostgresStatementCache
  /// Statements evicted from the cache, deallocated before the next prepare.
  var pendingDeallocations: [String] = []
  /// Spins briefly for fast replies before suspending (see ``BusyPoll``).
  var busyPoll: BusyPoll
  private let noticeSink: Unmanaged<NoticeSink>
  /// The socket's lasting watch, made at the first wait (and made anew when a wait
  /// comes from the other reactor's side: see ``SocketReactor/current``).
  private var registration: SocketReactor.Registration?
  /// Set just before sending a message: the next wait is for its reply, which
  /// cannot have arrived unseen (see `SocketReactor.wait(_:for:deadline:trustingEdges:)`).
  private var nextWaitTrustsEdges = false
  /// Why the connection was terminated under its user (see ``terminate(_:grace:)``);
  /// set from another task, so behind a lock.
  private let termination = Mutex<String?>(nil)
  /// The connected socket (fixed once connected), for shutting it down from another
  /// thread while a statement runs.
  private let socket: Int32

  init(conn: OpaquePointer, cacheCapacity: Int, busyPollBudget: Duration, logger: Logger) {
    self.conn = conn
    self.busyPoll = BusyPoll(budget: busyPollBudget)
    self.canceller = PostgresCanceller(connection: conn)
    self.socket = PQsocket(conn)
    self.cache = PostgresStatementCache(capacity: cacheCapacity)
    self.noticeSink = Unmanaged.passRetained(NoticeSink(logger: logger))
    PQsetNoticeReceiver(conn, { context, result in
      guard let context, let result else { return }
      Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue().receive(result)
    }, noticeSink.toOpaque())
  }

  deinit {
    if let registration { registration.reactor.unregister(registration, socketIsOpen: PQsocket(conn) == registration.fd) }
    PQfinish(conn)
    noticeSink.release()
  }

  /// Whether libpq considers the connection dead.
  var isBroken: Bool { PQstatus(conn) == CONNECTION_BAD }

  /// libpq's last error message for this connection.
  var errorMessage: String {
    PQerrorMessage(conn).map { String(cString: $0).trimmingTrailingNewlines } ?? "unknown libpq error"
  }

  /// Whether a transaction is open (or failed and not yet ended).
  var transactionStatus: PGTransactionStatusType { PQtransactionStatus(conn) }

  /// The server process serving this connection.
  var backendPID: Int32 { PQbackendPID(conn) }

  /// Shuts the socket down so that any wait on it ends and the connection reads as
  /// lost; used when a statement cannot be cancelled in time.
  func abortSocket() {
    let fd = PQsocket(conn)
    if fd >= 0 { _ = shutdown(fd, Int32(SHUT_RDWR)) }
  }

  /// Ends the connection under whoever uses it, from any task: the statement in
  /// flight is cancelled on the server (given `grace` to end), then the socket is shut
  /// down, so every wait ends and the caller's statement fails with
  /// ``terminatedError(sql:binds:reason:)`` naming `reason`. PQfinish still runs in `deinit`.
  func terminate(_ reason: String, grace: Duration) {
    termination.withLock { $0 = reason }
    // The closure keeps the handle, so the socket cannot be closed (and its number
    // reused) before it is shut down.
    canceller.terminate(grace: grace) { [self] in shutDownSocket() }
  }

  /// Shuts the connected socket down; safe from any thread (no libpq call).
  private func shutDownSocket() {
    if socket >= 0 { _ = shutdown(socket, Int32(SHUT_RDWR)) }
  }

  /// Why the connection was terminated, if it was.
  var terminationReason: String? { termination.withLock { $0 } }

  /// The error of a statement whose connection was terminated under it.
  func terminatedError(sql: String?, binds: [SQLValue], reason: String) -> DatabaseError {
    DatabaseError(code: .connectionFailure,
                  message: "the connection was closed under this statement (\(reason)); the statement was canceled on the server",
                  sql: sql, binds: binds, isConnectionFatal: true)
  }

  /// Reads, without waiting, whatever the server sent while the connection was idle
  /// (a shutdown notice, notifications, the end of the stream).
  /// - Returns: false when the server has closed the connection.
  func readWhatArrivedWhileIdle() -> Bool {
    let fd = PQsocket(conn)
    guard fd >= 0, !isBroken else { return false }
    // The reactor saw every arrival on a watched socket: nothing came, nothing to read.
    if let registration, registration.fd == fd, !registration.reactor.takeArrivals(registration) { return true }
    // A closing server sends its FATAL error and then EOF: read until nothing is left.
    // The EOF may still be on its way (the server is ending its process), so the
    // FATAL alone condemns the connection: parsing the input (`PQisBusy`) hands an
    // error that arrived while idle to the notice receiver, which notes its severity.
    for _ in 0..<4 {
      var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
      guard poll(&descriptor, 1, 0) > 0 else { break }
      if PQconsumeInput(conn) == 0 || isBroken { return false }
      _ = PQisBusy(conn)
    }
    return !isBroken && !noticeSink.takeUnretainedValue().serverIsClosing
  }

  /// A connection-failure error from libpq's message.
  func connectionLost(_ sql: RenderedSQL?) -> DatabaseError {
    if let reason = terminationReason { return terminatedError(sql: sql?.text, binds: sql?.binds ?? [], reason: reason) }
    return DatabaseError(code: .connectionFailure, message: errorMessage, sql: sql?.text, binds: sql?.binds ?? [],
                  isConnectionFatal: true)
  }

  // MARK: Waiting on the socket

  /// Sends everything libpq has buffered.
  func flush(_ clock: inout StatementClock, sql: RenderedSQL?) async throws {
    while true {
      let status = PQflush(conn)
      if status == 0 { return }
      if status < 0 { throw connectionLost(sql) }
      try await wait(for: .readWrite, clock: &clock, sql: sql)
      // libpq asks that input be consumed while waiting to write, so that the
      // server can never block on a full output buffer of its own.
      if PQconsumeInput(conn) == 0 { throw connectionLost(sql) }
    }
  }

  /// Waits until the server has sent more, and reads it into libpq's buffer.
  func readMore(_ clock: inout StatementClock, sql: RenderedSQL?) async throws {
    try await wait(for: .read, clock: &clock, sql: sql)
    if PQconsumeInput(conn) == 0 { throw connectionLost(sql) }
  }

  /// The next complete result, or nil when the command's results are all read.
  func nextResult(_ clock: inout StatementClock, sql: RenderedSQL?) async throws -> PostgresResult? {
    while PQisBusy(conn) != 0 {
      if !mayBusyPoll || !busyPoll.spinUntilReadable(PQsocket(conn)) {
        try await wait(for: .read, clock: &clock, sql: sql)
      }
      if PQconsumeInput(conn) == 0 { throw connectionLost(sql) }
    }
    return PQgetResult(conn).map(PostgresResult.init)
  }

  /// Every result of the command in flight, up to libpq's terminating NULL. COPY
  /// started through a plain statement is ended with a clear misuse error.
  func collectResults(_ clock: inout StatementClock, sql: RenderedSQL?) async throws -> [PostgresResult] {
    var results: [PostgresResult] = []
    var copyMisuse = false
    while let result = try await nextResult(&clock, sql: sql) {
      switch result.status {
      case PGRES_COPY_IN:
        copyMisuse = true
        _ = PQputCopyEnd(conn, "COPY FROM STDIN is not available through execute")
        try await flush(&clock, sql: sql)
      case PGRES_COPY_OUT:
        copyMisuse = true
        try await discardCopyOut(&clock, sql: sql)
      case PGRES_COPY_BOTH:
        abortSocket()
        throw MisuseError("replication (COPY BOTH) is not supported; the connection was closed")
      default:
        results.append(result)
      }
    }
    if copyMisuse {
      throw MisuseError("COPY ... FROM STDIN / TO STDOUT cannot run through execute or fetch; the COPY was aborted and the connection is usable")
    }
    return results
  }

  func discardCopyOut(_ clock: inout StatementClock, sql: RenderedSQL?) async throws {
    while true {
      var buffer: UnsafeMutablePointer<CChar>?
      let length = PQgetCopyData(conn, &buffer, 1)
      if let buffer { PQfreemem(buffer) }
      if length == -1 { return }
      if length == -2 { throw connectionLost(sql) }
      if length == 0 { try await readMore(&clock, sql: sql) }
    }
  }

  /// Marks the message about to be sent as the one the next wait is for: that wait
  /// then needs no system call. Call it right before the send.
  ///
  /// A statement that will busy-poll for its reply (the only one in flight) takes its
  /// socket off the lasting watch instead: it catches the reply itself, and the
  /// reactor would wake for it for nothing.
  func expectReply() {
    guard let registration else { return }
    if mayBusyPoll && busyPoll.willSpin() {
      registration.reactor.leaveLastingWatch(registration)
      nextWaitTrustsEdges = false
    } else {
      registration.reactor.forgetArrivals(registration)
      nextWaitTrustsEdges = true
    }
  }

  /// Whether this statement may busy-poll: not on the executor's threads, where a
  /// reply wakes the very thread that runs the task, and other tasks wait their turn.
  private var mayBusyPoll: Bool { SocketReactor.onReactorThread == nil }

  /// Waits until the socket is ready for `interest` (or the task is cancelled, when
  /// `endsOnCancellation`), through the socket's registration (made at the first wait).
  /// - Returns: nil when libpq has no socket (the connection is gone).
  func waitForSocket(_ interest: SocketReactor.Interest, deadline: ContinuousClock.Instant?,
                     endsOnCancellation: Bool = false) async -> SocketReactor.Outcome? {
    let fd = PQsocket(conn)
    guard fd >= 0 else { return nil }
    var trusting = nextWaitTrustsEdges
    nextWaitTrustsEdges = false
    let reactor = SocketReactor.current
    if registration?.fd != fd || registration?.reactor !== reactor {
      if let old = registration { old.reactor.unregister(old, socketIsOpen: old.fd == fd) }
      registration = reactor.register(fd: fd)
      trusting = false  // the new watch has not seen what came before
    }
    guard let registration else {
      return await reactor.wait(fd: fd, for: interest, deadline: deadline, endsOnCancellation: endsOnCancellation)
    }
    return await reactor.wait(registration, for: interest, deadline: deadline, trustingEdges: trusting,
                              endsOnCancellation: endsOnCancellation)
  }

  /// Waits for the socket; on the statement's deadline sends a cancel, and if the
  /// server does not answer that within the grace period, gives the connection up.
  private func wait(for interest: SocketReactor.Interest, clock: inout StatementClock, sql: RenderedSQL?) async throws {
    guard let outcome = await waitForSocket(interest, deadline: clock.deadline) else { throw connectionLost(sql) }
    guard outcome == .timedOut else { return }
    if let timeout = clock.timeout, !clock.cancelSent {
      clock.cancelSent = true
      clock.deadline = .now + StatementClock.cancelGrace
      canceller.cancel(.timeout(timeout))
    } else {
      abortSocket()
      throw DatabaseError(code: .connectionFailure,
                          message: "the server did not answer a cancel request within \(StatementClock.cancelGrace.readable); the connection was closed",
                          sql: sql?.text, binds: sql?.binds ?? [], isConnectionFatal: true)
    }
  }
}

/// A statement's deadline, and whether its timeout has already sent a cancel.
struct StatementClock {
  /// How long the server gets to honour a cancel before the connection is dropped.
  static let cancelGrace: Duration = .seconds(5)

  let timeout: Duration?
  var deadline: ContinuousClock.Instant?
  var cancelSent = false

  init(timeout: Duration?) {
    self.timeout = timeout
    self.deadline = timeout.map { .now + $0 }
  }
}

/// Where server notices (`RAISE NOTICE`, warnings) go instead of stderr; also where
/// libpq puts an error the server sent while the connection was idle, such as the
/// FATAL of a backend being terminated.
///
/// Not `Sendable`: libpq calls it from inside the connection's own calls, which the
/// owning handle serialises.
final class NoticeSink {
  let logger: Logger
  /// Whether the server announced, while idle, that it is closing the connection.
  private(set) var serverIsClosing = false

  init(logger: Logger) { self.logger = logger }

  /// Logs a notice, noting a FATAL or PANIC one.
  func receive(_ result: OpaquePointer) {
    // "V": the severity, never localised.
    if let severity = PQresultErrorField(result, Int32(UInt8(ascii: "V"))) {
      let level = String(cString: severity)
      if level == "FATAL" || level == "PANIC" { serverIsClosing = true }
    }
    let message = PQresultErrorMessage(result).map { String(cString: $0) } ?? ""
    logger.notice("\(message.trimmingTrailingNewlines)")
  }
}
