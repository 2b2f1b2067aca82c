#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The fixed-format date routine both backends share.
///
/// Dates are kept at microsecond precision, counted from Foundation's reference date
/// (2001-01-01 UTC) so that a `Date` on the microsecond grid converts to an integer and
/// back without a rounding step in between. Text is ISO-8601 in UTC with six fraction
/// digits (`2026-01-01T00:00:00.000000Z`), which sorts correctly as text on SQLite.
/// No Foundation formatter is involved: this is the hot path of every fetch on SQLite.
///
/// A `Date` is a `Double` of seconds: it holds every microsecond only within
/// ``exactDateRange`` (1728-10-18T11:03:28Z through 2273-03-16T12:56:32Z). Farther
/// out, some microsecond counts have no `Date`; ``exactDate(microsecondsSinceReferenceDate:)``
/// says which, and ``PreciseTimestamp`` holds them all.
///
/// ```swift
/// SQLTimestamp.format(microsecondsSinceReferenceDate: 1)  // "2001-01-01T00:00:00.000001Z"
/// ```
public enum SQLTimestamp {
  /// Microseconds from 1970-01-01 to 2001-01-01.
  public static let unixEpochToReferenceMicroseconds: Int64 = 978_307_200_000_000
  /// Days from 1970-01-01 to 2001-01-01.
  static let unixEpochToReferenceDays: Int64 = 11_323
  /// The microseconds since 2001-01-01 within which a `Date` holds every microsecond
  /// exactly: ±2^33 seconds, 1728-10-18T11:03:28Z through 2273-03-16T12:56:32Z. There a
  /// `Double` of seconds resolves steps finer than half a microsecond; beyond, its
  /// steps grow past a microsecond and some instants have no `Date` of their own.
  ///
  /// ```swift
  /// SQLTimestamp.exactDateRange.contains(micros)  // every such count has an exact Date
  /// ```
  public static let exactDateRange: ClosedRange<Int64> = -8_589_934_592_000_000...8_589_934_592_000_000

  /// The date's distance from 2001-01-01 in whole microseconds (rounded to nearest),
  /// or nil when the date is not finite or beyond ±290,000 years.
  @inlinable
  public static func microsecondsSinceReferenceDate(_ date: Date) -> Int64? {
    let seconds = date.timeIntervalSinceReferenceDate
    guard seconds.isFinite, abs(seconds) < 9.0e12 else { return nil }
    // Whole seconds and the fraction are both exact; scaling only the fraction keeps
    // the rounding error far below half a microsecond. `seconds * 1e6` rounds the
    // whole product and is off by one for some dates ~135 years or more from 2001.
    let whole = seconds.rounded(.down)
    return Int64(whole) * 1_000_000 + Int64(((seconds - whole) * 1_000_000).rounded())
  }

  /// The date `micros` microseconds after 2001-01-01.
  @inlinable
  public static func date(microsecondsSinceReferenceDate micros: Int64) -> Date {
    // Up to 2^53 µs, Double(micros) is exact and the division rounds once. Beyond,
    // Double(micros) would round first; whole seconds plus the fraction does not.
    if micros.magnitude <= 1 << 53 {
      return Date(timeIntervalSinceReferenceDate: Double(micros) / 1_000_000)
    }
    let (seconds, fraction) = micros.quotientAndRemainder(dividingBy: 1_000_000)
    return Date(timeIntervalSinceReferenceDate: Double(seconds) + Double(fraction) / 1_000_000)
  }

  /// The date `micros` microseconds after 2001-01-01 when a `Date` holds exactly that
  /// instant (it converts back to `micros`), else nil: always inside
  /// ``exactDateRange``, farther out only for the counts a `Double` happens to hold
  /// (every count a `Date` was stored as, so a stored `Date` always reads back).
  ///
  /// ```swift
  /// SQLTimestamp.exactDate(microsecondsSinceReferenceDate: 252_423_993_599_999_999)  // nil (9999-12-31T23:59:59.999999Z)
  /// ```
  @inlinable
  public static func exactDate(microsecondsSinceReferenceDate micros: Int64) -> Date? {
    let date = date(microsecondsSinceReferenceDate: micros)
    if exactDateRange.contains(micros) { return date }
    return microsecondsSinceReferenceDate(date) == micros ? date : nil
  }

