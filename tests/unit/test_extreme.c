/* SPDX-License-Identifier: MIT */
/* test_extreme.c: extreme but valid input gives exact answers: a 1 PiB, million-CPU host,
 * the largest host and VM the grammar allows, a million-line workload file. The expected
 * figures are computed here in 128-bit arithmetic from the model's formulas, independently
 * of kvmcap; nothing may wrap, and a million lines must not take quadratic time (each run is
 * killed after a generous bound, so a quadratic loop fails instead of passing slowly). */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUN_SECONDS 120

__extension__ typedef unsigned __int128 u128;

static char tmpdir[] = "/tmp/kvmcap-extreme.XXXXXX";

static void setup(void)
{
    cr_assert(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
}

static void teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        cr_log_warn("could not remove %s", tmpdir);
}

TestSuite(extreme, .init = setup, .fini = teardown, .timeout = 600);

/* Run kvmcap with @argv[1..] and return its stdout parsed as JSON (exit status 0 asserted). */
static cJSON *run_json(const char **argv)
{
    const char *bin = getenv("KVMCAP_BIN");
    char outp[256];
    int status;
    pid_t pid;
    FILE *f;
    char *buf;
    long len;
    cJSON *root;

    cr_assert(bin, "KVMCAP_BIN is not set (run through make check)");
    argv[0] = bin;
    snprintf(outp, sizeof(outp), "%s/out.json", tmpdir);
    fflush(NULL);
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int out = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        if (out < 0)
            _exit(127);
        dup2(out, 1);
        alarm(RUN_SECONDS);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "kvmcap died by signal %d (a hang is killed after %d s)",
              WTERMSIG(status), RUN_SECONDS);
    cr_assert_eq(WEXITSTATUS(status), 0);
    f = fopen(outp, "rb");
    cr_assert(f);
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    rewind(f);
    buf = malloc((size_t)len + 1);
    cr_assert(buf);
    cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    fclose(f);
    root = cJSON_Parse(buf);
    free(buf);
    cr_assert(root, "not JSON");
    return root;
}

/* A JSON integer, read from its exact text would be nicer, but every figure asserted here is
 * below 2^53, where a double is exact. */
static uint64_t num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    cr_assert(cJSON_IsNumber(v), "'%s' is not a number", key);
    cr_assert(v->valuedouble >= 0 && v->valuedouble < 9007199254740992.0);
    return (uint64_t)v->valuedouble;
}

static const cJSON *resource(const cJSON *shape, const char *name)
{
    const cJSON *r;

    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(shape, "resources")) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(r, "name");

        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return r;
    }
    cr_assert_fail("no resource '%s'", name);
    return NULL;
}

static const cJSON *first_shape(const cJSON *root)
{
    const cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "shapes"), 0);

    cr_assert(s);
    return s;
}

/* Memory limit of DESIGN 1.2: (RAM - reserve) x (1 + overcommit) / per VM, floored once. */
static uint64_t mem_limit(uint64_t ram_mib, uint64_t reserve_mib, uint64_t overcommit_bp,
                          uint64_t vm_mib)
{
    u128 cap = (u128)(ram_mib - reserve_mib) * (10000 + overcommit_bp);

    return (uint64_t)(cap / ((u128)vm_mib * 10000));
}

Test(extreme, a_petabyte_million_cpu_host_is_planned_exactly)
{
    const uint64_t ram = UINT64_C(1) << 30;        /* 1 PiB in MiB */
    const uint64_t cpus = 1000000;
    const char *argv[] = { NULL, "--host", "1000000c1024t", "--vm", "1c1g", "--overcommit",
                           "50", "--json", NULL };
    cJSON *root = run_json(argv);
    const cJSON *host = cJSON_GetObjectItemCaseSensitive(root, "host");
    const cJSON *shape = first_shape(root);
    uint64_t want_mem = mem_limit(ram, 512, 5000, 1024), want_cpu = cpus * 4;

    cr_expect_eq(num(host, "cpus"), cpus);
    cr_expect_eq(num(host, "mem_mib"), ram);
    cr_expect_eq(num(resource(shape, "memory"), "limit"), want_mem);    /* 1572863 */
    cr_expect_eq(num(resource(shape, "cpu"), "limit"), want_cpu);
    cr_expect_eq(num(shape, "count"), want_mem < want_cpu ? want_mem : want_cpu);
    cJSON_Delete(root);
}

