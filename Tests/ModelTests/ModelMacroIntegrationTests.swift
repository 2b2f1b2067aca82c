#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import Testing

// Real models compiled with `@Model`, under the package's strict settings: these
// declarations compiling without warnings is half of the test.

enum Status: String, SQLValueConvertible { case active, banned }

@Model(table: "teams")
struct Team: Equatable, Sendable {
  @ID var id: Int64?
  var name: String
}

@Model(table: "users")
struct User: Equatable, Sendable {
  @ID var id: Int64?
  var name: String
  @Column("email_address") var email: String
  var createdAt: Date
  var age: Int?
  var status: Status = .active
  @Unique var handle: String
  @References(Team.self, onDelete: .cascade) var teamID: Int64?
  @Indexed var score: Double = 0
  var fullName: String { name }  // computed: not a column
  static let version = 1  // static: not a column
}

/// No `table:` and no `@ID`: the table is the snake_case of the type's name and the
/// property named `id` is the key.
@Model
struct OrderItem: Equatable, Sendable {
  var id: Int64?
  var userID: Int64
  var htmlURL: String
  var quantity: Int = 1
}

/// A public model whose key the application assigns.
@Model
public struct Document: Equatable, Sendable {
  @ID public var key: UUID
  public let title: String  // a plain `let` is decoded like a `var`
  public var body: [UInt8]
  public var priority: Int16? = nil

  public init(key: UUID, title: String, body: [UInt8], priority: Int16? = nil) {
    self.key = key
    self.title = title
    self.body = body
    self.priority = priority
  }
}

/// Not declared Sendable (the `Model` conformance brings it), a self-reference,
/// an optional enum, a property with an observer and a private one.
@Model(table: "categories")
struct Category: Equatable {
  @ID var id: Int64?
  var name: String
  @References(Category.self, onDelete: .setNull) var parentID: Int64?
  var status: Status? = .banned
  var visits: Int = 0 {
    didSet { visits = max(visits, 0) }
  }
  private var note: String = "n/a"

  init(id: Int64? = nil, name: String, parentID: Int64? = nil, status: Status? = .banned, visits: Int = 0,
       note: String = "n/a") {
    self.id = id
    self.name = name
    self.parentID = parentID
    self.status = status
    self.visits = visits
    self.note = note
  }

  var noteForTests: String { note }
}

/// Models nested in a namespace use their siblings' short names (`Kind`,
/// `Region.self`), as in their own bodies. `Place` also has its table named by a
/// constant, a backticked property, two properties declared together, a lazy
/// (skipped) property and two self-references.
enum Geo {
  static let placesTable = "geo_places"

  enum Kind: String, SQLValueConvertible { case city, village }

  @Model(table: "geo_regions")
  struct Region: Equatable, Sendable {
    @ID @Column("region_code") var code: String
    var name: String
  }

  @Model(table: Geo.placesTable)
  struct Place: Equatable, Sendable {
    var id: Int64?
    var `default`: Bool = false
    var lat, lng: Double
    var kind: Kind = Kind.village
    @References(Region.self, onDelete: .restrict) var regionCode: String?
    @References(Self.self) var nearID: Int64?
    @References(Geo.Place.self, onDelete: .cascade) var parentID: Int64?
    lazy var label: String = "place"

    init(id: Int64? = nil, default isDefault: Bool = false, lat: Double, lng: Double, kind: Kind = .village,
         regionCode: String? = nil, nearID: Int64? = nil, parentID: Int64? = nil) {
      self.id = id
      self.default = isDefault
      self.lat = lat
      self.lng = lng
      self.kind = kind
      self.regionCode = regionCode
      self.nearID = nearID
      self.parentID = parentID
    }

    static func == (lhs: Place, rhs: Place) -> Bool {
      lhs.columnValues == rhs.columnValues
    }
  }
}

@Suite struct ModelMacroIntegrationTests {
  static let created = Date(timeIntervalSince1970: 1_700_000_000.25)

  let alice = User(id: 7, name: "Alice", email: "a@example.com", createdAt: Self.created, age: nil, status: .banned,
                   handle: "al", teamID: 3, score: 2.5)

  /// Decodes `row` as `M` through a layout resolved from the row's own columns.
  func decode<M: Model>(_ type: M.Type, _ row: Row) throws -> M {
    let layout = try RowLayout(M.schema, columns: row.columns)
    return try M(row: row, layout: layout)
  }

  // MARK: Decoding and encoding

