// Raw libpq running P6's transactions: BEGIN; INSERT one row into bench_tx; SAVEPOINT s;
// UPDATE that row; RELEASE s; COMMIT — the transaction statements as simple queries,
// the DML as prepared statements with binary parameters, one round trip each.

#include "pg_support.h"

#define OID_TEXT 25
#define OID_INT4 23

/// Runs a command that returns no rows; -1 with a message on failure.
static int run_simple(PGconn *conn, const char *sql, char *err, size_t errlen) {
  PGresult *res = PQexec(conn, sql);
  int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : bench_fail(err, errlen, "%s: %s", sql, PQresultErrorMessage(res));
  PQclear(res);
  return rc;
}

/// Runs a prepared command with binary parameters; -1 with a message on failure.
static int run_prepared(PGconn *conn, const char *name, int n, const char *const *values, const int *lengths,
                        char *err, size_t errlen) {
  static const int formats[3] = {1, 1, 1};
  PGresult *res = PQexecPrepared(conn, name, n, values, lengths, formats, 0);
  int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : bench_fail(err, errlen, "%s: %s", name, PQresultErrorMessage(res));
  PQclear(res);
  return rc;
}

static int prepare(PGconn *conn, const char *name, const char *sql, int n, const Oid *types, char *err, size_t errlen) {
  PGresult *res = PQprepare(conn, name, sql, n, types);
  int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : bench_fail(err, errlen, "prepare %s: %s", name, PQresultErrorMessage(res));
  PQclear(res);
  return rc;
}

/// One transaction of P6 for row `id`.
static int one_transaction(PGconn *conn, int64_t id, char *err, size_t errlen) {
  unsigned char id_be[8], zero_be[4], one_be[4];
  char name[32];
  int name_len = snprintf(name, sizeof name, "tx-%lld", (long long)id);
  write_be64(id_be, (uint64_t)id);
  write_be32(zero_be, 0);
  write_be32(one_be, 1);
  const char *insert_values[3] = {(const char *)id_be, name, (const char *)zero_be};
  const int insert_lengths[3] = {8, name_len, 4};
  const char *update_values[2] = {(const char *)one_be, (const char *)id_be};
  const int update_lengths[2] = {4, 8};
  if (run_simple(conn, "BEGIN", err, errlen) != 0) return -1;
  if (run_prepared(conn, "wren_bench_tx_ins", 3, insert_values, insert_lengths, err, errlen) != 0 ||
      run_simple(conn, "SAVEPOINT s", err, errlen) != 0 ||
      run_prepared(conn, "wren_bench_tx_upd", 2, update_values, update_lengths, err, errlen) != 0 ||
      run_simple(conn, "RELEASE s", err, errlen) != 0) {
    PGresult *res = PQexec(conn, "ROLLBACK");
    PQclear(res);
    return -1;
  }
  return run_simple(conn, "COMMIT", err, errlen);
}

double wren_bench_pg_transactions(const char *conninfo, int n, char *err, size_t errlen) {
  if (n <= 0) return bench_fail(err, errlen, "bad arguments");
  PGconn *conn = connect_db(conninfo, err, errlen);
  if (conn == NULL) return -1;
  static const Oid insert_types[3] = {OID_INT8, OID_TEXT, OID_INT4};
  static const Oid update_types[2] = {OID_INT4, OID_INT8};
  if (prepare(conn, "wren_bench_tx_ins", "INSERT INTO bench_tx (id, name, qty) VALUES ($1, $2, $3)", 3,
              insert_types, err, errlen) != 0 ||
      prepare(conn, "wren_bench_tx_upd", "UPDATE bench_tx SET qty = $1 WHERE id = $2", 2, update_types, err,
              errlen) != 0) {
    PQfinish(conn);
    return -1;
  }
  double start = bench_now();
  int rc = 0;
  for (int i = 1; i <= n && rc == 0; i++) rc = one_transaction(conn, i, err, errlen);
  double elapsed = bench_now() - start;
  PQfinish(conn);
  return rc == 0 ? elapsed : -1;
}

int wren_bench_pg_tx_reset(const char *conninfo, char *err, size_t errlen) {
  PGconn *conn = connect_db(conninfo, err, errlen);
  if (conn == NULL) return -1;
  int rc = exec_command(conn, "TRUNCATE bench_tx", err, errlen);
  PQfinish(conn);
  return rc;
}

int wren_bench_pg_tx_checksum(const char *conninfo, wren_bench_checksum *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  PGconn *conn = connect_db(conninfo, err, errlen);
  if (conn == NULL) return -1;
  PGresult *res = PQexec(conn, "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(qty), 0) FROM bench_tx");
  int rc = 0;
  if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
    rc = bench_fail(err, errlen, "checksum: %s", PQresultErrorMessage(res));
  } else {
    out->rows = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    out->sum_id = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    out->sum_qty = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
  }
  PQclear(res);
  PQfinish(conn);
  return rc;
}
