#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Times the part of a run that a workload measures.
struct Stopwatch {
  private let start = ContinuousClock.now

  /// Seconds since the stopwatch was made.
  var seconds: Double {
    let elapsed = start.duration(to: .now).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
  }
}

/// CPU time (user + system) of this process or of its finished children.
enum CPUTime {
  /// Seconds of CPU this process has used so far.
  static var ofProcess: Double { seconds(of: 0) }   // RUSAGE_SELF
  /// Seconds of CPU this process's children that have been waited for used.
  static var ofChildren: Double { seconds(of: -1) }  // RUSAGE_CHILDREN

  private static func seconds(of who: Int32) -> Double {
    var usage = rusage()
    getrusage(who, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) * 1e-6
    return user + system
  }
}
