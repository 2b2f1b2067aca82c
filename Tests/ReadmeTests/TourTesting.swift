import Wren

/// The service function the README's unit tests exercise.
enum Signup {
  static func run(_ db: any Database, email: String) async throws {
    var user = User(name: "New", email: email)
    try await user.insert(db)
  }
}

// readme-begin 8
import Testing
import WrenTesting

@Test(.freshDatabase(AppSchema.migrator))            // its own migrated in-memory database, per test and case
func signupStoresTheUser() async throws {
  let db = try TestDatabase.current                  // or: let db = try await TestDatabase.make(AppSchema.migrator)
  try await expectQueries(atMost: 2, on: db) { db in  // records an issue listing the statements if exceeded
    try await Signup.run(db, email: "a@example.com")
  }
  #expect(try await User.where { $0.email == "a@example.com" }.count(db) == 1)
}

enum TestSchema { static let template = SQLiteTemplate(AppSchema.migrator) }

@Test(.freshDatabase(TestSchema.template))           // migrated once per process, copied per test
func ordersStartEmpty() async throws {
  #expect(try await Order.count(try TestDatabase.current) == 0)
}
// readme-end
