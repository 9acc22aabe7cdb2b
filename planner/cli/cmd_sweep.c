/* SPDX-License-Identifier: MIT */
/* cmd_sweep.c: `kvmcap sweep`: what if? One VM shape on one host while one value (memory
 * overcommit, cpu ratio, reserve, max util, host memory, NIC speed) runs over a range. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "facts/facts_json.h"
#include "facts/facts_libvirt.h"
#include "input/facts_host.h"
#include "input/spec.h"
#include "report/dispatch.h"
#include "report/report.h"
#include "util/util.h"
#include "fit.h"

static const char help_sweep[] =
    "Usage: kvmcap sweep [HOST] --vm SPEC [POLICY] RANGE [--format table|json|csv]\n"
    "\n"
    "What if? How many VMs of one shape fit while one value runs over a range: a table,\n"
    "a chart of the count against the value with the bottleneck changes marked, or\n"
    "CSV/JSON to plot. The host is -c URI, --host SPEC or --facts FILE, as for fit.\n"
    "\n"
    "RANGE is START:END:STEP on exactly one of:\n"
    "      --overcommit PCT:PCT:PCT       memory overcommit, e.g. 0:100:10\n"
    "      --cpu-ratio R:R:R              vCPUs per logical CPU, e.g. 1:8:0.5\n"
    "      --reserve SIZE:SIZE:SIZE       memory kept by the hypervisor, e.g. 0:4g:512m\n"
    "      --max-util PCT:PCT:PCT         utilization cap, e.g. 50:100:5\n"
    "      --host-mem SIZE:SIZE:SIZE      the host's memory, e.g. 8g:64g:8g\n"
    "      --nic-speed BW:BW:BW           the host's uplink (one NIC), e.g. 1g:25g:1g\n"
    "The values are START, START+STEP, ... up to END (at most 1000 of them). The other\n"
    "policy options of 'kvmcap --help' hold still.\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 bad input, 4 host, libvirt or I/O error.\n";

void kc_help_sweep(FILE *out)
{
    fputs(help_sweep, out);
}

#define SWEEP_POINTS_MAX 1000

typedef enum param {
    P_OVERCOMMIT = KC_SWEEP_OVERCOMMIT,
    P_CPU_RATIO = KC_SWEEP_CPU_RATIO,
    P_RESERVE = KC_SWEEP_RESERVE,
    P_MAX_UTIL = KC_SWEEP_MAX_UTIL,
    P_HOST_MEM = KC_SWEEP_HOST_MEM,
    P_NIC_SPEED = KC_SWEEP_NIC_SPEED,
    P_LAST = KC_SWEEP_LAST
} param;

static const struct {
    const char *opt;       /* the option that holds the range */
} params[P_LAST] = {
    [P_OVERCOMMIT] = { "--overcommit" },
    [P_CPU_RATIO] = { "--cpu-ratio" },
    [P_RESERVE] = { "--reserve" },
    [P_MAX_UTIL] = { "--max-util" },
    [P_HOST_MEM] = { "--host-mem" },
    [P_NIC_SPEED] = { "--nic-speed" },
};

typedef kc_sweep_point point;

static const char *param_text(const kc_cli *o, param p)
{
    switch (p) {
    case P_OVERCOMMIT: return o->overcommit;
    case P_CPU_RATIO: return o->cpu_ratio;
    case P_RESERVE: return o->reserve;
    case P_MAX_UTIL: return o->max_util;
    case P_HOST_MEM: return o->host_mem;
    case P_NIC_SPEED: return o->nic_speed;
    case P_LAST: break;
    }
    return NULL;
}

/* Parse one value of @p's kind into its fixed-point unit. */
static int parse_value(param p, const char *text, uint64_t *out, kc_error *err)
{
    uint32_t v32 = 0;
    int rc;

    switch (p) {
    case P_OVERCOMMIT:
        rc = kc_spec_parse_percent_bp(text, 1000000, &v32, err);
        *out = v32;
        return rc;
    case P_MAX_UTIL:
        rc = kc_spec_parse_percent_bp(text, KC_BP_ONE, &v32, err);
        *out = v32;
        return rc;
    case P_CPU_RATIO:
        rc = kc_spec_parse_ratio_milli(text, &v32, err);
        *out = v32;
        return rc;
    case P_RESERVE:
        return kc_spec_parse_size_mib(text, false, true, out, err);
    case P_HOST_MEM:
        return kc_spec_parse_size_mib(text, false, false, out, err);
    case P_NIC_SPEED:
        return kc_spec_parse_bandwidth_kbps(text, out, err);
    case P_LAST:
        break;
    }
    return kc_error_set(err, KC_ERR_INTERNAL, "no sweep parameter %d", (int)p);
}

