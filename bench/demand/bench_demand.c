/* SPDX-License-Identifier: MIT */
/*
 * bench_demand.c: what recording and the demand model cost at scale, through kvmcap's own
 * code (it links the program's objects):
 *
 *   bench-demand sample DOMAINS REPS
 *       writes a test-driver host of DOMAINS running domains, opens kvmcap's sampler on it
 *       (the child process `kvmcap record` uses, with its pipe) and times REPS samples
 *       (kc_sampler_take) and their commit into a recording (kc_store_add_sample); prints
 *       one JSON object (medians, min, max in ms).
 *   bench-demand week FILE VMS SAMPLES INTERVAL_S
 *       writes a synthetic recording through kc_store_add_sample: VMS domains (a random
 *       CPU load around a per-VM level, steal, RSS, a guest balloon on half of them,
 *       network and disk counters, each VM rebooted once), SAMPLES samples INTERVAL_S
 *       apart; prints one JSON object (seconds to write, bytes of the file).
 *
 * bench/demand.sh runs both, then times `kvmcap demand FILE` over the week (whole process).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "demand/store.h"
#include "facts/sample_libvirt.h"

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* {"median_ms", "min_ms", "max_ms"} of @n timings in ns (sorted in place) */
static void print_stats(const char *key, uint64_t *v, size_t n, const char *sep)
{
    qsort(v, n, sizeof(*v), cmp_u64);
    printf("\"%s\": {\"median_ms\": %.3f, \"min_ms\": %.3f, \"max_ms\": %.3f}%s", key,
           (double)v[n / 2] / 1e6, (double)v[0] / 1e6, (double)v[n - 1] / 1e6, sep);
}

static int die(const char *what, const kc_error *err)
{
    fprintf(stderr, "bench-demand: %s: %s\n", what, err ? err->msg : "failed");
    return 1;
}

