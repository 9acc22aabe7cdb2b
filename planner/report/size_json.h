/* SPDX-License-Identifier: MIT */
/* size_json.h: the sizing report in JSON. */
#ifndef KC_SIZE_JSON_H
#define KC_SIZE_JSON_H

#include "size.h"

/* The "size" JSON report (README "JSON reports"). @cands are the candidates the sizing ran on.
 * Returns a string the caller frees with free(). */
char *kc_report_size_json(const kc_sizing *sizing, const kc_candidate *cands,
                          const kc_size_opts *opts, const char *version);

#endif /* KC_SIZE_JSON_H */
