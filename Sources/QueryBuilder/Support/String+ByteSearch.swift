#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension String {
  /// Whether the UTF-8 form contains `byte`: `memchr` over the string's contiguous
  /// storage (the generic `utf8.contains` walks it an index at a time, which showed in
  /// profiles of statement rendering and validation).
  @usableFromInline
  func utf8Contains(_ byte: UInt8) -> Bool {
    let found = utf8.withContiguousStorageIfAvailable { buffer -> Bool in
      guard let base = buffer.baseAddress else { return false }
      return memchr(base, Int32(byte), buffer.count) != nil
    }
    return found ?? utf8.contains(byte)
  }
}
