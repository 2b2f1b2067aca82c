// Raw libpq baselines (P1, P2), the Postgres seed and P3's table handling.
//
// At their best: a prepared statement with a binary int8 parameter, binary results
// read straight out of the PGresult, no per-row allocation for short text.

#include "pg_support.h"

int wren_bench_pg_seed(const char *conninfo, int rows, char *err, size_t errlen) {
  PGconn *conn = connect_db(conninfo, err, errlen);
  if (conn == NULL) return -1;
  char insert[640];
  snprintf(insert, sizeof insert,
           "INSERT INTO bench_items (" BENCH_COLUMNS ") "
           "SELECT i, 'item-' || i, i %% 1000, i * 0.25, "
           "timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second', "
           "i %% 2 = 0, CASE WHEN i %% 3 = 0 THEN NULL ELSE 'note ' || i END "
           "FROM generate_series(1, %d) AS i",
           rows);
  const char *steps[] = {
      "SET client_min_messages = warning",
      "DROP TABLE IF EXISTS bench_items",
      "CREATE TABLE bench_items ("
      " id bigserial PRIMARY KEY, name text NOT NULL, qty int4 NOT NULL,"
      " price float8 NOT NULL, created_at timestamptz NOT NULL,"
      " active bool NOT NULL, note text NULL)",
      insert,
      "SELECT setval(pg_get_serial_sequence('bench_items', 'id'), (SELECT max(id) FROM bench_items))",
      "VACUUM ANALYZE bench_items",
      "DROP TABLE IF EXISTS bench_ins",
      "CREATE TABLE bench_ins ("
      " id int8 PRIMARY KEY, name text NOT NULL, qty int4 NOT NULL,"
      " price float8 NOT NULL, created_at timestamptz NOT NULL,"
      " active bool NOT NULL, note text NULL)",
      "DROP TABLE IF EXISTS bench_tx",
      "CREATE TABLE bench_tx (id int8 PRIMARY KEY, name text NOT NULL, qty int4 NOT NULL)",
  };
  int rc = 0;
  for (size_t i = 0; i < sizeof steps / sizeof steps[0] && rc == 0; i++) {
    rc = exec_command(conn, steps[i], err, errlen);
  }
  PQfinish(conn);
  return rc;
}

/// Checks once per result that the columns are the seven binary ones expected, so
/// that the per-row decoding can trust the widths.
static int check_shape(const PGresult *res, char *err, size_t errlen) {
  static const Oid types[7] = {20, 25, 23, 701, 1184, 16, 25};
  if (PQnfields(res) != 7) return bench_fail(err, errlen, "expected 7 columns, got %d", PQnfields(res));
  for (int c = 0; c < 7; c++) {
    if (PQftype(res, c) != types[c] || PQfformat(res, c) != 1) {
      return bench_fail(err, errlen, "column %d: type %u format %d, expected type %u binary",
                        c, PQftype(res, c), PQfformat(res, c), types[c]);
    }
  }
  return 0;
}

