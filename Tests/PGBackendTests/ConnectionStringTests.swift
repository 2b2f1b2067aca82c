@testable import PGBackend
import QueryBuilder
import Testing

/// A connection string libpq would not read as a URL or key=value pairs is refused
/// before connecting, with a message saying what libpq would have made of it. None
/// of these need a server: they fail before any socket is opened.
@Suite struct ConnectionStringTests {
  @Test(arguments: [
    "postgres://app@db.example.com:5432/app", "postgresql://app@localhost/app?sslmode=disable",
    "postgres://", "postgresql:///app?host=/var/run/postgresql",
  ])
  func postgresURLsAreURLs(_ text: String) throws {
    #expect(try PostgresConnectionString(classifying: text) == .url)
  }

  @Test(arguments: ["host=db dbname=app", "dbname=app", "host=/tmp port=5433 user='a b'", ""])
  func keyValueStringsAndTheEmptyStringAreKeyValue(_ text: String) throws {
    #expect(try PostgresConnectionString(classifying: text) == .keyValue)
  }

  @Test(arguments: ["this is not a url", "app", "localhost:5432/app", "  postgres://app@db/app"])
  func textThatIsNeitherIsRefusedAsADatabaseNameLibpqWouldHaveTried(_ text: String) {
    let error = #expect(throws: MisuseError.self) { try PostgresConnectionString(classifying: text) }
    #expect(error?.message == "the connection string is neither a postgres:// URL nor a key=value string, so libpq "
      + "would have taken the whole text for the name of a database on the default server (PGHOST, or the local "
      + "Unix socket). Write a URL (postgres://user@host:5432/db) or key=value pairs (host=db dbname=app); for a "
      + "database name alone, dbname=name")
  }

  @Test func aURLWithAnotherSchemeNamesTheSchemeAndTheOnesLibpqReads() {
    let error = #expect(throws: MisuseError.self) {
      try PostgresConnectionString(classifying: "postgress://app:secret@db/app")
    }
    #expect(error?.message == "the connection string is a postgress:// URL, a scheme libpq does not know; it reads "
      + "postgres:// and postgresql:// URLs (postgres://user@host:5432/db) and key=value strings (host=db dbname=app). "
      + "libpq would have taken the whole text for the name of a database on the default server (PGHOST, or the "
      + "local Unix socket)")
    // The password after the scheme is never repeated.
    #expect(error?.message.contains("secret") == false)
  }

  @Test func aURLWithAnotherSchemeAndAQueryIsNotMistakenForKeyValuePairs() {
    let error = #expect(throws: MisuseError.self) {
      try PostgresConnectionString(classifying: "mysql://app@db/app?sslmode=require")
    }
    #expect(error?.message.hasPrefix("the connection string is a mysql:// URL, a scheme libpq does not know") == true)
    #expect(error?.message.hasSuffix("libpq would have read it as key=value pairs and failed") == true)
  }

  @Test func uppercaseSchemesAreNotURLsToLibpq() {
    let error = #expect(throws: MisuseError.self) { try PostgresConnectionString(classifying: "POSTGRES://app@db/app") }
    #expect(error?.message.hasPrefix("the connection string is a POSTGRES:// URL, a scheme libpq does not know") == true)
  }

  @Test func malformedKeyValuePairsCarryLibpqsParseError() {
    let error = #expect(throws: MisuseError.self) { try PostgresConnectionString(classifying: "host=db port") }
    #expect(error?.message == "the connection string is not a valid key=value string: "
      + "missing \"=\" after \"port\" in connection info string")
  }

  @Test func unknownKeywordsCarryLibpqsParseError() {
    let error = #expect(throws: MisuseError.self) { try PostgresConnectionString(classifying: "hostname=db") }
    #expect(error?.message == "the connection string is not a valid key=value string: invalid connection option \"hostname\"")
  }

  @Test func malformedURLsCarryLibpqsParseError() {
    let error = #expect(throws: MisuseError.self) {
      try PostgresConnectionString(classifying: "postgres://app@db/app?nosuchoption=1")
    }
    #expect(error?.message == "the connection string is not a valid postgres:// URL: invalid URI query parameter: \"nosuchoption\"")
  }

  @Test(arguments: ["this is not a url", "postgress://app@localhost/app"])
  func connectingRefusesTheStringBeforeTouchingASocket(_ text: String) async {
    let error = await #expect(throws: MisuseError.self) { _ = try await PostgresConnection.connect(text) }
    #expect(error?.message.hasPrefix("the connection string is ") == true)
    #expect(error?.message.contains("No such file") == false)
  }

  @Test(arguments: ["this is not a url", "postgress://app@localhost/app"])
  func openingAPoolRefusesTheStringToo(_ text: String) async {
    let error = await #expect(throws: MisuseError.self) { _ = try await PostgresDatabase(url: text) }
    #expect(error?.message.hasPrefix("the connection string is ") == true)
  }
}
