/* SPDX-License-Identifier: MIT */
/* helpers.c: shared test fixtures, a PRNG, asserts that print values, and the golden CLI
 * case runner. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* ---- values for the comparison asserts (helpers.h) ---- */

kc_test_val kc_test_val_i(const void *p, size_t size)
{
    kc_test_val out;
    long long v = 0;

    if (size == sizeof(signed char)) {
        signed char x;
        memcpy(&x, p, sizeof(x));
        v = x;
    } else if (size == sizeof(short)) {
        short x;
        memcpy(&x, p, sizeof(x));
        v = x;
    } else if (size == sizeof(int)) {
        int x;
        memcpy(&x, p, sizeof(x));
        v = x;
    } else {
        memcpy(&v, p, size < sizeof(v) ? size : sizeof(v));
    }
    snprintf(out.s, sizeof(out.s), "%lld", v);
    return out;
}

kc_test_val kc_test_val_u(const void *p, size_t size)
{
    kc_test_val out;
    unsigned long long v = 0;

    if (size == sizeof(unsigned char)) {
        unsigned char x;
        memcpy(&x, p, sizeof(x));
        v = x;
    } else if (size == sizeof(unsigned short)) {
        unsigned short x;
        memcpy(&x, p, sizeof(x));
        v = x;
    } else if (size == sizeof(unsigned)) {
        unsigned x;
        memcpy(&x, p, sizeof(x));
        v = x;
    } else {
        memcpy(&v, p, size < sizeof(v) ? size : sizeof(v));
    }
    snprintf(out.s, sizeof(out.s), "%llu", v);
    return out;
}

kc_test_val kc_test_val_f(const void *p, size_t size)
{
    kc_test_val out;
    long double v;

    if (size == sizeof(float)) {
        float x;
        memcpy(&x, p, sizeof(x));
        v = x;
    } else if (size == sizeof(double)) {
        double x;
        memcpy(&x, p, sizeof(x));
        v = x;
    } else {
        memcpy(&v, p, sizeof(v));
    }
    snprintf(out.s, sizeof(out.s), "%.17Lg", v);
    return out;
}

kc_test_val kc_test_val_b(const void *p, size_t size)
{
    kc_test_val out;
    bool v;

    (void)size;
    memcpy(&v, p, sizeof(v));
    snprintf(out.s, sizeof(out.s), "%s", v ? "true" : "false");
    return out;
}

/* Pointers of any kind (object or function) by their bits; other values as hex bytes. */
kc_test_val kc_test_val_p(const void *p, size_t size)
{
    kc_test_val out;
    const unsigned char *b = p;
    uintptr_t v = 0;

    if (size == sizeof(v)) {
        memcpy(&v, p, sizeof(v));
        if (v)
            snprintf(out.s, sizeof(out.s), "0x%" PRIxPTR, v);
        else
            snprintf(out.s, sizeof(out.s), "NULL");
        return out;
    }
    out.s[0] = '\0';
    for (size_t i = 0; i < size && 2 * i + 3 < sizeof(out.s); i++)
        snprintf(out.s + 2 * i, sizeof(out.s) - 2 * i, "%02x", b[i]);
    return out;
}

void kc_test_fail(const char *file, int line, const char *expr, const char *op, const char *a,
                  const char *e, const char *fmt, ...)
{
    struct criterion_assert_stats stat;
    char user[1024];
    char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(user, sizeof(user), fmt, ap);
    va_end(ap);
    cr_asprintf(&msg, "%s%s%s is false: %s %s %s", user + 1, user[1] ? ": " : "", expr, a, op, e);
    memset(&stat, 0, sizeof(stat));
    stat.passed = false;
    stat.file = file;
    stat.line = (unsigned)line;
    stat.message = msg ? msg : expr;
    criterion_send_assert(&stat);
    cr_asprintf_free(msg);
}

/* "text" quoted, control bytes as '?', cut with "..." after 56 characters. */
kc_test_val kc_test_val_s(const char *v)
{
    kc_test_val out;
    size_t n = 0, max = sizeof(out.s) - 6;

    if (!v) {
        snprintf(out.s, sizeof(out.s), "NULL");
        return out;
    }
    out.s[n++] = '"';
    for (; *v && n < max; v++)
        out.s[n++] = ((unsigned char)*v < 0x20 || *v == 0x7f) ? '?' : *v;
    if (*v) {
        memcpy(out.s + n, "...", 3);
        n += 3;
    }
    out.s[n++] = '"';
    out.s[n] = '\0';
    return out;
}

