/* SPDX-License-Identifier: MIT */
/* prom.c: the Prometheus HTTP API client (libcurl), its option values, and the fleet read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demand/prom.h"
#include "util/dynlib_curl.h"
#include "util/util.h"

#ifndef KC_VERSION
#define KC_VERSION "dev"
#endif

/* Samples one range query may return at most (series x points), so that it stays well under
 * Prometheus's default --query.max-samples (50 million) and its JSON under ~100 MB. */
#define SAMPLES_PER_QUERY 2000000u
/* Credential files are short. */
#define CRED_MAX 65536
#define DURATION_MAX_MS (100ll * 365 * 86400 * 1000)

/* --- durations and times --- */

int kc_prom_parse_duration(const char *s, int64_t *ms, kc_error *err)
{
    static const struct { const char *unit; int64_t ms; } units[] = {
        { "y", 365ll * 86400000 }, { "w", 7ll * 86400000 }, { "d", 86400000 },
        { "h", 3600000 }, { "ms", 1 }, { "m", 60000 }, { "s", 1000 },
    };
    /* order in which units may follow each other (ms before m only when matching) */
    static const int rank[] = { 0, 1, 2, 3, 6, 4, 5 };
    const char *p = s;
    int64_t total = 0;
    int last = -1;

    if (!*p)
        goto bad;
    /* plain seconds, as Prometheus's API also takes them */
    if (strspn(p, "0123456789") == strlen(p)) {
        if (strlen(p) > 10)
            goto bad;
        total = strtoll(p, NULL, 10) * 1000;
        goto done;
    }
    while (*p) {
        int64_t v = 0;
        size_t d = 0, u;

        while (p[d] >= '0' && p[d] <= '9') {
            if (v > DURATION_MAX_MS)
                goto bad;
            v = v * 10 + (p[d] - '0');
            d++;
        }
        if (d == 0)
            goto bad;
        p += d;
        for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
            size_t l = strlen(units[u].unit);

            if (strncmp(p, units[u].unit, l) == 0 && !(l == 1 && p[0] == 'm' && p[1] == 's'))
                break;
        }
        if (u == sizeof(units) / sizeof(units[0]) || rank[u] <= last)
            goto bad;
        last = rank[u];
        p += strlen(units[u].unit);
        if (v > DURATION_MAX_MS / units[u].ms)
            goto bad;
        total += v * units[u].ms;
        if (total > DURATION_MAX_MS)
            goto bad;
    }
 done:
    if (total <= 0 || total > DURATION_MAX_MS)
        goto bad;
    *ms = total;
    return 0;
 bad:
    return kc_error_set(err, KC_ERR_USAGE,
                        "invalid duration '%s' (e.g. 30d, 1h30m, 300)", kc_term_str(s));
}

static int digits(const char *p, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int parse_rfc3339(const char *s, int64_t *ms)
{
    int y, mo, d, h, mi, sec, frac = 0, oh = 0, om = 0, sign = 0;
    static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    const char *p = s + 19;

    if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
        s[7] != '-' || digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
        digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' ||
        digits(s + 17, 2, &sec))
        return -1;
    if (*p == '.') {
        int n = 0;

        for (p++; *p >= '0' && *p <= '9'; p++, n++) {
            if (n < 3)
                frac = frac * 10 + (*p - '0');
        }
        if (n == 0)
            return -1;
        for (; n < 3; n++)
            frac *= 10;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return -1;
        p += 6;
    } else {
        return -1;
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 59 ||
        (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
        return -1;
    *ms = ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
            sign * (oh * 3600 + om * 60)) * 1000) + frac;
    return 0;
}

