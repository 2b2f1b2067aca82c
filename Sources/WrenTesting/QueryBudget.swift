import QueryBuilder
import Testing

/// Runs `body` and records a test issue if it runs more than `limit` statements:
/// the way to pin down that a code path does not query in a loop (N+1).
///
/// ```swift
/// let page = try await expectQueries(atMost: 2, on: db) { db in
///   try await OrderPage.load(db, user: alice)     // must not query once per order
/// }
/// ```
/// The issue lists the statements that ran (text only, no bound values).
/// - Throws: what `body` throws.
@discardableResult
public func expectQueries<T>(atMost limit: Int, on db: any Database,
                             sourceLocation: SourceLocation = #_sourceLocation,
                             _ body: (any Database) async throws -> T) async throws -> T {
  let recording = RecordingDatabase(db)
  let result = try await body(recording)
  let statements = recording.statements
  if statements.count > limit {
    let listing = statements.enumerated().map { "  \($0.offset + 1). \($0.element.text)" }.joined(separator: "\n")
    Issue.record("expected at most \(limit) statement(s), ran \(statements.count):\n\(listing)",
                 sourceLocation: sourceLocation)
  }
  return result
}

/// Runs `body` and returns what it returned with the statements it ran.
/// - Throws: what `body` throws.
public func countingQueries<T>(on db: any Database,
                               _ body: (any Database) async throws -> T) async throws -> (T, [RenderedSQL]) {
  let recording = RecordingDatabase(db)
  let result = try await body(recording)
  return (result, recording.statements)
}
