/* SPDX-License-Identifier: MIT */
/* sanitize.c: the one sanitizer for text from outside (hosts, files, options) on its way out:
 * terminal text, error messages, CSV, Prometheus labels, and valid UTF-8 for JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/oom.h"
#include "util/sanitize.h"

/* Length (1..4) of the valid UTF-8 sequence at @s and its code point, or 0 if @s does not
 * start one (the NUL at the end included). */
static size_t utf8_len(const unsigned char *s, uint32_t *out)
{
    size_t n, i;
    uint32_t cp;

    if (s[0] == 0)
        return 0;
    if (s[0] < 0x80) {
        *out = s[0];
        return 1;
    }
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
        if ((s[i] & 0xc0) != 0x80)     /* the NUL at the end stops here too */
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    /* overlong forms, surrogates, beyond U+10FFFF */
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    *out = cp;
    return n;
}

/* Length of the safe character at @s, or 0 with *skip set to how many bytes the unsafe one
 * takes: a whole control character (U+009B is one, though two bytes), or one byte that does
 * not start valid UTF-8. */
static size_t safe_len(const char *s, size_t *skip)
{
    uint32_t cp = 0;
    size_t n = utf8_len((const unsigned char *)s, &cp);

    if (n == 0 || cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
        *skip = n ? n : 1;
        return 0;
    }
    return n;
}

size_t kc_safe_char_len(const char *s)
{
    size_t skip;

    return safe_len(s, &skip);
}

size_t kc_unsafe_char_len(const char *s)
{
    size_t skip = 0;

    return safe_len(s, &skip) ? 0 : skip;
}

char *kc_term_safe(char *dst, size_t size, const char *src)
{
    size_t n = 0, skip = 0;

    if (size == 0)
        return dst;
    while (*src) {
        size_t len = safe_len(src, &skip);

        if (len == 0) {
            if (n + 1 >= size)
                break;
            dst[n++] = '?';
            src += skip;
            continue;
        }
        if (n + len >= size)
            break;
        memcpy(dst + n, src, len);
        n += len;
        src += len;
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

char *kc_term_dup(const char *src)
{
    size_t size = strlen(src) + 1;     /* one '?' per unsafe character: never longer */
    char *dst = malloc(size);

    if (!dst)
        kc_oom();
    return kc_term_safe(dst, size, src);
}

int kc_term_fputs(const char *src, FILE *out)
{
    size_t skip = 0;

    while (*src) {
        size_t len = safe_len(src, &skip);

        if (len == 0) {
            if (fputc('?', out) == EOF)
                return EOF;
            src += skip;
            continue;
        }
        if (fwrite(src, 1, len, out) != len)
            return EOF;
        src += len;
    }
    return 0;
}

char *kc_term_inplace(char *s)
{
    char *w = s;
    const char *r = s;
    size_t skip = 0;

    while (*r) {
        size_t len = safe_len(r, &skip);

        if (len == 0) {
            *w++ = '?';
            r += skip;
            continue;
        }
        memmove(w, r, len);
        w += len;
        r += len;
    }
    *w = '\0';
    return s;
}

bool kc_utf8_valid(const char *s, size_t len, size_t *bad_off)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;

    while (i < len) {
        uint32_t cp;
        size_t n;

        if (p[i] < 0x80) {             /* NUL bytes too: the length says where the end is */
            i++;
            continue;
        }
        n = utf8_len(p + i, &cp);
        if (n == 0 || n > len - i) {
            if (bad_off)
                *bad_off = i;
            return false;
        }
        i += n;
    }
    return true;
}

char *kc_utf8_repair(const char *s)
{
    size_t len = strlen(s), n = 0;
    char *out = len < SIZE_MAX / 3 ? malloc((len + 1) * 3) : NULL;   /* 1 byte -> 3 at worst */

    if (!out)
        kc_oom();
    while (*s) {
        uint32_t cp;
        size_t l = utf8_len((const unsigned char *)s, &cp);

        if (l == 0) {
            memcpy(out + n, "\xef\xbf\xbd", 3);
            n += 3;
            s++;
            continue;
        }
        memcpy(out + n, s, l);
        n += l;
        s += l;
    }
    out[n] = '\0';
    return out;
}
