/* SPDX-License-Identifier: MIT */
/* test_report_formats.c: the renderers: CSV quoting and Prometheus escaping, that the
 * numbers are the core's own, fleet CSV and Prometheus, one policy object everywhere, and
 * the dispatch tables. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "report/dispatch.h"
#include "report/fleet_json.h"
#include "report/json_parts.h"
#include "report/report.h"
#include "report/report_csv.h"
#include "report/report_prom.h"
#include "report/report_sweep.h"
#include "report/size_json.h"
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
        /* no control byte reaches a cell, quoted or not (util/sanitize.h) */
        { "two\nlines", "two?lines" },
        { "cr\rhere", "cr?here" },
        { "csi\xc2\x9b" "2J,x", "\"csi?2J,x\"" },
        { "raw\xff\x9b" "byte", "raw??byte" },
        { "caf\xc3\xa9", "caf\xc3\xa9" },
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
        /* other controls, C1 and bytes that are not UTF-8 become '?' */
        { "esc\x1b]0;t\x07", "esc?]0;t?" },
        { "csi\xc2\x9b" "2J", "csi?2J" },
        { "bad\xff\xc0\xaf", "bad???" },
        { "caf\xc3\xa9", "caf\xc3\xa9" },
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

/* ---- fleet ------------------------------------------------------------------------------ */

/* A fleet of two answering hosts ("kvm1" 8c8g, "kvm2" 16c32g, both with test URIs) and one
 * that failed, over @n shapes, planned by the core (no placement unless @counts). */
typedef struct fleet_fixture {
    kc_fleet fleet;
    kc_fleet_host hosts[3];
    kc_fit fits[2][3];
    uint64_t placed[2][3];
    uint64_t total[3];
    kc_facts *facts[2];
} fleet_fixture;

static void build_fleet(fleet_fixture *fx, const kc_shape *shapes, const char *const *labels,
                        const uint64_t *counts, size_t n)
{
    static const char *const names[2] = { "kvm1", "kvm2" };
    static const uint32_t cpus[2] = { 8, 16 };
    static const uint64_t mem[2] = { 8192, 32768 };
    kc_error err = { 0 };

    cr_assert_leq(n, 3);
    memset(fx, 0, sizeof(*fx));
    fx->fleet.hosts = fx->hosts;
    fx->fleet.n_hosts = 3;
    fx->fleet.shapes = shapes;
    fx->fleet.labels = labels;
    fx->fleet.n_shapes = n;
    fx->fleet.counts = counts;
    fx->fleet.policy = kc_test_policy();
    fx->fleet.existing = KC_EXISTING_RUNNING;
    for (size_t i = 0; i < 2; i++) {
        kc_fleet_host *h = &fx->hosts[i];

        fx->facts[i] = kc_facts_new();
        snprintf(fx->facts[i]->hostname, sizeof(fx->facts[i]->hostname), "%s", names[i]);
        snprintf(h->uri, sizeof(h->uri), "test:///%s.xml", names[i]);
        h->ok = true;
        h->facts = fx->facts[i];
        h->host = kc_test_host(cpus[i], mem[i]);
        h->fits = fx->fits[i];
        if (counts)
            h->placed = fx->placed[i];
        for (size_t s = 0; s < n; s++)
            cr_assert_eq(kc_fit_compute(&h->host, &shapes[s], &fx->fleet.policy, &h->fits[s],
                                        &err), 0, "%s", err.msg);
        for (size_t s = 0; s < n; s++)
            fx->total[s] += h->fits[s].count;
        fx->fleet.n_ok++;
    }
    fx->fleet.total = fx->total;
    snprintf(fx->hosts[2].uri, sizeof(fx->hosts[2].uri), "qemu+ssh://dead/system");
    kc_error_set(&fx->hosts[2].err, KC_ERR_HOST, "cannot connect, \"refused\"");
    fx->fleet.n_failed = 1;
}

static void free_fleet(fleet_fixture *fx)
{
    kc_facts_free(fx->facts[0]);
    kc_facts_free(fx->facts[1]);
}

