#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Model

// The three tables of T1's typical unit test: users, their posts, comments on posts.

@Model(table: "users")
struct UnitUser {
  @ID var id: Int64?
  var name: String
  @Unique var email: String
  var createdAt: Date

  /// User `k` of the test's fixtures.
  static func fixture(_ k: Int) -> UnitUser {
    UnitUser(name: "user-\(k)", email: "user-\(k)@example.com", createdAt: TestUnit.date(k))
  }
}

@Model(table: "posts")
struct UnitPost {
  @ID var id: Int64?
  @References(UnitUser.self, onDelete: .cascade) var userID: Int64
  var title: String
  var body: String
  var published: Bool
  var createdAt: Date

  /// Post `k` of the test's fixtures, by `userID`; post 2 is a draft.
  static func fixture(_ k: Int, userID: Int64) -> UnitPost {
    UnitPost(userID: userID, title: "post-\(k)", body: "body of post \(k)", published: k != 2,
             createdAt: TestUnit.date(k))
  }
}

@Model(table: "comments")
struct UnitComment {
  @ID var id: Int64?
  @References(UnitPost.self, onDelete: .cascade) var postID: Int64
  var body: String
  var createdAt: Date

  /// Comment `k` of the test's fixtures, on `postID`.
  static func fixture(_ k: Int, postID: Int64) -> UnitComment {
    UnitComment(postID: postID, body: "comment \(k)", createdAt: TestUnit.date(k))
  }
}

/// What one T1 iteration's five queries returned, folded into a ``Checksum`` the way
/// the C row folds its own (`wren_bench_sqlite_test_unit`), so the runner checks it
/// like any workload's rows.
struct TestUnitAnswers: Sendable {
  /// The point select's user.
  var pointID: Int64
  var pointName: String
  /// The filtered list's post ids, in the order returned.
  var listIDs: [Int64]
  var count: Int
  var updated: Int
  var deleted: Int

  /// What a correct iteration returns: user 2; user 1's published posts newest
  /// first (4, 1: post 2 is a draft); 2 comments on post 1; 1 post retitled; 1 comment deleted.
  static let expected = TestUnitAnswers(pointID: 2, pointName: "user-2", listIDs: [4, 1], count: 2,
                                        updated: 1, deleted: 1)

  /// Adds one iteration: rows += 1, Σid += point id + Σ position × list id (so the order
  /// counts), Σqty += 100 count + 10 updated + deleted, text hash += fnv1a(name).
  func add(to checksum: inout Checksum) {
    checksum.rows += 1
    var ids = pointID
    for (position, id) in listIDs.enumerated() { ids &+= Int64(position + 1) &* id }
    checksum.sumID &+= ids
    checksum.sumQty &+= Int64(100 * count + 10 * updated + deleted)
    checksum.textHash &+= Checksum.fnv1a(pointName)
  }

  /// The checksum of `iterations` correct iterations.
  static func checksum(iterations: Int) -> Checksum {
    var checksum = Checksum()
    for _ in 0..<iterations { expected.add(to: &checksum) }
    return checksum
  }
}
