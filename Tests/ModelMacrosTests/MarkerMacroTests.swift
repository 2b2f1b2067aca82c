import ModelMacros
import SwiftSyntaxMacroExpansion
import SwiftSyntaxMacrosGenericTestSupport
import Testing

@Suite struct MarkerMacroTests {
  @Test func propertyMarkersExpandToNothing() {
    assertMacroExpansion(
      """
      struct User {
        @ID var id: Int64?
        @Column("email_address") @Unique var email: String
      }
      """,
      expandedSource: """
      struct User {
        var id: Int64?
        var email: String
      }
      """,
      macroSpecs: ["ID": MacroSpec(type: MarkerMacro.self), "Column": MacroSpec(type: MarkerMacro.self),
                   "Unique": MacroSpec(type: MarkerMacro.self)],
      failureHandler: { Issue.record(Comment(rawValue: $0.message)) }
    )
  }
}
