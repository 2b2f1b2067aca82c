#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts a detached OS thread (not one of Swift's cooperative pool) running `body`.
///
/// Used for the socket reactor's loop and for libpq calls that block by design
/// (`PQcancel` opens its own connection to the server), so they never park a thread
/// that async tasks need.
enum BackgroundThread {
  private final class Box {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
  }

  /// Runs `body` on a new detached thread.
  /// - Returns: false if the thread could not be created (the body does not run).
  @discardableResult
  static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    #if canImport(Glibc)
    var thread = pthread_t()
    #else
    var thread: pthread_t?
    #endif
    let status = pthread_create(&thread, nil, { raw in
      #if canImport(Glibc)
      guard let raw else { return nil }
      #endif
      Unmanaged<Box>.fromOpaque(raw).takeRetainedValue().body()
      return nil
    }, context)
    guard status == 0 else {
      Unmanaged<Box>.fromOpaque(context).release()
      return false
    }
    #if canImport(Glibc)
    pthread_detach(thread)
    #else
    if let thread { pthread_detach(thread) }
    #endif
    return true
  }
}
