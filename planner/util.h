/* SPDX-License-Identifier: MIT */
/* util.h: allocation that aborts on out-of-memory, bounded string copy, file reading. */
#ifndef KC_UTIL_H
#define KC_UTIL_H

#include <stddef.h>

#include "kc.h"

/* Allocate or abort with "kvmcap: out of memory" (as jq and GLib do). */
void *kc_xcalloc(size_t n, size_t size);
void *kc_xreallocarray(void *ptr, size_t n, size_t size);
char *kc_xstrdup(const char *s);

/* Copy @src into @dst of @size bytes, always NUL-terminated. Returns -1 if it was cut. */
int kc_strlcpy(char *dst, const char *src, size_t size);

/* Read a whole file (at most @max bytes) into a NUL-terminated buffer the caller frees.
 * Returns NULL with @err (KC_ERR_INVALID for a file too big or with a NUL byte, KC_ERR_HOST
 * for I/O) naming @path. *len gets the length if @len is non-NULL. */
char *kc_read_file(const char *path, size_t max, size_t *len, kc_error *err);

#endif /* KC_UTIL_H */
