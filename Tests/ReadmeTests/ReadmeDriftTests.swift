import Foundation
import Testing

/// README.md's Swift blocks are the regions this target compiles: `scripts/check-readme`
/// compares them, so `swift test` alone also catches a tour that drifted.
@Suite struct ReadmeDriftTests {
  @Test func theReadmeShowsExactlyTheCodeThisTargetCompiles() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let script = root.appendingPathComponent("scripts/check-readme")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    process.waitUntilExit()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0, "\(text)")
  }
}
