import ModelMacros
import SwiftSyntax
import SwiftSyntaxMacroExpansion
import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// `@Model` and the property markers, as the compiler would see them: the markers
/// expand to nothing, and `@Model` is asked for the `Model` conformance.
let modelMacroSpecs: [String: MacroSpec] = [
  "Model": MacroSpec(type: ModelMacro.self, conformances: [TypeSyntax(IdentifierTypeSyntax(name: .identifier("Model")))]),
  "ID": MacroSpec(type: MarkerMacro.self),
  "Column": MacroSpec(type: MarkerMacro.self),
  "Unique": MacroSpec(type: MarkerMacro.self),
  "Indexed": MacroSpec(type: MarkerMacro.self),
  "References": MacroSpec(type: MarkerMacro.self),
]

/// Expands `source` with ``modelMacroSpecs`` and checks the result and diagnostics,
/// recording a Swift Testing issue for each mismatch.
func assertModelExpansion(
  _ source: String,
  expandedSource: String,
  diagnostics: [DiagnosticSpec] = [],
  macroSpecs: [String: MacroSpec] = modelMacroSpecs,
  applyFixIts: [String]? = nil,
  fixedSource: String? = nil,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
  assertMacroExpansion(
    source,
    expandedSource: expandedSource,
    diagnostics: diagnostics,
    macroSpecs: macroSpecs,
    applyFixIts: applyFixIts,
    fixedSource: fixedSource,
    indentationWidth: .spaces(2),
    failureHandler: { Issue.record(Comment(rawValue: $0.message), sourceLocation: sourceLocation) }
  )
}