  /// ISO-8601 text in UTC with microseconds, e.g. `2026-01-01T12:30:00.250000Z`.
  /// Years outside 0000–9999 get an explicit sign and more digits (ISO-8601 expanded
  /// years), so every representable date round-trips.
  public static func format(_ date: Date) -> String {
    guard let micros = microsecondsSinceReferenceDate(date) else { return "invalid-date" }
    return format(microsecondsSinceReferenceDate: micros)
  }

  /// ISO-8601 text for a count of microseconds since 1970-01-01 UTC.
  public static func format(microsecondsSinceUnixEpoch micros: Int64) -> String {
    let (days, microOfDay) = floorDivide(micros, 86_400_000_000)
    return format(daysSinceUnixEpoch: days, microOfDay: microOfDay)
  }

  /// ISO-8601 text for a count of microseconds since 2001-01-01 UTC: every `Int64`
  /// count, PostgreSQL's whole `timestamptz` range (4713 BC to 294276 AD) included.
  ///
  /// ```swift
  /// SQLTimestamp.format(microsecondsSinceReferenceDate: -1)  // "2000-12-31T23:59:59.999999Z"
  /// ```
  public static func format(microsecondsSinceReferenceDate micros: Int64) -> String {
    let (days, microOfDay) = floorDivide(micros, 86_400_000_000)
    return format(daysSinceUnixEpoch: days + unixEpochToReferenceDays, microOfDay: microOfDay)
  }

