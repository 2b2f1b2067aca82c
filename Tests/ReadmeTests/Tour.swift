import Foundation
import Wren

/// What the tour's callbacks call.
struct Mailer: Sendable {
  func sendWelcome(_ user: User) async {}
}

/// The tour, compiled (never run: it names a server on localhost).
func tour() async throws {
  let mailer = Mailer()
  let newUsers = [User(name: "Bo", email: "bo@example.com", age: 20)]
  let ids: [Int64] = [1, 2, 3]

  // readme-begin 2
  let db = try SQLiteDatabase(path: "app.sqlite")                 // embedded, or SQLiteDatabase.inMemory()
  let pg = try await PostgresDatabase(url: "postgres://app@localhost/app",   // a pool; anything libpq accepts
                                      pool: .init(minSize: 2, maxSize: 20, acquireTimeout: .seconds(5)))
  try await AppSchema.migrator.migrate(db)   // each migration atomic and recorded once,
  try await AppSchema.migrator.migrate(pg)   // even with several app instances starting together
  // readme-end

  // readme-begin 3
  var alice = User(name: "Alice", email: "a@example.com", age: 30)
  try await alice.insert(db)              // INSERT ... RETURNING "id": alice.id is set
  alice.age = 31
  try await alice.update(db)              // PersistenceError.notFound (naming the key) if the row is gone
  let adults = try await User.where { $0.age >= 18 && $0.name.like("A%") && $0.status == .active }
    .order { $0.name.asc() }.limit(10).fetchAll(db)
  let unknownAge = try await User.where { $0.age == nil }.count(db)
  try await User.where { $0.status == .banned }.update(db) { $0.age = nil }
  let byStatus = try await User.select { ($0.status, $0.id.count()) }.group { $0.status }.fetchAll(db)  // [(Status, Int)]
  let spent = try await Order.join(User.self) { o, u in o.userID == u.id }
    .select { o, u in (u.email, o.amount) }.fetchAll(db)
  let teammates = try await User.join(User.self, as: "peer") { u, p in u.teamID == p.teamID && u.id < p.id }
    .fetchAll(db)                         // self-join: the second "users" is aliased
  let saved = try await User.insertAll(db, newUsers)   // PostgreSQL: one array per column through unnest()
  let sql = try User.where { $0.age > 18 }.sql(.postgres)   // SELECT ... WHERE "age" > $1, binds [18]
  // readme-end
  _ = (adults, unknownAge, byStatus, spent, teammates, saved, sql)

  // readme-begin 4
  try await db.atomic {
    try await alice.insert(db)            // `db` inside the block runs in the block
    try await db.atomic {                 // SAVEPOINT "sp_1" ... RELEASE SAVEPOINT "sp_1"
      var order = Order(userID: alice.id ?? 0, amount: 12.5, placedAt: Date())
      try await order.insert(db)          // a throw in here rolls back to sp_1 only, then rethrows
    }
    try db.onCommit { [alice] in await mailer.sendWelcome(alice) }   // after the outermost COMMIT, once
  }
  try await pg.atomic(isolation: .serializable, retry: 5) {   // run again on serialization failure,
    try await alice.update(pg)                                 // deadlock or a stale cached plan
  }
  try await pg.atomic(timeout: .seconds(2)) {                  // SET LOCAL statement_timeout + a client deadline
    _ = try await User.where { $0.teamID == nil }.forUpdate().fetchAll(pg)
  }
  let tx = try await pg.begin(isolation: .repeatableRead)     // manual control: savepoint(), commit(), rollback()
  try await tx.commit()
  // readme-end

  // readme-begin 5
  let users = try await db.fetchAll(User.self, "SELECT * FROM users WHERE age > \(18)")   // \(...) is always a bind
  let total: Int64? = try await db.fetchValue("SELECT count(*) FROM users")
  try await db.execute("DROP TABLE IF EXISTS \(identifier: "scratch")")                  // a quoted identifier
  for try await row in db.stream("SELECT * FROM users") { print(row) }                  // read lazily
  // readme-end
  _ = (users, total)

  // readme-begin 6
  do {
    var copycat = User(name: "B", email: "a@example.com")
    try await copycat.insert(db)
  } catch let error as DatabaseError where error.code == .uniqueViolation {
    print(error.modelFields)              // ["email"]: the same code and fields on both backends
  }
  // readme-end

  // readme-begin 7
  let slow = try await pg.fetchAll("SELECT pg_sleep(10)", timeout: .seconds(1))   // throws .queryCanceled
  Task(executorPreference: PostgresDatabase.ioExecutor) {   // an event loop: each reply resumes its task on the
    for id in ids { _ = try await User.find(pg, id: id) }     // thread that saw it, one wake-up instead of two
  }
  await pg.close()                                            // waits for leased connections; terminate() does not
  // readme-end
  _ = slow
}