/* START:END:STEP of @p into *start, *end, *step; a usage error naming the option. */
static int parse_range(param p, const char *text, uint64_t *start, uint64_t *end,
                       uint64_t *step, kc_error *err)
{
    const char *opt = params[p].opt;
    char buf[3][64];
    const char *s = text;
    uint64_t *dst[3] = { start, end, step };
    uint64_t points;

    for (int i = 0; i < 3; i++) {
        size_t len = strcspn(s, ":");

        if ((i < 2 && s[len] != ':') || (i == 2 && s[len] != '\0') || len == 0 ||
            len >= sizeof(buf[i]))
            return kc_cli_usage_error(err, "%s: bad range '%s' (use START:END:STEP, e.g. %s)",
                                      opt, text,
                                      p == P_OVERCOMMIT ? "0:100:10" : p == P_CPU_RATIO ?
                                      "1:8:0.5" : p == P_RESERVE ? "0:4g:512m" :
                                      p == P_MAX_UTIL ? "50:100:5" : p == P_HOST_MEM ?
                                      "8g:64g:8g" : "1g:25g:1g");
        memcpy(buf[i], s, len);
        buf[i][len] = '\0';
        s += len + (i < 2 ? 1 : 0);
    }
    for (int i = 0; i < 3; i++)
        if (parse_value(p, buf[i], dst[i], err) < 0)
            return kc_cli_opt_error(err, opt);
    if (*step == 0)
        return kc_cli_usage_error(err, "%s: the step of '%s' must be above 0", opt, text);
    if (*end < *start)
        return kc_cli_usage_error(err, "%s: the range '%s' ends before it starts", opt, text);
    if (p == P_MAX_UTIL && *start == 0)
        return kc_cli_usage_error(err, "%s: '%s' starts at 0, which leaves nothing to plan",
                                  opt, text);
    points = (*end - *start) / *step + 1;
    if (points > SWEEP_POINTS_MAX)
        return kc_cli_usage_error(err, "%s: '%s' gives %llu values (at most %d)", opt, text,
                                  (unsigned long long)points, SWEEP_POINTS_MAX);
    return 0;
}

/* Set the swept value @v on the policy or the host. */
static int apply(param p, uint64_t v, kc_policy *pol, kc_host *host, kc_error *err)
{
    switch (p) {
    case P_OVERCOMMIT: pol->overcommit_bp = (uint32_t)v; break;
    case P_CPU_RATIO: pol->cpu_ratio_milli = (uint32_t)v; break;
    case P_RESERVE: pol->reserve_mib = v; break;
    case P_MAX_UTIL: pol->max_util_bp = (uint32_t)v; break;
    case P_HOST_MEM:
        if (v < host->hugepages_mib)
            return kc_error_set(err, KC_ERR_INVALID, "--host-mem: %llu MiB is less than the "
                                "host's hugepage pool (%llu MiB)", (unsigned long long)v,
                                (unsigned long long)host->hugepages_mib);
        host->mem_mib = v;
        /* NUMA nodes share the memory evenly, the remainder on node 0 (as host specs do) */
        for (size_t i = 0; i < host->n_numa; i++)
            host->numa[i].mem_mib = v / host->n_numa + (i == 0 ? v % host->n_numa : 0);
        break;
    case P_NIC_SPEED:
        host->n_nics = 1;
        host->nics[0].speed_kbps = v;
        break;
    case P_LAST:
        break;
    }
    return 0;
}

/* The host the options name, as for fit (one source; --set applied). Caller frees. */
static kc_facts *load_host(const kc_cli *o, const kc_catalog *cat, kc_error *err)
{
    kc_facts *facts = kc_facts_new();
    int rc;

    if (o->host_spec) {
        rc = kc_spec_parse_host(o->host_spec, cat, facts, err);
        if (rc == 0 && !facts->name[0] &&
            kc_strlcpy(facts->name, o->host_spec, sizeof(facts->name)) < 0)
            kc_strlcpy(facts->name, "spec", sizeof(facts->name));
    } else if (o->facts_file) {
        char *text = kc_cli_read_file(o->facts_file, err);

        rc = text ? kc_facts_from_json(text, o->facts_file, facts, err) : -1;
        free(text);
    } else {
        kc_collect_opts co = { .uri = o->uri, .timeout_s = o->timeout ? o->timeout_s : 0,
                               .sysroot = getenv("KVMCAP_SYSROOT") };

        rc = kc_libvirt_collect(&co, facts, err);
    }
    if (rc == 0 && o->set)
        rc = kc_spec_apply_set(o->set, cat, facts, err);
    if (rc < 0) {
        kc_facts_free(facts);
        return NULL;
    }
    kc_facts_sort(facts);
    return facts;
}

