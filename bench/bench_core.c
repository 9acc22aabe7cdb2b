/* SPDX-License-Identifier: MIT */
/* bench_core.c: benchmarks of the calculation core (links model/ only). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "demand.h"
#include "fit.h"
#include "fit_reference.h"
#include "pack.h"
#include "size.h"
#include "vbp_classes.h"
#include "vbp_sets.h"

/*
 * Usage: bench-core [--quick] [--vbp-only] [--fit-only] [--flags 'CFLAGS'] [JSON_PATH]
 *        bench-core --vbp-sets [--seeds N] [--max-n N] [--effort N] [--cells]
 *        bench-core --vbp-file [--ref TABLE.tsv] [--effort N] FILE_OR_DIR...
 *        bench-core --vbp-write DIR [--seeds N]
 * (--vbp-sets: the Panigrahy, Triplet and New sets regenerated, bench/vbp_sets.c;
 * --vbp-file: pack instance files in the VBP format, optionally against a result table;
 * --vbp-write: write the regenerated sets as VBP files)
 *
 * Every input is generated from fixed seeds (the same numbers on every run), varied (no
 * input repeats in a way the compiler could fold) and exercises every resource: memory,
 * hugepages, cpu, cpu load, network, disk, iops and throughput. Every result is consumed into
 * a checksum that is printed, so no call can be elided. Each timing is the median of several
 * repetitions, with min and max beside it.
 */
#define N_INPUTS 4096      /* fit inputs, cycled: too many to fold, few enough for cache */
#define N_FIT_HOSTS 256    /* distinct hosts among them (input i is on host i % 256): a
                              kc_host is 3.7 KB, and 4096 of them (15 MB) measured cache
                              misses more than the fit; 256 are ~1 MB, as a loop over a
                              fleet or sizing candidates touches */
#define FIT_ITERS 200000

typedef struct stat3 {
    double median, min, max;
    int reps;
} stat3;

static uint64_t checksum;   /* every result lands here: printed at the end */
static int quick;           /* --quick: fewer repetitions (a smoke run for CI) */
static int vbp_only;        /* --vbp-only: only the vector packing classes, table only */
static int fit_only;        /* --fit-only: only the fit rows, one repetition (for callgrind) */

