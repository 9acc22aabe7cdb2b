/* SPDX-License-Identifier: MIT */
/* cmd_sweep.c: `kvmcap sweep`: what if? One VM shape on one host while one value (memory
 * overcommit, cpu ratio, reserve, max util, host memory, NIC speed) runs over a range. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "facts/facts_json.h"
#include "facts/facts_libvirt.h"
#include "input/facts_host.h"
#include "input/spec.h"
#include "report/report.h"
#include "report/report_csv.h"
#include "util/json_out.h"
#include "util/util.h"
#include "fit.h"

const char kc_help_sweep[] =
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

#define SWEEP_POINTS_MAX 1000
#define BAR_WIDTH 40

typedef enum param {
    P_OVERCOMMIT,
    P_CPU_RATIO,
    P_RESERVE,
    P_MAX_UTIL,
    P_HOST_MEM,
    P_NIC_SPEED,
    P_LAST
} param;

static const struct {
    const char *opt;       /* the option that holds the range */
    const char *name;      /* in JSON and CSV */
    const char *unit;      /* of the value in JSON and CSV */
    const char *label;     /* the table's column */
} params[P_LAST] = {
    [P_OVERCOMMIT] = { "--overcommit", "overcommit", "%", "overcommit" },
    [P_CPU_RATIO] = { "--cpu-ratio", "cpu_ratio", "vCPU/CPU", "cpu ratio" },
    [P_RESERVE] = { "--reserve", "reserve", "MiB", "reserve" },
    [P_MAX_UTIL] = { "--max-util", "max_util", "%", "max util" },
    [P_HOST_MEM] = { "--host-mem", "host_mem", "MiB", "host memory" },
    [P_NIC_SPEED] = { "--nic-speed", "nic_speed", "kbit/s", "uplink" },
};

typedef struct point {
    uint64_t value;        /* bp, thousandths, MiB or kbit/s: see value_text() */
    uint64_t count;
    uint32_t bottleneck;
    bool too_big;
    kc_resource too_big_res;
} point;

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

/* The value as people write it: "20 %", "4.0", "512 MiB", "16 GiB", "10 Gbit/s". */
static char *value_text(char *buf, size_t size, param p, uint64_t v)
{
    char num[32];

    switch (p) {
    case P_OVERCOMMIT:
    case P_MAX_UTIL:
        snprintf(buf, size, "%s %%", kc_fmt_bp(num, sizeof(num), v));
        break;
    case P_CPU_RATIO:
        snprintf(buf, size, "%s", kc_fmt_milli(num, sizeof(num), v));
        break;
    case P_RESERVE:
    case P_HOST_MEM:
        if (v && v % 1024 == 0)
            snprintf(buf, size, "%llu GiB", (unsigned long long)(v / 1024));
        else
            snprintf(buf, size, "%llu MiB", (unsigned long long)v);
        break;
    case P_NIC_SPEED:
        if (v % 1000000 == 0)
            snprintf(buf, size, "%llu Gbit/s", (unsigned long long)(v / 1000000));
        else if (v % 1000 == 0)
            snprintf(buf, size, "%llu Mbit/s", (unsigned long long)(v / 1000));
        else
            snprintf(buf, size, "%llu kbit/s", (unsigned long long)v);
        break;
    case P_LAST:
        snprintf(buf, size, "%llu", (unsigned long long)v);
        break;
    }
    return buf;
}

/* The value as a JSON/CSV number in params[p].unit. */
static char *value_number(char *buf, size_t size, param p, uint64_t v)
{
    if (p == P_OVERCOMMIT || p == P_MAX_UTIL)
        return kc_fmt_bp(buf, size, v);
    if (p == P_CPU_RATIO)
        return kc_fmt_milli(buf, size, v);
    snprintf(buf, size, "%llu", (unsigned long long)v);
    return buf;
}

static char *names(char *buf, size_t size, const point *pt, const char *sep)
{
    buf[0] = '\0';
    if (pt->too_big) {
        snprintf(buf, size, "too big (%s)", kc_resource_name(pt->too_big_res));
        return buf;
    }
    for (int r = 0; r < KC_RES_LAST; r++) {
        if (!(pt->bottleneck & (1u << r)))
            continue;
        if (buf[0])
            strncat(buf, sep, size - strlen(buf) - 1);
        strncat(buf, kc_resource_name((kc_resource)r), size - strlen(buf) - 1);
    }
    return buf;
}

