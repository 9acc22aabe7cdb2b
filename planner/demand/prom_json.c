/* SPDX-License-Identifier: MIT */
/* prom_json.c: strict parsing of Prometheus API responses (untrusted JSON) into series. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "demand/prom_json.h"
#include "util/util.h"

/* Longest label name or value kept (Prometheus has no limit; a hostile one could send a
 * whole body as one label): a longer one is refused. */
#define LABEL_MAX 4096
/* |t_ms| beyond this cannot be a double's whole milliseconds (2^53). */
#define T_MS_MAX 9007199254740992.0

const char *kc_prom_label_value(const kc_prom_series *s, const char *name)
{
    if (strcmp(name, "__name__") == 0)
        return s->metric;
    for (size_t i = 0; i < s->n_labels; i++) {
        int c = strcmp(s->labels[i].name, name);

        if (c == 0)
            return s->labels[i].value;
        if (c > 0)
            break;      /* sorted */
    }
    return NULL;
}

static void series_clear(kc_prom_series *s)
{
    free(s->metric);
    for (size_t i = 0; i < s->n_labels; i++) {
        free(s->labels[i].name);
        free(s->labels[i].value);
    }
    free(s->labels);
    free(s->pts);
    memset(s, 0, sizeof(*s));
}

void kc_prom_matrix_clear(kc_prom_matrix *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        series_clear(&m->s[i]);
    free(m->s);
    free(m->index);
    memset(m, 0, sizeof(*m));
}

/* --- values --- */

int kc_prom_parse_value(const char *s, double *out)
{
    const char *p = s;
    char *end;

    if (strcmp(s, "NaN") == 0) {
        *out = NAN;
        return 0;
    }
    if (strcmp(s, "+Inf") == 0 || strcmp(s, "-Inf") == 0) {
        *out = s[0] == '-' ? -INFINITY : INFINITY;
        return 0;
    }
    /* -?D+(.D+)?([eE][+-]?D+)? : what Go's strconv.FormatFloat writes ('f' or 'e') */
    if (*p == '-')
        p++;
    if (*p < '0' || *p > '9')
        return -1;
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (*p < '0' || *p > '9')
            return -1;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p != '\0' || p - s > 400)
        return -1;
    *out = strtod(s, &end);    /* overflow gives +-HUGE_VAL = +-Inf, as Go would read it */
    return *end == '\0' ? 0 : -1;
}

/* --- names and identity --- */

static bool valid_label_name(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return false;
    for (s++; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
              (*s >= '0' && *s <= '9')))
            return false;
    }
    return true;
}

static bool valid_metric_name(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' || *s == ':'))
        return false;
    for (s++; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
              *s == ':' || (*s >= '0' && *s <= '9')))
            return false;
    }
    return true;
}

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    h ^= 0xff;          /* a separator no string holds: "ab","c" differs from "a","bc" */
    return h * 1099511628211ull;
}

static uint64_t series_hash(const kc_prom_series *s)
{
    uint64_t h = fnv(14695981039346656037ull, s->metric);

    for (size_t i = 0; i < s->n_labels; i++)
        h = fnv(fnv(h, s->labels[i].name), s->labels[i].value);
    return h;
}

static bool series_same(const kc_prom_series *a, const kc_prom_series *b)
{
    if (a->hash != b->hash || a->n_labels != b->n_labels || strcmp(a->metric, b->metric) != 0)
        return false;
    for (size_t i = 0; i < a->n_labels; i++) {
        if (strcmp(a->labels[i].name, b->labels[i].name) != 0 ||
            strcmp(a->labels[i].value, b->labels[i].value) != 0)
            return false;
    }
    return true;
}

static int label_cmp(const void *a, const void *b)
{
    return strcmp(((const kc_prom_label *)a)->name, ((const kc_prom_label *)b)->name);
}

static void index_insert(kc_prom_matrix *m, size_t pos)
{
    size_t mask = m->index_cap - 1;
    size_t i = (size_t)m->s[pos].hash & mask;

    while (m->index[i])
        i = (i + 1) & mask;
    m->index[i] = pos + 1;
}

static void index_grow(kc_prom_matrix *m)
{
    size_t cap = m->index_cap ? m->index_cap * 2 : 64;

    free(m->index);
    m->index = kc_xcalloc(cap, sizeof(*m->index));
    m->index_cap = cap;
    for (size_t i = 0; i < m->n; i++)
        index_insert(m, i);
}

/* The series of @m with @key's identity, or NULL. */
static kc_prom_series *index_find(const kc_prom_matrix *m, const kc_prom_series *key)
{
    size_t mask, i;

    if (!m->index_cap)
        return NULL;
    mask = m->index_cap - 1;
    for (i = (size_t)key->hash & mask; m->index[i]; i = (i + 1) & mask) {
        kc_prom_series *s = &m->s[m->index[i] - 1];

        if (series_same(s, key))
            return s;
    }
    return NULL;
}

