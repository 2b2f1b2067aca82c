// The row checksum both baselines and wren-bench's Swift side compute, and the
// library versions for the report's title.

#include "CBaselines.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>

uint64_t wren_bench_fnv1a(const uint8_t *bytes, size_t len) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (size_t i = 0; i < len; i++) {
    h ^= bytes[i];
    h *= UINT64_C(0x100000001b3);
  }
  return h;
}

const char *wren_bench_library_versions(void) {
  static char text[96];
  int pq = PQlibVersion();  // e.g. 150018 for 15.18
  snprintf(text, sizeof text, "libpq %d.%d, SQLite %s", pq / 10000, pq % 10000, sqlite3_libversion());
  return text;
}
