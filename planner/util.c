/* SPDX-License-Identifier: MIT */
/* util.c: allocation that aborts on out-of-memory, bounded string copy, file reading. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

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