/* Move @key (its strings, not its points) into @m and return the new series. */
static kc_prom_series *matrix_add(kc_prom_matrix *m, kc_prom_series *key)
{
    kc_prom_series *s;

    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 16;
        m->s = kc_xreallocarray(m->s, m->cap, sizeof(*m->s));
    }
    s = &m->s[m->n++];
    *s = *key;
    memset(key, 0, sizeof(*key));
    if ((m->n + 1) * 2 > m->index_cap)
        index_grow(m);
    else
        index_insert(m, m->n - 1);
    return s;
}

/* --- the response --- */

static int bad(kc_error *err, const char *what)
{
    return kc_error_set(err, KC_ERR_HOST, "prometheus: invalid response: %s", what);
}

/* Read the "metric" object @obj into @key (name, sorted labels, hash). */
static int read_labels(const cJSON *obj, kc_prom_series *key, kc_error *err)
{
    size_t n = 0;
    const cJSON *it;

    if (!cJSON_IsObject(obj))
        return bad(err, "'metric' is not an object");
    cJSON_ArrayForEach(it, obj) {
        n++;
    }
    key->labels = n ? kc_xcalloc(n, sizeof(*key->labels)) : NULL;
    cJSON_ArrayForEach(it, obj) {
        const char *name = it->string;
        const char *val = cJSON_GetStringValue(it);

        if (!name || !val)
            return bad(err, "a label value is not a string");
        if (strlen(name) > LABEL_MAX || strlen(val) > LABEL_MAX)
            return bad(err, "a label is longer than 4096 bytes");
        if (strcmp(name, "__name__") == 0) {
            if (key->metric)
                return bad(err, "a series has '__name__' twice");
            if (!valid_metric_name(val))
                return kc_error_set(err, KC_ERR_HOST,
                                    "prometheus: invalid response: bad metric name '%s'",
                                    kc_term_str(val));
            key->metric = kc_xstrdup(val);
            continue;
        }
        if (!valid_label_name(name))
            return kc_error_set(err, KC_ERR_HOST,
                                "prometheus: invalid response: bad label name '%s'",
                                kc_term_str(name));
        key->labels[key->n_labels].name = kc_xstrdup(name);
        key->labels[key->n_labels].value = kc_xstrdup(val);
        key->n_labels++;
    }
    if (!key->metric)
        key->metric = kc_xstrdup("");
    if (key->n_labels > 1)
        qsort(key->labels, key->n_labels, sizeof(*key->labels), label_cmp);
    for (size_t i = 1; i < key->n_labels; i++) {
        if (strcmp(key->labels[i - 1].name, key->labels[i].name) == 0)
            return kc_error_set(err, KC_ERR_HOST,
                                "prometheus: invalid response: label '%s' twice in a series",
                                kc_term_str(key->labels[i].name));
    }
    key->hash = series_hash(key);
    return 0;
}

/* One [seconds, "value"] pair. */
static int read_point(const cJSON *pair, kc_prom_point *pt, kc_error *err)
{
    const cJSON *t, *v;
    double ms, r;
    const char *txt;

    if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2)
        return bad(err, "a point is not a [time, value] pair");
    t = cJSON_GetArrayItem(pair, 0);
    v = cJSON_GetArrayItem(pair, 1);
    if (!cJSON_IsNumber(t))
        return bad(err, "a point's time is not a number");
    ms = t->valuedouble * 1000.0;
    if (!isfinite(ms) || fabs(ms) > T_MS_MAX)
        return bad(err, "a point's time is out of range");
    r = round(ms);
    /* Prometheus writes whole milliseconds as seconds with 3 decimals; the double of such a
     * decimal is within 1e-3 ms of it at any time up to 2^53 ms. */
    if (fabs(ms - r) > 1e-3 * (fabs(r) > 1e12 ? fabs(r) / 1e12 : 1.0))
        return bad(err, "a point's time is not on a whole millisecond");
    txt = cJSON_GetStringValue(v);
    if (!txt)
        return bad(err, "a point's value is not a string");
    if (kc_prom_parse_value(txt, &pt->v) < 0)
        return kc_error_set(err, KC_ERR_HOST,
                            "prometheus: invalid response: bad sample value '%s'",
                            kc_term_str(txt));
    pt->t_ms = (int64_t)r;
    return 0;
}

