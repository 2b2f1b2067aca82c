#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import QueryBuilder
import Testing

// Join closures take one parameter per model; with several models and operators the
// type checker needs help, so the joins are built in steps with their types spelled out.

extension DifferentialQuery {
  static let ordersWithUsers: Join<Order, User> = Order.join(User.self) { o, u in o.userID == u.id }
  static let ordersWithUsersAndTeams: Join<Order, User, Team> =
    ordersWithUsers.join(Team.self) { _, u, t in u.teamID == t.id }

  /// Inner joins of two, three and four models, LEFT JOINs with `orNull`, into
  /// projections and into tuples of models.
  static let joins: [DifferentialQuery] = {
    var q: [DifferentialQuery] = []
    q.append(DifferentialQuery("join 2: projection with filters on both sides") { db in
      let filtered = ordersWithUsers.where { _, u in u.age > 60 }.where { o, _ in o.amount > 0 }
        .order { o, _ in o.id.asc() }
      let selected: JoinProjection<Int64, Int, String, String, Decimal?> = filtered.select { o, u in
        (o.id, o.amount, u.name, u.email, u.balance)
      }
      return tuples(try await selected.fetchAll(db))
    })
    q.append(DifferentialQuery("join 2: into models") { db in
      let filtered = ordersWithUsers.where { o, _ in o.tagID == nil }.order { o, u in [u.name.asc(), o.id.asc()] }
      return tuples(try await filtered.fetchAll(db))
    })
    q.append(DifferentialQuery("join 2: limit and offset") { db in
      let joined: Join<User, Team> = User.join(Team.self) { u, t in u.teamID == t.id }
      let page = joined.order { u, t in [t.name.asc(), u.id.desc()] }.offset(15).limit(40)
      return tuples(try await page.fetchAll(db))
    })
    q.append(DifferentialQuery("join 3: orders, users, teams") { db in
      let filtered = ordersWithUsersAndTeams.where { _, _, t in t.region != nil }.order { o, _, _ in o.id.asc() }
      let selected: JoinProjection<Int64, String, String, String?, Int> = filtered.select { o, u, t in
        (o.id, u.name, t.name, t.region, o.amount * 2)
      }
      return tuples(try await selected.fetchAll(db))
    })
    q.append(DifferentialQuery("join 4: into models") { db in
      let joined: Join<Order, User, Team, Tag> = ordersWithUsersAndTeams.join(Tag.self) { o, _, _, g in o.tagID == g.id }
      let filtered = joined
        .where { _, _, _, g in g.rank > 0 }
        .where { _, _, t, _ in t.budget > 0 }
        .where { _, u, _, _ in u.isAdmin == false }
        .where { o, _, _, _ in o.shipped == true }
        .order { o, _, _, _ in o.id.asc() }
      return tuples(try await filtered.fetchAll(db))
    })
    q.append(DifferentialQuery("join with distinct") { db in
      let ordered = ordersWithUsers.order { o, u in [u.status.asc(), o.priority.asc()] }
      let selected: JoinProjection<Membership, Priority> = ordered.select { o, u in (u.status, o.priority) }
      return tuples(try await selected.distinct().fetchAll(db))
    })
    q.append(DifferentialQuery("left join: orNull projection") { db in
      let joined: LeftJoin<User, Team> = User.leftJoin(Team.self) { u, t in u.teamID == t.id }
      let selected: JoinProjection<Int64, String, String?, Double?, String?> = joined.order { u, _ in u.id.asc() }
        .select { u, t in (u.id, u.name, t.name.orNull, t.budget.orNull, t.region) }
      return tuples(try await selected.fetchAll(db))
    })
    q.append(DifferentialQuery("left join: into optional models") { db in
      let joined: LeftJoin<Order, Tag> = Order.leftJoin(Tag.self) { o, g in o.tagID == g.id }
      return tuples(try await joined.order { o, _ in o.id.asc() }.fetchAll(db))
    })
    q.append(DifferentialQuery("left join: rows without a match") { db in
      let joined: LeftJoin<User, Order> = User.leftJoin(Order.self) { u, o in o.userID == u.id }
      let selected: JoinProjection<Int64, String> = joined.where { _, o in o.id.orNull == nil }
        .order { u, _ in u.id.asc() }
        .select { u, _ in (u.id, u.name) }
      return tuples(try await selected.fetchAll(db))
    })
    q.append(DifferentialQuery("join then left join") { db in
      let joined: LeftJoin<Order, User, Team> = ordersWithUsers.leftJoin(Team.self) { _, u, t in u.teamID == t.id }
      let selected: JoinProjection<Int64, Int64, String?> = joined.where { o, _, _ in o.amount < 0 }
        .order { o, _, _ in o.id.asc() }
        .select { o, u, t in (o.id, u.id, t.name.orNull) }
      return tuples(try await selected.fetchAll(db))
    })
    q.append(DifferentialQuery("self-join: pairs of users in one team") { db in
      let pairs: Join<User, User> = User.join(User.self) { u, peer in u.teamID == peer.teamID && u.id < peer.id }
      let selected: JoinProjection<Int64, Int64, Int?> = pairs.where { u, _ in u.id < 40 }
        .order { u, peer in [u.id.asc(), peer.id.asc()] }
        .select { u, peer in (u.id, peer.id, peer.age) }
      return tuples(try await selected.fetchAll(db))
    })
    q.append(DifferentialQuery("self-join: named alias, into models") { db in
      let pairs: Join<User, User> = User.join(User.self, as: "elder") { u, e in u.teamID == e.teamID && e.age > u.age }
      let ordered = pairs.where { u, _ in u.id < 25 }.order { u, e in [u.id.asc(), e.id.asc()] }.limit(30)
      return tuples(try await ordered.fetchAll(db))
    })
    q.append(DifferentialQuery("aliased correlated subquery over the same table") { db in
      let users = User.where { u in
        User.aliased("older").where { $0.teamID == u.teamID && $0.age > u.age }.existsExpression
      }
      return tuples(try await users.order { $0.id.asc() }.select { ($0.id, $0.name) }.fetchAll(db))
    })
    q.append(DifferentialQuery("join: group and having") { db in
      let grouped = ordersWithUsers.group { _, u in u.status }.having { o, _ in o.id.count() > 3 }
      let selected: JoinProjection<Membership, Int, Int?> = grouped.order { _, u in u.status.asc() }
        .select { o, u in (u.status, o.id.count(), o.amount.max()) }
      return tuples(try await selected.fetchAll(db))
    })
    return q
  }()
}
