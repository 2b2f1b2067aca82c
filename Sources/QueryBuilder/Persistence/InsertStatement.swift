import Model

/// `INSERT INTO t (cols) VALUES (...), (...) [ON CONFLICT ...] [RETURNING ...]`.
struct InsertStatement {
  enum Conflict {
    /// `ON CONFLICT (target) DO NOTHING`.
    case doNothing(target: [String])
    /// `ON CONFLICT (target) DO UPDATE SET col = excluded.col, ...`.
    case doUpdate(target: [String], columns: [String])
  }

  let table: String
  let columns: [String]
  var rows: [[SQLValue]]
  var conflict: Conflict?
  var returning: [String] = []

  var sql: SQL {
    var sql: SQL = "INSERT INTO \(identifier: table) "
    if columns.isEmpty {
      sql.append(unsafeRaw: "DEFAULT VALUES")
    } else {
      sql.append(unsafeRaw: "(")
      sql.append(SQL.joined(columns.map { "\(identifier: $0)" }, separator: ", "))
      sql.append(unsafeRaw: ") VALUES ")
      sql.append(SQL.joined(rows.map { row in
        "(" + SQL.joined(row.map { SQL(segments: [.bind($0)]) }, separator: ", ") + ")"
      }, separator: ", "))
    }
    switch conflict {
    case .doNothing(let target)?:
      sql.append(unsafeRaw: " ON CONFLICT (")
      sql.append(SQL.joined(target.map { "\(identifier: $0)" }, separator: ", "))
      sql.append(unsafeRaw: ") DO NOTHING")
    case .doUpdate(let target, let updated)?:
      sql.append(unsafeRaw: " ON CONFLICT (")
      sql.append(SQL.joined(target.map { "\(identifier: $0)" }, separator: ", "))
      if updated.isEmpty {
        sql.append(unsafeRaw: ") DO NOTHING")
      } else {
        sql.append(unsafeRaw: ") DO UPDATE SET ")
        sql.append(SQL.joined(updated.map { "\(identifier: $0) = excluded.\(identifier: $0)" }, separator: ", "))
      }
    case nil:
      break
    }
    if !returning.isEmpty {
      sql.append(unsafeRaw: " RETURNING ")
      sql.append(SQL.joined(returning.map { "\(identifier: $0)" }, separator: ", "))
    }
    return sql
  }
}
