/* SPDX-License-Identifier: MIT */
/* prom_query.c: test driver of planner/demand/prom* against a real Prometheus (built and run
 * by tests/live/prometheus.sh until `kvmcap demand --prometheus URL` is wired to
 * kc_prom_fleet_read()).
 *
 *   prom_query URL [options] fleet            per host and VM, a summary of each slot series
 *   prom_query URL [options] fleet-each       the same read host by host (no first line)
 *   prom_query URL [options] range QUERY      each series: name{labels} t=v ...
 *   prom_query URL [options] series SELECTOR  each series' labels
 * options: --since T --until T --step D --timeout MS --match M --node-match M
 *          --host-label L --max-points N --user U --password-file F --bearer-token-file F
 *          --cacert F
 * Exit status: the kc_errcode of an error (2 usage, 3 bad input, 4 server), else 0. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demand/prom.h"

static const char *const vm_names[KC_PROM_VM_LAST] = {
    "cpu_ns", "net_bytes", "disk_reqs", "disk_bytes", "mem_kib", "maxmem_kib", "vcpus", "state",
};

static void summary(const char *head, const uint64_t *v, const uint8_t *fresh, size_t n)
{
    size_t have = 0, none = 0, nfresh = 0;
    uint64_t first = KC_PROM_NONE, last = KC_PROM_NONE, min = KC_PROM_NONE, max = 0;

    for (size_t k = 0; k < n; k++) {
        if (v[k] == KC_PROM_NONE) {
            none++;
            continue;
        }
        have++;
        if (fresh && fresh[k])
            nfresh++;
        if (first == KC_PROM_NONE)
            first = v[k];
        last = v[k];
        if (v[k] < min)
            min = v[k];
        if (v[k] > max)
            max = v[k];
    }
    printf("%s have=%zu none=%zu", head, have, none);
    if (fresh)
        printf(" fresh=%zu", nfresh);
    if (have)
        printf(" first=%llu last=%llu min=%llu max=%llu", (unsigned long long)first,
               (unsigned long long)last, (unsigned long long)min, (unsigned long long)max);
    printf("\n");
}

static void print_series(const kc_prom_series *s)
{
    printf("%s{", s->metric);
    for (size_t i = 0; i < s->n_labels; i++)
        printf("%s%s=\"%s\"", i ? "," : "", s->labels[i].name, s->labels[i].value);
    printf("}");
    for (size_t i = 0; i < s->n_pts; i++)
        printf(" %lld=%.17g", (long long)s->pts[i].t_ms, s->pts[i].v);
    printf("\n");
}

static void print_hosts(const kc_prom_fleet *f)
{
    for (size_t h = 0; h < f->n_hosts; h++) {
        const kc_prom_host *host = &f->hosts[h];
        char head[256];

        printf("host %s cpus %u vms %zu\n", host->name, host->cpus, host->n_vms);
        snprintf(head, sizeof(head), "host %s mem_kib", host->name);
        summary(head, host->v[KC_PROM_HOST_MEM_KIB], NULL, f->n);
        snprintf(head, sizeof(head), "host %s idle_ns", host->name);
        summary(head, host->v[KC_PROM_HOST_IDLE_NS], host->idle_fresh, f->n);
        for (size_t j = 0; j < host->n_vms; j++) {
            const kc_prom_vm *vm = &host->vms[j];

            printf("vm %s %s uuid %s\n", host->name, vm->name, vm->uuid[0] ? vm->uuid : "-");
            for (int mm = 0; mm < KC_PROM_VM_LAST; mm++) {
                snprintf(head, sizeof(head), "vm %s %s %s", host->name, vm->name,
                         vm_names[mm]);
                summary(head, vm->v[mm], mm < KC_PROM_VM_COUNTERS ? vm->fresh[mm] : NULL,
                        f->n);
            }
        }
    }
}

static int print_one(const kc_prom_fleet *one, void *user, kc_error *err)
{
    (void)user;
    (void)err;
    print_hosts(one);
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: prom_query URL [options] fleet|range QUERY|series SELECTOR\n");
    return 2;
}

int main(int argc, char **argv)
{
    kc_prom_opts o = { .timeout_ms = 30000, .step_ms = 60000 };
    const char *since = "1h", *until = "now", *step = NULL;
    kc_prom_client *c = NULL;
    kc_prom_matrix m = { 0 };
    kc_prom_fleet f = { 0 };
    kc_error err = { 0 };
    struct timespec now;
    int64_t now_ms;
    int i, rc = 0;

    if (argc < 3)
        return usage();
    o.url = argv[1];
    for (i = 2; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];

        if (!strcmp(k, "--since")) since = v;
        else if (!strcmp(k, "--until")) until = v;
        else if (!strcmp(k, "--step")) step = v;
        else if (!strcmp(k, "--timeout")) o.timeout_ms = (unsigned)strtoul(v, NULL, 10);
        else if (!strcmp(k, "--match")) o.match = v;
        else if (!strcmp(k, "--node-match")) o.node_match = v;
        else if (!strcmp(k, "--host-label")) o.host_label = v;
        else if (!strcmp(k, "--max-points")) o.max_points = (unsigned)strtoul(v, NULL, 10);
        else if (!strcmp(k, "--user")) o.user = v;
        else if (!strcmp(k, "--password-file")) o.password_file = v;
        else if (!strcmp(k, "--bearer-token-file")) o.token_file = v;
        else if (!strcmp(k, "--cacert")) o.ca_file = v;
        else return usage();
    }
    if (i >= argc)
        return usage();
    clock_gettime(CLOCK_REALTIME, &now);
    now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    if (kc_prom_parse_time(since, now_ms, &o.since_ms, &err) < 0 ||
        kc_prom_parse_time(until, now_ms, &o.until_ms, &err) < 0 ||
        (step && kc_prom_parse_duration(step, &o.step_ms, &err) < 0))
        goto fail;
    c = kc_prom_client_new(&o, &err);
    if (!c)
        goto fail;
    if (!strcmp(argv[i], "fleet")) {
        if (kc_prom_fleet_read(c, &f, &err) < 0)
            goto fail;
        printf("slots %zu since %lld step %lld dropped %zu hosts %zu\n", f.n,
               (long long)f.since_ms, (long long)f.step_ms, f.dropped, f.n_hosts);
        print_hosts(&f);
    } else if (!strcmp(argv[i], "fleet-each")) {
        if (kc_prom_fleet_each(c, print_one, NULL, &err) < 0)
            goto fail;
    } else if (!strcmp(argv[i], "range") && i + 1 < argc) {
        if (kc_prom_query_range(c, argv[i + 1], &m, &err) < 0)
            goto fail;
        for (size_t s = 0; s < m.n; s++)
            print_series(&m.s[s]);
    } else if (!strcmp(argv[i], "series") && i + 1 < argc) {
        if (kc_prom_series_query(c, argv[i + 1], &m, &err) < 0)
            goto fail;
        for (size_t s = 0; s < m.n; s++)
            print_series(&m.s[s]);
    } else {
        rc = usage();
    }
    goto out;
 fail:
    fprintf(stderr, "kvmcap: %s\n", err.msg);
    rc = err.code ? (int)err.code : 5;
 out:
    kc_prom_fleet_clear(&f);
    kc_prom_matrix_clear(&m);
    kc_prom_client_free(c);
    return rc;
}