Test(formats, fleet_csv_has_a_line_per_host_and_shape_and_the_error_of_a_failed_host)
{
    static const kc_shape shapes[] = { { .vcpus = 1, .mem_mib = 1024 },
                                       { .vcpus = 4, .mem_mib = 16384 } };
    static const char *const labels[] = { "1c1g", "4c16g" };
    fleet_fixture fx;
    char *text = NULL, *save = NULL, want[256];
    size_t lines = 0;

    build_fleet(&fx, shapes, labels, NULL, 2);
    CAPTURE(text, kc_report_fleet_csv(out, &(kc_fleet_report){ .fleet = &fx.fleet }));
    {
        static const char header[] = "host,name,ok,error,host_cpus,host_mem_mib,existing_vms,vm,"
                                     "vcpus,mem_mib,count,placed,bottleneck,too_big\r\n";

        cr_expect(strncmp(text, header, strlen(header)) == 0, "%s", text);
    }
    snprintf(want, sizeof(want), "\r\ntest:///kvm2.xml,kvm2,true,,16,32768,0,1c1g,1,1024,%llu,,",
             (unsigned long long)fx.fits[1][0].count);
    cr_expect(strstr(text, want) != NULL, "missing '%s' in\n%s", want, text);
    /* 4c16g is bigger than kvm1's memory: too big, count 0 */
    cr_assert(fx.fits[0][1].too_big);
    cr_expect(strstr(text, "\r\ntest:///kvm1.xml,kvm1,true,,8,8192,0,4c16g,4,16384,0,,") != NULL,
              "%s", text);
    cr_expect(strstr(text, ",memory\r\n") != NULL, "the too_big column names memory: %s", text);
    /* the failed host: one line per shape, its error quoted (it holds a comma and quotes) */
    cr_expect(strstr(text, "\r\nqemu+ssh://dead/system,,false,\"cannot connect, \"\"refused\"\"\""
                           ",,,,1c1g,1,1024,,,,\r\n") != NULL, "%s", text);
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        cr_expect_eq(l[strlen(l) - 1], '\r', "CRLF line ends");
        lines++;
    }
    cr_expect_eq(lines, 1 + 3 * 2, "a header and one line per host and shape");
    free(text);
    free_fleet(&fx);
}

Test(formats, fleet_table_fits_80_columns_with_real_uris)
{
    static const kc_shape shapes[] = { { .vcpus = 1, .mem_mib = 1024 },
                                       { .vcpus = 4, .mem_mib = 16384 } };
    static const char *const labels[] = { "1c1g", "4c16g" };
    static const uint64_t counts[] = { 3, 0 };
    fleet_fixture fx;
    char *text = NULL, *save = NULL;

    build_fleet(&fx, shapes, labels, counts, 2);
    fx.hosts[0].placed[0] = 3;
    snprintf(fx.hosts[0].uri, sizeof(fx.hosts[0].uri),
             "qemu+ssh://root@kvm-compute-01.dc1.example.com:2222/system?keyfile=/root/.ssh/k");
    snprintf(fx.hosts[1].uri, sizeof(fx.hosts[1].uri),
             "test:///srv/kvmcap/tests/fixtures/libvirt/a-rather-long-fixture-name.xml");
    snprintf(fx.hosts[2].uri, sizeof(fx.hosts[2].uri),
             "qemu+tls://kvm-compute-02.dc1.example.com/system");
    kc_error_set(&fx.hosts[2].err, KC_ERR_HOST, "cannot connect to 'qemu+tls://kvm-compute-02."
                 "dc1.example.com/system': unable to connect to server at "
                 "'kvm-compute-02.dc1.example.com:16514': Connection refused");
    {
        kc_place_shape ps[2] = { { .requested = 3, .placed = 3 }, { 0 } };
        kc_place place = { .n_shapes = 2, .shapes = ps };

        fx.fleet.place = &place;
        CAPTURE(text, kc_report_fleet_text(out, &(kc_fleet_report){ .fleet = &fx.fleet,
                                                                     .timeout_s = 10,
                                                                     .parallel = 16 }));
        fx.fleet.place = NULL;
    }
    /* short names: the first DNS label, a local file's name (cut in the middle: too long) */
    cr_expect(strstr(text, "\nkvm-compute-01 ") != NULL, "%s", text);
    cr_expect(strstr(text, "\na-rather...-name.xml ") != NULL, "%s", text);
    cr_expect(strstr(text, "\nkvm-compute-02        failed: cannot connect to") != NULL, "%s",
              text);
    cr_expect(strstr(text, "1c1g: 3 of 3 placed: kvm-compute-01 3") != NULL, "%s", text);
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        cr_expect_leq(strlen(l), 80, "wider than 80 columns: '%s'", l);
    free(text);
    free_fleet(&fx);
}

