import Testing

/// Seeds one ``SeededPair`` for a whole suite and closes it (dropping the PostgreSQL
/// schema) when the suite ends.
struct SeededPairTrait: SuiteTrait, TestScoping {
  func provideScope(for test: Test, testCase: Test.Case?,
                    performing function: @Sendable () async throws -> Void) async throws {
    let pair = try await SeededPair.open(name: "differential")
    do {
      try await SeededPair.$shared.withValue(pair) { try await function() }
      await pair.close()
    } catch {
      await pair.close()
      throw error
    }
  }
}

extension Trait where Self == SeededPairTrait {
  /// The suite's tests share one seeded pair of databases.
  static var seededPair: Self { SeededPairTrait() }
}
