/* SPDX-License-Identifier: MIT */
/* test_prom.c: Prometheus responses (strict parsing of hostile JSON), option values, counters
 * across resets (model/counter) and the exporters' series mapped onto slots. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counter.h"
#include "demand/demand_prom.h"
#include "demand/prom.h"
#include "helpers.h"
#include "util/util.h"

#define N_(a) (sizeof(a) / sizeof((a)[0]))

static int parse(const char *body, kc_prom_matrix *m, kc_error *err)
{
    return kc_prom_parse_matrix(body, strlen(body), m, err);
}

#define OK_PREFIX "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"

Test(prom, matrix_parses_series_labels_and_points)
{
    const char *body = OK_PREFIX "[{\"metric\":{\"__name__\":\"up\",\"job\":\"a\",\"instance\":"
                       "\"h:1\"},\"values\":[[1764547200,\"1\"],[1764547200.781,\"-2.5e-7\"],"
                       "[1764547260.5,\"NaN\"],[1764547261,\"+Inf\"]]}]}}";
    kc_prom_matrix m = { 0 };
    kc_error err = { 0 };

    cr_assert_eq(parse(body, &m, &err), 0, "%s", err.msg);
    cr_assert_eq(m.n, 1);
    cr_expect_str_eq(m.s[0].metric, "up");
    cr_assert_eq(m.s[0].n_labels, 2);
    cr_expect_str_eq(m.s[0].labels[0].name, "instance");    /* sorted */
    cr_expect_str_eq(kc_prom_label_value(&m.s[0], "job"), "a");
    cr_expect_str_eq(kc_prom_label_value(&m.s[0], "__name__"), "up");
    cr_expect_null(kc_prom_label_value(&m.s[0], "nope"));
    cr_assert_eq(m.s[0].n_pts, 4);
    cr_expect_eq(m.s[0].pts[0].t_ms, 1764547200000);
    cr_expect_eq(m.s[0].pts[1].t_ms, 1764547200781);
    cr_expect_eq(m.s[0].pts[1].v, -2.5e-7);
    cr_expect_eq(m.s[0].pts[2].t_ms, 1764547260500);
    cr_expect(isnan(m.s[0].pts[2].v));
    cr_expect(isinf(m.s[0].pts[3].v) && m.s[0].pts[3].v > 0);
    kc_prom_matrix_clear(&m);
}

Test(prom, chunks_of_a_split_range_merge_into_one_series)
{
    const char *a = OK_PREFIX "[{\"metric\":{\"__name__\":\"x\",\"b\":\"2\",\"a\":\"1\"},"
                    "\"values\":[[10,\"1\"],[20,\"2\"]]}]}}";
    /* labels in another order, the meeting point again, then new points; a second series */
    const char *b = OK_PREFIX "[{\"metric\":{\"a\":\"1\",\"__name__\":\"x\",\"b\":\"2\"},"
                    "\"values\":[[20,\"2\"],[30,\"3\"]]},{\"metric\":{\"__name__\":\"x\","
                    "\"a\":\"1\"},\"values\":[[30,\"9\"]]}]}}";
    kc_prom_matrix m = { 0 };
    kc_error err = { 0 };

    cr_assert_eq(parse(a, &m, &err), 0, "%s", err.msg);
    cr_assert_eq(parse(b, &m, &err), 0, "%s", err.msg);
    cr_assert_eq(m.n, 2);
    cr_assert_eq(m.s[0].n_pts, 3);
    cr_expect_eq(m.s[0].pts[2].t_ms, 30000);
    cr_expect_eq(m.s[0].pts[2].v, 3.0);
    cr_expect_eq(m.s[1].n_pts, 1);
    kc_prom_matrix_clear(&m);
}

Test(prom, many_series_keep_their_identity)
{
    /* 3000 series through the index (it grows several times) and again as a second chunk */
    size_t cap = 3000 * 80 + 200, len;
    char *body = malloc(cap);
    kc_prom_matrix m = { 0 };
    kc_error err = { 0 };

    cr_assert(body);
    for (int pass = 0; pass < 2; pass++) {
        len = (size_t)snprintf(body, cap, OK_PREFIX "[");
        for (int i = 0; i < 3000; i++)
            len += (size_t)snprintf(body + len, cap - len,
                                    "%s{\"metric\":{\"__name__\":\"m\",\"i\":\"%d\"},"
                                    "\"values\":[[%d,\"%d\"]]}", i ? "," : "", i, 100 + pass, i);
        len += (size_t)snprintf(body + len, cap - len, "]}}");
        cr_assert_eq(kc_prom_parse_matrix(body, len, &m, &err), 0, "%s", err.msg);
    }
    cr_assert_eq(m.n, 3000);
    for (size_t i = 0; i < m.n; i++) {
        cr_assert_eq(m.s[i].n_pts, 2);
        cr_assert_eq(m.s[i].pts[1].v, (double)atoi(kc_prom_label_value(&m.s[i], "i")));
    }
    kc_prom_matrix_clear(&m);
    free(body);
}

