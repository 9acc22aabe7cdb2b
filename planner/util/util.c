/* SPDX-License-Identifier: MIT */
/* util.c: allocation that aborts on out-of-memory, bounded string copy, file reading,
 * writing a whole buffer, monotonic milliseconds, the JSON NUL-escape check (text that reaches a reader: util/sanitize.c). */
#define _XOPEN_SOURCE 700      /* O_CLOEXEC, S_ISSOCK */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"


void *kc_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (!p)
        kc_oom();
    return p;
}

void *kc_xreallocarray(void *ptr, size_t n, size_t size)
{
    void *p;

    if (size && n > SIZE_MAX / size)
        kc_oom();
    p = realloc(ptr, n * size != 0 ? n * size : 1);
    if (!p)
        kc_oom();
    return p;
}

char *kc_xstrdup(const char *s)
{
    char *p = strdup(s);

    if (!p)
        kc_oom();
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

/* What a file that is not a regular one is, for the message. */
static const char *file_kind(mode_t mode)
{
    return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO" :
           S_ISCHR(mode) || S_ISBLK(mode) ? "a device" : S_ISSOCK(mode) ? "a socket" :
           "not a regular file";
}

/* Open @path for reading: a regular file only. O_NONBLOCK, so that opening a FIFO with no
 * writer returns at once instead of blocking, and fstat() on what was opened (no race with
 * a stat() of the name): a FIFO, a device or a directory is refused before any read. */
static FILE *open_regular(const char *path, kc_error *err)
{
    struct stat st;
    FILE *f;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

    if (fd < 0) {
        kc_error_set(err, KC_ERR_HOST, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        int e = errno;

        if (!S_ISREG(st.st_mode))
            kc_error_set(err, KC_ERR_INVALID, "'%s' is %s, not a file", path,
                         file_kind(st.st_mode));
        else
            kc_error_set(err, KC_ERR_HOST, "cannot open '%s': %s", path, strerror(e));
        close(fd);
        return NULL;
    }
    f = fdopen(fd, "rb");
    if (!f) {
        kc_error_set(err, KC_ERR_HOST, "cannot open '%s': %s", path, strerror(errno));
        close(fd);
    }
    return f;
}

char *kc_read_file(const char *path, size_t max, size_t *len, kc_error *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : open_regular(path, err);
    char *buf = NULL;
    size_t cap = 0, n = 0;

    if (!f)
        return NULL;
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

int kc_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len) {
        ssize_t w = write(fd, p, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int64_t kc_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