int kc_prom_parse_time(const char *s, int64_t now_ms, int64_t *ms, kc_error *err)
{
    size_t int_len = strspn(s, "0123456789");
    kc_error derr = { 0 };
    int64_t d;

    if (strcmp(s, "now") == 0) {
        *ms = now_ms;
        return 0;
    }
    if (int_len > 0 && int_len <= 11 && (s[int_len] == '\0' || s[int_len] == '.')) {
        /* Unix seconds, up to 3 decimals */
        const char *f = s + int_len;
        int64_t v = strtoll(s, NULL, 10) * 1000;

        if (*f == '.') {
            size_t n = strspn(f + 1, "0123456789");
            int64_t mul = 100;

            if (n == 0 || n > 3 || f[1 + n] != '\0')
                goto bad;
            for (size_t i = 1; i <= n; i++, mul /= 10)
                v += (f[i] - '0') * mul;
        }
        *ms = v;
        return 0;
    }
    if (parse_rfc3339(s, ms) == 0)
        return 0;
    if (kc_prom_parse_duration(s, &d, &derr) == 0 && int_len < strlen(s)) {
        *ms = now_ms - d;
        return 0;
    }
 bad:
    return kc_error_set(err, KC_ERR_USAGE,
                        "invalid time '%s' (now, 30d ago as 30d, Unix seconds, or RFC 3339 "
                        "such as 2026-12-01T00:00:00Z)", kc_term_str(s));
}

/* --- label selectors --- */

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

int kc_prom_check_match(const char *match, kc_error *err)
{
    const char *p = skip_ws(match);
    bool braces = false;
    size_t n = 0;

    if (*p == '{') {
        braces = true;
        p = skip_ws(p + 1);
    }
    for (;;) {
        const char *name = p;

        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
            break;
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_' ||
               (*p >= '0' && *p <= '9'))
            p++;
        if (p - name == 8 && strncmp(name, "__name__", 8) == 0)
            goto bad;   /* kvmcap chooses the metrics */
        p = skip_ws(p);
        /* =~  !=  !~  = */
        if ((p[0] == '=' && p[1] == '~') || (p[0] == '!' && (p[1] == '=' || p[1] == '~')))
            p += 2;
        else if (p[0] == '=')
            p += 1;
        else
            goto bad;
        p = skip_ws(p);
        if (*p != '"')
            goto bad;
        for (p++; *p && *p != '"'; p++) {
            if ((unsigned char)*p < 0x20)
                goto bad;
            if (*p == '\\' && !*++p)
                goto bad;
        }
        if (*p != '"')
            goto bad;
        n++;
        p = skip_ws(p + 1);
        if (*p != ',')
            break;
        p = skip_ws(p + 1);
    }
    if (braces) {
        if (*p != '}')
            goto bad;
        p = skip_ws(p + 1);
    }
    if (*p || n == 0)
        goto bad;
    return 0;
 bad:
    return kc_error_set(err, KC_ERR_USAGE,
                        "invalid label selector '%s' (e.g. job=\"libvirt\",instance=~\"kvm.*\")",
                        kc_term_str(match));
}

/* The matchers of @match without braces or a trailing comma, for "{...,<here>}". */
static char *match_body(const char *match)
{
    const char *p = skip_ws(match);
    size_t len;
    char *out;

    if (*p == '{')
        p++;
    len = strlen(p);
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    if (len && p[len - 1] == '}')
        len--;
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == ','))
        len--;
    out = kc_xcalloc(len + 1, 1);
    memcpy(out, p, len);
    return out;
}

/* --- the client --- */

struct kc_prom_client {
    kc_prom_opts o;
    char *base;                 /* the URL without a trailing '/' */
    char *origin;               /* scheme://host[:port], for messages */
    char *password;
    char *token;
    CURL *curl;
    struct timespec deadline;   /* CLOCK_MONOTONIC */
    char errbuf[CURL_ERROR_SIZE];
};

typedef struct body {
    char *p;
    size_t len, cap;
    bool too_big;
} body;

