/* SPDX-License-Identifier: MIT */
/* fmt.c: numbers for people: honest rounding, thousands separators, singular and plural. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kc.h"
#include "util/fmt.h"

static const uint64_t pow10_table[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };

/* The quotient scaled by 10^decimals, rounded per @mode; exact (128-bit) arithmetic. */
static kc_u128 scaled(uint64_t num, uint64_t den, unsigned decimals, kc_round mode)
{
    kc_u128 n = (kc_u128)num * pow10_table[decimals];

    switch (mode) {
    case KC_ROUND_UP:
        return (n + den - 1) / den;
    case KC_ROUND_NEAREST:
        return (n + den / 2) / den;
    case KC_ROUND_DOWN:
    case KC_ROUND_LAST:
        break;
    }
    return n / den;
}

static char *fmt(char *buf, size_t size, uint64_t num, uint64_t den, unsigned decimals,
                 kc_round mode, bool trim)
{
    kc_u128 v;
    uint64_t whole, frac, scale;
    char digits[24];
    size_t len;

    if (size == 0)
        return buf;
    if (den == 0) {
        snprintf(buf, size, "-");
        return buf;
    }
    if (decimals > 6)
        decimals = 6;
    scale = pow10_table[decimals];
    v = scaled(num, den, decimals, mode);
    whole = (uint64_t)(v / scale);    /* num < 2^64 and den >= 1: whole + 1 fits */
    frac = (uint64_t)(v % scale);
    if (decimals == 0) {
        snprintf(buf, size, "%" PRIu64, whole);
        return buf;
    }
    snprintf(digits, sizeof(digits), "%0*" PRIu64, (int)decimals, frac);
    len = strlen(digits);
    while (trim && len > 0 && digits[len - 1] == '0')
        digits[--len] = '\0';
    if (len == 0)
        snprintf(buf, size, "%" PRIu64, whole);
    else
        snprintf(buf, size, "%" PRIu64 ".%s", whole, digits);
    return buf;
}

char *kc_fmt_frac(char *buf, size_t size, uint64_t num, uint64_t den, unsigned decimals,
                  kc_round mode)
{
    return fmt(buf, size, num, den, decimals, mode, true);
}

char *kc_fmt_fixed(char *buf, size_t size, uint64_t num, uint64_t den, unsigned decimals,
                   kc_round mode)
{
    return fmt(buf, size, num, den, decimals, mode, false);
}

char *kc_fmt_grouped(char *buf, size_t size, uint64_t v)
{
    char raw[32];
    size_t len, o = 0;

    if (size == 0)
        return buf;
    snprintf(raw, sizeof(raw), "%" PRIu64, v);
    len = strlen(raw);
    for (size_t i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = '\0';
    return buf;
}

const char *kc_s(uint64_t n)
{
    return n == 1 ? "" : "s";
}

const char *kc_plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

char *kc_fmt_count(char *buf, size_t size, uint64_t n, const char *one, const char *many)
{
    if (many)
        snprintf(buf, size, "%" PRIu64 " %s", n, n == 1 ? one : many);
    else
        snprintf(buf, size, "%" PRIu64 " %s%s", n, one, kc_s(n));
    return buf;
}
