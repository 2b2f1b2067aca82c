import Model
import QueryBuilder
import SQLiteTestBackend
import Testing

/// `image()` copies a whole database; `inMemory(copying:)` opens a private copy.
@Suite struct ImageTests {
  @Test func aCopyHasTheSameTablesAndRowsAndChangesStayInIt() async throws {
    let source = try SQLiteDatabase.inMemory()
    try await source.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
    try await source.execute("INSERT INTO t (name) VALUES ('a'), ('b')")
    let image = try await source.image()
    let copy = try SQLiteDatabase.inMemory(copying: image)
    #expect(try await copy.fetchValue("SELECT group_concat(name) FROM t", as: String.self) == "a,b")
    try await copy.execute("INSERT INTO t (name) VALUES ('c')")
    #expect(try await source.fetchValue("SELECT count(*) FROM t", as: Int.self) == 2)
    let again = try SQLiteDatabase.inMemory(copying: image)
    #expect(try await again.fetchValue("SELECT count(*) FROM t", as: Int.self) == 2)
    // Constraints come along with the schema.
    await #expect(throws: DatabaseError.self) { try await again.execute("INSERT INTO t (name) VALUES ('a')") }
  }

  @Test func aCopyGrowsPastItsImage() async throws {
    let source = try SQLiteDatabase.inMemory()
    try await source.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB)")
    let copy = try SQLiteDatabase.inMemory(copying: try await source.image())
    let payload = [UInt8](repeating: 7, count: 300_000)
    for _ in 0..<5 { try await copy.execute("INSERT INTO t (payload) VALUES (\(payload))") }
    #expect(try await copy.fetchValue("SELECT sum(length(payload)) FROM t", as: Int.self) == 1_500_000)
  }

  @Test func bytesThatAreNotADatabaseFailWhenOpened() async throws {
    let garbage = SQLiteImage(bytes: Array("this is not a database file, just text".utf8) + [UInt8](repeating: 0, count: 4096))
    let error = try #require(throws: DatabaseError.self) { try SQLiteDatabase.inMemory(copying: garbage) }
    #expect(error.code == .dataCorrupted)
  }

  @Test func anEmptyImageOpensAnEmptyDatabase() async throws {
    let db = try SQLiteDatabase.inMemory(copying: SQLiteImage(bytes: []))
    try await db.execute("CREATE TABLE t (x)")
    #expect(try await db.fetchValue("SELECT count(*) FROM t", as: Int.self) == 0)
  }

  @Test func imageOfAClosedDatabaseIsAMisuseError() async throws {
    let db = try SQLiteDatabase.inMemory()
    await db.close()
    await #expect(throws: MisuseError.self) { try await db.image() }
  }

  @Test func arraysBindAsJSONText() async throws {
    let db = try SQLiteDatabase.inMemory()
    let value = SQLValue.array([.int(1), .null, .text("a\"b\n"), .bool(true), .double(0.5), .array([.int(2)])])
    let text = try await db.fetchValue("SELECT " + SQL(segments: [.bind(value)]), as: String.self)
    #expect(text == #"[1,null,"a\"b\n",true,0.5,[2]]"#)
    #expect(try await db.fetchValue("SELECT json_array_length(" + SQL(segments: [.bind(value)]) + ")", as: Int.self) == 6)
    let nan = SQLValue.array([.double(.nan)])
    let error = await #expect(throws: DatabaseError.self) { try await db.fetchAll("SELECT " + SQL(segments: [.bind(nan)])) }
    #expect(error?.code == .datatypeMismatch)
  }
}