/* ---- the golden CLI case runner ---- */

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
    cr_assert_eq(fwrite(data, 1, len, f), len, "writing %s", path);
    cr_assert_eq(fclose(f), 0, "closing %s", path);
}

/* mkdir -p @path (of at most 511 bytes). */
static void make_dirs(const char *path)
{
    char buf[512];

    cr_assert_lt(strlen(path), sizeof(buf), "path too long: %s", path);
    strcpy(buf, path);
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;

            *p = '\0';
            cr_assert(mkdir(buf, 0755) == 0 || errno == EEXIST, "cannot create %s: %s", buf,
                      strerror(errno));
            *p = c;
            if (!c)
                break;
        }
    }
}

/* Up to DIFF_MAX bytes of `diff -u @want @got` (paths without quotes: case names are
 * checked to be [A-Za-z0-9._-]). The caller frees. */
#define DIFF_MAX 8192
static char *unified_diff(const char *want, const char *got, const char *label)
{
    char cmd[1600], *out = calloc(1, DIFF_MAX + 64);
    size_t n = 0, r;
    FILE *p;

    cr_assert(out);
    snprintf(cmd, sizeof(cmd), "diff -u --label 'expected %s' --label 'actual %s' '%s' '%s' 2>&1",
             label, label, want, got);
    p = popen(cmd, "r");
    if (!p) {
        snprintf(out, DIFF_MAX, "(cannot run diff: %s)", strerror(errno));
        return out;
    }
    while (n < DIFF_MAX && (r = fread(out + n, 1, DIFF_MAX - n, p)) > 0)
        n += r;
    if (n == DIFF_MAX) {
        char sink[4096];

        while (fread(sink, 1, sizeof(sink), p) > 0)
            ;
        strcpy(out + n, "\n... (diff cut)");
    }
    pclose(p);
    while (n > 0 && out[n - 1] == '\n')
        out[--n] = '\0';
    return out;
}

/* The first repeated key under @node (an object or array at @path), into @out. */
static bool repeated_in(const cJSON *node, const char *path, char *out, size_t size)
{
    size_t i = 0;

    for (const cJSON *c = node->child; c; c = c->next, i++) {
        char sub[512];

        if (cJSON_IsObject(node)) {
            for (const cJSON *d = node->child; d != c; d = d->next)
                if (c->string && d->string && strcmp(c->string, d->string) == 0) {
                    snprintf(out, size, "%s: '%s'", *path ? path : "(top)", c->string);
                    return true;
                }
            snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "",
                     c->string ? c->string : "?");
        } else {
            snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
        }
        if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && repeated_in(c, sub, out, size))
            return true;
    }
    return false;
}

bool kc_json_repeated_key(const char *text, char *out, size_t size)
{
    const char *p = text;
    cJSON *root;
    bool found = false;

    out[0] = '\0';
    while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
        p++;
    if (*p != '{' && *p != '[')
        return false;
    root = cJSON_ParseWithOpts(p, NULL, true);
    if (root)
        found = repeated_in(root, "", out, size);
    cJSON_Delete(root);
    return found;
}

/* Compare one stream of case @name with what kvmcap wrote; false (and a diff) if it differs. */
static bool same_stream(const char *name, const char *dir, const char *act, const char *kind,
                        const char *got)
{
    char want_path[600], got_path[600], *want, *diff;
    size_t len;
    bool same;

    snprintf(want_path, sizeof(want_path), "%s/%s", dir, kind);
    snprintf(got_path, sizeof(got_path), "%s/%s", act, kind);
    want = slurp(want_path, &len);
    cr_assert(want, "%s: missing %s (KVMCAP_REGENERATE=1 make check writes it)", name,
              want_path);
    same = strcmp(want, got) == 0;
    if (!same) {
        diff = unified_diff(want_path, got_path, kind);
        cr_expect(same, "%s: %s differs (kvmcap's output is in %s):\n%s", name, kind, got_path,
                  diff);
        free(diff);
    }
    free(want);
    return same;
}