static size_t on_data(char *data, size_t size, size_t nmemb, void *user)
{
    body *b = user;
    size_t n = size * nmemb;

    if (n > KC_PROM_MAX_BODY - b->len) {
        b->too_big = true;
        return 0;       /* curl stops with CURLE_WRITE_ERROR */
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;

        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = kc_xreallocarray(b->p, cap, 1);
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return n;
}

/* Read a credential file: one line, no control characters (it goes into a header). */
static char *read_cred(const char *path, const char *what, kc_error *err)
{
    size_t len = 0;
    char *text = kc_read_file(path, CRED_MAX, &len, err);

    if (!text)
        return NULL;
    if (len && text[len - 1] == '\n')
        text[--len] = '\0';
    if (len && text[len - 1] == '\r')
        text[--len] = '\0';
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f) {
            free(text);
            kc_error_set(err, KC_ERR_INVALID, "%s file '%s' holds more than one line or a "
                         "control character", what, kc_term_str(path));
            return NULL;
        }
    }
    if (len == 0) {
        free(text);
        kc_error_set(err, KC_ERR_INVALID, "%s file '%s' is empty", what, kc_term_str(path));
        return NULL;
    }
    return text;
}

static int check_url(kc_prom_client *c, const char *url, kc_error *err)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *query = NULL,
         *frag = NULL;
    int ret = -1;
    size_t len;

    if (!u)
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) ||
        strncmp(url, scheme, strlen(scheme)) != 0) {
        kc_error_set(err, KC_ERR_USAGE,
                     "invalid Prometheus URL '%s' (expected http://HOST:PORT or https://...)",
                     kc_term_str(url));
        goto out;
    }
    if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
        kc_error_set(err, KC_ERR_USAGE, "the Prometheus URL must not hold credentials: "
                     "use --user with --password-file, or --bearer-token-file");
        goto out;
    }
    if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK ||
        curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0) == CURLUE_OK) {
        kc_error_set(err, KC_ERR_USAGE, "invalid Prometheus URL '%s' (no query or fragment)",
                     kc_term_str(url));
        goto out;
    }
    curl_url_get(u, CURLUPART_PORT, &port, 0);
    len = strlen(scheme) + strlen(host) + (port ? strlen(port) : 0) + 8;
    c->origin = kc_xcalloc(len, 1);
    snprintf(c->origin, len, "%s://%s%s%s", scheme, host, port ? ":" : "", port ? port : "");
    c->base = kc_xstrdup(url);
    len = strlen(c->base);
    while (len > 0 && c->base[len - 1] == '/')
        c->base[--len] = '\0';
    ret = 0;
 out:
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_free(user);
    curl_free(query);
    curl_free(frag);
    curl_url_cleanup(u);
    return ret;
}

void kc_prom_client_free(kc_prom_client *c)
{
    if (!c)
        return;
    if (c->curl)
        curl_easy_cleanup(c->curl);
    free(c->base);
    free(c->origin);
    if (c->password) {
        memset(c->password, 0, strlen(c->password));
        free(c->password);
    }
    if (c->token) {
        memset(c->token, 0, strlen(c->token));
        free(c->token);
    }
    free(c);
}

