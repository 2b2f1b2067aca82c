/// Times the part of a run that a workload measures.
struct Stopwatch {
  private let start = ContinuousClock.now

  /// Seconds since the stopwatch was made.
  var seconds: Double {
    let elapsed = start.duration(to: .now).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
  }
}
