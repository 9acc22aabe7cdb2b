/* SPDX-License-Identifier: MIT */
/* size_json.c: the sizing report in JSON (through cJSON). */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/json_parts.h"
#include "report/report.h"
#include "report/report_size.h"
#include "report/size_json.h"
#include "util/json_out.h"
#include "util/names.h"
#include "util/util.h"

/* ---- the size report -------------------------------------------------------------------- */

/* basis points as a fraction: 9345 -> 0.9345 */
static void add_fraction(cJSON *obj, const char *key, uint64_t bp)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%" PRIu64 ".%04" PRIu64, bp / KC_BP_ONE, bp % KC_BP_ONE);
    kc_json_must(cJSON_AddRawToObject(obj, key, buf));
}

/* Where the disks go on a packing that uses two or more pools (doc/model.md 7.6):
 * "vms_per_pool": [{hosts (or nodes under --numa strict), pools: [{pool, vms: [{vm,
 * count}]}]}]; a shape that asks no storage is under pool null. */
static void pools_json(cJSON *o, const kc_sizing *s, const kc_host *h, const kc_size_result *r)
{
    cJSON *arr;

    if (kc_size_pools_used(r) < 2)
        return;
    arr = kc_json_must(cJSON_AddArrayToObject(o, "vms_per_pool"));
    for (size_t t = 0; t < r->pool_pack->n_patterns; t++) {
        const kc_pack_pattern *pat = &r->pool_pack->patterns[t];
        cJSON *po = kc_json_must(cJSON_CreateObject());
        cJSON *pools = kc_json_must(cJSON_CreateArray());

        cJSON_AddItemToArray(arr, po);
        kc_json_add_u64(po, r->bins_per_host > 1 ? "nodes" : "hosts", pat->hosts);
        cJSON_AddItemToObject(po, "pools", pools);
        for (size_t p = 0; p <= h->n_storage; p++) {
            size_t want = p < h->n_storage ? p : KC_SIZE_NO_POOL;
            cJSON *vms = NULL;

            for (size_t u = 0; u < pat->n_uses; u++) {
                size_t v = pat->uses[u].item;
                cJSON *vo;

                if (r->var_pool[v] != want)
                    continue;
                if (!vms) {
                    cJSON *pl = kc_json_must(cJSON_CreateObject());

                    cJSON_AddItemToArray(pools, pl);
                    if (want == KC_SIZE_NO_POOL)
                        kc_json_must(cJSON_AddNullToObject(pl, "pool"));
                    else
                        kc_json_must(cJSON_AddStringToObject(pl, "pool", h->storage[p].name));
                    vms = kc_json_must(cJSON_AddArrayToObject(pl, "vms"));
                }
                vo = kc_json_must(cJSON_CreateObject());
                cJSON_AddItemToArray(vms, vo);
                kc_json_must(cJSON_AddStringToObject(vo, "vm", s->lines[r->var_line[v]].name));
                kc_json_add_u64(vo, "count", pat->uses[u].count);
            }
        }
    }
}

static void candidate_json(cJSON *arr, const kc_sizing *s, const kc_host *h,
                           const kc_size_result *r)
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
    if (r->rank == KC_SIZE_RANK_ERROR) {
        kc_json_must(cJSON_AddBoolToObject(o, "feasible", false));
        kc_json_must(cJSON_AddStringToObject(o, "error", r->error));
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
        for (size_t u = 0; u < pat->n_uses; u++) {
            cJSON *vo = kc_json_must(cJSON_CreateObject());

            cJSON_AddItemToArray(vms, vo);
            kc_json_must(cJSON_AddStringToObject(vo, "vm", s->lines[pat->uses[u].item].name));
            kc_json_add_u64(vo, "count", pat->uses[u].count);
        }
    }
    pools_json(o, s, h, r);
}

void kc_report_size_json(FILE *out, const kc_size_report *rep)
{
    const kc_sizing *s = rep->sizing;
    const kc_size_opts *opts = rep->opts;
    cJSON *root = kc_json_must(cJSON_CreateObject());
    cJSON *workload, *pol, *arr;
    char buf[32], *text;

    kc_json_must(cJSON_AddStringToObject(root, "kvmcap", rep->version));
    kc_json_must(cJSON_AddStringToObject(root, "report", "size"));
    pol = kc_report_policy_json(root, &(kc_policy_view){ .policy = &opts->policy,
                                                            .profile = rep->profile,
                                                            .existing = rep->existing,
                                                            .source = rep->source });
    /* what only sizing has */
    kc_json_must(cJSON_AddRawToObject(pol, "growth_pct", kc_fmt_bp(buf, sizeof(buf), opts->growth_bp)));
    kc_json_add_u64(pol, "ha", opts->ha);
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
        candidate_json(arr, s, &rep->cands[s->results[i].candidate].host, &s->results[i]);
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
    text = kc_json_print(root);
    fputs(text, out);
    fputc('\n', out);
    free(text);
}
