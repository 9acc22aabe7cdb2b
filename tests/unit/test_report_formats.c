/* SPDX-License-Identifier: MIT */
/* test_report_formats.c: CSV and Prometheus renderers: quoting, escaping, grouping, and
 * that the numbers are the fit's own. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "report/report.h"
#include "report/report_csv.h"
#include "report/report_prom.h"
#include "fit.h"
#include "helpers.h"
#include "size.h"

/* Run @fn into a string the caller frees. */
#define CAPTURE(buf, call)                                          \
    do {                                                            \
        size_t cap_len_ = 0;                                        \
        FILE *out = open_memstream(&(buf), &cap_len_);              \
        cr_assert_not_null(out);                                    \
        call;                                                       \
        cr_assert_eq(fclose(out), 0);                               \
    } while (0)

static char *csv_of(const char *text)
{
    char *buf = NULL;

    CAPTURE(buf, kc_csv_field(out, text));
    return buf;
}

static char *label_of(const char *text)
{
    char *buf = NULL;

    CAPTURE(buf, kc_prom_label(out, text));
    return buf;
}

Test(formats, csv_fields_are_quoted_only_when_they_must_be)
{
    static const struct { const char *in, *out; } cases[] = {
        { "1c1g", "1c1g" },
        { "", "" },
        { "2c4g,disk=40g", "\"2c4g,disk=40g\"" },
        { "say \"hi\"", "\"say \"\"hi\"\"\"" },
        { "two\nlines", "\"two\nlines\"" },
        { "cr\rhere", "\"cr\rhere\"" },
        { " lead", "\" lead\"" },
        { "trail ", "\"trail \"" },
        { "in side", "in side" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = csv_of(cases[i].in);

        cr_expect_str_eq(got, cases[i].out, "case %zu", i);
        free(got);
    }
}

Test(formats, prometheus_label_values_escape_backslash_quote_and_newline)
{
    static const struct { const char *in, *out; } cases[] = {
        { "kvm7", "kvm7" },
        { "a\\b", "a\\\\b" },
        { "say \"x\"", "say \\\"x\\\"" },
        { "l1\nl2", "l1\\nl2" },
        { "2c4g,disk=40g", "2c4g,disk=40g" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = label_of(cases[i].in);

        cr_expect_str_eq(got, cases[i].out, "case %zu", i);
        free(got);
    }
}

/* A report of @n shapes on a @cpus/@mem host named @name, fitted by the core. */
typedef struct fixture {
    kc_facts *facts;
    kc_fit_row rows[3];
    kc_fit_report rep;
} fixture;

static void build(fixture *fx, const char *name, uint32_t cpus, uint64_t mem_mib,
                  const kc_shape *shapes, const char *const *labels, size_t n)
{
    kc_error err = { 0 };

    memset(fx, 0, sizeof(*fx));
    fx->facts = kc_facts_new();
    snprintf(fx->facts->name, sizeof(fx->facts->name), "%s", name);
    fx->rep.facts = fx->facts;
    fx->rep.host = kc_test_host(cpus, mem_mib);
    fx->rep.policy = kc_test_policy();
    fx->rep.rows = fx->rows;
    fx->rep.n_rows = n;
    for (size_t i = 0; i < n; i++) {
        fx->rows[i].shape = shapes[i];
        snprintf(fx->rows[i].label, sizeof(fx->rows[i].label), "%s", labels[i]);
        cr_assert_eq(kc_fit_compute(&fx->rep.host, &shapes[i], &fx->rep.policy,
                                    &fx->rows[i].fit, &err), 0, "%s", err.msg);
    }
}

/* The number after "@prefix" at the start of a line of @text; -1 if absent. */
static long long value_after(const char *text, const char *prefix)
{
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, prefix, strlen(prefix)) == 0)
            return atoll(line + strlen(prefix));
    return -1;
}

