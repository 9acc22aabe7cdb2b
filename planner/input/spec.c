/* SPDX-License-Identifier: MIT */
/* spec.c: the spec grammar's numbers and units (exact decimals into sizes, bandwidths,
 * percentages, ratios) and the token helpers every spec shares; host specs are in
 * spec_host.c, VM specs in spec_vm.c, --set in spec_set.c. */
#include <stdio.h>
#include <string.h>

#include "input/spec_impl.h"
#include "util/util.h"

/* Decimals a size or bandwidth may carry: 1e-6 t is about one MiB, finer makes no sense. */
#define SIZE_DECIMALS 6

static const uint64_t pow10_tab[] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
};

/* A decimal number split into its integer part and its significant fraction digits:
 * value = ip + frac / 10^nfrac, exactly. */
typedef struct dec {
    uint64_t ip;
    uint64_t frac;
    unsigned nfrac;
} dec;

int kc_spec_wrap(kc_error *err, const char *what, const char *text)
{
    char detail[sizeof(err->msg)];
    char q[64];

    if (!err)
        return -1;
    memcpy(detail, err->msg, sizeof(detail));
    detail[sizeof(detail) - 1] = '\0';
    quote(q, sizeof(q), text);
    return kc_error_set(err, KC_ERR_INVALID, "bad %s '%s': %s", what, q, detail);
}

int kc_spec_digits_u64(const char *s, const char **end, uint64_t *v)
{
    uint64_t x = 0;
    bool over = false;

    for (; is_digit(*s); s++) {
        unsigned d = (unsigned)(*s - '0');

        if (x > (UINT64_MAX - d) / 10)
            over = true;
        else
            x = x * 10 + d;
    }
    *end = s;
    *v = x;
    return over ? -1 : 0;
}

/* Parse "DIGITS[.DIGITS]" at @s (which must start with a digit); *@end after it. Trailing
 * zeros of the fraction are not significant; more than @max_dec significant decimals is an
 * error. @tok names the whole token in messages. */
static int parse_dec(const char *s, const char **end, unsigned max_dec, const char *tok,
                     dec *d, kc_error *err)
{
    const char *p, *fstart;
    unsigned sig = 0, n = 0;

    if (!is_digit(*s))
        return BAD(err, "'%s' is not a number", tok);
    if (kc_spec_digits_u64(s, &p, &d->ip) < 0)
        return BAD(err, "'%s' is too large", tok);
    d->frac = 0;
    d->nfrac = 0;
    if (*p == '.') {
        p++;
        fstart = p;
        if (!is_digit(*p))
            return BAD(err, "'%s' has no digit after '.'", tok);
        for (; is_digit(*p); p++) {
            n++;
            if (*p != '0')
                sig = n;
            if (n > 4096)
                return BAD(err, "'%s' has too many decimals", tok);
        }
        if (sig > max_dec)
            return kc_error_set(err, KC_ERR_INVALID, "'%s' has too many decimals (at most %u)",
                                Q(tok).s, max_dec);
        for (unsigned i = 0; i < sig; i++)
            d->frac = d->frac * 10 + (uint64_t)(fstart[i] - '0');
        d->nfrac = sig;
    }
    *end = p;
    return 0;
}

int kc_spec_size_detail(const char *tok, bool round_up, bool allow_zero, uint64_t *out,
                        kc_error *err)
{
    const char *end;
    dec d;
    kc_u128 num, q, r;
    uint64_t unit;
    char u;

    if (!*tok)
        return kc_error_set(err, KC_ERR_INVALID, "empty size (e.g. 512m, 1.5g, 2t)");
    if (!is_digit(*tok))
        return BAD(err, "'%s' is not a size (e.g. 512m, 1.5g, 2t)", tok);
    if (parse_dec(tok, &end, SIZE_DECIMALS, tok, &d, err) < 0)
        return -1;
    if (!*end) {
        if (d.ip == 0 && d.frac == 0) {
            if (allow_zero) {
                *out = 0;
                return 0;
            }
            return BAD(err, "'%s' must be above zero", tok);
        }
        return BAD(err, "'%s' needs a unit (m, g or t)", tok);
    }
    u = lower(*end);
    if (u == 'm')
        unit = 1;
    else if (u == 'g')
        unit = 1024;
    else if (u == 't')
        unit = 1024 * 1024;
    else
        return BAD(err, "unknown unit '%s' (use m, g or t)", end);
    if (end[1] && !ieq(end + 1, "b") && !ieq(end + 1, "ib"))
        return BAD(err, "unknown unit '%s' (use m, g or t)", end);
    /* ip < 2^64, 10^6 < 2^20, unit <= 2^20: the product fits in 128 bits. */
    num = ((kc_u128)d.ip * pow10_tab[d.nfrac] + d.frac) * unit;
    q = num / pow10_tab[d.nfrac];
    r = num % pow10_tab[d.nfrac];
    if (r && round_up)
        q++;
    if (q == 0) {
        if (num == 0 && allow_zero) {
            *out = 0;
            return 0;
        }
        if (num == 0)
            return BAD(err, "'%s' must be above zero", tok);
        return BAD(err, "'%s' rounds down to zero MiB", tok);
    }
    if (q > KC_SPEC_SIZE_MAX_MIB)
        return BAD(err, "'%s' is too large (at most 2^50 MiB)", tok);
    *out = (uint64_t)q;
    return 0;
}

