extension Duration {
  /// The duration as a person writes it, for messages: the largest unit that keeps
  /// the number at least 1 (ns, µs, ms, s, min, h), at most three significant digits,
  /// trailing zeros dropped. `Duration`'s own description prints every attosecond
  /// (`1.999998517 seconds` for a deadline's remainder); this prints `2 s`.
  ///
  /// ```swift
  /// Duration.milliseconds(1500).readable  // "1.5 s"
  /// Duration.seconds(180).readable        // "3 min"
  /// ```
  package var readable: String {
    if self < .zero { return "-" + (.zero - self).readable }
    let (seconds, attoseconds) = components
    let total = Double(seconds) + Double(attoseconds) / 1e18
    if total == 0 { return "0 s" }
    // Each unit's size in seconds and the value at which the next unit takes over.
    let units: [(name: String, size: Double, next: Double)] = [
      ("ns", 1e-9, 1000), ("µs", 1e-6, 1000), ("ms", 1e-3, 1000), ("s", 1, 60), ("min", 60, 60), ("h", 3600, .infinity),
    ]
    for unit in units {
      let (text, rounded) = Self.threeSignificantDigits(total / unit.size)
      // Rounding can reach the next unit (999.96 ms is 1 s, 59.97 s is 1 min).
      if rounded < unit.next { return text + " " + unit.name }
    }
    return String(total) + " s"  // not reached: hours take any size
  }

  /// `value` rounded to three significant digits (whole numbers from 100 up), as text
  /// without trailing zeros, and as a number.
  private static func threeSignificantDigits(_ value: Double) -> (String, Double) {
    let decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2
    let scale: Double = decimals == 0 ? 1 : decimals == 1 ? 10 : 100
    let scaled = (value * scale).rounded()
    guard scaled < 9e15 else { return (String(value), value) }  // beyond exact integers
    let digits = Int64(scaled)
    let whole = digits / Int64(scale)
    var fraction = ""
    if decimals > 0 {
      let rest = String(digits % Int64(scale))
      fraction = String(repeating: "0", count: decimals - rest.count) + rest
      while fraction.hasSuffix("0") { fraction.removeLast() }
    }
    return (fraction.isEmpty ? String(whole) : "\(whole).\(fraction)", scaled / scale)
  }
}
