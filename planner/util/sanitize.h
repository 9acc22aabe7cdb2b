/* SPDX-License-Identifier: MIT */
/* sanitize.h: the one sanitizer for text from outside (hosts, files, options) on its way out:
 * terminal text, error messages, CSV, Prometheus labels, and valid UTF-8 for JSON. */
#ifndef KC_SANITIZE_H
#define KC_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * What is unsafe: the C0 controls (tab and newline included), DEL, the C1 controls
 * U+0080..U+009F (UTF-8 0xC2 0x80..0x9F: U+009B is CSI, as is a lone 0x9B byte on some
 * terminals), and bytes that are not UTF-8 at all (a stray 8-bit byte, an overlong form, a
 * surrogate, beyond U+10FFFF). Valid UTF-8 text other than those is kept as it is. A
 * terminal, a spreadsheet or a scraper then never sees a byte that moves the cursor,
 * retitles the window or forges a line.
 */

/* Length of the safe UTF-8 character at @s (1..4), or 0 for an unsafe byte or sequence
 * (see above) or the end of the string. */
size_t kc_safe_char_len(const char *s);

/* How many bytes the unsafe character at @s takes (a C1 control is one character of two
 * bytes; a byte that does not start valid UTF-8 is one), or 0 if it is safe or the end.
 * Each unsafe character is replaced by one '?' below. */
size_t kc_unsafe_char_len(const char *s);

/* Copy @src into @dst of @size bytes (always NUL-terminated, cut at a character boundary if
 * needed) with every unsafe character replaced by one '?'. Returns @dst. */
char *kc_term_safe(char *dst, size_t size, const char *src);

/* kc_term_safe() into one of 8 rotating per-thread buffers of 1 KiB, for printf arguments:
 * fprintf(out, "%s %s", kc_term_str(a), kc_term_str(b)). Valid until 8 more calls. */
const char *kc_term_str(const char *src);

/* kc_term_safe() of the whole of @src into a new string the caller frees. Aborts on
 * out-of-memory. */
char *kc_term_dup(const char *src);

/* fputs(kc_term_safe(src)) without a length limit. Returns what fputs returns. */
int kc_term_fputs(const char *src, FILE *out);

/* Make @s (NUL-terminated, in place) safe for a one-line message: as kc_term_safe(), but the
 * replacement keeps the length (the string can only shrink), so it works on a fixed buffer
 * such as kc_error's. Returns @s. */
char *kc_term_inplace(char *s);

/* Is @s (@len bytes) valid UTF-8 (any code point, controls included)? If not, *bad_off (when
 * non-NULL) gets the offset of the first byte that is not. */
bool kc_utf8_valid(const char *s, size_t len, size_t *bad_off);

/* A copy of @s with every byte that does not start valid UTF-8 replaced by U+FFFD (one per
 * byte, as Python's errors="replace" and jq do); everything else, controls included, is
 * kept. The caller frees it. Aborts on out-of-memory. */
char *kc_utf8_repair(const char *s);

#endif /* KC_SANITIZE_H */
