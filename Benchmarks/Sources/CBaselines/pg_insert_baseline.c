// Raw libpq inserting row by row in pipeline mode (P3): BEGIN, one prepared INSERT
// sent once per row with binary parameters, a sync, COMMIT — the whole batch in a
// couple of round trips, each row still its own Bind/Execute on the server.

#include "pg_support.h"

#define OID_TEXT 25
#define OID_INT4 23
#define OID_FLOAT8 701
#define OID_TIMESTAMPTZ 1184
#define OID_BOOL 16

/// Reads the results of `commands` pipelined commands and then the sync's; on the
/// first failed command writes its error and returns -1 (after reading the rest).
static int drain_pipeline(PGconn *conn, int commands, char *err, size_t errlen) {
  int rc = 0;
  for (int i = 0; i < commands; i++) {
    PGresult *res = PQgetResult(conn);
    if (res == NULL) return bench_fail(err, errlen, "pipeline: result %d missing: %s", i, PQerrorMessage(conn));
    if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0) {
      rc = bench_fail(err, errlen, "pipeline command %d: %s", i, PQresultErrorMessage(res));
    }
    PQclear(res);
    // Each command's results end with a NULL.
    while ((res = PQgetResult(conn)) != NULL) PQclear(res);
  }
  PGresult *sync = PQgetResult(conn);
  if (PQresultStatus(sync) != PGRES_PIPELINE_SYNC && rc == 0) {
    rc = bench_fail(err, errlen, "pipeline: expected a sync, got %s", PQresStatus(PQresultStatus(sync)));
  }
  PQclear(sync);
  return rc;
}

/// Sends one INSERT of `item` through the prepared statement.
static int send_insert(PGconn *conn, const bench_item *item) {
  unsigned char id[8], qty[4], price[8], created[8], active[1];
  uint64_t price_bits;
  memcpy(&price_bits, &item->price, sizeof price_bits);
  write_be64(id, (uint64_t)item->id);
  write_be32(qty, (uint32_t)item->qty);
  write_be64(price, price_bits);
  write_be64(created, (uint64_t)(item->created_us - PG_EPOCH_UNIX_US));
  active[0] = item->active ? 1 : 0;
  const char *values[7] = {
      (const char *)id, bench_text_bytes(&item->name), (const char *)qty, (const char *)price,
      (const char *)created, (const char *)active, item->has_note ? bench_text_bytes(&item->note) : NULL,
  };
  const int lengths[7] = {8, (int)item->name.len, 4, 8, 8, 1, item->has_note ? (int)item->note.len : 0};
  static const int formats[7] = {1, 1, 1, 1, 1, 1, 1};
  return PQsendQueryPrepared(conn, "wren_bench_ins", 7, values, lengths, formats, 0);
}

/// The timed part: the pipeline, from entering it to the COMMIT's result.
static int insert_pipelined(PGconn *conn, const bench_item *items, int n, char *err, size_t errlen) {
  static const Oid types[7] = {OID_INT8, OID_TEXT, OID_INT4, OID_FLOAT8, OID_TIMESTAMPTZ, OID_BOOL, OID_TEXT};
  if (!PQenterPipelineMode(conn)) return bench_fail(err, errlen, "PQenterPipelineMode: %s", PQerrorMessage(conn));
  if (!PQsendQueryParams(conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0) ||
      !PQsendPrepare(conn, "wren_bench_ins",
                     "INSERT INTO bench_ins (" BENCH_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7)", 7, types)) {
    return bench_fail(err, errlen, "send: %s", PQerrorMessage(conn));
  }
  for (int k = 0; k < n; k++) {
    if (!send_insert(conn, &items[k])) return bench_fail(err, errlen, "send row %d: %s", k, PQerrorMessage(conn));
  }
  if (!PQpipelineSync(conn)) return bench_fail(err, errlen, "PQpipelineSync: %s", PQerrorMessage(conn));
  if (drain_pipeline(conn, n + 2, err, errlen) != 0) return -1;
  if (!PQsendQueryParams(conn, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) || !PQpipelineSync(conn)) {
    return bench_fail(err, errlen, "send COMMIT: %s", PQerrorMessage(conn));
  }
  if (drain_pipeline(conn, 1, err, errlen) != 0) return -1;
  if (!PQexitPipelineMode(conn)) return bench_fail(err, errlen, "PQexitPipelineMode: %s", PQerrorMessage(conn));
  return 0;
}

double wren_bench_pg_insert_many(const char *conninfo, int n, char *err, size_t errlen) {
  return bench_time_load(conninfo, n, insert_pipelined, err, errlen);
}
