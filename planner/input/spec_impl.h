/* SPDX-License-Identifier: MIT */
/* spec_impl.h: what the spec files share (spec.c, spec_host.c, spec_vm.c, spec_set.c); not an
 * API outside planner/input/spec*.c. */
#ifndef KC_SPEC_IMPL_H
#define KC_SPEC_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "input/spec.h"

/* Longest spec we accept; longer text is an error, not a truncation. */
#define SPEC_MAX 1024

static inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static inline bool ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (lower(*a) != lower(*b))
            return false;
    return *a == *b;
}

/* Copy @s into @dst for quoting in a message: non-printable bytes become '?', and long text
 * is cut with "..." so that the detail after it still fits in kc_error.msg. */
static inline void quote(char *dst, size_t size, const char *s)
{
    size_t i, n = strlen(s), max = size - 1;

    if (n > max) {
        n = max - 3;
        memcpy(dst + n, "...", 4);
    } else {
        dst[n] = '\0';
    }
    for (i = 0; i < n; i++)
        dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
}

/* A quoted token for a message (sanitized, cut); lives until the end of the full
 * expression that calls Q(), which is all kc_error_set() needs. */
typedef struct qstr {
    char s[64];
} qstr;

static inline qstr Q(const char *tok)
{
    qstr q = { { 0 } };    /* quote() fills it; zeroed so that cppcheck sees it too */

    quote(q.s, sizeof(q.s), tok);
    return q;
}

#define BAD(err, fmt, tok) kc_error_set((err), KC_ERR_INVALID, fmt, Q(tok).s)

/* Turn the detail in @err into "bad WHAT 'TEXT': DETAIL". Returns -1. */
int kc_spec_wrap(kc_error *err, const char *what, const char *text);

/* Digits at @s into *@v; *@end after them. -1 on overflow of uint64 (never wraps; *@end is
 * still set). */
int kc_spec_digits_u64(const char *s, const char **end, uint64_t *v);

/* One token each, leaving a detail message in @err (the public kc_spec_parse_* wrap it):
 * a size in MiB, a bandwidth in kbit/s, a percentage in basis points, a plain integer. */
int kc_spec_size_detail(const char *tok, bool round_up, bool allow_zero, uint64_t *out,
                        kc_error *err);
int kc_spec_bw_detail(const char *tok, uint64_t *out, kc_error *err);
int kc_spec_pct_detail(const char *tok, uint32_t max_bp, uint32_t *out, kc_error *err);
int kc_spec_uint_detail(const char *tok, uint64_t max, uint64_t *out, kc_error *err);

/* Copy @text into @buf after checking length and characters (printable ASCII, no space). */
int kc_spec_load_text(const char *text, char *buf, size_t size, kc_error *err);

/* "CPUScMEMORY": the first item of a host or VM spec (@vm: a VM's, memory rounded up). */
int kc_spec_cpus_mem(const char *tok, bool vm, uint32_t *cpus, uint64_t *mem_mib,
                     kc_error *err);

/* Split "KEY=VALUE" in place; *@val is NULL when there is no '='. */
void kc_spec_split_key(char *tok, char **val);

/* Optional "Nx" prefix of a counted item ("2x10g", "4xnvme:1t"). */
int kc_spec_count_prefix(const char *key, char *val, uint64_t max, uint64_t *count,
                         char **rest, kc_error *err);

/* The items of a host spec in @buf (modified in place) into @facts (spec_host.c). */
int kc_spec_host_items(char *buf, const kc_catalog *catalog, kc_facts *facts, kc_error *err);

#endif /* KC_SPEC_IMPL_H */
