/// The DETAIL of a server error, with the data values PostgreSQL repeats in it cut out.
///
/// Constraint errors echo the offending values, which are the application's data and
/// usually the very values that were bound:
///
/// ```
/// Key (email)=(ann@example.com) already exists.      ->  Key (email) already exists.
/// Key (parent_id)=(42) is not present in table "p".  ->  Key (parent_id) is not present in table "p".
/// Failing row contains (1, ann@example.com, null).   ->  Failing row contains (values redacted).
/// ```
///
/// `DatabaseError.description` shows the detail and must never show a bound value
/// (the binds themselves are in `debugDescription`). Cutting errs on the side of
/// removing too much: everything from the first `)=(` to the last `)` of a key goes.
/// See `BuildIndexValueDescription` and `ExecBuildSlotValueDescription` in PostgreSQL.
enum PostgresErrorDetail {
  static func redactingValues(_ detail: String) -> String {
    if detail.hasPrefix("Failing row contains (") { return "Failing row contains (values redacted)." }
    guard detail.hasPrefix("Key ") else { return detail }
    // An exclusion constraint names two keys: "Key (c)=(v) conflicts with existing key (c)=(w)."
    for separator in [" conflicts with existing key ", " conflicts with key "] {
      if let range = detail.firstRange(of: separator) {
        return redactingKey(String(detail[..<range.lowerBound])) + separator
          + redactingKey(String(detail[range.upperBound...]))
      }
    }
    return redactingKey(detail)
  }

  /// `...(columns)=(values)rest` -> `...(columns)rest`.
  private static func redactingKey(_ text: String) -> String {
    guard let start = text.firstRange(of: ")=("), let end = text.lastIndex(of: ")"), end >= start.upperBound else {
      return text
    }
    return String(text[...start.lowerBound]) + String(text[text.index(after: end)...])
  }
}
