import Foundation
import Wren

/// The demo's story: a table of bird sightings, written and queried with raw SQL
/// whose interpolated values are always bind parameters.
struct BirdLog {
  let db: any Database

  func run() async throws {
    let console = Console(dialect: db.dialect)

    console.section("Schema")
    try await console.execute(db, "DROP TABLE IF EXISTS sightings")
    try await console.execute(db, createTable)

    console.section("Writes (every value is a bind parameter)")
    let start = SQLTimestamp.parse("2026-05-01T06:30:00Z") ?? Date(timeIntervalSince1970: 0)
    let birds: [(String, Int, Double, Bool, String?)] = [
      ("Wren", 3, 15.5, false, "singing from the hedge"),
      ("Kingfisher", 1, 25.0, true, nil),
      ("Robin", 2, 21.0, false, "fed on the lawn"),
      ("Red kite", 1, 175.0, true, "O'Brien's field; circling"),
      ("Wren", 2, 15.0, false, nil),
    ]
    for (offset, bird) in birds.enumerated() {
      let seenAt = start.addingTimeInterval(Double(offset) * 5400)
      try await console.execute(db, """
        INSERT INTO sightings (species, count, wingspan_cm, rare, seen_at, note)
        VALUES (\(bird.0), \(bird.1), \(bird.2), \(bird.3), \(seenAt), \(bird.4))
        """)
    }

    console.section("Queries")
    try await console.fetch(db, "SELECT id, species, count, rare, seen_at, note FROM sightings WHERE wingspan_cm < \(30.0) ORDER BY seen_at")
    try await console.fetch(db, "SELECT species, sum(count) AS birds, count(*) AS sightings FROM sightings GROUP BY species ORDER BY birds DESC, species")
    let total: Int64? = try await db.fetchValue("SELECT sum(count) FROM sightings")
    console.note("fetchValue(\"SELECT sum(count) FROM sightings\") -> \(total.map(String.init) ?? "nil")")

    console.section("Typed rows")
    if let row = try await db.fetchOne("SELECT species, seen_at, note FROM sightings WHERE rare = \(true) ORDER BY seen_at LIMIT 1") {
      let species = try row["species", as: String.self]
      let seenAt = try row["seen_at", as: Date.self]
      let note = try row["note", as: String?.self]
      console.note("first rare bird: \(species) at \(SQLTimestamp.format(seenAt)), note: \(note ?? "none")")
    }

    console.section("Injection attempts are just values")
    let hostile = "Wren' OR '1'='1"
    try await console.fetch(db, "SELECT count(*) AS matches FROM sightings WHERE species = \(hostile)")

    console.section("Errors are typed")
    do {
      try await console.execute(db, "INSERT INTO sightings (species, count, wingspan_cm, rare, seen_at) VALUES (\("Owl"), \(-1), \(90.0), \(false), \(start))")
    } catch let error as DatabaseError where error.code == .checkViolation {
      console.note("caught DatabaseError.checkViolation (SQLSTATE \(error.sqlState ?? "-")): \(error.message)")
    }

    console.section("Streaming")
    var streamed = 0
    for try await row in db.stream("SELECT species FROM sightings ORDER BY id") {
      streamed += 1
      if streamed == 1 { console.note("first streamed row: \(try row["species", as: String.self])") }
    }
    console.note("streamed \(streamed) rows lazily")
  }

  private var createTable: SQL {
    switch db.dialect {
    case .postgres:
      """
      CREATE TABLE sightings (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        species     text        NOT NULL,
        count       int4        NOT NULL CHECK (count > 0),
        wingspan_cm float8      NOT NULL,
        rare        bool        NOT NULL,
        seen_at     timestamptz NOT NULL,
        note        text
      )
      """
    case .sqlite:
      """
      CREATE TABLE sightings (
        id          INTEGER PRIMARY KEY,
        species     TEXT    NOT NULL,
        count       INTEGER NOT NULL CHECK (count > 0),
        wingspan_cm REAL    NOT NULL,
        rare        INTEGER NOT NULL,
        seen_at     TEXT    NOT NULL,
        note        TEXT
      )
      """
    }
  }
}
