/* SPDX-License-Identifier: MIT */
/* json_parts.h: the JSON sub-objects several reports share, each written in one place so
 * that fit, size, fleet and sweep say the same thing with the same keys. */
#ifndef KC_JSON_PARTS_H
#define KC_JSON_PARTS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "facts/facts.h"
#include "input/config.h"
#include "fit.h"
#include "kc.h"
#include "pool.h"

/* What a report says of its policy. */
typedef struct kc_policy_view {
    const kc_policy *policy;
    const char *profile;              /* NULL: none (null in JSON) */
    kc_existing existing;             /* which existing VMs count */
    const kc_policy_source *source;   /* where each value came from; NULL: no policy_source */
    uint32_t swept;                   /* bits 1 << kc_conf_key of values a sweep varies:
                                         written as null */
} kc_policy_view;

/* Add "policy" to @root: overcommit_pct, reserve_mib, reserve_cpus, cpu_ratio, vm_overhead
 * (MiB or "auto"), disk_overcommit_pct, max_util_pct, profile, numa, net_mode,
 * net_efficiency_pct, existing; then, with a source, "policy_source" (each policy key's
 * "default", "option", "profile", "sweep" or "FILE:LINE"). Returns the policy object (owned
 * by @root) so that a report can add keys of its own after these. */
cJSON *kc_report_policy_json(cJSON *root, const kc_policy_view *view);

/* Add the keys of a host to @obj: source, uri (when @with_uri; null when unknown), name
 * (name= or the hostname), cpus, mem_mib, hugepages_mib, numa_nodes, uplink_kbps (all
 * NICs, before any networking mode's efficiency), storage_mib. */
void kc_report_host_json(cJSON *obj, const kc_facts *facts, const kc_host *host, bool with_uri);

/* Add @key to @obj: an object of what VMs hold: vms, vcpus, mem_mib, hugepages_mib,
 * disk_mib. Returns it (owned by @obj). */
cJSON *kc_report_usage_json(cJSON *obj, const char *key, const kc_usage *usage);

/* Add a shape's answer to @obj: count, bottleneck (the resources of @bottleneck, bit
 * 1 << kc_resource), too_big (the resource one VM exceeds, or null). */
void kc_report_answer_json(cJSON *obj, uint64_t count, uint32_t bottleneck, bool too_big,
                           kc_resource too_big_res);

/* The pools of @h under shape @s (README "Model"): "pool_limited", "pools" (a row per
 * pool: name, raid, role, eligible, capacities, use, the VMs it takes and what stops it) and
 * "bottleneck_pools" (the eligible pools stopped by a resource of @fit's bottleneck). Only
 * when the host has pools and the shape asks for disk, iops or throughput. */
void kc_report_pools_json(cJSON *obj, const kc_host *h, const kc_shape *s, const kc_policy *pol,
                          const kc_fit *fit);
/* Whether pool @p is stopped by a resource of @fit's bottleneck. */
bool kc_report_pool_is_bottleneck(const kc_pool_fit *p, const kc_fit *fit);

#endif /* KC_JSON_PARTS_H */
