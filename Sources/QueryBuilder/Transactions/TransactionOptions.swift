/// A transaction isolation level (https://www.postgresql.org/docs/current/transaction-iso.html).
///
/// SQLite transactions are always serializable; every level is accepted there and
/// gives serializable behaviour.
public enum IsolationLevel: String, Sendable, Hashable, CaseIterable {
  /// PostgreSQL treats it as read committed.
  case readUncommitted = "READ UNCOMMITTED"
  /// Each statement sees what was committed before it began (PostgreSQL's default).
  case readCommitted = "READ COMMITTED"
  /// Every statement sees the snapshot taken at the transaction's first statement.
  case repeatableRead = "REPEATABLE READ"
  /// As if transactions ran one after another; conflicts fail with `.serializationFailure`.
  case serializable = "SERIALIZABLE"
}

/// What an atomic block asks of its transaction. `nil` leaves a setting to the
/// server's default at the outermost level, and to the enclosing transaction when
/// nested (where a given value must equal the enclosing one).
public struct TransactionOptions: Sendable, Hashable {
  /// The isolation level.
  public var isolation: IsolationLevel?
  /// Whether writes are refused (`.readOnlyTransaction`).
  public var readOnly: Bool?
  /// PostgreSQL's DEFERRABLE: a serializable read-only transaction that waits for a
  /// snapshot which can never conflict. Needs `isolation: .serializable, readOnly: true`.
  public var deferrable: Bool?

  /// Options for a transaction.
  public init(isolation: IsolationLevel? = nil, readOnly: Bool? = nil, deferrable: Bool? = nil) {
    self.isolation = isolation
    self.readOnly = readOnly
    self.deferrable = deferrable
  }

  /// The misuse of combinations no database accepts, if any.
  var misuse: String? {
    if deferrable == true, isolation != .serializable || readOnly != true {
      return "deferrable: true needs isolation: .serializable and readOnly: true (PostgreSQL ignores DEFERRABLE otherwise)"
    }
    return nil
  }

  /// The misuse of a nested block asking for something different from its enclosing
  /// transaction's `outer` options, naming the first setting that differs.
  func misuseNested(in outer: TransactionOptions) -> String? {
    func refuse(_ name: String, _ mine: String, _ enclosing: String) -> String {
      "a nested atomic block cannot change \(name) (\(mine) inside \(enclosing)): set it on the outermost block"
    }
    if let isolation, isolation != outer.isolation {
      return refuse("isolation", isolation.rawValue, outer.isolation?.rawValue ?? "the server's default")
    }
    if let readOnly, readOnly != (outer.readOnly ?? false) {
      return refuse("readOnly", String(readOnly), String(outer.readOnly ?? false))
    }
    if let deferrable, deferrable != (outer.deferrable ?? false) {
      return refuse("deferrable", String(deferrable), String(outer.deferrable ?? false))
    }
    return nil
  }
}
