#ifndef WREN_BENCH_CBASELINES_H
#define WREN_BENCH_CBASELINES_H

// Raw libpq and raw sqlite3 doing the work of ../../../../shared/bench/WORKLOADS.md
// at their best, for wren-bench to compare Wren against in the same process.
//
// Every timed function connects/opens first (not timed), runs the workload, and
// returns the elapsed wall-clock seconds, or -1 with a message in `err`. It also
// fills `out` with a checksum of every decoded row, computed exactly as the Swift
// side computes it (see Checksum.swift), so a baseline that reads the wrong values
// cannot go unnoticed.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A digest of decoded `bench_items` rows; integer sums wrap.
typedef struct wren_bench_checksum {
  int64_t rows;
  int64_t sum_id;
  int64_t sum_qty;
  /// Exact: prices are multiples of 0.25 far below 2^51.
  double sum_price;
  /// created_at as microseconds since 1970-01-01 UTC, summed modulo 2^64.
  uint64_t sum_created_us;
  int64_t active;
  int64_t null_notes;
  /// Sum over rows of fnv1a(name) + 3 * fnv1a(note) (notes that are not NULL).
  uint64_t text_hash;
} wren_bench_checksum;

/// FNV-1a, 64 bits.
uint64_t wren_bench_fnv1a(const uint8_t *bytes, size_t len);

/// The libpq and SQLite library versions linked, e.g. `libpq 15.18, SQLite 3.40.1`.
const char *wren_bench_library_versions(void);

// --- PostgreSQL (libpq) -----------------------------------------------------

/// Recreates `bench_items` with `rows` seed rows (one INSERT ... SELECT
/// generate_series) and analyzes it, and recreates P3's empty `bench_ins` (the same
/// columns, `id int8 PRIMARY KEY` without a sequence). Returns 0, or -1 with a message.
int wren_bench_pg_seed(const char *conninfo, int rows, char *err, size_t errlen);

/// P1: `n` sequential point selects (id cycling 1..table_rows) through one prepared
/// statement with a binary int8 parameter and binary results, each row decoded into
/// a struct. Returns elapsed seconds for the queries (the connection is made first).
double wren_bench_pg_point(const char *conninfo, int n, int table_rows,
                           wren_bench_checksum *out, char *err, size_t errlen);

/// P2: all rows of `bench_items` with binary results, decoded into an array of
/// structs. Returns elapsed seconds (query, decoding, PQclear).
double wren_bench_pg_fetch_all(const char *conninfo, wren_bench_checksum *out,
                               char *err, size_t errlen);

/// P3, untimed: empties `bench_ins` (TRUNCATE). Returns 0, or -1 with a message.
int wren_bench_pg_ins_reset(const char *conninfo, char *err, size_t errlen);

/// P3: inserts seed rows 1..n into the empty `bench_ins` in one transaction, in
/// pipeline mode: BEGIN, one prepared INSERT sent row by row with binary parameters
/// (PQsendQueryPrepared), PQpipelineSync, COMMIT. The rows are built before the
/// clock starts. Returns elapsed seconds.
double wren_bench_pg_insert_many(const char *conninfo, int n, char *err, size_t errlen);

/// P4: loads seed rows 1..n into the empty `bench_ins` with one binary COPY
/// (COPY ... FROM STDIN (FORMAT binary), the rows encoded into 64 KB PQputCopyData
/// chunks). The rows are built before the clock starts. Returns elapsed seconds.
double wren_bench_pg_copy_in(const char *conninfo, int n, char *err, size_t errlen);

/// P6: n sequential transactions on one connection, each BEGIN; INSERT row i into
/// `bench_tx`; SAVEPOINT s; UPDATE it; RELEASE s; COMMIT (transaction statements as
/// simple queries, DML prepared with binary parameters). The statements are prepared
/// before the clock starts. Returns elapsed seconds.
double wren_bench_pg_transactions(const char *conninfo, int n, char *err, size_t errlen);

/// P6, untimed: empties `bench_tx`. Returns 0, or -1 with a message.
int wren_bench_pg_tx_reset(const char *conninfo, char *err, size_t errlen);

/// P6, untimed: rows, Σid and Σqty of `bench_tx`. Returns 0, or -1 with a message.
int wren_bench_pg_tx_checksum(const char *conninfo, wren_bench_checksum *out, char *err, size_t errlen);

/// P3, untimed: the checksum of every row of `bench_ins`, read back in one query.
/// Returns 0, or -1 with a message.
int wren_bench_pg_ins_checksum(const char *conninfo, wren_bench_checksum *out, char *err, size_t errlen);

// --- SQLite (libsqlite3) ----------------------------------------------------

/// Creates the database file at `path` (deleting any old one, with its -wal and
/// -shm files) in WAL mode with `rows` seed rows; dates as ISO-8601 text.
int wren_bench_sqlite_seed(const char *path, int rows, char *err, size_t errlen);

/// S2: all rows decoded into an array of structs (dates parsed from their text).
double wren_bench_sqlite_fetch_all(const char *path, wren_bench_checksum *out,
                                   char *err, size_t errlen);

/// S3: `n` sequential point selects by primary key (id cycling 1..table_rows)
/// through one reused prepared statement, each row decoded into a struct.
double wren_bench_sqlite_point(const char *path, int n, int table_rows,
                               wren_bench_checksum *out, char *err, size_t errlen);

// --- Unit-test workload (in-memory SQLite) ------------------------------------

/// T1: `iterations` sequential unit tests, each on a fresh in-memory database: the
/// three tables, ten inserts and five queries of wren-bench's TestUnit. `sql` holds
/// the `count` distinct statement texts Wren runs, in the order they first run
/// (3 CREATE TABLE, the INSERTs of users, posts, comments, the point select, the list,
/// the count, the UPDATE, the DELETE); this side binds the same values. Opening and
/// closing each database are part of the timed work. Folds each test's answers into
/// `out` as wren-bench's TestUnitAnswers does.
double wren_bench_sqlite_test_unit(const char *const *sql, int count, int iterations,
                                   wren_bench_checksum *out, char *err, size_t errlen);

/// T1 the way Wren's template does it: each test's database is a copy of `image`
/// (a migrated database's bytes, from Wren) loaded with sqlite3_deserialize instead of
/// running the three CREATE TABLEs; the rest as wren_bench_sqlite_test_unit.
double wren_bench_sqlite_test_unit_image(const char *const *sql, int count, const unsigned char *image,
                                         long long image_size, int iterations, wren_bench_checksum *out,
                                         char *err, size_t errlen);

/// How many times in a row one T1 test runs its `index`-th distinct statement (the
/// INSERT of users: 3), or -1 past the last: the shape `sql` must have.
int wren_bench_sqlite_test_unit_runs(int index);

#ifdef __cplusplus
}
#endif

#endif
