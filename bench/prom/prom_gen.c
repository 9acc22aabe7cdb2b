/* SPDX-License-Identifier: MIT */
/*
 * prom_gen.c: the history of a fleet in the exporters' metric names, as OpenMetrics text for
 * `promtool tsdb create-blocks-from openmetrics` (bench/prom_fleet.sh, bench/README.md).
 *
 *   prom_gen om HOSTS VMS T0 STEP N FROM TO     slots [FROM, TO) of N, OpenMetrics on stdout
 *   prom_gen expect HOSTS VMS T0 STEP N         what kvmcap must find in them, one JSON line
 *
 * Only the series kvmcap queries (planner/demand/prom_map.c, doc/prometheus.md), and of those
 * the ones its model needs: per VM libvirt_domain_info_cpu_time_seconds_total,
 * _memory_usage_bytes, _maximum_memory_bytes, _virtual_cpus and libvirt_domain_state_code;
 * per host node_memory_MemTotal_bytes and node_cpu_seconds_total{mode="idle"} per CPU. The
 * interface and block counters are left out (they would double the samples; kvmcap then
 * reports network and disk demand as unknown).
 *
 * The fleet (slot k is time T0 + k STEP, day d = floor(k STEP / 86400)):
 *   host h (HOSTS of them, "h0001" ...; instance "h0001:9177" / "h0001:9100"): 64 CPUs,
 *     384 GiB; each CPU idle (64 - busy) / 64 of the time, busy = the sum of its VMs' load;
 *   VM i of a host (VMS of them, "v0001" ...): 1 vCPU, 6 GiB maximum, running; its balloon
 *     holds 2048 + 512 (i % 5) + 32 d MiB (a step at each day); its CPU load is (i % 4) / 4
 *     of a core, and VM 1's counter restarts from 0 at slot N / 2 (a QEMU restart).
 * `expect` sums exactly the values `om` writes (the same functions), so the figures it gives
 * are what the data holds, not a second model of it.
 *
 * GEN_VERSION names the data: bench/prom_fleet.sh keys its cached TSDB by it (and by the
 * parameters). Change it whenever the output changes.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEN_VERSION "1"
#define HOST_CPUS 64
#define HOST_MEM_MIB (384ull * 1024)
#define VM_MAX_MIB 6144ull
#define MIB (1024ull * 1024)

static unsigned hosts, vms, n_slots;
static uint64_t t0, step;

/* The balloon of VM @i at slot @k, bytes. */
static uint64_t balloon(unsigned i, uint64_t k)
{
    uint64_t day = k * step / 86400;

    return (2048 + 512 * (i % 5) + 32 * day) * MIB;
}

/* CPU load of VM @i in quarter cores. */
static unsigned quarters(unsigned i)
{
    return i % 4;
}

/* VM @i's CPU counter at slot @k, milliseconds (it starts at slot 0 from 0). */
static uint64_t cpu_ms(unsigned i, uint64_t k)
{
    uint64_t since = k;

    if (i == 1 && k >= n_slots / 2)
        since = k - n_slots / 2 + 1;       /* restarted from 0 one step before this slot */
    return since * step * 250 * quarters(i);
}

/* Busy quarter cores of a host. */
static unsigned host_quarters(void)
{
    unsigned q = 0;

    for (unsigned i = 1; i <= vms; i++)
        q += quarters(i);
    return q;
}

/* A host CPU's idle counter at slot @k, milliseconds: (64 - busy) / 64 of each step. Busy is
 * in quarters, so per step and CPU: step * 1000 * (256 - q) / 256 ms, exact in integers
 * because the counter is computed from k, not summed. */
static uint64_t idle_ms(uint64_t k, unsigned q)
{
    return k * step * 1000 * (uint64_t)(4 * HOST_CPUS - q) / (4 * HOST_CPUS);
}

/* --- fast text output --- */
static char buf[1 << 20];
static size_t used;

static void flush(void)
{
    if (used && fwrite(buf, 1, used, stdout) != used) {
        perror("prom_gen: write");
        exit(1);
    }
    used = 0;
}

