import Foundation
import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// COPY in and out: rows in binary, data in text / CSV / binary, files, failures
/// half-way, inside blocks and on the pool; all against the real server.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason), .timeLimit(.minutes(1)))
struct CopyTests {
  private static let awkwardText = "tab\there, new\nline, back\\slash, quote ' \" , ünïcødé ✓, \\N, ,"

  private func withTable(_ schema: String, _ ddl: SQL = "CREATE TABLE t (id int8 PRIMARY KEY, name text)",
                         _ body: @escaping @Sendable (PostgresConnection) async throws -> Void) async throws {
    try await PostgresTestServer.withConnection(schema: schema) { (conn) async throws in
      try await conn.execute(ddl)
      try await body(conn)
    }
  }

  private static func count(_ conn: PostgresConnection, _ table: String = "t") async throws -> Int {
    try await conn.fetchValue("SELECT count(*) FROM \(identifier: table)", as: Int.self) ?? -1
  }

  @Test func rowsOfEverySupportedTypeRoundTripThroughBinaryCopy() async throws {
    try await PostgresTestServer.withConnection(schema: "copy_types") { (conn) async throws in
      try await conn.execute("CREATE TYPE mood AS ENUM ('happy', 'sad')")
      try await conn.execute("""
        CREATE TABLE t (i2 int2, i4 int4, i8 int8, f4 float4, f8 float8, num numeric, b bool, s text, v varchar(50),
                        raw bytea, ts timestamptz, lts timestamp, d date, u uuid, j jsonb, tags text[], nums int8[],
                        m mood)
        """)
      let moment = Date(timeIntervalSince1970: 1_700_000_000.123456)
      let midnight = Date(timeIntervalSince1970: 1_700_006_400)
      let uuid = UUID()
      let full: [SQLValue] = [
        .int(-32768), .int(2_147_483_647), .int(Int64.min), .double(1.5), .double(-0.1), .decimal(Decimal(string: "12345.678901234567890")!),
        .bool(true), .text(Self.awkwardText), .text("v"), .bytes([0, 1, 2, 255]), .timestamp(moment), .timestamp(moment),
        .timestamp(midnight), .uuid(uuid), .text(#"{"a": [1, 2, {"b": null}]}"#), .array([.text("x"), .null, .text("y z")]),
        .array([.int(1), .null, .int(3)]), .text("sad"),
      ]
      let empty = [SQLValue](repeating: .null, count: full.count)
      #expect(try await conn.copy(into: "t", rows: [full, empty]) == 2)
      let rows = try await conn.fetchAll("SELECT * FROM t ORDER BY i2 NULLS LAST")
      let row = try #require(rows.first)
      #expect(try row.decode(Int.self, at: 0) == -32768)
      #expect(try row.decode(Int64.self, at: 2) == Int64.min)
      #expect(try row.decode(Double.self, at: 4) == -0.1)
      #expect(try row.decode(Decimal.self, at: 5) == Decimal(string: "12345.678901234567890")!)
      #expect(try row.decode(String.self, at: 7) == Self.awkwardText)
      #expect(try row.decode([UInt8].self, at: 9) == [0, 1, 2, 255])
      #expect(try row.decode(Date.self, at: 10) == moment)
      #expect(try row.decode(Date.self, at: 12) == midnight)
      #expect(try row.decode(UUID.self, at: 13) == uuid)
      #expect(try await conn.fetchValue("SELECT j->'a'->2->>'b' IS NULL AND j->'a'->>0 = '1' FROM t WHERE i2 IS NOT NULL", as: Bool.self) == true)
      #expect(try await conn.fetchValue("SELECT array_to_string(tags, ',', '∅') FROM t WHERE i2 IS NOT NULL", as: String.self) == "x,∅,y z")
      #expect(try await conn.fetchValue("SELECT nums[3] + coalesce(nums[2], 0) FROM t WHERE i2 IS NOT NULL", as: Int.self) == 3)
      #expect(try await conn.fetchValue("SELECT m::text FROM t WHERE i2 IS NOT NULL", as: String.self) == "sad")
      #expect(try await conn.fetchValue("SELECT num_nulls(VARIADIC ARRAY[i2::text, s, m::text, u::text]) FROM t WHERE i2 IS NULL", as: Int.self) == 4)
    }
  }

  @Test func rowsFromAnAsyncSequenceLoadInChunks() async throws {
    try await withTable("copy_async") { (conn) async throws in
      let rows = AsyncStream<[SQLValue]> { continuation in
        for id in 1...50_000 { continuation.yield([.int(Int64(id)), .text("name \(id)")]) }
        continuation.finish()
      }
      #expect(try await conn.copy(into: "t", columns: ["id", "name"], rows: rows) == 50_000)
      #expect(try await Self.count(conn) == 50_000)
      #expect(try await conn.fetchValue("SELECT name FROM t WHERE id = 31337", as: String.self) == "name 31337")
    }
  }

  @Test func aProducerThatFailsHalfWayAbortsTheCopyAndTheConnectionGoesOn() async throws {
    struct ProducerFailed: Error {}
    try await withTable("copy_producer_fails") { (conn) async throws in
      let rows = AsyncThrowingStream<[SQLValue], any Error> { continuation in
        for id in 1...30_000 { continuation.yield([.int(Int64(id)), .null]) }
        continuation.finish(throwing: ProducerFailed())
      }
      await #expect(throws: ProducerFailed.self) { try await conn.copy(into: "t", rows: rows) }
      #expect(try await Self.count(conn) == 0)
      #expect(try await conn.copy(into: "t", rows: [[.int(1), .text("after")]]) == 1)
    }
  }

  @Test func cancellingACopyHalfWayLoadsNothingAndTheConnectionGoesOn() async throws {
    try await withTable("copy_cancel") { (conn) async throws in
      let copying = Task {
        let rows = AsyncStream<[SQLValue]> { continuation in
          Task {
            for id in 1...1_000_000 {
              continuation.yield([.int(Int64(id)), .text("slow")])
              if id % 1_000 == 0 { try? await Task.sleep(for: .milliseconds(5)) }
            }
            continuation.finish()
          }
        }
        return try await conn.copy(into: "t", rows: rows)
      }
      try await Task.sleep(for: .milliseconds(300))
      copying.cancel()
      await #expect(throws: CancellationError.self) { _ = try await copying.value }
      #expect(try await Self.count(conn) == 0)
      #expect(try await conn.copy(into: "t", rows: [[.int(1), .text("after")]]) == 1)
    }
  }

  @Test func aConstraintViolationFailsTheWholeCopy() async throws {
    try await withTable("copy_violation") { (conn) async throws in
      try await conn.execute("INSERT INTO t VALUES (500, 'taken')")
      let rows: [[SQLValue]] = (1...1_000).map { [.int(Int64($0)), .text("n")] }
      let error = await #expect(throws: DatabaseError.self) { try await conn.copy(into: "t", rows: rows) }
      #expect(error?.code == .uniqueViolation)
      #expect(try await Self.count(conn) == 1)
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test func aValueItsColumnCannotTakeNamesTheRowAndColumnBeforeAnythingIsSent() async throws {
    try await withTable("copy_bad_value") { (conn) async throws in
      let error = await #expect(throws: DatabaseError.self) {
        try await conn.copy(into: "t", rows: [[.int(1), .text("ok")], [.text("two"), .text("bad")]])
      }
      #expect(error?.code == .datatypeMismatch)
      #expect(error?.batchRow == 1)
      #expect(error?.message.contains("column id") == true)
      await #expect(throws: MisuseError.self) { try await conn.copy(into: "t", rows: [[.int(1)]]) }
      await #expect(throws: DatabaseError.self) { try await conn.copy(into: "no_such_table", rows: [[.int(1)]]) }
      #expect(try await Self.count(conn) == 0)
      #expect(try await conn.fetchValue("SELECT 1", as: Int.self) == 1)
    }
  }

  @Test func csvTextAndBinaryDataLoadFromBytesAndFiles() async throws {
    try await withTable("copy_data") { (conn) async throws in
      let csv = "id,name\n1,\"a, with comma\"\n2,\n3,\"multi\nline\"\n"
      let chunks = AsyncStream<[UInt8]> { continuation in
        for byte in csv.utf8 { continuation.yield([byte]) }  // split anywhere
        continuation.finish()
      }
      #expect(try await conn.copy(into: "t", format: .csv(header: true), data: chunks) == 3)
      let file = FileManager.default.temporaryDirectory.appendingPathComponent("wren-copy-\(UUID()).txt").path
      defer { try? FileManager.default.removeItem(atPath: file) }
      try "4\tfour\n5\t\\N\n".write(toFile: file, atomically: true, encoding: .utf8)
      #expect(try await conn.copy(into: "t", columns: ["id", "name"], fromFile: file) == 2)
      let names = try await conn.fetchAll("SELECT name FROM t ORDER BY id").map { try $0.decode(String?.self, at: 0) }
      #expect(names == ["a, with comma", nil, "multi\nline", "four", nil])
    }
  }

  @Test func tablesAndQueriesCopyOutAndBinaryOutLoadsBackIn() async throws {
    try await withTable("copy_out") { (conn) async throws in
      try await conn.copy(into: "t", rows: [[.int(1), .text(Self.awkwardText)], [.int(2), .null]])
      var text: [UInt8] = []
      #expect(try await conn.copy(from: "t", to: { text += $0 }) == 2)
      #expect(String(decoding: text, as: UTF8.self).hasSuffix("2\t\\N\n"))
      var csv: [UInt8] = []
      #expect(try await conn.copy(query: "SELECT id FROM t WHERE id > 1", format: .csv(header: true), to: { csv += $0 }) == 1)
      #expect(String(decoding: csv, as: UTF8.self) == "id\n2\n")
      await #expect(throws: MisuseError.self) { try await conn.copy(query: "SELECT id FROM t WHERE id > \(1)", to: { _ in }) }

      let file = FileManager.default.temporaryDirectory.appendingPathComponent("wren-copy-\(UUID()).bin").path
      defer { try? FileManager.default.removeItem(atPath: file) }
      #expect(try await conn.copy(from: "t", format: .binary, toFile: file) == 2)
      try await conn.execute("CREATE TABLE t2 (id int8 PRIMARY KEY, name text)")
      #expect(try await conn.copy(into: "t2", format: .binary, fromFile: file) == 2)
      #expect(try await conn.fetchValue("SELECT count(*) FROM t2 JOIN t USING (id) WHERE t2.name IS NOT DISTINCT FROM t.name", as: Int.self) == 2)
    }
  }

  @Test func aSinkThatThrowsStopsTheCopyAndTheConnectionGoesOn() async throws {
    struct SinkFull: Error {}
    try await withTable("copy_sink_fails") { (conn) async throws in
      try await conn.copy(into: "t", rows: (1...20_000).map { [.int(Int64($0)), .text("row")] })
      var chunks = 0
      await #expect(throws: SinkFull.self) {
        try await conn.copy(from: "t") { _ in
          chunks += 1
          if chunks == 100 { throw SinkFull() }
        }
      }
      #expect(chunks == 100)
      #expect(try await Self.count(conn) == 20_000)
    }
  }

  @Test func aCopyInsideAnAtomicBlockIsRolledBackWithIt() async throws {
    try await withTable("copy_block") { (conn) async throws in
      await #expect(throws: MisuseError.self) {
        try await conn.atomic {
          try await conn.copy(into: "t", rows: [[.int(1), .text("a")]])
          #expect(try await Self.count(conn) == 1)
          throw MisuseError("roll back")
        }
      }
      #expect(try await Self.count(conn) == 0)
    }
  }

  @Test func thePoolCopiesInAndOut() async throws {
    try await PoolTest.withPool("copy_pool", PoolOptions(minSize: 1, maxSize: 2)) { (pool) async throws in
      try await pool.execute("CREATE TABLE t (id int8 PRIMARY KEY, name text)")
      #expect(try await pool.copy(into: "t", rows: [[.int(1), .text("a")], [.int(2), .text("b")]]) == 2)
      var out: [UInt8] = []
      #expect(try await pool.copy(from: "t", columns: ["name"], to: { out += $0 }) == 2)
      #expect(String(decoding: out, as: UTF8.self) == "a\nb\n")
      try await pool.atomic { () async throws in
        #expect(try await pool.copy(into: "t", rows: [[.int(3), .null]]) == 1)
      }
      #expect(try await pool.fetchValue("SELECT count(*) FROM t", as: Int.self) == 3)
    }
  }
}
