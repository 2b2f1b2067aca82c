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
#endif