Test(formats, fleet_prometheus_has_host_up_for_every_host_and_no_series_twice)
{
    static const kc_shape shapes[] = { { .vcpus = 1, .mem_mib = 1024 },
                                       { .vcpus = 2, .mem_mib = 2048 } };
    static const char *const labels[] = { "1c1g", "2c2g" };
    static const uint64_t counts[] = { 0, 3 };
    char series[64][200];
    size_t n_series = 0;
    fleet_fixture fx;
    char *text = NULL, *save = NULL;

    build_fleet(&fx, shapes, labels, counts, 2);
    fx.placed[0][1] = 1;
    fx.placed[1][1] = 2;
    CAPTURE(text, kc_report_fleet_prometheus(out, &(kc_fleet_report){ .fleet = &fx.fleet }));
    cr_expect_eq(value_after(text, "kvmcap_host_up{host=\"test:///kvm1.xml\"} "), 1);
    cr_expect_eq(value_after(text, "kvmcap_host_up{host=\"test:///kvm2.xml\"} "), 1);
    cr_expect_eq(value_after(text, "kvmcap_host_up{host=\"qemu+ssh://dead/system\"} "), 0);
    cr_expect_eq(value_after(text, "kvmcap_vms_fit{host=\"test:///kvm2.xml\",shape=\"2c2g\"} "),
                 (long long)fx.fits[1][1].count);
    cr_expect_eq(value_after(text, "kvmcap_vms_placed{host=\"test:///kvm2.xml\",shape=\"2c2g\"} "),
                 2);
    cr_expect_eq(value_after(text, "kvmcap_vms_placed{host=\"test:///kvm1.xml\",shape=\"1c1g\"} "),
                 -1, "a shape without :COUNT is not placed");
    cr_expect(strstr(text, "shape=\"1c1g\"} ") != NULL);
    cr_expect(strstr(text, "kvmcap_vms_fit{host=\"qemu+ssh") == NULL,
              "a failed host has only kvmcap_host_up");
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t len = strcspn(line, " ");

        if (line[0] == '#')
            continue;
        /* the labels come before the value's blank: a line's series */
        cr_assert_lt(len, sizeof(series[0]));
        for (size_t i = 0; i < n_series; i++)
            cr_expect(strncmp(series[i], line, len) != 0 || series[i][len] != '\0',
                      "series twice: %s", line);
        cr_assert_lt(n_series, 64);
        memcpy(series[n_series], line, len);
        series[n_series++][len] = '\0';
    }
    cr_expect_geq(n_series, 3 + 4 + 2);
    free(text);
    free_fleet(&fx);
}

Test(formats, prometheus_refuses_a_shape_label_given_twice)
{
    static const char *const twice[] = { "1c1g", "2c4g", "1c1g" };
    kc_error err = { 0 };

    cr_expect_eq(kc_report_prometheus_shapes_unique(twice, 2, &err), 0);
    cr_expect_eq(kc_report_prometheus_shapes_unique(twice, 3, &err), -1);
    cr_expect_eq(err.code, KC_ERR_USAGE);
    cr_expect(strstr(err.msg, "'1c1g'") != NULL, "%s", err.msg);
}

/* ---- one policy object ------------------------------------------------------------------ */

/* The keys of @root's "policy" object, joined by ',' into @buf. */
static void policy_keys(const char *json, char *buf, size_t size)
{
    cJSON *root = cJSON_Parse(json);
    const cJSON *pol, *k;

    cr_assert_not_null(root, "%s", json);
    pol = cJSON_GetObjectItemCaseSensitive(root, "policy");
    cr_assert(cJSON_IsObject(pol), "%s", json);
    buf[0] = '\0';
    cJSON_ArrayForEach(k, pol) {
        /* a key twice is a broken object, whatever the parser keeps */
        for (const cJSON *j = pol->child; j != k; j = j->next)
            cr_expect_str_neq(j->string, k->string, "policy key '%s' twice", k->string);
        strncat(buf, k->string, size - strlen(buf) - 1);
        strncat(buf, ",", size - strlen(buf) - 1);
    }
    cJSON_Delete(root);
}

