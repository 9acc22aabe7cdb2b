/* SPDX-License-Identifier: MIT */
/* workload_json.c: workload files in, the sizing report out (JSON, through cJSON). */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "report.h"
#include "report_size.h"
#include "spec.h"
#include "util.h"
#include "workload_json.h"

#define JSON_INT_MAX 9007199254740991ull    /* 2^53 - 1: above it a double is not exact */

int kc_workload_from_json(const char *text, const char *origin, const kc_catalog *catalog,
                          kc_workload_line **lines, size_t *n, kc_error *err)
{
    cJSON *root = NULL;
    const cJSON *arr, *item;
    int ret = -1;
    size_t i = 0;

    if (kc_json_has_nul_escape(text)) {
        /* cJSON would decode it into a NUL that silently cuts the string */
        kc_error_set(err, KC_ERR_INVALID, "%s: a string contains a NUL character ('\\u0000')",
                     origin);
        goto out;
    }
    root = cJSON_ParseWithOpts(text, NULL, true);    /* nothing may follow the object */
    if (!cJSON_IsObject(root)) {
        kc_error_set(err, KC_ERR_INVALID, "%s: not a JSON object", origin);
        goto out;
    }
    arr = cJSON_GetObjectItemCaseSensitive(root, "workload");
    if (!cJSON_IsArray(arr)) {
        kc_error_set(err, KC_ERR_INVALID, "%s: 'workload' must be an array", origin);
        goto out;
    }
    /* room for every entry at once: growing by one per line copies the array each time
     * (quadratic; glibc's realloc hides it, ASan's does not) */
    *lines = kc_xreallocarray(*lines, *n + (size_t)cJSON_GetArraySize(arr), sizeof(**lines));
    cJSON_ArrayForEach(item, arr) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");
        const cJSON *vm = cJSON_GetObjectItemCaseSensitive(item, "vm");
        const cJSON *count = cJSON_GetObjectItemCaseSensitive(item, "count");
        kc_workload_line *line;
        char label[160];
        bool has_count = false;
        uint64_t spec_count = 0;
        double c;

        if (!cJSON_IsObject(item)) {
            kc_error_set(err, KC_ERR_INVALID, "%s: 'workload[%zu]' must be an object", origin, i);
            goto out;
        }
        if (!cJSON_IsString(vm)) {
            kc_error_set(err, KC_ERR_INVALID, "%s: 'workload[%zu].vm' must be a VM spec string",
                         origin, i);
            goto out;
        }
        if (name && !cJSON_IsString(name)) {
            kc_error_set(err, KC_ERR_INVALID, "%s: 'workload[%zu].name' must be a string",
                         origin, i);
            goto out;
        }
        c = cJSON_IsNumber(count) ? count->valuedouble : -1;
        if (!cJSON_IsNumber(count) || !(c >= 0) || c > (double)JSON_INT_MAX || c != floor(c)) {
            kc_error_set(err, KC_ERR_INVALID,
                         "%s: 'workload[%zu].count' must be an integer from 0 to 2^53 - 1",
                         origin, i);
            goto out;
        }
        line = &(*lines)[*n];
        memset(line, 0, sizeof(*line));
        if (kc_spec_parse_vm(vm->valuestring, catalog, &line->shape, &spec_count, &has_count,
                             label, sizeof(label), err) < 0) {
            char inner[sizeof(err->msg)];

            snprintf(inner, sizeof(inner), "%s", err->msg);
            kc_error_set(err, KC_ERR_INVALID, "%s: 'workload[%zu].vm': %s", origin, i, inner);
            goto out;
        }
        if (has_count) {
            kc_error_set(err, KC_ERR_INVALID,
                         "%s: 'workload[%zu].vm' has a ':COUNT'; use \"count\"", origin, i);
            goto out;
        }
        if (kc_strlcpy(line->name, name ? name->valuestring : label, sizeof(line->name)) < 0) {
            kc_error_set(err, KC_ERR_INVALID, "%s: 'workload[%zu].name' is longer than %d bytes",
                         origin, i, KC_NAME_MAX - 1);
            goto out;
        }
        line->count = (uint64_t)c;
        (*n)++;
        i++;
    }
    ret = 0;
 out:
    cJSON_Delete(root);
    return ret;
}

