/* SPDX-License-Identifier: MIT */
/* report_size.h: the human sizing report. */
#ifndef KC_REPORT_SIZE_H
#define KC_REPORT_SIZE_H

#include <stdio.h>

#include "size.h"

/* Workload lines, one row per candidate (ranked), the recommendation and its host layout. */
void kc_report_size_text(FILE *out, const kc_sizing *sizing, const kc_size_opts *opts);

#endif /* KC_REPORT_SIZE_H */