Test(formats, fit_size_fleet_and_sweep_write_the_same_policy_keys)
{
    static const kc_shape shapes[] = { { .vcpus = 1, .mem_mib = 1024 } };
    static const char *const labels[] = { "1c1g" };
    static const char common[] = "overcommit_pct,reserve_mib,reserve_cpus,cpu_ratio,"
                                 "vm_overhead,disk_overcommit_pct,max_util_pct,profile,numa,"
                                 "net_mode,net_efficiency_pct,existing,";
    kc_workload_line line = { .name = "1c1g", .shape = { .vcpus = 1, .mem_mib = 1024 },
                              .count = 4 };
    kc_candidate cand;
    kc_size_opts so;
    kc_sizing *sizing = NULL;
    kc_sweep_point pt = { .value = 2000, .count = 7, .bottleneck = 1u << KC_RES_MEMORY };
    kc_error err = { 0 };
    fixture fx;
    fleet_fixture ffx;
    char *text = NULL, keys[1024], want[1024];

    build(&fx, "kvm7", 8, 8192, shapes, labels, 1);
    fx.rep.version = "0.1.0";
    CAPTURE(text, kc_report_fit_json(out, &fx.rep));
    policy_keys(text, keys, sizeof(keys));
    cr_expect_str_eq(keys, common, "fit");
    free(text);

    text = NULL;
    CAPTURE(text, kc_report_sweep_json(out, &(kc_sweep_report){
        .fit = &fx.rep, .param = KC_SWEEP_OVERCOMMIT, .points = &pt, .n_points = 1 }));
    policy_keys(text, keys, sizeof(keys));
    cr_expect_str_eq(keys, common, "sweep");
    cr_expect(strstr(text, "\"overcommit_pct\":\tnull") != NULL, "the swept value is null");
    free(text);

    build_fleet(&ffx, shapes, labels, NULL, 1);
    text = NULL;
    CAPTURE(text, kc_report_fleet_json(out, &(kc_fleet_report){ .fleet = &ffx.fleet,
                                                                .version = "0.1.0" }));
    policy_keys(text, keys, sizeof(keys));
    cr_expect_str_eq(keys, common, "fleet");
    free(text);
    free_fleet(&ffx);

    memset(&cand, 0, sizeof(cand));
    memset(&so, 0, sizeof(so));
    so.policy = kc_test_policy();
    snprintf(cand.name, sizeof(cand.name), "h");
    cand.host = kc_test_host(16, 32768);
    cr_assert_eq(kc_size_run(&line, 1, &cand, 1, &so, &sizing, &err), 0, "%s", err.msg);
    text = NULL;
    CAPTURE(text, kc_report_size_json(out, &(kc_size_report){
        .sizing = sizing, .cands = &cand, .opts = &so, .version = "0.1.0" }));
    policy_keys(text, keys, sizeof(keys));
    snprintf(want, sizeof(want), "%sgrowth_pct,ha,", common);
    cr_expect_str_eq(keys, want, "size: the common keys, then its own");
    free(text);
    kc_sizing_free(sizing);
    kc_facts_free(fx.facts);
}

/* ---- dispatch --------------------------------------------------------------------------- */

Test(formats, each_command_writes_table_and_json_and_fleet_every_format)
{
    unsigned all = 0;

    for (int f = 0; f < KC_FORMAT_LAST; f++)
        all |= KC_FORMAT_BIT(f);
    cr_expect_eq(KC_REPORT_FORMATS(kc_report_fit_by_format), all);
    cr_expect_eq(KC_REPORT_FORMATS(kc_report_fleet_by_format), all,
                 "fleet writes every format fit does");
    cr_expect_eq(KC_REPORT_FORMATS(kc_report_facts_by_format),
                 KC_FORMAT_BIT(KC_FORMAT_TABLE) | KC_FORMAT_BIT(KC_FORMAT_JSON));
    cr_expect_eq(KC_REPORT_FORMATS(kc_report_size_by_format),
                 all & ~KC_FORMAT_BIT(KC_FORMAT_PROMETHEUS));
    cr_expect_eq(KC_REPORT_FORMATS(kc_report_sweep_by_format),
                 all & ~KC_FORMAT_BIT(KC_FORMAT_PROMETHEUS));
    cr_expect_eq(kc_report_fit_by_format[KC_FORMAT_PROMETHEUS], kc_report_fit_prometheus);
    cr_expect_eq(kc_report_fleet_by_format[KC_FORMAT_CSV], kc_report_fleet_csv);
}
