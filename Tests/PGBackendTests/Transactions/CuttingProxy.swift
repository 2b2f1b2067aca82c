#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import QueryBuilder
import Synchronization

/// A loopback TCP proxy in front of the test server. It forwards bytes both ways and,
/// once armed, cuts the first connection on which the server sends a chosen message,
/// just before that message: the server has done its work (committed), the client
/// never hears of it.
///
/// The server's side of the stream is read as protocol messages (a type byte, a
/// length), so connections through the proxy must not use SSL or GSS encryption
/// (`sslmode=disable&gssencmode=disable`). Blocking socket calls run on threads of
/// the proxy's own, never on Swift's cooperative pool.
final class CuttingProxy: Sendable {
  /// The server message to cut at: its type, and bytes its body contains.
  struct Trigger: Sendable {
    let type: UInt8
    let contains: [UInt8]

    /// CommandComplete of COMMIT: sent once the commit is done.
    static let commitComplete = Trigger(type: UInt8(ascii: "C"), contains: Array("COMMIT\0".utf8))
    /// RowDescription of `SELECT txid_current_if_assigned()`, the first part of
    /// the answer to `SELECT txid_current_if_assigned(); COMMIT`, which the server
    /// sends in one go after the commit.
    static let transactionIDRow = Trigger(type: UInt8(ascii: "T"), contains: Array("txid_current_if_assigned\0".utf8))
  }

  private struct State {
    var trigger: Trigger?
    var cuts = 0
    var stopped = false
    var latency: Duration = .zero
    var holdsCloses = false
  }

  /// The port the proxy listens on (127.0.0.1).
  let port: Int
  private let listener: Int32
  private let upstreamPort: UInt16
  private let state = Mutex(State())

