/// The one plain-text table wren-bench prints: a row per implementation of each
/// workload, with median, min and max of its figure, the ratio of its median to
/// the baseline's (or, when its target names another row, to that row's: the target
/// column then says which, `<= 1.10x raw`), the target and whether it was met.
/// A row whose target is an absolute figure, or of a workload without a baseline,
/// shows no ratio.
struct ReportTable {
  let results: [Runner.Result]

  static let header = ["Workload", "Implementation", "Unit", "Median", "Min", "Max", "Ratio", "Target", "Result"]
  /// Columns aligned left; the others (numbers) align right.
  private static let leftAligned: Set<Int> = [0, 1, 2, 8]

  /// Whether a run or a seed failed, or a run read wrong data.
  var hasFailures: Bool {
    results.contains { result in
      if case .failed? = result.notRun { return true }
      return result.outcomes.contains { $0.failure != nil }
    }
  }

  /// Whether a contender that ran missed its target.
  var hasMisses: Bool {
    results.contains { result in result.outcomes.contains { verdict(result, $0) == "MISS" } }
  }

  /// How to read the ratio column, naming the rows that targets refer to by a short name.
  var ratioLegend: String {
    var aliases: [String] = []
    for contender in results.flatMap(\.workload.contenders) {
      guard case .contender(let name, let shown)? = contender.target?.reference, shown != name else { continue }
      let alias = "\(shown) = \(name)"
      if !aliases.contains(alias) { aliases.append(alias) }
    }
    let named = aliases.isEmpty ? "" : " (" + aliases.joined(separator: ", ") + ")"
    return "ratio = median / baseline median, or / the median of the row a target names" + named
  }

  func render() -> String {
    var rows: [[String]] = []
    var notes: [String] = []
    for result in results {
      let workload = result.workload
      let label = "\(workload.name) \(workload.title)"
      if let notRun = result.notRun {
        let verdict = if case .failed = notRun { "ERROR" } else { "SKIPPED" }
        rows.append([label, "-", workload.figure.unit, "-", "-", "-", "", "", verdict])
        notes.append("\(workload.name): not run: \(notRun)")
        continue
      }
      for (index, outcome) in result.outcomes.enumerated() {
        var row = [index == 0 ? label : "", outcome.contender.name, workload.figure.unit]
        if let stats = outcome.statistics {
          row += [Format.figure(stats.median), Format.figure(stats.min), Format.figure(stats.max)]
        } else {
          row += ["-", "-", "-"]
        }
        let isBaseline = index == 0 && workload.baseline != nil
        row += [isBaseline ? "baseline" : ratio(result, outcome).map(Format.ratio) ?? "-",
                outcome.contender.target?.description ?? "",
                verdict(result, outcome)]
        rows.append(row)
        if let failure = outcome.failure {
          notes.append("\(workload.name) \(outcome.contender.name): \(failure)")
        }
      }
    }
    return Self.layout([Self.header] + rows) + notes.map { "\n! " + $0 }.joined()
  }

  /// The contender's median over its reference's: the contender its target names,
  /// else the baseline; nil when either did not run, for an absolute target, and
  /// without a baseline.
  private func ratio(_ result: Runner.Result, _ outcome: Runner.Outcome) -> Double? {
    let reference: Runner.Outcome?
    switch outcome.contender.target?.reference {
    case .absolute?: return nil
    case .contender(let name, _)?: reference = result.outcome(named: name)
    case .baseline?, nil: reference = result.baseline
    }
    guard let mine = outcome.statistics, let base = reference?.statistics else { return nil }
    return mine.median / base.median
  }

  private func verdict(_ result: Runner.Result, _ outcome: Runner.Outcome) -> String {
    if outcome.wrongResult { return "WRONG" }
    if outcome.failure != nil { return "ERROR" }
    guard let target = outcome.contender.target else { return "" }  // baselines have none
    let value: Double?
    if case .absolute = target.reference {
      value = outcome.statistics?.median
    } else {
      value = ratio(result, outcome)
    }
    guard let value else { return "-" }
    return target.isMet(by: value) ? "PASS" : "MISS"
  }

  private static func layout(_ rows: [[String]]) -> String {
    var widths = [Int](repeating: 0, count: header.count)
    for row in rows {
      for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    func line(_ row: [String]) -> String {
      row.enumerated().map { column, cell in
        let pad = String(repeating: " ", count: widths[column] - cell.count)
        return leftAligned.contains(column) ? cell + pad : pad + cell
      }.joined(separator: "  ").trimmingTrailingSpaces()
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([line(rows[0]), rule] + rows.dropFirst().map(line)).joined(separator: "\n")
  }
}

extension String {
  fileprivate func trimmingTrailingSpaces() -> String {
    var copy = self
    while copy.last == " " { copy.removeLast() }
    return copy
  }
}