static uint64_t rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t between(uint64_t *s, uint64_t lo, uint64_t hi)
{
    return lo + rng(s) % (hi - lo + 1);
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

static stat3 summarize(double *v, int n)
{
    stat3 s;

    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    s.median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    s.min = v[0];
    s.max = v[n - 1];
    s.reps = n;
    return s;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (!p) {
        fputs("bench: out of memory\n", stderr);
        exit(5);
    }
    return p;
}

static void die_err(const char *what, const kc_error *err)
{
    fprintf(stderr, "bench: %s: %s\n", what, err->msg);
    exit(5);
}

/* ---- generated inputs ---- */

/* A host model with every resource: two NICs, local and network storage, a hugepage pool of
 * 1 GiB pages, @numa nodes (0 = unknown) splitting CPUs, memory and the pool evenly. */
static void make_host(kc_host *h, uint64_t *s, int numa)
{
    kc_host_init(h);
    h->cpus = 16u * (uint32_t)between(s, 1, 16);                 /* 16..256 */
    h->mem_mib = 65536ull * between(s, 1, 32);                   /* 64 GiB..2 TiB */
    h->hugepage_kib = 1048576;
    h->hugepages_mib = h->mem_mib / 1024 * 1024 / 8;             /* 1/8 of RAM, whole GiB */
    h->n_nics = 2;
    h->nics[0].speed_kbps = 10000000ull * between(s, 1, 10);
    h->nics[1].speed_kbps = 25000000;
    h->n_storage = 2;
    h->storage[0] = (kc_storage){ .kind = KC_STORAGE_LOCAL, .count = (uint32_t)between(s, 2, 8),
                                  .size_mib = 1ull << 21, .iops = 500000, .mbps = 3000 };
    h->storage[1] = (kc_storage){ .kind = KC_STORAGE_NETWORK, .count = 1,
                                  .size_mib = 1ull << 24, .iops = 200000, .mbps = 4000,
                                  .link_iops = 305175, .link_mbps = 1250 };
    if (numa > 0) {
        uint64_t node_mem = h->mem_mib / (uint64_t)numa;

        h->n_numa = (size_t)numa;
        h->mem_mib = node_mem * (uint64_t)numa;
        h->hugepages_mib = h->hugepages_mib / 1024 / (uint64_t)numa * (uint64_t)numa * 1024;
        for (int n = 0; n < numa; n++)
            h->numa[n] = (kc_numa_node){ .cpus = h->cpus / (uint32_t)numa, .mem_mib = node_mem,
                                         .hugepages_mib = h->hugepages_mib / (uint64_t)numa };
    }
}

/* A VM shape asking for every resource; one in @hp_every on hugepages (0 = never). */
static void make_shape(kc_shape *v, uint64_t *s, int hp_every)
{
    *v = (kc_shape){ .vcpus = (uint32_t)between(s, 1, 16),
                     .mem_mib = 512ull * between(s, 1, 64),
                     .disk_mib = 10240ull * between(s, 1, 20), .iops = between(s, 50, 2000),
                     .mbps = between(s, 5, 200), .net_kbps = between(s, 10000, 2000000),
                     .cpu_util_bp = (uint32_t)between(s, 500, 10000) };
    v->hugepages = hp_every > 0 && rng(s) % (uint64_t)hp_every == 0;
}

static void make_policy(kc_policy *p, uint64_t *s, kc_numa_mode numa)
{
    kc_policy_init(p);
    p->overcommit_bp = (uint32_t)between(s, 0, 5000);
    p->max_util_bp = (uint32_t)between(s, 7000, 10000);
    p->overhead_mode = KC_OVERHEAD_AUTO;
    p->disk_overcommit_bp = (uint32_t)between(s, 0, 3000);
    p->net_mode = rng(s) % 2 ? KC_NET_NAT : KC_NET_BRIDGE;
    p->nat_efficiency_bp = 8000;
    p->numa = numa;
}

/* ---- fit ---- */

typedef int (*fit_fn)(const kc_host *, const kc_shape *, const kc_policy *, kc_fit *,
                      kc_error *);

static double time_fit(fit_fn fn, const kc_host *hosts, const kc_shape *shapes,
                       const kc_policy *policies)
{
    double t0 = now_ns();

    for (int i = 0; i < FIT_ITERS; i++) {
        int k = i % N_INPUTS;
        kc_fit fit;

        if (fn(&hosts[k % N_FIT_HOSTS], &shapes[k], &policies[k], &fit, NULL) == 0)
            checksum += fit.count + fit.bottleneck;    /* consumed: the call stays */
        else
            checksum += 7;
    }
    return (now_ns() - t0) / FIT_ITERS;
}

/* kc_fit_count on the same inputs: the count, bottleneck and physical rule without the
 * table (what sweep, fleet and sizing call in their loops). */
static double time_count(const kc_host *hosts, const kc_shape *shapes,
                         const kc_policy *policies)
{
    double t0 = now_ns();

    for (int i = 0; i < FIT_ITERS; i++) {
        int k = i % N_INPUTS;
        kc_fit_summary sum;

        if (kc_fit_count(&hosts[k % N_FIT_HOSTS], &shapes[k], &policies[k], &sum, NULL) == 0)
            checksum += sum.count + sum.bottleneck;
        else
            checksum += 7;
    }
    return (now_ns() - t0) / FIT_ITERS;
}

/* kc_fit_count_on as a fleet or sizing loop uses it: each host (with its policy) prepared
 * once, then FIT_SHAPES_PER_HOST shapes counted on it; the preparation is in the time. */
#define FIT_SHAPES_PER_HOST 8
static double time_count_on(const kc_host *hosts, const kc_shape *shapes,
                            const kc_policy *policies)
{
    double t0 = now_ns();

    for (int i = 0; i < FIT_ITERS; i += FIT_SHAPES_PER_HOST) {
        int k = i % N_INPUTS;
        kc_fit_host fh;

        kc_fit_host_prepare(&hosts[k % N_FIT_HOSTS], &policies[k], &fh);
        for (int j = 0; j < FIT_SHAPES_PER_HOST; j++) {
            kc_fit_summary sum;

            if (kc_fit_count_on(&fh, &shapes[(k + j) % N_INPUTS], &sum, NULL) == 0)
                checksum += sum.count + sum.bottleneck;
            else
                checksum += 7;
        }
    }
    return (now_ns() - t0) / FIT_ITERS;
}

/* kc_fit_pair as the hot loops use it: every input's host (with its policy) and shape (with
 * its policy) prepared once, outside the timed loop (a fleet prepares its hosts and shapes
 * once, then counts every pair); the same inputs, in the same order. The prepared hosts'
 * hot parts (~250 bytes; a prepared host is ~6 KB) are in an array of their own, as a loop
 * over many hosts would keep them. */
static double time_pair(const kc_fit_hot *hots, const kc_fit_shape *fss)
{
    double t0 = now_ns();

    for (int i = 0; i < FIT_ITERS; i++) {
        int k = i % N_INPUTS;
        kc_fit_summary sum;

        if (kc_fit_pair(&hots[k], &fss[k], &sum, NULL) == 0)
            checksum += sum.count + sum.bottleneck;
        else
            checksum += 7;
    }
    return (now_ns() - t0) / FIT_ITERS;
}

/* The floor any exact kc_fit_compute has on this machine: only the per-row divisions
 * floor((capacity - used) / per_vm) of the bounded rows, on the real operands of the same
 * inputs (taken from their fits), each result stored in a kc_fit with the minimum; no
 * validation, no capacities, no states. What fit_ns costs above it is everything else. */
static double time_floor(const kc_fit *fits)
{
    double t0 = now_ns();

    for (int i = 0; i < FIT_ITERS; i++) {
        const kc_fit *in = &fits[i % N_INPUTS];
        kc_fit out;
        uint64_t min = UINT64_MAX;

        for (int r = 0; r < KC_RES_LAST; r++) {
            const kc_res_fit *x = &in->res[r];
            uint64_t l = x->per_vm ? (x->capacity > x->used ? x->capacity - x->used : 0) /
                                     x->per_vm : UINT64_MAX;

            out.res[r].limit = l;
            min = l < min ? l : min;
        }
        out.count = min;
        checksum += out.count + out.res[i % KC_RES_LAST].limit;
    }
    return (now_ns() - t0) / FIT_ITERS;
}

/* kc_fit_compute and, interleaved with it so that a busy machine slows all alike,
 * kc_fit_compute_reference (the plain implementation: the "before" of the fast path), the
 * division floor and (@count non-NULL) kc_fit_count. */
static void bench_fit(int numa, stat3 *fast, stat3 *ref, stat3 *floor_ns, stat3 *count,
                      stat3 *count_on, stat3 *pair)
{
    kc_host *hosts = xcalloc(N_FIT_HOSTS, sizeof(*hosts)), spare;
    kc_shape *shapes = xcalloc(N_INPUTS, sizeof(*shapes));
    kc_policy *policies = xcalloc(N_INPUTS, sizeof(*policies));
    int reps = fit_only ? 1 : quick ? 3 : 15;
    double t[15], tr[15], tf[15], tc[15], to[15], tp[15];
    uint64_t s = numa ? 4242 : 42;
    kc_fit *fits = xcalloc(N_INPUTS, sizeof(*fits));

    for (int i = 0; i < N_INPUTS; i++) {
        kc_host *h = i < N_FIT_HOSTS ? &hosts[i] : &spare;    /* same random stream */

        make_host(h, &s, numa ? 8 : 0);
        h->used = (kc_usage){ .vms = rng(&s) % 8, .vcpus = rng(&s) % 16,
                              .mem_mib = rng(&s) % 8192, .disk_mib = rng(&s) % 100000 };
        make_shape(&shapes[i], &s, 4);
        make_policy(&policies[i], &s, numa ? KC_NUMA_STRICT : KC_NUMA_SPREAD);
    }
    for (int i = 0; i < N_INPUTS; i++)
        if (kc_fit_compute(&hosts[i % N_FIT_HOSTS], &shapes[i], &policies[i], &fits[i],
                           NULL) < 0)
            memset(&fits[i], 0, sizeof(fits[i]));
    /* the pair's preparations, outside the timed loop: one per input (each input has a
     * policy of its own, so each its own prepared host) */
    kc_fit_host *fhs = NULL;
    kc_fit_hot *hots = NULL;
    kc_fit_shape *fss = NULL;
    size_t pairs_direct = 0;

    if (pair) {
        fhs = xcalloc(N_INPUTS, sizeof(*fhs));
        hots = xcalloc(N_INPUTS, sizeof(*hots));
        fss = xcalloc(N_INPUTS, sizeof(*fss));
        for (int i = 0; i < N_INPUTS; i++) {
            kc_fit_host_prepare(&hosts[i % N_FIT_HOSTS], &policies[i], &fhs[i]);
            hots[i] = fhs[i].hot;
            kc_fit_shape_prepare(&shapes[i], &policies[i], &fss[i]);
            pairs_direct += kc_fit_pair_direct(&hots[i], &fss[i]);
        }
        if (!fit_only)
            fprintf(stderr, "bench: %zu of %d pairs on the pair's own way\n", pairs_direct,
                    N_INPUTS);
    }
    for (int r = 0; r < reps; r++) {
        t[r] = time_fit(kc_fit_compute, hosts, shapes, policies);
        if (pair)
            tp[r] = time_pair(hots, fss);
        tr[r] = time_fit(kc_fit_compute_reference, hosts, shapes, policies);
        tf[r] = time_floor(fits);
        if (count) {
            tc[r] = time_count(hosts, shapes, policies);
            to[r] = time_count_on(hosts, shapes, policies);
        }
    }
    free(fits);
    free(fhs);
    free(hots);
    free(fss);
    free(hosts);
    free(shapes);
    free(policies);
    *fast = summarize(t, reps);
    *ref = summarize(tr, reps);
    *floor_ns = summarize(tf, reps);
    if (count) {
        *count = summarize(tc, reps);
        *count_on = summarize(to, reps);
    }
    if (pair)
        *pair = summarize(tp, reps);
}

/* ---- packing ---- */

/* One packing instance: the vectors kc_demand_compute derives for @n_shapes shapes on one
 * host model (the same path sizing takes), with @total VMs spread over the shapes. */
typedef struct pack_case {
    uint64_t cap[KC_PACK_DIM_MAX];
    size_t nd, ni;
    kc_pack_item *items;
} pack_case;

static void make_pack_case(pack_case *pc, uint64_t seed, size_t n_shapes, uint64_t total)
{
    uint64_t s = seed;
    kc_host host;
    kc_policy pol;
    kc_shape *shapes = xcalloc(n_shapes, sizeof(*shapes));
    kc_shape_demand *dem = xcalloc(n_shapes, sizeof(*dem));
    kc_host_capacity cap;
    kc_resource dims[KC_PACK_DIM_MAX];
    kc_error err = { 0 };
    uint64_t *weight = xcalloc(n_shapes, sizeof(*weight)), wsum = 0, given = 0;

    memset(pc, 0, sizeof(*pc));
    make_host(&host, &s, 0);
    host.cpus = 128;                     /* a big host: a few dozen VMs each */
    host.mem_mib = 1048576;
    host.hugepages_mib = 131072;
    make_policy(&pol, &s, KC_NUMA_SPREAD);
    pol.max_util_bp = 9000;
    for (size_t i = 0; i < n_shapes; i++) {
        make_shape(&shapes[i], &s, 0);
        shapes[i].hugepages = i % 4 == 1;              /* every dimension active */
        if (n_shapes > 64)
            shapes[i].mem_mib = 256ull * (i + 1) % 65536 + 256;   /* distinct */
    }
    if (kc_demand_compute(&host, &pol, shapes, n_shapes, &cap, dem, &err) < 0)
        die_err("pack case", &err);
    for (size_t r = 0; r < KC_RES_LAST; r++)
        if (cap.planned & (1u << r)) {
            dims[pc->nd] = (kc_resource)r;
            pc->cap[pc->nd++] = cap.free[r];
        }
    pc->ni = n_shapes;
    pc->items = xcalloc(n_shapes, sizeof(*pc->items));
    for (size_t i = 0; i < n_shapes; i++) {
        weight[i] = between(&s, 1, 100);
        wsum += weight[i];
    }
    for (size_t i = 0; i < n_shapes; i++) {
        if (kc_demand_misfit(&cap, &dem[i]) != KC_RES_LAST) {
            fprintf(stderr, "bench: generated shape %zu does not fit its host\n", i);
            exit(5);
        }
        for (size_t k = 0; k < pc->nd; k++)
            pc->items[i].demand[k] = dem[i].per_vm[dims[k]];
        pc->items[i].count = i + 1 == n_shapes ? total - given : total / wsum * weight[i] +
                             (total % wsum) * weight[i] / wsum;
        given += pc->items[i].count;
    }
    free(shapes);
    free(dem);
    free(weight);
}

static void free_pack_case(pack_case *pc)
{
    free(pc->items);
    pc->items = NULL;
}

static double time_pack(const pack_case *pc)
{
    kc_pack *pack = NULL;
    kc_error err = { 0 };
    double t0 = now_ns(), t;

    if (kc_pack_solve(pc->cap, pc->nd, pc->items, pc->ni, NULL, &pack, &err) < 0)
        die_err("pack", &err);
    t = now_ns() - t0;
    checksum += pack->hosts + pack->lower_bound + pack->n_patterns;
    kc_pack_free(pack);
    return t;
}

/* The median over @reps instances (seeds differ: varied inputs), in ms. */
static stat3 bench_pack(uint64_t seed, size_t n_shapes, uint64_t total, int reps)
{
    double t[32];

    for (int r = 0; r < reps; r++) {
        pack_case pc;

        make_pack_case(&pc, seed + (uint64_t)r, n_shapes, total);
        t[r] = time_pack(&pc) / 1e6;
        free_pack_case(&pc);
    }
    return summarize(t, reps);
}

/* ---- sizing ---- */

#define SIZE_LINES 10
#define SIZE_CANDS 20

static void make_sizing(uint64_t seed, kc_workload_line *lines, kc_candidate *cands,
                        kc_size_opts *opts)
{
    uint64_t s = seed, given = 0;

    for (size_t i = 0; i < SIZE_LINES; i++) {
        make_shape(&lines[i].shape, &s, 0);
        lines[i].shape.hugepages = i % 5 == 2;
        snprintf(lines[i].name, sizeof(lines[i].name), "shape%zu", i);
        lines[i].count = i + 1 < SIZE_LINES ? between(&s, 50000, 150000) : 1000000 - given;
        given += lines[i].count;
    }
    for (size_t c = 0; c < SIZE_CANDS; c++) {
        make_host(&cands[c].host, &s, (int)(c % 3) * 2);   /* 0, 2 or 4 NUMA nodes */
        if (cands[c].host.cpus < 64) {                      /* every shape fits each model */
            cands[c].host.cpus = 64;
            for (size_t n = 0; n < cands[c].host.n_numa; n++)
                cands[c].host.numa[n].cpus = 64 / (uint32_t)cands[c].host.n_numa;
        }
        snprintf(cands[c].name, sizeof(cands[c].name), "model%02zu", c);
        cands[c].price = 5000 + rng(&s) % 40000;
    }
    memset(opts, 0, sizeof(*opts));
    make_policy(&opts->policy, &s, KC_NUMA_SPREAD);
    opts->growth_bp = 2000;
    opts->ha = 1;
}

static double time_size(uint64_t seed)
{
    kc_workload_line lines[SIZE_LINES];
    kc_candidate *cands = xcalloc(SIZE_CANDS, sizeof(*cands));
    kc_size_opts opts;
    kc_sizing *sz = NULL;
    kc_error err = { 0 };
    double t0, t;

    memset(lines, 0, sizeof(lines));
    make_sizing(seed, lines, cands, &opts);
    t0 = now_ns();
    if (kc_size_run(lines, SIZE_LINES, cands, SIZE_CANDS, &opts, &sz, &err) < 0)
        die_err("size", &err);
    t = now_ns() - t0;
    checksum += sz->total_vms + sz->results[0].hosts + sz->n_results;
    kc_sizing_free(sz);
    free(cands);
    return t;
}

static stat3 bench_size(int reps)
{
    double t[32];

    for (int r = 0; r < reps; r++)
        t[r] = time_size(1000 + (uint64_t)r) / 1e6;
    return summarize(t, reps);
}

/* Peak RSS of a process that runs only the sizing: a child forked before anything else is
 * allocated, so the fit inputs do not count. In MiB. */
static double size_peak_rss_mib(void)
{
    struct rusage ru;
    int status = 0;
    pid_t pid;

    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        perror("bench: fork");
        exit(5);
    }
    if (pid == 0) {
        time_size(1000);
        _exit(0);
    }
    /* the only child ever waited for, so RUSAGE_CHILDREN's peak is its peak */
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        getrusage(RUSAGE_CHILDREN, &ru) < 0) {
        fputs("bench: the sizing child failed\n", stderr);
        exit(5);
    }
    return (double)ru.ru_maxrss / 1024.0;
}

