// Raw sqlite3 running T1's unit test with the SQL Wren runs: a fresh in-memory
// database, three tables, ten inserts, five queries, close. For orientation: how much
// of T1 is SQLite itself.
//
// The statement texts come from wren-bench, which records them from Wren's own run of
// the test (so DDL or rendering changes in Wren reach this row too); the values bound
// and the decoding are this file's. At its best: each statement prepared once per
// database and reused (as Wren's statement cache does), text bound without copying,
// rows decoded into structs.

#include "bench_item.h"
#include "iso8601.h"

#include <sqlite3.h>

/// The distinct statements of one test, in the order they first run.
enum {
  UNIT_DDL_USERS, UNIT_DDL_POSTS, UNIT_DDL_COMMENTS,
  UNIT_INSERT_USER, UNIT_INSERT_POST, UNIT_INSERT_COMMENT,
  UNIT_POINT, UNIT_LIST, UNIT_COUNT, UNIT_UPDATE, UNIT_DELETE,
  UNIT_STATEMENTS
};

/// How many times in a row each statement runs: 3 users, 4 posts, 3 comments.
static const int unit_runs[UNIT_STATEMENTS] = {1, 1, 1, 3, 4, 3, 1, 1, 1, 1, 1};

int wren_bench_sqlite_test_unit_runs(int index) {
  return index >= 0 && index < UNIT_STATEMENTS ? unit_runs[index] : -1;
}

/// The fixtures' timestamps, k seconds after 2026-01-01, as Wren writes them.
static const char *const unit_dates[] = {
    "", "2026-01-01T00:00:01.000000Z", "2026-01-01T00:00:02.000000Z",
    "2026-01-01T00:00:03.000000Z", "2026-01-01T00:00:04.000000Z",
};

typedef struct unit_user {
  int64_t id;
  bench_text name;
  bench_text email;
  int64_t created_us;
} unit_user;

typedef struct unit_post {
  int64_t id;
  int64_t user_id;
  bench_text title;
  bench_text body;
  bool published;
  int64_t created_us;
} unit_post;

/// One test's database and its prepared statements (NULL until prepared).
typedef struct unit_db {
  const char *const *sql;
  sqlite3 *db;
  sqlite3_stmt *stmt[UNIT_STATEMENTS];
  char *err;
  size_t errlen;
} unit_db;

static int unit_fail(unit_db *u, const char *what) {
  return bench_fail(u->err, u->errlen, "%s: %s", what, u->db ? sqlite3_errmsg(u->db) : "out of memory");
}

static sqlite3_stmt *unit_stmt(unit_db *u, int which) {
  if (u->stmt[which] == NULL &&
      sqlite3_prepare_v3(u->db, u->sql[which], -1, SQLITE_PREPARE_PERSISTENT, &u->stmt[which], NULL) != SQLITE_OK) {
    unit_fail(u, "prepare");
    return NULL;
  }
  return u->stmt[which];
}

static int bind_text(sqlite3_stmt *stmt, int index, const char *text) {
  return sqlite3_bind_text(stmt, index, text, -1, SQLITE_STATIC);
}

/// Runs a statement that returns one id (INSERT ... RETURNING) and resets it.
static int insert_returning(unit_db *u, sqlite3_stmt *stmt, int64_t *id) {
  if (sqlite3_step(stmt) != SQLITE_ROW) {
    sqlite3_reset(stmt);
    return unit_fail(u, "insert");
  }
  *id = sqlite3_column_int64(stmt, 0);
  return sqlite3_reset(stmt) == SQLITE_OK ? 0 : unit_fail(u, "insert");
}

/// Runs a statement without rows and returns the rows it changed, or -1.
static int run_changes(unit_db *u, sqlite3_stmt *stmt) {
  int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  return rc == SQLITE_DONE ? sqlite3_changes(u->db) : unit_fail(u, "step");
}

static bool column_text(sqlite3_stmt *stmt, int column, bench_text *out) {
  const unsigned char *text = sqlite3_column_text(stmt, column);
  return text != NULL && bench_text_set(out, (const char *)text, (size_t)sqlite3_column_bytes(stmt, column));
}

static bool column_date(sqlite3_stmt *stmt, int column, int64_t *out) {
  const unsigned char *text = sqlite3_column_text(stmt, column);
  return text != NULL && parse_iso8601(text, sqlite3_column_bytes(stmt, column), out);
}

static bool decode_user(sqlite3_stmt *stmt, unit_user *user) {
  user->id = sqlite3_column_int64(stmt, 0);
  if (!column_text(stmt, 1, &user->name)) return false;
  if (!column_text(stmt, 2, &user->email) || !column_date(stmt, 3, &user->created_us)) {
    bench_text_free(&user->name);
    return false;
  }
  return true;
}

