/* SPDX-License-Identifier: MIT */
/* fleet_json.c: the versioned JSON fleet report (DESIGN section 4, "report": "fleet"). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/fleet_json.h"
#include "report/json_parts.h"
#include "report/report.h"
#include "util/json_out.h"
#include "util/names.h"
#include "util/util.h"

static void add_str(cJSON *obj, const char *key, const char *s)
{
    cJSON_AddItemToObject(obj, key, kc_json_must(s ? cJSON_CreateString(s) : cJSON_CreateNull()));
}

static void host_json(cJSON *hosts, const kc_fleet *fleet, const kc_fleet_host *h)
{
    cJSON *o = kc_json_must(cJSON_CreateObject()), *shapes;
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
    kc_report_host_json(o, f, &h->host, false);    /* the URI is the one given, above */
    kc_report_usage_json(o, "existing", &h->host.used);
    shapes = kc_json_add_arr(o, "shapes");
    for (size_t s = 0; s < fleet->n_shapes; s++) {
        const kc_fit *fit = &h->fits[s];
        cJSON *so = kc_json_must(cJSON_CreateObject());

        cJSON_AddItemToArray(shapes, so);
        add_str(so, "vm", fleet->labels[s]);
        kc_report_answer_json(so, fit->count, fit->bottleneck, fit->too_big, fit->too_big_res);
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

void kc_report_fleet_json(FILE *out, const kc_fleet_report *rep)
{
    const kc_fleet *fleet = rep->fleet;
    cJSON *root = kc_json_must(cJSON_CreateObject()), *arr;
    char *text;

    add_str(root, "kvmcap", rep->version);
    add_str(root, "report", "fleet");
    kc_report_policy_json(root, &(kc_policy_view){ .policy = &fleet->policy,
                                                   .profile = rep->profile,
                                                   .existing = fleet->existing,
                                                   .source = rep->source });
    kc_json_add_u64(root, "timeout_s", rep->timeout_s);
    kc_json_add_u64(root, "parallel", rep->parallel);
    add_str(root, "sort", rep->sort);
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
    text = kc_json_print(root);
    fputs(text, out);
    fputc('\n', out);
    free(text);
}