void kc_expect_cli(const char *name)
{
    const char *bin = getenv("KVMCAP_BIN");
    const char *act_root = getenv("KVMCAP_ACTUAL_DIR");
    bool regen = getenv("KVMCAP_REGENERATE") && strcmp(getenv("KVMCAP_REGENERATE"), "1") == 0;
    char dir[512], act[512], path[600], outp[600], errp[600], stp[600];
    char *args, *argv[64];
    size_t len, argc = 0;
    int status;
    pid_t pid;
    bool ok = true;

    cr_assert(bin, "KVMCAP_BIN is not set (run through make check)");
    cr_assert(name[0] && strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789._-") == strlen(name),
              "tests/cli/%s: a case name holds only letters, digits, '.', '_' and '-'", name);
    snprintf(dir, sizeof(dir), "tests/cli/%s", name);
    snprintf(act, sizeof(act), "%s/%s", act_root && *act_root ? act_root : "build/cli-actual",
             name);
    make_dirs(act);
    snprintf(path, sizeof(path), "%s/args", dir);
    args = slurp(path, &len);
    cr_assert(args, "missing %s", path);
    argv[argc++] = (char *)bin;
    for (char *line = strtok(args, "\n"); line; line = strtok(NULL, "\n")) {
        cr_assert_lt(argc, 63, "too many args in %s", path);
        argv[argc++] = line;
    }
    argv[argc] = NULL;

    snprintf(outp, sizeof(outp), "%s/stdout", act);
    snprintf(errp, sizeof(errp), "%s/stderr", act);
    snprintf(stp, sizeof(stp), "%s/status", act);
    fflush(NULL);    /* or buffered output is printed twice after fork */
    pid = fork();
    cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
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
    cr_assert(WIFEXITED(status), "%s: kvmcap died by signal %d (its output is in %s)", name,
              WIFSIGNALED(status) ? WTERMSIG(status) : 0, act);

    {
        char st[32], *got_out, *got_err, key[600];
        size_t out_len, err_len;

        snprintf(st, sizeof(st), "%d\n", WEXITSTATUS(status));
        spit(stp, st, strlen(st));
        got_out = slurp(outp, &out_len);
        got_err = slurp(errp, &err_len);
        cr_assert(got_out && got_err, "%s: cannot read back %s", name, act);
        if (regen) {
            snprintf(path, sizeof(path), "%s/status", dir);
            spit(path, st, strlen(st));
            snprintf(path, sizeof(path), "%s/stdout", dir);
            spit(path, got_out, out_len);
            snprintf(path, sizeof(path), "%s/stderr", dir);
            spit(path, got_err, err_len);
        }
        ok = same_stream(name, dir, act, "status", st) && ok;
        ok = same_stream(name, dir, act, "stdout", got_out) && ok;
        ok = same_stream(name, dir, act, "stderr", got_err) && ok;
        if (kc_json_repeated_key(got_out, key, sizeof(key))) {
            cr_expect(false, "%s: stdout is JSON with a repeated key in one object: %s", name,
                      key);
            ok = false;
        }
        free(got_out);
        free(got_err);
    }
    if (ok) {
        /* what passed leaves nothing behind; a failure keeps all three streams */
        unlink(outp);
        unlink(errp);
        unlink(stp);
        rmdir(act);
    }
    free(args);
}

void kc_test_recording_new(kc_test_recording *r, const char *tag)
{
    snprintf(r->dir, sizeof(r->dir), "/tmp/kvmcap-%.20s-XXXXXX", tag);
    cr_assert_not_null(mkdtemp(r->dir), "mkdtemp %s", r->dir);
    snprintf(r->path, sizeof(r->path), "%s/rec.db", r->dir);
}

void kc_test_recording_remove(const kc_test_recording *r)
{
    char cmd[128];

    if (!r->dir[0] || strncmp(r->dir, "/tmp/kvmcap-", 12) != 0)
        return;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
    cr_expect_eq(system(cmd), 0);
}

kc_store *kc_test_recording_begin(const char *path, const char *uri, const char *hostname,
                                  uint32_t interval_ms, uint64_t t0_ns, const char *facts)
{
    kc_error err = { 0 };
    kc_store *st = kc_store_open(path, true, &err);

    cr_assert_not_null(st, "%s", err.msg);
    cr_assert_eq(kc_store_begin_run(st, uri, hostname, interval_ms, t0_ns, facts, "0.1.0", &err),
                 0, "%s", err.msg);
    return st;
}

void kc_test_recording_add(kc_store *st, const kc_sample *s, bool fresh)
{
    kc_error err = { 0 };

    cr_assert_eq(kc_store_add_sample(st, s, fresh, &err), 0, "%s", err.msg);
}

void kc_test_recording_end(kc_store *st, uint64_t ended_ns)
{
    kc_error err = { 0 };

    cr_assert_eq(kc_store_end_run(st, ended_ns, &err), 0, "%s", err.msg);
    cr_assert_eq(kc_store_close(st, &err), 0, "%s", err.msg);
}