kc_prom_client *kc_prom_client_new(const kc_prom_opts *o, kc_error *err)
{
    static bool curl_ready;
    kc_prom_client *c;

    if (kc_dynlib_load(KC_DYNLIB_CURL, err) < 0)
        return NULL;
    c = kc_xcalloc(1, sizeof(*c));
    c->o = *o;
    clock_gettime(CLOCK_MONOTONIC, &c->deadline);
    c->deadline.tv_sec += o->timeout_ms / 1000;
    c->deadline.tv_nsec += (long)(o->timeout_ms % 1000) * 1000000L;
    if (c->deadline.tv_nsec >= 1000000000L) {
        c->deadline.tv_sec++;
        c->deadline.tv_nsec -= 1000000000L;
    }
    if (!o->url || check_url(c, o->url, err) < 0) {
        if (!o->url)
            kc_error_set(err, KC_ERR_USAGE, "no Prometheus URL");
        goto fail;
    }
    if (o->step_ms <= 0 || o->since_ms > o->until_ms || o->timeout_ms == 0) {
        kc_error_set(err, KC_ERR_USAGE, "prometheus: the window needs --since before --until, "
                     "a --step and a --timeout above 0");
        goto fail;
    }
    /* one slot per step for every VM and metric: 10 million is ~1 year at 3 s */
    if ((o->until_ms - o->since_ms) / o->step_ms >= 10000000) {
        kc_error_set(err, KC_ERR_USAGE, "prometheus: the window holds more than 10 million "
                     "steps: raise --step or narrow --since/--until");
        goto fail;
    }
    if ((o->match && kc_prom_check_match(o->match, err) < 0) ||
        (o->node_match && kc_prom_check_match(o->node_match, err) < 0))
        goto fail;
    if (o->token_file && (o->user || o->password_file)) {
        kc_error_set(err, KC_ERR_USAGE,
                     "--bearer-token-file and --user/--password-file exclude each other");
        goto fail;
    }
    if (!o->user != !o->password_file) {
        kc_error_set(err, KC_ERR_USAGE, "--user and --password-file go together");
        goto fail;
    }
    if (o->user && strpbrk(o->user, ":\r\n")) {
        kc_error_set(err, KC_ERR_USAGE, "invalid user '%s' (no ':' or line break)",
                     kc_term_str(o->user));
        goto fail;
    }
    if (o->password_file && !(c->password = read_cred(o->password_file, "password", err)))
        goto fail;
    if (o->token_file && !(c->token = read_cred(o->token_file, "bearer token", err)))
        goto fail;
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            kc_error_set(err, KC_ERR_INTERNAL, "libcurl does not initialise");
            goto fail;
        }
        curl_ready = true;
    }
    c->curl = curl_easy_init();
    if (!c->curl) {
        kc_error_set(err, KC_ERR_INTERNAL, "libcurl does not initialise");
        goto fail;
    }
    return c;
 fail:
    kc_prom_client_free(c);
    return NULL;
}

static long remaining_ms(const kc_prom_client *c)
{
    struct timespec now;
    long long ms;

    clock_gettime(CLOCK_MONOTONIC, &now);
    ms = (long long)(c->deadline.tv_sec - now.tv_sec) * 1000 +
         (c->deadline.tv_nsec - now.tv_nsec) / 1000000;
    return ms > 0 ? (long)ms : 0;
}

static int timed_out(const kc_prom_client *c, kc_error *err)
{
    return kc_error_set(err, KC_ERR_HOST, "prometheus: no complete answer from %s within "
                        "%u ms (--timeout)", c->origin, c->o.timeout_ms);
}

/* POST @form to @path; the body goes to @b (NUL-terminated). HTTP status in *status. */
static int post(kc_prom_client *c, const char *path, const char *form, body *b, long *status,
                kc_error *err)
{
    CURL *h = c->curl;
    size_t ulen = strlen(c->base) + strlen(path) + 1;
    char *url = kc_xcalloc(ulen, 1);
    long left = remaining_ms(c);
    CURLcode rc;
    int ret = -1;

    snprintf(url, ulen, "%s%s", c->base, path);
    if (left <= 0) {
        timed_out(c, err);
        goto out;
    }
    curl_easy_reset(h);
    c->errbuf[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, left);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, left);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->o.ca_file)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->o.ca_file);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");      /* gzip, as Prometheus offers */
    curl_easy_setopt(h, CURLOPT_USERAGENT, "kvmcap/" KC_VERSION);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
    if (c->password) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(h, CURLOPT_USERNAME, c->o.user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
    } else if (c->token) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
        curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, c->token);
    }
    rc = curl_easy_perform(h);
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        timed_out(c, err);
        goto out;
    }
    if (rc == CURLE_WRITE_ERROR && b->too_big) {
        kc_error_set(err, KC_ERR_HOST, "prometheus: %s answered more than 256 MiB", c->origin);
        goto out;
    }
    if (rc != CURLE_OK) {
        kc_error_set(err, KC_ERR_HOST, "prometheus: %s: %s", c->origin,
                     kc_term_str(c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc)));
        goto out;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    if (!b->p) {
        b->p = kc_xcalloc(1, 1);
        b->cap = 1;
    }
    ret = 0;
 out:
    free(url);
    return ret;
}

