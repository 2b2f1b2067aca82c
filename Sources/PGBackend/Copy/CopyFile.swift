#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import QueryBuilder

/// Reading and writing the files of `copy(…fromFile:)` and `copy(…toFile:)` with
/// plain system calls, in chunks.
enum CopyFile {
  /// Calls `body` with a reader of `path`'s chunks.
  static func reading<T>(_ path: String, _ body: (() throws -> [UInt8]?) async throws -> T) async throws -> T {
    let fd = try open(path, flags: O_RDONLY)
    defer { _ = close(fd) }
    var buffer = [UInt8](repeating: 0, count: 256 * 1024)
    return try await body {
      let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if count < 0 { throw MisuseError("cannot read \(path): errno \(errno)") }
      return count == 0 ? nil : Array(buffer[0..<count])
    }
  }

  /// Calls `body` with a writer to `path` (created or truncated).
  static func writing<T>(_ path: String, _ body: (([UInt8]) throws -> Void) async throws -> T) async throws -> T {
    let fd = try open(path, flags: O_WRONLY | O_CREAT | O_TRUNC)
    defer { _ = close(fd) }
    return try await body { chunk in
      var rest = chunk[...]
      while !rest.isEmpty {
        let written = rest.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if written < 0 { throw MisuseError("cannot write \(path): errno \(errno)") }
        rest = rest.dropFirst(written)
      }
    }
  }

  private static func open(_ path: String, flags: Int32) throws -> Int32 {
    guard !path.utf8.contains(0) else { throw MisuseError("the file path contains a NUL byte") }
    #if canImport(Glibc)
    let fd = Glibc.open(path, flags | O_CLOEXEC, 0o644)
    #else
    let fd = Darwin.open(path, flags | O_CLOEXEC, 0o644)
    #endif
    guard fd >= 0 else { throw MisuseError("cannot open \(path): errno \(errno)") }
    return fd
  }
}
