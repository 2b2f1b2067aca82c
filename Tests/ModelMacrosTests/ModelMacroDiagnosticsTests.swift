import ModelMacros
import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// Every rule `@Model` enforces: an error at the offending node, and no extension.
@Suite struct ModelMacroDiagnosticsTests {
  // MARK: The declaration

  struct NonStruct: Sendable, CustomTestStringConvertible {
    let keyword: String
    let body: String
    var testDescription: String { keyword }
  }

  @Test(arguments: [
    NonStruct(keyword: "class", body: "var id: Int64?"),
    NonStruct(keyword: "enum", body: "case a"),
    NonStruct(keyword: "actor", body: "var id: Int64?"),
    NonStruct(keyword: "protocol", body: "var id: Int64? { get }"),
  ])
  func onlyStructsAreModels(_ declaration: NonStruct) {
    assertModelExpansion(
      """
      @Model
      \(declaration.keyword) Thing {
        \(declaration.body)
      }
      """,
      expandedSource: """
      \(declaration.keyword) Thing {
        \(declaration.body)
      }
      """,
      diagnostics: [DiagnosticSpec(message: "@Model applies to structs; a model is a value", line: 1, column: 1)]
    )
  }

  @Test func genericStructsAreNotModels() {
    assertModelExpansion(
      """
      @Model
      struct Box<Value> {
        var id: Int64?
        var value: Value
      }
      """,
      expandedSource: """
      struct Box<Value> {
        var id: Int64?
        var value: Value
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: "@Model does not support generic structs: a model's columns and schema need concrete types",
                       line: 2, column: 11),
      ]
    )
  }

  // MARK: The primary key

  @Test func aSecondIDIsAnError() {
    assertModelExpansion(
      """
      @Model
      struct User {
        @ID var id: Int64?
        var name: String
        @ID var code: String
      }
      """,
      expandedSource: """
      struct User {
        var id: Int64?
        var name: String
        var code: String
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: "a model has one primary key: 'id' is already marked @ID, so 'code' cannot be",
                       line: 5, column: 3),
      ]
    )
  }

  @Test func aModelWithoutKeyIsAnError() {
    assertModelExpansion(
      """
      @Model
      struct Note {
        var identifier: Int64?
        var text: String
      }
      """,
      expandedSource: """
      struct Note {
        var identifier: Int64?
        var text: String
      }
      """,
      diagnostics: [DiagnosticSpec(message: "@Model needs a primary key: mark one property @ID", line: 1, column: 1)]
    )
  }

  @Test func aComputedIDDoesNotCountAsTheKey() {
    assertModelExpansion(
      """
      @Model
      struct Note {
        var text: String
        var id: String { text }
      }
      """,
      expandedSource: """
      struct Note {
        var text: String
        var id: String { text }
      }
      """,
      diagnostics: [DiagnosticSpec(message: "@Model needs a primary key: mark one property @ID", line: 1, column: 1)]
    )
  }

  @Test func aGeneratedKeyMustBeVar() {
    assertModelExpansion(
      """
      @Model
      struct Note {
        @ID let id: Int64?
        var text: String
      }
      """,
      expandedSource: """
      struct Note {
        let id: Int64?
        var text: String
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: "'id' is an optional key, which the database generates and didInsert(primaryKey:) stores, so it must be 'var'",
                       line: 3, column: 11),
      ]
    )
  }

  @Test func anAssignedKeyMayBeLet() {
    assertModelExpansion(
      """
      @Model
      struct Note {
        let id: String
      }
      """,
      expandedSource: """
      struct Note {
        let id: String

        typealias ID = String

        static let tableName = "note"

        struct Columns: ModelColumns {
          let id: Column<Note, String>

          init(table: String) {
            self.id = Column("id", table: table)
          }
        }

        static let schema = TableSchema(
          name: "note",
          columns: [
            .column("id", property: "id", type: String.self, primaryKey: true),
          ]
        )
      }

      extension Note: Model {
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
      }
      """
    )
  }

  // MARK: Stored properties

  @Test func aStoredPropertyNeedsAnExplicitType() {
    assertModelExpansion(
      """
      @Model
      struct Counter {
        var id: Int64?
        var count = 5
      }
      """,
      expandedSource: """
      struct Counter {
        var id: Int64?
        var count = 5
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: "'count' needs an explicit type: @Model reads each column's type from its annotation, not from an initial value",
                       line: 4, column: 7),
      ]
    )
  }

  @Test func aLetWithAnInitialValueIsAnErrorWithAFixIt() {
    assertModelExpansion(
      """
      @Model
      struct Counter {
        var id: Int64?
        let kind: String = "counter"
        let label: String
      }
      """,
      expandedSource: """
      struct Counter {
        var id: Int64?
        let kind: String = "counter"
        let label: String
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: "'kind' is a 'let' with an initial value, so it cannot be decoded from a row; make it 'var' or drop the value",
                       line: 4, column: 3, fixIts: [FixItSpec(message: "make it 'var'")]),
      ],
      applyFixIts: ["make it 'var'"],
      fixedSource: """
      @Model
      struct Counter {
        var id: Int64?
        var kind: String = "counter"
        let label: String
      }
      """
    )
  }

  @Test func aLetWithAValueAndNoTypeGetsBothErrors() {
    assertModelExpansion(
      """
      @Model
      struct Counter {
        var id: Int64?
        let kind = "counter"
      }
      """,
      expandedSource: """
      struct Counter {
        var id: Int64?
        let kind = "counter"
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: "'kind' is a 'let' with an initial value, so it cannot be decoded from a row; make it 'var' or drop the value",
                       line: 4, column: 3, fixIts: [FixItSpec(message: "make it 'var'")]),
        DiagnosticSpec(message: "'kind' needs an explicit type: @Model reads each column's type from its annotation, not from an initial value",
                       line: 4, column: 7),
      ]
    )
  }

  struct UnsupportedType: Sendable, CustomTestStringConvertible {
    let type: String
    let reason: String
    var testDescription: String { type }
  }

  @Test(arguments: [
    UnsupportedType(type: "(Int, Int)", reason: "tuples are not supported"),
    UnsupportedType(type: "(x: Int, y: Int)?", reason: "tuples are not supported"),
    UnsupportedType(type: "() -> Void", reason: "function types are not supported"),
    UnsupportedType(type: "(@Sendable (Int) -> Int)?", reason: "function types are not supported"),
    UnsupportedType(type: "[String: Int]", reason: "dictionaries are not supported"),
    UnsupportedType(type: "[[String: Int]]?", reason: "dictionaries are not supported"),
    UnsupportedType(type: "Dictionary<String, Int>", reason: "dictionaries are not supported"),
    UnsupportedType(type: "String!",
                    reason: "implicitly unwrapped optionals are not supported; use '?' for a nullable column"),
    UnsupportedType(type: "any SQLValueConvertible",
                    reason: "existential and opaque types are not supported; a column needs a concrete type"),
    UnsupportedType(type: "Int.Type", reason: "metatypes are not supported"),
  ])
  func typesThatCannotBeColumnsAreNamed(_ unsupported: UnsupportedType) {
    assertModelExpansion(
      """
      @Model
      struct Shape {
        var id: Int64?
        var value: \(unsupported.type)
      }
      """,
      expandedSource: """
      struct Shape {
        var id: Int64?
        var value: \(unsupported.type)
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: "'value' has type '\(unsupported.type)', which cannot be stored in a column: \(unsupported.reason)",
                       line: 4, column: 14),
      ]
    )
  }

  @Test func aTuplePatternIsAnError() {
    assertModelExpansion(
      """
      @Model
      struct Point {
        var id: Int64?
        var (x, y): (Int, Int)
      }
      """,
      expandedSource: """
      struct Point {
        var id: Int64?
        var (x, y): (Int, Int)
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: "@Model properties need one name each; split the tuple pattern into separate properties",
                       line: 4, column: 7),
      ]
    )
  }

  @Test func propertyWrappersAreErrors() {
    assertModelExpansion(
      """
      @Model
      struct Settings {
        var id: Int64?
        @Clamped(0...10) var volume: Int
        @available(*, deprecated) var legacy: Int
      }
      """,
      expandedSource: """
      struct Settings {
        var id: Int64?
        @Clamped(0...10) var volume: Int
        @available(*, deprecated) var legacy: Int
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: "'volume' uses @Clamped: property wrappers are not supported on @Model properties (a column is a plain stored property)",
                       line: 4, column: 3),
      ]
    )
  }

  @Test func markersOnPropertiesThatAreNotColumnsAreErrors() {
    assertModelExpansion(
      """
      @Model
      struct User {
        var id: Int64?
        var name: String
        @Unique var upper: String { name.uppercased() }
        @Indexed static var count: Int = 0
        @ID lazy var cached: String = name
      }
      """,
      expandedSource: """
      struct User {
        var id: Int64?
        var name: String
        var upper: String { name.uppercased() }
        static var count: Int = 0
        lazy var cached: String = name
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: "@Unique has no effect on 'upper': a computed property is not a column", line: 5, column: 3),
        DiagnosticSpec(message: "@Indexed has no effect on 'count': a static property is not a column", line: 6, column: 3),
        DiagnosticSpec(message: "@ID has no effect on 'cached': a lazy property is not a column", line: 7, column: 3),
      ]
    )
  }

  @Test func storedPropertiesInsideIfConfigAreErrors() {
    assertModelExpansion(
      """
      @Model
      struct User {
        var id: Int64?
        #if DEBUG
        var debugNote: String
        #endif
      }
      """,
      expandedSource: """
      struct User {
        var id: Int64?
        #if DEBUG
        var debugNote: String
        #endif
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: "@Model cannot see stored properties inside #if; declare the model's columns unconditionally",
                       line: 4, column: 3),
      ]
    )
  }

  // MARK: Marker arguments

  @Test func columnNeedsOneStringLiteral() {
    assertModelExpansion(
      #"""
      @Model
      struct User {
        var id: Int64?
        @Column(emailColumn) var email: String
        @Column("nick\(suffix)") var nick: String
        @Column("") var handle: String
      }
      """#,
      expandedSource: """
      struct User {
        var id: Int64?
        var email: String
        var nick: String
        var handle: String
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: #"@Column needs the column's name as one string literal: @Column("email_address")"#,
                       line: 4, column: 3),
        DiagnosticSpec(message: #"@Column needs the column's name as one string literal: @Column("email_address")"#,
                       line: 5, column: 3),
        DiagnosticSpec(message: "@Column needs a non-empty column name", line: 6, column: 3),
      ]
    )
  }

  @Test func referencesNeedsATypeExpression() {
    assertModelExpansion(
      """
      @Model
      struct Order {
        var id: Int64?
        @References(Team, onDelete: .cascade) var teamID: Int64
        @References(teamType) var otherTeamID: Int64
      }
      """,
      expandedSource: """
      struct Order {
        var id: Int64?
        var teamID: Int64
        var otherTeamID: Int64
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: "@References needs the referenced model as 'Type.self': @References(Team.self, onDelete: .cascade)",
                       line: 4, column: 3),
        DiagnosticSpec(message: "@References needs the referenced model as 'Type.self': @References(Team.self, onDelete: .cascade)",
                       line: 5, column: 3),
      ]
    )
  }

  @Test func twoPropertiesCannotShareAColumn() {
    assertModelExpansion(
      """
      @Model
      struct User {
        var id: Int64?
        var emailAddress: String
        @Column("email_address") var email: String
      }
      """,
      expandedSource: """
      struct User {
        var id: Int64?
        var emailAddress: String
        var email: String
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: #"column "email_address" of 'email' is already the column of 'emailAddress'; give one of them @Column("...")"#,
                       line: 5, column: 32),
      ]
    )
  }

  @Test func everyProblemIsReportedAtOnce() {
    assertModelExpansion(
      """
      @Model
      struct Mess {
        @ID var id: Int64?
        @ID var other: Int64?
        var count = 0
        var pair: (Int, Int)
      }
      """,
      expandedSource: """
      struct Mess {
        var id: Int64?
        var other: Int64?
        var count = 0
        var pair: (Int, Int)
      }
      """,
      diagnostics: [
        DiagnosticSpec(message: "'count' needs an explicit type: @Model reads each column's type from its annotation, not from an initial value",
                       line: 5, column: 7),
        DiagnosticSpec(message: "'pair' has type '(Int, Int)', which cannot be stored in a column: tuples are not supported",
                       line: 6, column: 13),
        DiagnosticSpec(message: "a model has one primary key: 'id' is already marked @ID, so 'other' cannot be",
                       line: 4, column: 3),
      ]
    )
  }
}