Test(formats, prometheus_counts_and_bottlenecks_are_the_fits)
{
    static const kc_shape shapes[] = { { .vcpus = 1, .mem_mib = 1024 },
                                       { .vcpus = 8, .mem_mib = 512 } };
    static const char *const labels[] = { "1c1g", "8c512m" };
    fixture fx;
    char *text = NULL;

    build(&fx, "kvm7", 8, 8192, shapes, labels, 2);
    CAPTURE(text, kc_report_fit_prometheus(out, &fx.rep));
    cr_expect_eq(value_after(text, "kvmcap_vms_fit{host=\"kvm7\",shape=\"1c1g\"} "),
                 (long long)fx.rows[0].fit.count);
    cr_expect_eq(value_after(text, "kvmcap_vms_fit{host=\"kvm7\",shape=\"8c512m\"} "),
                 (long long)fx.rows[1].fit.count);
    for (size_t i = 0; i < 2; i++)
        for (int r = 0; r < KC_RES_LAST; r++) {
            char prefix[160];
            bool hot = (fx.rows[i].fit.bottleneck & (1u << r)) != 0;

            snprintf(prefix, sizeof(prefix),
                     "kvmcap_bottleneck{host=\"kvm7\",shape=\"%s\",resource=\"%s\"} ",
                     labels[i], kc_resource_name((kc_resource)r));
            cr_expect_eq(value_after(text, prefix), hot ? 1 : -1, "%s", prefix);
        }
    cr_expect_eq(value_after(text, "kvmcap_resource_capacity{host=\"kvm7\",shape=\"1c1g\","
                                   "resource=\"memory\",unit=\"MiB\"} "),
                 (long long)fx.rows[0].fit.res[KC_RES_MEMORY].capacity);
    free(text);
    kc_facts_free(fx.facts);
}

Test(formats, prometheus_families_are_whole_and_each_has_help_and_type)
{
    static const kc_shape shapes[] = { { .vcpus = 1, .mem_mib = 1024 },
                                       { .vcpus = 2, .mem_mib = 4096 },
                                       { .vcpus = 64, .mem_mib = 1024 } };
    static const char *const labels[] = { "1c1g", "2c4g", "64c1g" };
    char seen[32][64];
    size_t n_seen = 0;
    char current[64] = "";
    fixture fx;
    char *text = NULL, *save = NULL;

    build(&fx, "a \"quoted\\\" host", 8, 8192, shapes, labels, 3);
    cr_assert(fx.rows[2].fit.too_big, "the 64-vCPU shape exceeds the host");
    CAPTURE(text, kc_report_fit_prometheus(out, &fx.rep));
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char name[64];
        size_t len;

        if (strncmp(line, "# HELP ", 7) == 0) {
            len = strcspn(line + 7, " ");
            cr_assert_lt(len, sizeof(name));
            memcpy(name, line + 7, len);
            name[len] = '\0';
            for (size_t i = 0; i < n_seen; i++)
                cr_expect_str_neq(seen[i], name, "family %s appears twice", name);
            cr_assert_lt(n_seen, 32);
            snprintf(seen[n_seen++], sizeof(seen[0]), "%s", name);
            snprintf(current, sizeof(current), "%s", name);
            continue;
        }
        if (strncmp(line, "# TYPE ", 7) == 0) {
            char want[100];

            snprintf(want, sizeof(want), "# TYPE %s gauge", current);
            cr_expect_str_eq(line, want);
            continue;
        }
        /* a sample belongs to the family whose HELP came last */
        len = strcspn(line, "{ ");
        cr_expect(len == strlen(current) && strncmp(line, current, len) == 0,
                  "sample '%s' outside its family %s", line, current);
        /* the host label is escaped: no raw quote inside a value */
        cr_expect(strstr(line, "host=\"a \\\"quoted\\\\\\\" host\"") != NULL, "%s", line);
    }
    cr_expect_geq(n_seen, 6);
    free(text);
    kc_facts_free(fx.facts);
}