  @Test func columnValuesFollowTheSchemaOrder() {
    #expect(alice.columnValues == [
      .int(7), .text("Alice"), .text("a@example.com"), .timestamp(Self.created), .null, .text("banned"),
      .text("al"), .int(3), .double(2.5),
    ])
    #expect(alice.columnValues.count == User.schema.columns.count)
  }

  @Test func aRowOfTheColumnValuesDecodesToAnEqualModel() throws {
    let row = Row(columns: User.schema.columns.map(\.name), values: alice.columnValues)
    #expect(try decode(User.self, row) == alice)
  }

  @Test func theLayoutFindsColumnsInAnyOrderAmongOthers() throws {
    let names = User.schema.columns.map(\.name)
    let values = alice.columnValues
    let order = Array(names.indices.reversed())
    let row = Row(columns: ["extra"] + order.map { names[$0] } + ["another"],
                  values: [.text("ignored")] + order.map { values[$0] } + [.int(0)])
    let layout = try RowLayout(User.schema, columns: row.columns)
    #expect(layout.positions == [9, 8, 7, 6, 5, 4, 3, 2, 1])
    #expect(try User(row: row, layout: layout) == alice)
  }

  @Test func aMissingColumnIsAnErrorNamingIt() {
    let row = Row(columns: ["id", "name", "created_at", "age", "status", "handle", "team_id", "score"],
                  values: [.int(1), .text("A"), .timestamp(Self.created), .null, .text("active"), .text("a"),
                           .null, .double(0)])
    let error = #expect(throws: RowDecodingError.self) { try decode(User.self, row) }
    #expect(error?.column == "email_address")
    #expect(error?.index == nil)
    #expect(error?.availableColumns.contains("name") == true)
  }

  @Test func anUndecodableValueIsAnErrorNamingItsColumn() {
    var values = alice.columnValues
    values[5] = .text("retired")  // not a Status
    let row = Row(columns: User.schema.columns.map(\.name), values: values)
    let error = #expect(throws: RowDecodingError.self) { try decode(User.self, row) }
    #expect(error?.column == "status")
    #expect(error?.reason == .malformed)
  }

  @Test func nullInANonOptionalColumnIsAnError() {
    var values = alice.columnValues
    values[1] = .null
    let row = Row(columns: User.schema.columns.map(\.name), values: values)
    let error = #expect(throws: RowDecodingError.self) { try decode(User.self, row) }
    #expect(error?.column == "name")
    #expect(error?.reason == .unexpectedNull)
  }

  @Test func letPropertiesPrivatePropertiesAndObservedPropertiesRoundTrip() throws {
    let document = Document(key: UUID(uuidString: "5b1c2f56-0b7e-4f5e-9d43-3f8a0c1e2d4b")!, title: "T",
                            body: [1, 2, 3], priority: 4)
    let documentRow = Row(columns: Document.schema.columns.map(\.name), values: document.columnValues)
    #expect(try decode(Document.self, documentRow) == document)

    let category = Category(id: 2, name: "Birds", parentID: 1, status: nil, visits: 5, note: "secret")
    let categoryRow = Row(columns: Category.schema.columns.map(\.name), values: category.columnValues)
    let decoded = try decode(Category.self, categoryRow)
    #expect(decoded == category)
    #expect(decoded.noteForTests == "secret")
  }

  // MARK: Keys

  @Test func didInsertFillsAGeneratedKey() throws {
    var user = alice
    user.id = nil
    #expect(user.primaryKeyValue == .null)
    try user.didInsert(primaryKey: .int(42))
    #expect(user.id == 42)
    #expect(user.primaryKeyValue == .int(42))
  }

  @Test func didInsertRejectsAValueThatIsNotAKey() {
    var user = alice
    #expect(throws: SQLValueConversionError.self) { try user.didInsert(primaryKey: .text("42")) }
    #expect(throws: SQLValueConversionError.self) { try user.didInsert(primaryKey: .null) }
    #expect(user.id == 7)
  }

  @Test func anAssignedKeyIsKeptOnInsert() throws {
    let key = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!
    var document = Document(key: key, title: "T", body: [])
    #expect(document.primaryKeyValue == .uuid(key))
    try document.didInsert(primaryKey: .uuid(UUID()))
    #expect(document.key == key)
  }

  @Test func idTypesAreTheKeyTypesWithoutOptional() {
    #expect(User.ID.self == Int64.self)
    #expect(OrderItem.ID.self == Int64.self)
    #expect(Document.ID.self == UUID.self)
  }

  // MARK: Schema

  @Test func tableNames() {
    #expect(User.tableName == "users")
    #expect(User.schema.name == "users")
    #expect(OrderItem.tableName == "order_item")
    #expect(OrderItem.schema.name == "order_item")
    #expect(Document.tableName == "document")
    #expect(Category.tableName == "categories")
  }

  @Test func userSchemaColumns() throws {
    let columns = User.schema.columns
    #expect(columns.map(\.name) == ["id", "name", "email_address", "created_at", "age", "status", "handle",
                                    "team_id", "score"])
    #expect(columns.map(\.property) == ["id", "name", "email", "createdAt", "age", "status", "handle", "teamID",
                                        "score"])
    #expect(columns.map(\.type) == [.int64, .text, .text, .timestamp, .int64, .text, .text, .int64, .double])
    #expect(columns.map(\.isNullable) == [false, false, false, false, true, false, false, true, false])
    #expect(columns.map(\.isPrimaryKey) == [true, false, false, false, false, false, false, false, false])
    #expect(columns.map(\.isGenerated) == [true, false, false, false, false, false, false, false, false])
    #expect(columns.map(\.isUnique) == [false, false, false, false, false, false, true, false, false])
    #expect(columns.map(\.isIndexed) == [false, false, false, false, false, false, false, false, true])
    #expect(columns.map(\.defaultValue) == [nil, nil, nil, nil, nil, .text("active"), nil, nil, .double(0)])
    #expect(columns.map(\.references) == [nil, nil, nil, nil, nil, nil, nil,
                                          ForeignKey(table: "teams", onDelete: .cascade), nil])
    #expect(User.schema.primaryKey?.name == "id")
    #expect(User.schema.column(forProperty: "email")?.name == "email_address")
    #expect(User.schema.indexes.isEmpty)
  }

  @Test func implicitKeyAndSnakeCaseNames() {
    let columns = OrderItem.schema.columns
    #expect(columns.map(\.name) == ["id", "user_id", "html_url", "quantity"])
    #expect(OrderItem.schema.primaryKey?.property == "id")
    #expect(OrderItem.schema.primaryKey?.isGenerated == true)
    #expect(columns[3].defaultValue == .int(1))
  }

  @Test func assignedKeyIsNotGenerated() throws {
    let key = try #require(Document.schema.primaryKey)
    #expect(key.name == "key")
    #expect(key.type == .uuid)
    #expect(!key.isGenerated)
    #expect(!key.isNullable)
    #expect(Document.schema.columns.map(\.type) == [.uuid, .text, .bytes, .int16])
    #expect(Document.schema.columns.map(\.isNullable) == [false, false, false, true])
    #expect(Document.schema.columns.map(\.defaultValue) == [nil, nil, nil, nil])
  }

  @Test func selfReferenceAndOptionalEnum() {
    let columns = Category.schema.columns
    #expect(columns.map(\.name) == ["id", "name", "parent_id", "status", "visits", "note"])
    #expect(columns[2].references == ForeignKey(table: "categories", onDelete: .setNull))
    #expect(columns[3].type == .text)
    #expect(columns[3].isNullable)
    #expect(columns[3].defaultValue == .text("banned"))
    #expect(columns[4].defaultValue == .int(0))
    #expect(columns[5].defaultValue == .text("n/a"))
  }

  @Test func nestedModelsUseTheirSiblingsShortNames() throws {
    let columns = Geo.Place.schema.columns
    #expect(Geo.Place.tableName == "geo_places")
    #expect(columns.map(\.name) == ["id", "default", "lat", "lng", "kind", "region_code", "near_id", "parent_id"])
    #expect(columns.map(\.type) == [.int64, .bool, .double, .double, .text, .text, .int64, .int64])
    #expect(columns[1].defaultValue == .bool(false))
    #expect(columns[4].defaultValue == .text("village"))
    #expect(columns[5].references == ForeignKey(table: "geo_regions", onDelete: .restrict))
    #expect(columns[6].references == ForeignKey(table: "geo_places"))
    #expect(columns[7].references == ForeignKey(table: "geo_places", onDelete: .cascade))
    #expect(Geo.Place.columns.default.name == "default")
    #expect(Geo.Region.schema.primaryKey?.name == "region_code")
    #expect(Geo.Region.ID.self == String.self)

    let place = Geo.Place(id: 1, default: true, lat: 52.5, lng: 13.4, kind: .city, regionCode: "BE", parentID: 9)
    #expect(place.columnValues == [.int(1), .bool(true), .double(52.5), .double(13.4), .text("city"), .text("BE"),
                                   .null, .int(9)])
    let names = Geo.Place.schema.columns.map(\.name)
    let row = Row(columns: names.reversed(), values: place.columnValues.reversed())
    #expect(try decode(Geo.Place.self, row) == place)
  }

  @Test func theMemberwiseInitializerIsKept() {
    let region = Geo.Region(code: "BE", name: "Berlin")
    let team = Team(id: nil, name: "Birders")
    #expect(region.columnValues == [.text("BE"), .text("Berlin")])
    #expect(team.columnValues == [.null, .text("Birders")])
  }

  // MARK: Typed columns

  @Test func typedColumnHandles() {
    #expect(User.columns.email.name == "email_address")
    #expect(User.columns.email.table == "users")
    #expect(User.columns.createdAt.name == "created_at")
    #expect(User.columns.teamID.name == "team_id")
    let aliased = User.Columns(table: "u")
    #expect(aliased.id.name == "id")
    #expect(aliased.id.table == "u")
    #expect(OrderItem.columns.htmlURL.name == "html_url")
  }

  @Test func handleTypesFollowThePropertiesWithANonOptionalKey() {
    // These bindings compiling is the check: the key's handle is not Optional,
    // so a foreign key column can be compared with it.
    let id: Column<User, Int64> = User.columns.id
    let age: Column<User, Int?> = User.columns.age
    let status: Column<User, Status> = User.columns.status
    let teamID: Column<User, Int64?> = User.columns.teamID
    let key: Column<Document, UUID> = Document.columns.key
    #expect([id.name, age.name, status.name, teamID.name, key.name] == ["id", "age", "status", "team_id", "key"])
  }

  @Test func modelsAreSendable() {
    func requireSendable<T: Sendable>(_: T.Type) -> Bool { true }
    #expect(requireSendable(Category.self))
    #expect(requireSendable(User.Columns.self))
  }
}
