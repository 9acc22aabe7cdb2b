/* SPDX-License-Identifier: MIT */
/* fleet_json.c: the versioned JSON fleet report (README "JSON reports", "report": "fleet"). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/fleet_json.h"
#include "report/report.h"
#include "util/json_out.h"
#include "util/util.h"

static void add_str(cJSON *obj, const char *key, const char *s)
{
    cJSON_AddItemToObject(obj, key, kc_json_must(s ? cJSON_CreateString(s) : cJSON_CreateNull()));
}

static void policy_json(cJSON *root, const kc_fleet *fleet, const kc_fleet_meta *meta)
{
    const kc_policy *p = &fleet->policy;
    cJSON *pol = kc_json_add_obj(root, "policy");
    char buf[32];

    cJSON_AddItemToObject(pol, "overcommit_pct",
                          kc_json_must(cJSON_CreateRaw(kc_fmt_bp(buf, sizeof(buf), p->overcommit_bp))));
    kc_json_add_u64(pol, "reserve_mib", p->reserve_mib);
    kc_json_add_u64(pol, "reserve_cpus", p->reserve_cpus);
    cJSON_AddItemToObject(pol, "cpu_ratio",
                          kc_json_must(cJSON_CreateRaw(kc_fmt_milli(buf, sizeof(buf), p->cpu_ratio_milli))));
    if (p->overhead_mode == KC_OVERHEAD_AUTO)
        add_str(pol, "vm_overhead", "auto");
    else
        kc_json_add_u64(pol, "vm_overhead", p->overhead_mib);
    cJSON_AddItemToObject(pol, "disk_overcommit_pct",
                          kc_json_must(cJSON_CreateRaw(kc_fmt_bp(buf, sizeof(buf), p->disk_overcommit_bp))));
    cJSON_AddItemToObject(pol, "max_util_pct",
                          kc_json_must(cJSON_CreateRaw(kc_fmt_bp(buf, sizeof(buf), p->max_util_bp))));
    add_str(pol, "profile", meta->profile);
    add_str(pol, "numa", p->numa == KC_NUMA_STRICT ? "strict" : "spread");
    add_str(pol, "net_mode", p->net_mode == KC_NET_NAT ? "nat" : "bridge");
    add_str(pol, "existing", kc_existing_name(fleet->existing));
    if (meta->existing)
        add_str(pol, "existing", meta->existing);
    if (meta->source) {
        /* "default", "option", "profile" or "FILE:LINE" of a policy file, per field */
        cJSON *src = kc_json_add_obj(root, "policy_source");

        for (int k = 0; k < KC_CONF_POLICY_LAST; k++)
            add_str(src, kc_config_policy_field((kc_conf_key)k), meta->source->from[k]);
    }
}

static void host_json(cJSON *hosts, const kc_fleet *fleet, const kc_fleet_host *h)
{
    cJSON *o = kc_json_must(cJSON_CreateObject()), *shapes, *ex;
    const kc_facts *f = h->facts;

    cJSON_AddItemToArray(hosts, o);
    add_str(o, "uri", h->uri);
    cJSON_AddItemToObject(o, "ok", kc_json_must(cJSON_CreateBool(h->ok)));
    if (!h->ok) {
        add_str(o, "error", h->err.msg);
        if (h->facts_file[0])
            add_str(o, "facts_file", h->facts_file);
        return;
    }
    add_str(o, "hostname", f->hostname);
    add_str(o, "source", kc_source_name(f->source));
    kc_json_add_u64(o, "cpus", h->host.cpus);
    kc_json_add_u64(o, "mem_mib", h->host.mem_mib);
    kc_json_add_u64(o, "numa_nodes", h->host.n_numa ? h->host.n_numa : 1);
    ex = kc_json_add_obj(o, "existing");
    kc_json_add_u64(ex, "vms", h->host.used.vms);
    kc_json_add_u64(ex, "vcpus", h->host.used.vcpus);
    kc_json_add_u64(ex, "mem_mib", h->host.used.mem_mib);
    shapes = kc_json_add_arr(o, "shapes");
    for (size_t s = 0; s < fleet->n_shapes; s++) {
        const kc_fit *fit = &h->fits[s];
        cJSON *so = kc_json_must(cJSON_CreateObject());

        cJSON_AddItemToArray(shapes, so);
        add_str(so, "vm", fleet->labels[s]);
        kc_json_add_u64(so, "count", fit->count);
        cJSON_AddItemToObject(so, "bottleneck", kc_json_resource_names(fit->bottleneck));
        add_str(so, "too_big", fit->too_big ? kc_resource_name(fit->too_big_res) : NULL);
        if (h->placed)
            kc_json_add_u64(so, "placed", h->placed[s]);
    }
    if (h->facts_file[0])
        add_str(o, "facts_file", h->facts_file);
    {
        /* what the collector could not know on this host, as in the facts report */
        cJSON *notes = kc_json_must(cJSON_CreateArray());

        for (size_t i = 0; i < f->n_notes; i++)
            cJSON_AddItemToArray(notes, kc_json_must(cJSON_CreateString(f->notes[i])));
        cJSON_AddItemToObject(o, "notes", notes);
    }
}

