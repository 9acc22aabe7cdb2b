/* SPDX-License-Identifier: MIT */
/* counter.c: counter increases across resets (PromQL's reading) and their sum over devices. */
#include "counter.h"

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    uint64_t s = a + b;

    return (s < a || s >= KC_COUNTER_NONE) ? KC_COUNTER_NONE - 1 : s;
}

size_t kc_counter_increase(const uint64_t *raw, size_t n, uint64_t *inc)
{
    size_t resets = 0;

    for (size_t k = 0; k < n; k++) {
        if (k == 0 || raw[k] == KC_COUNTER_NONE || raw[k - 1] == KC_COUNTER_NONE) {
            inc[k] = KC_COUNTER_NONE;
        } else if (raw[k] >= raw[k - 1]) {
            inc[k] = raw[k] - raw[k - 1];
        } else {
            inc[k] = raw[k];
            resets++;
        }
    }
    return resets;
}

size_t kc_counter_merge(uint64_t *acc, uint8_t *present, const uint64_t *raw, size_t n)
{
    size_t resets = 0;

    for (size_t k = 0; k < n; k++) {
        uint64_t inc;

        if (raw[k] == KC_COUNTER_NONE)
            continue;
        present[k] = 1;
        if (k == 0 || raw[k - 1] == KC_COUNTER_NONE)
            continue;
        if (raw[k] >= raw[k - 1]) {
            inc = raw[k] - raw[k - 1];
        } else {
            inc = raw[k];
            resets++;
        }
        acc[k] = add_sat(acc[k] == KC_COUNTER_NONE ? 0 : acc[k], inc);
    }
    return resets;
}

void kc_counter_cumulate(const uint64_t *acc, const uint8_t *present, size_t n, uint64_t *out,
                         uint8_t *fresh)
{
    uint64_t total = 0;

    for (size_t k = 0; k < n; k++) {
        if (!present[k]) {
            out[k] = KC_COUNTER_NONE;
            fresh[k] = 0;
            continue;
        }
        if (acc[k] == KC_COUNTER_NONE) {
            fresh[k] = 1;
        } else {
            total = add_sat(total, acc[k]);
            fresh[k] = 0;
        }
        out[k] = total;
    }
}
