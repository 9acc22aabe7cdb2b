/* SPDX-License-Identifier: MIT */
/* fuzz_prom.c: libFuzzer entry for Prometheus API responses (planner/demand/prom_json.c) and
 * their mapping onto slots (prom_map.c), plus the option values (durations, times, label
 * selectors) on the same bytes.
 *
 * Built by `make fuzz` (tests/fuzz/fuzz.mk), seeded from tests/fuzz/seeds/prom.
 *
 * Properties beyond "no crash": a refused body sets KC_ERR_HOST and one line starting with
 * "prometheus: "; an accepted one gives series with sorted, unique labels and points in
 * strictly increasing time, and a second parse of the same body (a chunk again) adds no
 * point and no series. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demand/prom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_prom: %s: %s\n", what, detail);
    abort();
}

static void check_error(const kc_error *err)
{
    if (err->code != KC_ERR_HOST || strncmp(err->msg, "prometheus: ", 12) != 0 ||
        strchr(err->msg, '\n'))
        fail("bad error", err->msg);
}

static size_t total_points(const kc_prom_matrix *m)
{
    size_t n = 0;

    for (size_t i = 0; i < m->n; i++)
        n += m->s[i].n_pts;
    return n;
}

static void check_matrix(const kc_prom_matrix *m)
{
    for (size_t i = 0; i < m->n; i++) {
        const kc_prom_series *s = &m->s[i];

        for (size_t j = 1; j < s->n_labels; j++) {
            if (strcmp(s->labels[j - 1].name, s->labels[j].name) >= 0)
                fail("labels not sorted and unique", s->labels[j].name);
        }
        for (size_t j = 1; j < s->n_pts; j++) {
            if (s->pts[j].t_ms <= s->pts[j - 1].t_ms)
                fail("points not in increasing time", s->metric);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kc_prom_matrix m = { 0 };
    kc_prom_fleet f = { 0 };
    kc_error err = { 0 };
    char *text = malloc(size + 1);
    int64_t ms;
    double v;

    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';

    if (kc_prom_parse_matrix(text, size, &m, &err) < 0) {
        check_error(&err);
    } else {
        size_t n = m.n, pts = total_points(&m);

        check_matrix(&m);
        if (kc_prom_parse_matrix(text, size, &m, &err) < 0)
            fail("second parse of an accepted body failed", err.msg);
        if (m.n != n || total_points(&m) != pts)
            fail("the same chunk twice added series or points", text);
        if (kc_prom_fleet_build(&m, &m, NULL, 0, 1000, 64, &f, &err) == 0) {
            for (size_t h = 0; h < f.n_hosts; h++) {
                for (size_t i = 0; i < f.hosts[h].n_vms; i++) {
                    const uint64_t *c = f.hosts[h].vms[i].v[KC_PROM_VM_CPU_NS];

                    for (size_t k = 1; k < f.n; k++) {
                        if (c[k] != KC_PROM_NONE && c[k - 1] != KC_PROM_NONE && c[k] < c[k - 1])
                            fail("a cumulative counter went down", f.hosts[h].vms[i].name);
                    }
                }
            }
        }
        kc_prom_fleet_clear(&f);
    }
    kc_prom_matrix_clear(&m);
    if (kc_prom_parse_series(text, size, &m, &err) < 0)
        check_error(&err);
    else
        check_matrix(&m);
    kc_prom_matrix_clear(&m);

    /* the option parsers on the same bytes, as text */
    if (size < 256 && !memchr(data, '\0', size)) {
        (void)kc_prom_parse_value(text, &v);
        (void)kc_prom_parse_duration(text, &ms, &err);
        (void)kc_prom_parse_time(text, 1800000000000, &ms, &err);
        (void)kc_prom_check_match(text, &err);
    }
    free(text);
    return 0;
}