/* Append "&key=escaped(value)" to @form. */
static void form_add(CURL *h, char **form, const char *key, const char *value)
{
    char *esc = curl_easy_escape(h, value, 0);
    size_t old = *form ? strlen(*form) : 0;
    size_t len;

    if (!esc) {
        fputs("kvmcap: out of memory\n", stderr);
        abort();
    }
    len = old + strlen(key) + strlen(esc) + 3;
    *form = kc_xreallocarray(*form, len, 1);
    snprintf(*form + old, len - old, "%s%s=%s", old ? "&" : "", key, esc);
    curl_free(esc);
}

static void ms_text(char *buf, size_t size, int64_t ms)
{
    int64_t s = ms / 1000, f = ms % 1000;

    if (f < 0) {
        s--;
        f += 1000;
    }
    snprintf(buf, size, "%lld.%03lld", (long long)s, (long long)f);
}

/* Run one request and parse it; an HTTP error with an API error body gives its words. */
static int request(kc_prom_client *c, const char *path, const char *form, bool matrix,
                   kc_prom_matrix *m, kc_error *err)
{
    body b = { 0 };
    long status = 0;
    int ret = -1;

    if (post(c, path, form, &b, &status, err) < 0)
        goto out;
    if (status != 200) {
        kc_prom_matrix none = { 0 };
        kc_error perr = { 0 };

        /* Prometheus answers 400/422/503 with an error body: its words say most */
        if ((matrix ? kc_prom_parse_matrix(b.p, b.len, &none, &perr)
                    : kc_prom_parse_series(b.p, b.len, &none, &perr)) < 0 &&
            strncmp(perr.msg, "prometheus: server error", 24) == 0)
            kc_error_set(err, KC_ERR_HOST, "prometheus: %s: HTTP %ld, %s", c->origin, status,
                         perr.msg + 12);
        else
            kc_error_set(err, KC_ERR_HOST, "prometheus: %s%s: HTTP %ld", c->origin, path,
                         status);
        kc_prom_matrix_clear(&none);
        goto out;
    }
    ret = matrix ? kc_prom_parse_matrix(b.p, b.len, m, err)
                 : kc_prom_parse_series(b.p, b.len, m, err);
    if (ret < 0 && strncmp(err->msg, "prometheus: ", 12) == 0) {
        kc_error e = *err;

        kc_error_set(err, e.code, "prometheus: %s: %s", c->origin, e.msg + 12);
    }
 out:
    free(b.p);
    return ret;
}

static bool too_many_points(const kc_error *err)
{
    return strstr(err->msg, "maximum resolution") || strstr(err->msg, "too many samples");
}

/* Range query in chunks of at most @chunk points per series. */
static int query_range_chunked(kc_prom_client *c, const char *query, size_t chunk,
                               kc_prom_matrix *m, kc_error *err)
{
    int64_t step = c->o.step_ms;
    int64_t s = c->o.since_ms;

    while (s <= c->o.until_ms) {
        int64_t e = s + (int64_t)(chunk - 1) * step;
        char start[32], end[32], stp[32];
        char *form = NULL;
        int rc;

        if (e > c->o.until_ms || e < s)
            e = c->o.until_ms;
        ms_text(start, sizeof(start), s);
        ms_text(end, sizeof(end), e);
        ms_text(stp, sizeof(stp), step);
        form_add(c->curl, &form, "query", query);
        form_add(c->curl, &form, "start", start);
        form_add(c->curl, &form, "end", end);
        form_add(c->curl, &form, "step", stp);
        rc = request(c, "/api/v1/query_range", form, true, m, err);
        free(form);
        if (rc < 0) {
            /* the server's own limit is lower than ours: halve and go on from here */
            if (too_many_points(err) && chunk > 1) {
                chunk /= 2;
                continue;
            }
            return -1;
        }
        if (e >= c->o.until_ms)
            break;
        /* the next chunk starts one step after this one's last point, on the same grid */
        s += (int64_t)chunk * step;
    }
    return 0;
}

static size_t max_points(const kc_prom_client *c)
{
    return c->o.max_points ? c->o.max_points : KC_PROM_MAX_POINTS;
}