/* Hostile and broken bodies: every one is refused with one line, KC_ERR_HOST. */
static const char *const hostile[] = {
    "",
    "garbage",
    "<html><body>502 Bad Gateway</body></html>",
    "null",
    "[]",
    "{}",
    "{\"status\":1}",
    "{\"status\":\"pending\",\"data\":{}}",
    "{\"status\":\"success\"}",
    "{\"status\":\"success\",\"data\":[]}",
    "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}",
    "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":{}}}",
    OK_PREFIX "[7]}}",
    OK_PREFIX "[{\"values\":[]}]}}",
    OK_PREFIX "[{\"metric\":[],\"values\":[]}]}}",
    OK_PREFIX "[{\"metric\":{\"a\":1},\"values\":[]}]}}",
    OK_PREFIX "[{\"metric\":{\"a\":null},\"values\":[]}]}}",
    OK_PREFIX "[{\"metric\":{\"1a\":\"x\"},\"values\":[]}]}}",
    OK_PREFIX "[{\"metric\":{\"a-b\":\"x\"},\"values\":[]}]}}",
    OK_PREFIX "[{\"metric\":{\"__name__\":\"bad name\"},\"values\":[]}]}}",
    OK_PREFIX "[{\"metric\":{\"a\":\"1\",\"a\":\"2\"},\"values\":[]}]}}",
    OK_PREFIX "[{\"metric\":{\"__name__\":\"x\",\"__name__\":\"y\"},\"values\":[]}]}}",
    OK_PREFIX "[{\"metric\":{\"a\":\"x\\u0000y\"},\"values\":[]}]}}",
    OK_PREFIX "[{\"metric\":{},\"histograms\":[]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":{}}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1,\"1\",3]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[\"1\",\"1\"]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1,1]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1,null]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1,\"\"]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1,\" 1\"]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1,\"0x10\"]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1,\"inf\"]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1,\"1.\"]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1,\".5\"]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1,\"1e\"]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1,\"1,5\"]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1e300,\"1\"]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[-1e300,\"1\"]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1.0001,\"1\"]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[2,\"1\"],[1,\"1\"]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[2,\"1\"],[2,\"1\"]]}]}}",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1,\"1\"]]}]}} trailing",
    OK_PREFIX "[{\"metric\":{},\"values\":[[1,\"1\"]",     /* truncated */
    OK_PREFIX "[{\"metric\":{},\"values\":[[1,\"1\"]]}]}",  /* one brace short */
    "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\"",
};

Test(prom, hostile_bodies_are_refused_in_one_line)
{
    for (size_t i = 0; i < N_(hostile); i++) {
        kc_prom_matrix m = { 0 };
        kc_error err = { 0 };

        cr_expect_eq(parse(hostile[i], &m, &err), -1, "accepted #%zu: %s", i, hostile[i]);
        cr_expect_eq(err.code, KC_ERR_HOST, "#%zu: code %d", i, err.code);
        cr_expect_eq(strncmp(err.msg, "prometheus: ", 12), 0, "#%zu: %s", i, err.msg);
        cr_expect_null(strchr(err.msg, '\n'), "#%zu: %s", i, err.msg);
        kc_prom_matrix_clear(&m);
    }
}

Test(prom, error_body_gives_the_servers_words)
{
    const char *body = "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse "
                       "error\\u001b[31m: x\"}";
    kc_prom_matrix m = { 0 };
    kc_error err = { 0 };

    cr_assert_eq(parse(body, &m, &err), -1);
    cr_expect_eq(err.code, KC_ERR_HOST);
    /* the escape character from the server is made harmless */
    cr_expect_str_eq(err.msg, "prometheus: server error (bad_data): parse error?[31m: x");
}

Test(prom, nul_bytes_and_huge_bodies_are_refused)
{
    const char body[] = "{\"status\":\"success\"\0,\"data\":{}}";
    kc_prom_matrix m = { 0 };
    kc_error err = { 0 };

    cr_expect_eq(kc_prom_parse_matrix(body, sizeof(body) - 1, &m, &err), -1);
    cr_expect_eq(kc_prom_parse_matrix(body, KC_PROM_MAX_BODY + 1, &m, &err), -1);
    cr_expect(strstr(err.msg, "256 MiB"), "%s", err.msg);
}

