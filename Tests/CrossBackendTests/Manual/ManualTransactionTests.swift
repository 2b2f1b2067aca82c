import Model
import PostgresTestSupport
import QueryBuilder
import Testing

/// `db.begin()`: a transaction under manual control, the same on both backends.
@Suite
struct ManualTransactionTests {
  private func withTable(_ backend: Backend, _ name: String,
                         _ body: (any Database) async throws -> Void) async throws {
    let test = try await TestDatabase.open(backend, name: "manual_\(name)")
    do {
      try await test.db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT NOT NULL)")
      try await body(test.db)
      await test.close()
    } catch {
      await test.close()
      throw error
    }
  }

  private func notes(_ db: any Database) async throws -> [String] {
    try await db.fetchAll("SELECT note FROM t ORDER BY id").map { try $0.decode(String.self, at: 0) }
  }

  @Test(arguments: Backend.available)
  func commitKeepsAndRollbackUndoesTheWork(_ backend: Backend) async throws {
    try await withTable(backend, "commit_\(backend)") { db in
      let kept = try await db.begin()
      try await kept.execute("INSERT INTO t (id, note) VALUES (1, 'kept')")
      try await kept.commit()
      let undone = try await db.begin()
      try await undone.execute("INSERT INTO t (id, note) VALUES (2, 'undone')")
      #expect(try await undone.fetchValue("SELECT count(*) FROM t", as: Int.self) == 2)
      try await undone.rollback()
      #expect(try await notes(db) == ["kept"])
    }
  }

  @Test(arguments: Backend.available)
  func savepointsRollBackAndReleaseTheirOwnWork(_ backend: Backend) async throws {
    try await withTable(backend, "savepoints_\(backend)") { db in
      let recording = RecordingDatabase(db)
      let tx = try await recording.begin()
      try await tx.execute("INSERT INTO t (id, note) VALUES (1, 'a')")
      let first = try await tx.savepoint()
      try await tx.execute("INSERT INTO t (id, note) VALUES (2, 'b')")
      try await tx.rollback(to: first)
      try await tx.execute("INSERT INTO t (id, note) VALUES (3, 'c')")
      try await tx.release(first)
      let named = try await tx.savepoint("before_d")
      try await tx.execute("INSERT INTO t (id, note) VALUES (4, 'd')")
      try await tx.release(named)
      try await tx.commit()
      #expect(try await notes(db) == ["a", "c", "d"])
      let begin = backend == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
      #expect(recording.statements.map(\.text) == [
        begin, "INSERT INTO t (id, note) VALUES (1, 'a')", #"SAVEPOINT "sp_1""#,
        "INSERT INTO t (id, note) VALUES (2, 'b')", #"ROLLBACK TO SAVEPOINT "sp_1""#,
        "INSERT INTO t (id, note) VALUES (3, 'c')", #"RELEASE SAVEPOINT "sp_1""#, #"SAVEPOINT "before_d""#,
        "INSERT INTO t (id, note) VALUES (4, 'd')", #"RELEASE SAVEPOINT "before_d""#, "COMMIT",
      ])
    }
  }

  @Test(arguments: Backend.available)
  func useAfterTheEndIsAMisuseError(_ backend: Backend) async throws {
    try await withTable(backend, "after_end_\(backend)") { db in
      let tx = try await db.begin()
      try await tx.commit()
      #expect(!tx.isOpen)
      await #expect(throws: MisuseError.self) { try await tx.execute("INSERT INTO t (id, note) VALUES (1, 'x')") }
      await #expect(throws: MisuseError.self) { try await tx.commit() }
      await #expect(throws: MisuseError.self) { try await tx.rollback() }
      await #expect(throws: MisuseError.self) { try await tx.savepoint() }
      #expect(try await notes(db).isEmpty)
    }
  }

  @Test(arguments: Backend.available)
  func aDroppedOpenTransactionIsRolledBackAndItsConnectionReturned(_ backend: Backend) async throws {
    try await withTable(backend, "dropped_\(backend)") { db in
      do {
        let tx = try await db.begin()
        try await tx.execute("INSERT INTO t (id, note) VALUES (1, 'lost')")
      }
      // The connection comes back (rolled back) once the dropped transaction is cleaned up.
      let count = try await withTimeout(.seconds(5)) { try await db.fetchValue("SELECT count(*) FROM t", as: Int.self) }
      #expect(count == 0)
    }
  }

  @Test(arguments: Backend.available)
  func atomicOnAManualTransactionNestsAsASavepoint(_ backend: Backend) async throws {
    try await withTable(backend, "nested_\(backend)") { db in
      let tx = try await db.begin()
      #expect(tx.isInTransaction)
      try await tx.atomic { try await tx.execute("INSERT INTO t (id, note) VALUES (1, 'inner')") }
      await #expect(throws: DatabaseError.self) {
        try await tx.atomic {
          try await tx.execute("INSERT INTO t (id, note) VALUES (2, 'rolled back')")
          throw DatabaseError(code: .checkViolation, message: "no")
        }
      }
      try await tx.commit()
      #expect(try await notes(db) == ["inner"])
    }
  }

  @Test(arguments: Backend.available)
  func deferrableWithoutSerializableReadOnlyIsRefusedBeforeBegin(_ backend: Backend) async throws {
    try await withTable(backend, "deferrable_\(backend)") { db in
      await #expect(throws: MisuseError.self) { _ = try await db.begin(deferrable: true) }
      // The connection was never taken.
      let count = try await db.fetchValue("SELECT count(*) FROM t", as: Int.self)
      #expect(count == 0)
    }
  }
}