/* ---- the size report -------------------------------------------------------------------- */

/* basis points as a fraction: 9345 -> 0.9345 */
static void add_fraction(cJSON *obj, const char *key, uint64_t bp)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%" PRIu64 ".%04" PRIu64, bp / KC_BP_ONE, bp % KC_BP_ONE);
    kc_json_must(cJSON_AddRawToObject(obj, key, buf));
}

static void candidate_json(cJSON *arr, const kc_sizing *s, const kc_size_result *r)
{
    cJSON *o = kc_json_must(cJSON_CreateObject());
    cJSON *util, *per_host;
    char buf[48];

    cJSON_AddItemToArray(arr, o);
    kc_json_must(cJSON_AddStringToObject(o, "name", r->name));
    if (r->rank == KC_SIZE_RANK_INFEASIBLE) {
        kc_json_must(cJSON_AddBoolToObject(o, "feasible", false));
        snprintf(buf, sizeof(buf), "%s", kc_resource_name(r->misfit_res));
        kc_json_must(cJSON_AddStringToObject(o, "misfit_vm", s->lines[r->misfit_line].name));
        kc_json_must(cJSON_AddStringToObject(o, "misfit_resource", buf));
        return;
    }
    kc_json_must(cJSON_AddBoolToObject(o, "feasible", true));
    kc_json_add_u64(o, "hosts", r->hosts);
    kc_json_add_u64(o, "hosts_packed", r->hosts_packed);
    kc_json_add_u64(o, "lower_bound", r->lower_bound);
    kc_json_add_u64(o, "gap", r->hosts_packed - r->lower_bound);
    kc_json_must(cJSON_AddBoolToObject(o, "proven_optimal", r->proven_optimal));
    kc_json_must(cJSON_AddStringToObject(o, "method", kc_pack_heuristic_name(r->method)));
    if (r->price) {
        kc_json_add_u64(o, "price", r->price);
        kc_json_add_u64(o, "price_total", r->price_total);
        snprintf(buf, sizeof(buf), "%" PRIu64 ".%02" PRIu64, r->price_per_vm_cents / 100,
                 r->price_per_vm_cents % 100);
        kc_json_must(cJSON_AddRawToObject(o, "price_per_vm", buf));
    } else {
        kc_json_must(cJSON_AddNullToObject(o, "price_total"));
        kc_json_must(cJSON_AddNullToObject(o, "price_per_vm"));
    }
    cJSON_AddItemToObject(o, "bottleneck", kc_json_resource_names(r->bottleneck));
    util = kc_json_must(cJSON_AddObjectToObject(o, "utilization"));
    for (int d = 0; d < KC_RES_LAST; d++)
        if (r->planned & (1u << d))
            add_fraction(util, kc_resource_name((kc_resource)d), r->util_bp[d]);
    cJSON_AddItemToObject(o, "unknown", kc_json_resource_names(r->unknown));
    per_host = kc_json_must(cJSON_AddArrayToObject(o, "vms_per_host"));
    for (size_t p = 0; r->pack && p < r->pack->n_patterns; p++) {
        const kc_pack_pattern *pat = &r->pack->patterns[p];
        cJSON *po = kc_json_must(cJSON_CreateObject());
        cJSON *vms = kc_json_must(cJSON_CreateArray());

        cJSON_AddItemToArray(per_host, po);
        kc_json_add_u64(po, "hosts", pat->hosts);
        cJSON_AddItemToObject(po, "vms", vms);
        for (size_t i = 0; i < s->n_lines; i++) {
            cJSON *vo;

            if (pat->counts[i] == 0)
                continue;
            vo = kc_json_must(cJSON_CreateObject());
            cJSON_AddItemToArray(vms, vo);
            kc_json_must(cJSON_AddStringToObject(vo, "vm", s->lines[i].name));
            kc_json_add_u64(vo, "count", pat->counts[i]);
        }
    }
}

