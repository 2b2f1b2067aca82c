#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

/// A `bench_items` row through Wren's model API: the same seven columns as
/// ``BenchItem``, with the database-generated key a model declares.
@Model(table: "bench_items")
struct BenchItemModel {
  @ID var id: Int64?
  var name: String
  var qty: Int32
  var price: Double
  var createdAt: Date
  var active: Bool
  var note: String?
}

/// A `bench_ins` row (P3): the same columns, with a key the application sets.
@Model(table: "bench_ins")
struct BenchInsModel {
  @ID var id: Int64
  var name: String
  var qty: Int32
  var price: Double
  var createdAt: Date
  var active: Bool
  var note: String?

  /// Row `i` of the seed described in WORKLOADS.md.
  static func seed(_ i: Int64) -> BenchInsModel {
    let item = BenchItem.seed(i)
    return BenchInsModel(id: item.id, name: item.name, qty: item.qty, price: item.price,
                         createdAt: item.createdAt, active: item.active, note: item.note)
  }
}

/// A `bench_tx` row (P6): inserted, then updated in a nested block.
@Model(table: "bench_tx")
struct BenchTxModel {
  @ID var id: Int64
  var name: String
  var qty: Int32
}