int kc_spec_bw_detail(const char *tok, uint64_t *out, kc_error *err)
{
    const char *end;
    dec d;
    kc_u128 num;
    uint64_t mult;
    char u;

    if (!*tok)
        return kc_error_set(err, KC_ERR_INVALID, "empty bandwidth (e.g. 100m, 10g)");
    if (!is_digit(*tok))
        return BAD(err, "'%s' is not a bandwidth (e.g. 100m, 10g)", tok);
    if (parse_dec(tok, &end, SIZE_DECIMALS, tok, &d, err) < 0)
        return -1;
    if (!*end)
        return BAD(err, "'%s' needs a unit (k, m, g or t bit/s)", tok);
    u = lower(*end);
    if (u == 'k')
        mult = 1;
    else if (u == 'm')
        mult = 1000;
    else if (u == 'g')
        mult = 1000000;
    else if (u == 't')
        mult = 1000000000;
    else
        return BAD(err, "unknown unit '%s' (use k, m, g or t bit/s)", end);
    if (end[1] && !ieq(end + 1, "bit") && !ieq(end + 1, "bps"))
        return BAD(err, "unknown unit '%s' (use k, m, g or t bit/s)", end);
    num = ((kc_u128)d.ip * pow10_tab[d.nfrac] + d.frac) * mult;
    if (num % pow10_tab[d.nfrac])
        return BAD(err, "'%s' is not a whole number of kbit/s", tok);
    num /= pow10_tab[d.nfrac];
    if (num == 0)
        return BAD(err, "'%s' must be above zero", tok);
    if (num > KC_SPEC_BW_MAX_KBPS)
        return BAD(err, "'%s' is too large (at most 2^50 kbit/s)", tok);
    *out = (uint64_t)num;
    return 0;
}

int kc_spec_pct_detail(const char *tok, uint32_t max_bp, uint32_t *out, kc_error *err)
{
    const char *end;
    dec d;
    kc_u128 bp;

    if (!*tok)
        return kc_error_set(err, KC_ERR_INVALID, "empty percentage (e.g. 20, 12.5%%)");
    if (!is_digit(*tok))
        return BAD(err, "'%s' is not a percentage (e.g. 20, 12.5%%)", tok);
    if (parse_dec(tok, &end, 2, tok, &d, err) < 0)
        return -1;
    if (*end == '%')
        end++;
    if (*end)
        return BAD(err, "'%s' is not a percentage (e.g. 20, 12.5%%)", tok);
    bp = (kc_u128)d.ip * 100 + d.frac * pow10_tab[2 - d.nfrac];
    if (bp > max_bp)
        return kc_error_set(err, KC_ERR_INVALID, "'%s' is above %u.%02u %%", Q(tok).s,
                            max_bp / 100, max_bp % 100);
    *out = (uint32_t)bp;
    return 0;
}

static int ratio_detail(const char *tok, uint32_t *out, kc_error *err)
{
    const char *end;
    dec d;
    kc_u128 milli;

    if (!*tok)
        return kc_error_set(err, KC_ERR_INVALID, "empty ratio (e.g. 4, 1.5)");
    if (!is_digit(*tok))
        return BAD(err, "'%s' is not a ratio (e.g. 4, 1.5)", tok);
    if (parse_dec(tok, &end, 3, tok, &d, err) < 0)
        return -1;
    if (*end)
        return BAD(err, "'%s' is not a ratio (e.g. 4, 1.5)", tok);
    milli = (kc_u128)d.ip * 1000 + d.frac * pow10_tab[3 - d.nfrac];
    if (milli == 0)
        return BAD(err, "'%s' must be above 0", tok);
    if (milli > 1000u * KC_MILLI_ONE)
        return BAD(err, "'%s' is above 1000", tok);
    *out = (uint32_t)milli;
    return 0;
}

int kc_spec_uint_detail(const char *tok, uint64_t max, uint64_t *out, kc_error *err)
{
    const char *end;
    uint64_t v;

    if (!*tok)
        return kc_error_set(err, KC_ERR_INVALID, "empty number");
    if (!is_digit(*tok))
        return BAD(err, "'%s' is not a whole number", tok);
    if (kc_spec_digits_u64(tok, &end, &v) < 0 || (!*end && v > max))
        return kc_error_set(err, KC_ERR_INVALID, "'%s' is too large (at most %llu)", Q(tok).s,
                            (unsigned long long)max);
    if (*end)
        return BAD(err, "'%s' is not a whole number", tok);
    *out = v;
    return 0;
}

