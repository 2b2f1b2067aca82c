#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibPQ
import Logging
import QueryBuilder
import Synchronization

extension PostgresConnectionHandle {
  /// Opens a connection without blocking a thread: `PQconnectStartParams`, then
  /// `PQconnectPoll` driven by socket readiness.
  /// - Throws: ``MisuseError`` for a string that is not a postgres:// URL or key=value
  ///   pairs libpq can parse (``PostgresConnectionString``); ``DatabaseError``
  ///   (`.connectionFailure`, `.tooManyConnections`, `.invalidAuthorization`,
  ///   `.invalidCatalogName`), or `CancellationError`.
  static func connect(_ connectionString: String, options: PostgresConnectionOptions) async throws -> PostgresConnectionHandle {
    guard !connectionString.utf8.contains(0) else {
      throw MisuseError("the connection string contains a NUL byte")
    }
    _ = try PostgresConnectionString(classifying: connectionString)
    let parameters = options.libpqParameters(connectionString: connectionString)
    let keywords = parameters.map { strdup($0.0) }
    let values = parameters.map { strdup($0.1) }
    defer {
      keywords.forEach { free($0) }
      values.forEach { free($0) }
    }
    let started: OpaquePointer? = (keywords.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { kw in
      (values.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { vals in
        PQconnectStartParams(kw.baseAddress, vals.baseAddress, 1)
      }
    }
    guard let conn = started else {
      throw DatabaseError(code: .insufficientResources, message: "libpq could not allocate a connection", isConnectionFatal: true)
    }
    do {
      let resolvesNames = needsNameResolution(keywords: parameters.map(\.0), values: parameters.map(\.1))
      try await poll(conn, timeout: options.connectTimeout, resolvesNames: resolvesNames)
    } catch {
      PQfinish(conn)
      throw error
    }
    guard PQsetnonblocking(conn, 1) == 0 else {
      let error = connectError(conn)
      PQfinish(conn)
      throw error
    }
    return PostgresConnectionHandle(conn: conn, cacheCapacity: options.statementCacheCapacity,
                              busyPollBudget: options.busyPollBudget, logger: options.logging.logger)
  }

  private static func poll(_ conn: OpaquePointer, timeout: Duration?, resolvesNames: Bool) async throws {
    if PQstatus(conn) == CONNECTION_BAD { throw connectError(conn) }
    let deadline = timeout.map { ContinuousClock.now + $0 }
    let currentSocket = Mutex<Int32>(-1)
    try await withTaskCancellationHandler {
      var status = PGRES_POLLING_WRITING
      while true {
        if Task.isCancelled { throw CancellationError() }
        let interest: SocketReactor.Interest
        switch status {
        case PGRES_POLLING_OK: return
        case PGRES_POLLING_FAILED: throw connectError(conn)
        case PGRES_POLLING_READING: interest = .read
        default: interest = .write
        }
        let fd = PQsocket(conn)
        guard fd >= 0 else { throw connectError(conn) }
        currentSocket.withLock { $0 = fd }
        if Task.isCancelled { throw CancellationError() }
        if await SocketReactor.current.wait(fd: fd, for: interest, deadline: deadline) == .timedOut {
          throw DatabaseError(code: .connectionFailure,
                              message: "timed out after \((timeout ?? .zero).readable) connecting to the server",
                              isConnectionFatal: true)
        }
        status = resolvesNames ? await pollOffPool(conn) : PQconnectPoll(conn)
      }
    } onCancel: {
      // Wakes the wait; the loop then sees the cancellation.
      let fd = currentSocket.withLock { $0 }
      if fd >= 0 { _ = shutdown(fd, Int32(SHUT_RDWR)) }
    }
  }

  /// `PQconnectPoll` resolves host names with the blocking `getaddrinfo`; when a
  /// host name needs resolving, each poll step runs on a background thread.
  private static func pollOffPool(_ conn: OpaquePointer) async -> PostgresPollingStatusType {
    // The connection is not shared while connecting; it only crosses to the thread
    // and back, with this task suspended meanwhile.
    nonisolated(unsafe) let conn = conn
    return await BlockingCall.run { PQconnectPoll(conn) }
  }

  /// Whether any host libpq will try is a name (not an IP address or a Unix
  /// socket directory, and without `hostaddr`), so that connecting resolves it.
  static func needsNameResolution(keywords: [String], values: [String]) -> Bool {
    var host: String?
    var hostaddr: String?
    for (keyword, value) in zip(keywords, values) {
      if keyword == "dbname" {
        // The connection string itself: let libpq parse it (URI or key=value).
        guard let parsed = value.withCString({ PQconninfoParse($0, nil) }) else { return true }
        defer { PQconninfoFree(parsed) }
        var option = parsed
        while let keywordPointer = option.pointee.keyword {
          let name = String(cString: keywordPointer)
          if let setting = option.pointee.val.map({ String(cString: $0) }) {
            if name == "host" { host = setting }
            if name == "hostaddr" { hostaddr = setting }
          }
          option += 1
        }
      }
    }
    if let hostaddr, !hostaddr.isEmpty { return false }
    // Without a host in the string, libpq takes PGHOST or its Unix socket default.
    let hosts = (host ?? getenvString("PGHOST") ?? "").split(separator: ",").map(String.init)
    return hosts.contains { host in
      !(host.isEmpty || host.hasPrefix("/") || host.hasPrefix("@") || isNumericAddress(host))
    }
  }

  private static func getenvString(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }

  private static func isNumericAddress(_ host: String) -> Bool {
    var v4 = in_addr()
    var v6 = in6_addr()
    return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
  }

  /// Maps a failed connection attempt. libpq reports no SQLSTATE for these, so the
  /// server's (C-locale) message decides the code.
  static func connectError(_ conn: OpaquePointer) -> DatabaseError {
    let message = PQerrorMessage(conn).map { String(cString: $0).trimmingTrailingNewlines } ?? "connection failed"
    let code: DatabaseError.Code
    if message.contains("too many clients") || message.contains("too many connections")
        || message.contains("remaining connection slots") {
      code = .tooManyConnections
    } else if message.contains("authentication failed") || message.contains("no pg_hba.conf entry")
                || message.contains("no password supplied") || (message.contains("role \"") && message.contains("does not exist")) {
      code = .invalidAuthorization
    } else if message.contains("database \"") && message.contains("does not exist") {
      code = .invalidCatalogName
    } else {
      code = .connectionFailure
    }
    return DatabaseError(code: code, message: message, isConnectionFatal: true)
  }
}
