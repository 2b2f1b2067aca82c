#ifndef WREN_BENCH_ITEM_H
#define WREN_BENCH_ITEM_H

// The decoded row shared by the libpq and sqlite3 baselines, and the helpers both
// use. Internal to CBaselines.

#include "CBaselines.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/// Text with a small inline buffer and a heap fallback, like Swift's small strings:
/// the seed's names and notes (<= 11 bytes) never allocate, longer text still works.
typedef struct bench_text {
  char *heap; /* non-NULL when the text did not fit in `small` */
  uint32_t len;
  char small[20];
} bench_text;

/// One `bench_items` row, all seven fields materialised.
typedef struct bench_item {
  int64_t id;
  bench_text name;
  int32_t qty;
  double price;
  int64_t created_us; /* microseconds since 1970-01-01 UTC */
  bool active;
  bool has_note;
  bench_text note; /* empty when !has_note */
} bench_item;

static inline bool bench_text_set(bench_text *t, const char *bytes, size_t len) {
  if (len > UINT32_MAX) return false;
  t->len = (uint32_t)len;
  if (len < sizeof t->small) {
    memcpy(t->small, bytes, len);
    t->small[len] = '\0';
    t->heap = NULL;
    return true;
  }
  t->heap = malloc(len + 1);
  if (t->heap == NULL) return false;
  memcpy(t->heap, bytes, len);
  t->heap[len] = '\0';
  return true;
}

static inline const char *bench_text_bytes(const bench_text *t) {
  return t->heap != NULL ? t->heap : t->small;
}

static inline void bench_text_free(bench_text *t) {
  free(t->heap);
  t->heap = NULL;
}

static inline void bench_item_free(bench_item *item) {
  bench_text_free(&item->name);
  if (item->has_note) bench_text_free(&item->note);
}

/// 2026-01-01 00:00:00 UTC, seconds since 1970: the seed's first timestamp.
#define BENCH_SEED_EPOCH INT64_C(1767225600)

/// Row `i` of the seed described in WORKLOADS.md; false when out of memory.
static inline bool bench_item_seed(int64_t i, bench_item *item) {
  char text[32];
  int len = snprintf(text, sizeof text, "item-%lld", (long long)i);
  if (!bench_text_set(&item->name, text, (size_t)len)) return false;
  item->id = i;
  item->qty = (int32_t)(i % 1000);
  item->price = (double)i * 0.25;
  item->created_us = (BENCH_SEED_EPOCH + i) * INT64_C(1000000);
  item->active = i % 2 == 0;
  item->has_note = i % 3 != 0;
  if (!item->has_note) {
    item->note.len = 0;
    item->note.heap = NULL;
    item->note.small[0] = '\0';
    return true;
  }
  len = snprintf(text, sizeof text, "note %lld", (long long)i);
  if (!bench_text_set(&item->note, text, (size_t)len)) {
    bench_text_free(&item->name);
    return false;
  }
  return true;
}

static inline void bench_checksum_add(wren_bench_checksum *c, const bench_item *item) {
  c->rows += 1;
  c->sum_id = (int64_t)((uint64_t)c->sum_id + (uint64_t)item->id);
  c->sum_qty += item->qty;
  c->sum_price += item->price;
  c->sum_created_us += (uint64_t)item->created_us;
  c->active += item->active ? 1 : 0;
  uint64_t h = wren_bench_fnv1a((const uint8_t *)bench_text_bytes(&item->name), item->name.len);
  if (item->has_note) {
    h += 3 * wren_bench_fnv1a((const uint8_t *)bench_text_bytes(&item->note), item->note.len);
  } else {
    c->null_notes += 1;
  }
  c->text_hash += h;
}

static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/// Writes a message to `err` and returns -1.
__attribute__((format(printf, 3, 4)))
static inline int bench_fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err != NULL && errlen > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/// A growable array of decoded rows (fetch-all workloads).
typedef struct bench_items {
  bench_item *items;
  size_t count;
  size_t capacity;
} bench_items;

static inline bool bench_items_reserve(bench_items *a, size_t capacity) {
  if (capacity <= a->capacity) return true;
  bench_item *grown = realloc(a->items, capacity * sizeof *grown);
  if (grown == NULL) return false;
  a->items = grown;
  a->capacity = capacity;
  return true;
}

/// The next slot, growing by doubling; NULL when out of memory.
static inline bench_item *bench_items_append(bench_items *a) {
  if (a->count == a->capacity && !bench_items_reserve(a, a->capacity ? a->capacity * 2 : 1024)) {
    return NULL;
  }
  return &a->items[a->count++];
}

static inline void bench_items_checksum(const bench_items *a, wren_bench_checksum *out) {
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < a->count; i++) bench_checksum_add(out, &a->items[i]);
}

static inline void bench_items_free(bench_items *a) {
  for (size_t i = 0; i < a->count; i++) bench_item_free(&a->items[i]);
  free(a->items);
  a->items = NULL;
  a->count = a->capacity = 0;
}

#endif
