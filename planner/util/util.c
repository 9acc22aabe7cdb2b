/* SPDX-License-Identifier: MIT */
/* util.c: allocation that aborts on out-of-memory, bounded string copy, file reading,
 * untrusted text checks (JSON NUL escapes, terminal-safe output). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static void oom(void)
{
    fputs("kvmcap: out of memory\n", stderr);
    abort();
}

void *kc_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        oom();
    return p;
}

void *kc_xreallocarray(void *ptr, size_t n, size_t size)
{
    void *p;

    if (size && n > SIZE_MAX / size)
        oom();
    p = realloc(ptr, n * size != 0 ? n * size : 1);
    if (!p)
        oom();
    return p;
}

char *kc_xstrdup(const char *s)
{
    char *p = strdup(s);

    if (!p)
        oom();
    return p;
}

int kc_strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size == 0)
        return -1;
    if (len >= size) {
        memcpy(dst, src, size - 1);
        dst[size - 1] = '\0';
        return -1;
    }
    memcpy(dst, src, len + 1);
    return 0;
}

char *kc_read_file(const char *path, size_t max, size_t *len, kc_error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;

    if (!f) {
        kc_error_set(err, KC_ERR_HOST, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        size_t got;

        if (n + 1 >= cap) {
            cap = cap ? cap * 2 : 65536;
            buf = kc_xreallocarray(buf, cap, 1);
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n > max) {
            kc_error_set(err, KC_ERR_INVALID, "'%s' is larger than %zu bytes", path, max);
            goto fail;
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        kc_error_set(err, KC_ERR_HOST, "cannot read '%s': %s", path, strerror(errno));
        goto fail;
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n)) {
        kc_error_set(err, KC_ERR_INVALID, "'%s' contains a NUL byte", path);
        goto fail;
    }
    if (f != stdin)
        fclose(f);
    if (len)
        *len = n;
    return buf;
 fail:
    if (f != stdin)
        fclose(f);
    free(buf);
    return NULL;
}

bool kc_json_has_nul_escape(const char *text)
{
    /* Backslashes only appear inside strings in valid JSON, so a flat scan is enough. */
    for (const char *p = text; *p; p++) {
        if (*p != '\\')
            continue;
        if (p[1] == 'u' && strncmp(p + 2, "0000", 4) == 0)
            return true;
        if (p[1] == '\0')
            break;
        p++;    /* skip the escaped character, so "\\u0000" is not a NUL */
    }
    return false;
}

/* Length of the valid UTF-8 sequence at @s that is safe on a terminal: 1..4, or 0 for a
 * control character or a byte that does not start valid UTF-8. */
static size_t safe_char_len(const unsigned char *s)
{
    size_t n, i;
    uint32_t cp;

    if (s[0] < 0x20 || s[0] == 0x7f)
        return 0;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
        cp = s[0] & 0x1fu;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
        cp = s[0] & 0x0fu;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    /* overlong forms, surrogates, beyond U+10FFFF, and the C1 controls */
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
        return 0;
    return n;
}

char *kc_term_safe(char *dst, size_t size, const char *src)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t n = 0;

    if (size == 0)
        return dst;
    while (*s) {
        size_t len = safe_char_len(s);

        if (len == 0) {
            if (n + 1 >= size)
                break;
            dst[n++] = '?';
            s++;
            continue;
        }
        if (n + len >= size)
            break;
        memcpy(dst + n, s, len);
        n += len;
        s += len;
    }
    dst[n] = '\0';
    return dst;
}

const char *kc_term_str(const char *src)
{
    static _Thread_local char ring[8][1024];
    static _Thread_local unsigned next;
    char *buf = ring[next++ % 8];

    return kc_term_safe(buf, sizeof(ring[0]), src);
}

int kc_term_fputs(const char *src, FILE *out)
{
    const unsigned char *s = (const unsigned char *)src;

    while (*s) {
        size_t len = safe_char_len(s);

        if (len == 0) {
            if (fputc('?', out) == EOF)
                return EOF;
            s++;
            continue;
        }
        if (fwrite(s, 1, len, out) != len)
            return EOF;
        s += len;
    }
    return 0;
}
