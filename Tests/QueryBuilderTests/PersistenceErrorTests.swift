import Model
import QueryBuilder
import Testing

/// `PersistenceError` says which row was not found.
@Suite struct PersistenceErrorTests {
  struct User {}

  @Test(arguments: [
    (SQLValue.int(42), "User: no row in users has id = 42"),
    (.text("o'neil"), "User: no row in users has id = 'o''neil'"),
  ])
  func notFoundNamesTheKeyColumnAndValue(_ key: SQLValue, _ message: String) {
    let error = PersistenceError(.notFound, model: User.self, table: "users", keyColumn: "id", keyValue: key)
    #expect(error.description == message)
  }

  @Test func notFoundWithoutAKeyStillReadsAsASentence() {
    #expect(PersistenceError(.notFound, model: User.self, table: "users").description
      == "User: no row in users has this primary key")
  }
}