Test(formats, csv_has_one_line_per_shape_and_resource_with_the_fits_numbers)
{
    static const kc_shape shapes[] = { { .vcpus = 1, .mem_mib = 1024 } };
    static const char *const labels[] = { "1c1g,cpu=50%" };
    fixture fx;
    char *text = NULL, *save = NULL, want[256];
    const kc_res_fit *mem;
    size_t lines = 0;

    build(&fx, "kvm7", 8, 8192, shapes, labels, 1);
    mem = &fx.rows[0].fit.res[KC_RES_MEMORY];
    CAPTURE(text, kc_report_fit_csv(out, &fx.rep));
    cr_expect(strncmp(text, "host,vm,vcpus,mem_mib,count,placed,bottleneck,too_big,resource,"
                            "unit,state,capacity,used,per_vm,limit,fair_share\r\n", 110) == 0);
    snprintf(want, sizeof(want), "kvm7,\"1c1g,cpu=50%%\",1,1024,%llu,,memory,,memory,MiB,"
             "bounded,%llu,%llu,%llu,%llu,", (unsigned long long)fx.rows[0].fit.count,
             (unsigned long long)mem->capacity, (unsigned long long)mem->used,
             (unsigned long long)mem->per_vm, (unsigned long long)mem->limit);
    cr_expect(strstr(text, want) != NULL, "missing '%s' in\n%s", want, text);
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        cr_expect_eq(l[strlen(l) - 1], '\r', "CRLF line ends");
        lines++;
    }
    {
        size_t present = 0;

        for (int r = 0; r < KC_RES_LAST; r++)
            present += fx.rows[0].fit.res[r].state != KC_RES_ABSENT;
        cr_expect_eq(lines, 1 + present);
    }
    free(text);
    kc_facts_free(fx.facts);
}

Test(formats, size_csv_ranks_candidates_and_marks_the_recommendation)
{
    kc_workload_line line = { .name = "2c4g", .shape = { .vcpus = 2, .mem_mib = 4096 },
                              .count = 40 };
    kc_candidate cands[2];
    kc_size_opts so;
    kc_sizing *s = NULL;
    kc_error err = { 0 };
    char *text = NULL, *save = NULL, *l, *first;

    memset(cands, 0, sizeof(cands));
    memset(&so, 0, sizeof(so));
    kc_policy_init(&so.policy);
    snprintf(cands[0].name, sizeof(cands[0].name), "small");
    cands[0].host = kc_test_host(16, 32768);
    cands[0].price = 5000;
    snprintf(cands[1].name, sizeof(cands[1].name), "big,one");
    cands[1].host = kc_test_host(64, 262144);
    cands[1].price = 20000;
    cr_assert_eq(kc_size_run(&line, 1, cands, 2, &so, &s, &err), 0, "%s", err.msg);
    CAPTURE(text, kc_report_size_csv(out, &(kc_size_report){ .sizing = s, .cands = cands,
                                                            .opts = &so }));
    l = strtok_r(text, "\n", &save);
    cr_expect(strncmp(l, "candidate,feasible,recommended,hosts,", 37) == 0, "%s", l);
    l = first = strtok_r(NULL, "\n", &save);
    cr_assert_not_null(l);
    {
        char want[128];
        const char *name = s->results[0].name;

        snprintf(want, sizeof(want), "%s%s%s,true,true,%llu,", strchr(name, ',') ? "\"" : "",
                 name, strchr(name, ',') ? "\"" : "", (unsigned long long)s->results[0].hosts);
        cr_expect(strncmp(l, want, strlen(want)) == 0, "'%s' does not start with '%s'", l, want);
    }
    l = strtok_r(NULL, "\n", &save);
    cr_assert_not_null(l);
    cr_expect(strstr(l, ",true,false,") != NULL, "the second is not recommended: %s", l);
    cr_expect(strstr(first, "\"big,one\"") != NULL || strstr(l, "\"big,one\"") != NULL,
              "a name with a comma is quoted");
    free(text);
    kc_sizing_free(s);
}
