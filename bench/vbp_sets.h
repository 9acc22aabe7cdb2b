/* SPDX-License-Identifier: MIT */
/* vbp_sets.h: the multi-dimensional vector packing sets (Panigrahy, Triplet, New) for bench,
 * regenerated from their definitions, and a reader of instance files in the VBP format. */
#ifndef KC_VBP_SETS_H
#define KC_VBP_SETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pack.h"

/* The three sets of Mommessin et al. (see vbp_sets.c), in 3 and 5 dimensions. */
typedef enum kc_vbp_set { KC_VBP_PANIGRAHY, KC_VBP_TRIPLET, KC_VBP_NEW, KC_VBP_SET_LAST }
    kc_vbp_set;

/* Generate class @cls of @set (Panigrahy 1..9, Triplet 1..3 = Caprara, Falkenauer,
 * Mommessin, New 1..6) with @n VMs in @nd dimensions from @seed into @items (room for @n
 * entries; identical vectors merged into counts) and *cap (@nd entries). Returns the number
 * of item types, 0 if the class or the size is out of range. */
size_t kc_vbp_set_generate(kc_vbp_set set, unsigned cls, unsigned n, unsigned nd,
                           uint64_t seed, uint64_t *cap, kc_pack_item *items);

/* Run every class of every set at every published size (n = 20 .. 501) in 3 and 5
 * dimensions over @seeds seeds (@max_n: skip larger sizes; 0 = all), each packing verified;
 * print per set, class, size and dimension (and with @cells_out one line per cell: set,
 * class, n, d, instances, mean bound, mean hosts, mean gap %, mean and max ms). @effort goes
 * to kc_pack_opts. Returns 0, or 5
 * if a packing failed its check. */
int kc_vbp_sets_main(unsigned seeds, unsigned max_n, uint32_t effort, bool cells_out);

/* Pack each instance file (or each *.vbp file of a directory) in @paths and print one line
 * each; with @ref_path (a tab-separated table with the columns instance_name, LB, OPT and
 * best_overall, as the published result tables have), compare with it: gap to the optimum
 * (or LB where OPT is -1), and instances where kvmcap uses more hosts than best_overall.
 * Files are untrusted input: a bad one is reported and skipped. Returns 0, 3 if a file or
 * the table could not be read, 5 if a packing failed its check. */
int kc_vbp_file_main(int n_paths, char **paths, const char *ref_path, uint32_t effort);

/* Write the generated sets (@seeds each) as VBP files under @dir (which must exist). */
int kc_vbp_sets_write(const char *dir, unsigned seeds);

#endif /* KC_VBP_SETS_H */
