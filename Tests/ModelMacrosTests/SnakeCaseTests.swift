@testable import ModelMacros
import Testing

@Suite struct SnakeCaseTests {
  @Test(arguments: [
    ("User", "user"), ("OrderItem", "order_item"), ("createdAt", "created_at"), ("teamID", "team_id"),
    ("userID", "user_id"), ("htmlURL", "html_url"), ("HTMLPage", "html_page"), ("id", "id"), ("ID", "id"),
    ("line2Text", "line2_text"), ("address2", "address2"), ("already_snake", "already_snake"),
    ("_private", "_private"), ("isHTTPSEnabled", "is_https_enabled"), ("a", "a"), ("", ""),
  ])
  func convertsCamelCase(_ input: String, _ expected: String) {
    #expect(SnakeCase.convert(input) == expected)
  }
}
