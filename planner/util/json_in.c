/* SPDX-License-Identifier: MIT */
/* json_in.c: the one strict JSON parse every reader uses: what other tools would read
 * differently is refused rather than guessed. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_in.h"
#include "util/util.h"

/* Is the JSON number @s (@len bytes, already checked against the grammar) exactly a whole
 * number? Its digits after the decimal point, once the exponent has moved it, are all 0. */
static bool exactly_whole(const char *s, size_t len)
{
    const char *end = s + len, *p = s, *int_start, *frac_start = NULL;
    size_t n_int, n_frac = 0;
    long exp = 0;
    long point;

    if (*p == '-')
        p++;
    int_start = p;
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    n_int = (size_t)(p - int_start);
    if (p < end && *p == '.') {
        frac_start = ++p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        n_frac = (size_t)(p - frac_start);
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        bool neg = false;

        p++;
        if (*p == '+' || *p == '-')
            neg = *p++ == '-';
        for (; p < end; p++)
            exp = exp < 100000 ? exp * 10 + (*p - '0') : exp;   /* clamp: far beyond any digit */
        if (neg)
            exp = -exp;
    }
    /* digit k of int||frac has weight 10^(n_int - 1 - k + exp): whole iff every digit at
     * k >= n_int + exp is 0 */
    point = (long)n_int + exp;
    for (size_t k = 0; k < n_int + n_frac; k++) {
        char d = k < n_int ? int_start[k] : frac_start[k - n_int];

        if ((long)k >= point && d != '0')
            return false;
    }
    return true;
}

/* JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? over all @len bytes. */
static bool json_number(const char *s, size_t len)
{
    size_t i = 0;

#define DIGIT(j) ((j) < len && s[j] >= '0' && s[j] <= '9')
    if (i < len && s[i] == '-')
        i++;
    if (i < len && s[i] == '0')
        i++;
    else if (DIGIT(i))
        while (DIGIT(i))
            i++;
    else
        return false;
    if (i < len && s[i] == '.') {
        i++;
        if (!DIGIT(i))
            return false;
        while (DIGIT(i))
            i++;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (!DIGIT(i))
            return false;
        while (DIGIT(i))
            i++;
    }
#undef DIGIT
    return i == len;
}

/* Where the scan is: one frame per open object or array. */
typedef struct frame {
    bool object;
    size_t index;              /* arrays: the element's index */
    const char *key;           /* objects: the raw key text of the member (no quotes) */
    size_t key_len;
} frame;

/* "host.nics[2].speed" of the member being scanned (raw key text, cut to fit). */
static const char *scan_path(char *buf, size_t size, const frame *st, size_t depth)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < depth && len + 1 < size; i++) {
        int n = st[i].object
            ? snprintf(buf + len, size - len, "%s%.*s", len ? "." : "",
                       st[i].key_len > 60 ? 60 : (int)st[i].key_len, st[i].key ? st[i].key : "")
            : snprintf(buf + len, size - len, "[%zu]", st[i].index);

        if (n < 0)
            break;
        len += (size_t)n < size - len ? (size_t)n : size - len - 1;
    }
    return buf;
}