static bool changed(const point *pts, size_t i)
{
    return i > 0 && (pts[i].bottleneck != pts[i - 1].bottleneck ||
                     pts[i].too_big != pts[i - 1].too_big);
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
        kc_collect_opts co = { .uri = o->uri, .timeout_s = 10,
                               .sysroot = getenv("KVMCAP_SYSROOT") };

        rc = kc_cli_timeout(o, &co.timeout_s, err);
        if (rc == 0)
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

    if (o->workload || o->catalog || o->from_facts || o->ha || o->growth)
        return kc_cli_usage_error(err, "'sweep' takes one host, not sizing options");
    if (o->hosts_file || o->parallel || o->save_facts || o->sort || o->strict)
        return kc_cli_usage_error(err, "'sweep' does not take fleet options");
    if (o->check)
        return kc_cli_usage_error(err, "'sweep' takes no --check");
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

static void print_table(FILE *out, const kc_fit_report *rep, param p, const point *pts,
                        size_t n)
{
    const kc_facts *f = rep->facts;
    uint64_t max = 0;
    int vw = (int)strlen(params[p].label), bw = (int)strlen("bottleneck");
    char a[48], b[48], c[48], names_buf[160];
    bool any_change = false;

    for (size_t i = 0; i < n; i++) {
        int w = (int)strlen(value_text(a, sizeof(a), p, pts[i].value));

        vw = w > vw ? w : vw;
        w = (int)strlen(names(names_buf, sizeof(names_buf), &pts[i], " and "));
        bw = w > bw ? w : bw;
        max = pts[i].count > max ? pts[i].count : max;
    }
    fprintf(out, "sweep   %s from %s to %s by %s\n", params[p].label,
            value_text(a, sizeof(a), p, pts[0].value),
            value_text(b, sizeof(b), p, pts[n - 1].value),
            value_text(c, sizeof(c), p, n > 1 ? pts[1].value - pts[0].value : 0));
    fprintf(out, "host    %s (%s): %u CPUs, ", f->name[0] ? f->name : f->hostname,
            kc_source_name(f->source), rep->host.cpus);
    if (p == P_HOST_MEM)
        fputs("memory swept\n", out);
    else
        fprintf(out, "%llu MiB memory\n", (unsigned long long)rep->host.mem_mib);
    fprintf(out, "vm      %s (%u vCPU%s, %llu MiB)\n", rep->rows[0].label,
            rep->rows[0].shape.vcpus, rep->rows[0].shape.vcpus == 1 ? "" : "s",
            (unsigned long long)rep->rows[0].shape.mem_mib);
    {
        const kc_policy *pol = &rep->policy;
        char oc[16], ratio[16], util[16], res[32], from[512];


        snprintf(res, sizeof(res), "%llu MiB", (unsigned long long)pol->reserve_mib);
        fprintf(out, "policy  overcommit %s, reserve %s, cpu ratio %s, max util %s\n",
                p == P_OVERCOMMIT ? "swept" : strcat(kc_fmt_bp(oc, sizeof(oc) - 2,
                                                               pol->overcommit_bp), " %"),
                p == P_RESERVE ? "swept" : res,
                p == P_CPU_RATIO ? "swept" : kc_fmt_milli(ratio, sizeof(ratio),
                                                          pol->cpu_ratio_milli),
                p == P_MAX_UTIL ? "swept" : strcat(kc_fmt_bp(util, sizeof(util) - 2,
                                                             pol->max_util_bp), " %"));
        if (rep->profile)
            fprintf(out, "        profile %s\n", rep->profile);
        if (rep->source && kc_config_source_line(from, sizeof(from), rep->source)[0])
            fprintf(out, "        %s\n", from);
        fputc('\n', out);
    }
    /* the chart's axis: 0 where the bars start, the largest count where the longest ends */
    fprintf(out, "  %*s %6s  %-*s   0%*llu\n", vw, params[p].label, "VMs", bw, "bottleneck",
            BAR_WIDTH, (unsigned long long)max);
    for (size_t i = 0; i < n; i++) {
        unsigned cells = 0;
        bool mark = changed(pts, i);

        if (max > 0) {
            kc_u128 cl = (kc_u128)pts[i].count * BAR_WIDTH / max;

            cells = (unsigned)cl;
            if (cells == 0 && pts[i].count > 0)
                cells = 1;
        }
        fprintf(out, "  %*s %6llu  %-*s %c |", vw, value_text(a, sizeof(a), p, pts[i].value),
                (unsigned long long)pts[i].count, bw,
                names(names_buf, sizeof(names_buf), &pts[i], " and "), mark ? '<' : ' ');
        for (unsigned k = 0; k < cells; k++)
            fputc('#', out);
        fputc('\n', out);
        any_change = any_change || mark;
    }
    if (!any_change) {
        fprintf(out, "\nThe bottleneck stays %s over the whole range.\n",
                names(names_buf, sizeof(names_buf), &pts[0], " and "));
        return;
    }
    fputs("\n< the bottleneck changes:\n", out);
    for (size_t i = 1; i < n; i++) {
        char from[160];

        if (!changed(pts, i))
            continue;
        fprintf(out, "  at %s: %s -> %s\n", value_text(a, sizeof(a), p, pts[i].value),
                names(from, sizeof(from), &pts[i - 1], " and "),
                names(names_buf, sizeof(names_buf), &pts[i], " and "));
    }
}

static void print_csv(FILE *out, param p, const point *pts, size_t n)
{
    char num[32], nb[160];

    fputs("parameter,value,unit,count,bottleneck,too_big\r\n", out);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s,%s,", params[p].name, value_number(num, sizeof(num), p, pts[i].value));
        kc_csv_field(out, params[p].unit);
        fprintf(out, ",%llu,%s,%s\r\n", (unsigned long long)pts[i].count,
                pts[i].too_big ? "" : names(nb, sizeof(nb), &pts[i], ";"),
                pts[i].too_big ? kc_resource_name(pts[i].too_big_res) : "");
    }
}

