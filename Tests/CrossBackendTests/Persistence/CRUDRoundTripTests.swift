#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QueryBuilder
import Testing

/// Model CRUD of ``Everything`` (every column type) on both backends: what goes in
/// comes back `==`, keys are filled in, and the not-found / no-key errors are the same.
@Suite
struct CRUDRoundTripTests {
  /// A fresh database of `backend` with the `everything` table.
  private func withEverything<T: Sendable>(_ backend: Backend, _ test: String,
                                           _ body: (any Database) async throws -> T) async throws -> T {
    try await withDatabase(backend, name: "crud_\(test)") { db in
      try await db.create(Everything.self)
      return try await body(db)
    }
  }

  @Test(arguments: Backend.available)
  func insertFillsTheIDAndFetchOneReadsTheSameModel(_ backend: Backend) async throws {
    try await withEverything(backend, "insert") { db in
      for var model in [Everything.full(42), Everything.sparse(43)] {
        try await model.insert(db)
        let id = try #require(model.id)
        #expect(try await Everything.fetchOne(db, id: id) == model)
      }
      #expect(try await Everything.count(db) == 2)
    }
  }

  @Test(arguments: Backend.available)
  func updateThenFindReadsTheChangedModel(_ backend: Backend) async throws {
    try await withEverything(backend, "update") { db in
      var model = Everything.sparse(5)
      try await model.insert(db)
      var changed = Everything.full(6)
      changed.id = model.id
      try await changed.update(db)
      #expect(try await Everything.find(db, id: try #require(model.id)) == changed)
      // And back: every optional to NULL again.
      model.int = -1
      try await model.update(db)
      #expect(try await Everything.find(db, id: try #require(model.id)) == model)
    }
  }

  @Test(arguments: Backend.available)
  func saveInsertsThenUpdates(_ backend: Backend) async throws {
    try await withEverything(backend, "save") { db in
      var model = Everything.full(7)
      try await model.save(db)  // no id: the insert path
      let id = try #require(model.id)
      #expect(try await Everything.find(db, id: id) == model)
      model.optString = nil
      model.decimal = Decimal(string: "-1234.5678")!
      try await model.save(db)  // id set: the update path
      #expect(model.id == id)
      #expect(try await Everything.find(db, id: id) == model)
      #expect(try await Everything.count(db) == 1)
    }
  }

  @Test(arguments: Backend.available)
  func upsertOnAUniqueColumnInsertsThenUpdatesKeepingTheID(_ backend: Backend) async throws {
    try await withEverything(backend, "upsert") { db in
      var first = Everything.full(8)
      first.code = "shared-code"
      try await first.upsert(db, onConflict: \.code)  // the insert path
      let id = try #require(first.id)
      #expect(try await Everything.find(db, id: id) == first)

      var second = Everything.sparse(9)
      second.code = "shared-code"
      try await second.upsert(db, onConflict: \.code)  // the update path: same row, same id
      #expect(second.id == id)
      #expect(try await Everything.find(db, id: id) == second)
      #expect(try await Everything.count(db) == 1)
    }
  }

  @Test(arguments: Backend.available)
  func deleteThenEveryOperationOnTheDeletedRowIsNotFound(_ backend: Backend) async throws {
    try await withEverything(backend, "delete") { db in
      var model = Everything.full(10)
      try await model.insert(db)
      let id = try #require(model.id)
      #expect(try await model.delete(db) == true)
      #expect(try await model.delete(db) == false)
      #expect(try await Everything.fetchOne(db, id: id) == nil)
      let findError = await #expect(throws: PersistenceError.self) { try await Everything.find(db, id: id) }
      #expect(findError?.code == .notFound)
      #expect(findError?.model == "Everything")
      let updateError = await #expect(throws: PersistenceError.self) { try await model.update(db) }
      #expect(updateError?.code == .notFound)
      #expect(try await Everything.count(db) == 0)
    }
  }

  @Test(arguments: Backend.available)
  func notFoundNamesTheKeyColumnAndTheValueLookedFor(_ backend: Backend) async throws {
    try await withEverything(backend, "not_found") { db in
      let findError = await #expect(throws: PersistenceError.self) { try await Everything.find(db, id: 42) }
      #expect(findError?.keyColumn == "id")
      #expect(findError?.keyValue == .int(42))
      #expect(findError?.description == "Everything: no row in everything has id = 42")
      var model = Everything.full(12)
      model.id = 4_711
      let updateError = await #expect(throws: PersistenceError.self) { try await model.update(db) }
      #expect(updateError?.keyValue == .int(4_711))
      #expect(updateError?.description == "Everything: no row in everything has id = 4711")
    }
  }

  @Test(arguments: Backend.available)
  func anUnsavedModelHasNoKeyToUpdateOrDeleteBy(_ backend: Backend) async throws {
    try await withEverything(backend, "unsaved") { db in
      let model = Everything.full(11)
      let updateError = await #expect(throws: PersistenceError.self) { try await model.update(db) }
      #expect(updateError?.code == .missingPrimaryKey)
      let deleteError = await #expect(throws: PersistenceError.self) { try await model.delete(db) }
      #expect(deleteError?.code == .missingPrimaryKey)
      let count = try await Everything.count(db)
      #expect(count == 0)
    }
  }

