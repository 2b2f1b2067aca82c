/// Who in the current task is asking for a connection, so that a backend can say who
/// holds its connections when another caller's wait runs out ("an atomic block at
/// Checkout.swift:42"). The atomic-block machinery sets it around
/// ``Database/openSession()``; backends read it there.
public enum ConnectionRequest {
  /// The code asking for a connection in the current task, if known.
  @TaskLocal public static var site: String?
}
