/* SPDX-License-Identifier: MIT */
/* report_sweep.c: the sweep report (one VM shape while one value runs over a range) as a
 * table with a chart, as CSV and as JSON. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/json_parts.h"
#include "report/report_csv.h"
#include "report/report_sweep.h"
#include "util/fmt.h"
#include "util/json_out.h"
#include "util/names.h"
#include "util/util.h"

#define BAR_WIDTH 40

static const struct {
    const char *name;      /* in JSON and CSV */
    const char *unit;      /* of the value in JSON and CSV */
    const char *label;     /* the table's column */
} params[KC_SWEEP_LAST] = {
    [KC_SWEEP_OVERCOMMIT] = { "overcommit", "%", "overcommit" },
    [KC_SWEEP_CPU_RATIO] = { "cpu_ratio", "vCPU/CPU", "cpu ratio" },
    [KC_SWEEP_RESERVE] = { "reserve", "MiB", "reserve" },
    [KC_SWEEP_MAX_UTIL] = { "max_util", "%", "max util" },
    [KC_SWEEP_HOST_MEM] = { "host_mem", "MiB", "host memory" },
    [KC_SWEEP_NIC_SPEED] = { "nic_speed", "kbit/s", "uplink" },
};

/* The value as people write it: "20 %", "4.0", "512 MiB", "16 GiB", "10 Gbit/s". */
static char *value_text(char *buf, size_t size, kc_sweep_param p, uint64_t v)
{
    char num[32];

    switch (p) {
    case KC_SWEEP_OVERCOMMIT:
    case KC_SWEEP_MAX_UTIL:
        snprintf(buf, size, "%s %%", kc_fmt_bp(num, sizeof(num), v));
        break;
    case KC_SWEEP_CPU_RATIO:
        snprintf(buf, size, "%s", kc_fmt_milli(num, sizeof(num), v));
        break;
    case KC_SWEEP_RESERVE:
    case KC_SWEEP_HOST_MEM:
        if (v && v % 1024 == 0)
            snprintf(buf, size, "%llu GiB", (unsigned long long)(v / 1024));
        else
            snprintf(buf, size, "%llu MiB", (unsigned long long)v);
        break;
    case KC_SWEEP_NIC_SPEED:
        if (v % 1000000 == 0)
            snprintf(buf, size, "%llu Gbit/s", (unsigned long long)(v / 1000000));
        else if (v % 1000 == 0)
            snprintf(buf, size, "%llu Mbit/s", (unsigned long long)(v / 1000));
        else
            snprintf(buf, size, "%llu kbit/s", (unsigned long long)v);
        break;
    case KC_SWEEP_LAST:
        snprintf(buf, size, "%llu", (unsigned long long)v);
        break;
    }
    return buf;
}

/* The value as a JSON/CSV number in its parameter's unit. */
static char *value_number(char *buf, size_t size, kc_sweep_param p, uint64_t v)
{
    if (p == KC_SWEEP_OVERCOMMIT || p == KC_SWEEP_MAX_UTIL)
        return kc_fmt_bp(buf, size, v);
    if (p == KC_SWEEP_CPU_RATIO)
        return kc_fmt_milli(buf, size, v);
    snprintf(buf, size, "%llu", (unsigned long long)v);
    return buf;
}

static char *names(char *buf, size_t size, const kc_sweep_point *pt, const char *sep)
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

static bool changed(const kc_sweep_point *pts, size_t i)
{
    return i > 0 && (pts[i].bottleneck != pts[i - 1].bottleneck ||
                     pts[i].too_big != pts[i - 1].too_big);
}

