/* SPDX-License-Identifier: MIT */
/* prom_json.h: Prometheus HTTP API responses: series of (time, value) points, parsed
 * strictly from untrusted JSON (range query matrices and series label sets). */
#ifndef KC_PROM_JSON_H
#define KC_PROM_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kc.h"

/*
 * Times are milliseconds since the Unix epoch (Prometheus's own resolution). Values are
 * doubles, as Prometheus stores them (float64): the JSON's decimal strings are the shortest
 * text that reads back as the stored double, so nothing is lost (doc/prometheus.md).
 */

/* Responses larger than this are refused (a runaway or hostile server). */
#define KC_PROM_MAX_BODY ((size_t)256 << 20)
typedef struct kc_prom_point {
    int64_t t_ms;
    double v;                   /* may be NaN or +-Inf: Prometheus allows them */
} kc_prom_point;

typedef struct kc_prom_label {
    char *name;
    char *value;
} kc_prom_label;

/* One series: metric name, labels, and its points in strictly increasing time. */
typedef struct kc_prom_series {
    char *metric;               /* __name__; "" when the result has none (e.g. a rate()) */
    kc_prom_label *labels;      /* sorted by name, __name__ not among them */
    size_t n_labels;
    kc_prom_point *pts;
    size_t n_pts, cap_pts;
    uint64_t hash;              /* of name and labels (private) */
} kc_prom_series;

/* A set of series (a range query's matrix, or /api/v1/series's label sets, without points). */
typedef struct kc_prom_matrix {
    kc_prom_series *s;
    size_t n, cap;
    size_t *index;              /* hash of the series' identity -> position + 1 (private) */
    size_t index_cap;
} kc_prom_matrix;

/* The value of label @name of @s, or NULL. "__name__" gives the metric name. */
const char *kc_prom_label_value(const kc_prom_series *s, const char *name);
/* Free what @m holds and leave it empty. NULL-safe. */
void kc_prom_matrix_clear(kc_prom_matrix *m);

/* Parse a /api/v1/query_range response body (@len bytes, need not be NUL-terminated) and
 * merge it into @m: a series already in @m (same name and labels) gets the points later than
 * its last one appended (a chunk of a split range), a new series is added. Everything is
 * checked: "status" "success", "data.resultType" "matrix", each result an object with a
 * "metric" object of string labels (valid names, no duplicates, no NUL) and "values" an
 * array of [seconds, "decimal"] pairs in strictly increasing time, on whole milliseconds.
 * A "status" "error" body gives its "errorType" and "error". Returns 0, or -1 with @err
 * (KC_ERR_HOST: the server answered an error or something that is not a valid response);
 * on -1 @m still holds what it held before plus possibly part of the body. */
int kc_prom_parse_matrix(const char *body, size_t len, kc_prom_matrix *m, kc_error *err);

/* Parse a /api/v1/series response ("data" an array of label objects) into @m (series
 * without points; duplicates merged). Same checks and errors as kc_prom_parse_matrix(). */
int kc_prom_parse_series(const char *body, size_t len, kc_prom_matrix *m, kc_error *err);

/* Parse one sample value as Prometheus writes it: a decimal ("-12.5", "1e+21"), "NaN",
 * "+Inf" or "-Inf". Nothing else (no spaces, hex, "inf", empty). Returns 0 or -1. */
int kc_prom_parse_value(const char *s, double *out);

#endif /* KC_PROM_JSON_H */
