import SwiftCompilerPlugin
import SwiftSyntaxMacros

/// The compiler plugin that provides Wren's model macros.
@main
struct ModelMacrosPlugin: CompilerPlugin {
  let providingMacros: [any Macro.Type] = [ModelMacro.self, MarkerMacro.self]
}
