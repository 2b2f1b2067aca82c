#ifndef WREN_CSQLITE_SHIM_H
#define WREN_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift
/// cannot import; this gives Swift the same destructor value.
static inline sqlite3_destructor_type wren_sqlite_transient(void) {
  return SQLITE_TRANSIENT;
}

/// Turns off SQLite's process-wide memory statistics (a mutex around every
/// allocation). Only possible before SQLite initialises; returns SQLITE_MISUSE after,
/// which leaves things as they were. sqlite3_config is variadic: Swift cannot call it.
static inline int wren_sqlite_disable_memstatus(void) {
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/// Enforces foreign keys on `db` without parsing a PRAGMA (sqlite3_db_config is variadic).
static inline int wren_sqlite_enable_foreign_keys(sqlite3 *db) {
  int enabled = 0;
  int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, &enabled);
  return rc == SQLITE_OK && enabled != 1 ? SQLITE_ERROR : rc;
}

/// Sets `*changed` when a statement compiled on the connection does more than read
/// or write rows and run transactions: schema changes, pragmas (but `query_only`,
/// which read-only transactions set and reset), ATTACH / DETACH and the like. Never
/// refuses anything.
static int wren_sqlite_note_session_changes(void *changed, int action, const char *a, const char *b,
                                            const char *c, const char *d) {
  (void)b; (void)c; (void)d;
  switch (action) {
  case SQLITE_SELECT: case SQLITE_READ: case SQLITE_INSERT: case SQLITE_UPDATE: case SQLITE_DELETE:
  case SQLITE_FUNCTION: case SQLITE_TRANSACTION: case SQLITE_SAVEPOINT: case SQLITE_RECURSIVE:
    break;
  case SQLITE_PRAGMA:
    if (a != 0 && sqlite3_stricmp(a, "query_only") == 0) break;
    *(int *)changed = 1;
    break;
  default:
    *(int *)changed = 1;
  }
  return SQLITE_OK;
}

/// Installs `wren_sqlite_note_session_changes` with `changed` as its flag.
static inline int wren_sqlite_watch_session_changes(sqlite3 *db, int *changed) {
  return sqlite3_set_authorizer(db, wren_sqlite_note_session_changes, changed);
}
#endif
