/// Cuts the data values PostgreSQL repeats in error messages and details.
///
/// Those values are the application's data, usually the very values that were bound,
/// and `DatabaseError.description` (which statement logs print) must never show a
/// bound value; the binds themselves are in `debugDescription`. Cutting errs on the
/// side of removing too much.
///
/// ```
/// Key (email)=(ann@example.com) already exists.      ->  Key (email) already exists.
/// Key (parent_id)=(42) is not present in table "p".  ->  Key (parent_id) is not present in table "p".
/// Failing row contains (1, ann@example.com, null).   ->  Failing row contains (values redacted).
/// invalid input syntax for type bigint: "ann"        ->  invalid input syntax for type bigint: "(redacted)"
/// ```
/// See `BuildIndexValueDescription`, `ExecBuildSlotValueDescription` and the input
/// functions' `ereport`s in PostgreSQL.
enum PostgresErrorRedaction {
  /// The primary message: data exceptions (class 22) quote the offending input.
  static func message(_ message: String, sqlState: String?) -> String {
    isDataException(sqlState) ? redactingQuoted(message) : message
  }

  /// The detail: constraint errors echo keys and rows; data exceptions quote input.
  static func detail(_ detail: String, sqlState: String?) -> String {
    if isDataException(sqlState) { return redactingQuoted(detail) }
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

  private static func isDataException(_ sqlState: String?) -> Bool { sqlState?.hasPrefix("22") == true }

  /// `...(columns)=(values)rest` -> `...(columns)rest`: everything from the first `)=(`
  /// to the last `)` goes.
  private static func redactingKey(_ text: String) -> String {
    guard let start = text.firstRange(of: ")=("), let end = text.lastIndex(of: ")"), end >= start.upperBound else {
      return text
    }
    return String(text[...start.lowerBound]) + String(text[text.index(after: end)...])
  }

  /// Everything from the first `"` to the last becomes `"(redacted)"` (values are not
  /// escaped in messages, so quotes inside them cannot be paired).
  private static func redactingQuoted(_ text: String) -> String {
    guard let first = text.firstIndex(of: "\""), let last = text.lastIndex(of: "\""), first < last else { return text }
    return String(text[..<first]) + "\"(redacted)\"" + String(text[text.index(after: last)...])
  }
}