/// Decodes row `r` of a binary result into `item`; -1 on a malformed value.
static int decode_row(const PGresult *res, int r, bench_item *item, char *err, size_t errlen) {
  if (PQgetisnull(res, r, 0) || PQgetisnull(res, r, 1) || PQgetisnull(res, r, 2) ||
      PQgetisnull(res, r, 3) || PQgetisnull(res, r, 4) || PQgetisnull(res, r, 5) ||
      PQgetlength(res, r, 0) != 8 || PQgetlength(res, r, 2) != 4 || PQgetlength(res, r, 3) != 8 ||
      PQgetlength(res, r, 4) != 8 || PQgetlength(res, r, 5) != 1) {
    return bench_fail(err, errlen, "row %d: unexpected NULL or width", r);
  }
  item->id = read_be64(PQgetvalue(res, r, 0));
  item->qty = read_be32(PQgetvalue(res, r, 2));
  uint64_t price_bits = (uint64_t)read_be64(PQgetvalue(res, r, 3));
  memcpy(&item->price, &price_bits, sizeof item->price);
  item->created_us = read_be64(PQgetvalue(res, r, 4)) + PG_EPOCH_UNIX_US;
  item->active = PQgetvalue(res, r, 5)[0] != 0;
  if (!bench_text_set(&item->name, PQgetvalue(res, r, 1), (size_t)PQgetlength(res, r, 1))) {
    return bench_fail(err, errlen, "out of memory");
  }
  item->has_note = !PQgetisnull(res, r, 6);
  if (item->has_note) {
    if (!bench_text_set(&item->note, PQgetvalue(res, r, 6), (size_t)PQgetlength(res, r, 6))) {
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

double wren_bench_pg_point(const char *conninfo, int n, int table_rows,
                           wren_bench_checksum *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  if (n < 0 || table_rows <= 0) return bench_fail(err, errlen, "bad arguments");
  PGconn *conn = connect_db(conninfo, err, errlen);
  if (conn == NULL) return -1;

  double start = bench_now();
  const Oid param_types[1] = {OID_INT8};
  PGresult *prep = PQprepare(conn, "wren_bench_point",
                             "SELECT " BENCH_COLUMNS " FROM bench_items WHERE id = $1", 1, param_types);
  if (PQresultStatus(prep) != PGRES_COMMAND_OK) {
    bench_fail(err, errlen, "PQprepare: %s", PQerrorMessage(conn));
    PQclear(prep);
    PQfinish(conn);
    return -1;
  }
  PQclear(prep);

  unsigned char param[8];
  const char *values[1] = {(const char *)param};
  const int lengths[1] = {sizeof param};
  const int formats[1] = {1};
  for (int k = 0; k < n; k++) {
    write_be64(param, (uint64_t)(k % table_rows + 1));
    PGresult *res = PQexecPrepared(conn, "wren_bench_point", 1, values, lengths, formats, 1);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
      bench_fail(err, errlen, "PQexecPrepared: %s", PQerrorMessage(conn));
      PQclear(res);
      PQfinish(conn);
      return -1;
    }
    bench_item item;
    if ((k == 0 && check_shape(res, err, errlen) != 0) || PQntuples(res) != 1 ||
        decode_row(res, 0, &item, err, errlen) != 0) {
      if (PQntuples(res) != 1) bench_fail(err, errlen, "id %d: %d rows", k % table_rows + 1, PQntuples(res));
      PQclear(res);
      PQfinish(conn);
      return -1;
    }
    PQclear(res);
    bench_checksum_add(out, &item);
    bench_item_free(&item);
  }
  double elapsed = bench_now() - start;
  PQfinish(conn);
  return elapsed;
}

/// Runs `sql` (the seven columns, binary results) and decodes every row into `items`.
static int fetch_items(PGconn *conn, const char *sql, bench_items *items, char *err, size_t errlen) {
  PGresult *res = PQexecParams(conn, sql, 0, NULL, NULL, NULL, NULL, 1);
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    bench_fail(err, errlen, "PQexecParams: %s", PQerrorMessage(conn));
    PQclear(res);
    return -1;
  }
  if (check_shape(res, err, errlen) != 0) {
    PQclear(res);
    return -1;
  }
  int rows = PQntuples(res);
  if (!bench_items_reserve(items, (size_t)rows)) {
    bench_fail(err, errlen, "out of memory");
    PQclear(res);
    return -1;
  }
  for (int r = 0; r < rows; r++) {
    if (decode_row(res, r, &items->items[r], err, errlen) != 0) {
      PQclear(res);
      return -1;
    }
    items->count++;
  }
  PQclear(res);
  return 0;
}

double wren_bench_pg_fetch_all(const char *conninfo, wren_bench_checksum *out,
                               char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  PGconn *conn = connect_db(conninfo, err, errlen);
  if (conn == NULL) return -1;

  double start = bench_now();
  bench_items items = {0};
  if (fetch_items(conn, "SELECT " BENCH_COLUMNS " FROM bench_items", &items, err, errlen) != 0) {
    bench_items_free(&items);
    PQfinish(conn);
    return -1;
  }
  double elapsed = bench_now() - start;

  bench_items_checksum(&items, out);
  bench_items_free(&items);
  PQfinish(conn);
  return elapsed;
}

int wren_bench_pg_ins_reset(const char *conninfo, char *err, size_t errlen) {
  PGconn *conn = connect_db(conninfo, err, errlen);
  if (conn == NULL) return -1;
  int rc = exec_command(conn, "TRUNCATE bench_ins", err, errlen);
  PQfinish(conn);
  return rc;
}

int wren_bench_pg_ins_checksum(const char *conninfo, wren_bench_checksum *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  PGconn *conn = connect_db(conninfo, err, errlen);
  if (conn == NULL) return -1;
  bench_items items = {0};
  int rc = fetch_items(conn, "SELECT " BENCH_COLUMNS " FROM bench_ins", &items, err, errlen);
  if (rc == 0) bench_items_checksum(&items, out);
  bench_items_free(&items);
  PQfinish(conn);
  return rc;
}
