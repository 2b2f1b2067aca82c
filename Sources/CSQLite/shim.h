#ifndef WREN_CSQLITE_SHIM_H
#define WREN_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift
/// cannot import; this gives Swift the same destructor value.
static inline sqlite3_destructor_type wren_sqlite_transient(void) {
  return SQLITE_TRANSIENT;
}
#endif
