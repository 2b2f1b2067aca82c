#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import QueryBuilder

/// A TCP port on 127.0.0.1 that nothing listens on: bound by the kernel's choice,
/// then closed again.
func closedLocalPort() throws -> Int {
  #if canImport(Glibc)
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  #else
  let fd = socket(AF_INET, SOCK_STREAM, 0)
  #endif
  guard fd >= 0 else { throw MisuseError("socket() failed: errno \(errno)") }
  defer { close(fd) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = 0
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  let bound = withUnsafeMutablePointer(to: &address) { pointer in
    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
      bind(fd, address, length) == 0 && getsockname(fd, address, &length) == 0
    }
  }
  guard bound else { throw MisuseError("bind() failed: errno \(errno)") }
  return Int(UInt16(bigEndian: address.sin_port))
}
