/* SPDX-License-Identifier: MIT */
/* report_size.h: the human sizing report. */
#ifndef KC_REPORT_SIZE_H
#define KC_REPORT_SIZE_H

#include <stdio.h>

#include "size.h"

/* Workload lines, one row per candidate (ranked), the recommendation and its host layout. */
void kc_report_size_text(FILE *out, const kc_sizing *sizing, const kc_size_opts *opts);

/* What the text and JSON size reports warn about (strict NUMA, resources a candidate cannot
 * plan): up to @max lines into @out; returns how many. */
size_t kc_report_size_warnings(const kc_sizing *sizing, const kc_size_opts *opts,
                               char (*out)[256], size_t max);

#endif /* KC_REPORT_SIZE_H */