static void placement_json(cJSON *root, const kc_fleet *fleet)
{
    const kc_place *p = fleet->place;
    cJSON *pl = kc_json_add_obj(root, "placement"), *shapes;

    add_str(pl, "method", "first-fit-decreasing");
    cJSON_AddItemToObject(pl, "complete", kc_json_must(cJSON_CreateBool(p->complete)));
    shapes = kc_json_add_arr(pl, "shapes");
    for (size_t s = 0; s < p->n_shapes; s++) {
        const kc_place_shape *ps = &p->shapes[s];
        cJSON *so, *hosts;

        if (!fleet->counts[s])
            continue;     /* a shape without :COUNT is not placed */
        so = kc_json_must(cJSON_CreateObject());
        cJSON_AddItemToArray(shapes, so);
        add_str(so, "vm", fleet->labels[s]);
        kc_json_add_u64(so, "requested", ps->requested);
        kc_json_add_u64(so, "placed", ps->placed);
        kc_json_add_u64(so, "unplaced", ps->unplaced);
        hosts = kc_json_add_arr(so, "hosts");
        /* in the display order, hosts that take some */
        for (size_t i = 0; i < fleet->n_hosts; i++) {
            const kc_fleet_host *h = &fleet->hosts[i];
            cJSON *ho;

            if (!h->ok || !h->placed || !h->placed[s])
                continue;
            ho = kc_json_must(cJSON_CreateObject());
            cJSON_AddItemToArray(hosts, ho);
            add_str(ho, "uri", h->uri);
            kc_json_add_u64(ho, "count", h->placed[s]);
        }
        if (ps->unplaced) {
            cJSON *why = kc_json_add_obj(so, "why");

            cJSON_AddItemToObject(why, "full", kc_json_resource_names(ps->full));
            kc_json_add_u64(why, "hosts_too_big", ps->hosts_too_big);
            cJSON_AddItemToObject(why, "too_big", kc_json_resource_names(ps->too_big));
        } else {
            cJSON_AddItemToObject(so, "why", kc_json_must(cJSON_CreateNull()));
        }
    }
}

char *kc_fleet_to_json(const kc_fleet *fleet, const kc_fleet_meta *meta, const char *version)
{
    cJSON *root = kc_json_must(cJSON_CreateObject()), *arr;

    add_str(root, "kvmcap", version);
    add_str(root, "report", "fleet");
    policy_json(root, fleet, meta);
    kc_json_add_u64(root, "timeout_s", meta->timeout_s);
    kc_json_add_u64(root, "parallel", meta->parallel);
    add_str(root, "sort", meta->sort);
    kc_json_add_u64(root, "hosts_total", fleet->n_hosts);
    kc_json_add_u64(root, "hosts_ok", fleet->n_ok);
    kc_json_add_u64(root, "hosts_failed", fleet->n_failed);
    arr = kc_json_add_arr(root, "hosts");
    for (size_t i = 0; i < fleet->n_hosts; i++)
        host_json(arr, fleet, &fleet->hosts[i]);
    arr = kc_json_add_arr(root, "total");
    for (size_t s = 0; s < fleet->n_shapes; s++) {
        cJSON *o = kc_json_must(cJSON_CreateObject());

        cJSON_AddItemToArray(arr, o);
        add_str(o, "vm", fleet->labels[s]);
        kc_json_add_u64(o, "count", fleet->total[s]);
    }
    if (fleet->place)
        placement_json(root, fleet);
    return kc_json_print(root);
}
