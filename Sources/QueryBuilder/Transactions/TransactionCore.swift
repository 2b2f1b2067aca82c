import Synchronization

/// One transaction's ``TransactionMachine`` and its callbacks' closures, shared by the
/// tasks that run in it: every event goes through `step` under one lock, so a
/// callback registered by a child task and the block ending never race.
final class TransactionCore: Sendable {
  private struct State {
    var machine: TransactionMachine
    var callbacks: [TransactionMachine.CallbackID: @Sendable () async -> Void] = [:]
  }

  /// The outermost block's options.
  let options: TransactionOptions
  private let state: Mutex<State>

  init(_ machine: TransactionMachine) {
    self.options = machine.options
    self.state = Mutex(State(machine: machine))
  }

  /// Feeds the machine one event; returns its action.
  func step(_ event: (inout TransactionMachine) -> TransactionMachine.Action) -> TransactionMachine.Action {
    state.withLock { event(&$0.machine) }
  }

  /// Feeds the machine an event that returns more than an action.
  func update<T>(_ event: (inout TransactionMachine) -> T) -> T {
    state.withLock { event(&$0.machine) }
  }

  /// Whether `block` is open.
  func isOpen(_ block: TransactionMachine.BlockID) -> Bool {
    state.withLock { $0.machine.isOpen(block) }
  }

  /// Registers `callback` with `block`.
  /// - Throws: ``MisuseError`` when the block has ended.
  func register(_ kind: TransactionMachine.CallbackKind, in block: TransactionMachine.BlockID,
                _ callback: @escaping @Sendable () async -> Void) throws {
    try state.withLock { state in
      let id = try state.machine.register(kind, in: block).get()
      state.callbacks[id] = callback
    }
  }

  /// Hands over the closures of `ids`, in order, and forgets them.
  func takeCallbacks(_ ids: [TransactionMachine.CallbackID]) -> [@Sendable () async -> Void] {
    state.withLock { state in ids.compactMap { state.callbacks.removeValue(forKey: $0) } }
  }

  /// Forgets every callback (a retried attempt's are dropped).
  func dropCallbacks() {
    state.withLock { $0.callbacks.removeAll() }
  }
}
