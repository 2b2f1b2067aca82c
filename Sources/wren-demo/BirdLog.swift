import Foundation
import Wren

/// The demo's story: observers and their sightings, through models, migrations,
/// CRUD, the typed query builder, a join, an aggregate and raw SQL. Every statement
/// that runs is printed with its binds, and results as tables.
struct BirdLog {
  let db: any Database

  func run() async throws {
    let recording = RecordingDatabase(db)
    let console = Console(dialect: db.dialect, recording: recording)
    let db: any Database = recording

    console.section("Schema: migrations from models")
    try await db.execute("DROP TABLE IF EXISTS sightings")
    try await db.execute("DROP TABLE IF EXISTS observers")
    try await db.execute("DROP TABLE IF EXISTS wren_migrations")
    let applied = try await DemoSchema.migrator.migrate(db)
    console.flush()
    console.note("applied: \(applied.joined(separator: ", "))")

    console.section("CRUD: insert fills the generated id")
    let start = SQLTimestamp.parse("2026-05-01T06:30:00Z") ?? Date(timeIntervalSince1970: 0)
    var ada = Observer(name: "Ada", handle: "ada", joinedAt: start)
    try await ada.insert(db)
    var bo = Observer(name: "Bo", handle: "bo", joinedAt: start.addingTimeInterval(86_400))
    try await bo.insert(db)
    console.flush()
    console.note("ada.id = \(ada.id ?? 0), bo.id = \(bo.id ?? 0)")

    console.section("insertAll: one statement for many rows")
    let adaID = ada.id ?? 0, boID = bo.id ?? 0
    let sightings = [
      Sighting(observerID: adaID, species: "Wren", count: 3, wingspanCM: 15.5, seenAt: start, note: "singing"),
      Sighting(observerID: adaID, species: "Kingfisher", count: 1, wingspanCM: 25, rarity: .scarce,
               seenAt: start.addingTimeInterval(5400), note: nil),
      Sighting(observerID: boID, species: "Red kite", count: 1, wingspanCM: 175, rarity: .rare,
               seenAt: start.addingTimeInterval(9000), note: "O'Brien's field"),
      Sighting(observerID: boID, species: "Wren", count: 2, wingspanCM: 15, seenAt: start.addingTimeInterval(12_600), note: nil),
      Sighting(observerID: adaID, species: "Robin", count: 2, wingspanCM: 21, seenAt: start.addingTimeInterval(16_200), note: nil),
    ]
    let saved = try await Sighting.insertAll(db, sightings)
    console.flush()
    console.note("ids: \(saved.compactMap(\.id).map(String.init).joined(separator: ", "))")

    console.section("Typed queries")
    let small = try await Sighting
      .where { $0.wingspanCM < 30 && $0.rarity == .common }
      .order { [$0.seenAt.desc()] }
      .fetchAll(db)
    console.flush()
    console.table(small.map { [$0.species, String($0.count), SQLTimestamp.format($0.seenAt)] },
                  headers: ["species", "count", "seen_at"])

    console.section("Update through the builder, then save a model")
    try await Sighting.where { $0.species == "Wren" }.update(db) { $0.count = $0.count + 1 }
    bo.name = "Bo Lindqvist"
    try await bo.save(db)
    console.flush()

    console.section("Aggregate: birds per species")
    let perSpecies = try await Sighting
      .select { ($0.species, $0.count.sum(), $0.id.count()) }
      .group { $0.species }
      .order { $0.species.asc() }
      .fetchAll(db)
    console.flush()
    console.table(perSpecies.map { [$0.0, String($0.1 ?? 0), String($0.2)] }, headers: ["species", "birds", "sightings"])

    console.section("Join: who saw what")
    let seen = try await Sighting.join(Observer.self) { s, o in s.observerID == o.id }
      .where { s, _ in s.rarity != .common }
      .select { s, o in (o.name, s.species, s.rarity) }
      .fetchAll(db)
    console.flush()
    console.table(seen.map { [$0.0, $0.1, $0.2.rawValue] }, headers: ["observer", "species", "rarity"])

    console.section("Raw SQL: interpolations are binds")
    let hostile = "Wren' OR '1'='1"
    let matches: Int? = try await db.fetchValue("SELECT count(*) FROM sightings WHERE species = \(hostile)")
    console.flush()
    console.note("rows matching \(hostile): \(matches ?? 0)")

    console.section("Errors name the model and field")
    do {
      var copycat = Observer(name: "Copycat", handle: "ada", joinedAt: start)
      try await copycat.insert(db)
    } catch let error as DatabaseError where error.code == .uniqueViolation {
      console.flush()
      console.note("uniqueViolation on \(error.modelName ?? "?").\(error.modelFields.joined(separator: ", "))")
    }

    console.section("Delete cascades")
    try await ada.delete(db)
    let left = try await Sighting.count(db)
    console.flush()
    console.note("sightings left: \(left)")
  }
}
