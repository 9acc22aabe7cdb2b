/* SPDX-License-Identifier: MIT */
/* fleet_json.h: the versioned JSON fleet report (README "JSON reports", "report": "fleet"). */
#ifndef KC_FLEET_JSON_H
#define KC_FLEET_JSON_H

#include "fleet/fleet.h"
#include "input/config.h"

/* How the run was made: shown in both reports. */
typedef struct kc_fleet_meta {
    const char *profile;       /* NULL: none */
    const kc_policy_source *source;   /* where each policy value came from; NULL: not said */
    const char *existing;      /* which existing VMs count: "running", "all", "none" */
    unsigned timeout_s;
    unsigned parallel;
    const char *sort;          /* "name", "free", "bottleneck" */
} kc_fleet_meta;

/* The JSON report of @fleet (after kc_fleet_plan), hosts in their current order. Integers
 * are written from their decimal text. Returns a string the caller frees with free();
 * aborts on out-of-memory. */
char *kc_fleet_to_json(const kc_fleet *fleet, const kc_fleet_meta *meta, const char *version);

#endif /* KC_FLEET_JSON_H */