static void add_raw(cJSON *obj, const char *key, const char *text)
{
    cJSON_AddItemToObject(obj, key, kc_json_must(cJSON_CreateRaw(text)));
}

static void add_str(cJSON *obj, const char *key, const char *s)
{
    cJSON_AddItemToObject(obj, key, kc_json_must(cJSON_CreateString(s)));
}

static cJSON *mask_json(const point *pt)
{
    cJSON *arr = kc_json_must(cJSON_CreateArray());

    for (int r = 0; r < KC_RES_LAST; r++)
        if (!pt->too_big && (pt->bottleneck & (1u << r)))
            cJSON_AddItemToArray(arr, kc_json_must(cJSON_CreateString(kc_resource_name((kc_resource)r))));
    return arr;
}

static void print_json(FILE *out, const kc_fit_report *rep, param p, const point *pts,
                       size_t n, const kc_policy_source *src)
{
    const kc_facts *f = rep->facts;
    const kc_policy *pol = &rep->policy;
    cJSON *root = kc_json_must(cJSON_CreateObject()), *o, *arr;
    char num[32];
    char *text;

    add_str(root, "kvmcap", KC_VERSION);
    add_str(root, "report", "sweep");
    o = kc_json_must(cJSON_AddObjectToObject(root, "host"));
    add_str(o, "source", kc_source_name(f->source));
    add_str(o, "name", f->name[0] ? f->name : f->hostname);
    kc_json_add_u64(o, "cpus", rep->host.cpus);
    kc_json_add_u64(o, "mem_mib", rep->host.mem_mib);
    add_str(root, "vm", rep->rows[0].label);
    o = kc_json_must(cJSON_AddObjectToObject(root, "policy"));
    add_raw(o, "overcommit_pct", p == P_OVERCOMMIT ? "null" :
            kc_fmt_bp(num, sizeof(num), pol->overcommit_bp));
    add_raw(o, "reserve_mib", p == P_RESERVE ? "null" :
            value_number(num, sizeof(num), P_RESERVE, pol->reserve_mib));
    add_raw(o, "cpu_ratio", p == P_CPU_RATIO ? "null" :
            kc_fmt_milli(num, sizeof(num), pol->cpu_ratio_milli));
    add_raw(o, "max_util_pct", p == P_MAX_UTIL ? "null" :
            kc_fmt_bp(num, sizeof(num), pol->max_util_bp));
    if (rep->profile)
        add_str(o, "profile", rep->profile);
    else
        add_raw(o, "profile", "null");
    o = kc_json_must(cJSON_AddObjectToObject(root, "policy_source"));
    for (int k = 0; k < KC_CONF_POLICY_LAST; k++)
        add_str(o, kc_config_policy_field((kc_conf_key)k), src->from[k]);
    o = kc_json_must(cJSON_AddObjectToObject(root, "sweep"));
    add_str(o, "parameter", params[p].name);
    add_str(o, "unit", params[p].unit);
    add_raw(o, "start", value_number(num, sizeof(num), p, pts[0].value));
    add_raw(o, "end", value_number(num, sizeof(num), p, pts[n - 1].value));
    add_raw(o, "step", value_number(num, sizeof(num), p,
                                    n > 1 ? pts[1].value - pts[0].value : 0));
    arr = kc_json_must(cJSON_AddArrayToObject(root, "points"));
    for (size_t i = 0; i < n; i++) {
        cJSON *pt = kc_json_must(cJSON_CreateObject());

        cJSON_AddItemToArray(arr, pt);
        add_raw(pt, "value", value_number(num, sizeof(num), p, pts[i].value));
        kc_json_add_u64(pt, "count", pts[i].count);
        cJSON_AddItemToObject(pt, "bottleneck", mask_json(&pts[i]));
        if (pts[i].too_big)
            add_str(pt, "too_big", kc_resource_name(pts[i].too_big_res));
        else
            add_raw(pt, "too_big", "null");
    }
    arr = kc_json_must(cJSON_AddArrayToObject(root, "changes"));
    for (size_t i = 1; i < n; i++) {
        cJSON *ch;

        if (!changed(pts, i))
            continue;
        ch = kc_json_must(cJSON_CreateObject());
        cJSON_AddItemToArray(arr, ch);
        add_raw(ch, "value", value_number(num, sizeof(num), p, pts[i].value));
        cJSON_AddItemToObject(ch, "from", mask_json(&pts[i - 1]));
        cJSON_AddItemToObject(ch, "to", mask_json(&pts[i]));
    }
    text = kc_json_print(root);
    fputs(text, out);
    fputc('\n', out);
    free(text);
}