char *kc_report_size_json(const kc_sizing *s, const kc_candidate *cands,
                          const kc_size_opts *opts, const char *version)
{
    cJSON *root = kc_json_must(cJSON_CreateObject());
    cJSON *workload, *policy, *arr;
    char buf[32];

    (void)cands;
    kc_json_must(cJSON_AddStringToObject(root, "kvmcap", version));
    kc_json_must(cJSON_AddStringToObject(root, "report", "size"));
    policy = kc_json_must(cJSON_AddObjectToObject(root, "policy"));
    kc_json_must(cJSON_AddRawToObject(policy, "overcommit_pct",
                              kc_fmt_bp(buf, sizeof(buf), opts->policy.overcommit_bp)));
    kc_json_add_u64(policy, "reserve_mib", opts->policy.reserve_mib);
    kc_json_must(cJSON_AddRawToObject(policy, "cpu_ratio",
                              kc_fmt_milli(buf, sizeof(buf), opts->policy.cpu_ratio_milli)));
    kc_json_must(cJSON_AddRawToObject(policy, "max_util_pct",
                              kc_fmt_bp(buf, sizeof(buf), opts->policy.max_util_bp)));
    kc_json_add_u64(policy, "reserve_cpus", opts->policy.reserve_cpus);
    if (opts->policy.overhead_mode == KC_OVERHEAD_AUTO)
        kc_json_must(cJSON_AddStringToObject(policy, "vm_overhead", "auto"));
    else
        kc_json_add_u64(policy, "vm_overhead", opts->policy.overhead_mib);
    kc_json_must(cJSON_AddRawToObject(policy, "disk_overcommit_pct",
                              kc_fmt_bp(buf, sizeof(buf), opts->policy.disk_overcommit_bp)));
    kc_json_must(cJSON_AddStringToObject(policy, "numa",
                                 opts->policy.numa == KC_NUMA_STRICT ? "strict" : "spread"));
    kc_json_must(cJSON_AddStringToObject(policy, "net_mode",
                                 opts->policy.net_mode == KC_NET_NAT ? "nat" : "bridge"));
    kc_json_must(cJSON_AddRawToObject(policy, "net_efficiency_pct",
                              kc_fmt_bp(buf, sizeof(buf), opts->policy.net_mode == KC_NET_NAT ?
                                        opts->policy.nat_efficiency_bp : KC_BP_ONE)));
    kc_json_must(cJSON_AddRawToObject(policy, "growth_pct", kc_fmt_bp(buf, sizeof(buf), opts->growth_bp)));
    kc_json_add_u64(policy, "ha", opts->ha);
    workload = kc_json_must(cJSON_AddArrayToObject(root, "workload"));
    for (size_t i = 0; i < s->n_lines; i++) {
        cJSON *o = kc_json_must(cJSON_CreateObject());

        cJSON_AddItemToArray(workload, o);
        kc_json_must(cJSON_AddStringToObject(o, "vm", s->lines[i].name));
        kc_json_add_u64(o, "vcpus", s->lines[i].shape.vcpus);
        kc_json_add_u64(o, "mem_mib", s->lines[i].shape.mem_mib);
        kc_json_add_u64(o, "requested", s->lines[i].requested);
        kc_json_add_u64(o, "count", s->lines[i].count);
    }
    kc_json_add_u64(root, "total_vms", s->total_vms);
    arr = kc_json_must(cJSON_AddArrayToObject(root, "candidates"));
    for (size_t i = 0; i < s->n_results; i++)
        candidate_json(arr, s, &s->results[i]);
    if (s->recommended && s->n_results > 0)
        kc_json_must(cJSON_AddStringToObject(root, "recommended", s->results[0].name));
    else
        kc_json_must(cJSON_AddNullToObject(root, "recommended"));
    {
        char warnings[16][256];
        size_t n = kc_report_size_warnings(s, opts, warnings, 16);
        cJSON *wa = kc_json_must(cJSON_AddArrayToObject(root, "warnings"));

        for (size_t i = 0; i < n; i++)
            cJSON_AddItemToArray(wa, kc_json_must(cJSON_CreateString(warnings[i])));
    }
    return kc_json_print(root);
}
