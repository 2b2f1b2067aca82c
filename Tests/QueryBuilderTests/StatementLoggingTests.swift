import QueryBuilder
import Testing

// What is logged (redacted binds vs. values) needs a capturing `LogHandler`, which needs
// `import Logging`; this test target does not depend on swift-log, so only the
// default that decides it is pinned here.
@Suite struct StatementLoggingTests {
  @Test func bindsAreRedactedUnlessAskedFor() {
    #expect(StatementLogging().logBinds == false)
    #expect(StatementLogging(logBinds: true).logBinds == true)
  }
}
