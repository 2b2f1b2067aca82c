// swift-tools-version:6.0
import CompilerPluginSupport
import PackageDescription

/// The language bar every Wren module is built with: Swift 6 mode (complete
/// concurrency checking), plus the upcoming features the style guide asks for.
let strictSettings: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
  .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
  name: "Wren",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "Wren", targets: ["Wren"]),
    .library(name: "Model", targets: ["Model"]),
    .library(name: "QueryBuilder", targets: ["QueryBuilder"]),
    .library(name: "PGBackend", targets: ["PGBackend"]),
    .library(name: "SQLiteTestBackend", targets: ["SQLiteTestBackend"]),
    .library(name: "WrenTesting", targets: ["WrenTesting"]),
    .executable(name: "wren-demo", targets: ["wren-demo"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    .package(url: "https://github.com/swiftlang/swift-syntax", exact: "603.0.1"),
  ],
  targets: [
    .systemLibrary(
      name: "CLibPQ",
      pkgConfig: "libpq",
      providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
    ),
    .systemLibrary(
      name: "CSQLite",
      pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
    ),
    .macro(
      name: "ModelMacros",
      dependencies: [
        .product(name: "SwiftSyntax", package: "swift-syntax"),
        .product(name: "SwiftSyntaxBuilder", package: "swift-syntax"),
        .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
        .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
        .product(name: "SwiftDiagnostics", package: "swift-syntax"),
      ],
      swiftSettings: strictSettings
    ),
    .target(
      name: "Model",
      dependencies: ["ModelMacros"],
      swiftSettings: strictSettings
    ),
    .target(
      name: "QueryBuilder",
      dependencies: [
        "Model",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictSettings
    ),
    .target(
      name: "PGBackend",
      dependencies: [
        "Model", "QueryBuilder", "CLibPQ",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictSettings
    ),
    .target(
      name: "SQLiteTestBackend",
      dependencies: [
        "Model", "QueryBuilder", "CSQLite",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictSettings
    ),
    .target(
      name: "Wren",
      dependencies: ["Model", "QueryBuilder", "PGBackend", "SQLiteTestBackend"],
      swiftSettings: strictSettings
    ),
    .target(
      name: "WrenTesting",
      dependencies: ["QueryBuilder", "SQLiteTestBackend"],
      swiftSettings: strictSettings
    ),
    .executableTarget(
      name: "wren-demo",
      dependencies: [
        "Wren",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "ModelTests",
      dependencies: ["Model"],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "WrenTestingTests",
      dependencies: ["WrenTesting", "QueryBuilder", "Model", "SQLiteTestBackend"],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "ModelMacrosTests",
      dependencies: [
        "ModelMacros",
        .product(name: "SwiftSyntaxMacrosGenericTestSupport", package: "swift-syntax"),
        .product(name: "SwiftSyntaxMacroExpansion", package: "swift-syntax"),
      ],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "QueryBuilderTests",
      dependencies: ["QueryBuilder", "Model", .product(name: "Logging", package: "swift-log")],
      swiftSettings: strictSettings
    ),
    .target(
      name: "PostgresTestSupport",
      dependencies: ["PGBackend", "QueryBuilder"],
      path: "Tests/PostgresTestSupport",
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "PGBackendTests",
      dependencies: [
        "PGBackend", "QueryBuilder", "Model", "PostgresTestSupport",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictSettings
    ),
    .target(
      name: "RaceMigrations",
      dependencies: ["QueryBuilder"],
      path: "Tests/RaceMigrations",
      swiftSettings: strictSettings
    ),
    .executableTarget(
      name: "wren-migration-probe",
      dependencies: ["PGBackend", "QueryBuilder", "RaceMigrations"],
      path: "Tests/MigrationProbe",
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "SchemaTests",
      dependencies: [
        "QueryBuilder", "Model", "PGBackend", "SQLiteTestBackend", "PostgresTestSupport", "RaceMigrations",
        "wren-migration-probe",
      ],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "CrossBackendTests",
      dependencies: ["QueryBuilder", "Model", "PGBackend", "SQLiteTestBackend", "PostgresTestSupport"],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "ReadmeTests",
      dependencies: ["Wren", "WrenTesting"],
      swiftSettings: strictSettings
    ),
    .testTarget(
      name: "SQLiteTestBackendTests",
      dependencies: [
        "SQLiteTestBackend", "QueryBuilder", "Model",
        .product(name: "Logging", package: "swift-log"),
      ],
      swiftSettings: strictSettings
    ),
  ]
)