Test(prom, huge_and_deep_inputs)
{
    /* a label value past 4096 bytes, nesting past cJSON's limit, a value of 400+ digits */
    size_t big = 10000;
    char *body = malloc(big + 200);
    kc_prom_matrix m = { 0 };
    kc_error err = { 0 };
    size_t len;

    cr_assert(body);
    len = (size_t)sprintf(body, OK_PREFIX "[{\"metric\":{\"a\":\"");
    memset(body + len, 'x', 5000);
    len += 5000;
    strcpy(body + len, "\"},\"values\":[]}]}}");
    cr_expect_eq(parse(body, &m, &err), -1);
    cr_expect(strstr(err.msg, "longer than 4096"), "%s", err.msg);

    len = 0;
    for (int i = 0; i < 3000; i++)
        body[len++] = '[';
    body[len] = '\0';
    cr_expect_eq(parse(body, &m, &err), -1);

    len = (size_t)sprintf(body, OK_PREFIX "[{\"metric\":{},\"values\":[[1,\"");
    memset(body + len, '9', 500);
    len += 500;
    strcpy(body + len, "\"]]}]}}");
    cr_expect_eq(parse(body, &m, &err), -1);
    kc_prom_matrix_clear(&m);
    free(body);
}

Test(prom, values_as_prometheus_writes_them)
{
    static const struct { const char *s; double v; } good[] = {
        { "0", 0 }, { "-0", -0.0 }, { "12.5", 12.5 }, { "1e+21", 1e21 }, { "1.5e-07", 1.5e-7 },
        { "9007199254740993", 9007199254740992.0 }, { "1e999", INFINITY },
    };
    static const char *const badv[] = { "", "+1", "1.", ".1", "1e", "1e+", "0x1p3", "inf",
                                        "Infinity", "nan", " 1", "1 ", "--1", "1..2" };
    double v;

    for (size_t i = 0; i < N_(good); i++) {
        cr_expect_eq(kc_prom_parse_value(good[i].s, &v), 0, "%s", good[i].s);
        cr_expect_eq(v, good[i].v, "%s", good[i].s);
    }
    for (size_t i = 0; i < N_(badv); i++)
        cr_expect_eq(kc_prom_parse_value(badv[i], &v), -1, "'%s'", badv[i]);
}

Test(prom, series_endpoint_gives_label_sets)
{
    const char *body = "{\"status\":\"success\",\"data\":[{\"__name__\":\"a\",\"x\":\"1\"},"
                       "{\"__name__\":\"a\",\"x\":\"2\"},{\"x\":\"1\",\"__name__\":\"a\"}]}";
    kc_prom_matrix m = { 0 };
    kc_error err = { 0 };

    cr_assert_eq(kc_prom_parse_series(body, strlen(body), &m, &err), 0, "%s", err.msg);
    cr_expect_eq(m.n, 2);
    kc_prom_matrix_clear(&m);
    body = "{\"status\":\"success\",\"data\":[{\"__name__\":[]}]}";
    cr_expect_eq(kc_prom_parse_series(body, strlen(body), &m, &err), -1);
    kc_prom_matrix_clear(&m);
}

Test(prom, durations_and_times)
{
    static const struct { const char *s; int64_t ms; } dur[] = {
        { "30d", 2592000000 }, { "1h30m", 5400000 }, { "250ms", 250 }, { "300", 300000 },
        { "1w2d", 777600000 }, { "1y", 31536000000 }, { "5m", 300000 }, { "1m1ms", 60001 },
    };
    static const char *const bad_dur[] = { "", "0", "0s", "m", "5x", "1m1h", "1h1h", "-5m",
                                           "1.5h", "200y", "99999999999999999999s", "5 m" };
    static const struct { const char *s; int64_t ms; } times[] = {
        { "now", 1800000000000 }, { "1d", 1800000000000 - 86400000 },
        { "1764547200", 1764547200000 }, { "1764547200.5", 1764547200500 },
        { "2026-12-01T00:00:00Z", 1796083200000 },
        { "2026-12-01T01:00:00.250+01:00", 1796083200250 },
        { "2024-02-29T12:00:00Z", 1709208000000 }, { "1970-01-01T00:00:00Z", 0 },
    };
    static const char *const bad_time[] = { "", "yesterday", "2026-13-01T00:00:00Z",
                                            "2025-02-29T00:00:00Z", "2026-12-01 00:00:00Z",
                                            "2026-12-01T00:00:00", "2026-12-01T24:00:00Z",
                                            "1764547200.1234", "1764547200.", "12e5" };
    kc_error err = { 0 };
    int64_t ms;

    for (size_t i = 0; i < N_(dur); i++) {
        cr_expect_eq(kc_prom_parse_duration(dur[i].s, &ms, &err), 0, "%s: %s", dur[i].s, err.msg);
        cr_expect_eq(ms, dur[i].ms, "%s: %lld", dur[i].s, (long long)ms);
    }
    for (size_t i = 0; i < N_(bad_dur); i++) {
        cr_expect_eq(kc_prom_parse_duration(bad_dur[i], &ms, &err), -1, "'%s'", bad_dur[i]);
        cr_expect_eq(err.code, KC_ERR_USAGE);
    }
    for (size_t i = 0; i < N_(times); i++) {
        cr_expect_eq(kc_prom_parse_time(times[i].s, 1800000000000, &ms, &err), 0, "%s: %s",
                     times[i].s, err.msg);
        cr_expect_eq(ms, times[i].ms, "%s: %lld", times[i].s, (long long)ms);
    }
    for (size_t i = 0; i < N_(bad_time); i++)
        cr_expect_eq(kc_prom_parse_time(bad_time[i], 0, &ms, &err), -1, "'%s'", bad_time[i]);
}

