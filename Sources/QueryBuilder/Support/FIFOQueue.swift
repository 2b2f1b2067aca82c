/// A first-in, first-out queue on an array: `popFirst` is O(1) (a moving head), and
/// the storage is compacted once the taken elements outnumber the waiting ones, so a
/// queue that never quite empties does not grow without end.
package struct FIFOQueue<Element> {
  private var elements: [Element] = []
  private var head = 0

  /// An empty queue.
  package init() {}

  /// Whether nothing is queued.
  package var isEmpty: Bool { head == elements.count }

  /// Queues `element` last.
  package mutating func append(_ element: Element) { elements.append(element) }

  /// Takes the first element, if any.
  package mutating func popFirst() -> Element? {
    guard head < elements.count else { return nil }
    let element = elements[head]
    head += 1
    if head == elements.count {
      elements.removeAll(keepingCapacity: true)
      head = 0
    } else if head > 64, head * 2 > elements.count {
      elements.removeFirst(head)
      head = 0
    }
    return element
  }

  /// Takes out the first element that matches, wherever it is in the line.
  package mutating func remove(firstWhere matches: (Element) -> Bool) -> Element? {
    guard let index = elements[head...].firstIndex(where: matches) else { return nil }
    return elements.remove(at: index)
  }
}

extension FIFOQueue: Sendable where Element: Sendable {}