static bool decode_post(sqlite3_stmt *stmt, unit_post *post) {
  post->id = sqlite3_column_int64(stmt, 0);
  post->user_id = sqlite3_column_int64(stmt, 1);
  post->published = sqlite3_column_int64(stmt, 4) != 0;
  if (!column_text(stmt, 2, &post->title)) return false;
  if (!column_text(stmt, 3, &post->body) || !column_date(stmt, 5, &post->created_us)) {
    bench_text_free(&post->title);
    return false;
  }
  return true;
}

/// Inserts the fixtures (ids into the arrays) as T1's Swift side does.
static int insert_fixtures(unit_db *u, int64_t users[3], int64_t posts[4], int64_t comments[3]) {
  static const char *const names[] = {"user-1", "user-2", "user-3"};
  static const char *const emails[] = {"user-1@example.com", "user-2@example.com", "user-3@example.com"};
  static const char *const titles[] = {"post-1", "post-2", "post-3", "post-4"};
  static const char *const bodies[] = {"body of post 1", "body of post 2", "body of post 3", "body of post 4"};
  static const int authors[] = {0, 0, 1, 0};
  static const char *const notes[] = {"comment 1", "comment 2", "comment 3"};
  static const int targets[] = {0, 0, 2};

  sqlite3_stmt *stmt = unit_stmt(u, UNIT_INSERT_USER);
  for (int k = 0; k < 3; k++) {
    if (stmt == NULL || bind_text(stmt, 1, names[k]) || bind_text(stmt, 2, emails[k]) ||
        bind_text(stmt, 3, unit_dates[k + 1]) || insert_returning(u, stmt, &users[k]) != 0) {
      return -1;
    }
  }
  stmt = unit_stmt(u, UNIT_INSERT_POST);
  for (int k = 0; k < 4; k++) {
    if (stmt == NULL || sqlite3_bind_int64(stmt, 1, users[authors[k]]) || bind_text(stmt, 2, titles[k]) ||
        bind_text(stmt, 3, bodies[k]) || sqlite3_bind_int64(stmt, 4, k != 1) ||
        bind_text(stmt, 5, unit_dates[k + 1]) || insert_returning(u, stmt, &posts[k]) != 0) {
      return -1;
    }
  }
  stmt = unit_stmt(u, UNIT_INSERT_COMMENT);
  for (int k = 0; k < 3; k++) {
    if (stmt == NULL || sqlite3_bind_int64(stmt, 1, posts[targets[k]]) || bind_text(stmt, 2, notes[k]) ||
        bind_text(stmt, 3, unit_dates[k + 1]) || insert_returning(u, stmt, &comments[k]) != 0) {
      return -1;
    }
  }
  return 0;
}

/// The five queries; folds their answers into `out` as TestUnitAnswers.add(to:) does.
static int run_queries(unit_db *u, const int64_t users[3], const int64_t posts[4], const int64_t comments[3],
                       wren_bench_checksum *out) {
  sqlite3_stmt *stmt = unit_stmt(u, UNIT_POINT);
  if (stmt == NULL || sqlite3_bind_int64(stmt, 1, users[1])) return unit_fail(u, "point");
  unit_user user;
  if (sqlite3_step(stmt) != SQLITE_ROW || !decode_user(stmt, &user)) {
    sqlite3_reset(stmt);
    return unit_fail(u, "point");
  }
  sqlite3_reset(stmt);
  int64_t ids = user.id;
  uint64_t name_hash = wren_bench_fnv1a((const uint8_t *)bench_text_bytes(&user.name), user.name.len);
  bench_text_free(&user.name);
  bench_text_free(&user.email);

  stmt = unit_stmt(u, UNIT_LIST);
  if (stmt == NULL || sqlite3_bind_int64(stmt, 1, users[0]) || sqlite3_bind_int64(stmt, 2, 1)) {
    return unit_fail(u, "list");
  }
  unit_post list[4];
  int found = 0, rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && found < 4 && decode_post(stmt, &list[found])) found++;
  sqlite3_reset(stmt);
  for (int k = 0; k < found; k++) {
    ids += (k + 1) * list[k].id;
    bench_text_free(&list[k].title);
    bench_text_free(&list[k].body);
  }
  if (rc != SQLITE_DONE) return unit_fail(u, "list");

  stmt = unit_stmt(u, UNIT_COUNT);
  if (stmt == NULL || sqlite3_bind_int64(stmt, 1, posts[0]) || sqlite3_step(stmt) != SQLITE_ROW) {
    if (stmt) sqlite3_reset(stmt);
    return unit_fail(u, "count");
  }
  int64_t count = sqlite3_column_int64(stmt, 0);
  sqlite3_reset(stmt);

  stmt = unit_stmt(u, UNIT_UPDATE);
  if (stmt == NULL || bind_text(stmt, 1, "edited") || sqlite3_bind_int64(stmt, 2, posts[0])) return unit_fail(u, "update");
  int updated = run_changes(u, stmt);
  stmt = unit_stmt(u, UNIT_DELETE);
  if (stmt == NULL || sqlite3_bind_int64(stmt, 1, comments[2])) return unit_fail(u, "delete");
  int deleted = run_changes(u, stmt);
  if (updated < 0 || deleted < 0) return -1;

  out->rows += 1;
  out->sum_id += ids;
  out->sum_qty += 100 * count + 10 * updated + deleted;
  out->text_hash += name_hash;
  return 0;
}

