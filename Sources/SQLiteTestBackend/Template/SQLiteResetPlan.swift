import CSQLite
import Model
import QueryBuilder

/// How a template's closed copy is brought back to the template's rows, so that its
/// connection — and the statements it prepared — can serve the next copy: every
/// table is emptied and the template's own rows (the migrations' records, seed data)
/// are inserted again. A fresh copy costs opening a connection, loading the image and
/// preparing every statement anew; this costs a few DELETEs.
///
/// A copy is only reused when nothing but rows changed in it (see
/// `SQLiteConnectionHandle.watchSessionChanges()`) and no transaction is open;
/// otherwise it is closed as usual.
///
/// Foreign keys stay on: tables are emptied children first and refilled parents
/// first. Turning them off and on, like any change of a connection's flags, would
/// expire every prepared statement, and reuse is about keeping those.
struct SQLiteResetPlan: Sendable {
  /// A table of the template whose rows are put back after emptying it.
  struct Seed: Sendable {
    let insert: String
    let rows: [[SQLValue]]
  }

  /// `DELETE FROM "table"` for every table.
  let deletes: [String]
  /// The template's rows, by table.
  let seeds: [Seed]

  /// Templates with more rows than this are copied afresh each time.
  static let maxSeedRows = 1_000

  /// The plan for the template `db`, or nil when emptying and refilling tables could
  /// not make a copy exact: triggers (they would fire on the refill), virtual tables,
  /// statistics tables, tables whose foreign keys form a cycle, or more than
  /// ``maxSeedRows`` rows.
  static func make(for db: SQLiteDatabase) async throws -> SQLiteResetPlan? {
    let objects = try await db.fetchAll("SELECT type, name, sql FROM sqlite_schema")
    var tables: [String] = []
    for object in objects {
      let type = try object.decode(String.self, at: 0)
      let name = try object.decode(String.self, at: 1)
      let sql = try object.decode(String?.self, at: 2) ?? ""
      if type == "trigger" || name.hasPrefix("sqlite_stat") || sql.uppercased().hasPrefix("CREATE VIRTUAL") {
        return nil
      }
      if type == "table" { tables.append(name) }
    }
    guard let ordered = try await childrenFirst(tables, db) else { return nil }
    tables = ordered
    var seeds: [Seed] = []
    var seedRows = 0
    for table in tables {
      let quoted = SQLDialect.sqlite.quoteIdentifier(table)
      let rows = try await db.fetchAll("SELECT * FROM \(unsafeRaw: quoted)")
      guard let first = rows.first else { continue }
      seedRows += rows.count
      if seedRows > maxSeedRows { return nil }
      let columns = first.columns.names.map(SQLDialect.sqlite.quoteIdentifier).joined(separator: ", ")
      let placeholders = (1...first.count).map { "?\($0)" }.joined(separator: ", ")
      seeds.append(Seed(insert: "INSERT INTO \(quoted) (\(columns)) VALUES (\(placeholders))",
                        rows: rows.map { Array($0.values) }))
    }
    return SQLiteResetPlan(deletes: tables.map { "DELETE FROM " + SQLDialect.sqlite.quoteIdentifier($0) },
                           seeds: seeds.reversed())
  }

  /// `tables` ordered so that a table referring to another comes before it; nil when
  /// references form a cycle (a table referring to itself is fine: one DELETE
  /// empties it).
  private static func childrenFirst(_ tables: [String], _ db: SQLiteDatabase) async throws -> [String]? {
    var parents: [String: Set<String>] = [:]
    for table in tables {
      let references = try await db.fetchAll("SELECT \"table\" FROM pragma_foreign_key_list(\(table))")
      parents[table] = Set(try references.map { try $0.decode(String.self, at: 0) }).subtracting([table])
    }
    var ordered: [String] = []
    var remaining = tables
    while !remaining.isEmpty {
      // A table nobody left refers to can go now.
      guard let next = remaining.firstIndex(where: { table in
        !remaining.contains { other in other != table && parents[other, default: []].contains(table) }
      }) else { return nil }
      ordered.append(remaining.remove(at: next))
    }
    return ordered
  }
}

extension SQLiteConnectionHandle {
  /// Empties every table and puts the template's rows back, in one transaction;
  /// turns `query_only` off if it was left on, and resets the last insert rowid.
  /// Runs under the database's lock.
  /// - Returns: false, leaving the connection to be closed, when it changed more than
  ///   rows, is inside a transaction, has a deadline set, or a step fails.
  func resetRows(to plan: SQLiteResetPlan) -> Bool {
    guard !isClosed, deadline == nil, let sessionChanges, !sessionChanges.isSet,
          sqlite3_get_autocommit(db) != 0 else { return false }
    do {
      // Reading the setting expires nothing; setting it would expire every statement.
      if try fetchOne(RenderedSQL(text: "PRAGMA query_only", binds: []))?[0] != .int(0) {
        _ = try execute(RenderedSQL(text: "PRAGMA query_only = OFF", binds: []))
      }
      _ = try execute(RenderedSQL(text: "BEGIN", binds: []))
      do {
        for delete in plan.deletes { _ = try execute(RenderedSQL(text: delete, binds: [])) }
        for seed in plan.seeds {
          for row in seed.rows { _ = try execute(RenderedSQL(text: seed.insert, binds: row)) }
        }
        _ = try execute(RenderedSQL(text: "COMMIT", binds: []))
      } catch {
        _ = try? execute(RenderedSQL(text: "ROLLBACK", binds: []))
        return false
      }
    } catch {
      return false
    }
    sqlite3_set_last_insert_rowid(db, 0)
    return !sessionChanges.isSet
  }
}

/// Where a template's copy goes when it is closed: reset and kept for the next copy.
struct SQLiteRecycler: Sendable {
  let plan: SQLiteResetPlan
  let takeBack: @Sendable (SQLiteConnectionHandle) -> Void
}
