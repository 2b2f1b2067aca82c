import CLibPQ
import QueryBuilder

/// The form of a connection string, checked before connecting.
///
/// libpq reads a string as a URL when it starts with `postgresql://` or `postgres://`,
/// as key=value pairs when it contains `=`, and otherwise as the name of a database
/// on the default server. So a typo (`postgress://app@db/app`, or prose) reaches no
/// server and fails with a missing Unix socket. Wren refuses such a string at once
/// and says what libpq would have made of it. See
/// https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING.
///
/// ```swift
/// try PostgresConnectionString(classifying: "postgres://app@db/app")  // .url
/// try PostgresConnectionString(classifying: "this is not a url")      // throws MisuseError
/// ```
enum PostgresConnectionString: Equatable {
  /// A `postgres://` or `postgresql://` URL.
  case url
  /// key=value pairs (`host=db dbname=app`); the empty string is none, which leaves
  /// everything to libpq's defaults and `PG*` environment variables.
  case keyValue

  /// The schemes libpq reads a URL by, as it spells them (lowercase only).
  static let schemes = ["postgresql://", "postgres://"]

  /// Classifies `text` as libpq will read it, and checks that libpq can parse it.
  /// - Throws: ``MisuseError`` for a URL with another scheme, text that is neither a
  ///   URL nor key=value pairs, or either form that libpq cannot parse (its message).
  init(classifying text: String) throws {
    if Self.schemes.contains(where: text.hasPrefix) {
      try Self.parse(text, form: "postgres:// URL")
      self = .url
      return
    }
    let understood = text.contains("=")
      ? "libpq would have read it as key=value pairs and failed"
      : "libpq would have taken the whole text for the name of a database on the default server "
        + "(PGHOST, or the local Unix socket)"
    if let scheme = Self.scheme(of: text) {
      throw MisuseError(
        "the connection string is a \(scheme):// URL, a scheme libpq does not know; it reads postgres:// and "
          + "postgresql:// URLs (postgres://user@host:5432/db) and key=value strings (host=db dbname=app). "
          + "\(understood)")
    }
    if text.isEmpty || text.contains("=") {
      try Self.parse(text, form: "key=value string")
      self = .keyValue
      return
    }
    throw MisuseError(
      "the connection string is neither a postgres:// URL nor a key=value string, so \(understood). Write a URL "
        + "(postgres://user@host:5432/db) or key=value pairs (host=db dbname=app); for a database name alone, dbname=name")
  }

  /// The scheme of text that starts like a URL (`postgress` of `postgress://...`):
  /// a letter, then letters, digits, `+`, `-` or `.`, then `://`.
  static func scheme(of text: String) -> Substring? {
    guard let separator = text.firstRange(of: "://") else { return nil }
    let scheme = text[..<separator.lowerBound]
    func isLetter(_ scalar: Unicode.Scalar) -> Bool { scalar.isASCII && scalar.properties.isAlphabetic }
    guard let first = scheme.unicodeScalars.first, isLetter(first),
          scheme.unicodeScalars.allSatisfy({ isLetter($0) || ("0"..."9").contains($0) || "+-.".unicodeScalars.contains($0) })
    else { return nil }
    return scheme
  }

  /// Lets libpq parse `text` as it will when connecting (`PQconninfoParse`).
  /// - Throws: ``MisuseError`` with libpq's reason when it cannot.
  private static func parse(_ text: String, form: String) throws {
    var message: UnsafeMutablePointer<CChar>?
    guard let options = PQconninfoParse(text, &message) else {
      let reason = message.map { String(cString: $0) } ?? "out of memory"
      if let message { PQfreemem(message) }
      throw MisuseError("the connection string is not a valid \(form): "
                          + reason.trimmingTrailingNewlines)
    }
    PQconninfoFree(options)
  }
}
