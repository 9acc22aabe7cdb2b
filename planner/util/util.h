/* SPDX-License-Identifier: MIT */
/* util.h: allocation that aborts on out-of-memory, bounded string copy, file reading,
 * the JSON NUL-escape check; includes util/sanitize.h (text from outside, made safe). */
#ifndef KC_UTIL_H
#define KC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kc.h"
#include "util/oom.h"
#include "util/sanitize.h"

/* Allocate or exit through kc_oom() (as jq and GLib give up on out-of-memory). */
void *kc_xcalloc(size_t n, size_t size);
void *kc_xreallocarray(void *ptr, size_t n, size_t size);
char *kc_xstrdup(const char *s);

/* Copy @src into @dst of @size bytes, always NUL-terminated. Returns -1 if it was cut. */
int kc_strlcpy(char *dst, const char *src, size_t size);

/* Write all @len bytes of @buf to @fd, again after EINTR. Returns 0, or -1 (errno set). */
int kc_write_all(int fd, const void *buf, size_t len);

/* Monotonic time in milliseconds (deadlines; never the wall clock). */
int64_t kc_now_ms(void);

/* Read a whole file (at most @max bytes) into a NUL-terminated buffer the caller frees;
 * "-" is standard input. Returns NULL with @err naming @path: KC_ERR_INVALID for a file
 * too big, with a NUL byte, or that is not a regular file (a FIFO, a device, a directory,
 * a socket: refused at once, never read, so never a block), KC_ERR_HOST for I/O.
 * *len gets the length if @len is non-NULL. */
char *kc_read_file(const char *path, size_t max, size_t *len, kc_error *err);

/* Does the JSON @text hold a "\u0000" escape? cJSON decodes it into a NUL that silently cuts
 * the string ("1c1g\u0000,disk=9t" would read as "1c1g"), so readers refuse such files. */
bool kc_json_has_nul_escape(const char *text);

#endif /* KC_UTIL_H */