/* ---- scaling ---- */

#define SCALE_POINTS 5

typedef struct scaling {
    uint64_t n[SCALE_POINTS];
    stat3 ms[SCALE_POINTS];
    double exponent;            /* least-squares slope of log(time) over log(n) */
} scaling;

static scaling bench_scaling(int reps)
{
    scaling sc;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    uint64_t n = 1000;

    for (int k = 0; k < SCALE_POINTS; k++, n *= 10) {
        double t[32], x, y;

        /* The same eight shapes at every size (seed fixed per repetition): only n moves. */
        for (int r = 0; r < reps; r++) {
            pack_case pc;

            make_pack_case(&pc, 77 + (uint64_t)r, 8, n);
            t[r] = time_pack(&pc) / 1e6;
            free_pack_case(&pc);
        }
        sc.n[k] = n;
        sc.ms[k] = summarize(t, reps);
        x = log((double)n);
        y = log(sc.ms[k].median);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    sc.exponent = (SCALE_POINTS * sxy - sx * sy) / (SCALE_POINTS * sxx - sx * sx);
    return sc;
}

/* ---- machine ---- */

/* The 1-minute load average when the run started: other work on the machine inflates every
 * timing here (the medians assume a quiet machine). */
static double loadavg(void)
{
    double v = -1;
    FILE *f = fopen("/proc/loadavg", "r");

    if (f) {
        if (fscanf(f, "%lf", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

static void cpu_model(char *out, size_t size)
{
    char line[512];
    FILE *f = fopen("/proc/cpuinfo", "r");

    snprintf(out, size, "unknown");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char *colon = strchr(line, ':');

        if (strncmp(line, "model name", 10) != 0 || !colon)
            continue;
        colon += 1 + (colon[1] == ' ');
        colon[strcspn(colon, "\n")] = '\0';
        snprintf(out, size, "%s", colon);
        break;
    }
    fclose(f);
}

/* @s as a JSON string body: the few characters that need escaping in a CPU name or flags. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", (unsigned char)*s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

/* A timing; @target < 0: none set. */
static void json_stat(FILE *f, const char *name, stat3 s, const char *unit, double target,
                      const char *tail)
{
    fprintf(f, "  \"%s\": { \"median\": %.3f, \"min\": %.3f, \"max\": %.3f, \"reps\": %d, "
            "\"unit\": \"%s\", \"target\": ", name, s.median, s.min, s.max, s.reps, unit);
    if (target < 0)
        fputs("null", f);
    else
        fprintf(f, "%g", target);
    fprintf(f, " }%s\n", tail);
}

static const char *verdict(double v, double target)
{
    return v <= target ? "ok" : "OVER";
}

static void row(const char *name, stat3 s, const char *unit, double target)
{
    printf("%-26s %11.3f %11.3f %11.3f %4s", name, s.median, s.min, s.max, unit);
    if (target >= 0)
        printf("  <= %-6g %s", target, verdict(s.median, target));
    putchar('\n');
}

/* --vbp-sets, --vbp-file and --vbp-write (see the usage above). */
static int vbp_sets_cli(int argc, char **argv)
{
    unsigned seeds = 3, max_n = 0;
    uint32_t effort = 0;
    const char *ref = NULL;
    int np = 0;                 /* paths, gathered into argv[2 ..] in order */
    bool cells = false;

    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc) {
            seeds = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--max-n") == 0 && i + 1 < argc) {
            max_n = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--effort") == 0 && i + 1 < argc) {
            effort = (uint32_t)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--cells") == 0) {
            cells = true;
        } else if (strcmp(argv[i], "--ref") == 0 && i + 1 < argc) {
            ref = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "bench: unknown option '%s'\n", argv[i]);
            return 2;
        } else {
            argv[2 + np++] = argv[i];   /* 2 + np <= i: a slot already read */
        }
    }
    if (strcmp(argv[1], "--vbp-sets") == 0)
        return kc_vbp_sets_main(seeds ? seeds : 1, max_n, effort, cells);
    if (strcmp(argv[1], "--vbp-write") == 0) {
        if (np != 1) {
            fprintf(stderr, "bench: --vbp-write needs one directory\n");
            return 2;
        }
        return kc_vbp_sets_write(argv[2], seeds ? seeds : 1);
    }
    if (np == 0) {
        fprintf(stderr, "bench: --vbp-file needs a file or a directory\n");
        return 2;
    }
    return kc_vbp_file_main(np, argv + 2, ref, effort);
}

int main(int argc, char **argv)
{
    const char *json_path = "build/bench.json", *flags = "unknown";
    char cpu[256];
    double rss = 0, t_start = now_ns(), load = loadavg();
    stat3 fit, fit_count, fit_count_on, fit_pair, fit_numa, fit_ref, fit_numa_ref, fit_floor, numa_floor, pack8, pack1000, size;
    scaling sc;
    kc_vbp_result vbp;
    FILE *f;

    if (argc > 1 && (strcmp(argv[1], "--vbp-sets") == 0 || strcmp(argv[1], "--vbp-file") == 0 ||
                     strcmp(argv[1], "--vbp-write") == 0))
        return vbp_sets_cli(argc, argv);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            quick = 1;
        } else if (strcmp(argv[i], "--vbp-only") == 0) {
            vbp_only = 1;
        } else if (strcmp(argv[i], "--fit-only") == 0) {
            fit_only = 1;
        } else if (strcmp(argv[i], "--flags") == 0 && i + 1 < argc) {
            flags = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "bench: unknown option '%s'\n"
                    "usage: bench-core [--quick] [--vbp-only] [--fit-only] [--flags 'CFLAGS'] "
                    "[JSON_PATH]\n", argv[i]);
            return 2;
        } else {
            json_path = argv[i];
        }
    }
    if (fit_only) {
        /* one repetition of each fit entry point on the same inputs: for an instruction
         * count (valgrind --tool=callgrind), which a loaded machine does not disturb */
        bench_fit(0, &fit, &fit_ref, &fit_floor, &fit_count, &fit_count_on, &fit_pair);
        row("fit_count_ns", fit_count, "ns", -1);
        row("fit_count_on_ns", fit_count_on, "ns", -1);
        row("fit_pair_ns", fit_pair, "ns", -1);
        row("fit_ns", fit, "ns", -1);
        row("fit_reference_ns", fit_ref, "ns", -1);
        row("fit_division_floor_ns", fit_floor, "ns", -1);
        printf("(checksum %llu)\n", (unsigned long long)checksum);
        return 0;
    }
    if (!vbp_only)
        rss = size_peak_rss_mib();   /* first: the forked child inherits nothing big */
    /* the classic vector packing classes: 10 seeds per class and size (the literature's
     * count), 2 in a quick run */
    kc_vbp_run(quick ? 2 : 10, quick ? 1 : 5, &vbp);
    if (vbp_only) {
        kc_vbp_print(&vbp);
        return 0;
    }
    bench_fit(0, &fit, &fit_ref, &fit_floor, &fit_count, &fit_count_on, &fit_pair);
    bench_fit(1, &fit_numa, &fit_numa_ref, &numa_floor, NULL, NULL, NULL);
    pack8 = bench_pack(1, 8, 1000000, quick ? 3 : 15);
    pack1000 = bench_pack(100, 1000, 100000, quick ? 1 : 5);
    size = bench_size(quick ? 1 : 7);
    sc = bench_scaling(quick ? 1 : 5);
    cpu_model(cpu, sizeof(cpu));

    printf("machine: %s, %ld cores, load %.2f at start, %s, %s\n", cpu,
           sysconf(_SC_NPROCESSORS_ONLN), load,
#ifdef __clang__
           "clang " __clang_version__,
#else
           "gcc " __VERSION__,
#endif
           flags);
    printf("%-26s %11s %11s %11s %4s  %-9s\n", "metric", "median", "min", "max", "unit",
           "target");
    row("fit_count_ns", fit_count, "ns", 20);
    row("fit_count_on_ns", fit_count_on, "ns", 20);
    row("fit_pair_ns", fit_pair, "ns", 20);
    row("fit_ns", fit, "ns", -1);
    row("fit_numa_ns", fit_numa, "ns", -1);
    row("fit_reference_ns", fit_ref, "ns", -1);
    row("fit_numa_reference_ns", fit_numa_ref, "ns", -1);
    row("fit_division_floor_ns", fit_floor, "ns", -1);
    row("pack_1m_8shapes_ms", pack8, "ms", 20);
    row("pack_100k_1000shapes_ms", pack1000, "ms", 1000);
    row("size_1m_20models_ms", size, "ms", 500);
    for (int k = 0; k < SCALE_POINTS; k++) {
        char name[64];

        snprintf(name, sizeof(name), "scaling pack n=%llu", (unsigned long long)sc.n[k]);
        printf("%-26s %11.3f %11.3f %11.3f %4s\n", name, sc.ms[k].median, sc.ms[k].min,
               sc.ms[k].max, "ms");
    }
    printf("%-26s %11.3f %31s  <= %-6g %s\n", "scaling exponent", sc.exponent, "", 1.1,
           verdict(sc.exponent, 1.1));
    printf("%-26s %11.1f %31s  <= %-6g %s\n", "peak_rss_mib (sizing)", rss, "", 64.0,
           verdict(rss, 64));
    kc_vbp_print(&vbp);
    printf("(checksum %llu; %.1f s)\n", (unsigned long long)checksum,
           (now_ns() - t_start) / 1e9);

    f = fopen(json_path, "w");
    if (!f) {
        perror(json_path);
        return 4;
    }
    fputs("{\n  \"machine\": { \"cpu\": ", f);
    json_str(f, cpu);
    fprintf(f, ", \"cores\": %ld, \"loadavg_at_start\": %.2f, \"compiler\": ",
            sysconf(_SC_NPROCESSORS_ONLN), load);
