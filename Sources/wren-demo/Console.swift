import Wren

/// Prints what the demo does: each statement with its binds, then its rows as a table.
struct Console {
  let dialect: SQLDialect

  func section(_ title: String) {
    print("\n== \(title) ==")
  }

  func note(_ text: String) {
    print("   \(text)")
  }

  /// Runs and shows a statement that returns no rows.
  @discardableResult
  func execute(_ db: any Database, _ sql: SQL) async throws -> Int {
    show(sql)
    let changed = try await db.execute(sql)
    print("   -> \(changed) row(s) changed")
    return changed
  }

  /// Runs and shows a query and its rows.
  func fetch(_ db: any Database, _ sql: SQL) async throws {
    show(sql)
    let rows = try await db.fetchAll(sql)
    print(table(rows))
  }

  private func show(_ sql: SQL) {
    let rendered = sql.render(dialect)
    let text = rendered.text.split(separator: "\n").map { $0.trimmingPrefix(while: { $0 == " " }) }.joined(separator: " ")
    print("sql> \(text)")
    if !rendered.binds.isEmpty { print("     binds: \(rendered.binds.map(\.description).joined(separator: ", "))") }
  }

  /// Rows as an aligned text table.
  func table(_ rows: [Row]) -> String {
    guard let first = rows.first else { return "   (no rows)" }
    let headers = first.columns.names
    let cells = rows.map { row in row.values.map(Self.cell) }
    var widths = headers.map(\.count)
    for line in cells {
      for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.count) }
    }
    func format(_ line: [String]) -> String {
      "   " + line.enumerated().map { $1.padding(to: widths[$0]) }.joined(separator: " | ")
    }
    var lines = [format(headers), "   " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-")]
    lines += cells.map(format)
    return lines.joined(separator: "\n")
  }

  private static func cell(_ value: SQLValue) -> String {
    switch value {
    case .null: "NULL"
    case .text(let s): s
    case .timestamp(let d): SQLTimestamp.format(d)
    default: value.description
    }
  }
}

extension String {
  fileprivate func padding(to width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
