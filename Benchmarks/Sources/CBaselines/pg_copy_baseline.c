// Raw libpq loading rows with binary COPY (P4): the PGCOPY header, each row as a
// field count and length-prefixed binary fields, sent in 64 KB chunks.

#include "pg_support.h"

#define COPY_CHUNK (64 * 1024)

typedef struct copy_buffer {
  unsigned char *bytes;
  size_t len, cap;
} copy_buffer;

static bool buffer_room(copy_buffer *b, size_t more) {
  if (b->len + more <= b->cap) return true;
  size_t cap = b->cap ? b->cap : COPY_CHUNK * 2;
  while (cap < b->len + more) cap *= 2;
  unsigned char *grown = realloc(b->bytes, cap);
  if (grown == NULL) return false;
  b->bytes = grown;
  b->cap = cap;
  return true;
}

static void put16(copy_buffer *b, uint16_t v) {
  b->bytes[b->len++] = (unsigned char)(v >> 8);
  b->bytes[b->len++] = (unsigned char)v;
}

static void put32(copy_buffer *b, uint32_t v) {
  write_be32(b->bytes + b->len, v);
  b->len += 4;
}

static void put64(copy_buffer *b, uint64_t v) {
  write_be64(b->bytes + b->len, v);
  b->len += 8;
}

static void put_text(copy_buffer *b, const bench_text *t) {
  put32(b, t->len);
  memcpy(b->bytes + b->len, bench_text_bytes(t), t->len);
  b->len += t->len;
}

/// Appends one row; false when out of memory.
static bool append_row(copy_buffer *b, const bench_item *item) {
  if (!buffer_room(b, 2 + 7 * 4 + 8 + item->name.len + 4 + 8 + 8 + 1 + item->note.len)) return false;
  uint64_t price_bits;
  memcpy(&price_bits, &item->price, sizeof price_bits);
  put16(b, 7);
  put32(b, 8);
  put64(b, (uint64_t)item->id);
  put_text(b, &item->name);
  put32(b, 4);
  put32(b, (uint32_t)item->qty);
  put32(b, 8);
  put64(b, price_bits);
  put32(b, 8);
  put64(b, (uint64_t)(item->created_us - PG_EPOCH_UNIX_US));
  put32(b, 1);
  b->bytes[b->len++] = item->active ? 1 : 0;
  if (item->has_note) {
    put_text(b, &item->note);
  } else {
    put32(b, UINT32_MAX); /* -1: NULL */
  }
  return true;
}

static int send_chunk(PGconn *conn, copy_buffer *b, char *err, size_t errlen) {
  if (b->len > 0 && PQputCopyData(conn, (const char *)b->bytes, (int)b->len) != 1) {
    return bench_fail(err, errlen, "PQputCopyData: %s", PQerrorMessage(conn));
  }
  b->len = 0;
  return 0;
}

/// The timed part: from the COPY statement to its result.
static int copy_rows(PGconn *conn, const bench_item *items, int n, char *err, size_t errlen) {
  PGresult *res = PQexec(conn, "COPY bench_ins (" BENCH_COLUMNS ") FROM STDIN (FORMAT binary)");
  if (PQresultStatus(res) != PGRES_COPY_IN) {
    int rc = bench_fail(err, errlen, "COPY: %s", PQerrorMessage(conn));
    PQclear(res);
    return rc;
  }
  PQclear(res);
  copy_buffer b = {0};
  static const unsigned char header[19] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
  int rc = 0;
  if (!buffer_room(&b, sizeof header)) rc = bench_fail(err, errlen, "out of memory");
  if (rc == 0) {
    memcpy(b.bytes, header, sizeof header);
    b.len = sizeof header;
  }
  for (int k = 0; k < n && rc == 0; k++) {
    if (!append_row(&b, &items[k])) {
      rc = bench_fail(err, errlen, "out of memory");
    } else if (b.len >= COPY_CHUNK) {
      rc = send_chunk(conn, &b, err, errlen);
    }
  }
  if (rc == 0 && buffer_room(&b, 2)) {
    put16(&b, UINT16_MAX); /* -1: the trailer */
    rc = send_chunk(conn, &b, err, errlen);
  }
  free(b.bytes);
  if (PQputCopyEnd(conn, rc == 0 ? NULL : "client error") != 1) {
    return bench_fail(err, errlen, "PQputCopyEnd: %s", PQerrorMessage(conn));
  }
  while ((res = PQgetResult(conn)) != NULL) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0) {
      rc = bench_fail(err, errlen, "COPY result: %s", PQresultErrorMessage(res));
    }
    PQclear(res);
  }
  return rc;
}

double wren_bench_pg_copy_in(const char *conninfo, int n, char *err, size_t errlen) {
  return bench_time_load(conninfo, n, copy_rows, err, errlen);
}
