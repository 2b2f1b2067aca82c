import Foundation
import Wren

/// `swift run wren-demo`: a small bird-watching log on the embedded SQLite default,
/// or on PostgreSQL with `--postgres URL` (or `DATABASE_URL`). It prints every
/// statement it runs and the rows it gets back.
@main
struct WrenDemo {
  static func main() async {
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.contains("--help") || arguments.contains("-h") {
      print(DemoOptions.usage)
      return
    }
    do {
      let options = try DemoOptions(arguments: arguments, environment: ProcessInfo.processInfo.environment)
      let database = try await options.open()
      print("Wren demo on \(options.describeTarget)\n")
      try await BirdLog(db: database.db).run()
      await database.close()
    } catch {
      print("wren-demo failed: \(error)")
      exit(1)
    }
  }
}
