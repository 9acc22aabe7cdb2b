/* SPDX-License-Identifier: MIT */
/* vbp_classes.h: the classic 2-D vector packing classes (Spieksma; Caprara-Toth) for bench. */
#ifndef KC_VBP_CLASSES_H
#define KC_VBP_CLASSES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pack.h"

/* The generators' random stream (splitmix64 over @s) and a uniform integer in [lo, hi]:
 * vbp_classes.c, shared with vbp_sets.c. */
uint64_t kc_vbp_rng(uint64_t *s);
uint64_t kc_vbp_uni(uint64_t *s, uint64_t lo, uint64_t hi);

#define KC_VBP_CLASSES 10
#define KC_VBP_SIZES 4

/* One class at one size, over its seeds. Gaps are hosts - bound (in hosts) and
 * (hosts - bound) / bound (in %); "opt" figures only over instances whose optimum is known
 * (the packer proved it, or class 10's construction gives n/3). */
typedef struct kc_vbp_cell {
    unsigned cls, n, inst;
    double lb_sum, hosts_sum;
    double gap_pct_sum, gap_pct_max;
    uint64_t gap_bins_sum, gap_bins_max;
    unsigned optimal;          /* hosts == lower bound (proven optimal by the bound) */
    unsigned proven;           /* the packer says proven_optimal */
    unsigned opt_known;        /* optimum known: proven, or class 10 by construction */
    uint64_t opt_gap_bins_sum;
    double opt_gap_pct_sum, opt_gap_pct_max;
    double ms_sum, ms_max;
} kc_vbp_cell;

/* Vector triplets (class 10's construction in more dimensions): d = 3 and 5, n = 249 and 501
 * VMs, the optimum n/3 known. */
#define KC_VBP_TRIP_DIMS 2
#define KC_VBP_TRIP_SIZES 2

typedef struct kc_vbp_result {
    unsigned seeds, trip_seeds;
    kc_vbp_cell cells[KC_VBP_CLASSES][KC_VBP_SIZES];
    kc_vbp_cell trip[KC_VBP_TRIP_DIMS][KC_VBP_TRIP_SIZES];
    double total_ms, trip_ms;
} kc_vbp_result;

/* Generate class @cls (1..10) with about @n items from @seed: *cap (2 entries) and up to
 * @n items (identical vectors merged into counts) in @items; returns how many item types.
 * Class 10 rounds @n down to a multiple of 3. */
size_t kc_vbp_generate(unsigned cls, unsigned n, uint64_t seed, uint64_t *cap,
                       kc_pack_item *items);

/* Run every class at n = 25, 50, 100, 200 over @seeds seeds, and the vector triplets over
 * @trip_seeds; each packing is verified with kc_pack_verify (exit 5 if one is wrong). */
void kc_vbp_run(unsigned seeds, unsigned trip_seeds, kc_vbp_result *out);
void kc_vbp_print(const kc_vbp_result *r);
/* The "vbp_classes" member of bench.json (no trailing comma or newline). */
void kc_vbp_json(FILE *f, const kc_vbp_result *r);

#endif /* KC_VBP_CLASSES_H */
