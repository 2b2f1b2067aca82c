/// Number formatting for the table (fixed, locale-free).
enum Format {
  /// A figure with a precision that suits its size: `12.34`, `1,234,567`.
  static func figure(_ value: Double) -> String {
    guard value.isFinite else { return "\(value)" }
    if value >= 10_000 { return grouped(Int64(value.rounded())) }
    if value >= 100 { return fixed(value, decimals: 1) }
    return fixed(value, decimals: 2)
  }

  /// `1.23x`.
  static func ratio(_ value: Double) -> String {
    value.isFinite ? fixed(value, decimals: 2) + "x" : "-"
  }

  /// A target's ratio: `1.10x`, or `0.909x` when two decimals would round it.
  static func targetRatio(_ value: Double) -> String {
    let hundredths = value * 100
    let decimals = abs(hundredths - hundredths.rounded()) < 1e-9 ? 2 : 3
    return fixed(value, decimals: decimals) + "x"
  }

  /// `value` with exactly `decimals` digits after the point.
  static func fixed(_ value: Double, decimals: Int) -> String {
    var scale: Double = 1
    for _ in 0..<decimals { scale *= 10 }
    let scaled = Int64((abs(value) * scale).rounded())
    let whole = scaled / Int64(scale)
    var fraction = String(scaled % Int64(scale))
    fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
    return (value < 0 && scaled != 0 ? "-" : "") + grouped(whole) + (decimals > 0 ? "." + fraction : "")
  }

  /// `1234567` as `1,234,567`.
  static func grouped(_ value: Int64) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (offset, digit) in digits.enumerated() {
      if offset > 0 && (digits.count - offset).isMultiple(of: 3) { out.append(",") }
      out.append(digit)
    }
    return (value < 0 ? "-" : "") + out
  }
}