Test(extreme, the_largest_host_and_smallest_vm_do_not_wrap)
{
    /* 2^32 - 1 CPUs at ratio 1000 and 2^50 MiB (1 ZiB, the grammar's largest) */
    const uint64_t ram = UINT64_C(1) << 50;
    const uint64_t cpus = UINT32_MAX;
    const char *argv[] = { NULL, "--host", "4294967295c1073741824t", "--vm", "1c1m",
                           "--cpu-ratio", "1000", "--json", NULL };
    cJSON *root = run_json(argv);
    const cJSON *shape = first_shape(root);
    uint64_t want_mem = mem_limit(ram, 512, 0, 1), want_cpu = cpus * UINT64_C(1000);

    cr_expect_eq(num(resource(shape, "memory"), "limit"), want_mem);    /* 2^50 - 512 */
    cr_expect_eq(num(resource(shape, "cpu"), "limit"), want_cpu);
    cr_expect_eq(num(shape, "count"), want_mem < want_cpu ? want_mem : want_cpu);
    cJSON_Delete(root);
}

Test(extreme, overcommit_beyond_the_json_range_still_gives_the_exact_cpu_bound)
{
    /* memory capacity x 101 is above 2^56 and beyond JSON's exact range: the count is the
     * CPU bound, exactly */
    const char *argv[] = { NULL, "--host", "4294967295c1073741824t", "--vm", "1c1m",
                           "--cpu-ratio", "1000", "--overcommit", "10000", "--json", NULL };
    cJSON *root = run_json(argv);

    cr_expect_eq(num(first_shape(root), "count"), UINT32_MAX * UINT64_C(1000));
    cJSON_Delete(root);
}

Test(extreme, the_largest_vm_on_the_largest_host_fits_exactly_once)
{
    const char *argv[] = { NULL, "--host", "4294967295c1073741824t", "--vm",
                           "4294967295c1073741823t", "--json", NULL };
    cJSON *root = run_json(argv);
    const cJSON *shape = first_shape(root);

    /* RAM - reserve = 2^50 - 512 MiB holds one VM of 2^50 - 2^20 MiB */
    cr_expect_eq(num(shape, "count"), 1);
    cJSON_Delete(root);
}

/* A workload file of a million lines over four shapes: every count kept, the totals exact,
 * the packing at its proven lower bound, in bounded time (RUN_SECONDS). */
Test(extreme, a_million_line_workload_is_summed_exactly)
{
    static const char *const specs[] = { "1c1g", "2c4g", "4c8g,disk=40g", "1c512m" };
    static const uint64_t vcpus[] = { 1, 2, 4, 1 }, mem[] = { 1024, 4096, 8192, 512 };
    /* under ASan this took minutes while the reader grew its array one line at a time
     * (a copy per line: quadratic, hidden by glibc's realloc); now seconds */
    const size_t lines = 1000000;
    uint64_t per_shape[4] = { 0 }, total = 0, total_vcpu = 0, total_mem = 0;
    char path[256];
    const char *argv[] = { NULL, "size", "--workload", path, "--host", "64c512g", "--json",
                           NULL };
    cJSON *root;
    const cJSON *w, *cand;
    size_t i = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/million.json", tmpdir);
    f = fopen(path, "w");
    cr_assert(f);
    fputs("{\"workload\": [\n", f);
    for (size_t k = 0; k < lines; k++) {
        uint64_t count = 1 + k % 3;

        fprintf(f, "%s{\"name\": \"w%zu\", \"vm\": \"%s\", \"count\": %" PRIu64 "}\n",
                k ? "," : "", k, specs[k % 4], count);
        per_shape[k % 4] += count;
        total += count;
        total_vcpu += count * vcpus[k % 4];
        total_mem += count * mem[k % 4];
    }
    fputs("]}\n", f);
    cr_assert_eq(fclose(f), 0);

    root = run_json(argv);
    cr_expect_eq(num(root, "total_vms"), total);
    cJSON_ArrayForEach(w, cJSON_GetObjectItemCaseSensitive(root, "workload")) {
        size_t s = 0;

        /* lines of one shape are one entry, named after its lines ("w0+w4+... +N more") */
        while (s < 4 && (num(w, "vcpus") != vcpus[s] || num(w, "mem_mib") != mem[s]))
            s++;
        cr_assert(s < 4, "unexpected shape");
        cr_expect_eq(num(w, "count"), per_shape[s], "shape %s", specs[s]);
        i++;
    }
    cr_expect_eq(i, 4, "identical specs are one shape each");
    cand = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "candidates"), 0);
    cr_assert(cand);
    {
        /* a volume bound computed here: no packing needs fewer hosts than this */
        uint64_t mem_hosts = (total_mem + 523776 - 1) / 523776;    /* 512 GiB - reserve */
        uint64_t cpu_hosts = (total_vcpu + 256 - 1) / 256;         /* 64 CPUs x 4.0 */
        uint64_t bound = mem_hosts > cpu_hosts ? mem_hosts : cpu_hosts;

        cr_expect_geq(num(cand, "lower_bound"), bound);
        cr_expect_geq(num(cand, "hosts"), num(cand, "lower_bound"));
        cr_expect_leq(num(cand, "hosts"), bound + 1, "packing far from the volume bound");
    }
    cJSON_Delete(root);
}