Test(prom, label_selectors)
{
    static const char *const good[] = { "job=\"libvirt\"", "{job=\"libvirt\"}",
                                        "job=\"a\", instance=~\"kvm[0-9]+:.*\",",
                                        "a!=\"x\",b!~\"y\\\"z\"", " { a = \"\" } " };
    static const char *const badm[] = { "", "{}", "job", "job=libvirt", "job=\"x", "job==\"x\"",
                                        "__name__=\"up\"", "a=\"1\"}", "{a=\"1\"", "a=\"1\" b=\"2\"",
                                        "a=\"1\"} or vector(1) {", "1a=\"x\"", "a='x'" };
    kc_error err = { 0 };

    for (size_t i = 0; i < N_(good); i++)
        cr_expect_eq(kc_prom_check_match(good[i], &err), 0, "%s: %s", good[i], err.msg);
    for (size_t i = 0; i < N_(badm); i++)
        cr_expect_eq(kc_prom_check_match(badm[i], &err), -1, "'%s'", badm[i]);
}

Test(prom, client_options_are_checked)
{
    static const char *const urls[] = { "ftp://x", "prom:9090", "http://", "http://u:p@h:1",
                                        "http://h:1/?q=1", "file:///etc/passwd", "" };
    kc_prom_opts o = { .url = "http://127.0.0.1:1", .step_ms = 1000, .timeout_ms = 1000,
                       .since_ms = 0, .until_ms = 1000 };
    kc_error err = { 0 };
    kc_prom_client *c;

    c = kc_prom_client_new(&o, &err);
    cr_expect_not_null(c, "%s", err.msg);
    kc_prom_client_free(c);
    for (size_t i = 0; i < N_(urls); i++) {
        kc_prom_opts b = o;

        b.url = urls[i];
        cr_expect_null(kc_prom_client_new(&b, &err), "%s", urls[i]);
        cr_expect_eq(err.code, KC_ERR_USAGE, "%s: %s", urls[i], err.msg);
    }
    {
        kc_prom_opts b = o;

        b.until_ms = -1;
        cr_expect_null(kc_prom_client_new(&b, &err));
        b = o;
        b.token_file = "/nonexistent/token";
        cr_expect_null(kc_prom_client_new(&b, &err));
        cr_expect_eq(err.code, KC_ERR_HOST, "%s", err.msg);
        b.user = "u";
        cr_expect_null(kc_prom_client_new(&b, &err));
        cr_expect_eq(err.code, KC_ERR_USAGE);
    }
}

Test(prom, token_file_must_be_one_line)
{
    char path[] = "/tmp/kvmcap-prom-token.XXXXXX";
    int fd = mkstemp(path);
    kc_prom_opts o = { .url = "https://prom.example:9090/prefix/", .step_ms = 1000,
                       .timeout_ms = 1000, .token_file = path };
    kc_error err = { 0 };
    kc_prom_client *c;
    FILE *f;

    cr_assert(fd >= 0);
    f = fdopen(fd, "w");
    fputs("abc\r\ndef\n", f);
    fclose(f);
    cr_expect_null(kc_prom_client_new(&o, &err));
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect_null(strstr(err.msg, "abc"), "%s", err.msg);
    f = fopen(path, "w");
    fputs("abc\n", f);
    fclose(f);
    c = kc_prom_client_new(&o, &err);
    cr_expect_not_null(c, "%s", err.msg);
    kc_prom_client_free(c);
    unlink(path);
}

/* --- counters (model/counter) --- */

#define NO KC_COUNTER_NONE

Test(counter, reset_counts_the_new_value_as_promql_does)
{
    uint64_t raw[] = { 10, 20, 5, 15, NO, 30, 40 };
    uint64_t inc[N_(raw)];
    uint64_t want[] = { NO, 10, 5, 10, NO, NO, 10 };

    cr_expect_eq(kc_counter_increase(raw, N_(raw), inc), 1);
    for (size_t k = 0; k < N_(raw); k++)
        cr_expect_eq(inc[k], want[k], "slot %zu: %llu", k, (unsigned long long)inc[k]);
}

