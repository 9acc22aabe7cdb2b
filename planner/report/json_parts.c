/* SPDX-License-Identifier: MIT */
/* json_parts.c: the JSON sub-objects several reports share (policy, host, usage, answer). */
#include <cjson/cJSON.h>

#include "report/json_parts.h"
#include "report/report.h"
#include "util/json_out.h"
#include "util/names.h"
#include "util/util.h"

static void add_raw(cJSON *obj, const char *key, const char *text)
{
    cJSON_AddItemToObject(obj, key, kc_json_must(cJSON_CreateRaw(text)));
}

/* A string, or null for NULL. */
static void add_str(cJSON *obj, const char *key, const char *s)
{
    cJSON_AddItemToObject(obj, key, kc_json_must(s ? cJSON_CreateString(s) : cJSON_CreateNull()));
}

cJSON *kc_report_policy_json(cJSON *root, const kc_policy_view *v)
{
    const kc_policy *p = v->policy;
    cJSON *pol = kc_json_add_obj(root, "policy");
    char buf[32];

#define SWEPT(key) (v->swept & (1u << (key)))
    add_raw(pol, "overcommit_pct", SWEPT(KC_CONF_OVERCOMMIT) ? "null" :
            kc_fmt_bp(buf, sizeof(buf), p->overcommit_bp));
    if (SWEPT(KC_CONF_RESERVE))
        add_raw(pol, "reserve_mib", "null");
    else
        kc_json_add_u64(pol, "reserve_mib", p->reserve_mib);
    if (SWEPT(KC_CONF_RESERVE_CPUS))
        add_raw(pol, "reserve_cpus", "null");
    else
        kc_json_add_u64(pol, "reserve_cpus", p->reserve_cpus);
    add_raw(pol, "cpu_ratio", SWEPT(KC_CONF_CPU_RATIO) ? "null" :
            kc_fmt_milli(buf, sizeof(buf), p->cpu_ratio_milli));
    if (SWEPT(KC_CONF_VM_OVERHEAD))
        add_raw(pol, "vm_overhead", "null");
    else if (p->overhead_mode == KC_OVERHEAD_AUTO)
        add_str(pol, "vm_overhead", "auto");
    else
        kc_json_add_u64(pol, "vm_overhead", p->overhead_mib);
    add_raw(pol, "disk_overcommit_pct", SWEPT(KC_CONF_DISK_OVERCOMMIT) ? "null" :
            kc_fmt_bp(buf, sizeof(buf), p->disk_overcommit_bp));
    add_raw(pol, "max_util_pct", SWEPT(KC_CONF_MAX_UTIL) ? "null" :
            kc_fmt_bp(buf, sizeof(buf), p->max_util_bp));
    add_str(pol, "profile", SWEPT(KC_CONF_PROFILE) ? NULL : v->profile);
    add_str(pol, "numa", SWEPT(KC_CONF_NUMA) ? NULL : KC_NAME(numa, p->numa));
    add_str(pol, "net_mode", SWEPT(KC_CONF_NET_MODE) ? NULL : KC_NAME(net, p->net_mode));
    add_raw(pol, "net_efficiency_pct", SWEPT(KC_CONF_NET_MODE) ? "null" :
            kc_fmt_bp(buf, sizeof(buf),
                      p->net_mode == KC_NET_NAT ? p->nat_efficiency_bp : KC_BP_ONE));
    add_str(pol, "existing", SWEPT(KC_CONF_EXISTING) ? NULL : KC_NAME(existing, v->existing));
#undef SWEPT
    if (v->source) {
        cJSON *src = kc_json_add_obj(root, "policy_source");

        for (int k = 0; k < KC_CONF_POLICY_LAST; k++)
            add_str(src, kc_config_policy_field((kc_conf_key)k), v->source->from[k]);
    }
    return pol;
}

void kc_report_host_json(cJSON *obj, const kc_facts *f, const kc_host *h, bool with_uri)
{
    kc_u128 storage = 0;
    cJSON *nics;

    add_str(obj, "source", KC_NAME(source, f->source));
    if (with_uri) {
        /* a facts file: "uri" is where its host was collected from, "path" the file itself
         * (README "JSON reports"); for every other source "path" is null */
        bool file = f->source == KC_SOURCE_FACTS;
        const char *uri = file ? f->origin_uri : f->uri;

        add_str(obj, "uri", uri[0] ? uri : NULL);
        add_str(obj, "path", file && f->uri[0] ? f->uri : NULL);
    }
    add_str(obj, "name", f->name[0] ? f->name : f->hostname);
    kc_json_add_u64(obj, "cpus", h->cpus);
    kc_json_add_u64(obj, "mem_mib", h->mem_mib);
    kc_json_add_u64(obj, "hugepages_mib", h->hugepages_mib);
    kc_json_add_u64(obj, "numa_nodes", h->n_numa ? h->n_numa : 1);
    kc_json_add_u64(obj, "uplink_kbps",
                    kc_report_uplink_kbps(h, &(kc_policy){ .net_mode = KC_NET_BRIDGE }));
    for (size_t i = 0; i < h->n_storage; i++)
        storage += (kc_u128)h->storage[i].size_mib * h->storage[i].count;
    kc_json_add_u64(obj, "storage_mib", storage > UINT64_MAX ? UINT64_MAX : (uint64_t)storage);
    /* which NICs the uplink counts, and why (README "Model") */
    nics = kc_json_must(cJSON_AddArrayToObject(obj, "nics"));
    for (size_t i = 0; i < f->n_nics; i++) {
        const kc_fact_nic *n = &f->nics[i];
        cJSON *o = kc_json_must(cJSON_CreateObject());

        cJSON_AddItemToArray(nics, o);
        add_str(o, "name", n->name);
        if (n->speed_kbps)
            kc_json_add_u64(o, "speed_kbps", n->speed_kbps);
        else
            kc_json_must(cJSON_AddNullToObject(o, "speed_kbps"));
        add_str(o, "role", KC_NAME(nic_role, n->role));
        kc_json_must(cJSON_AddBoolToObject(o, "counted", kc_facts_nic_is_uplink(n)));
        add_str(o, "why", n->why[0] ? n->why : NULL);
    }
}

