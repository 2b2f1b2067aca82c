// swift-tools-version:6.0
import PackageDescription

// Wren's benchmarks: the workloads of WORKLOADS.md, run for Wren and for raw C
// baselines in one process. Run with `scripts/bench` from the repository root.
let package = Package(
  name: "WrenBenchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "Wren", path: ".."),
  ],
  targets: [
    // System libraries, found with pkg-config (libpq-fe.h is not on the default
    // include path on Debian). Declared here because the root package does not
    // export its own CLibPQ / CSQLite targets as products.
    .systemLibrary(
      name: "CLibPQBench",
      pkgConfig: "libpq",
      providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
    ),
    .systemLibrary(
      name: "CSQLiteBench",
      pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
    ),
    .target(
      name: "CBaselines",
      dependencies: ["CLibPQBench", "CSQLiteBench"],
      // Release builds compile C with -O2.
      cSettings: [.unsafeFlags(["-Wall", "-Wextra"])]
    ),
    .executableTarget(
      name: "wren-bench",
      dependencies: [
        "CBaselines",
        .product(name: "Model", package: "Wren"),
        .product(name: "QueryBuilder", package: "Wren"),
        .product(name: "PGBackend", package: "Wren"),
        .product(name: "SQLiteTestBackend", package: "Wren"),
      ],
      swiftSettings: [
        .swiftLanguageMode(.v6),
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
      ]
    ),
  ]
)
