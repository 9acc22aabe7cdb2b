/* SPDX-License-Identifier: MIT */
/* report_size.h: the human sizing report. */
#ifndef KC_REPORT_SIZE_H
#define KC_REPORT_SIZE_H

#include <stdio.h>

#include "input/config.h"
#include "kc.h"
#include "size.h"

/* What a sizing report shows: the sizing and how it was asked for. Borrows everything. */
typedef struct kc_size_report {
    const kc_sizing *sizing;
    const kc_candidate *cands;        /* the candidates the sizing ran on */
    const kc_size_opts *opts;
    const char *profile;              /* NULL: none */
    kc_existing existing;             /* which VMs of --from-facts count */
    const kc_policy_source *source;   /* where each policy value came from; NULL: not said */
    const char *version;              /* JSON: the "kvmcap" version */
} kc_size_report;

/* The sizing as text: workload lines, one row per candidate (ranked), the recommendation
 * and its host layout. (json: size_json.h; csv: report_csv.h; report/dispatch.h picks.) */
void kc_report_size_text(FILE *out, const kc_size_report *report);

/* What the text and JSON size reports warn about (strict NUMA, resources a candidate cannot
 * plan): up to @max lines into @out; returns how many. */
size_t kc_report_size_warnings(const kc_sizing *sizing, const kc_size_opts *opts,
                               char (*out)[256], size_t max);

#endif /* KC_REPORT_SIZE_H */
