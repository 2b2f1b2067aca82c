#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

enum Mood: String, SQLValueConvertible { case calm, excited, grumpy = "grümpy" }

enum Level: Int, SQLValueConvertible { case low = -1, mid = 0, high = 9_000 }

/// A model with every column type Wren supports, each also as an optional, raw
/// enums of both kinds, and DDL defaults.
@Model(table: "everything")
struct Everything: Equatable, Sendable {
  @ID var id: Int64?
  @Unique var code: String
  var int: Int
  var int64: Int64
  var int32: Int32
  var int16: Int16
  var double: Double
  var float: Float
  var bool: Bool
  var string: String
  var data: Data
  var bytes: [UInt8]
  var date: Date
  var uuid: UUID
  var decimal: Decimal
  var mood: Mood
  var level: Level
  var optInt: Int?
  var optInt64: Int64?
  var optInt32: Int32?
  var optInt16: Int16?
  var optDouble: Double?
  var optFloat: Float?
  var optBool: Bool?
  var optString: String?
  var optData: Data?
  var optBytes: [UInt8]?
  var optDate: Date?
  var optUUID: UUID?
  var optDecimal: Decimal?
  var optMood: Mood?
  var optLevel: Level?
  var counter: Int = 7
  var label: String = "it's a default"
  var flag: Bool = true
  var ratio: Double = -0.5
  var defaultMood: Mood = .excited
  var defaultLevel: Level? = .high
}

extension Everything {
  /// A model with every optional NULL and the non-optional columns derived from `n`.
  static func sparse(_ n: Int) -> Everything {
    Everything(code: "sparse-\(n)", int: n, int64: Int64(n) * 1_000_003, int32: Int32(truncatingIfNeeded: n * 7),
               int16: Int16(truncatingIfNeeded: n), double: Double(n) / 16, float: Float(n % 1000) / 4,
               bool: n % 2 == 0, string: "s\(n)", data: Data([UInt8(n & 0xFF), 0]), bytes: [0, UInt8(n & 0x7F)],
               date: Dates.utc(1900 + n % 200, 1 + n % 12, 1 + n % 28, micros: Int64(n % 1_000_000)),
               uuid: uuid(n), decimal: Decimal(sign: n % 3 == 1 ? .minus : .plus, exponent: -3, significand: Decimal(n)),
               mood: [.calm, .excited, .grumpy][n % 3], level: [.low, .mid, .high][n % 3])
  }

  /// A model with every column set, derived from `n`.
  static func full(_ n: Int) -> Everything {
    var model = sparse(n)
    model.code = "full-\(n)"
    model.optInt = -n
    model.optInt64 = Int64(n) << 20
    model.optInt32 = Int32(n % 65_536) - 32_768
    model.optInt16 = Int16(n % 200) - 100
    model.optDouble = Double(n) * 0.1
    model.optFloat = Float(n) * 0.1
    model.optBool = n % 3 == 0
    model.optString = "ø\(n)ü"
    model.optData = Data((0..<UInt8(n % 5)).map { $0 })
    model.optBytes = [UInt8(n % 256), 0, 255]
    model.optDate = Dates.utc(2026, 1, 1, micros: Int64(n))
    model.optUUID = uuid(n + 1)
    model.optDecimal = Decimal(n) / 8
    model.optMood = .grumpy
    model.optLevel = n % 2 == 0 ? .low : nil
    model.counter = n
    model.label = "label \(n)"
    model.flag = n % 5 != 0
    model.ratio = Double(n) / 1024
    model.defaultMood = .calm
    model.defaultLevel = nil
    return model
  }

  /// A deterministic UUID for `n`.
  static func uuid(_ n: Int) -> UUID {
    let b = withUnsafeBytes(of: UInt64(n).bigEndian) { Array($0) }
    return UUID(uuid: (0xA1, 0xB2, 0xC3, 0xD4, 0x00, 0x11, 0x42, 0x80, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]))
  }

  /// Every column at an extreme: integer limits, empty and non-ASCII text, bytes with
  /// NUL, microsecond dates far from 1970, the largest Decimal, float limits.
  static var edges: [Everything] {
    var low = sparse(1)
    low.code = ""
    low.int = .min
    low.int64 = .min
    low.int32 = .min
    low.int16 = .min
    low.double = -.greatestFiniteMagnitude
    low.float = -.greatestFiniteMagnitude
    low.string = ""
    low.data = Data()
    low.bytes = []
    low.date = Dates.utc(1, 1, 1, micros: 1)
    low.uuid = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    low.decimal = Decimal(string: "-99999999999999999999999999999999999999")!
    low.optInt = .min
    low.optInt64 = .min
    low.optInt32 = .min
    low.optInt16 = .min
    low.optDouble = -.leastNonzeroMagnitude
    low.optFloat = .leastNonzeroMagnitude
    low.optString = ""
    low.optData = Data()
    low.optBytes = []
    low.optDate = Dates.utc(1969, 12, 31, 23, 59, 59, micros: 999_999)
    low.optDecimal = Decimal(string: "-0.000001")!
    low.label = ""
    var high = sparse(2)
    high.code = "🙂 ünïcödé 李雷 \u{200D}'\"\\%_"
    high.int = .max
    high.int64 = .max
    high.int32 = .max
    high.int16 = .max
    high.double = .greatestFiniteMagnitude
    high.float = .greatestFiniteMagnitude
    high.string = String(repeating: "Ünïcødé ✓ ", count: 500) + "\n\t'\"\\"
    high.data = Data([0, 0, 0xFF, 0, 0x7F])
    high.bytes = Array(0...255)
    high.date = Dates.utc(9999, 12, 31, 23, 59, 59, micros: 999_999)
    high.uuid = UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))
    high.decimal = Decimal(string: "99999999999999999999999999999999999999")!
    high.optInt = .max
    high.optInt64 = .max
    high.optInt32 = .max
    high.optInt16 = .max
    high.optDouble = .infinity
    high.optFloat = -.infinity
    high.optBool = false
    high.optString = "\u{1F600}"
    high.optData = Data([0])
    high.optBytes = [0, 0]
    high.optDate = Dates.utc(1901, 12, 13, 20, 45, 52, micros: 123_457)
    high.optUUID = uuid(0)
    high.optDecimal = Decimal(string: "0.00000000000000000000000000000000000001")!
    high.optMood = .calm
    high.optLevel = .mid
    high.counter = 0
    high.label = "ß"
    return [low, high]
  }
}