  /// Listens on a free port of 127.0.0.1 and forwards each connection to
  /// 127.0.0.1:`upstreamPort`.
  init(upstreamPort: Int) throws {
    self.upstreamPort = UInt16(upstreamPort)
    let fd = Self.tcpSocket()
    guard fd >= 0 else { throw MisuseError("socket() failed: errno \(errno)") }
    var address = Self.loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let listening = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
        bind(fd, address, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, address, &length) == 0
      }
    }
    guard listening else {
      Self.closeSocket(fd)
      throw MisuseError("bind/listen failed: errno \(errno)")
    }
    listener = fd
    port = Int(UInt16(bigEndian: address.sin_port))
    Thread { [self] in acceptLoop() }.start()
  }

  /// `serverURL` pointed at the proxy, without SSL or GSS encryption (the proxy reads
  /// the server's messages).
  func url(replacing serverURL: URLComponents) -> URLComponents {
    var url = serverURL
    url.host = "127.0.0.1"
    url.port = port
    url.queryItems = (url.queryItems ?? []) + [URLQueryItem(name: "sslmode", value: "disable"),
                                               URLQueryItem(name: "gssencmode", value: "disable")]
    return url
  }

  /// Cuts the next connection on which the server sends `trigger`'s message (once).
  func arm(_ trigger: Trigger) {
    state.withLock { $0.trigger = trigger }
  }

  /// Holds every chunk the client sends for `latency` before passing it on, like a
  /// distant server: each round trip then costs at least that much.
  func setLatency(_ latency: Duration) {
    state.withLock { $0.latency = latency }
  }

  /// While on, a connection the server closes stays open towards the client (what
  /// the server sent before closing is passed on, its end of stream is not) until
  /// this is turned off or the proxy stops: the moment between a terminated backend's
  /// FATAL message and its socket's closing, held open.
  func holdCloses(_ hold: Bool) {
    state.withLock { $0.holdsCloses = hold }
  }

  /// How many connections were cut.
  var cuts: Int { state.withLock { $0.cuts } }

  /// Stops listening and closes every connection (within about 50 ms).
  func stop() {
    state.withLock { $0.stopped = true }
  }

  private var isStopped: Bool { state.withLock { $0.stopped } }

  // MARK: Threads

  private func acceptLoop() {
    defer { Self.closeSocket(listener) }
    while !isStopped {
      var ready = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
      guard poll(&ready, 1, 50) > 0 else { continue }
      let client = accept(listener, nil, nil)
      guard client >= 0 else { continue }
      let upstream = connectUpstream()
      guard upstream >= 0 else {
        Self.closeSocket(client)
        continue
      }
      Thread { [self] in pump(client: client, upstream: upstream) }.start()
    }
  }

  private func connectUpstream() -> Int32 {
    let fd = Self.tcpSocket()
    guard fd >= 0 else { return -1 }
    var address = Self.loopback(port: upstreamPort)
    let connected = withUnsafePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
    guard connected else {
      Self.closeSocket(fd)
      return -1
    }
    return fd
  }

  /// Forwards one connection both ways until either side closes it, the proxy
  /// stops, or the trigger cuts it.
  private func pump(client: Int32, upstream: Int32) {
    defer {
      for fd in [client, upstream] {
        _ = shutdown(fd, Int32(SHUT_RDWR))
        Self.closeSocket(fd)
      }
    }
    var reader = ServerStream()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while !isStopped {
      var fds = [pollfd(fd: client, events: Int16(POLLIN), revents: 0),
                 pollfd(fd: upstream, events: Int16(POLLIN), revents: 0)]
      guard poll(&fds, 2, 50) > 0 else { continue }
      if fds[0].revents != 0 {
        let count = recv(client, &buffer, buffer.count, 0)
        guard count > 0 else { return }
        let latency = state.withLock { $0.latency }
        if latency > .zero { usleep(UInt32(latency / .microseconds(1))) }
        guard Self.sendAll(upstream, buffer[0..<count]) else { return }
      }
      if fds[1].revents != 0 {
        let count = recv(upstream, &buffer, buffer.count, 0)
        guard count > 0 else {
          while state.withLock({ $0.holdsCloses && !$0.stopped }) { usleep(5_000) }
          return
        }
        reader.pending += buffer[0..<count]
        let (forward, cut) = reader.take(trigger: { state.withLock { $0.trigger } }, claim: claimCut)
        guard Self.sendAll(client, forward[...]), !cut else { return }
      }
    }
  }

  /// Disarms the trigger and counts the cut; false if another connection took it.
  private func claimCut() -> Bool {
    state.withLock { state in
      guard state.trigger != nil else { return false }
      state.trigger = nil
      state.cuts += 1
      return true
    }
  }

  // MARK: Sockets

  private static func tcpSocket() -> Int32 {
    #if canImport(Glibc)
    socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    socket(AF_INET, SOCK_STREAM, 0)
    #endif
  }

  private static func loopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
  }

  private static func sendAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
    #if canImport(Glibc)
    let flags = Int32(MSG_NOSIGNAL)
    #else
    let flags: Int32 = 0
    #endif
    var rest = bytes
    while !rest.isEmpty {
      let sent = rest.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, flags) }
      guard sent > 0 else { return false }
      rest = rest.dropFirst(sent)
    }
    return true
  }

  private static func closeSocket(_ fd: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(fd)
    #else
    _ = Darwin.close(fd)
    #endif
  }
}

/// The server's side of one connection, split into protocol messages as far as
/// needed to find the trigger's message.
private struct ServerStream {
  /// Received, not yet forwarded.
  var pending: [UInt8] = []
  /// Bytes of the current message still to forward as they come.
  private var passThrough = 0

  /// The bytes that may be forwarded now, and whether to cut the connection after
  /// them (the trigger's message, which is not among them, arrived and was claimed).
  mutating func take(trigger: () -> CuttingProxy.Trigger?, claim: () -> Bool) -> (forward: [UInt8], cut: Bool) {
    var index = 0
    defer { pending.removeFirst(index) }
    while index < pending.count {
      if passThrough > 0 {
        let count = min(passThrough, pending.count - index)
        index += count
        passThrough -= count
        continue
      }
      guard pending.count - index >= 5 else { break }
      let type = pending[index]
      let length = pending[(index + 1)...(index + 4)].reduce(0) { $0 << 8 | Int($1) }
      if let trigger = trigger(), type == trigger.type {
        guard pending.count - index >= 1 + length else { break }  // the whole message first
        let message = pending[index..<(index + 1 + length)]
        if Self.contains(message, trigger.contains), claim() {
          return (Array(pending[0..<index]), true)
        }
        index += 1 + length
        continue
      }
      index += 5
      passThrough = length - 4
    }
    return (Array(pending[0..<index]), false)
  }

  private static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
    var start = haystack.startIndex
    while start + needle.count <= haystack.endIndex {
      if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
      start += 1
    }
    return false
  }
}
