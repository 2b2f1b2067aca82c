import SwiftSyntax
import SwiftSyntaxMacros

/// `@ID`, `@Column("name")`, `@Unique`, `@Indexed`, `@References(...)`: markers that
/// `@Model` reads from the properties they annotate. On their own they add nothing.
public struct MarkerMacro: PeerMacro {
  public static func expansion(
    of node: AttributeSyntax,
    providingPeersOf declaration: some DeclSyntaxProtocol,
    in context: some MacroExpansionContext
  ) throws -> [DeclSyntax] {
    []
  }
}
