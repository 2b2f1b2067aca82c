#ifndef WREN_BENCH_ISO8601_H
#define WREN_BENCH_ISO8601_H

// Parsing the fixed-format timestamps Wren stores in SQLite, as Wren parses them.
// Internal to CBaselines.

#include <stdbool.h>
#include <stdint.h>

/// `count` ASCII digits at `p` as a number, or -1.
static inline int parse_digits(const unsigned char *p, int count) {
  int v = 0;
  for (int i = 0; i < count; i++) {
    unsigned d = (unsigned)p[i] - '0';
    if (d > 9) return -1;
    v = v * 10 + (int)d;
  }
  return v;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// days_from_civil).
static inline int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ` as microseconds since 1970-01-01 UTC; false when
/// the text is not in that form.
static inline bool parse_iso8601(const unsigned char *s, int len, int64_t *out) {
  if (len != 27 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      s[19] != '.' || s[26] != 'Z') {
    return false;
  }
  int year = parse_digits(s, 4), month = parse_digits(s + 5, 2), day = parse_digits(s + 8, 2);
  int hour = parse_digits(s + 11, 2), minute = parse_digits(s + 14, 2), second = parse_digits(s + 17, 2);
  int micros = parse_digits(s + 20, 6);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 60 || micros < 0) {
    return false;
  }
  int64_t days = days_from_civil(year, month, day);
  *out = ((days * 86400 + hour * 3600 + minute * 60 + second) * INT64_C(1000000)) + micros;
  return true;
}

#endif
