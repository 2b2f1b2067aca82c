import SQLiteTestBackend

extension Workloads {
  /// Sequential iterations of T1.
  static let testUnitIterations = 2_000

  /// T1: the cost of one typical unit test on the test backend, 2,000 in a row.
  /// Wren's target is absolute and taken the way an app's tests get their database
  /// (a copy of a migrated template); creating the tables in every test, and raw
  /// sqlite3 running that test's SQL, are shown for orientation.
  static func testUnit(_ env: BenchEnvironment) -> Workload {
    let iterations = testUnitIterations
    return Workload(
      name: "T1", title: "test unit", backend: .sqliteMemory,
      figure: .microsecondsPer("iteration", count: iterations),
      expected: { TestUnitAnswers.checksum(iterations: iterations) },
      baseline: nil,
      contenders: [
        Contender(model + ", template", target: .absolute(atMost: 300, unit: "µs")) {
          await (try await TestUnit.template.makeDatabase()).close()  // the one migration per process, untimed
          let watch = Stopwatch()
          var checksum = Checksum()
          for _ in 0..<iterations { try await TestUnit.run(.copiedFromTemplate).add(to: &checksum) }
          return Sample(seconds: watch.seconds, checksum: checksum)
        },
        Contender(model + ", create tables") {
          let watch = Stopwatch()
          var checksum = Checksum()
          for _ in 0..<iterations { try await TestUnit.run(.createdPerTest).add(to: &checksum) }
          return Sample(seconds: watch.seconds, checksum: checksum)
        },
        Contender("sqlite3 (C), same image and SQL") {
          let runs = try await TestUnit.statements().runs()
          let expected = Baselines.sqliteTestUnitRuns()
          guard runs.map(\.count) == expected else { throw TestShapeMismatch(wren: runs, c: expected) }
          let copy = try await TestUnit.template.makeDatabase()
          let image = try await copy.image()
          await copy.close()
          return try Baselines.sqliteTestUnit(iterations: iterations, statements: runs.map(\.text), image: image.bytes)
        },
        Contender("sqlite3 (C), same SQL") {
          // Wren's statements, recorded from one test (untimed), run by the C side.
          let runs = try await TestUnit.statements().runs()
          let expected = Baselines.sqliteTestUnitRuns()
          guard runs.map(\.count) == expected else { throw TestShapeMismatch(wren: runs, c: expected) }
          return try Baselines.sqliteTestUnit(iterations: iterations, statements: runs.map(\.text))
        },
      ])
  }
}

extension [String] {
  /// Consecutive equal texts as one entry with their count: the statements of a test
  /// as (text, times in a row).
  fileprivate func runs() -> [(text: String, count: Int)] {
    var runs: [(text: String, count: Int)] = []
    for text in self {
      if runs.last?.text == text { runs[runs.count - 1].count += 1 } else { runs.append((text, 1)) }
    }
    return runs
  }
}

/// Wren's test no longer runs the statements the C row of T1 binds values for.
struct TestShapeMismatch: Error, CustomStringConvertible {
  let wren: [(text: String, count: Int)]
  let c: [Int]

  var description: String {
    "Wren's test runs \(wren.count) distinct statements, times in a row: "
      + wren.map { String($0.count) }.joined(separator: " ")
      + "; the C row expects " + c.map(String.init).joined(separator: " ")
      + " (sqlite_unit_baseline.c). Wren's: " + wren.map(\.text).joined(separator: " | ")
  }
}