static int check_options(const kc_cli *o, param *swept, kc_error *err)
{
    int n = 0;

    if (o->n_hosts > 1 || o->n_uris > 1 || !!o->uri + !!o->host_spec + !!o->facts_file > 1)
        return kc_cli_usage_error(err, "give one host source: -c URI, --host SPEC or --facts FILE");
    if (o->n_vms != 1)
        return kc_cli_usage_error(err, "give one VM shape to sweep (--vm SPEC)");
    for (int p = 0; p < P_LAST; p++) {
        const char *t = param_text(o, (param)p);

        /* host memory and NIC speed are always ranges; policy values are when they hold ':' */
        if (t && (p == P_HOST_MEM || p == P_NIC_SPEED || strchr(t, ':'))) {
            if (n++)
                return kc_cli_usage_error(err, "sweep one value at a time (%s and %s are "
                                          "both ranges)", params[*swept].opt, params[p].opt);
            *swept = (param)p;
        }
    }
    if (n == 0)
        return kc_cli_usage_error(err, "nothing to sweep (give a range, e.g. "
                                  "--overcommit 0:100:10)");
    return 0;
}

int kc_cmd_sweep(const kc_cli *o, kc_catalog *cat, kc_error *err)
{
    const unsigned formats = KC_REPORT_FORMATS(kc_report_sweep_by_format);
    kc_cli *fixed = NULL;
    kc_facts *facts = NULL;
    kc_fit_report rep;
    kc_fit_row row;
    kc_policy_source src;
    kc_format format;
    point *pts = NULL;
    kc_fit_host *fhost = NULL;    /* ~6 KB: not on the stack */
    kc_fit_shape fshape;
    uint64_t start, end, step;
    param p = P_LAST;
    size_t n = 0;
    int ret = -1;

    memset(&rep, 0, sizeof(rep));
    memset(&row, 0, sizeof(row));
    if (check_options(o, &p, err) < 0 || kc_cli_format(o, formats, &format, err) < 0 ||
        parse_range(p, param_text(o, p), &start, &end, &step, err) < 0)
        return -1;
    /* the policy of every other option: the swept one is set per point */
    fixed = kc_xcalloc(1, sizeof(*fixed));
    *fixed = *o;
    if (p == P_OVERCOMMIT)
        fixed->overcommit = NULL;
    else if (p == P_CPU_RATIO)
        fixed->cpu_ratio = NULL;
    else if (p == P_RESERVE)
        fixed->reserve = NULL;
    else if (p == P_MAX_UTIL)
        fixed->max_util = NULL;
    if (kc_cli_build_policy_source(fixed, cat, &rep.policy, &rep.profile, &rep.existing, &src,
                                   err) < 0)
        goto out;
    if (p == P_OVERCOMMIT || p == P_CPU_RATIO || p == P_RESERVE || p == P_MAX_UTIL)
        src.from[p == P_OVERCOMMIT ? KC_CONF_OVERCOMMIT : p == P_CPU_RATIO ? KC_CONF_CPU_RATIO :
                 p == P_RESERVE ? KC_CONF_RESERVE : KC_CONF_MAX_UTIL] = "sweep";
    if (kc_spec_parse_vm(o->vms[0], cat, &row.shape, NULL, NULL, row.label, sizeof(row.label),
                         err) < 0)
        goto out;
    if (!(facts = load_host(o, cat, err)))
        goto out;
    rep.facts = facts;
    rep.rows = &row;
    rep.n_rows = 1;
    rep.source = &src;
    if (kc_facts_to_host(facts, cat, rep.existing, &rep.host, err) < 0) {
        kc_facts_name_error(facts, err);    /* the facts file or the URI they came from */
        goto out;
    }

    pts = kc_xcalloc((size_t)((end - start) / step + 1), sizeof(*pts));
    /* the shape is the same at every point (no swept parameter is the overhead's): prepared
     * once; each point's host under its policy, then the pair (kc_fit_pair) */
    kc_fit_shape_prepare(&row.shape, &rep.policy, &fshape);
    fhost = kc_xcalloc(1, sizeof(*fhost));
    for (uint64_t v = start; v <= end; v += step) {
        kc_policy pol = rep.policy;
        kc_host host = rep.host;
        kc_fit_summary fit;    /* the count alone: a sweep prints no per-resource table */

        if (apply(p, v, &pol, &host, err) < 0)
            goto out;
        kc_fit_host_prepare(&host, &pol, fhost);
        if (kc_fit_pair(&fhost->hot, &fshape, &fit, err) < 0)
            goto out;
        pts[n++] = (point){ .value = v, .count = fit.count, .bottleneck = fit.bottleneck,
                            .too_big = fit.too_big, .too_big_res = fit.too_big_res };
        if (end - v < step)
            break;    /* v + step would pass END (or wrap) */
    }
    rep.version = KC_VERSION;
    kc_report_sweep_by_format[format](stdout, &(kc_sweep_report){
        .fit = &rep, .param = (kc_sweep_param)p, .points = pts, .n_points = n });
    ret = 0;
 out:
    free(pts);
    free(fhost);
    free(fixed);
    kc_facts_free(facts);
    return ret;
}
