#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// Streaming keeps memory flat whatever the result's size. A stress suite: the
/// resident size is read from /proc while a million rows go by, so other tests must
/// not allocate meanwhile (`scripts/test` and CI run the suites one after another).
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(2)))
struct StreamMemoryStressTests {
  /// This process's resident memory now (VmRSS), in bytes; nil where /proc is missing.
  private static func residentBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
    return kilobytes * 1024
  }

  @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/status"), "needs /proc"))
  func streamingAMillionRowsKeepsResidentMemoryFlat() async throws {
    try await PostgresTestServer.withConnection(schema: "stream_memory", timeLimit: .seconds(100)) { conn in
      let baseline = try #require(Self.residentBytes())
      var peak = baseline
      var count = 0
      var sum: Int64 = 0
      for try await row in conn.stream("SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 1000000) AS g") {
        count += 1
        sum += try row.decode(Int64.self, at: 0)
        if count % 10_000 == 0, let now = Self.residentBytes() { peak = max(peak, now) }
      }
      #expect(count == 1_000_000)
      #expect(sum == 500_000_500_000)
      let growth = peak - baseline
      print("stream of 1,000,000 rows: resident \(baseline / 1_048_576) MB at start, peak \(peak / 1_048_576) MB, growth \(growth / 1_048_576) MB")
      #expect(growth < 64 * 1_048_576, "resident memory grew by \(growth / 1_048_576) MB")
    }
  }
}
