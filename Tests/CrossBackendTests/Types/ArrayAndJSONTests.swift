#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import QueryBuilder
import Testing

/// Swift arrays (PostgreSQL arrays, JSON text on SQLite) and `JSON<Value>` columns
/// round-trip exactly on both backends.
@Suite
struct ArrayAndJSONTests {
  struct Preferences: Codable, Sendable, Equatable {
    var theme: String
    var fontSize: Int
    var shortcuts: [String: String]
    var ratio: Double?
  }

  @Model(table: "accounts")
  struct Account: Equatable, Sendable {
    @ID var id: Int64?
    var name: String
    var preferences: JSON<Preferences>
    var history: JSON<[Int]>?
  }

  private static func arraysDDL(_ backend: Backend) -> SQL {
    switch backend {
    case .postgres:
      "CREATE TABLE arrays (id int8 PRIMARY KEY, ints int8[], names text[], ids uuid[], moments timestamptz[], amounts numeric[], flags bool[], ratios float8[], grid int8[][], blobs bytea[])"
    case .sqlite:
      "CREATE TABLE arrays (id INTEGER PRIMARY KEY, ints TEXT, names TEXT, ids TEXT, moments TEXT, amounts TEXT, flags TEXT, ratios TEXT, grid TEXT, blobs TEXT)"
    }
  }

  @Test(arguments: Backend.available)
  func arraysOfEveryScalarTypeRoundTripWithNullElements(_ backend: Backend) async throws {
    try await withDatabase(backend, name: "types_arrays") { (db) async throws in
      try await db.execute(Self.arraysDDL(backend))
      let ints: [Int64] = [Int64.min, 0, Int64.max]
      let names: [String?] = ["a", nil, "with \"quotes\", commas and ünïcødé", ""]
      let ids = [UUID(), UUID()]
      let moments = [Date(timeIntervalSince1970: 1_700_000_000.123456), Date(timeIntervalSince1970: -1_000)]
      let amounts = [Decimal(string: "12345678901234567890.123456789")!, Decimal(-1)]
      let flags = [true, false]
      let ratios = [0.1, -2.5e300]
      let grid: [[Int64]] = [[1, 2, 3], [4, 5, 6]]
      let blobs: [[UInt8]] = [[0, 1, 255], []]
      try await db.execute("""
        INSERT INTO arrays VALUES (1, \(ints), \(names), \(ids), \(moments), \(amounts), \(flags), \(ratios), \(grid), \(blobs)),
                                  (2, \([Int64]()), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
        """)
      let row = try #require(try await db.fetchOne("SELECT * FROM arrays WHERE id = 1"))
      #expect(try row["ints", as: [Int64].self] == ints)
      #expect(try row["names", as: [String?].self] == names)
      #expect(try row["ids", as: [UUID].self] == ids)
      #expect(try row["moments", as: [Date].self] == moments)
      #expect(try row["amounts", as: [Decimal].self] == amounts)
      #expect(try row["flags", as: [Bool].self] == flags)
      #expect(try row["ratios", as: [Double].self] == ratios)
      #expect(try row["grid", as: [[Int64]].self] == grid)
      #expect(try row["blobs", as: [[UInt8]].self] == blobs)
      let empty = try #require(try await db.fetchOne("SELECT ints, names FROM arrays WHERE id = 2"))
      #expect(try empty["ints", as: [Int64].self] == [])
      #expect(try empty["names", as: [String]?.self] == nil)
      // A wrong element type is a decoding error, not a crash or a silent default.
      #expect(throws: (any Error).self) { try row["names", as: [Int64].self] }
    }
  }

  @Test(arguments: Backend.available)
  func jsonColumnsOfAModelRoundTrip(_ backend: Backend) async throws {
    try await withDatabase(backend, name: "types_json") { (db) async throws in
      try await db.create(Account.self)
      let preferences = Preferences(theme: "dark", fontSize: 14, shortcuts: ["save": "⌘S", "quote": "\"'"], ratio: nil)
      var account = Account(name: "ada", preferences: try JSON(preferences), history: try JSON([3, 1, 2]))
      try await account.insert(db)
      var bare = Account(name: "bob", preferences: try JSON(Preferences(theme: "light", fontSize: 9, shortcuts: [:], ratio: 0.5)),
                         history: nil)
      try await bare.insert(db)
      #expect(try await Account.fetchOne(db, id: try #require(account.id)) == account)
      #expect(try await Account.fetchOne(db, id: try #require(bare.id)) == bare)
      #expect(try await Account.fetchOne(db, id: try #require(account.id))?.preferences.value.shortcuts["save"] == "⌘S")
    }
  }

  @Test func aValueJSONCannotHoldFailsWhenWrapped() {
    #expect(throws: EncodingError.self) { try JSON(Double.nan) }
  }

  @Test func jsonTextThatIsNotTheValueIsAMalformedError() {
    let error = #expect(throws: SQLValueConversionError.self) { try JSON<Preferences>(sqlValue: .text(#"{"theme": 1}"#)) }
    #expect(error?.reason == .malformed)
  }
}
