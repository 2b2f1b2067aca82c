import Model
import QueryBuilder
import Testing

@Suite struct DropTableAndIndexTests {
  @Test(arguments: SQLDialect.allCases)
  func dropTable(_ dialect: SQLDialect) throws {
    try expectDDL(DropTable("users"), in: dialect,
                  postgres: [#"DROP TABLE "users""#], sqlite: [#"DROP TABLE "users""#])
    try expectDDL(DropTable("users", ifExists: true), in: dialect,
                  postgres: [#"DROP TABLE IF EXISTS "users""#], sqlite: [#"DROP TABLE IF EXISTS "users""#])
  }

  /// SQLite has no CASCADE: asking for it is an error, never silently left out.
  @Test(arguments: SQLDialect.allCases)
  func dropTableCascade(_ dialect: SQLDialect) throws {
    let drop = DropTable("users", ifExists: true, cascade: true)
    switch dialect {
    case .postgres:
      try expectDDL(drop, in: dialect, postgres: [#"DROP TABLE IF EXISTS "users" CASCADE"#], sqlite: [])
    case .sqlite:
      let error = misuse(drop, in: dialect)
      #expect(error?.message.contains("CASCADE") == true)
    }
  }

  @Test(arguments: SQLDialect.allCases)
  func createIndex(_ dialect: SQLDialect) throws {
    let index = CreateIndex(name: "orders_user_id_placed_at_idx", table: "orders", columns: ["user_id", "placed_at"])
    try expectDDL(index, in: dialect,
                  postgres: [#"CREATE INDEX "orders_user_id_placed_at_idx" ON "orders" ("user_id", "placed_at")"#],
                  sqlite: [#"CREATE INDEX "orders_user_id_placed_at_idx" ON "orders" ("user_id", "placed_at")"#])
    let unique = CreateIndex(TableSchema.Index(name: "", columns: ["sku"], isUnique: true), table: "items", ifNotExists: true)
    try expectDDL(unique, in: dialect,
                  postgres: [#"CREATE UNIQUE INDEX IF NOT EXISTS "items_sku_idx" ON "items" ("sku")"#],
                  sqlite: [#"CREATE UNIQUE INDEX IF NOT EXISTS "items_sku_idx" ON "items" ("sku")"#])
    misuse(CreateIndex(name: "i", table: "t", columns: []), in: dialect)
    misuse(CreateIndex(name: "", table: "t", columns: ["a"]), in: dialect)
  }

  @Test func columnTypesPerDialect() {
    let postgres = SQLColumnType.allCases.map(SQLDialect.postgres.columnType)
    let sqlite = SQLColumnType.allCases.map(SQLDialect.sqlite.columnType)
    #expect(SQLColumnType.allCases == [.int16, .int32, .int64, .float, .double, .bool, .text, .bytes, .timestamp, .uuid, .decimal, .json])
    #expect(postgres == ["smallint", "integer", "bigint", "real", "double precision", "boolean", "text", "bytea",
                         "timestamptz", "uuid", "numeric", "jsonb"])
    #expect(sqlite == ["INTEGER", "INTEGER", "INTEGER", "REAL", "REAL", "INTEGER", "TEXT", "BLOB", "TEXT", "TEXT", "TEXT COLLATE WREN_DECIMAL", "TEXT"])
  }
}
