import QueryBuilder

/// A migration set that fails when two migrators run it at the same time: every
/// statement would collide with its twin (CREATE TABLE without IF NOT EXISTS makes a
/// row type, whose unique index is the usual 23505; the seed row is unique), and a
/// short sleep keeps the window open. Used by the in-process pool race and by
/// `wren-migration-probe`, which races it across processes.
public enum RaceMigrations {
  /// The registered migrations.
  public static var migrator: Migrator {
    var migrator = Migrator()
    migrator.register("001-create-customers") { db in
      try await db.execute("CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE)")
      try await db.execute("SELECT pg_sleep(0.02)")
    }
    migrator.register("002-create-orders") { db in
      try await db.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers)")
    }
    migrator.register("003-seed-first-customer") { db in
      try await db.execute("INSERT INTO customers (email) VALUES ('first@example.com')")
    }
    return migrator
  }
}
