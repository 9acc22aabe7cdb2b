/* SPDX-License-Identifier: MIT */
/* report_json.c: the versioned JSON fit report (README, "JSON reports"). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "util/json_out.h"
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

static void host_json(cJSON *root, const kc_fit_report *rep)
{
    const kc_facts *f = rep->facts;
    const kc_host *h = &rep->host;
    cJSON *host = kc_json_add_obj(root, "host");

    add_str(host, "source", kc_source_name(f->source));
    if (f->uri[0])
        add_str(host, "uri", f->uri);
    else
        cJSON_AddItemToObject(host, "uri", kc_json_must(cJSON_CreateNull()));
    add_str(host, "name", f->name[0] ? f->name : f->hostname);
    kc_json_add_u64(host, "cpus", h->cpus);
    kc_json_add_u64(host, "mem_mib", h->mem_mib);
    kc_json_add_u64(host, "hugepages_mib", h->hugepages_mib);
    kc_json_add_u64(host, "numa_nodes", h->n_numa ? h->n_numa : 1);
    kc_json_add_u64(host, "uplink_kbps", kc_report_uplink_kbps(h, &(kc_policy){ .net_mode = KC_NET_BRIDGE }));
    {
        uint64_t storage = 0;

        for (size_t i = 0; i < h->n_storage; i++)
            storage += h->storage[i].size_mib * h->storage[i].count;    /* fit checked it */
        kc_json_add_u64(host, "storage_mib", storage);
    }
}

static void policy_json(cJSON *root, const kc_fit_report *rep)
{
    const kc_policy *p = &rep->policy;
    cJSON *pol = kc_json_add_obj(root, "policy");
    char buf[32];

    add_raw(pol, "overcommit_pct", kc_fmt_bp(buf, sizeof(buf), p->overcommit_bp));
    kc_json_add_u64(pol, "reserve_mib", p->reserve_mib);
    kc_json_add_u64(pol, "reserve_cpus", p->reserve_cpus);
    add_raw(pol, "cpu_ratio", kc_fmt_milli(buf, sizeof(buf), p->cpu_ratio_milli));
    if (p->overhead_mode == KC_OVERHEAD_AUTO)
        add_str(pol, "vm_overhead", "auto");
    else
        kc_json_add_u64(pol, "vm_overhead", p->overhead_mib);
    add_raw(pol, "disk_overcommit_pct", kc_fmt_bp(buf, sizeof(buf), p->disk_overcommit_bp));
    add_raw(pol, "max_util_pct", kc_fmt_bp(buf, sizeof(buf), p->max_util_bp));
    if (rep->profile)
        add_str(pol, "profile", rep->profile);
    else
        cJSON_AddItemToObject(pol, "profile", kc_json_must(cJSON_CreateNull()));
    add_str(pol, "numa", p->numa == KC_NUMA_STRICT ? "strict" : "spread");
    add_str(pol, "net_mode", p->net_mode == KC_NET_NAT ? "nat" : "bridge");
    add_raw(pol, "net_efficiency_pct",
            kc_fmt_bp(buf, sizeof(buf), p->net_mode == KC_NET_NAT ? p->nat_efficiency_bp : KC_BP_ONE));
    add_str(pol, "existing", kc_existing_name(rep->existing));
    if (rep->source) {
        /* "default", "option", "profile" or "FILE:LINE" of a policy file, per field */
        cJSON *src = kc_json_add_obj(root, "policy_source");

        for (int k = 0; k < KC_CONF_POLICY_LAST; k++)
            add_str(src, kc_config_policy_field((kc_conf_key)k), rep->source->from[k]);
    }
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
    if (s->cpu_util_bp) {
        char buf[16];

        add_raw(o, "cpu_pct", kc_fmt_bp(buf, sizeof(buf), s->cpu_util_bp));
    }
    add_bool(o, "hugepages", s->hugepages);
    kc_json_add_u64(o, "overhead_mib", row->fit.overhead_mib);
    if (row->has_count) {
        kc_json_add_u64(o, "placed", row->want);
        kc_json_add_u64(o, "count", row->fit.count);    /* how many more, as for every row */
    } else {
        kc_json_add_u64(o, "count", row->fit.count);
    }
    cJSON_AddItemToObject(o, "bottleneck", kc_json_resource_names(row->fit.bottleneck));
    if (row->fit.too_big)
        add_str(o, "too_big", kc_resource_name(row->fit.too_big_res));
    else
        cJSON_AddItemToObject(o, "too_big", kc_json_must(cJSON_CreateNull()));
    add_bool(o, "numa_limited", row->fit.numa_limited);
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
        add_str(ro, "state", rf->state == KC_RES_BOUNDED ? "bounded" :
                             rf->state == KC_RES_UNBOUNDED ? "unbounded" : "unknown");
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

char *kc_report_fit_json(const kc_fit_report *rep, const char *version)
{
    cJSON *root = kc_json_must(cJSON_CreateObject());
    cJSON *existing, *shapes, *warnings;

    add_str(root, "kvmcap", version);
    add_str(root, "report", "fit");
    host_json(root, rep);
    policy_json(root, rep);
    existing = kc_json_add_obj(root, "existing");
    kc_json_add_u64(existing, "vms", rep->existing_used.vms);
    kc_json_add_u64(existing, "vcpus", rep->existing_used.vcpus);
    kc_json_add_u64(existing, "mem_mib", rep->existing_used.mem_mib);
    kc_json_add_u64(existing, "hugepages_mib", rep->existing_used.hugepages_mib);
    kc_json_add_u64(existing, "disk_mib", rep->existing_used.disk_mib);
    if (rep->host.used.vms > rep->existing_used.vms) {
        const kc_usage *u = &rep->host.used, *e = &rep->existing_used;
        cJSON *placed = kc_json_add_obj(root, "placed");

        kc_json_add_u64(placed, "vms", u->vms - e->vms);
        kc_json_add_u64(placed, "vcpus", u->vcpus - e->vcpus);
        kc_json_add_u64(placed, "mem_mib", u->mem_mib - e->mem_mib);
        kc_json_add_u64(placed, "hugepages_mib", u->hugepages_mib - e->hugepages_mib);
        kc_json_add_u64(placed, "disk_mib", u->disk_mib - e->disk_mib);
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
    return kc_json_print(root);
}