/// Replaces the new database's contents with a copy of `image` (as Wren's
/// SQLiteDatabase.inMemory(copying:) does, 32 KB of headroom included) and reads the schema.
static int load_image(unit_db *u, const unsigned char *image, sqlite3_int64 size) {
  sqlite3_int64 capacity = size + 32 * 1024;
  unsigned char *copy = sqlite3_malloc64((sqlite3_uint64)capacity);
  if (copy == NULL) return unit_fail(u, "image");
  memcpy(copy, image, (size_t)size);
  if (sqlite3_deserialize(u->db, "main", copy, size, capacity,
                          SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK ||
      sqlite3_exec(u->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK) {
    return unit_fail(u, "deserialize");
  }
  return 0;
}

/// One test: open, create (or load `image` when it is not NULL), insert, query, close.
static int unit_iteration(const char *const *sql, const unsigned char *image, sqlite3_int64 image_size,
                          wren_bench_checksum *out, char *err, size_t errlen) {
  unit_db u = {.sql = sql, .err = err, .errlen = errlen};
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (sqlite3_open_v2(":memory:", &u.db, flags, NULL) != SQLITE_OK) {
    unit_fail(&u, "open");
    sqlite3_close(u.db);
    return -1;
  }
  int rc = 0;
  // Wren's pragmas for every connection (foreign keys, case-sensitive LIKE).
  if (sqlite3_exec(u.db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec(u.db, "PRAGMA case_sensitive_like = ON", NULL, NULL, NULL) != SQLITE_OK) {
    rc = unit_fail(&u, "pragma");
  }
  if (image != NULL && rc == 0) rc = load_image(&u, image, image_size);
  for (int s = UNIT_DDL_USERS; s <= UNIT_DDL_COMMENTS && rc == 0 && image == NULL; s++) {
    sqlite3_stmt *ddl = unit_stmt(&u, s);
    if (ddl == NULL || run_changes(&u, ddl) < 0) rc = -1;
  }
  int64_t users[3], posts[4], comments[3];
  if (rc == 0) rc = insert_fixtures(&u, users, posts, comments);
  if (rc == 0) rc = run_queries(&u, users, posts, comments, out);
  for (int s = 0; s < UNIT_STATEMENTS; s++) sqlite3_finalize(u.stmt[s]);
  sqlite3_close(u.db);
  return rc;
}

double wren_bench_sqlite_test_unit(const char *const *sql, int count, int iterations, wren_bench_checksum *out,
                                   char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  if (iterations < 0 || count != UNIT_STATEMENTS) {
    return bench_fail(err, errlen, "bad arguments: %d statements, expected %d", count, UNIT_STATEMENTS);
  }
  for (int s = 0; s < count; s++) {
    if (sql[s] == NULL) return bench_fail(err, errlen, "statement %d missing", s);
  }
  double start = bench_now();
  for (int i = 0; i < iterations; i++) {
    if (unit_iteration(sql, NULL, 0, out, err, errlen) != 0) return -1;
  }
  return bench_now() - start;
}

double wren_bench_sqlite_test_unit_image(const char *const *sql, int count, const unsigned char *image,
                                         long long image_size, int iterations, wren_bench_checksum *out,
                                         char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  if (iterations < 0 || count != UNIT_STATEMENTS || image == NULL || image_size <= 0) {
    return bench_fail(err, errlen, "bad arguments");
  }
  for (int s = 0; s < count; s++) {
    if (sql[s] == NULL) return bench_fail(err, errlen, "statement %d missing", s);
  }
  double start = bench_now();
  for (int i = 0; i < iterations; i++) {
    if (unit_iteration(sql, image, (sqlite3_int64)image_size, out, err, errlen) != 0) return -1;
  }
  return bench_now() - start;
}