int kc_prom_query_range(kc_prom_client *c, const char *query, kc_prom_matrix *m,
                        kc_error *err)
{
    return query_range_chunked(c, query, max_points(c), m, err);
}

int kc_prom_series_query(kc_prom_client *c, const char *selector, kc_prom_matrix *m, kc_error *err)
{
    char start[32], end[32];
    char *form = NULL;
    int rc;

    ms_text(start, sizeof(start), c->o.since_ms);
    ms_text(end, sizeof(end), c->o.until_ms);
    form_add(c->curl, &form, "match[]", selector);
    form_add(c->curl, &form, "start", start);
    form_add(c->curl, &form, "end", end);
    rc = request(c, "/api/v1/series", form, false, m, err);
    free(form);
    return rc;
}

/* --- the fleet --- */

static const char *const libvirt_metrics =
    "libvirt_domain_info_cpu_time_seconds_total|libvirt_domain_info_memory_usage_bytes|"
    "libvirt_domain_info_maximum_memory_bytes|libvirt_domain_info_virtual_cpus|"
    "libvirt_domain_state_code|libvirt_domain_interface_stats_receive_bytes_total|"
    "libvirt_domain_interface_stats_transmit_bytes_total|"
    "libvirt_domain_block_stats_read_requests_total|"
    "libvirt_domain_block_stats_write_requests_total|"
    "libvirt_domain_block_stats_read_bytes_total|libvirt_domain_block_stats_write_bytes_total";

static char *selector(const char *metric_match, const char *extra, const char *user_match)
{
    char *mb = user_match ? match_body(user_match) : kc_xstrdup("");
    size_t len = strlen(metric_match) + strlen(extra) + strlen(mb) + 8;
    char *out = kc_xcalloc(len, 1);

    snprintf(out, len, "{%s%s%s%s}", metric_match, extra, *mb ? "," : "", mb);
    free(mb);
    return out;
}

/* Points per query for @n_series series: the server's limit, and the sample budget. */
static size_t chunk_for(const kc_prom_client *c, size_t n_series)
{
    size_t chunk = max_points(c);

    if (n_series > 0 && SAMPLES_PER_QUERY / n_series < chunk)
        chunk = SAMPLES_PER_QUERY / n_series;
    return chunk ? chunk : 1;
}

int kc_prom_fleet_read(kc_prom_client *c, kc_prom_fleet *f, kc_error *err)
{
    kc_prom_matrix series = { 0 }, lv = { 0 }, node = { 0 };
    char *sel_lv = NULL, *sel_mem = NULL, *sel_cpu = NULL, *name_re = NULL;
    size_t n, len;
    int ret = -1;

    memset(f, 0, sizeof(*f));
    len = strlen(libvirt_metrics) + 16;
    name_re = kc_xcalloc(len, 1);
    snprintf(name_re, len, "__name__=~\"%s\"", libvirt_metrics);
    sel_lv = selector(name_re, "", c->o.match);
    sel_mem = selector("__name__=\"node_memory_MemTotal_bytes\"", "", c->o.node_match);
    sel_cpu = selector("__name__=\"node_cpu_seconds_total\"", ",mode=\"idle\"",
                       c->o.node_match);
    /* how many series there are, to size the chunks; none at all is an answer in itself */
    if (kc_prom_series_query(c, sel_lv, &series, err) < 0)
        goto out;
    if (series.n == 0) {
        kc_error_set(err, KC_ERR_INVALID, "prometheus: %s has no libvirt exporter series in "
                     "the window%s%s", c->origin, c->o.match ? " matching " : "",
                     c->o.match ? kc_term_str(c->o.match) : "");
        goto out;
    }
    if (query_range_chunked(c, sel_lv, chunk_for(c, series.n), &lv, err) < 0 ||
        query_range_chunked(c, sel_mem, chunk_for(c, series.n / 8 + 1), &node, err) < 0 ||
        query_range_chunked(c, sel_cpu, chunk_for(c, series.n), &node, err) < 0)
        goto out;
    n = (size_t)((c->o.until_ms - c->o.since_ms) / c->o.step_ms) + 1;
    ret = kc_prom_fleet_build(&lv, &node, c->o.host_label, c->o.since_ms, c->o.step_ms, n, f,
                              err);
 out:
    kc_prom_matrix_clear(&series);
    kc_prom_matrix_clear(&lv);
    kc_prom_matrix_clear(&node);
    free(sel_lv);
    free(sel_mem);
    free(sel_cpu);
    free(name_re);
    return ret;
}