Test(counter, devices_sum_into_one_cumulative)
{
    uint64_t a[] = { 0, 100, 200, NO, NO, 50, 150 };     /* a gap, then restarted */
    uint64_t b[] = { NO, 1000, 1001, 1002, 3, 4, 5 };     /* a hot-plugged NIC with a reset */
    uint64_t acc[N_(a)], out[N_(a)];
    uint8_t present[N_(a)] = { 0 }, fresh[N_(a)];
    uint64_t want[] = { 0, 100, 201, 202, 205, 206, 307 };
    uint8_t want_fresh[] = { 1, 0, 0, 0, 0, 0, 0 };

    for (size_t k = 0; k < N_(a); k++)
        acc[k] = NO;
    cr_expect_eq(kc_counter_merge(acc, present, a, N_(a)), 0);
    cr_expect_eq(kc_counter_merge(acc, present, b, N_(b)), 1);
    kc_counter_cumulate(acc, present, N_(a), out, fresh);
    for (size_t k = 0; k < N_(a); k++) {
        cr_expect_eq(out[k], want[k], "slot %zu: %llu", k, (unsigned long long)out[k]);
        cr_expect_eq(fresh[k], want_fresh[k], "slot %zu", k);
    }
}

Test(counter, gap_gives_none_then_fresh_and_sums_saturate)
{
    uint64_t a[] = { 5, NO, 7, UINT64_MAX - 2, 0, 100 };
    uint64_t acc[N_(a)], out[N_(a)];
    uint8_t present[N_(a)] = { 0 }, fresh[N_(a)];

    for (size_t k = 0; k < N_(a); k++)
        acc[k] = NO;
    kc_counter_merge(acc, present, a, N_(a));
    kc_counter_cumulate(acc, present, N_(a), out, fresh);
    cr_expect_eq(out[0], 0);
    cr_expect_eq(fresh[0], 1);
    cr_expect_eq(out[1], NO);
    cr_expect_eq(out[2], 0);
    cr_expect_eq(fresh[2], 1);
    cr_expect_eq(out[3], UINT64_MAX - 9);
    cr_expect_eq(out[4], UINT64_MAX - 9);   /* a reset to 0 adds 0 */
    cr_expect_eq(out[5], UINT64_MAX - 1);   /* saturated, never NONE */
    cr_expect_eq(fresh[3] + fresh[4] + fresh[5], 0);
}

/* --- mapping --- */

static kc_prom_series *add_series(kc_prom_matrix *m, const char *body)
{
    kc_error err = { 0 };

    cr_assert_eq(parse(body, m, &err), 0, "%s", err.msg);
    return &m->s[m->n - 1];
}

Test(prom_map, exporters_map_to_hosts_and_vms)
{
    kc_prom_matrix lv = { 0 }, node = { 0 };
    kc_prom_fleet f = { 0 };
    kc_error err = { 0 };

    add_series(&lv, OK_PREFIX "[{\"metric\":{\"__name__\":\"libvirt_domain_info_cpu_time_seconds"
               "_total\",\"instance\":\"kvm1:9177\",\"domain\":\"b\"},\"values\":[[0,\"1.5\"],"
               "[60,\"0.25\"],[120,\"60.25\"]]},{\"metric\":{\"__name__\":\"libvirt_domain_info_"
               "memory_usage_bytes\",\"instance\":\"kvm1:9177\",\"domain\":\"a\"},\"values\":"
               "[[0,\"2048\"],[60,\"NaN\"],[120,\"-1\"]]},{\"metric\":{\"__name__\":\"go_info\","
               "\"instance\":\"kvm1:9177\"},\"values\":[[0,\"1\"]]},{\"metric\":{\"__name__\":"
               "\"libvirt_domain_info_virtual_cpus\",\"instance\":\"[2001:db8::7]:9177\","
               "\"domain\":\"c\"},\"values\":[[60,\"4\"]]}]}}");
    add_series(&node, OK_PREFIX "[{\"metric\":{\"__name__\":\"node_memory_MemTotal_bytes\","
               "\"instance\":\"kvm1:9100\"},\"values\":[[0,\"1073741824\"]]},{\"metric\":"
               "{\"__name__\":\"node_memory_MemTotal_bytes\",\"instance\":\"kvm9:9100\"},"
               "\"values\":[[0,\"1\"]]}]}}");
    cr_assert_eq(kc_prom_fleet_build(&lv, &node, NULL, 0, 60000, 3, &f, &err), 0, "%s", err.msg);
    cr_assert_eq(f.n_hosts, 2);
    cr_expect_str_eq(f.hosts[0].name, "2001:db8::7");
    cr_expect_eq(f.hosts[0].vms[0].v[KC_PROM_VM_VCPUS][1], 4);
    cr_expect_eq(f.hosts[0].v[KC_PROM_HOST_MEM_KIB][0], KC_PROM_NONE);
    cr_assert_str_eq(f.hosts[1].name, "kvm1");
    cr_expect_eq(f.hosts[1].v[KC_PROM_HOST_MEM_KIB][0], 1048576);
    cr_assert_eq(f.hosts[1].n_vms, 2);
    cr_expect_str_eq(f.hosts[1].vms[0].name, "a");  /* sorted */
    cr_expect_eq(f.hosts[1].vms[0].v[KC_PROM_VM_MEM_KIB][0], 2);
    cr_expect_eq(f.hosts[1].vms[0].v[KC_PROM_VM_MEM_KIB][1], KC_PROM_NONE);   /* NaN */
    cr_expect_eq(f.hosts[1].vms[0].v[KC_PROM_VM_MEM_KIB][2], KC_PROM_NONE);   /* negative */
    cr_expect_eq(f.dropped, 2);
    /* b's CPU: 1.5 s, reset to 0.25 (counts 0.25 s), then +60 s */
    cr_expect_eq(f.hosts[1].vms[1].v[KC_PROM_VM_CPU_NS][0], 0);
    cr_expect_eq(f.hosts[1].vms[1].v[KC_PROM_VM_CPU_NS][1], 250000000);
    cr_expect_eq(f.hosts[1].vms[1].v[KC_PROM_VM_CPU_NS][2], 60250000000);
    cr_expect_eq(f.hosts[1].vms[1].fresh[KC_PROM_VM_CPU_NS][0], 1);
    cr_expect_eq(f.hosts[1].vms[1].fresh[KC_PROM_VM_CPU_NS][1], 0);
    kc_prom_fleet_clear(&f);
    kc_prom_matrix_clear(&lv);
    kc_prom_matrix_clear(&node);
}

