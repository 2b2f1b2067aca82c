import Model

/// An open result being read row by row; backends implement it.
///
/// Not Sendable on purpose: a cursor belongs to the one task iterating it.
public protocol RowCursor: AnyObject {
  /// The next row, or nil at the end.
  func next() async throws -> Row?
  /// Stops reading early and leaves the connection clean. Called at most once;
  /// a cursor must also clean up if it is dropped without being closed.
  func close() async
}

/// The rows of a statement, read lazily as an `AsyncSequence`.
///
/// ```swift
/// for try await row in db.stream("SELECT id, name FROM big_table") {
///   print(try row["name", as: String.self])
/// }
/// ```
/// The statement runs when iteration starts; each iteration runs it anew.
public struct RowSequence: AsyncSequence, Sendable {
  /// Rows.
  public typealias Element = Row
  /// Any error the backend raises.
  public typealias Failure = any Error

  private let open: @Sendable () async throws -> any RowCursor

  /// A sequence whose iterator calls `open` on its first `next()`.
  public init(open: @escaping @Sendable () async throws -> any RowCursor) {
    self.open = open
  }

  /// Starts an iteration.
  public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(open: open) }

  /// Reads one iteration's rows; not Sendable (it owns the open cursor).
  public struct AsyncIterator: AsyncIteratorProtocol {
    private let open: @Sendable () async throws -> any RowCursor
    private var cursor: (any RowCursor)?
    private var finished = false

    init(open: @escaping @Sendable () async throws -> any RowCursor) { self.open = open }

    /// The next row, or nil at the end (and after an error).
    public mutating func next() async throws -> Row? {
      if finished { return nil }
      do {
        if cursor == nil { cursor = try await open() }
        guard let row = try await cursor?.next() else {
          finished = true
          await cursor?.close()
          cursor = nil
          return nil
        }
        return row
      } catch {
        finished = true
        await cursor?.close()
        cursor = nil
        throw error
      }
    }
  }
}

@available(*, unavailable, message: "a row sequence's iterator owns an open cursor and belongs to one task")
extension RowSequence.AsyncIterator: Sendable {}
