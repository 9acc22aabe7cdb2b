/* SPDX-License-Identifier: MIT */
/* exact_packer.h: a brute-force vector bin packer for tests (independent of model/pack.c). */
#ifndef KC_EXACT_PACKER_H
#define KC_EXACT_PACKER_H

#include "pack.h"

#define KC_EXACT_MAX_VMS 24

/* The minimum number of hosts of capacity @cap holding all VMs of @items (expanded one by
 * one, at most KC_EXACT_MAX_VMS in total, each fitting an empty host). Returns the optimum,
 * or UINT64_MAX if the instance is too big or an item does not fit. */
uint64_t kc_exact_bins(const uint64_t *cap, size_t n_dims, const kc_pack_item *items,
                       size_t n_items);

#endif /* KC_EXACT_PACKER_H */
