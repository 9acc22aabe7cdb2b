/* SPDX-License-Identifier: MIT */
/* counter.h: cumulative counters with resets read as PromQL's rate() reads them, and several
 * counters (one per NIC or disk) summed onto one slot grid (pure, integers). */
#ifndef KC_COUNTER_H
#define KC_COUNTER_H

#include <stddef.h>
#include <stdint.h>

/*
 * A counter here is an array of slots (one per sample time of a grid), KC_COUNTER_NONE where
 * there is no value. PromQL treats a counter that goes down as one that restarted from 0, so
 * the increase over such a slot is the new value (not a negative number, not nothing). A
 * kvmcap recording instead starts a new series at a reset (model/stats): with Prometheus's
 * coarser steps (minutes) dropping the slot would lose more than it saves, and the figures
 * then agree with what the user's own PromQL says.
 */
#define KC_COUNTER_NONE UINT64_MAX

/* The increase of @raw over each slot into @inc (n slots): inc[0] and inc[k] where raw[k] or
 * raw[k-1] has no value are NONE; otherwise raw[k] - raw[k-1], or raw[k] where the counter
 * went down (a reset). Returns the number of resets. */
size_t kc_counter_increase(const uint64_t *raw, size_t n, uint64_t *inc);

/* Add the increases of @raw into @acc (n slots; start every slot NONE) and mark in @present
 * (n slots; start 0) the slots where @raw has a value. Where acc is NONE it counts as 0 when
 * an increase is added; sums saturate at NONE - 1. Returns the number of resets. */
size_t kc_counter_merge(uint64_t *acc, uint8_t *present, const uint64_t *raw, size_t n);

/* Turn merged increases into one cumulative counter that never goes down: out[k] is NONE
 * where @present[k] is 0, else the sum of the increases so far (saturating); fresh[k] is 1
 * where out[k] has a value but no increase into slot k is known (the first value, after a
 * gap), else 0. So the increase over slot k is out[k] - out[k-1] wherever fresh[k] is 0 and
 * out[k] has a value. */
void kc_counter_cumulate(const uint64_t *acc, const uint8_t *present, size_t n, uint64_t *out,
                         uint8_t *fresh);

#endif /* KC_COUNTER_H */