#ifdef __clang__
    json_str(f, "clang " __clang_version__);
#else
    json_str(f, "gcc " __VERSION__);
#endif
    fputs(", \"flags\": ", f);
    json_str(f, flags);
    fprintf(f, " },\n  \"quick\": %s,\n", quick ? "true" : "false");
    json_stat(f, "fit_count_ns", fit_count, "ns", 20, ",");
    json_stat(f, "fit_count_on_ns", fit_count_on, "ns", 20, ",");
    json_stat(f, "fit_pair_ns", fit_pair, "ns", 20, ",");
    json_stat(f, "fit_ns", fit, "ns", -1, ",");
    json_stat(f, "fit_numa_ns", fit_numa, "ns", -1, ",");
    json_stat(f, "fit_reference_ns", fit_ref, "ns", -1, ",");
    json_stat(f, "fit_numa_reference_ns", fit_numa_ref, "ns", -1, ",");
    json_stat(f, "fit_division_floor_ns", fit_floor, "ns", -1, ",");
    json_stat(f, "pack_1m_8shapes_ms", pack8, "ms", 20, ",");
    json_stat(f, "pack_100k_1000shapes_ms", pack1000, "ms", 1000, ",");
    json_stat(f, "size_1m_20models_ms", size, "ms", 500, ",");
    fputs("  \"scaling\": { \"points\": [", f);
    for (int k = 0; k < SCALE_POINTS; k++)
        fprintf(f, "%s\n    { \"vms\": %llu, \"median_ms\": %.3f, \"min_ms\": %.3f, "
                "\"max_ms\": %.3f }", k ? "," : "", (unsigned long long)sc.n[k],
                sc.ms[k].median, sc.ms[k].min, sc.ms[k].max);
    fprintf(f, " ],\n    \"exponent\": %.3f, \"target\": 1.1 },\n", sc.exponent);
    fprintf(f, "  \"peak_rss_mib\": { \"value\": %.1f, \"target\": 64 },\n", rss);
    kc_vbp_json(f, &vbp);
    fputs(",\n", f);
    fprintf(f, "  \"checksum\": %llu\n}\n", (unsigned long long)checksum);
    if (fclose(f) != 0) {
        perror(json_path);
        return 4;
    }
    printf("wrote %s\n", json_path);
    return 0;
}