int kc_cmd_sweep(const kc_cli *o, kc_catalog *cat, kc_error *err)
{
    static const unsigned formats = KC_FORMAT_BIT(KC_FORMAT_TABLE) |
                                    KC_FORMAT_BIT(KC_FORMAT_JSON) | KC_FORMAT_BIT(KC_FORMAT_CSV);
    kc_cli *fixed = NULL;
    kc_facts *facts = NULL;
    kc_fit_report rep;
    kc_fit_row row;
    kc_policy_source src;
    kc_format format;
    point *pts = NULL;
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
    if (kc_facts_to_host(facts, cat, rep.existing, &rep.host, err) < 0)
        goto out;

    pts = kc_xcalloc((size_t)((end - start) / step + 1), sizeof(*pts));
    for (uint64_t v = start; v <= end; v += step) {
        kc_policy pol = rep.policy;
        kc_host host = rep.host;
        kc_fit_summary fit;    /* the count alone: a sweep prints no per-resource table */

        if (apply(p, v, &pol, &host, err) < 0 ||
            kc_fit_count(&host, &row.shape, &pol, &fit, err) < 0)
            goto out;
        pts[n++] = (point){ .value = v, .count = fit.count, .bottleneck = fit.bottleneck,
                            .too_big = fit.too_big, .too_big_res = fit.too_big_res };
        if (end - v < step)
            break;    /* v + step would pass END (or wrap) */
    }
    if (format == KC_FORMAT_JSON)
        print_json(stdout, &rep, p, pts, n, &src);
    else if (format == KC_FORMAT_CSV)
        print_csv(stdout, p, pts, n);
    else
        print_table(stdout, &rep, p, pts, n);
    ret = 0;
 out:
    free(pts);
    free(fixed);
    kc_facts_free(facts);
    return ret;
}
