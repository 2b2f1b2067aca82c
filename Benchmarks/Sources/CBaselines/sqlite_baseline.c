// Raw sqlite3 baselines (S2, S3) and the SQLite seed.
//
// At their best: one prepared statement, reused with sqlite3_reset for point
// selects; a connection without SQLite's own mutexes; dates parsed by a fixed-format
// routine, as Wren parses them.

#include "bench_item.h"
#include "iso8601.h"

#include <errno.h>
#include <sqlite3.h>
#include <unistd.h>

#define BENCH_SELECT "SELECT id, name, qty, price, created_at, active, note FROM bench_items"

static sqlite3 *open_db(const char *path, int flags, char *err, size_t errlen) {
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    bench_fail(err, errlen, "open %s: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return NULL;
  }
  char *msg = NULL;
  if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", NULL, NULL, &msg) != SQLITE_OK) {
    bench_fail(err, errlen, "pragmas: %s", msg ? msg : "?");
    sqlite3_free(msg);
    sqlite3_close(db);
    return NULL;
  }
  return db;
}

static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen) {
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    int rc = bench_fail(err, errlen, "%.60s: %s", sql, msg ? msg : "?");
    sqlite3_free(msg);
    return rc;
  }
  return 0;
}

static int remove_if_present(const char *path, const char *suffix, char *err, size_t errlen) {
  char name[4096];
  if ((size_t)snprintf(name, sizeof name, "%s%s", path, suffix) >= sizeof name) {
    return bench_fail(err, errlen, "path too long");
  }
  if (unlink(name) != 0 && errno != ENOENT) return bench_fail(err, errlen, "unlink %s: %s", name, strerror(errno));
  return 0;
}

int wren_bench_sqlite_seed(const char *path, int rows, char *err, size_t errlen) {
  if (remove_if_present(path, "", err, errlen) != 0 || remove_if_present(path, "-wal", err, errlen) != 0 ||
      remove_if_present(path, "-shm", err, errlen) != 0) {
    return -1;
  }
  sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err, errlen);
  if (db == NULL) return -1;
  char insert[768];
  snprintf(insert, sizeof insert,
           "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) "
           "INSERT INTO bench_items (id, name, qty, price, created_at, active, note) "
           "SELECT i, 'item-' || i, i %% 1000, i * 0.25, "
           "strftime('%%Y-%%m-%%dT%%H:%%M:%%S', '2026-01-01 00:00:00', '+' || i || ' seconds') || '.000000Z', "
           "i %% 2 = 0, CASE WHEN i %% 3 = 0 THEN NULL ELSE 'note ' || i END FROM s",
           rows);
  const char *steps[] = {
      "CREATE TABLE bench_items ("
      " id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL,"
      " price REAL NOT NULL, created_at TEXT NOT NULL,"
      " active INTEGER NOT NULL, note TEXT NULL)",
      "BEGIN",
      insert,
      "COMMIT",
      "ANALYZE",
      "PRAGMA wal_checkpoint(TRUNCATE)",
  };
  int rc = 0;
  for (size_t i = 0; i < sizeof steps / sizeof steps[0] && rc == 0; i++) {
    rc = exec_sql(db, steps[i], err, errlen);
  }
  sqlite3_close(db);
  return rc;
}