Test(prom_map, off_grid_duplicates_and_missing_labels_are_errors)
{
    static const char *const bodies[] = {
        /* off the step */
        OK_PREFIX "[{\"metric\":{\"__name__\":\"libvirt_domain_state_code\",\"instance\":\"h:1\","
        "\"domain\":\"a\"},\"values\":[[30,\"1\"]]}]}}",
        /* past the window */
        OK_PREFIX "[{\"metric\":{\"__name__\":\"libvirt_domain_state_code\",\"instance\":\"h:1\","
        "\"domain\":\"a\"},\"values\":[[600,\"1\"]]}]}}",
        /* no domain */
        OK_PREFIX "[{\"metric\":{\"__name__\":\"libvirt_domain_state_code\",\"instance\":\"h:1\"},"
        "\"values\":[[0,\"1\"]]}]}}",
        /* no instance */
        OK_PREFIX "[{\"metric\":{\"__name__\":\"libvirt_domain_state_code\",\"domain\":\"a\"},"
        "\"values\":[[0,\"1\"]]}]}}",
        /* the same VM twice (two jobs scraping one exporter) */
        OK_PREFIX "[{\"metric\":{\"__name__\":\"libvirt_domain_state_code\",\"instance\":\"h:1\","
        "\"domain\":\"a\",\"job\":\"x\"},\"values\":[[0,\"1\"]]},{\"metric\":{\"__name__\":"
        "\"libvirt_domain_state_code\",\"instance\":\"h:1\",\"domain\":\"a\",\"job\":\"y\"},"
        "\"values\":[[0,\"1\"]]}]}}",
    };

    for (size_t i = 0; i < N_(bodies); i++) {
        kc_prom_matrix lv = { 0 };
        kc_prom_fleet f = { 0 };
        kc_error err = { 0 };

        add_series(&lv, bodies[i]);
        cr_expect_eq(kc_prom_fleet_build(&lv, NULL, NULL, 0, 60000, 3, &f, &err), -1,
                     "#%zu accepted", i);
        cr_expect_eq(f.n_hosts, 0);
        kc_prom_matrix_clear(&lv);
    }
}

/* A host of 4 CPUs and 64 GiB; VM "a" (2 vCPUs, 4 GiB) burns 0.5 core, then 1 core, with a
 * counter reset between; its balloon holds 1 GiB then 2 GiB. VM "z" is off throughout. */
