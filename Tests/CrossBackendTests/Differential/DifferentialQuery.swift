import QueryBuilder
import Testing

/// One query of the differential suite: written once, run on both backends, and the
/// results (decoded into Swift types) compared with `==`.
///
/// Every query has a total order (a unique key as the last sort term, or a single
/// row), so the comparison covers row order too.
struct DifferentialQuery: Sendable, CustomTestStringConvertible {
  /// A short name, shown as the test case's argument.
  let name: String
  /// Whether the query writes: it then runs on a freshly seeded pair of databases.
  let mutates: Bool
  /// A divergence between the backends that is known and reported: the comparison
  /// still runs, exactly, inside `withKnownIssue`, so the case fails as soon as the
  /// backends agree (and the marker must go).
  let knownIssue: Comment?
  /// Runs the query and returns what it read.
  let run: @Sendable (any Database) async throws -> Outcome

  /// A query whose result is compared with `==`.
  init<R: Equatable & Sendable>(_ name: String, mutates: Bool = false, knownIssue: Comment? = nil,
                                _ body: @escaping @Sendable (any Database) async throws -> R) {
    self.name = name
    self.mutates = mutates
    self.knownIssue = knownIssue
    self.run = { db in Outcome(try await body(db)) }
  }

  var testDescription: String { name }
}
