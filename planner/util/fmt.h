/* SPDX-License-Identifier: MIT */
/* fmt.h: numbers for people: a quotient rounded the honest way, thousands separators,
 * and a count with its noun in the singular or the plural. Every report figure that is a
 * ratio, a share or a bound goes through kc_fmt_frac (README "The model, in short"). */
#ifndef KC_FMT_H
#define KC_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Which way a shown figure may move from the exact one. A lower bound ("at least", a fair
 * share) rounds down and an upper bound ("at most") up, so that the report never promises
 * more than is true; a plain amount or a utilization rounds to nearest (half up). */
typedef enum kc_round {
    KC_ROUND_DOWN,
    KC_ROUND_NEAREST,
    KC_ROUND_UP,
    KC_ROUND_LAST                /* sentinel: keep last */
} kc_round;

/* @num / @den with at most @decimals decimals (at most 6), rounded per @mode in exact
 * integer arithmetic, trailing zeros and a bare point dropped ("66.67", "0.88", "50").
 * @den 0 writes "-". Writes into @buf and returns it. */
char *kc_fmt_frac(char *buf, size_t size, uint64_t num, uint64_t den, unsigned decimals,
                  kc_round mode);

/* As kc_fmt_frac, but always @decimals decimals ("0.80", "12.00"): for table columns. */
char *kc_fmt_fixed(char *buf, size_t size, uint64_t num, uint64_t den, unsigned decimals,
                   kc_round mode);

/* 1234567 -> "1,234,567" (a report groups every figure of a table, or none). */
char *kc_fmt_grouped(char *buf, size_t size, uint64_t v);

/* "1 VM", "3 VMs", "0 VMs": @n, a space and @one when @n is 1, else @many (NULL: @one
 * with an "s"). Writes into @buf and returns it. */
char *kc_fmt_count(char *buf, size_t size, uint64_t n, const char *one, const char *many);

/* The plural ending after a count: "" when @n is 1, else "s" ("%llu VM%s", n, kc_s(n)). */
const char *kc_s(uint64_t n);

/* The noun alone: @one when @n is 1, else @many ("socket"/"sockets" after a count that is
 * printed apart from it). */
const char *kc_plural(uint64_t n, const char *one, const char *many);

#endif /* KC_FMT_H */
