import Testing

/// The list ``DifferentialTests`` runs, checked without a database (so also without a
/// PostgreSQL server).
@Suite
struct DifferentialQueryListTests {
  @Test func everyQueryHasAUniqueName() {
    let names = DifferentialQuery.all.map(\.name)
    #expect(Set(names).count == names.count)
    #expect(names.count >= 40)
  }
}