int kc_spec_parse_size_mib(const char *text, bool round_up, bool allow_zero, uint64_t *out,
                           kc_error *err)
{
    if (kc_spec_size_detail(text, round_up, allow_zero, out, err) < 0)
        return kc_spec_wrap(err, "size", text);
    return 0;
}

int kc_spec_parse_bandwidth_kbps(const char *text, uint64_t *out, kc_error *err)
{
    if (kc_spec_bw_detail(text, out, err) < 0)
        return kc_spec_wrap(err, "bandwidth", text);
    return 0;
}

int kc_spec_parse_percent_bp(const char *text, uint32_t max_bp, uint32_t *out, kc_error *err)
{
    if (kc_spec_pct_detail(text, max_bp, out, err) < 0)
        return kc_spec_wrap(err, "percentage", text);
    return 0;
}

int kc_spec_parse_ratio_milli(const char *text, uint32_t *out, kc_error *err)
{
    if (ratio_detail(text, out, err) < 0)
        return kc_spec_wrap(err, "ratio", text);
    return 0;
}

int kc_spec_parse_uint(const char *text, uint64_t max, uint64_t *out, kc_error *err)
{
    if (kc_spec_uint_detail(text, max, out, err) < 0)
        return kc_spec_wrap(err, "number", text);
    return 0;
}

/* ---- specs ---- */

int kc_spec_load_text(const char *text, char *buf, size_t size, kc_error *err)
{
    size_t n = strlen(text);

    if (n == 0)
        return kc_error_set(err, KC_ERR_INVALID, "empty spec");
    if (n >= size)
        return kc_error_set(err, KC_ERR_INVALID, "spec is longer than %zu characters",
                            size - 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];

        if (c == ' ')
            return kc_error_set(err, KC_ERR_INVALID, "unexpected space at offset %zu", i);
        if (c < 0x21 || c > 0x7e)
            return kc_error_set(err, KC_ERR_INVALID,
                                "unexpected byte 0x%02x at offset %zu", c, i);
    }
    memcpy(buf, text, n + 1);
    return 0;
}

int kc_spec_cpus_mem(const char *tok, bool vm, uint32_t *cpus, uint64_t *mem_mib,
                     kc_error *err)
{
    const char *p;
    uint64_t n;

    if (!is_digit(*tok) || kc_spec_digits_u64(tok, &p, &n) < 0) {
        if (is_digit(*tok))
            return BAD(err, "CPU count in '%s' is too large", tok);
        return BAD(err, vm ? "'%s' is neither CPUScMEMORY (e.g. 2c4g) nor a flavor"
                           : "'%s' is not CPUScMEMORY (e.g. 8c8g)", tok);
    }
    if (*p != 'c' && *p != 'C')
        return BAD(err, vm ? "'%s' is not CPUScMEMORY (e.g. 2c4g)"
                           : "'%s' is not CPUScMEMORY (e.g. 8c8g)", tok);
    if (n > UINT32_MAX)
        return BAD(err, "CPU count in '%s' is too large (at most 4294967295)", tok);
    if (n == 0)
        return kc_error_set(err, KC_ERR_INVALID, vm ? "a VM needs at least one vCPU"
                                                    : "a host needs at least one CPU");
    if (!p[1])
        return BAD(err, "'%s' needs a memory size after 'c' (e.g. 2c4g)", tok);
    if (kc_spec_size_detail(p + 1, vm, false, mem_mib, err) < 0)
        return -1;
    *cpus = (uint32_t)n;
    return 0;
}

void kc_spec_split_key(char *tok, char **val)
{
    char *eq = strchr(tok, '=');

    *val = NULL;
    if (eq) {
        *eq = '\0';
        *val = eq + 1;
    }
}

int kc_spec_count_prefix(const char *key, char *val, uint64_t max, uint64_t *count,
                         char **rest, kc_error *err)
{
    const char *p;
    uint64_t n;

    *count = 1;
    *rest = val;
    if (!is_digit(*val))
        return 0;
    if (kc_spec_digits_u64(val, &p, &n) < 0) {
        if (*p == 'x' || *p == 'X')
            return BAD(err, "count in '%s' is too large", val);
        return 0;
    }
    if (*p != 'x' && *p != 'X')
        return 0;
    if (n == 0 || n > max)
        return kc_error_set(err, KC_ERR_INVALID, "%s count in '%s' must be 1 to %llu", key,
                            Q(val).s, (unsigned long long)max);
    *count = n;
    *rest = (char *)p + 1;
    return 0;
}
