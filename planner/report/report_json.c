/* SPDX-License-Identifier: MIT */
/* report_json.c: the versioned JSON fit report (README, "JSON reports"). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/json_parts.h"
#include "report/report.h"
#include "util/json_out.h"
#include "util/names.h"
#include "util/util.h"

/* Integers are written from their decimal text, so a value above 2^53 stays exact (cJSON
 * would pass it through a double). */
static void add_raw(cJSON *obj, const char *key, const char *text)
{
    cJSON_AddItemToObject(obj, key, kc_json_must(cJSON_CreateRaw(text)));
}

static void add_str(cJSON *obj, const char *key, const char *s)
{
    cJSON_AddItemToObject(obj, key, kc_json_must(cJSON_CreateString(s)));
}

static void add_bool(cJSON *obj, const char *key, bool b)
{
    cJSON_AddItemToObject(obj, key, kc_json_must(cJSON_CreateBool(b)));
}

static void row_json(cJSON *shapes, const kc_fit_report *rep, const kc_fit_row *row)
{
    const kc_shape *s = &row->shape;
    cJSON *o = kc_json_must(cJSON_CreateObject());
    cJSON *res;

    cJSON_AddItemToArray(shapes, o);
    add_str(o, "vm", row->label);
    kc_json_add_u64(o, "vcpus", s->vcpus);
    kc_json_add_u64(o, "mem_mib", s->mem_mib);
    if (s->disk_mib)
        kc_json_add_u64(o, "disk_mib", s->disk_mib);
    if (s->iops)
        kc_json_add_u64(o, "iops", s->iops);
    if (s->mbps)
        kc_json_add_u64(o, "mbps", s->mbps);
    if (s->net_kbps)
        kc_json_add_u64(o, "net_kbps", s->net_kbps);
    if (s->iops || s->mbps) {
        char buf[16];

        add_raw(o, "write_pct", kc_fmt_bp(buf, sizeof(buf), s->write_bp));
    }
    if (s->pool[0])
        add_str(o, "pool", s->pool);
    if (s->cpu_util_bp) {
        char buf[16];

        add_raw(o, "cpu_pct", kc_fmt_bp(buf, sizeof(buf), s->cpu_util_bp));
    }
    add_bool(o, "hugepages", s->hugepages);
    kc_json_add_u64(o, "overhead_mib", row->fit.overhead_mib);
    if (row->has_count)
        kc_json_add_u64(o, "placed", row->want);
    /* count is how many more, as for every row */
    kc_report_answer_json(o, row->fit.count, row->fit.bottleneck, row->fit.too_big,
                          row->fit.too_big_res);
    add_bool(o, "numa_limited", row->fit.numa_limited);
    if (rep->policy.numa == KC_NUMA_STRICT && rep->host.n_numa > 1)    /* the host-wide count */
        kc_json_add_u64(o, "spread_count", row->fit.spread_count);
    kc_report_pools_json(o, &rep->host, s, &rep->policy, &row->fit);
    res = kc_json_add_arr(o, "resources");
    for (int r = 0; r < KC_RES_LAST; r++) {
        const kc_res_fit *rf = &row->fit.res[r];
        cJSON *ro;

        if (rf->state == KC_RES_ABSENT)
            continue;
        ro = kc_json_must(cJSON_CreateObject());
        cJSON_AddItemToArray(res, ro);
        add_str(ro, "name", kc_resource_name((kc_resource)r));
        add_str(ro, "unit", kc_resource_unit((kc_resource)r));
        add_str(ro, "state", KC_NAME(res_state, rf->state));
        if (rf->state == KC_RES_UNKNOWN) {
            cJSON_AddItemToObject(ro, "capacity", kc_json_must(cJSON_CreateNull()));
            cJSON_AddItemToObject(ro, "used", kc_json_must(cJSON_CreateNull()));
        } else {
            kc_json_add_u64(ro, "capacity", rf->capacity);
            kc_json_add_u64(ro, "used", rf->used);
        }
        if (rf->state == KC_RES_BOUNDED) {
            kc_json_add_u64(ro, "per_vm", rf->per_vm);
            kc_json_add_u64(ro, "limit", rf->limit);
        } else {
            uint64_t n = rep->host.used.vms + row->fit.count;

            cJSON_AddItemToObject(ro, "per_vm", kc_json_must(cJSON_CreateNull()));
            cJSON_AddItemToObject(ro, "limit", kc_json_must(cJSON_CreateNull()));
            if (rf->state == KC_RES_UNBOUNDED && n)
                kc_json_add_u64(ro, "fair_share", rf->capacity / n);
        }
    }
}

void kc_report_fit_json(FILE *out, const kc_fit_report *rep)
{
    cJSON *root = kc_json_must(cJSON_CreateObject());
    cJSON *shapes, *warnings;
    char *text;

    add_str(root, "kvmcap", rep->version);
    add_str(root, "report", "fit");
    kc_report_host_json(kc_json_add_obj(root, "host"), rep->facts, &rep->host, true);
    kc_report_policy_json(root, &(kc_policy_view){ .policy = &rep->policy,
                                                   .profile = rep->profile,
                                                   .existing = rep->existing,
                                                   .source = rep->source });
    kc_report_usage_json(root, "existing", &rep->existing_used);
    if (rep->host.used.vms > rep->existing_used.vms) {
        const kc_usage *u = &rep->host.used, *e = &rep->existing_used;
        kc_usage diff = {
            .vms = u->vms - e->vms, .vcpus = u->vcpus - e->vcpus,
            .mem_mib = u->mem_mib - e->mem_mib, .hugepages_mib = u->hugepages_mib - e->hugepages_mib,
            .disk_mib = u->disk_mib - e->disk_mib,
        };
        cJSON *placed = kc_report_usage_json(root, "placed", &diff);

        /* what only VMs kvmcap placed are known to hold */
        kc_json_add_u64(placed, "net_kbps", u->net_kbps - e->net_kbps);
        kc_json_add_u64(placed, "iops", u->iops - e->iops);
        kc_json_add_u64(placed, "mbps", u->mbps - e->mbps);
    }
    shapes = kc_json_add_arr(root, "shapes");
    for (size_t i = 0; i < rep->n_rows; i++)
        row_json(shapes, rep, &rep->rows[i]);
    warnings = kc_json_add_arr(root, "warnings");
    for (size_t i = 0; i < rep->n_warnings; i++)
        cJSON_AddItemToArray(warnings, kc_json_must(cJSON_CreateString(rep->warnings[i])));
    warnings = kc_json_add_arr(root, "notes");
    for (size_t i = 0; i < rep->facts->n_notes; i++)
        cJSON_AddItemToArray(warnings, kc_json_must(cJSON_CreateString(rep->facts->notes[i])));
    for (size_t i = 0; i < rep->n_notes; i++)
        cJSON_AddItemToArray(warnings, kc_json_must(cJSON_CreateString(rep->notes[i])));
    text = kc_json_print(root);
    fputs(text, out);
    fputc('\n', out);
    free(text);
}