/* --- the fleet, host by host --- */

/* One host of the listing: the values its host label takes in each exporter's series. */
typedef struct host_entry {
    char name[KC_NAME_MAX];
    char **lv, **node;          /* distinct label values */
    size_t n_lv, n_node;
} host_entry;

typedef struct host_list {
    host_entry *h;
    size_t n;
} host_list;

static void add_value(char ***vals, size_t *n, const char *v)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*vals)[i], v) == 0)
            return;
    }
    *vals = kc_xreallocarray(*vals, *n + 1, sizeof(**vals));
    (*vals)[(*n)++] = kc_xstrdup(v);
}

/* Add the hosts of @m to @l (@node: which exporter). A series without a host is skipped
 * here; kc_prom_fleet_build() reports it when it reads the host's series. */
static void list_hosts(const kc_prom_matrix *m, const char *host_label, bool node, host_list *l)
{
    const char *label = host_label ? host_label : "instance";

    for (size_t i = 0; i < m->n; i++) {
        char name[KC_NAME_MAX];
        host_entry *e = NULL;
        const char *v = kc_prom_label_value(&m->s[i], label);

        if (!v || kc_prom_host_of(&m->s[i], host_label, name, sizeof(name)) < 0)
            continue;
        for (size_t j = 0; j < l->n; j++) {
            if (strcmp(l->h[j].name, name) == 0) {
                e = &l->h[j];
                break;
            }
        }
        if (!e) {
            if (node)
                continue;       /* a node_exporter without VMs in the selection */
            l->h = kc_xreallocarray(l->h, l->n + 1, sizeof(*l->h));
            e = &l->h[l->n++];
            memset(e, 0, sizeof(*e));
            kc_strlcpy(e->name, name, sizeof(e->name));
        }
        if (node)
            add_value(&e->node, &e->n_node, v);
        else
            add_value(&e->lv, &e->n_lv, v);
    }
}

static void host_list_clear(host_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        for (size_t j = 0; j < l->h[i].n_lv; j++)
            free(l->h[i].lv[j]);
        for (size_t j = 0; j < l->h[i].n_node; j++)
            free(l->h[i].node[j]);
        free(l->h[i].lv);
        free(l->h[i].node);
    }
    free(l->h);
    memset(l, 0, sizeof(*l));
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const host_entry *)a)->name, ((const host_entry *)b)->name);
}

/* ",LABEL=~"v1|v2"" with each value matched literally: RE2 metacharacters escaped for the
 * regex, then backslashes and quotes escaped for the PromQL string. */
static char *values_matcher(const char *label, char **vals, size_t n)
{
    size_t len = strlen(label) + 8;
    char *out, *p;

    for (size_t i = 0; i < n; i++)
        len += strlen(vals[i]) * 4 + 1;
    out = kc_xcalloc(len, 1);
    p = out + sprintf(out, ",%s=~\"", label);
    for (size_t i = 0; i < n; i++) {
        if (i)
            *p++ = '|';
        for (const char *v = vals[i]; *v; v++) {
            if (strchr("\\.+*?()|[]{}^$", *v)) {
                *p++ = '\\';        /* the regex's backslash, itself escaped for PromQL */
                *p++ = '\\';
            }
            if (*v == '"')
                *p++ = '\\';
            if (*v == '\n') {
                *p++ = '\\';
                *p++ = 'n';
                continue;
            }
            *p++ = *v;
        }
    }
    *p++ = '"';
    *p = '\0';
    return out;
}

