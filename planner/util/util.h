/* SPDX-License-Identifier: MIT */
/* util.h: allocation that aborts on out-of-memory, bounded string copy, file reading,
 * untrusted text checks (JSON NUL escapes, terminal-safe output). */
#ifndef KC_UTIL_H
#define KC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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

/* Does the JSON @text hold a "\u0000" escape? cJSON decodes it into a NUL that silently cuts
 * the string ("1c1g\u0000,disk=9t" would read as "1c1g"), so readers refuse such files. */
bool kc_json_has_nul_escape(const char *text);

/* Copy @src into @dst of @size bytes (always NUL-terminated, cut if needed) with every
 * terminal control character replaced by '?': C0 controls (tab included), DEL, the C1
 * controls U+0080..U+009F (UTF-8 0xC2 0x80..0x9F) and bytes that are not UTF-8 at all (a
 * lone 0x9B is CSI on some terminals). Valid UTF-8 text is kept. Text from hosts and files
 * goes through this before it is printed, so it can neither move the cursor, retitle the
 * window, nor forge report lines. Returns @dst. */
char *kc_term_safe(char *dst, size_t size, const char *src);

/* kc_term_safe() into one of 8 rotating per-thread buffers of 1 KiB, for printf arguments:
 * fprintf(out, "%s %s", kc_term_str(a), kc_term_str(b)). Valid until 8 more calls. */
const char *kc_term_str(const char *src);

/* fputs(kc_term_safe(src)) without a length limit. Returns what fputs returns. */
int kc_term_fputs(const char *src, FILE *out);

#endif /* KC_UTIL_H */
