import Logging
import Synchronization

/// Records what a `Logger` made from it logs, at every level, for tests to read.
///
/// ```swift
/// let logs = LogRecorder()
/// var options = PostgresConnectionOptions(logging: StatementLogging(logger: logs.logger))
/// ```
final class LogRecorder: Sendable {
  struct Entry: Sendable {
    let level: Logger.Level
    let message: String
    let metadata: Logger.Metadata
  }

  private let storage = Mutex<[Entry]>([])

  /// A logger at `trace` level whose records land here.
  var logger: Logger {
    Logger(label: "wren.tests") { _ in Handler(recorder: self) }
  }

  /// Everything logged so far, in order.
  var entries: [Entry] { storage.withLock { $0 } }

  /// Statement records (those carrying an `sql` metadata value) for `sql`.
  func statements(_ sql: String) -> [Entry] {
    entries.filter { $0.metadata["sql"]?.description == sql }
  }

  fileprivate func append(_ entry: Entry) { storage.withLock { $0.append(entry) } }

  private struct Handler: LogHandler {
    let recorder: LogRecorder
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
      get { metadata[key] }
      set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
      recorder.append(Entry(level: event.level, message: event.message.description,
                            metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
    }
  }
}
