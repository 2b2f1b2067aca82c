// wren-migration-probe URL SCHEMA START_AT_MS
//
// Opens a pool on URL with `search_path` set to SCHEMA, waits until the wall clock
// reaches START_AT_MS (milliseconds since 1970), so that several probes start their
// migrations together, then migrates RaceMigrations on the pool. Prints one line per
// migration it applied (`applied ID`) and exits 0, or prints the error and exits 1.
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif
import PGBackend
import RaceMigrations
import QueryBuilder

let arguments = CommandLine.arguments
guard arguments.count == 4, let startAt = Double(arguments[3]) else {
  print("usage: wren-migration-probe URL SCHEMA START_AT_MS")
  exit(2)
}
do {
  let pool = try await PostgresDatabase(url: arguments[1], pool: PoolOptions(
    minSize: 1, maxSize: 2, acquireTimeout: .seconds(30),
    serverSettings: ["search_path": SQLDialect.postgres.quoteIdentifier(arguments[2]),
                     "client_min_messages": "warning"]))
  let wait = startAt / 1000 - Date().timeIntervalSince1970
  if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
  let applied = try await RaceMigrations.migrator.migrate(pool)
  for id in applied { print("applied \(id)") }
  await pool.close()
} catch {
  print("error \(error)")
  exit(1)
}
