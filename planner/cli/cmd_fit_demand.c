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
#include "util/util.h"

/* The options taken out of argv (they live as long as argv), and each --vm's like=NAME, in
 * the order of the --vm options (taken out of the spec: fit's parser checks every spec). */
static struct {
    const char *file, *percentile, *hostname, *since, *until;
    size_t n_vms;
    char like[KC_CLI_VMS_MAX][KC_NAME_MAX];
    char spec[KC_CLI_VMS_MAX][512];
} dm;

static int split_like(const char *spec, char *rest, size_t rest_size, char *like,
                      size_t like_size, kc_error *err);

/* --vm SPEC with --demand: keep like=NAME aside, give fit's parser the rest. */
static int take_like(char **arg, kc_error *err)
{
    size_t i = dm.n_vms;

    if (i == KC_CLI_VMS_MAX)
        return 0;           /* fit's parser says "too many --vm" */
    dm.n_vms++;
    if (!strstr(*arg, "like="))
        return 0;
    if (split_like(*arg, dm.spec[i], sizeof(dm.spec[i]), dm.like[i], sizeof(dm.like[i]),
                   err) < 0)
        return -1;
    *arg = dm.spec[i];
    return 0;
}

int kc_fit_demand_take(int *argc, char **argv, int first, kc_error *err)
{
    static const struct { const char *name; const char **slot; } opts[] = {
        { "--demand", &dm.file }, { "--percentile", &dm.percentile },
        { "--hostname", &dm.hostname }, { "--since", &dm.since }, { "--until", &dm.until },
    };
    int out = first;

    for (int i = first; i < *argc; i++) {
        bool taken = false;

        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        for (size_t k = 0; k < sizeof(opts) / sizeof(opts[0]) && !taken; k++) {
            size_t n = strlen(opts[k].name);

            if (strncmp(argv[i], opts[k].name, n) != 0)
                continue;
            if (argv[i][n] == '=') {
                *opts[k].slot = argv[i] + n + 1;
                taken = true;
            } else if (argv[i][n] == '\0') {
                if (i + 1 >= *argc)
                    return kc_cli_usage_error(err, "option '%s' needs a value", opts[k].name);
                *opts[k].slot = argv[++i];
                taken = true;
            }
        }
        if (!taken)
            argv[out++] = argv[i];
    }
    argv[out] = NULL;
    *argc = out;
    for (int i = first; dm.file && i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--vm") == 0 && i + 1 < *argc) {
            if (take_like(&argv[++i], err) < 0)
                return -1;
        } else if (strncmp(argv[i], "--vm=", 5) == 0) {
            char *v = argv[i] + 5;

            if (take_like(&v, err) < 0)
                return -1;
            if (v != argv[i] + 5) {
                /* "--vm=" + the spec without like= */
                static char opt[KC_CLI_VMS_MAX][520];
                size_t k = dm.n_vms - 1;

                snprintf(opt[k], sizeof(opt[k]), "--vm=%s", v);
                argv[i] = opt[k];
            }
        }
    }
    if (!dm.file && (dm.percentile || dm.hostname || dm.since || dm.until))
        return kc_cli_usage_error(err, "%s needs --demand FILE",
                                  dm.percentile ? "--percentile" : dm.hostname ? "--hostname"
                                  : dm.since ? "--since" : "--until");
    return 0;
}

bool kc_fit_demand_wanted(void)
{
    return dm.file != NULL;
}

/* "2c4g,like=web1,disk=40g" -> "2c4g,disk=40g" and "web1". */
static int split_like(const char *spec, char *rest, size_t rest_size, char *like,
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

int kc_fit_demand_run(const kc_cli *o, kc_catalog *cat, kc_error *err)
{
    kc_demand_opts dopts = { .p_bp = 9500, .hostname = dm.hostname };
    kc_demand_host h;
    kc_demand_plan plan;
    kc_demand_advice adv;
    kc_demand_meta meta;
    kc_fit_report rep;
    kc_fit_row *rows = NULL;
    kc_demand_plan_row *drows = NULL;
    const char *profile;
    kc_format format;
    int ret = -1;

    memset(&h, 0, sizeof(h));
    if (o->uri || o->host_spec || o->facts_file || o->set)
        return kc_cli_usage_error(err, "--demand plans the recorded host: drop %s",
                                  o->uri ? "-c" : o->host_spec ? "--host" : o->facts_file
                                  ? "--facts" : "--set");
    if (o->n_vms == 0)
        return kc_cli_usage_error(err, "no VM shape given (use --vm SPEC, e.g. --vm 1c1g)");
    if (o->check)
        return kc_cli_usage_error(err, "--check is not taken with --demand");
    if (kc_cli_format(o, KC_FORMAT_BIT(KC_FORMAT_TABLE) | KC_FORMAT_BIT(KC_FORMAT_JSON), &format,
                      err) < 0)
        return -1;
    {
        if ((dm.since && kc_cmd_parse_time_ns("--since", dm.since, &dopts.since_ns, err) < 0) ||
            (dm.until && kc_cmd_parse_time_ns("--until", dm.until, &dopts.until_ns, err) < 0))
            return -1;
    }
    if (dm.percentile && (kc_spec_parse_percent_bp(dm.percentile, KC_BP_ONE, &dopts.p_bp,
                                                   err) < 0))
        return kc_cli_opt_error(err, "--percentile");
    memset(&rep, 0, sizeof(rep));
    rows = kc_xcalloc(o->n_vms, sizeof(*rows));
    drows = kc_xcalloc(o->n_vms, sizeof(*drows));
    rep.rows = rows;
    rep.n_rows = o->n_vms;
    rep.version = KC_VERSION;
    if (kc_cli_build_policy(o, cat, &rep.policy, &profile, &rep.existing, err) < 0 ||
        kc_demand_load(dm.file, &dopts, &h, err) < 0)
        goto out;
    rep.profile = profile;
    if (!h.facts) {
        kc_error_set(err, KC_ERR_INVALID, "'%s': no host facts were recorded for '%s'; cannot "
                     "plan it", dm.file, h.hostname);
        goto out;
    }
    rep.facts = h.facts;
    if (kc_facts_to_host(h.facts, cat, rep.existing, &rep.host, err) < 0)
        goto out;
    rep.existing_used = rep.host.used;
    if (kc_demand_plan_init(&h, &rep.host, &rep.policy, &plan, err) < 0)
        goto out;
    for (size_t i = 0; i < o->n_vms; i++) {
        const char *like = i < dm.n_vms && dm.like[i][0] ? dm.like[i] : NULL;

        if (kc_spec_parse_vm(o->vms[i], cat, &rows[i].shape, NULL, NULL, rows[i].label,
                             sizeof(rows[i].label), err) < 0)
            goto out;
        if (like)
            snprintf(rows[i].label, sizeof(rows[i].label), "%.80s,like=%s", o->vms[i], like);
        if (kc_demand_plan_shape(&plan, &h, &rep.host, &rep.policy, &rows[i].shape, like,
                                 &drows[i], err) < 0)
            goto out;
        rows[i].fit = drows[i].alloc;
    }
    kc_demand_advise(&h, 2000, rep.policy.reserve_mib, &adv);
    meta.file = dm.file;
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
