import ModelMacros
import SwiftSyntaxMacroExpansion
import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// Full expansions of `@Model`: what the compiler sees for a few representative models.
@Suite struct ModelMacroExpansionTests {
  @Test func minimal() {
    assertModelExpansion(
      """
      @Model
      struct Tag {
        var id: Int64?
        var label: String
      }
      """,
      expandedSource: """
      struct Tag {
        var id: Int64?
        var label: String

        typealias ID = Int64

        static let tableName = "tag"

        struct Columns: ModelColumns {
          let id: Column<Tag, Int64>
          let label: Column<Tag, String>

          init(table: String) {
            self.id = Column("id", table: table)
            self.label = Column("label", table: table)
          }
        }

        static let schema = TableSchema(
          name: "tag",
          columns: [
            .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
            .column("label", property: "label", type: String.self),
          ]
        )
      }

      extension Tag: Model {
        init(row: Row, layout: RowLayout) throws {
          self.id = try row.decode(at: layout[0])
          self.label = try row.decode(at: layout[1])
        }

        var columnValues: [SQLValue] {
          [
            id.sqlValue,
            label.sqlValue,
          ]
        }

        var primaryKeyValue: SQLValue {
          id.sqlValue
        }

        mutating func didInsert(primaryKey: SQLValue) throws {
          self.id = try ID(sqlValue: primaryKey)
        }
      }
      """
    )
  }

  @Test func user() {
    assertModelExpansion(
      """
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
        var fullName: String { name }
        static let version = 1
      }
      """,
      expandedSource: """
      struct User: Equatable, Sendable {
        var id: Int64?
        var name: String
        var email: String
        var createdAt: Date
        var age: Int?
        var status: Status = .active
        var handle: String
        var teamID: Int64?
        var score: Double = 0
        var fullName: String { name }
        static let version = 1

        typealias ID = Int64

        static let tableName = "users"

        struct Columns: ModelColumns {
          let id: Column<User, Int64>
          let name: Column<User, String>
          let email: Column<User, String>
          let createdAt: Column<User, Date>
          let age: Column<User, Int?>
          let status: Column<User, Status>
          let handle: Column<User, String>
          let teamID: Column<User, Int64?>
          let score: Column<User, Double>

          init(table: String) {
            self.id = Column("id", table: table)
            self.name = Column("name", table: table)
            self.email = Column("email_address", table: table)
            self.createdAt = Column("created_at", table: table)
            self.age = Column("age", table: table)
            self.status = Column("status", table: table)
            self.handle = Column("handle", table: table)
            self.teamID = Column("team_id", table: table)
            self.score = Column("score", table: table)
          }
        }

        static let schema = TableSchema(
          name: "users",
          columns: [
            .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
            .column("name", property: "name", type: String.self),
            .column("email_address", property: "email", type: String.self),
            .column("created_at", property: "createdAt", type: Date.self),
            .column("age", property: "age", type: Int?.self),
            .column("status", property: "status", type: Status.self, default: .active),
            .column("handle", property: "handle", type: String.self, unique: true),
            .column("team_id", property: "teamID", type: Int64?.self, references: ForeignKey(table: Team.tableName, onDelete: .cascade)),
            .column("score", property: "score", type: Double.self, indexed: true, default: 0),
          ]
        )
      }

      extension User: Model {
        init(row: Row, layout: RowLayout) throws {
          self.id = try row.decode(at: layout[0])
          self.name = try row.decode(at: layout[1])
          self.email = try row.decode(at: layout[2])
          self.createdAt = try row.decode(at: layout[3])
          self.age = try row.decode(at: layout[4])
          self.status = try row.decode(at: layout[5])
          self.handle = try row.decode(at: layout[6])
          self.teamID = try row.decode(at: layout[7])
          self.score = try row.decode(at: layout[8])
        }

        var columnValues: [SQLValue] {
          [
            id.sqlValue,
            name.sqlValue,
            email.sqlValue,
            createdAt.sqlValue,
            age.sqlValue,
            status.sqlValue,
            handle.sqlValue,
            teamID.sqlValue,
            score.sqlValue,
          ]
        }

        var primaryKeyValue: SQLValue {
          id.sqlValue
        }

        mutating func didInsert(primaryKey: SQLValue) throws {
          self.id = try ID(sqlValue: primaryKey)
        }
      }
      """
    )
  }

