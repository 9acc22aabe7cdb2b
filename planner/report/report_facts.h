/* SPDX-License-Identifier: MIT */
/* report_facts.h: the human text of `kvmcap facts`. */
#ifndef KC_REPORT_FACTS_H
#define KC_REPORT_FACTS_H

#include <stdio.h>

#include "facts/facts.h"

/* Write @facts as aligned text to @out: source and URI, CPUs and topology, memory and where
 * it came from, NUMA nodes, hugepages, NICs, networks, storage pools, VMs (sorted as given)
 * with their state and what the running ones hold, then the notes (what is unknown).
 * Unknown values print as "unknown". Returns 0, or -1 with @err (KC_ERR_HOST) when @out
 * fails. Borrows everything. */
int kc_report_facts_text(FILE *out, const kc_facts *facts, kc_error *err);

#endif /* KC_REPORT_FACTS_H */
