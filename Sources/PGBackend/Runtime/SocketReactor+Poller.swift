#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(CLibPQ)
import CLibPQ
#endif

extension SocketReactor {
  /// The operating system's readiness API: epoll on Linux, kqueue on Darwin.
  /// `arm` is one-shot (it reports at most one event); `register` is edge-triggered
  /// and lasts until `unregister` or the socket's closing.
  ///
  /// `@unchecked Sendable`: it holds only file descriptors, and epoll_ctl / kevent
  /// may be called from any thread while another sleeps in epoll_wait / kevent.
  final class Poller: @unchecked Sendable {
    /// What a socket became ready for.
    struct Events: OptionSet, Sendable {
      let rawValue: UInt8
      static let readable = Events(rawValue: 1)
      static let writable = Events(rawValue: 2)
      /// Closed, reset or in error: every wait on it should end.
      static let hangUp = Events(rawValue: 4)

      /// Whether these events end a wait for `interest`.
      func intersects(_ interest: Interest) -> Bool {
        switch interest {
        case .read: !isDisjoint(with: [.readable, .hangUp])
        case .write: !isDisjoint(with: [.writable, .hangUp])
        case .readWrite: !isEmpty
        }
      }
    }

    #if canImport(Glibc)
    private let epollFD: Int32
    private let wakeFD: Int32

    init() {
      epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
      wakeFD = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
      precondition(epollFD >= 0 && wakeFD >= 0, "cannot create the epoll reactor (errno \(errno))")
      var event = epoll_event()
      event.events = EPOLLIN.rawValue
      event.data.fd = wakeFD
      _ = epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
    }

    /// Asks for one event when `fd` is ready; false if the socket cannot be watched.
    func arm(fd: Int32, interest: Interest) -> Bool {
      var event = epoll_event()
      let flags: UInt32 = switch interest {
      case .read: EPOLLIN.rawValue
      case .write: EPOLLOUT.rawValue
      case .readWrite: EPOLLIN.rawValue | EPOLLOUT.rawValue
      }
      event.events = flags | EPOLLONESHOT.rawValue | EPOLLRDHUP.rawValue
      event.data.fd = fd
      if epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event) == 0 { return true }
      if errno == ENOENT, epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0 { return true }
      return false
    }

    /// Watches `fd` for every arrival, edge-triggered, until `unregister`, its
    /// closing or a one-shot `arm`; false if the socket cannot be watched. Room to
    /// write is not watched (a Unix socket reports it each time the server reads).
    /// Data there already is reported at once.
    func register(fd: Int32) -> Bool {
      var event = Self.lastingEvent(fd: fd)
      // Usually armed one-shot before (connecting, a long result): change that.
      if epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event) == 0 { return true }
      return errno == ENOENT && epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) == 0
    }

    private static func lastingEvent(fd: Int32) -> epoll_event {
      var event = epoll_event()
      event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
      event.data.fd = fd
      return event
    }

    /// Stops watching a registered socket that is still open.
    func unregister(fd: Int32) {
      var event = epoll_event()
      _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, &event)
    }

    /// Cancels an armed registration (after a timeout).
    func disarm(fd: Int32) {
      var event = epoll_event()
      event.events = EPOLLONESHOT.rawValue
      event.data.fd = fd
      _ = epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    /// Interrupts a sleeping `poll` so it recomputes its timeout.
    func wake() {
      var one: UInt64 = 1
      _ = withUnsafeBytes(of: &one) { write(wakeFD, $0.baseAddress, 8) }
    }

    /// Sleeps until events or `timeout` ms (-1: forever); appends ready sockets.
    func poll(timeout: Int32, into ready: inout [(fd: Int32, events: Events)]) {
      withUnsafeTemporaryAllocation(of: epoll_event.self, capacity: 64) { events in
        guard let base = events.baseAddress else { return }
        let count = epoll_wait(epollFD, base, 64, timeout)
        guard count > 0 else { return }
        for index in 0..<Int(count) {
          let fd = events[index].data.fd
          if fd == wakeFD {
            var value: UInt64 = 0
            _ = withUnsafeMutableBytes(of: &value) { read(wakeFD, $0.baseAddress, 8) }
          } else {
            ready.append((fd, Self.events(events[index].events)))
          }
        }
      }
    }

    private static func events(_ flags: UInt32) -> Events {
      var events: Events = []
      if flags & EPOLLIN.rawValue != 0 { events.insert(.readable) }
      if flags & EPOLLOUT.rawValue != 0 { events.insert(.writable) }
      if flags & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { events.insert(.hangUp) }
      return events
    }
    #else
    private let queue: Int32

    init() {
      queue = kqueue()
      precondition(queue >= 0, "cannot create the kqueue reactor (errno \(errno))")
      var event = kevent(ident: 0, filter: Int16(EVFILT_USER), flags: UInt16(EV_ADD | EV_CLEAR),
                         fflags: 0, data: 0, udata: nil)
      _ = kevent(queue, &event, 1, nil, 0, nil)
    }

    func arm(fd: Int32, interest: Interest) -> Bool {
      var changes: [kevent] = []
      let flags = UInt16(EV_ADD | EV_ENABLE | EV_ONESHOT)
      if interest != .write {
        changes.append(kevent(ident: UInt(fd), filter: Int16(EVFILT_READ), flags: flags, fflags: 0, data: 0, udata: nil))
      }
      if interest != .read {
        changes.append(kevent(ident: UInt(fd), filter: Int16(EVFILT_WRITE), flags: flags, fflags: 0, data: 0, udata: nil))
      }
      return kevent(queue, changes, Int32(changes.count), nil, 0, nil) == 0
    }

    func register(fd: Int32) -> Bool {
      var change = kevent(ident: UInt(fd), filter: Int16(EVFILT_READ), flags: UInt16(EV_ADD | EV_ENABLE | EV_CLEAR),
                          fflags: 0, data: 0, udata: nil)
      return kevent(queue, &change, 1, nil, 0, nil) == 0
    }

    func unregister(fd: Int32) { disarm(fd: fd) }

    func disarm(fd: Int32) {
      var changes = [
        kevent(ident: UInt(fd), filter: Int16(EVFILT_READ), flags: UInt16(EV_DELETE), fflags: 0, data: 0, udata: nil),
        kevent(ident: UInt(fd), filter: Int16(EVFILT_WRITE), flags: UInt16(EV_DELETE), fflags: 0, data: 0, udata: nil),
      ]
      _ = kevent(queue, &changes, 2, nil, 0, nil)
    }

    func wake() {
      var event = kevent(ident: 0, filter: Int16(EVFILT_USER), flags: 0, fflags: UInt32(NOTE_TRIGGER), data: 0, udata: nil)
      _ = kevent(queue, &event, 1, nil, 0, nil)
    }

    func poll(timeout: Int32, into ready: inout [(fd: Int32, events: Events)]) {
      var events = [kevent](repeating: kevent(), count: 64)
      var spec = timespec(tv_sec: Int(timeout / 1000), tv_nsec: Int(timeout % 1000) * 1_000_000)
      let count = timeout < 0
        ? kevent(queue, nil, 0, &events, 64, nil)
        : kevent(queue, nil, 0, &events, 64, &spec)
      guard count > 0 else { return }
      for event in events[0..<Int(count)] where event.filter != Int16(EVFILT_USER) {
        var kinds: Events = event.filter == Int16(EVFILT_WRITE) ? .writable : .readable
        if event.flags & UInt16(EV_EOF | EV_ERROR) != 0 { kinds.insert(.hangUp) }
        ready.append((Int32(event.ident), kinds))
      }
    }
    #endif
  }
}