  @Test func publicModelWithAnAssignedUUIDKey() {
    assertModelExpansion(
      """
      @Model
      public struct Document: Sendable {
        @ID @Column("document_key") public var key: UUID
        public var title: String
        public private(set) var revision: Int = 1
      }
      """,
      expandedSource: """
      public struct Document: Sendable {
        public var key: UUID
        public var title: String
        public private(set) var revision: Int = 1

        public typealias ID = UUID

        public static let tableName = "document"

        public struct Columns: ModelColumns {
          public let key: Column<Document, UUID>
          public let title: Column<Document, String>
          public let revision: Column<Document, Int>

          public init(table: String) {
            self.key = Column("document_key", table: table)
            self.title = Column("title", table: table)
            self.revision = Column("revision", table: table)
          }
        }

        public static let schema = TableSchema(
          name: "document",
          columns: [
            .column("document_key", property: "key", type: UUID.self, primaryKey: true),
            .column("title", property: "title", type: String.self),
            .column("revision", property: "revision", type: Int.self, default: 1),
          ]
        )
      }

      extension Document: Model {
        public init(row: Row, layout: RowLayout) throws {
          self.key = try row.decode(at: layout[0])
          self.title = try row.decode(at: layout[1])
          self.revision = try row.decode(at: layout[2])
        }

        public var columnValues: [SQLValue] {
          [
            key.sqlValue,
            title.sqlValue,
            revision.sqlValue,
          ]
        }

        public var primaryKeyValue: SQLValue {
          key.sqlValue
        }
      }
      """
    )
  }

  @Test func packageModel() {
    assertModelExpansion(
      """
      @Model
      package struct AuditEntry {
        package var id: Int64?
        package var message: String
      }
      """,
      expandedSource: """
      package struct AuditEntry {
        package var id: Int64?
        package var message: String

        package typealias ID = Int64

        package static let tableName = "audit_entry"

        package struct Columns: ModelColumns {
          package let id: Column<AuditEntry, Int64>
          package let message: Column<AuditEntry, String>

          package init(table: String) {
            self.id = Column("id", table: table)
            self.message = Column("message", table: table)
          }
        }

        package static let schema = TableSchema(
          name: "audit_entry",
          columns: [
            .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
            .column("message", property: "message", type: String.self),
          ]
        )
      }

      extension AuditEntry: Model {
        package init(row: Row, layout: RowLayout) throws {
          self.id = try row.decode(at: layout[0])
          self.message = try row.decode(at: layout[1])
        }

        package var columnValues: [SQLValue] {
          [
            id.sqlValue,
            message.sqlValue,
          ]
        }

        package var primaryKeyValue: SQLValue {
          id.sqlValue
        }

        package mutating func didInsert(primaryKey: SQLValue) throws {
          self.id = try ID(sqlValue: primaryKey)
        }
      }
      """
    )
  }

  @Test func tableNameFromAnExpression() {
    assertModelExpansion(
      """
      @Model(table: Tables.people)
      struct Person {
        var id: Int64?
        var htmlURL: String
      }
      """,
      expandedSource: """
      struct Person {
        var id: Int64?
        var htmlURL: String

        typealias ID = Int64

        static let tableName: String = Tables.people

        struct Columns: ModelColumns {
          let id: Column<Person, Int64>
          let htmlURL: Column<Person, String>

          init(table: String) {
            self.id = Column("id", table: table)
            self.htmlURL = Column("html_url", table: table)
          }
        }

        static let schema = TableSchema(
          name: tableName,
          columns: [
            .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
            .column("html_url", property: "htmlURL", type: String.self),
          ]
        )
      }

      extension Person: Model {
        init(row: Row, layout: RowLayout) throws {
          self.id = try row.decode(at: layout[0])
          self.htmlURL = try row.decode(at: layout[1])
        }

        var columnValues: [SQLValue] {
          [
            id.sqlValue,
            htmlURL.sqlValue,
          ]
        }

        var primaryKeyValue: SQLValue {
          id.sqlValue
        }

        mutating func didInsert(primaryKey: SQLValue) throws {
          self.id = try ID(sqlValue: primaryKey)
        }
      }
      """
    )
  }

