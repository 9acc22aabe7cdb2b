/* SPDX-License-Identifier: MIT */
/* report_facts.h: what `kvmcap facts` shows, as text or as the facts file's JSON. */
#ifndef KC_REPORT_FACTS_H
#define KC_REPORT_FACTS_H

#include <stdio.h>

#include "facts/facts.h"

/* The facts of one host, and the version its JSON file carries. Borrows both. */
typedef struct kc_facts_report {
    const kc_facts *facts;
    const char *version;
} kc_facts_report;

/* Write the facts as aligned text to @out: source and URI, CPUs and topology, memory and
 * where it came from, NUMA nodes, hugepages, NICs, networks, storage pools, VMs (sorted as
 * given) with their state and what the running ones hold, then the notes (what is
 * unknown). Unknown values print as "unknown". Returns 0, or -1 with @err (KC_ERR_HOST)
 * when @out fails. */
int kc_report_facts_text(FILE *out, const kc_facts_report *report, kc_error *err);

/* Write the facts file's JSON (facts_json.h), which `--facts FILE` reads back. Returns 0,
 * or -1 with @err (KC_ERR_INTERNAL) when it cannot be made. */
int kc_report_facts_json(FILE *out, const kc_facts_report *report, kc_error *err);

#endif /* KC_REPORT_FACTS_H */
