/* SPDX-License-Identifier: MIT */
/* cmd_fit_demand.c: kvmcap [fit] --demand FILE --vm SPEC: the recorded host, planned under
 * the allocation model and the demand model side by side. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd_demand.h"
#include "cli/policy.h"
#include "demand/plan.h"
#include "input/facts_host.h"
#include "input/spec.h"
#include "report/report.h"
#include "report/report_demand.h"
#include "util/sanitize.h"
#include "util/util.h"

int kc_fit_demand_split_like(const char *spec, char *rest, size_t rest_size, char *like,
                             size_t like_size, kc_error *err)
{
    const char *p = spec;
    size_t n = 0;

    like[0] = '\0';
    rest[0] = '\0';
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if (len > 5 && strncmp(p, "like=", 5) == 0) {
            if (len - 5 >= like_size)
                return kc_error_set(err, KC_ERR_INVALID, "bad VM spec '%s': like= name too long",
                                    spec);
            memcpy(like, p + 5, len - 5);
            like[len - 5] = '\0';
        } else {
            if (n + len + 2 >= rest_size)
                return kc_error_set(err, KC_ERR_INVALID, "bad VM spec '%s': too long", spec);
            if (n)
                rest[n++] = ',';
            memcpy(rest + n, p, len);
            n += len;
            rest[n] = '\0';
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* The one host to plan: the recording's, or the only one --prometheus gives (--instance or
 * --hostname choose it when the server knows several). */
static int load_host(const kc_cli *o, const kc_demand_opts *dopts, kc_demand_host *h,
                     kc_error *err)
{
    kc_prom_hosts ph;
    char list[200] = "";

    if (!o->prometheus)
        return kc_demand_load(o->demand_file, dopts, h, err);
    if (kc_cmd_prom_load(o, false, &ph, err) < 0)
        return -1;
    if (ph.n == 1) {
        *h = ph.h[0];
        ph.n = 0;
        kc_cmd_prom_hosts_clear(&ph);
        return 0;
    }
    for (size_t i = 0; i < ph.n && strlen(list) < 150; i++)
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s'%s'", i ? ", " : "",
                 kc_term_str(ph.h[i].hostname));
    kc_error_set(err, KC_ERR_USAGE, "prometheus: %zu hosts in the window (%s%s): choose one "
                 "with --instance or --hostname", ph.n, list, strlen(list) >= 150 ? ", ..." : "");
    kc_cmd_prom_hosts_clear(&ph);
    return -1;
}

int kc_fit_demand_run(const kc_cli *o, kc_catalog *cat, kc_error *err)
{
    kc_demand_opts dopts = { .since_ns = o->since_ns, .until_ns = o->until_ns,
                             .p_bp = o->p_bp, .hostname = o->hostname };
    kc_demand_host h;
    kc_demand_plan plan;
    kc_demand_advice adv;
    kc_demand_meta meta = { 0 };
    kc_fit_report rep;
    kc_fit_row *rows = NULL;
    kc_demand_plan_row *drows = NULL;
    const char *profile;
    kc_format format;
    int ret = -1;

    memset(&h, 0, sizeof(h));
    if (o->uri || o->host_spec || o->facts_file || o->set)
        return kc_cli_usage_error(err, "%s: drop %s", o->prometheus
                                  ? "--prometheus plans a host of the server's history"
                                  : "--demand plans the recorded host",
                                  o->uri ? "-c" : o->host_spec ? "--host" : o->facts_file
                                  ? "--facts" : "--set");
    if (o->n_vms == 0)
        return kc_cli_usage_error(err, "no VM shape given (use --vm SPEC, e.g. --vm 1c1g)");
    if (o->check)
        return kc_cli_usage_error(err, "--check is not taken with --demand");
    if (kc_cli_format(o, KC_FORMAT_BIT(KC_FORMAT_TABLE) | KC_FORMAT_BIT(KC_FORMAT_JSON), &format,
                      err) < 0)
        return -1;
    memset(&rep, 0, sizeof(rep));
    rows = kc_xcalloc(o->n_vms, sizeof(*rows));
    drows = kc_xcalloc(o->n_vms, sizeof(*drows));
    rep.rows = rows;
    rep.n_rows = o->n_vms;
    rep.version = KC_VERSION;
    if (kc_cli_build_policy(o, cat, &rep.policy, &profile, &rep.existing, err) < 0 ||
        load_host(o, &dopts, &h, err) < 0)
        goto out;
    rep.profile = profile;
    if (!h.facts) {
        if (o->prometheus)
            kc_error_set(err, KC_ERR_INVALID, "prometheus: host '%s' has no node_exporter "
                         "series (node_memory_MemTotal_bytes, node_cpu_seconds_total); cannot "
                         "plan it", kc_term_str(h.hostname));
        else
            kc_error_set(err, KC_ERR_INVALID, "'%s': no host facts were recorded for '%s'; "
                         "cannot plan it", o->demand_file, h.hostname);
        goto out;
    }
    rep.facts = h.facts;
    if (kc_facts_to_host(h.facts, cat, rep.existing, &rep.host, err) < 0)
        goto out;
    rep.existing_used = rep.host.used;
    if (kc_demand_plan_init(&h, &rep.host, &rep.policy, &plan, err) < 0)
        goto out;
    for (size_t i = 0; i < o->n_vms; i++) {
        char spec[512], name[KC_NAME_MAX];
        const char *like = NULL, *vm = o->vms[i];

        /* like=NAME is the demand model's, the rest a VM spec as for fit */
        if (strstr(vm, "like=")) {
            if (kc_fit_demand_split_like(vm, spec, sizeof(spec), name, sizeof(name), err) < 0)
                goto out;
            vm = spec;
            like = name[0] ? name : NULL;
        }
        if (kc_spec_parse_vm(vm, cat, &rows[i].shape, NULL, NULL, rows[i].label,
                             sizeof(rows[i].label), err) < 0)
            goto out;
        if (like)
            snprintf(rows[i].label, sizeof(rows[i].label), "%.80s,like=%s", vm, like);
        if (kc_demand_plan_shape(&plan, &h, &rep.host, &rep.policy, &rows[i].shape, like,
                                 &drows[i], err) < 0)
            goto out;
        rows[i].fit = drows[i].alloc;
    }
    kc_demand_advise(&h, 2000, rep.policy.reserve_mib, &adv);
    meta.file = o->prometheus ? o->prometheus : o->demand_file;
    meta.p_bp = dopts.p_bp;
    meta.advice = &adv;
    if (format == KC_FORMAT_JSON) {
        char *text = kc_report_fit_demand_json(&rep, drows, &h, &plan, &meta);

        fputs(text, stdout);
        fputc('\n', stdout);
        free(text);
    } else {
        kc_report_fit_demand_text(stdout, &rep, drows, &h, &plan, &meta);
    }
    ret = 0;
 out:
    free(rows);
    free(drows);
    kc_demand_host_clear(&h);
    return ret;
}