  @Test func observersLetsBackticksSharedTypesAndSelfReferences() {
    assertModelExpansion(
      """
      @Model(table: "categories")
      struct Category {
        @ID @Column("category_id") var id: Int64?
        let name: String
        var `default`: Bool = false
        var lat, lng: Double
        @References(Category.self) var parentID: Int64?
        @References(Self.self, onDelete: .setNull) var mergedIntoID: Int64?
        var visits: Int = 0 {
          didSet { print(visits) }
        }
        var createdAt: Date = Date()
        var label: String { get { name } set { } }
        lazy var cache: [Int] = []
      }
      """,
      expandedSource: """
      struct Category {
        var id: Int64?
        let name: String
        var `default`: Bool = false
        var lat, lng: Double
        var parentID: Int64?
        var mergedIntoID: Int64?
        var visits: Int = 0 {
          didSet { print(visits) }
        }
        var createdAt: Date = Date()
        var label: String { get { name } set { } }
        lazy var cache: [Int] = []

        typealias ID = Int64

        static let tableName = "categories"

        struct Columns: ModelColumns {
          let id: Column<Category, Int64>
          let name: Column<Category, String>
          let `default`: Column<Category, Bool>
          let lat: Column<Category, Double>
          let lng: Column<Category, Double>
          let parentID: Column<Category, Int64?>
          let mergedIntoID: Column<Category, Int64?>
          let visits: Column<Category, Int>
          let createdAt: Column<Category, Date>

          init(table: String) {
            self.id = Column("category_id", table: table)
            self.name = Column("name", table: table)
            self.`default` = Column("default", table: table)
            self.lat = Column("lat", table: table)
            self.lng = Column("lng", table: table)
            self.parentID = Column("parent_id", table: table)
            self.mergedIntoID = Column("merged_into_id", table: table)
            self.visits = Column("visits", table: table)
            self.createdAt = Column("created_at", table: table)
          }
        }

        static let schema = TableSchema(
          name: "categories",
          columns: [
            .column("category_id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
            .column("name", property: "name", type: String.self),
            .column("default", property: "default", type: Bool.self, default: false),
            .column("lat", property: "lat", type: Double.self),
            .column("lng", property: "lng", type: Double.self),
            .column("parent_id", property: "parentID", type: Int64?.self, references: ForeignKey(table: tableName)),
            .column("merged_into_id", property: "mergedIntoID", type: Int64?.self, references: ForeignKey(table: tableName, onDelete: .setNull)),
            .column("visits", property: "visits", type: Int.self, default: 0),
            .column("created_at", property: "createdAt", type: Date.self),
          ]
        )
      }

      extension Category: Model {
        init(row: Row, layout: RowLayout) throws {
          self.id = try row.decode(at: layout[0])
          self.name = try row.decode(at: layout[1])
          self.`default` = try row.decode(at: layout[2])
          self.lat = try row.decode(at: layout[3])
          self.lng = try row.decode(at: layout[4])
          self.parentID = try row.decode(at: layout[5])
          self.mergedIntoID = try row.decode(at: layout[6])
          self.visits = try row.decode(at: layout[7])
          self.createdAt = try row.decode(at: layout[8])
        }

        var columnValues: [SQLValue] {
          [
            id.sqlValue,
            name.sqlValue,
            `default`.sqlValue,
            lat.sqlValue,
            lng.sqlValue,
            parentID.sqlValue,
            mergedIntoID.sqlValue,
            visits.sqlValue,
            createdAt.sqlValue,
          ]
        }

        var primaryKeyValue: SQLValue {
          id.sqlValue
        }

        mutating func didInsert(primaryKey: SQLValue) throws {
          self.id = try ID(sqlValue: primaryKey)
        }
      }
      """
    )
  }

  @Test func nestedModelRecognisesItsQualifiedNameAsSelf() {
    assertModelExpansion(
      """
      enum Geo {
        @Model
        struct Place {
          var id: Int64?
          @References(Geo.Place.self) var parentID: Int64?
          @References(Region.self) var regionID: Int64?
        }
      }
      """,
      expandedSource: """
      enum Geo {
        struct Place {
          var id: Int64?
          var parentID: Int64?
          var regionID: Int64?

          typealias ID = Int64

          static let tableName = "place"

          struct Columns: ModelColumns {
            let id: Column<Place, Int64>
            let parentID: Column<Place, Int64?>
            let regionID: Column<Place, Int64?>

            init(table: String) {
              self.id = Column("id", table: table)
              self.parentID = Column("parent_id", table: table)
              self.regionID = Column("region_id", table: table)
            }
          }

          static let schema = TableSchema(
            name: "place",
            columns: [
              .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
              .column("parent_id", property: "parentID", type: Int64?.self, references: ForeignKey(table: tableName)),
              .column("region_id", property: "regionID", type: Int64?.self, references: ForeignKey(table: Region.tableName)),
            ]
          )
        }
      }

      extension Geo.Place: Model {
        init(row: Row, layout: RowLayout) throws {
          self.id = try row.decode(at: layout[0])
          self.parentID = try row.decode(at: layout[1])
          self.regionID = try row.decode(at: layout[2])
        }

        var columnValues: [SQLValue] {
          [
            id.sqlValue,
            parentID.sqlValue,
            regionID.sqlValue,
          ]
        }

        var primaryKeyValue: SQLValue {
          id.sqlValue
        }

        mutating func didInsert(primaryKey: SQLValue) throws {
          self.id = try ID(sqlValue: primaryKey)
        }
      }
      """
    )
  }

  @Test func aStructThatAlreadyConformsGetsTheMembersOnly() {
    var specs = modelMacroSpecs
    specs["Model"] = MacroSpec(type: ModelMacro.self, conformances: [])
    assertModelExpansion(
      """
      @Model
      struct Tag: Model {
        var id: Int64?
      }
      """,
      expandedSource: """
      struct Tag: Model {
        var id: Int64?

        typealias ID = Int64

        static let tableName = "tag"

        struct Columns: ModelColumns {
          let id: Column<Tag, Int64>

          init(table: String) {
            self.id = Column("id", table: table)
          }
        }

        static let schema = TableSchema(
          name: "tag",
          columns: [
            .column("id", property: "id", type: Int64?.self, primaryKey: true, generated: true),
          ]
        )
      }

      extension Tag {
        init(row: Row, layout: RowLayout) throws {
          self.id = try row.decode(at: layout[0])
        }

        var columnValues: [SQLValue] {
          [
            id.sqlValue,
          ]
        }

        var primaryKeyValue: SQLValue {
          id.sqlValue
        }

        mutating func didInsert(primaryKey: SQLValue) throws {
          self.id = try ID(sqlValue: primaryKey)
        }
      }
      """,
      macroSpecs: specs
    )
  }
}
