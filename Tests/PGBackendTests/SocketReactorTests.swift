#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
@testable import PGBackend
import Testing

/// The reactor's lasting socket watch, on real socket pairs (no server needed).
@Suite struct SocketReactorTests {
  typealias SocketPair = BusyPollTests.SocketPair
  let reactor = SocketReactor.shared

  private func register(_ pair: SocketPair) throws -> SocketReactor.Registration {
    try #require(reactor.register(fd: pair.reader))
  }

  /// Runs `body` on a thread of its own after `delay`; the stream ends once it has run.
  ///
  /// The peer a wait waits for acts from a thread, not a task: in a parallel run the
  /// cooperative pool can be busy for seconds (two threads on a two-core machine), and
  /// a task held back past the wait's deadline would fail the test for nothing the
  /// reactor did.
  private func peer(after delay: Duration, _ body: @escaping @Sendable () -> Void) -> AsyncStream<Void> {
    let (done, finished) = AsyncStream.makeStream(of: Void.self)
    Thread.detachNewThread {
      let (seconds, attoseconds) = delay.components
      Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
      body()
      finished.finish()
    }
    return done
  }

  /// Writes one byte to `fd`.
  private static func sendByte(to fd: Int32) {
    var byte: UInt8 = 1
    _ = write(fd, &byte, 1)
  }

  @Test func aTrustingWaitEndsWhenTheReplyArrivesAfterIt() async throws {
    let pair = try SocketPair()
    let registration = try register(pair)
    defer { reactor.unregister(registration, socketIsOpen: true) }
    reactor.forgetArrivals(registration)
    let sender = peer(after: .milliseconds(30)) { [fd = pair.fds[1]] in Self.sendByte(to: fd) }
    let outcome = await reactor.wait(registration, for: .read, deadline: .now + .seconds(5), trustingEdges: true)
    for await _ in sender {}
    #expect(outcome == .ready)
  }

  @Test func arrivalsWhileNobodyWaitsAreKeptForTheNextWait() async throws {
    let pair = try SocketPair()
    let registration = try register(pair)
    defer { reactor.unregister(registration, socketIsOpen: true) }
    #expect(reactor.takeArrivals(registration) == false)
    pair.sendByte()
    try await waitUntilTaken(registration)
    #expect(reactor.takeArrivals(registration) == false, "taking them clears them")
    pair.sendByte()
    try await Task.sleep(for: .milliseconds(50))  // the reactor sees it, nobody waits
    let outcome = await reactor.wait(registration, for: .read, deadline: .now + .seconds(5), trustingEdges: true)
    #expect(outcome == .ready)
  }

  @Test func aTrustingWaitOnlyCountsArrivalsAfterForgetArrivals() async throws {
    // The contract the connection relies on: trust is only for the first wait after
    // a send, whose reply has not come yet.
    let pair = try SocketPair()
    let registration = try register(pair)
    defer { reactor.unregister(registration, socketIsOpen: true) }
    pair.sendByte()
    try await Task.sleep(for: .milliseconds(50))
    reactor.forgetArrivals(registration)
    let trusting = await reactor.wait(registration, for: .read, deadline: .now + .milliseconds(100), trustingEdges: true)
    #expect(trusting == .timedOut)
    let checking = await reactor.wait(registration, for: .read, deadline: .now + .seconds(5), trustingEdges: false)
    #expect(checking == .ready, "an untrusting wait finds the unread byte itself")
  }

  @Test func aTimedOutWaitLeavesTheSocketWatched() async throws {
    let pair = try SocketPair()
    let registration = try register(pair)
    defer { reactor.unregister(registration, socketIsOpen: true) }
    reactor.forgetArrivals(registration)
    let first = await reactor.wait(registration, for: .read, deadline: .now + .milliseconds(50), trustingEdges: true)
    #expect(first == .timedOut)
    let sender = peer(after: .milliseconds(30)) { [fd = pair.fds[1]] in Self.sendByte(to: fd) }
    let second = await reactor.wait(registration, for: .read, deadline: .now + .seconds(5), trustingEdges: true)
    for await _ in sender {}
    #expect(second == .ready)
  }

  @Test func aClosedSocketsRegistrationLeavesTheNextSocketWithItsNumberAlone() async throws {
    var old: SocketPair? = try SocketPair()
    let oldFD = try #require(old?.reader)
    let oldRegistration = try #require(reactor.register(fd: oldFD))
    old = nil  // both ends closed, as libpq closes a lost connection's socket
    let pair = try SocketPair()
    try #require(pair.reader == oldFD || pair.fds[1] == oldFD, "the new pair reuses the closed number")
    let fd = pair.reader == oldFD ? pair.reader : pair.fds[1]
    let registration = try #require(reactor.register(fd: fd))
    defer { reactor.unregister(registration, socketIsOpen: true) }
    reactor.unregister(oldRegistration, socketIsOpen: true)  // stale: must not touch the new watch
    reactor.forgetArrivals(registration)
    let sender = peer(after: .milliseconds(30)) { [other = fd == pair.reader ? pair.fds[1] : pair.reader] in
      Self.sendByte(to: other)
    }
    let outcome = await reactor.wait(registration, for: .read, deadline: .now + .seconds(5), trustingEdges: true)
    for await _ in sender {}
    #expect(outcome == .ready)
  }

  @Test func offTheLastingWatchArrivalsAreUnknownAndAReturningWaitStillSeesThem() async throws {
    let pair = try SocketPair()
    let registration = try register(pair)
    defer { reactor.unregister(registration, socketIsOpen: true) }
    reactor.leaveLastingWatch(registration)
    pair.sendByte()
    try await Task.sleep(for: .milliseconds(50))
    #expect(reactor.takeArrivals(registration), "off the watch, the idle check cannot rely on it")
    // Back on the lasting watch, the byte that came meanwhile is reported.
    let outcome = await reactor.wait(registration, for: .read, deadline: .now + .seconds(5), trustingEdges: true)
    #expect(outcome == .ready)
  }

  @Test func aWaitForRoomToWriteEndsWhenThePeerReads() async throws {
    let pair = try SocketPair()
    let writer = pair.reader
    _ = fcntl(writer, F_SETFL, fcntl(writer, F_GETFL) | O_NONBLOCK)
    let chunk = [UInt8](repeating: 7, count: 4096)
    while chunk.withUnsafeBytes({ write(writer, $0.baseAddress, $0.count) }) > 0 {}  // fill the buffer
    let registration = try register(pair)
    defer { reactor.unregister(registration, socketIsOpen: true) }
    let full = await reactor.wait(registration, for: .write, deadline: .now + .milliseconds(50), trustingEdges: false)
    #expect(full == .timedOut)
    let drainer = peer(after: .milliseconds(30)) { [fd = pair.fds[1]] in
      var buffer = [UInt8](repeating: 0, count: 1 << 20)
      _ = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    }
    let outcome = await reactor.wait(registration, for: .write, deadline: .now + .seconds(5), trustingEdges: false)
    for await _ in drainer {}
    #expect(outcome == .ready)
  }

  /// Polls `takeArrivals` until the reactor has recorded an arrival.
  private func waitUntilTaken(_ registration: SocketReactor.Registration) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while !reactor.takeArrivals(registration) {
      guard ContinuousClock.now < deadline else {
        Issue.record("the reactor never recorded the arrival")
        return
      }
      try await Task.sleep(for: .milliseconds(5))
    }
  }
}
