import QueryBuilder

/// What COPY runs on: ``PostgresConnection`` and ``PostgresDatabase`` (the pool).
/// The COPY methods (`copy(into:…)`, `copy(from:…)`, `Model.copy(_:into:)`) are
/// written once over it.
public protocol PostgresCopying: Sendable {
  /// Runs `body` on a connection nobody else uses meanwhile (inside an atomic block:
  /// the block's, with the block's remaining budget). The COPY methods' plumbing;
  /// ``PostgresCopyConnection`` offers apps nothing to call.
  func withCopyConnection<T>(_ body: (PostgresCopyConnection, Duration?) async throws -> T) async throws -> T
}

/// A connection lent to a COPY: opaque outside Wren.
public struct PostgresCopyConnection {
  let handle: PostgresConnectionHandle
}

extension TransactionRoute {
  /// The block's PostgreSQL handle, in the block's turn.
  func withPostgresHandle<T>(_ body: (PostgresCopyConnection, Duration?) async throws -> T) async throws -> T {
    try await withSession { session, budget in
      guard let session = PostgresSession.unwrap(session) else {
        throw MisuseError("COPY inside an atomic block needs the block to run on PostgreSQL")
      }
      return try await session.withHandle { try await body(PostgresCopyConnection(handle: $0), budget) }
    }
  }
}

extension PostgresConnection: PostgresCopying {
  /// Runs `body` holding this connection (or in the current atomic block on it).
  public func withCopyConnection<T>(_ body: (PostgresCopyConnection, Duration?) async throws -> T) async throws -> T {
    if let route = currentRoute { return try await route.withPostgresHandle(body) }
    return try await withHandle { try await body(PostgresCopyConnection(handle: $0), nil) }
  }
}

extension PostgresDatabase: PostgresCopying {
  /// Runs `body` on a connection taken for it (or in the current atomic block on the pool).
  public func withCopyConnection<T>(_ body: (PostgresCopyConnection, Duration?) async throws -> T) async throws -> T {
    if let route = currentRoute { return try await route.withPostgresHandle(body) }
    let leased = try await acquire(holder: "copy", timeout: options.acquireTimeout)
    do {
      let value = try await leased.connection.withCopyConnection(body)
      await release(leased, skippingReset: !leased.connection.hasOpenTransaction)
      return value
    } catch {
      await release(leased, skippingReset: !leased.connection.hasOpenTransaction)
      throw error
    }
  }
}
