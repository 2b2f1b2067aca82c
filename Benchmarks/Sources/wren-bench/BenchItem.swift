#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

/// One `bench_items` row as a Swift program would hold it.
struct BenchItem: Sendable {
  var id: Int64
  var name: String
  var qty: Int32
  var price: Double
  var createdAt: Date
  var active: Bool
  var note: String?

  /// The seven columns, in the order ``init(row:)`` decodes them.
  static let columns = "id, name, qty, price, created_at, active, note"

  /// Decodes a row of `SELECT id, name, qty, price, created_at, active, note` by
  /// index, Wren's fast path.
  /// - Throws: `RowDecodingError`.
  @inline(__always)
  init(row: Row) throws {
    id = try row.decode(Int64.self, at: 0)
    name = try row.decode(String.self, at: 1)
    qty = try row.decode(Int32.self, at: 2)
    price = try row.decode(Double.self, at: 3)
    createdAt = try row.decode(Date.self, at: 4)
    active = try row.decode(Bool.self, at: 5)
    note = try row.decode(String?.self, at: 6)
  }

  init(id: Int64, name: String, qty: Int32, price: Double, createdAt: Date, active: Bool, note: String?) {
    self.id = id
    self.name = name
    self.qty = qty
    self.price = price
    self.createdAt = createdAt
    self.active = active
    self.note = note
  }

  /// Row `i` of the seed described in WORKLOADS.md.
  static func seed(_ i: Int64) -> BenchItem {
    BenchItem(
      id: i,
      name: "item-\(i)",
      qty: Int32(i % 1000),
      price: Double(i) * 0.25,
      createdAt: Date(timeIntervalSince1970: seedEpoch + Double(i)),
      active: i % 2 == 0,
      note: i % 3 == 0 ? nil : "note \(i)"
    )
  }

  /// 2026-01-01 00:00:00 UTC, seconds since 1970.
  static let seedEpoch: Double = 1_767_225_600
}