void kc_report_sweep_text(FILE *out, const kc_sweep_report *sw)
{
    const kc_fit_report *rep = sw->fit;
    kc_sweep_param p = sw->param;
    const kc_sweep_point *pts = sw->points;
    size_t n = sw->n_points;
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
    fprintf(out, "host    %s (%s): %u %s, ", kc_term_str(f->name[0] ? f->name : f->hostname),
            KC_NAME(source, f->source), rep->host.cpus, kc_plural(rep->host.cpus, "CPU", "CPUs"));
    if (p == KC_SWEEP_HOST_MEM)
        fputs("memory swept\n", out);
    else
        fprintf(out, "%llu MiB memory\n", (unsigned long long)rep->host.mem_mib);
    fprintf(out, "vm      %s (%u vCPU%s, %llu MiB)\n", rep->rows[0].label,
            rep->rows[0].shape.vcpus, kc_s(rep->rows[0].shape.vcpus),
            (unsigned long long)rep->rows[0].shape.mem_mib);
    {
        const kc_policy *pol = &rep->policy;
        char oc[16], ratio[16], util[16], res[32], from[512];


        snprintf(res, sizeof(res), "%llu MiB", (unsigned long long)pol->reserve_mib);
        fprintf(out, "policy  overcommit %s, reserve %s, cpu ratio %s, max util %s\n",
                p == KC_SWEEP_OVERCOMMIT ? "swept" : strcat(kc_fmt_bp(oc, sizeof(oc) - 2,
                                                               pol->overcommit_bp), " %"),
                p == KC_SWEEP_RESERVE ? "swept" : res,
                p == KC_SWEEP_CPU_RATIO ? "swept" : kc_fmt_milli(ratio, sizeof(ratio),
                                                          pol->cpu_ratio_milli),
                p == KC_SWEEP_MAX_UTIL ? "swept" : strcat(kc_fmt_bp(util, sizeof(util) - 2,
                                                             pol->max_util_bp), " %"));
        if (rep->profile)
            fprintf(out, "        profile %s\n", rep->profile);
        if (rep->source && kc_config_source_line(from, sizeof(from), rep->source)[0])
            fprintf(out, "        %s\n", kc_term_str(from));
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

void kc_report_sweep_csv(FILE *out, const kc_sweep_report *sw)
{
    kc_sweep_param p = sw->param;
    const kc_sweep_point *pts = sw->points;
    size_t n = sw->n_points;
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

static cJSON *mask_json(const kc_sweep_point *pt)
{
    cJSON *arr = kc_json_must(cJSON_CreateArray());

    for (int r = 0; r < KC_RES_LAST; r++)
        if (!pt->too_big && (pt->bottleneck & (1u << r)))
            cJSON_AddItemToArray(arr, kc_json_must(cJSON_CreateString(kc_resource_name((kc_resource)r))));
    return arr;
}

void kc_report_sweep_json(FILE *out, const kc_sweep_report *sw)
{
    static const int swept_key[KC_SWEEP_LAST] = {
        [KC_SWEEP_OVERCOMMIT] = KC_CONF_OVERCOMMIT, [KC_SWEEP_CPU_RATIO] = KC_CONF_CPU_RATIO,
        [KC_SWEEP_RESERVE] = KC_CONF_RESERVE, [KC_SWEEP_MAX_UTIL] = KC_CONF_MAX_UTIL,
        [KC_SWEEP_HOST_MEM] = -1, [KC_SWEEP_NIC_SPEED] = -1,
    };
    const kc_fit_report *rep = sw->fit;
    kc_sweep_param p = sw->param;
    const kc_sweep_point *pts = sw->points;
    size_t n = sw->n_points;
    cJSON *root = kc_json_must(cJSON_CreateObject()), *o, *arr;
    char num[32];
    char *text;

    add_str(root, "kvmcap", rep->version);
    add_str(root, "report", "sweep");
    /* the host and the policy as they hold still; a swept policy value is null */
    kc_report_host_json(kc_json_add_obj(root, "host"), rep->facts, &rep->host, true);
    add_str(root, "vm", rep->rows[0].label);
    kc_report_policy_json(root, &(kc_policy_view){
        .policy = &rep->policy, .profile = rep->profile, .existing = rep->existing,
        .source = rep->source,
        .swept = swept_key[p] < 0 ? 0 : 1u << swept_key[p] });
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
        /* a VM too big for the host has no bottleneck to show */
        kc_report_answer_json(pt, pts[i].count, pts[i].too_big ? 0 : pts[i].bottleneck,
                              pts[i].too_big, pts[i].too_big_res);
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

