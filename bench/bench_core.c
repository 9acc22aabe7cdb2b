/* SPDX-License-Identifier: MIT */
/* bench_core.c: benchmarks of the calculation core (links model/ only). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "fit.h"

#define N_INPUTS 4096      /* varied inputs, cycled: too many to fold, few enough for cache */
#define REPS 9             /* each timing is the median of REPS runs */

static uint64_t rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

typedef struct stat3 {
    double median, min, max;
} stat3;

static stat3 summarize(double *v, int n)
{
    stat3 s;

    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    s.median = v[n / 2];
    s.min = v[0];
    s.max = v[n - 1];
    return s;
}

/* Hosts and shapes with every resource active: NICs, local and network storage, all VM
 * demands, varied sizes. @numa gives 8 nodes and strict placement. */
static void make_inputs(kc_host *hosts, kc_shape *shapes, kc_policy *policies, int numa)
{
    uint64_t s = 42;

    for (int i = 0; i < N_INPUTS; i++) {
        kc_host *h = &hosts[i];
        kc_shape *v = &shapes[i];
        kc_policy *p = &policies[i];

        kc_host_init(h);
        h->cpus = 8u * (1 + (uint32_t)(rng(&s) % 32));
        h->mem_mib = 8192ull * (1 + rng(&s) % 256);
        h->n_nics = 2;
        h->nics[0].speed_kbps = 10000000;
        h->nics[1].speed_kbps = 25000000;
        h->n_storage = 2;
        h->storage[0] = (kc_storage){ .kind = KC_STORAGE_LOCAL, .count = 4,
                                      .size_mib = 1u << 21, .iops = 500000, .mbps = 3000 };
        h->storage[1] = (kc_storage){ .kind = KC_STORAGE_NETWORK, .count = 1,
                                      .size_mib = 1u << 24, .iops = 200000, .mbps = 4000,
                                      .link_iops = 305175, .link_mbps = 1250 };
        h->used = (kc_usage){ .vms = rng(&s) % 8, .vcpus = rng(&s) % 16,
                              .mem_mib = rng(&s) % 8192, .disk_mib = rng(&s) % 100000 };
        if (numa) {
            h->n_numa = 8;
            for (int n = 0; n < 8; n++)
                h->numa[n] = (kc_numa_node){ .cpus = h->cpus / 8, .mem_mib = h->mem_mib / 8 };
        }
        *v = (kc_shape){ .vcpus = 1 + (uint32_t)(rng(&s) % 8), .mem_mib = 512ull << (rng(&s) % 6),
                         .disk_mib = 10240ull * (1 + rng(&s) % 10), .iops = 100 + rng(&s) % 1000,
                         .mbps = 10 + rng(&s) % 100, .net_kbps = 100000 + rng(&s) % 1000000,
                         .cpu_util_bp = 1000 + (uint32_t)(rng(&s) % 9000) };
        kc_policy_init(p);
        p->overcommit_bp = (uint32_t)(rng(&s) % 5001);
        p->max_util_bp = 8000 + (uint32_t)(rng(&s) % 2001);
        p->numa = numa ? KC_NUMA_STRICT : KC_NUMA_SPREAD;
    }
}

static stat3 bench_fit(int numa, uint64_t *checksum)
{
    kc_host *hosts = calloc(N_INPUTS, sizeof(*hosts));
    kc_shape *shapes = calloc(N_INPUTS, sizeof(*shapes));
    kc_policy *policies = calloc(N_INPUTS, sizeof(*policies));
    double t[REPS];
    const int iters = 200000;

    if (!hosts || !shapes || !policies) {
        fputs("bench: out of memory\n", stderr);
        exit(5);
    }
    make_inputs(hosts, shapes, policies, numa);
    for (int r = 0; r < REPS; r++) {
        double t0 = now_ns();

        for (int i = 0; i < iters; i++) {
            int k = i % N_INPUTS;
            kc_fit fit;

            if (kc_fit_compute(&hosts[k], &shapes[k], &policies[k], &fit, NULL) == 0)
                *checksum += fit.count;    /* consumed: the call cannot be elided */
        }
        t[r] = (now_ns() - t0) / iters;
    }
    free(hosts);
    free(shapes);
    free(policies);
    return summarize(t, REPS);
}

static long peak_rss_kib(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    const char *json_path = argc > 1 ? argv[1] : "build/bench.json";
    uint64_t checksum = 0;
    stat3 fit = bench_fit(0, &checksum);
    stat3 fit_numa = bench_fit(1, &checksum);
    FILE *f;

    printf("%-24s %12s %12s %12s\n", "metric", "median", "min", "max");
    printf("%-24s %12.1f %12.1f %12.1f  ns\n", "fit_ns", fit.median, fit.min, fit.max);
    printf("%-24s %12.1f %12.1f %12.1f  ns\n", "fit_numa_ns", fit_numa.median, fit_numa.min,
           fit_numa.max);
    printf("%-24s %12.1f  MiB\n", "peak_rss_mib", (double)peak_rss_kib() / 1024.0);
    printf("(checksum %llu)\n", (unsigned long long)checksum);

    f = fopen(json_path, "w");
    if (!f) {
        perror(json_path);
        return 4;
    }
    fprintf(f, "{\n  \"fit_ns\": { \"median\": %.1f, \"min\": %.1f, \"max\": %.1f },\n",
            fit.median, fit.min, fit.max);
    fprintf(f, "  \"fit_numa_ns\": { \"median\": %.1f, \"min\": %.1f, \"max\": %.1f },\n",
            fit_numa.median, fit_numa.min, fit_numa.max);
    fprintf(f, "  \"peak_rss_mib\": %.1f\n}\n", (double)peak_rss_kib() / 1024.0);
    if (fclose(f) != 0) {
        perror(json_path);
        return 4;
    }
    printf("wrote %s\n", json_path);
    return 0;
}
