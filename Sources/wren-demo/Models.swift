import Foundation
import Wren

/// A bird watcher.
@Model(table: "observers")
struct Observer: Equatable {
  @ID var id: Int64?
  var name: String
  @Unique var handle: String
  var joinedAt: Date
}

/// How rare a species is locally.
enum Rarity: String, SQLValueConvertible {
  case common, scarce, rare
}

/// One sighting of a species by an observer.
@Model(table: "sightings")
struct Sighting: Equatable {
  @ID var id: Int64?
  @References(Observer.self, onDelete: .cascade) var observerID: Int64
  @Indexed var species: String
  var count: Int
  var wingspanCM: Double
  var rarity: Rarity = .common
  var seenAt: Date
  var note: String?
}

/// The demo's schema, as migrations.
enum DemoSchema {
  static var migrator: Migrator {
    var migrator = Migrator()
    migrator.register("2026-05-01-observers") { db in try await db.create(Observer.self) }
    migrator.register("2026-05-02-sightings") { db in try await db.create(Sighting.self) }
    return migrator
  }
}