  /// ISO-8601 date text (`2026-01-01`, `+5874897-12-31`) for a count of days since
  /// 2001-01-01: what a PostgreSQL `date` too far out for a microsecond count reads as.
  ///
  /// ```swift
  /// SQLTimestamp.formatDate(daysSinceReferenceDate: -1)  // "2000-12-31"
  /// ```
  public static func formatDate(daysSinceReferenceDate days: Int64) -> String {
    let (year, month, day) = civilDate(fromDaysSinceUnixEpoch: days + unixEpochToReferenceDays)
    var bytes: [UInt8] = []
    if year < 0 || year > 9999 {
      bytes.append(year < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
      let digits = String(abs(year))
      bytes.append(contentsOf: (String(repeating: "0", count: max(0, 6 - digits.count)) + digits).utf8)
    } else {
      appendDigits(&bytes, year, count: 4)
    }
    bytes.append(UInt8(ascii: "-"))
    appendDigits(&bytes, month, count: 2)
    bytes.append(UInt8(ascii: "-"))
    appendDigits(&bytes, day, count: 2)
    return String(decoding: bytes, as: UTF8.self)
  }

  private static func format(daysSinceUnixEpoch days: Int64, microOfDay: Int64) -> String {
    let (year, month, day) = civilDate(fromDaysSinceUnixEpoch: days)
    let secondOfDay = microOfDay / 1_000_000
    let fraction = microOfDay % 1_000_000
    if year >= 0 && year <= 9999 {
      // The common case, written straight into the string's storage.
      return String(unsafeUninitializedCapacity: 27) { buffer in
        var index = 0
        func put(_ value: Int64, _ count: Int) {
          var rest = value
          for offset in stride(from: count - 1, through: 0, by: -1) {
            buffer[index + offset] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
          }
          index += count
        }
        func put(_ byte: UInt8) {
          buffer[index] = byte
          index += 1
        }
        put(year, 4); put(UInt8(ascii: "-")); put(month, 2); put(UInt8(ascii: "-")); put(day, 2)
        put(UInt8(ascii: "T")); put(secondOfDay / 3600, 2); put(UInt8(ascii: ":"))
        put(secondOfDay / 60 % 60, 2); put(UInt8(ascii: ":")); put(secondOfDay % 60, 2)
        put(UInt8(ascii: ".")); put(fraction, 6); put(UInt8(ascii: "Z"))
        return index
      }
    }
    // Expanded years (ISO-8601): explicit sign, at least six digits.
    var bytes: [UInt8] = [year < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")]
    let digits = String(abs(year))
    bytes.append(contentsOf: (String(repeating: "0", count: max(0, 6 - digits.count)) + digits).utf8)
    bytes.append(UInt8(ascii: "-"))
    appendDigits(&bytes, Int64(month), count: 2)
    bytes.append(UInt8(ascii: "-"))
    appendDigits(&bytes, Int64(day), count: 2)
    bytes.append(UInt8(ascii: "T"))
    appendDigits(&bytes, secondOfDay / 3600, count: 2)
    bytes.append(UInt8(ascii: ":"))
    appendDigits(&bytes, secondOfDay / 60 % 60, count: 2)
    bytes.append(UInt8(ascii: ":"))
    appendDigits(&bytes, secondOfDay % 60, count: 2)
    bytes.append(UInt8(ascii: "."))
    appendDigits(&bytes, fraction, count: 6)
    bytes.append(UInt8(ascii: "Z"))
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Parses ISO-8601 / SQL timestamp text: `YYYY-MM-DD`, optionally followed by `T` or
  /// a space and `HH:MM[:SS[.ffffff]]`, optionally followed by `Z` or `±HH[:MM[:SS]]`.
  /// Text without a zone is taken as UTC. Returns nil for anything else, including more
  /// than microsecond precision and instants a `Date` cannot hold to the microsecond
  /// (see ``exactDate(microsecondsSinceReferenceDate:)``), which would otherwise be
  /// silently rounded.
  ///
  /// ```swift
  /// SQLTimestamp.parse("2026-01-01T12:30:00Z")  // a Date
  /// ```
  public static func parse(_ text: some StringProtocol) -> Date? {
    parseMicrosecondsSinceReferenceDate(text).flatMap { exactDate(microsecondsSinceReferenceDate: $0) }
  }

  /// Like ``parse(_:)`` but returns microseconds since 1970-01-01 UTC.
  public static func parseMicrosecondsSinceUnixEpoch(_ text: some StringProtocol) -> Int64? {
    parseMicroseconds(text, epochDays: 0)
  }

  /// Like ``parse(_:)`` but returns microseconds since 2001-01-01 UTC, exactly: every
  /// instant of PostgreSQL's `timestamptz` range (4713 BC to 294276 AD) has one.
  ///
  /// ```swift
  /// SQLTimestamp.parseMicrosecondsSinceReferenceDate("2001-01-01T00:00:00.000001Z")  // 1
  /// ```
  public static func parseMicrosecondsSinceReferenceDate(_ text: some StringProtocol) -> Int64? {
    parseMicroseconds(text, epochDays: unixEpochToReferenceDays)
  }

  private static func parseMicroseconds(_ text: some StringProtocol, epochDays: Int64) -> Int64? {
    if let result = text.utf8.withContiguousStorageIfAvailable({
      parseMicroseconds(UnsafeRawBufferPointer($0), epochDays: epochDays)
    }) {
      return result
    }
    var copy = String(text)
    return copy.withUTF8 { parseMicroseconds(UnsafeRawBufferPointer($0), epochDays: epochDays) }
  }

  /// Parses UTF-8 bytes in place (no copy) to microseconds since 1970-01-01 UTC: the
  /// hot path of every date read on SQLite.
  public static func parseMicroseconds(_ bytes: UnsafeRawBufferPointer) -> Int64? {
    parseMicroseconds(bytes, epochDays: 0)
  }

  /// Microseconds since the day `epochDays` days after 1970-01-01. The epoch is
  /// applied to the day count before scaling, so the result overflows only when the
  /// answer does not fit.
  private static func parseMicroseconds(_ bytes: UnsafeRawBufferPointer, epochDays: Int64) -> Int64? {
    var scanner = DigitScanner(bytes)
    var sign: Int64 = 1
    if scanner.eat(UInt8(ascii: "+")) {
    } else if scanner.eat(UInt8(ascii: "-")) { sign = -1 }
    guard let yearDigits = scanner.digits(minCount: 4, maxCount: 9) else { return nil }
    let year = sign * yearDigits.value
    guard scanner.eat(UInt8(ascii: "-")), let month = scanner.digits(exactly: 2),
          scanner.eat(UInt8(ascii: "-")), let day = scanner.digits(exactly: 2),
          (1...12).contains(month), (1...daysInMonth(year: year, month: month)).contains(day)
    else { return nil }
    // Years run to 9 digits, far past Int64 microseconds: overflow is an error, not a trap.
    var (micros, overflow) = (daysSinceUnixEpoch(year: year, month: month, day: day) - epochDays)
      .multipliedReportingOverflow(by: 86_400_000_000)
    guard !overflow else { return nil }
    if scanner.eat(UInt8(ascii: "T")) || scanner.eat(UInt8(ascii: " ")) {
      guard let hour = scanner.digits(exactly: 2), hour < 24,
            scanner.eat(UInt8(ascii: ":")), let minute = scanner.digits(exactly: 2), minute < 60
      else { return nil }
      var second: Int64 = 0
      var fraction: Int64 = 0
      if scanner.eat(UInt8(ascii: ":")) {
        guard let s = scanner.digits(exactly: 2), s < 60 else { return nil }
        second = s
        if scanner.eat(UInt8(ascii: ".")) {
          guard let f = scanner.digits(minCount: 1, maxCount: 6) else { return nil }
          fraction = f.value
          for _ in f.count..<6 { fraction *= 10 }
          if scanner.peekDigit { return nil }  // finer than microseconds
        }
      }
      (micros, overflow) = micros.addingReportingOverflow(((hour * 60 + minute) * 60 + second) * 1_000_000 + fraction)
      guard !overflow else { return nil }
      if scanner.eat(UInt8(ascii: "Z")) {
      } else if let offsetSign = scanner.eatSign() {
        guard let oh = scanner.digits(exactly: 2), oh <= 15 else { return nil }
        var om: Int64 = 0
        var os: Int64 = 0  // PostgreSQL prints local mean time offsets to the second
        if scanner.eat(UInt8(ascii: ":")) || scanner.peekDigit {
          guard let m = scanner.digits(exactly: 2), m < 60 else { return nil }
          om = m
          if scanner.eat(UInt8(ascii: ":")) {
            guard let s = scanner.digits(exactly: 2), s < 60 else { return nil }
            os = s
          }
        }
        (micros, overflow) = micros.subtractingReportingOverflow(offsetSign * ((oh * 60 + om) * 60 + os) * 1_000_000)
        guard !overflow else { return nil }
      }
    }
    return scanner.atEnd ? micros : nil
  }

  // MARK: Calendar arithmetic (proleptic Gregorian, after H. Hinnant's algorithms)

  static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
    let q = a / b, r = a % b
    return r < 0 ? (q - 1, r + b) : (q, r)
  }

  static func daysSinceUnixEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = floorDivide(y, 400).0
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  static func civilDate(fromDaysSinceUnixEpoch days: Int64) -> (Int64, Int64, Int64) {
    let z = days + 719_468
    let era = floorDivide(z, 146_097).0
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  static func daysInMonth(year: Int64, month: Int64) -> Int64 {
    switch month {
    case 2:
      let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
      return leap ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  private static func appendDigits(_ bytes: inout [UInt8], _ value: Int64, count: Int) {
    var divisor: Int64 = 1
    for _ in 1..<count { divisor *= 10 }
    var rest = value
    while divisor > 0 {
      bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
      rest %= divisor
      divisor /= 10
    }
  }
}

/// A cursor over ASCII bytes for the timestamp parser.
private struct DigitScanner {
  let bytes: UnsafeRawBufferPointer
  var index = 0
  init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  var atEnd: Bool { index == bytes.count }
  var peekDigit: Bool { index < bytes.count && (48...57).contains(bytes[index]) }

  mutating func eat(_ byte: UInt8) -> Bool {
    guard index < bytes.count, bytes[index] == byte else { return false }
    index += 1
    return true
  }

  mutating func eatSign() -> Int64? {
    if eat(UInt8(ascii: "+")) { return 1 }
    if eat(UInt8(ascii: "-")) { return -1 }
    return nil
  }

  mutating func digits(exactly count: Int) -> Int64? {
    digits(minCount: count, maxCount: count)?.value
  }

  mutating func digits(minCount: Int, maxCount: Int) -> (value: Int64, count: Int)? {
    var value: Int64 = 0
    var count = 0
    while count < maxCount, peekDigit {
      value = value * 10 + Int64(bytes[index] - 48)
      index += 1
      count += 1
    }
    return count >= minCount ? (value, count) : nil
  }
}
