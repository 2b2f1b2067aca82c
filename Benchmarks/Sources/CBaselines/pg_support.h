#ifndef WREN_BENCH_PG_SUPPORT_H
#define WREN_BENCH_PG_SUPPORT_H

// What the libpq baselines share: connecting, running a command, network byte
// order. Internal to CBaselines.

#include "bench_item.h"

#include <libpq-fe.h>

#define OID_INT8 20

/// The seven columns, in the order Wren decodes them.
#define BENCH_COLUMNS "id, name, qty, price, created_at, active, note"

/// Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.
#define PG_EPOCH_UNIX_US INT64_C(946684800000000)

static inline PGconn *connect_db(const char *conninfo, char *err, size_t errlen) {
  PGconn *conn = PQconnectdb(conninfo);
  if (conn == NULL) {
    bench_fail(err, errlen, "PQconnectdb: out of memory");
    return NULL;
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    bench_fail(err, errlen, "connect: %s", PQerrorMessage(conn));
    PQfinish(conn);
    return NULL;
  }
  return conn;
}

/// Runs a statement without results; on failure writes the error and returns -1.
static inline int exec_command(PGconn *conn, const char *sql, char *err, size_t errlen) {
  PGresult *res = PQexec(conn, sql);
  ExecStatusType status = PQresultStatus(res);
  int rc = 0;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    rc = bench_fail(err, errlen, "%.60s...: %s", sql, PQerrorMessage(conn));
  }
  PQclear(res);
  return rc;
}

// Network byte order by shifts (portable; compilers turn these into bswap).
static inline int64_t read_be64(const char *p) {
  const unsigned char *b = (const unsigned char *)p;
  return (int64_t)(((uint64_t)b[0] << 56) | ((uint64_t)b[1] << 48) | ((uint64_t)b[2] << 40) |
                   ((uint64_t)b[3] << 32) | ((uint64_t)b[4] << 24) | ((uint64_t)b[5] << 16) |
                   ((uint64_t)b[6] << 8) | (uint64_t)b[7]);
}

static inline int32_t read_be32(const char *p) {
  const unsigned char *b = (const unsigned char *)p;
  return (int32_t)(((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | (uint32_t)b[3]);
}

static inline void write_be64(unsigned char *p, uint64_t v) {
  for (int i = 7; i >= 0; i--, v >>= 8) p[i] = (unsigned char)v;
}

static inline void write_be32(unsigned char *p, uint32_t v) {
  for (int i = 3; i >= 0; i--, v >>= 8) p[i] = (unsigned char)v;
}

/// Seeds rows 1..n, connects, and times `load(conn, items, n)`: the shape of the
/// bulk-load baselines (P3, P4), where building the rows is not timed. Returns the
/// elapsed seconds, or -1 with `err` written.
static inline double bench_time_load(const char *conninfo, int n,
                                     int (*load)(PGconn *, const bench_item *, int, char *, size_t),
                                     char *err, size_t errlen) {
  if (n <= 0) return bench_fail(err, errlen, "bad arguments");
  bench_items items = {0};
  if (!bench_items_reserve(&items, (size_t)n)) return bench_fail(err, errlen, "out of memory");
  for (int k = 0; k < n; k++) {
    if (!bench_item_seed(k + 1, &items.items[k])) {
      bench_items_free(&items);
      return bench_fail(err, errlen, "out of memory");
    }
    items.count++;
  }
  PGconn *conn = connect_db(conninfo, err, errlen);
  if (conn == NULL) {
    bench_items_free(&items);
    return -1;
  }

  double start = bench_now();
  int rc = load(conn, items.items, n, err, errlen);
  double elapsed = bench_now() - start;

  PQfinish(conn);
  bench_items_free(&items);
  return rc == 0 ? elapsed : -1;
}

#endif