Test(demand_prom, series_become_the_demand_a_recording_gives)
{
    kc_prom_matrix lv = { 0 }, node = { 0 };
    kc_prom_fleet f = { 0 };
    kc_demand_host h;
    kc_error err = { 0 };
    const char *lbl = "\"instance\":\"kvm1:9177\",\"domain\":\"a\"";

    {
        char body[2048];

        snprintf(body, sizeof(body), OK_PREFIX "[{\"metric\":{\"__name__\":"
                 "\"libvirt_domain_info_cpu_time_seconds_total\",%s},\"values\":[[0,\"100\"],"
                 "[60,\"130\"],[120,\"160\"],[180,\"50\"],[240,\"110\"]]},{\"metric\":{"
                 "\"__name__\":\"libvirt_domain_info_memory_usage_bytes\",%s},\"values\":"
                 "[[0,\"1073741824\"],[60,\"1073741824\"],[120,\"1073741824\"],"
                 "[180,\"2147483648\"],[240,\"2147483648\"]]},{\"metric\":{\"__name__\":"
                 "\"libvirt_domain_info_virtual_cpus\",%s},\"values\":[[240,\"2\"]]},"
                 "{\"metric\":{\"__name__\":\"libvirt_domain_info_maximum_memory_bytes\",%s},"
                 "\"values\":[[240,\"4294967296\"]]},{\"metric\":{\"__name__\":"
                 "\"libvirt_domain_state_code\",%s},\"values\":[[0,\"1\"],[240,\"1\"]]}]}}",
                 lbl, lbl, lbl, lbl, lbl);
        add_series(&lv, body);
    }
    /* z: state 5 (shut off), its counters stand still */
    add_series(&lv, OK_PREFIX "[{\"metric\":{\"__name__\":\"libvirt_domain_state_code\","
               "\"instance\":\"kvm1:9177\",\"domain\":\"z\"},\"values\":[[0,\"5\"],[60,\"5\"],"
               "[120,\"5\"],[180,\"5\"],[240,\"5\"]]}]}}");
    add_series(&node, OK_PREFIX "[{\"metric\":{\"__name__\":\"node_memory_MemTotal_bytes\","
               "\"instance\":\"kvm1:9100\"},\"values\":[[240,\"68719476736\"]]}]}}");
    for (int c = 0; c < 4; c++) {
        char body[512];

        /* each CPU idle 45 s of every 60: 1 core of 4 busy */
        snprintf(body, sizeof(body), OK_PREFIX "[{\"metric\":{\"__name__\":"
                 "\"node_cpu_seconds_total\",\"instance\":\"kvm1:9100\",\"cpu\":\"%d\","
                 "\"mode\":\"idle\"},\"values\":[[0,\"0\"],[60,\"45\"],[120,\"90\"],"
                 "[180,\"135\"],[240,\"180\"]]}]}}", c);
        add_series(&node, body);
    }
    cr_assert_eq(kc_prom_fleet_build(&lv, &node, NULL, 0, 60000, 5, &f, &err), 0, "%s", err.msg);
    cr_assert_eq(f.n_hosts, 1);
    kc_demand_from_prom(&f, &f.hosts[0], 9500, false, &h);
    cr_assert_str_eq(h.hostname, "kvm1");
    cr_assert_eq(h.samples, 5);
    cr_assert_not_null(h.facts);
    cr_expect_eq(h.facts->cpus, 4);
    cr_expect_eq(h.facts->mem_mib, 65536);
    cr_assert_eq(h.facts->n_notes, 1);
    cr_expect(strstr(h.facts->notes[0], "balloon") != NULL);
    cr_assert_eq(h.n_vms, 2);
    cr_assert_str_eq(h.vms[0].st.name, "a");
    cr_expect_eq(h.vms[0].st.vcpus, 2);
    cr_expect_eq(h.vms[0].st.mem_mib, 4096);
    cr_expect(!h.vms[0].off && !h.vms[0].gone);
    cr_expect_eq(h.vms[0].st.resets, 1);   /* 160 -> 50: the counter restarted */
    /* rates 0.5, 0.5, 0.5 (the reset: the new value 50 s counts), 1 core */
    cr_expect_eq(h.vms[0].st.m[KC_METRIC_CPU].count, 4);
    cr_expect_eq(h.vms[0].st.m[KC_METRIC_CPU].min, 5000);
    cr_expect_eq(h.vms[0].st.m[KC_METRIC_CPU].max, 10000);
    cr_expect_eq(h.vms[0].st.m[KC_METRIC_CPU_DEMAND].max, 10000);
    cr_expect_eq(h.vms[0].st.m[KC_METRIC_RSS].min, 1048576);
    cr_expect_eq(h.vms[0].st.m[KC_METRIC_RSS].max, 2097152);
    cr_assert_str_eq(h.vms[1].st.name, "z");
    cr_expect(h.vms[1].off);
    cr_expect_eq(h.vms[1].st.m[KC_METRIC_CPU].count, 0);
    cr_expect_eq(h.alloc_vcpus, 2);        /* z never ran */
    cr_expect_eq(h.alloc_mem_mib, 4096);
    cr_expect_eq(h.m[KC_METRIC_RSS].max, 2097152);
    cr_expect_eq(h.node_cpu.count, 4);
    cr_expect_eq(h.node_cpu.max, 10000);   /* 4 CPUs, idle 3: one core busy */
    cr_expect_eq(h.node_cpu.min, 10000);
    kc_demand_host_clear(&h);
    kc_prom_fleet_clear(&f);
    kc_prom_matrix_clear(&lv);
    kc_prom_matrix_clear(&node);
}

