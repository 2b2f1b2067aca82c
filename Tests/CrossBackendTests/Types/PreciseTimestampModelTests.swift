#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model
import QueryBuilder
import Testing

/// A `PreciseTimestamp` is a model property like a `Date`: the same column type, and
/// every microsecond back on both backends, where a `Date` column refuses to round.
@Suite
struct PreciseTimestampModelTests {
  @Model(table: "leases")
  struct Lease: Equatable, Sendable {
    @ID var id: Int64?
    var startsAt: Date
    var endsAt: PreciseTimestamp
    var renewedAt: PreciseTimestamp?
  }

  @Test(arguments: Backend.available)
  func everyMicrosecondOfAPreciseTimestampPropertyRoundTrips(_ backend: Backend) async throws {
    try await withDatabase(backend, name: "types_precise_ts") { (db) async throws in
      try await db.create(Lease.self)
      let end = try #require(PreciseTimestamp("9999-12-31T23:59:59.999999Z"))
      let renewed = try #require(PreciseTimestamp("2500-06-15T12:34:56.789012Z"))
      let old = try #require(PreciseTimestamp("1500-01-01T00:00:00.000001Z"))
      var lease = Lease(startsAt: Date(timeIntervalSince1970: 1_700_000_000.25), endsAt: end, renewedAt: renewed)
      try await lease.insert(db)
      let id = try #require(lease.id)
      #expect(try await Lease.find(db, id: id) == lease)
      #expect(try await Lease.fetchAll(db) == [lease])
      var sparse = Lease(startsAt: Date(timeIntervalSince1970: 0), endsAt: old, renewedAt: nil)
      try await sparse.insert(db)
      #expect(try await Lease.find(db, id: try #require(sparse.id)) == sparse)
      // The same value read as a Date is refused with the reason, never rounded.
      let error = await #expect(throws: RowDecodingError.self) {
        try await db.fetchValue("SELECT ends_at FROM leases WHERE id = \(id)", as: Date.self)
      }
      #expect(error?.reason == .inexactInstant)
    }
  }
}
