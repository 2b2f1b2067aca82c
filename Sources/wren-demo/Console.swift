import Wren

/// Prints what the demo does: the statements run since the last flush, with their
/// binds, and results as aligned tables.
struct Console {
  let dialect: SQLDialect
  let recording: RecordingDatabase

  func section(_ title: String) {
    print("\n== \(title) ==")
  }

  func note(_ text: String) {
    print("   -> \(text)")
  }

  /// Prints the statements recorded since the last flush.
  func flush() {
    for statement in recording.statements {
      let text = statement.text.split(separator: "\n").map { $0.trimmingPrefix(while: { $0 == " " }) }.joined(separator: " ")
      print("sql> \(text)")
      if !statement.binds.isEmpty {
        print("     binds: \(statement.binds.map(\.description).joined(separator: ", "))")
      }
    }
    recording.reset()
  }

  /// Rows of text as an aligned table.
  func table(_ rows: [[String]], headers: [String]) {
    guard !rows.isEmpty else {
      print("   (no rows)")
      return
    }
    var widths = headers.map(\.count)
    for row in rows {
      for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    func line(_ cells: [String]) -> String {
      "   " + cells.enumerated().map { $1.padding(to: widths[$0]) }.joined(separator: " | ")
    }
    print(line(headers))
    print("   " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-"))
    rows.forEach { print(line($0)) }
  }
}

extension String {
  fileprivate func padding(to width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
