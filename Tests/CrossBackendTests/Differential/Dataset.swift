#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import PostgresTestSupport
import QueryBuilder


/// Dates on the microsecond grid both backends store exactly.
enum Dates {
  /// `y-m-d h:m:s` UTC plus `micros` (proleptic Gregorian, no Calendar involved).
  static func utc(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ min: Int = 0, _ s: Int = 0, micros: Int64 = 0) -> Date {
    // Howard Hinnant's days_from_civil.
    let year = m <= 2 ? y - 1 : y
    let era = (year >= 0 ? year : year - 399) / 400
    let yearOfEra = year - era * 400
    let dayOfYear = (153 * ((m + 9) % 12) + 2) / 5 + d - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = Int64(era * 146_097 + dayOfEra - 719_468)
    let seconds = days * 86_400 + Int64(h * 3600 + min * 60 + s)
    let sinceUnixEpoch = seconds * 1_000_000 + micros
    return SQLTimestamp.date(microsecondsSinceReferenceDate: sinceUnixEpoch - SQLTimestamp.unixEpochToReferenceMicroseconds)
  }

  static let epoch = utc(1970, 1, 1)
  static let y2000 = utc(2000, 1, 1)
  static let moonLanding = utc(1969, 7, 20, 20, 17, 40)
  /// Shared by several rows, so orderings on dates have ties to break.
  static let tie = utc(1999, 12, 31, 23, 59, 59, micros: 999_999)
}

/// The rows both backends are seeded with, generated once from a fixed seed.
///
/// A few hundred rows with NULLs in every nullable column, ties in every sortable
/// one, non-ASCII and empty names, negative numbers, and dates before 1970 (back to
/// 1901). Doubles are multiples of 1/8 with small magnitudes, so their sums are exact
/// and compare with `==`.
struct Dataset: Equatable, Sendable {
  var teams: [Team] = []
  var tags: [Tag] = []
  var users: [User] = []
  var orders: [Order] = []

  static let shared = Dataset(seed: 0x5EED_2026)

  static let names = [
    "Alice", "alice", "ALICE", "Bob", "Zoë", "Émile", "émile", "Łukasz", "Ørjan", "José", "Ärger", "李雷",
    "Алексей", "Straße", "🙂 Smiley", "O'Brien", "Ann_Marie", "100%", "Zed", "Åsa", "Mia", "", "zoe", "Ann",
  ]
  static let nicknames = ["Al", "Ace", "Zee", "Émi", "ß", "🙂", "al", "Bobby"]
  static let labels = ["urgent", "gift", "bulk", "fragile", "Returns", "Überweisung", "日本", "priority",
                       "sale", "b2b", "Sale", "zzz"]
  static let teamNames: [(String, String?, Double)] = [
    ("Red", "north", 1000.5), ("Blue", nil, -250.25), ("Red", "south", 0), ("Grün", "east", 1e6),
    ("Δelta", nil, 42.125), ("Yellow", "north", -0.5), ("black", "west", 3.75), ("Empty", "nowhere", 9.0),
  ]

  init(seed: UInt64) {
    var random = SeededGenerator(seed: seed)
    for (name, region, budget) in Self.teamNames {
      teams.append(Team(name: name, region: region, budget: budget))
    }
    for (index, label) in Self.labels.enumerated() {
      tags.append(Tag(label: label, rank: Int32([-3, 0, 0, 7, 12, -3][index % 6])))
    }
    let dates = [Dates.epoch, Dates.y2000, Dates.moonLanding, Dates.tie, Dates.tie]
    for index in 0..<240 {
      func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
      let joinedAt = chance(15)
        ? dates[Int.random(in: 0..<dates.count, using: &random)]
        : Dates.utc(Int.random(in: 1901...2037, using: &random), Int.random(in: 1...12, using: &random),
                    Int.random(in: 1...28, using: &random), Int.random(in: 0...23, using: &random),
                    Int.random(in: 0...59, using: &random), Int.random(in: 0...59, using: &random),
                    micros: chance(50) ? Int64.random(in: 0..<1_000_000, using: &random) : 0)
      var bytes = [UInt8](repeating: 0, count: 16)
      for byte in bytes.indices { bytes[byte] = UInt8.random(in: 0...255, using: &random) }
      let token = UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                              bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
      let cents = Int64.random(in: -500_000...2_000_000, using: &random)
      let balance = Decimal(sign: cents < 0 ? .minus : .plus, exponent: -2, significand: Decimal(cents.magnitude))
      users.append(User(
        name: Self.names[Int.random(in: 0..<Self.names.count, using: &random)],
        email: index % 7 == 0 ? "zoë.\(index)@exämple.org" : "user\(index)@example.com",
        age: chance(15) ? nil : Int.random(in: 0...95, using: &random),
        status: chance(70) ? .active : chance(50) ? .banned : .pending,
        joinedAt: joinedAt,
        isAdmin: chance(10),
        score: Double(Int.random(in: -4000...4000, using: &random)) / 8,
        balance: chance(25) ? nil : balance,
        token: token,
        teamID: chance(10) ? nil : Int64.random(in: 1...7, using: &random),  // team 8 has no users
        nickname: chance(40) ? Self.nicknames[Int.random(in: 0..<Self.nicknames.count, using: &random)] : nil))
    }
    for _ in 0..<520 {
      func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
      orders.append(Order(
        userID: Int64.random(in: 1...200, using: &random),  // users 201-240 have no orders
        tagID: chance(30) ? nil : Int64.random(in: 1...Int64(Self.labels.count), using: &random),
        amount: chance(10) ? [0, 100, -100, 9999][Int.random(in: 0..<4, using: &random)]
          : Int.random(in: -5_000...10_000, using: &random),
        quantity: Int16.random(in: 0...50, using: &random),
        weight: chance(20) ? nil : Double(Int.random(in: -80...800, using: &random)) / 8,
        rate: Float(Int.random(in: 0...100, using: &random)) / 100,
        priority: [Priority.low, .normal, .normal, .high][Int.random(in: 0..<4, using: &random)],
        placedAt: chance(10) ? Dates.tie : Dates.utc(Int.random(in: 1960...2030, using: &random), 6, 15,
                                                     micros: Int64.random(in: 0..<86_400_000_000, using: &random)),
        note: chance(50) ? nil : Self.names[Int.random(in: 0..<Self.names.count, using: &random)] + " note",
        shipped: chance(60)))
    }
  }

  /// Creates the four tables with Wren's DDL and inserts every row; returns the rows
  /// with their ids.
  @discardableResult
  func seed(_ db: any Database) async throws -> Dataset {
    try await db.create(Team.self)
    try await db.create(Tag.self)
    try await db.create(User.self)
    try await db.create(Order.self)
    var seeded = self
    seeded.teams = try await Team.insertAll(db, teams)
    seeded.tags = try await Tag.insertAll(db, tags)
    seeded.users = try await User.insertAll(db, users)
    seeded.orders = try await Order.insertAll(db, orders)
    return seeded
  }
}