/* tests/fixtures/prometheus/: a real Prometheus's answers to kvmcap's three range queries
 * over 15 days at 2 h (tests/live/history.sh wrote the history with promtool and captured
 * them; its header lists the generator's figures). */
#define FIX_T0_MS 1793491200000ll
#define FIX_STEP_MS 7200000ll
#define FIX_N 181u

static void fixture_into(const char *name, kc_prom_matrix *m)
{
    char path[256];
    size_t len = 0;
    kc_error err = { 0 };
    char *body;

    snprintf(path, sizeof(path), "tests/fixtures/prometheus/%s.json", name);
    body = kc_read_file(path, KC_PROM_MAX_BODY, &len, &err);
    cr_assert_not_null(body, "%s", err.msg);
    cr_assert_eq(kc_prom_parse_matrix(body, len, m, &err), 0, "%s: %s", path, err.msg);
    free(body);
}

void kc_test_prom_fixture_fleet(kc_prom_fleet *f);
void kc_test_prom_fixture_fleet(kc_prom_fleet *f)
{
    kc_prom_matrix lv = { 0 }, node = { 0 };
    kc_error err = { 0 };

    fixture_into("libvirt", &lv);
    fixture_into("node-mem", &node);
    fixture_into("node-cpu", &node);
    cr_assert_eq(kc_prom_fleet_build(&lv, &node, NULL, FIX_T0_MS, FIX_STEP_MS, FIX_N, f, &err),
                 0, "%s", err.msg);
    kc_prom_matrix_clear(&lv);
    kc_prom_matrix_clear(&node);
}

Test(demand_prom, a_real_servers_answers_give_the_generators_figures)
{
    kc_prom_fleet f = { 0 };
    kc_demand_host h;

    kc_test_prom_fixture_fleet(&f);
    cr_assert_eq(f.n_hosts, 2);
    cr_expect_eq(f.dropped, 0);
    cr_assert_str_eq(f.hosts[0].name, "kvm1");
    cr_assert_str_eq(f.hosts[1].name, "kvm2");
    kc_demand_from_prom(&f, &f.hosts[0], 9500, true, &h);
    cr_assert_not_null(h.facts);
    cr_expect_eq(h.facts->cpus, 4);
    cr_expect_eq(h.facts->mem_mib, 16384);
    cr_expect_eq(h.samples, FIX_N);
    cr_expect_eq(h.alloc_vcpus, 6);
    cr_expect_eq(h.alloc_mem_mib, 12288);
    cr_assert_eq(h.n_vms, 2);
    cr_assert_str_eq(h.vms[0].st.name, "db");
    cr_expect_eq(h.vms[0].st.m[KC_METRIC_CPU].pct, 12500);     /* 1.25 cores, in bp */
    cr_expect_eq(h.vms[0].st.resets, 0);
    cr_assert_str_eq(h.vms[1].st.name, "web");
    cr_expect_eq(h.vms[1].st.m[KC_METRIC_CPU].min, 5000);      /* 0.5 core, the restart too */
    cr_expect_eq(h.vms[1].st.m[KC_METRIC_CPU].max, 5000);
    cr_expect_eq(h.vms[1].st.resets, 1);
    cr_expect_eq(h.vms[1].st.m[KC_METRIC_RSS].max, (1024 + 64 * 15) * 1024ull);   /* KiB */
    cr_expect_eq(h.m[KC_METRIC_CPU].pct, 17500);
    cr_expect_eq(h.node_cpu.max, 10000);                       /* 1 of 4 cores busy */
    /* the kept series: slot k at T0 + k * 2 h, the VMs' balloons summed */
    cr_assert_not_null(h.slot_wall_ns);
    cr_assert_not_null(h.series[KC_METRIC_RSS]);
    for (size_t k = 0; k < FIX_N; k++) {
        cr_expect_eq(h.slot_wall_ns[k], (uint64_t)(FIX_T0_MS + (int64_t)k * FIX_STEP_MS) *
                     1000000ull);
        cr_expect_eq(h.series[KC_METRIC_RSS][k], (5120 + 64 * (k / 12)) * 1024ull, "slot %zu", k);
    }
    kc_demand_host_clear(&h);
    kc_demand_from_prom(&f, &f.hosts[1], 9500, false, &h);
    cr_expect_null(h.facts);                                   /* no node_exporter */
    cr_expect_null(h.series[KC_METRIC_RSS]);
    cr_assert_eq(h.n_vms, 1);
    cr_expect_eq(h.vms[0].st.m[KC_METRIC_CPU].max, 0);
    kc_demand_host_clear(&h);
    kc_prom_fleet_clear(&f);
}
