import Synchronization

/// Values appended by concurrent tasks, read back by the test.
final class Recorder<Element: Sendable>: Sendable {
  private let storage = Mutex<[Element]>([])

  func append(_ element: Element) { storage.withLock { $0.append(element) } }
  var values: [Element] { storage.withLock { $0 } }
}