cJSON *kc_report_usage_json(cJSON *obj, const char *key, const kc_usage *u)
{
    cJSON *o = kc_json_add_obj(obj, key);

    kc_json_add_u64(o, "vms", u->vms);
    kc_json_add_u64(o, "vcpus", u->vcpus);
    kc_json_add_u64(o, "mem_mib", u->mem_mib);
    kc_json_add_u64(o, "hugepages_mib", u->hugepages_mib);
    kc_json_add_u64(o, "disk_mib", u->disk_mib);
    return o;
}

void kc_report_answer_json(cJSON *obj, uint64_t count, uint32_t bottleneck, bool too_big,
                           kc_resource too_big_res)
{
    kc_json_add_u64(obj, "count", count);
    cJSON_AddItemToObject(obj, "bottleneck", kc_json_resource_names(bottleneck));
    add_str(obj, "too_big", too_big ? kc_resource_name(too_big_res) : NULL);
}

bool kc_report_pool_is_bottleneck(const kc_pool_fit *p, const kc_fit *fit)
{
    return p->eligible && p->limit != UINT64_MAX && (p->binding & fit->bottleneck) != 0;
}

void kc_report_pools_json(cJSON *obj, const kc_host *h, const kc_shape *s, const kc_policy *pol,
                          const kc_fit *fit)
{
    kc_pool_fit pools[KC_STORAGE_MAX];
    cJSON *arr, *names;

    if (h->n_storage == 0 || (!s->disk_mib && !s->iops && !s->mbps) ||
        kc_pool_fits(h, s, pol, pools, NULL) < 0)
        return;
    cJSON_AddItemToObject(obj, "pool_limited", kc_json_must(cJSON_CreateBool(fit->pool_limited)));
    arr = kc_json_add_arr(obj, "pools");
    names = kc_json_add_arr(obj, "bottleneck_pools");
    for (size_t i = 0; i < h->n_storage; i++) {
        const kc_storage *st = &h->storage[i];
        const kc_pool_fit *p = &pools[i];
        cJSON *o = kc_json_must(cJSON_CreateObject());

        cJSON_AddItemToArray(arr, o);
        add_str(o, "name", st->name);
        add_str(o, "raid", kc_names_word(&kc_names_raid, (int)st->raid));
        add_str(o, "role", st->boot ? "boot" : "vm");
        cJSON_AddItemToObject(o, "eligible", kc_json_must(cJSON_CreateBool(p->eligible)));
        kc_json_add_u64(o, "space_mib", p->space_cap);
        kc_json_add_u64(o, "used_mib", p->space_used);
        kc_json_add_u64(o, "iops", p->iops_cap);
        kc_json_add_u64(o, "mbps", p->mbps_cap);
        if (p->eligible && p->limit != UINT64_MAX)
            kc_json_add_u64(o, "limit", p->limit);
        else
            cJSON_AddItemToObject(o, "limit", kc_json_must(cJSON_CreateNull()));
        cJSON_AddItemToObject(o, "bottleneck", kc_json_resource_names(p->binding));
        if (kc_report_pool_is_bottleneck(p, fit))
            cJSON_AddItemToArray(names, kc_json_must(cJSON_CreateString(st->name)));
    }
    {
        /* over-IP pools behind the same storage NICs: their caps above each hold the
         * whole NIC cap; here it is once, with the pools that share it */
        kc_pool_nic_share sh;
        cJSON *o, *by;

        if (kc_pool_nic_shared(h, s, pol, &sh, NULL) < 0 || sh.n_pools < 2 ||
            sh.limit == UINT64_MAX)
            return;
        o = kc_json_must(cJSON_AddObjectToObject(obj, "storage_nics"));
        by = kc_json_add_arr(o, "shared_by");
        for (size_t i = 0; i < h->n_storage; i++)
            if (sh.pools & (1u << i))
                cJSON_AddItemToArray(by, kc_json_must(cJSON_CreateString(h->storage[i].name)));
        kc_json_add_u64(o, "iops", sh.iops_cap);
        kc_json_add_u64(o, "mbps", sh.mbps_cap);
        kc_json_add_u64(o, "used_iops", sh.iops_used);
        kc_json_add_u64(o, "used_mbps", sh.mbps_used);
        kc_json_add_u64(o, "limit", sh.limit);
        cJSON_AddItemToObject(o, "bottleneck", kc_json_resource_names(sh.binding));
        cJSON_AddItemToObject(o, "limiting", kc_json_must(cJSON_CreateBool(sh.limiting)));
    }
}
