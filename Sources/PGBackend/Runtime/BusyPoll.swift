#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A bounded, adaptive busy-poll on a socket, tried before suspending on the reactor.
///
/// A reply that arrives within microseconds is cheaper to catch by polling the socket
/// (non-blocking `poll`, timeout 0) than by suspending: suspending costs two thread
/// wake-ups (reactor, then a pool thread) where a blocking C client pays one, and on
/// a virtual machine each wake-up can cost tens of microseconds. The poll never
/// blocks, so no thread is parked on the socket; it spins at most `budget` per wait,
/// only while this is the process's one statement in flight (a latency-bound,
/// sequential client: with concurrent statements throughput matters and the CPU is
/// better left to other tasks and the server), yielding the CPU between polls (the
/// server may be waiting for this very CPU), and only while it keeps paying off:
/// after a few misses in a row it stops trying for a while, backing off exponentially
/// up to ``longestSkip`` statements.
///
/// Not thread-safe: one per connection, used under the connection's lock.
struct BusyPoll {
  /// The longest a single spin lasts; `.zero` turns busy-polling off.
  let budget: Duration
  private var misses = 0
  private var skipRemaining = 0
  private var skipLength = 16

  init(budget: Duration) { self.budget = budget }

  /// The most statements a back-off skips before trying again: short enough that a
  /// client recovers within a fraction of a second once a slow spell is over.
  static let longestSkip = 256

  /// Statements of this process currently waiting for a server.
  private static let statementsInFlight = Atomic<Int>(0)

  /// Counts a statement as in flight for the duration of `body`.
  static func inFlight<T>(_ body: () async throws -> T) async rethrows -> T {
    statementsInFlight.add(1, ordering: .relaxed)
    defer { statementsInFlight.subtract(1, ordering: .relaxed) }
    return try await body()
  }

  /// How many statements of this process are waiting for a server right now.
  static var currentlyInFlight: Int { statementsInFlight.load(ordering: .relaxed) }

  /// Whether the next `spinUntilReadable` would spin (rather than return at once).
  func willSpin(inFlight: Int = currentlyInFlight) -> Bool {
    budget > .zero && inFlight <= 1 && skipRemaining == 0
  }

  /// Spins until `fd` is readable or the budget is spent; not at all while other
  /// statements are in flight (`inFlight` counts this one too).
  /// - Returns: true if the socket became readable.
  mutating func spinUntilReadable(_ fd: Int32, inFlight: Int = currentlyInFlight) -> Bool {
    guard budget > .zero, inFlight <= 1 else { return false }
    if skipRemaining > 0 {
      skipRemaining -= 1
      return false
    }
    let deadline = ContinuousClock.now + budget
    var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    repeat {
      if poll(&descriptor, 1, 0) != 0 {  // ready, or an error libpq will report
        misses = 0
        skipLength = 16
        return true
      }
      // Let whatever else is runnable on this CPU go first: on a machine with few
      // cores the server may be waiting for this very CPU to send the reply.
      sched_yield()
    } while ContinuousClock.now < deadline
    misses += 1
    if misses >= 3 {
      misses = 0
      skipRemaining = skipLength
      skipLength = min(skipLength * 2, Self.longestSkip)
    }
    return false
  }
}