/* A test-driver host of @n running domains (2 vCPUs, 2 GiB each). */
static int write_host(const char *path, unsigned n)
{
    FILE *f = fopen(path, "w");

    if (!f)
        return -1;
    fprintf(f, "<node>\n  <cpu><mhz>2400</mhz><model>x86_64</model><active>256</active>"
            "<nodes>1</nodes><sockets>2</sockets><cores>64</cores><threads>2</threads></cpu>\n"
            "  <memory>%llu</memory>\n", 4096ull * 1024 * 1024);
    for (unsigned i = 0; i < n; i++)
        fprintf(f, "  <domain type='test'><name>vm%04u</name><memory unit='MiB'>2048</memory>"
                "<vcpu>2</vcpu><os><type>hvm</type></os></domain>\n", i);
    fputs("</node>\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

static int bench_sample(unsigned domains, unsigned reps)
{
    char dir[] = "/tmp/kvmcap-bench-XXXXXX", xml[128], uri[160], db[128], host[256];
    uint64_t *take = calloc(reps, sizeof(*take)), *store = calloc(reps, sizeof(*store));
    kc_error err = { 0 };
    kc_sampler *sm;
    kc_store *st;
    kc_sample s = { 0 };
    size_t vms = 0;
    int ret = 1;

    if (!take || !store || !mkdtemp(dir))
        return die("setup", NULL);
    snprintf(xml, sizeof(xml), "%s/host.xml", dir);
    snprintf(uri, sizeof(uri), "test://%s", xml);
    snprintf(db, sizeof(db), "%s/rec.db", dir);
    if (write_host(xml, domains) < 0)
        return die("cannot write the host XML", NULL);
    if (!(sm = kc_sampler_start(uri, NULL, 30, host, sizeof(host), &err)))
        return die("sampler", &err);
    if (!(st = kc_store_open(db, true, &err)) ||
        kc_store_begin_run(st, uri, host, 1000, 1, NULL, "bench", &err) < 0) {
        kc_sampler_stop(sm);
        return die("store", &err);
    }
    for (unsigned r = 0; r < reps; r++) {
        uint64_t t0 = now_ns(), t1, t2;

        if (kc_sampler_take(sm, &s, &err) < 0) {
            die("sample", &err);
            goto out;
        }
        t1 = now_ns();
        if (kc_store_add_sample(st, &s, r == 0, &err) < 0) {
            die("store", &err);
            goto out;
        }
        t2 = now_ns();
        take[r] = t1 - t0;
        store[r] = t2 - t1;
        vms = s.n_vms;
    }
    if (vms != domains) {
        fprintf(stderr, "bench-demand: %zu domains sampled, %u defined\n", vms, domains);
        goto out;
    }
    printf("{\"domains\": %u, \"samples\": %u, ", domains, reps);
    print_stats("take", take, reps, ", ");
    print_stats("store", store, reps, ", ");
    for (unsigned r = 0; r < reps; r++)
        take[r] += store[r];
    print_stats("total", take, reps, "}\n");
    ret = 0;
 out:
    kc_sample_clear(&s);
    kc_sampler_stop(sm);
    kc_store_close(st, NULL);
    unlink(xml);
    unlink(db);
    {
        char wal[160];

        snprintf(wal, sizeof(wal), "%s-wal", db);
        unlink(wal);
        snprintf(wal, sizeof(wal), "%s-shm", db);
        unlink(wal);
    }
    rmdir(dir);
    free(take);
    free(store);
    return ret;
}

/* xorshift64*: the week is the same at every run */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

typedef struct vm_gen {
    uint32_t vcpus;
    uint64_t mem_kib;
    uint32_t level_bp;         /* typical CPU load, bp of one core */
    uint64_t reboot_at;        /* the sample at which it restarts */
    bool balloon;
} vm_gen;

static int bench_week(const char *path, unsigned n_vms, unsigned samples, unsigned interval_s)
{
    const uint64_t t0 = 1796000000000000000ull, step = (uint64_t)interval_s * 1000000000ull;
    vm_gen *g = calloc(n_vms, sizeof(*g));
    kc_sample_vm *v = calloc(n_vms, sizeof(*v));
    kc_error err = { 0 };
    uint64_t seed = 0x9e3779b97f4a7c15ull, start = now_ns();
    kc_store *st;
    struct stat sb;
    char side[4200];

    if (!g || !v)
        return die("out of memory", NULL);
    unlink(path);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
    if (!(st = kc_store_open(path, true, &err)) ||
        kc_store_begin_run(st, "qemu:///system", "bench", interval_s * 1000, t0, NULL, "bench",
                           &err) < 0)
        return die("store", &err);
    for (unsigned i = 0; i < n_vms; i++) {
        g[i].vcpus = 1u << (rnd(&seed) % 4);
        g[i].mem_kib = (1024ull << (rnd(&seed) % 5)) * 1024;
        g[i].level_bp = (uint32_t)(rnd(&seed) % (g[i].vcpus * 10000ull));
        g[i].reboot_at = rnd(&seed) % samples;
        g[i].balloon = i % 2 == 0;
        snprintf(v[i].name, sizeof(v[i].name), "vm%04u", i);
        snprintf(v[i].uuid, sizeof(v[i].uuid), "00000000-0000-4000-8000-%012u", i);
        v[i].state = KC_DOM_RUNNING;
        v[i].dom_id = (int64_t)i + 1;
        v[i].vcpus = g[i].vcpus;
        v[i].mem_kib = g[i].mem_kib;
        /* counters since the QEMU process started: days of uptime before the week */
        v[i].cpu_time_ns = rnd(&seed) % (86400ull * 30 * 1000000000ull);
        v[i].vcpu_time_ns = v[i].cpu_time_ns / 10 * 9;
        v[i].vcpu_delay_ns = v[i].cpu_time_ns / 50;
        v[i].net_rx_bytes = rnd(&seed) % (1ull << 40);
        v[i].net_tx_bytes = rnd(&seed) % (1ull << 38);
        v[i].rd_reqs = rnd(&seed) % (1ull << 30);
        v[i].wr_reqs = rnd(&seed) % (1ull << 30);
        v[i].rd_bytes = v[i].rd_reqs * 16384;
        v[i].wr_bytes = v[i].wr_reqs * 8192;
    }
    for (unsigned k = 0; k < samples; k++) {
        kc_sample s = { .wall_ns = t0 + k * step, .mono_ns = 5000000000000ull + k * step,
                        .took_ns = 3000000 + rnd(&seed) % 2000000,
                        .cpu_user_ns = 0, .cpu_system_ns = 0, .cpu_idle_ns = 0,
                        .cpu_iowait_ns = 0, .mem_total_kib = 1024ull * 1024 * 1024,
                        .mem_buffers_kib = 1048576, .mem_cached_kib = 8388608,
                        .ksm_pages_sharing = 100000 + rnd(&seed) % 1000, .page_kib = 4,
                        .n_vms = n_vms, .vms = v };
        uint64_t busy = 0, rss = 0;

        for (unsigned i = 0; i < n_vms; i++) {
            kc_sample_vm *d = &v[i];
            /* the level +- 50 %, in ns over the interval */
            uint64_t load = g[i].level_bp / 2 + rnd(&seed) % (g[i].level_bp + 1);
            uint64_t cpu = load * step / 10000;

            if (k == g[i].reboot_at) {
                d->dom_id += n_vms;
                d->cpu_time_ns = d->vcpu_time_ns = d->vcpu_delay_ns = 0;
                d->net_rx_bytes = d->net_tx_bytes = 0;
                d->rd_reqs = d->wr_reqs = d->rd_bytes = d->wr_bytes = 0;
            }
            d->cpu_time_ns += cpu;
            d->vcpu_time_ns += cpu / 10 * 9;
            d->vcpu_delay_ns += cpu / 100 * (rnd(&seed) % 5);
            d->rss_kib = g[i].mem_kib / 4 + rnd(&seed) % (g[i].mem_kib / 2);
            d->balloon_current_kib = g[i].mem_kib;
            d->available_kib = g[i].balloon ? g[i].mem_kib - 65536 : KC_SAMPLE_NONE;
            d->usable_kib = g[i].balloon ? g[i].mem_kib / 8 + rnd(&seed) % (g[i].mem_kib / 2)
                                         : KC_SAMPLE_NONE;
            d->net_rx_bytes += rnd(&seed) % (125000ull * interval_s * 10);
            d->net_tx_bytes += rnd(&seed) % (125000ull * interval_s * 2);
            d->rd_reqs += rnd(&seed) % (50ull * interval_s);
            d->wr_reqs += rnd(&seed) % (30ull * interval_s);
            d->rd_bytes = d->rd_reqs * 16384;
            d->wr_bytes = d->wr_reqs * 8192;
            busy += cpu;
            rss += d->rss_kib;
        }
        s.cpu_user_ns = busy / 10 * 9 + (uint64_t)k * step;
        s.cpu_system_ns = busy / 10 + (uint64_t)k * step / 4;
        s.cpu_idle_ns = (uint64_t)k * step * 64;
        s.cpu_iowait_ns = (uint64_t)k * step / 100;
        s.mem_free_kib = s.mem_total_kib > rss + 9437184 ? s.mem_total_kib - rss - 9437184 : 0;
        s.n_vms = n_vms;
        if (kc_store_add_sample(st, &s, k == 0, &err) < 0)
            return die("store", &err);
    }
    if (kc_store_end_run(st, t0 + samples * step, &err) < 0 || kc_store_close(st, &err) < 0)
        return die("store", &err);
    if (stat(path, &sb) < 0)
        return die("stat", NULL);
    printf("{\"vms\": %u, \"samples\": %u, \"interval_s\": %u, \"vm_samples\": %llu, "
           "\"write_s\": %.1f, \"file_bytes\": %lld}\n", n_vms, samples, interval_s,
           (unsigned long long)n_vms * samples, (double)(now_ns() - start) / 1e9,
           (long long)sb.st_size);
    free(g);
    free(v);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "sample") == 0)
        return bench_sample((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]));
    if (argc == 6 && strcmp(argv[1], "week") == 0)
        return bench_week(argv[2], (unsigned)atoi(argv[3]), (unsigned)atoi(argv[4]),
                          (unsigned)atoi(argv[5]));
    fprintf(stderr, "usage: bench-demand sample DOMAINS REPS | "
            "week FILE VMS SAMPLES INTERVAL_S\n");
    return 2;
}