/// Decodes the current row of `stmt` (columns in BENCH_SELECT's order).
static int decode_row(sqlite3_stmt *stmt, bench_item *item, char *err, size_t errlen) {
  if (sqlite3_column_type(stmt, 0) != SQLITE_INTEGER || sqlite3_column_type(stmt, 2) != SQLITE_INTEGER ||
      sqlite3_column_type(stmt, 3) != SQLITE_FLOAT || sqlite3_column_type(stmt, 5) != SQLITE_INTEGER) {
    return bench_fail(err, errlen, "unexpected column types");
  }
  item->id = sqlite3_column_int64(stmt, 0);
  sqlite3_int64 qty = sqlite3_column_int64(stmt, 2);
  if (qty < INT32_MIN || qty > INT32_MAX) return bench_fail(err, errlen, "qty out of range");
  item->qty = (int32_t)qty;
  item->price = sqlite3_column_double(stmt, 3);
  item->active = sqlite3_column_int64(stmt, 5) != 0;

  const unsigned char *created = sqlite3_column_text(stmt, 4);
  if (created == NULL || !parse_iso8601(created, sqlite3_column_bytes(stmt, 4), &item->created_us)) {
    return bench_fail(err, errlen, "id %lld: malformed created_at", (long long)item->id);
  }
  const unsigned char *name = sqlite3_column_text(stmt, 1);
  if (name == NULL) return bench_fail(err, errlen, "id %lld: NULL name", (long long)item->id);
  if (!bench_text_set(&item->name, (const char *)name, (size_t)sqlite3_column_bytes(stmt, 1))) {
    return bench_fail(err, errlen, "out of memory");
  }
  item->has_note = sqlite3_column_type(stmt, 6) != SQLITE_NULL;
  if (item->has_note) {
    const unsigned char *note = sqlite3_column_text(stmt, 6);
    if (note == NULL || !bench_text_set(&item->note, (const char *)note, (size_t)sqlite3_column_bytes(stmt, 6))) {
      bench_text_free(&item->name);
      return bench_fail(err, errlen, "out of memory");
    }
  } else {
    item->note.len = 0;
    item->note.heap = NULL;
    item->note.small[0] = '\0';
  }
  return 0;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql, char *err, size_t errlen) {
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK) {
    bench_fail(err, errlen, "prepare: %s", sqlite3_errmsg(db));
    return NULL;
  }
  return stmt;
}

double wren_bench_sqlite_fetch_all(const char *path, wren_bench_checksum *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE, err, errlen);
  if (db == NULL) return -1;

  double start = bench_now();
  sqlite3_stmt *stmt = prepare(db, BENCH_SELECT, err, errlen);
  if (stmt == NULL) {
    sqlite3_close(db);
    return -1;
  }
  bench_items items = {0};
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    bench_item *item = bench_items_append(&items);
    if (item == NULL || decode_row(stmt, item, err, errlen) != 0) {
      if (item == NULL) bench_fail(err, errlen, "out of memory");
      else items.count--;
      goto fail;
    }
  }
  if (rc != SQLITE_DONE) {
    bench_fail(err, errlen, "step: %s", sqlite3_errmsg(db));
    goto fail;
  }
  sqlite3_finalize(stmt);
  double elapsed = bench_now() - start;

  bench_items_checksum(&items, out);
  bench_items_free(&items);
  sqlite3_close(db);
  return elapsed;

fail:
  bench_items_free(&items);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return -1;
}

double wren_bench_sqlite_point(const char *path, int n, int table_rows,
                               wren_bench_checksum *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  if (n < 0 || table_rows <= 0) return bench_fail(err, errlen, "bad arguments");
  sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE, err, errlen);
  if (db == NULL) return -1;

  double start = bench_now();
  sqlite3_stmt *stmt = prepare(db, BENCH_SELECT " WHERE id = ?1", err, errlen);
  if (stmt == NULL) {
    sqlite3_close(db);
    return -1;
  }
  for (int k = 0; k < n; k++) {
    sqlite3_int64 id = k % table_rows + 1;
    bench_item item;
    if (sqlite3_bind_int64(stmt, 1, id) != SQLITE_OK) {
      bench_fail(err, errlen, "bind: %s", sqlite3_errmsg(db));
      goto fail;
    }
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
      bench_fail(err, errlen, "id %lld: %s", (long long)id, rc == SQLITE_DONE ? "no row" : sqlite3_errmsg(db));
      goto fail;
    }
    if (decode_row(stmt, &item, err, errlen) != 0) goto fail;
    bench_checksum_add(out, &item);
    bench_item_free(&item);
    // A primary-key lookup has one row: reset without stepping to SQLITE_DONE.
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
  double elapsed = bench_now() - start;
  sqlite3_close(db);
  return elapsed;

fail:
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return -1;
}
