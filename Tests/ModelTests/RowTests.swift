#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import Testing

@Suite struct RowTests {
  let row = Row(columns: ["id", "name", "age", "note"],
                values: [.int(1), .text("Alice"), .int(30), .null])

  // MARK: Access by position and by name

  @Test func valuesByIndexFollowColumnOrder() {
    #expect(row.count == 4)
    #expect(row[0] == .int(1))
    #expect(row[1] == .text("Alice"))
    #expect(row[3] == .null)
    #expect(Array(row.values) == [.int(1), .text("Alice"), .int(30), .null])
    #expect(row.columns.names == ["id", "name", "age", "note"])
  }

  @Test func valueByNameFindsTheColumn() {
    #expect(row["name"] == .text("Alice"))
    #expect(row["note"] == .some(.null))  // present and NULL is not "missing"
    #expect(row["nope"] == nil)
  }

  @Test func nameLookupTriesAnExactMatchBeforeACaseInsensitiveOne() {
    let row = Row(columns: ["ID", "id", "Name"], values: [.int(1), .int(2), .text("n")])
    #expect(row["ID"] == .int(1))
    #expect(row["id"] == .int(2))
    #expect(row["Id"] == .int(1))  // no exact match: the first case-insensitive one
    #expect(row["NAME"] == .text("n"))
    #expect(row["name"] == .text("n"))
  }

  @Test func duplicateColumnNamesResolveToTheFirstColumn() {
    let row = Row(columns: ["a", "b", "a", "B"], values: [.int(1), .int(2), .int(3), .int(4)])
    #expect(row["a"] == .int(1))
    #expect(row["A"] == .int(1))
    #expect(row["B"] == .int(4))  // exact beats the earlier case-insensitive "b"
    #expect(row.columns.index(of: "a") == 0)
    #expect(row.columns.index(of: "b") == 1)
    #expect(row.columns.index(of: "c") == nil)
  }

  @Test(arguments: [4, 40])
  func longAndShortColumnListsResolveNamesAlike(padding: Int) {
    // Short lists are scanned, long ones indexed: the answers must not differ.
    let names = ["ID", "id", "Name", "a", "b", "a", "B"] + (0..<padding).map { "extra_\($0)" }
    let columns = RowColumns(names: names)
    #expect(columns.index(of: "ID") == 0)
    #expect(columns.index(of: "id") == 1)
    #expect(columns.index(of: "Id") == 0)
    #expect(columns.index(of: "NAME") == 2)
    #expect(columns.index(of: "a") == 3)
    #expect(columns.index(of: "A") == 3)
    #expect(columns.index(of: "B") == 6)
    #expect(columns.index(of: "b") == 4)
    #expect(columns.index(of: "extra_\(padding - 1)") == names.count - 1)
    #expect(columns.index(of: "missing") == nil)
  }

  // MARK: Typed access

  @Test func typedSubscriptDecodesByName() throws {
    #expect(try row["name", as: String.self] == "Alice")
    #expect(try row["AGE", as: Int16.self] == 30)
    #expect(try row["note", as: String?.self] == nil)
    #expect(try row["age", as: Int?.self] == 30)
  }

  @Test func typedSubscriptDecodesByIndex() throws {
    #expect(try row[0, as: Int64.self] == 1)
    #expect(try row[1, as: String.self] == "Alice")
  }

  @Test func decodeInfersTheTypeFromContext() throws {
    let age: Int? = try row.decode(column: "age")
    let name: String = try row.decode(at: 1)
    #expect(age == 30)
    #expect(name == "Alice")
  }

  @Test func sqlTypeNameIsTheDeclaredTypeElseTheValueKind() {
    let columns = RowColumns(names: ["a", "b"], typeNames: ["int8", ""])
    let row = Row(storage: RowStorage(columns: columns, values: [.int(1), .text("x")]), start: 0)
    #expect(row.sqlTypeName(at: 0) == "int8")
    #expect(row.sqlTypeName(at: 1) == "text")
  }

  @Test func columnsWithoutTypeNamesHaveEmptyOnes() {
    #expect(RowColumns(names: ["a", "b"]).typeNames == ["", ""])
    #expect(RowColumns(names: ["a"]).count == 1)
  }

  // MARK: Storage shared by many rows

  @Test func rowStorageSlicesRowMajorValuesIntoRows() throws {
    let storage = RowStorage(
      columns: RowColumns(names: ["id", "name"]),
      values: [.int(1), .text("a"), .int(2), .text("b"), .int(3), .text("c")])
    #expect(storage.rowCount == 3)
    let rows = storage.rows
    try #require(rows.count == 3)
    #expect(rows.map { Array($0.values) } == [[.int(1), .text("a")], [.int(2), .text("b")], [.int(3), .text("c")]])
    #expect(rows[1]["name"] == .text("b"))
    #expect(rows[2][0] == .int(3))
    #expect(try rows[2]["id", as: Int.self] == 3)
    #expect(rows[1].count == 2)
  }

  @Test func rowAtAnOffsetSeesOnlyItsOwnValues() throws {
    let storage = RowStorage(columns: RowColumns(names: ["n"]), values: [.int(10), .int(20), .int(30)])
    let row = Row(storage: storage, start: 1)
    #expect(row[0] == .int(20))
    #expect(Array(row.values) == [.int(20)])
    let error = #expect(throws: RowDecodingError.self) { try row.decode(Int.self, at: 1) }
    #expect(error?.availableColumns == ["n"])
  }

  @Test func storageWithoutColumnsHasNoRows() {
    let storage = RowStorage(columns: RowColumns(names: []), values: [])
    #expect(storage.rowCount == 0)
    #expect(storage.rows.isEmpty)
  }

  @Test func emptyResultHasNoRows() {
    let storage = RowStorage(columns: RowColumns(names: ["a", "b"]), values: [])
    #expect(storage.rowCount == 0)
    #expect(storage.rows.isEmpty)
  }

  // MARK: Description

  @Test func descriptionListsNamesAndValues() {
    #expect(row.description == "[id: 1, name: 'Alice', age: 30, note: NULL]")
  }
}
