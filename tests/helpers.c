/* SPDX-License-Identifier: MIT */
/* helpers.c: shared test fixtures, a PRNG, and the golden CLI case runner. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

kc_host kc_test_host(uint32_t cpus, uint64_t mem_mib)
{
    kc_host host;

    kc_host_init(&host);
    host.cpus = cpus;
    host.mem_mib = mem_mib;
    return host;
}

kc_policy kc_test_policy(void)
{
    kc_policy policy;

    kc_policy_init(&policy);
    return policy;
}

uint64_t kc_test_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t kc_test_range(uint64_t *state, uint64_t lo, uint64_t hi)
{
    uint64_t r = kc_test_rand(state);
    uint64_t span = hi - lo;

    switch (r % 8) {
    case 0:
        return lo;
    case 1:
        return hi;
    case 2: {
        /* a small magnitude: uniform below 2^k for a random k */
        unsigned k = (unsigned)(kc_test_rand(state) % 64);
        uint64_t mask = k >= 63 ? UINT64_MAX : ((1ull << (k + 1)) - 1);
        uint64_t v = kc_test_rand(state) & mask;

        return span == UINT64_MAX ? lo + v : lo + v % (span + 1);
    }
    default:
        return span == UINT64_MAX ? kc_test_rand(state) : lo + kc_test_rand(state) % (span + 1);
    }
}

/* Read a whole file; NULL if it does not exist. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (!f)
        return NULL;
    do {
        if (n + 4096 + 1 > cap) {
            cap = (cap + 4096 + 1) * 2;
            buf = realloc(buf, cap);
            cr_assert(buf);
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void spit(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    cr_assert(f, "cannot write %s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(data, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}

void kc_expect_cli(const char *name)
{
    const char *bin = getenv("KVMCAP_BIN");
    bool regen = getenv("KVMCAP_REGENERATE") && strcmp(getenv("KVMCAP_REGENERATE"), "1") == 0;
    char dir[512], path[600], outp[600], errp[600];
    char *args, *argv[64];
    size_t len, argc = 0;
    int status;
    pid_t pid;

    cr_assert(bin, "KVMCAP_BIN is not set (run through make check)");
    snprintf(dir, sizeof(dir), "tests/cli/%s", name);
    snprintf(path, sizeof(path), "%s/args", dir);
    args = slurp(path, &len);
    cr_assert(args, "missing %s", path);
    argv[argc++] = (char *)bin;
    for (char *line = strtok(args, "\n"); line; line = strtok(NULL, "\n")) {
        cr_assert(argc < 63, "too many args in %s", path);
        argv[argc++] = line;
    }
    argv[argc] = NULL;

    snprintf(outp, sizeof(outp), "%s/.stdout.actual", dir);
    snprintf(errp, sizeof(errp), "%s/.stderr.actual", dir);
    fflush(NULL);    /* or buffered output is printed twice after fork */
    pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        char inp[600];
        int in, out, errfd;

        snprintf(inp, sizeof(inp), "%s/stdin", dir);
        in = open(inp, O_RDONLY);
        if (in < 0)
            in = open("/dev/null", O_RDONLY);
        out = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        errfd = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || errfd < 0)
            _exit(127);
        dup2(in, 0);
        dup2(out, 1);
        dup2(errfd, 2);
        setenv("LC_ALL", "C", 1);
        setenv("TZ", "UTC", 1);
        setenv("NO_COLOR", "1", 1);
        setenv("KVMCAP_CONFIG_DIRS", "", 1);    /* no policy file but the case's own */
        unsetenv("LIBVIRT_DEFAULT_URI");
        execv(bin, argv);
        _exit(127);
    }
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status), "%s: kvmcap died by a signal", name);

    {
        char st[32], *got_out, *got_err, *want;
        size_t out_len, err_len, want_len;
        const char *kinds[2] = { "stdout", "stderr" };

        snprintf(st, sizeof(st), "%d\n", WEXITSTATUS(status));
        got_out = slurp(outp, &out_len);
        got_err = slurp(errp, &err_len);
        cr_assert(got_out && got_err);
        if (regen) {
            snprintf(path, sizeof(path), "%s/status", dir);
            spit(path, st, strlen(st));
            snprintf(path, sizeof(path), "%s/stdout", dir);
            spit(path, got_out, out_len);
            snprintf(path, sizeof(path), "%s/stderr", dir);
            spit(path, got_err, err_len);
        }
        snprintf(path, sizeof(path), "%s/status", dir);
        want = slurp(path, &want_len);
        cr_assert(want, "missing %s (KVMCAP_REGENERATE=1 make check writes it)", path);
        cr_expect_str_eq(st, want, "%s: exit status", name);
        free(want);
        for (int k = 0; k < 2; k++) {
            char *got = k == 0 ? got_out : got_err;

            snprintf(path, sizeof(path), "%s/%s", dir, kinds[k]);
            want = slurp(path, &want_len);
            cr_assert(want, "missing %s", path);
            cr_expect_str_eq(got, want, "%s: %s differs", name, kinds[k]);
            free(want);
        }
        free(got_out);
        free(got_err);
    }
    unlink(outp);
    unlink(errp);
    free(args);
}