  @Test(arguments: Backend.available)
  func columnDefaultsComeFromTheModelsInitialValues(_ backend: Backend) async throws {
    try await withEverything(backend, "defaults") { db in
      // Only the columns without a default: the database fills in the rest.
      let model = Everything.sparse(12)
      let omitted: Set = ["id", "counter", "label", "flag", "ratio", "default_mood", "default_level"]
      let columns = Everything.schema.columns.filter { !omitted.contains($0.name) && !$0.isNullable }
      let values = zip(Everything.schema.columns, model.columnValues).filter { column, _ in columns.contains(column) }
      let sql: SQL = "INSERT INTO everything (" + SQL.joined(columns.map { "\(identifier: $0.name)" }, separator: ", ")
        + ") VALUES (" + SQL.joined(values.map { SQL(segments: [.bind($0.1)]) }, separator: ", ") + ")"
      try await db.execute(sql)
      let read = try #require(try await Everything.all.fetchOne(db))
      var expected = model  // sparse() leaves the defaulted properties at their initial values
      expected.id = read.id
      #expect(read == expected)
      #expect(read.counter == 7 && read.label == "it's a default" && read.flag && read.ratio == -0.5)
      #expect(read.defaultMood == .excited && read.defaultLevel == .high)
    }
  }

  @Test(arguments: Backend.available)
  func edgeValuesRoundTrip(_ backend: Backend) async throws {
    try await withEverything(backend, "edges") { db in
      for var model in Everything.edges {
        try await model.insert(db)
        #expect(try await Everything.find(db, id: try #require(model.id)) == model)
      }
      let inserted = try await Everything.insertAll(db, Everything.edges.enumerated().map { index, model in
        var copy = model
        copy.code += "#\(index)"
        return copy
      })
      for model in inserted {
        #expect(try await Everything.find(db, id: try #require(model.id)) == model)
      }
    }
  }

  @Test(arguments: Backend.available)
  func insertAllOfTenThousandFillsIDsInInputOrder(_ backend: Backend) async throws {
    try await withEverything(backend, "insert_all") { db in
      let models = (0..<10_000).map { $0 % 3 == 0 ? Everything.sparse($0) : Everything.full($0) }
      let inserted = try await Everything.insertAll(db, models)
      #expect(inserted.count == models.count)
      let ids = inserted.compactMap(\.id)
      #expect(ids.count == models.count)
      #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 }, "ids ascend in input order")
      let changedOtherThanTheKey = zip(models, inserted).filter { model, saved in
        var expected = model
        expected.id = saved.id
        return saved != expected
      }
      #expect(changedOtherThanTheKey.isEmpty)
      // Re-read every row by its id: each must be the model given at that position.
      let byID = Dictionary(uniqueKeysWithValues: try await Everything.all.fetchAll(db).map { ($0.id, $0) })
      #expect(byID.count == models.count)
      #expect(inserted.filter { byID[$0.id] != $0 }.isEmpty)
      // And one by one around each statement boundary (the chunk size follows the bind limit).
      let perStatement = db.dialect.maxBindCount / (Everything.schema.columns.count - 1)
      #expect(perStatement < models.count / 2, "10,000 rows need several statements")
      for index in [0, perStatement - 1, perStatement, perStatement + 1, 2 * perStatement, 9_999] {
        #expect(try await Everything.fetchOne(db, id: ids[index]) == inserted[index])
      }
    }
  }

  @Test(arguments: Backend.available)
  func insertAllAcrossTheBindLimitChunkBoundary(_ backend: Backend) async throws {
    try await withEverything(backend, "chunks") { db in
      let width = Everything.schema.columns.count - 1  // the generated key is not bound
      let perStatement = db.dialect.maxBindCount / width
      for count in [perStatement, perStatement + 1, 2 * perStatement + 1] {
        try await db.execute("DELETE FROM everything")
        let models = (0..<count).map { Everything.full($0) }
        let inserted = try await Everything.insertAll(db, models)
        #expect(try await Everything.count(db) == count)
        let read = try await Everything.order { $0.id.asc() }.fetchAll(db)
        #expect(read == inserted, "\(count) rows, \(perStatement) per statement")
      }
    }
  }

  @Test(arguments: Backend.available)
  func insertAllWithNULLsAndKeysAlreadySet(_ backend: Backend) async throws {
    try await withEverything(backend, "insert_all_nulls") { db in
      var keyed = Everything.full(3)
      keyed.id = 1_000
      let models = [Everything.sparse(1), keyed, Everything.full(2), Everything.sparse(4)]
      let inserted = try await Everything.insertAll(db, models)
      #expect(inserted[1].id == 1_000)
      for (model, saved) in zip(models, inserted) {
        #expect(saved.id != nil)
        var expected = model
        expected.id = saved.id
        #expect(saved == expected)
        #expect(try await Everything.find(db, id: try #require(saved.id)) == saved)
      }
    }
  }

  @Test(arguments: Backend.available)
  func rawSQLFetchMatchesColumnsByNameInAnyOrder(_ backend: Backend) async throws {
    try await withEverything(backend, "raw") { db in
      let inserted = try await Everything.insertAll(db, [Everything.full(1), Everything.sparse(2), Everything.full(3)])
      let reversed = SQL.joined(Everything.schema.columns.reversed().map { "\(identifier: $0.name)" }, separator: ", ")
      let read = try await db.fetchAll(Everything.self,
                                       "SELECT 'extra' AS extra, " + reversed + " FROM everything ORDER BY id DESC")
      #expect(read == inserted.reversed())
      let one = try await db.fetchOne(Everything.self, "SELECT * FROM everything WHERE code = \("full-3")")
      #expect(one == inserted[2])
    }
  }
}
