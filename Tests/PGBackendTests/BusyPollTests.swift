#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import PGBackend
import Testing

/// The busy-poll policy, on a real socket pair (no server needed).
@Suite struct BusyPollTests {
  struct SocketPairError: Error {}

  /// A connected pair of Unix sockets, closed at the end.
  final class SocketPair {
    var fds: [Int32] = [-1, -1]
    init() throws {
      #if canImport(Glibc)
      let kind = Int32(SOCK_STREAM.rawValue)
      #else
      let kind = SOCK_STREAM
      #endif
      guard socketpair(AF_UNIX, kind, 0, &fds) == 0 else { throw SocketPairError() }
    }
    var reader: Int32 { fds[0] }
    func sendByte() { var byte: UInt8 = 1; _ = write(fds[1], &byte, 1) }
    deinit { fds.forEach { _ = close($0) } }
  }

  @Test func findsAReplyThatIsAlreadyThere() throws {
    let pair = try SocketPair()
    pair.sendByte()
    var poll = BusyPoll(budget: .milliseconds(5))
    let found = poll.spinUntilReadable(pair.reader, inFlight: 1)
    #expect(found)
  }

  @Test func givesUpAfterItsBudget() throws {
    let pair = try SocketPair()
    var poll = BusyPoll(budget: .milliseconds(2))
    let start = ContinuousClock.now
    let found = poll.spinUntilReadable(pair.reader, inFlight: 1)
    #expect(!found)
    let elapsed = ContinuousClock.now - start
    #expect(elapsed >= .milliseconds(2))
    #expect(elapsed < .milliseconds(200))
  }

  @Test func backsOffAfterThreeMissesInARow() throws {
    let pair = try SocketPair()
    var poll = BusyPoll(budget: .milliseconds(1))
    for _ in 0..<3 {
      let found = poll.spinUntilReadable(pair.reader, inFlight: 1)
      #expect(!found)
    }
    // Now it skips spinning: even a ready socket is not polled, and it returns at once.
    pair.sendByte()
    let start = ContinuousClock.now
    let found = poll.spinUntilReadable(pair.reader, inFlight: 1)
    #expect(!found)
    #expect(ContinuousClock.now - start < .microseconds(500))
  }

  @Test func neverSpinsWhileOtherStatementsAreInFlight() throws {
    let pair = try SocketPair()
    pair.sendByte()
    var poll = BusyPoll(budget: .milliseconds(5))
    let found = poll.spinUntilReadable(pair.reader, inFlight: 2)
    #expect(!found)
  }

  @Test func zeroBudgetNeverSpins() throws {
    let pair = try SocketPair()
    pair.sendByte()
    var poll = BusyPoll(budget: .zero)
    let found = poll.spinUntilReadable(pair.reader, inFlight: 1)
    #expect(!found)
  }

  @Test(arguments: [
    ("postgres://u@127.0.0.1:5432/db", false),
    ("postgres://u@[::1]:5432/db", false),
    ("host=/var/run/postgresql dbname=x", false),
    ("host=db.example.com hostaddr=10.0.0.1 dbname=x", false),
    ("postgres://u@localhost/db", true),
    ("host=127.0.0.1,db.internal dbname=x", true),
  ])
  func connectingResolvesHostNamesOffThePool(connectionString: String, resolves: Bool) {
    #expect(PostgresConnectionHandle.needsNameResolution(keywords: ["dbname"], values: [connectionString]) == resolves)
  }
}