static void put(const char *s, size_t n)
{
    if (used + n > sizeof(buf))
        flush();
    memcpy(buf + used, s, n);
    used += n;
}

static void puts_(const char *s)
{
    put(s, strlen(s));
}

static void put_u(uint64_t v)
{
    char t[24];
    size_t n = 0;

    do {
        t[sizeof(t) - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(t + sizeof(t) - n, n);
}

/* milliseconds as seconds with three decimals */
static void put_ms(uint64_t ms)
{
    char t[4] = { '.', 0, 0, 0 };

    put_u(ms / 1000);
    t[1] = (char)('0' + ms / 100 % 10);
    t[2] = (char)('0' + ms / 10 % 10);
    t[3] = (char)('0' + ms % 10);
    put(t, 4);
}

/* " TIMESTAMP\n" of slot @k */
static void put_ts(uint64_t k)
{
    put(" ", 1);
    put_u(t0 + k * step);
    put("\n", 1);
}

static void put_idx(const char *prefix, unsigned v)
{
    char t[16];

    snprintf(t, sizeof(t), "%s%04u", prefix, v);
    puts_(t);
}

/* the label set of VM @i on host @h, braces included */
static void vm_labels(unsigned h, unsigned i)
{
    puts_("{domain=\"");
    put_idx("v", i);
    puts_("\",instance=\"");
    put_idx("h", h);
    puts_(":9177\",job=\"kvmcap-bench\"}");
}

enum vm_metric { M_CPU, M_MEM, M_MAX, M_VCPUS, M_STATE, M_LAST };

static const struct {
    const char *family, *type, *sample;
} vm_metrics[M_LAST] = {
    { "libvirt_domain_info_cpu_time_seconds", "counter",
      "libvirt_domain_info_cpu_time_seconds_total" },
    { "libvirt_domain_info_memory_usage_bytes", "gauge", "libvirt_domain_info_memory_usage_bytes" },
    { "libvirt_domain_info_maximum_memory_bytes", "gauge",
      "libvirt_domain_info_maximum_memory_bytes" },
    { "libvirt_domain_info_virtual_cpus", "gauge", "libvirt_domain_info_virtual_cpus" },
    { "libvirt_domain_state_code", "gauge", "libvirt_domain_state_code" },
};

static void om(uint64_t from, uint64_t to)
{
    unsigned q = host_quarters();

    for (int m = 0; m < M_LAST; m++) {
        puts_("# TYPE ");
        puts_(vm_metrics[m].family);
        puts_(" ");
        puts_(vm_metrics[m].type);
        puts_("\n");
        for (unsigned h = 1; h <= hosts; h++) {
            for (unsigned i = 1; i <= vms; i++) {
                for (uint64_t k = from; k < to; k++) {
                    puts_(vm_metrics[m].sample);
                    vm_labels(h, i);
                    put(" ", 1);
                    switch (m) {
                    case M_CPU: put_ms(cpu_ms(i, k)); break;
                    case M_MEM: put_u(balloon(i, k)); break;
                    case M_MAX: put_u(VM_MAX_MIB * MIB); break;
                    case M_VCPUS: put_u(1); break;
                    default: put_u(1); break;       /* 1: running */
                    }
                    put_ts(k);
                }
            }
        }
    }
    puts_("# TYPE node_memory_MemTotal_bytes gauge\n");
    for (unsigned h = 1; h <= hosts; h++) {
        for (uint64_t k = from; k < to; k++) {
            puts_("node_memory_MemTotal_bytes{instance=\"");
            put_idx("h", h);
            puts_(":9100\",job=\"node\"} ");
            put_u(HOST_MEM_MIB * MIB);
            put_ts(k);
        }
    }
    puts_("# TYPE node_cpu_seconds counter\n");
    for (unsigned h = 1; h <= hosts; h++) {
        for (unsigned c = 0; c < HOST_CPUS; c++) {
            for (uint64_t k = from; k < to; k++) {
                char t[16];

                puts_("node_cpu_seconds_total{cpu=\"");
                snprintf(t, sizeof(t), "%u", c);
                puts_(t);
                puts_("\",instance=\"");
                put_idx("h", h);
                puts_(":9100\",job=\"node\",mode=\"idle\"} ");
                put_ms(idle_ms(k, q));
                put_ts(k);
            }
        }
    }
    puts_("# EOF\n");
    flush();
}

/* What the data holds, from the values om() writes. */
static void expect(void)
{
    uint64_t last = n_slots - 1, mem_now = 0, mem_first = 0, mem_max_vm = 0, alloc_mib = 0;
    uint64_t days = last * step / 86400, usable = HOST_MEM_MIB - 512;
    unsigned q = host_quarters();
    uint64_t growth, full;

    for (unsigned i = 1; i <= vms; i++) {
        mem_now += balloon(i, last) / MIB;
        mem_first += balloon(i, 0) / MIB;
        if (balloon(i, last) / MIB > mem_max_vm)
            mem_max_vm = balloon(i, last) / MIB;
        alloc_mib += VM_MAX_MIB;
    }
    growth = days ? (mem_now - mem_first) / days : 0;
    /* the first whole day at which the line reaches the usable memory (512 MiB reserve) */
    full = growth ? (usable - mem_now + growth - 1) / growth : 0;
    printf("{\"generator\": \"prom_gen %s\", \"hosts\": %u, \"vms_per_host\": %u, "
           "\"slots\": %u, \"step_s\": %" PRIu64 ", \"t0\": %" PRIu64 ", \"until\": %" PRIu64
           ", \"series\": %u, \"samples\": %" PRIu64 ", \"host_cpus\": %d, \"host_mem_mib\": %llu, "
           "\"alloc_vcpus\": %u, \"alloc_mem_mib\": %" PRIu64 ", \"host_cpu_cores\": %.2f, "
           "\"vm_cpu_cores\": [%s], \"host_mem_mib_now\": %" PRIu64 ", \"vm_mem_mib_max\": %"
           PRIu64 ", \"mem_growth_mib_per_day\": %" PRIu64 ", \"mem_days_remaining\": %" PRIu64
           ", \"cpu_resets_vm1\": 1}\n",
           GEN_VERSION, hosts, vms, n_slots, step, t0, t0 + last * step,
           hosts * (vms * M_LAST + 1 + HOST_CPUS),
           (uint64_t)hosts * (vms * M_LAST + 1 + HOST_CPUS) * n_slots, HOST_CPUS,
           HOST_MEM_MIB, vms, alloc_mib, q / 4.0, "0, 0.25, 0.5, 0.75", mem_now, mem_max_vm,
           growth, full);
}

static uint64_t num(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);

    if (!*s || *end) {
        fprintf(stderr, "prom_gen: '%s' is not a number\n", s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("prom_gen %s\n", GEN_VERSION);
        return 0;
    }
    if (argc < 7) {
        fprintf(stderr, "usage: prom_gen om HOSTS VMS T0 STEP N FROM TO | "
                "expect HOSTS VMS T0 STEP N | --version\n");
        return 2;
    }
    hosts = (unsigned)num(argv[2]);
    vms = (unsigned)num(argv[3]);
    t0 = num(argv[4]);
    step = num(argv[5]);
    n_slots = (unsigned)num(argv[6]);
    if (!hosts || hosts > 9999 || vms < 2 || vms > 9999 || !step || n_slots < 2) {
        fprintf(stderr, "prom_gen: 1-9999 hosts, 2-9999 VMs, a step and 2 slots or more\n");
        return 2;
    }
    if (strcmp(argv[1], "expect") == 0 && argc == 7) {
        expect();
        return 0;
    }
    if (strcmp(argv[1], "om") == 0 && argc == 9) {
        uint64_t from = num(argv[7]), to = num(argv[8]);

        if (from >= to || to > n_slots) {
            fprintf(stderr, "prom_gen: slots FROM < TO <= N\n");
            return 2;
        }
        om(from, to);
        return 0;
    }
    fprintf(stderr, "prom_gen: unknown command '%s'\n", argv[1]);
    return 2;
}
