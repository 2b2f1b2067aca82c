#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import CBaselines
import Model

/// A digest of decoded `bench_items` rows, computed the same way as the C baselines'
/// `wren_bench_checksum` (CBaselines.h), so each side's reading of the data can be
/// checked against the seed formula and against the other.
struct Checksum: Sendable, Equatable, CustomStringConvertible {
  var rows: Int64 = 0
  var sumID: Int64 = 0
  var sumQty: Int64 = 0
  /// Exact: prices are multiples of 0.25, far below 2^51.
  var sumPrice: Double = 0
  var sumCreatedMicros: UInt64 = 0
  var active: Int64 = 0
  var nullNotes: Int64 = 0
  var textHash: UInt64 = 0

  init() {}

  init(_ c: wren_bench_checksum) {
    rows = c.rows
    sumID = c.sum_id
    sumQty = c.sum_qty
    sumPrice = c.sum_price
    sumCreatedMicros = c.sum_created_us
    active = c.active
    nullNotes = c.null_notes
    textHash = c.text_hash
  }

  @inline(__always)
  mutating func add(_ item: BenchItem) {
    add(id: item.id, name: item.name, qty: item.qty, price: item.price, createdAt: item.createdAt,
        active: item.active, note: item.note)
  }

  /// Adds a model read from `bench_items`; a model without a key counts as id 0.
  @inline(__always)
  mutating func add(_ model: BenchItemModel) {
    add(id: model.id ?? 0, name: model.name, qty: model.qty, price: model.price, createdAt: model.createdAt,
        active: model.active, note: model.note)
  }

  @inline(__always)
  mutating func add(id: Int64, name: String, qty: Int32, price: Double, createdAt: Date, active: Bool, note: String?) {
    rows += 1
    sumID &+= id
    sumQty &+= Int64(qty)
    sumPrice += price
    let micros = SQLTimestamp.microsecondsSinceReferenceDate(createdAt) ?? 0
    sumCreatedMicros &+= UInt64(bitPattern: micros &+ SQLTimestamp.unixEpochToReferenceMicroseconds)
    if active { self.active += 1 }
    var hash = Self.fnv1a(name)
    if let note {
      hash &+= 3 &* Self.fnv1a(note)
    } else {
      nullNotes += 1
    }
    textHash &+= hash
  }

  /// The checksum of `items`.
  static func of(_ items: some Sequence<BenchItem>) -> Checksum {
    var checksum = Checksum()
    for item in items { checksum.add(item) }
    return checksum
  }

  /// The checksum of `models`.
  static func of(_ models: some Sequence<BenchItemModel>) -> Checksum {
    var checksum = Checksum()
    for model in models { checksum.add(model) }
    return checksum
  }

  /// The checksum a correct run produces when it reads the seed rows with these ids.
  static func expected(ids: some Sequence<Int64>) -> Checksum {
    of(ids.lazy.map(BenchItem.seed))
  }

  /// FNV-1a, 64 bits, over the UTF-8 bytes (as `wren_bench_fnv1a`).
  @inline(__always)
  static func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      hash ^= UInt64(byte)
      hash &*= 0x100_0000_01b3
    }
    return hash
  }

  var description: String {
    "rows \(rows), Σid \(sumID), Σqty \(sumQty), Σprice \(sumPrice), Σcreated \(sumCreatedMicros), "
      + "active \(active), null notes \(nullNotes), text hash \(textHash)"
  }
}