static int check_number(const char *text, const char *s, size_t len, const frame *st,
                        size_t depth, const char *origin, kc_error *err)
{
    size_t off = (size_t)(s - text);
    char buf[64], path[200], *copy;
    int shown = len > 40 ? 40 : (int)len;
    double v;

    scan_path(path, sizeof(path), st, depth);
    if (!json_number(s, len))
        return kc_error_set(err, KC_ERR_INVALID, "%s: '%s': number '%.*s' at byte %zu is not "
                            "JSON", origin, path[0] ? path : "top level", shown, s, off);
    copy = len < sizeof(buf) ? buf : kc_xcalloc(len + 1, 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    v = strtod(copy, NULL);
    if (copy != buf)
        free(copy);
    /* beyond a double (1e400) is the reader's to name; here only what rounds to whole */
    if (isfinite(v) && v == floor(v) && !exactly_whole(s, len))
        return kc_error_set(err, KC_ERR_INVALID, "%s: '%s': number '%.*s' at byte %zu is not "
                            "a whole number but would read as %.0f", origin,
                            path[0] ? path : "top level", shown, s, off, v);
    return 0;
}

/* Every number outside the strings of @text (valid JSON: cJSON took it), with the path of
 * the member it is the value of. Nesting is bounded by cJSON's limit. */
static int check_numbers(const char *text, const char *origin, kc_error *err)
{
    frame st[CJSON_NESTING_LIMIT + 2];
    size_t depth = 0;
    const char *p = text;

    while (*p) {
        if (*p == '"') {
            const char *s = ++p;

            for (; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (depth && st[depth - 1].object) {
                const char *q = *p ? p + 1 : p;

                while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
                    q++;
                if (*q == ':') {           /* a key, not a value */
                    st[depth - 1].key = s;
                    st[depth - 1].key_len = (size_t)(p - s);
                }
            }
            if (*p)
                p++;
            continue;
        }
        if (*p == '{' || *p == '[') {
            if (depth < sizeof(st) / sizeof(st[0]))
                st[depth++] = (frame){ .object = *p == '{' };
        } else if ((*p == '}' || *p == ']') && depth) {
            depth--;
        } else if (*p == ',' && depth && !st[depth - 1].object) {
            st[depth - 1].index++;
        } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
            const char *s = p;

            while (*p && strchr("0123456789+-.eE", *p))
                p++;
            if (check_number(text, s, (size_t)(p - s), st, depth, origin, err) < 0)
                return -1;
            continue;
        }
        p++;
    }
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Append ".key" / "[i]" to @path (of @cap bytes, NUL-terminated), "..." once it is full. */
static void path_push(char *path, size_t cap, const char *key, size_t index)
{
    size_t len = strlen(path);
    int n;

    if (key)
        n = snprintf(path + len, cap - len, "%s%s", len ? "." : "", key);
    else
        n = snprintf(path + len, cap - len, "[%zu]", index);
    if (n < 0 || (size_t)n >= cap - len)
        memcpy(path + cap - 4, "...", 4);
}

/* A key twice in one object of the tree under @node (at @path). Depth is bounded by
 * cJSON's nesting limit; each object's keys are sorted, so a huge object costs n log n. */
static int check_keys(const cJSON *node, char *path, size_t cap, const char *origin,
                      kc_error *err)
{
    size_t n = 0, i = 0, len = strlen(path);
    const cJSON *c;
    const char **keys;
    int ret = 0;

    for (c = node->child; c; c = c->next)
        n++;
    if (cJSON_IsObject(node) && n > 1) {
        keys = kc_xreallocarray(NULL, n, sizeof(*keys));
        for (c = node->child; c; c = c->next)
            keys[i++] = c->string ? c->string : "";
        qsort(keys, n, sizeof(*keys), cmp_key);
        for (i = 1; i < n && ret == 0; i++)
            if (strcmp(keys[i - 1], keys[i]) == 0) {
                if (len)
                    ret = kc_error_set(err, KC_ERR_INVALID, "%s: duplicate key '%.60s' in "
                                       "'%.100s'", origin, keys[i], path);
                else
                    ret = kc_error_set(err, KC_ERR_INVALID, "%s: duplicate key '%.60s' at the "
                                       "top level", origin, keys[i]);
            }
        free(keys);
        if (ret < 0)
            return ret;
    }
    i = 0;
    for (c = node->child; c; c = c->next, i++) {
        if (!cJSON_IsObject(c) && !cJSON_IsArray(c))
            continue;
        path_push(path, cap, cJSON_IsObject(node) ? (c->string ? c->string : "") : NULL, i);
        ret = check_keys(c, path, cap, origin, err);
        path[len] = '\0';
        if (ret < 0)
            return ret;
    }
    return 0;
}

/* cJSON's allocations: out of memory is kc_oom(), so that cJSON never returns NULL for it
 * (which would read as "not valid JSON" for a valid file). */
static void *must_malloc(size_t size)
{
    void *p = malloc(size);

    if (!p)
        kc_oom();
    return p;
}

cJSON *kc_json_parse_strict(const char *text, const char *origin, kc_error *err)
{
    const char *end = NULL;
    size_t bad = 0;
    char path[160] = "";
    cJSON *root;
    cJSON_Hooks hooks = { must_malloc, free };

    cJSON_InitHooks(&hooks);    /* cheap, and every reader passes here first */
    if (kc_json_has_nul_escape(text)) {
        kc_error_set(err, KC_ERR_INVALID, "%s: a string contains a NUL character ('\\u0000')",
                     origin);
        return NULL;
    }
    if (!kc_utf8_valid(text, strlen(text), &bad)) {
        kc_error_set(err, KC_ERR_INVALID, "%s: not valid UTF-8 at byte %zu", origin, bad);
        return NULL;
    }
    root = cJSON_ParseWithOpts(text, &end, true);    /* nothing may follow the value */
    if (!root) {
        char near[17];
        size_t off = end && end >= text ? (size_t)(end - text) : 0, n = 0;

        for (const char *p = text + off; *p && n < sizeof(near) - 1; p++)
            near[n++] = (*p >= 0x20 && *p < 0x7f && *p != '\'') ? *p : '?';
        near[n] = '\0';
        if (n == 0)
            kc_error_set(err, KC_ERR_INVALID, "%s: not valid JSON (ends early at byte %zu)",
                         origin, off);
        else
            kc_error_set(err, KC_ERR_INVALID, "%s: not valid JSON at byte %zu near '%s'",
                         origin, off, near);
        return NULL;
    }
    if (check_numbers(text, origin, err) < 0 || check_keys(root, path, sizeof(path), origin,
                                                           err) < 0) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}
