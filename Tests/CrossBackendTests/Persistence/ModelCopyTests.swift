#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import PGBackend
import PostgresTestSupport
import QueryBuilder
import Testing

/// `Model.copy(_:into:)`: binary COPY from the model's metadata, every column type.
@Suite(.enabled(if: PostgresTestServer.isEnabled, PostgresTestServer.skipReason))
struct ModelCopyTests {
  @Test func modelsOfEveryColumnTypeLoadWithTypedCopyAndReadBackEqual() async throws {
    try await withDatabase(.postgres, name: "model_copy") { (db) async throws in
      let conn = try #require(db as? PostgresConnection)
      try await conn.create(Everything.self)
      var keyed = Everything.full(1)
      keyed.id = 1_000
      let models = [keyed] + (2...500).map { $0 % 2 == 0 ? Everything.full($0) : Everything.sparse($0) }
      #expect(try await Everything.copy(models, into: conn) == 500)
      let read = try await Everything.all.fetchAll(conn)
      #expect(read.count == 500)
      // Keys were generated for all but the one given; everything else is as written.
      #expect(try await Everything.fetchOne(conn, id: 1_000)?.code == keyed.code)
      let byCode = Dictionary(uniqueKeysWithValues: models.map { ($0.code, $0) })
      for model in read {
        var expected = try #require(byCode[model.code])
        expected.id = model.id
        #expect(model == expected, "\(model.code)")
      }
    }
  }

  @Test func aUniqueViolationNamesTheModelField() async throws {
    try await withDatabase(.postgres, name: "model_copy_unique") { (db) async throws in
      let conn = try #require(db as? PostgresConnection)
      try await conn.create(Everything.self)
      let error = await #expect(throws: DatabaseError.self) {
        try await Everything.copy([Everything.full(1), Everything.full(1)], into: conn)
      }
      #expect(error?.code == .uniqueViolation)
      #expect(error?.modelName == "Everything")
      #expect(error?.modelFields == ["code"])
      #expect(try await Everything.count(conn) == 0)
    }
  }
}
