/// Turns Swift's camelCase names into SQL's snake_case ones.
enum SnakeCase {
  /// `createdAt` → `created_at`, `OrderItem` → `order_item`, `teamID` → `team_id`,
  /// `htmlURL` → `html_url`, `HTMLPage` → `html_page`, `line2Text` → `line2_text`.
  ///
  /// A word starts at an uppercase letter that follows a lowercase letter or a digit,
  /// or that ends a run of capitals and begins a lowercase word (the `P` of `HTMLPage`).
  /// Existing underscores are kept; nothing is pluralised.
  static func convert(_ identifier: String) -> String {
    let characters = Array(identifier)
    var result = ""
    result.reserveCapacity(characters.count + 4)
    for (index, character) in characters.enumerated() {
      guard character.isUppercase else {
        result.append(character)
        continue
      }
      if index > 0 {
        let previous = characters[index - 1]
        let next = index + 1 < characters.count ? characters[index + 1] : nil
        let startsWord = previous.isLowercase || previous.isNumber
          || (previous.isUppercase && next?.isLowercase == true)
        if startsWord { result.append("_") }
      }
      result += character.lowercased()
    }
    return result
  }
}