int kc_prom_fleet_each(kc_prom_client *c, kc_prom_host_cb cb, void *user, kc_error *err)
{
    const char *label = c->o.host_label ? c->o.host_label : "instance";
    kc_prom_matrix series = { 0 }, nseries = { 0 };
    host_list hosts = { 0 };
    char *name_re = NULL, *sel_lv = NULL, *sel_mem = NULL;
    size_t len, n;
    int ret = -1;

    len = strlen(libvirt_metrics) + 16;
    name_re = kc_xcalloc(len, 1);
    snprintf(name_re, len, "__name__=~\"%s\"", libvirt_metrics);
    sel_lv = selector(name_re, "", c->o.match);
    sel_mem = selector("__name__=\"node_memory_MemTotal_bytes\"", "", c->o.node_match);
    if (kc_prom_series_query(c, sel_lv, &series, err) < 0 ||
        kc_prom_series_query(c, sel_mem, &nseries, err) < 0)
        goto out;
    list_hosts(&series, c->o.host_label, false, &hosts);
    list_hosts(&nseries, c->o.host_label, true, &hosts);
    if (series.n == 0) {
        kc_error_set(err, KC_ERR_INVALID, "prometheus: %s has no libvirt exporter series in "
                     "the window%s%s", c->origin, c->o.match ? " matching " : "",
                     c->o.match ? kc_term_str(c->o.match) : "");
        goto out;
    }
    if (hosts.n == 0) {
        kc_error_set(err, KC_ERR_INVALID, "prometheus: no libvirt exporter series has a "
                     "usable '%s' label", label);
        goto out;
    }
    if (hosts.n > 1)
        qsort(hosts.h, hosts.n, sizeof(*hosts.h), entry_cmp);
    n = (size_t)((c->o.until_ms - c->o.since_ms) / c->o.step_ms) + 1;
    for (size_t i = 0; i < hosts.n; i++) {
        host_entry *e = &hosts.h[i];
        kc_prom_matrix lv = { 0 }, node = { 0 };
        kc_prom_fleet one = { 0 };
        char *m_lv = values_matcher(label, e->lv, e->n_lv);
        char *s_lv = selector(name_re, m_lv, c->o.match);
        char *m_node = e->n_node ? values_matcher(label, e->node, e->n_node) : NULL;
        char *s_mem = NULL, *s_cpu = NULL;
        size_t per_host = series.n / hosts.n + 1;
        int rc;

        rc = query_range_chunked(c, s_lv, chunk_for(c, per_host), &lv, err);
        if (rc == 0 && m_node) {
            size_t extra = strlen(m_node) + 16;
            char *cpu_extra = kc_xcalloc(extra, 1);

            snprintf(cpu_extra, extra, ",mode=\"idle\"%s", m_node);
            s_mem = selector("__name__=\"node_memory_MemTotal_bytes\"", m_node, c->o.node_match);
            s_cpu = selector("__name__=\"node_cpu_seconds_total\"", cpu_extra, c->o.node_match);
            free(cpu_extra);
            rc = query_range_chunked(c, s_mem, chunk_for(c, 1), &node, err);
            if (rc == 0)
                rc = query_range_chunked(c, s_cpu, chunk_for(c, 256), &node, err);
        }
        if (rc == 0)
            rc = kc_prom_fleet_build(&lv, &node, c->o.host_label, c->o.since_ms,
                                     c->o.step_ms, n, &one, err);
        if (rc == 0 && one.n_hosts > 0)
            rc = cb(&one, user, err);
        kc_prom_fleet_clear(&one);
        kc_prom_matrix_clear(&lv);
        kc_prom_matrix_clear(&node);
        free(m_lv);
        free(s_lv);
        free(m_node);
        free(s_mem);
        free(s_cpu);
        if (rc < 0)
            goto out;
    }
    ret = 0;
 out:
    host_list_clear(&hosts);
    kc_prom_matrix_clear(&series);
    kc_prom_matrix_clear(&nseries);
    free(name_re);
    free(sel_lv);
    free(sel_mem);
    return ret;
}