static int read_result(const cJSON *res, kc_prom_matrix *m, bool with_points, kc_error *err)
{
    kc_prom_series key = { 0 };
    kc_prom_series *s;
    const cJSON *values = NULL, *pair;
    size_t n, start;
    int64_t last = 0;
    bool have_last = false;
    int ret = -1;

    if (!cJSON_IsObject(res)) {
        bad(err, "a result is not an object");
        goto out;
    }
    if (read_labels(with_points ? cJSON_GetObjectItemCaseSensitive(res, "metric") : res,
                    &key, err) < 0)
        goto out;
    if (with_points) {
        values = cJSON_GetObjectItemCaseSensitive(res, "values");
        if (!cJSON_IsArray(values)) {
            bad(err, cJSON_HasObjectItem(res, "histograms")
                         ? "native histograms are not supported"
                         : "a series has no 'values' array");
            goto out;
        }
    }
    s = index_find(m, &key);
    if (!s)
        s = matrix_add(m, &key);
    if (!with_points) {
        ret = 0;
        goto out;
    }
    n = (size_t)cJSON_GetArraySize(values);
    if (s->n_pts + n > s->cap_pts) {
        s->cap_pts = s->n_pts + n;
        s->pts = kc_xreallocarray(s->pts, s->cap_pts ? s->cap_pts : 1, sizeof(*s->pts));
    }
    start = s->n_pts;   /* points from earlier chunks of a split range */
    cJSON_ArrayForEach(pair, values) {
        kc_prom_point pt;

        if (read_point(pair, &pt, err) < 0)
            goto out;
        /* in one response, strictly increasing time */
        if (have_last && pt.t_ms <= last) {
            bad(err, "a series' points are not in increasing time");
            goto out;
        }
        have_last = true;
        last = pt.t_ms;
        /* an instant an earlier chunk already gave (chunks meet at their ends) */
        if (start > 0 && pt.t_ms <= s->pts[start - 1].t_ms)
            continue;
        s->pts[s->n_pts++] = pt;
    }
    ret = 0;
 out:
    series_clear(&key);
    return ret;
}

/* Parse @body, check "status", and give its "data". On an error body, the server's words. */
static cJSON *parse_envelope(const char *body, size_t len, const cJSON **data, kc_error *err)
{
    cJSON *root = NULL;
    const cJSON *status;
    const char *end = NULL;

    if (len > KC_PROM_MAX_BODY) {
        bad(err, "larger than 256 MiB");
        return NULL;
    }
    if (memchr(body, '\0', len) || body[len] != '\0') {
        bad(err, "a NUL byte in the body");
        return NULL;
    }
    if (kc_json_has_nul_escape(body)) {
        bad(err, "a \\u0000 escape");
        return NULL;
    }
    root = cJSON_ParseWithLengthOpts(body, len + 1, &end, true);
    if (!root) {
        bad(err, len == 0 ? "empty body" : "not JSON");
        return NULL;
    }
    status = cJSON_GetObjectItemCaseSensitive(root, "status");
    if (!cJSON_IsObject(root) || !cJSON_IsString(status)) {
        bad(err, "no 'status'");
        goto fail;
    }
    if (strcmp(status->valuestring, "error") == 0) {
        const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "errorType"));
        const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "error"));

        kc_error_set(err, KC_ERR_HOST, "prometheus: server error (%s): %s",
                     type ? kc_term_str(type) : "unknown", msg ? kc_term_str(msg) : "no message");
        goto fail;
    }
    if (strcmp(status->valuestring, "success") != 0) {
        bad(err, "'status' is neither 'success' nor 'error'");
        goto fail;
    }
    *data = cJSON_GetObjectItemCaseSensitive(root, "data");
    return root;
 fail:
    cJSON_Delete(root);
    return NULL;
}

int kc_prom_parse_matrix(const char *body, size_t len, kc_prom_matrix *m, kc_error *err)
{
    const cJSON *data = NULL, *type, *result, *it;
    cJSON *root = parse_envelope(body, len, &data, err);
    int ret = -1;

    if (!root)
        return -1;
    if (!cJSON_IsObject(data)) {
        bad(err, "'data' is not an object");
        goto out;
    }
    type = cJSON_GetObjectItemCaseSensitive(data, "resultType");
    if (!cJSON_IsString(type)) {
        bad(err, "no 'resultType'");
        goto out;
    }
    if (strcmp(type->valuestring, "matrix") != 0) {
        kc_error_set(err, KC_ERR_HOST,
                     "prometheus: invalid response: resultType '%s', expected 'matrix'",
                     kc_term_str(type->valuestring));
        goto out;
    }
    result = cJSON_GetObjectItemCaseSensitive(data, "result");
    if (!cJSON_IsArray(result)) {
        bad(err, "'result' is not an array");
        goto out;
    }
    cJSON_ArrayForEach(it, result) {
        if (read_result(it, m, true, err) < 0)
            goto out;
    }
    ret = 0;
 out:
    cJSON_Delete(root);
    return ret;
}

int kc_prom_parse_series(const char *body, size_t len, kc_prom_matrix *m, kc_error *err)
{
    const cJSON *data = NULL, *it;
    cJSON *root = parse_envelope(body, len, &data, err);
    int ret = -1;

    if (!root)
        return -1;
    if (!cJSON_IsArray(data)) {
        bad(err, "'data' is not an array");
        goto out;
    }
    cJSON_ArrayForEach(it, data) {
        if (read_result(it, m, false, err) < 0)
            goto out;
    }
    ret = 0;
 out:
    cJSON_Delete(root);
    return ret;
}
