/* SPDX-License-Identifier: MIT */
/* sample_libvirt.c: one child process per connection answers samples of the host's and the
 * domains' counters (virConnectGetAllDomainStats, virNodeGetCPUStats,
 * virNodeGetMemoryStats, KSM) through a pipe. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "facts/sample_libvirt.h"
#include "facts/virt.h"
#include "util/dynlib_virt.h"
#include "util/util.h"

#define SYSTEM_URI "qemu:///system"
#define VMS_MAX 100000u            /* more domains than this in one answer is not a host */

/* What the child writes per answer; the domains follow. */
typedef struct frame {
    int rc;
    kc_error err;
    char hostname[256];
    kc_sample s;               /* s.vms is meaningless in the parent */
} frame;

struct kc_sampler {
    pid_t pid;
    int req;                   /* write end: one byte asks for a sample */
    int ans;                   /* read end of the answers */
    unsigned timeout_s;
    bool stuck;                /* it did not answer in time: kill it at once */
    char uri[256];
};

/* ------------------------------------------------------------------ parsing */

static bool param_u64(const virTypedParameter *p, uint64_t *out)
{
    switch (p->type) {
    case VIR_TYPED_PARAM_INT:
        if (p->value.i < 0)
            return false;
        *out = (uint64_t)p->value.i;
        return true;
    case VIR_TYPED_PARAM_UINT:
        *out = p->value.ui;
        return true;
    case VIR_TYPED_PARAM_LLONG:
        if (p->value.l < 0)
            return false;
        *out = (uint64_t)p->value.l;
        return true;
    case VIR_TYPED_PARAM_ULLONG:
        *out = p->value.ul;
        return true;
    default:
        return false;
    }
}

/* Add @v to the sum *acc (NONE = nothing yet), saturating below NONE. */
static void sum_into(uint64_t *acc, uint64_t v)
{
    uint64_t a = *acc == KC_SAMPLE_NONE ? 0 : *acc;

    if (v >= KC_SAMPLE_NONE)
        v = KC_SAMPLE_NONE - 1;
    *acc = a > KC_SAMPLE_NONE - 1 - v ? KC_SAMPLE_NONE - 1 : a + v;
}

/* "PREFIX.<digits>.SUFFIX": returns the suffix or NULL. */
static const char *indexed(const char *field, const char *prefix)
{
    size_t n = strlen(prefix);
    const char *p;

    if (strncmp(field, prefix, n) != 0 || field[n] < '0' || field[n] > '9')
        return NULL;
    for (p = field + n; *p >= '0' && *p <= '9'; p++)
        ;
    return *p == '.' ? p + 1 : NULL;
}

void kc_sample_vm_from_params(const struct _virTypedParameter *params, int n, kc_sample_vm *vm)
{
    uint64_t vcpu_max = KC_SAMPLE_NONE, vcpu_cur = KC_SAMPLE_NONE;
    uint64_t *const counters[] = { &vm->mem_kib, &vm->cpu_time_ns, &vm->vcpu_time_ns,
                                   &vm->vcpu_delay_ns, &vm->balloon_current_kib, &vm->rss_kib,
                                   &vm->usable_kib, &vm->available_kib, &vm->net_rx_bytes,
                                   &vm->net_tx_bytes, &vm->rd_reqs, &vm->wr_reqs,
                                   &vm->rd_bytes, &vm->wr_bytes };

    for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
        *counters[i] = KC_SAMPLE_NONE;
    vm->state = KC_DOM_NOSTATE;
    for (int i = 0; i < n; i++) {
        const virTypedParameter *p = &params[i];
        const char *f = p->field, *suf;
        uint64_t v;

        if (!param_u64(p, &v))
            continue;
        if (strcmp(f, "state.state") == 0)
            vm->state = v < KC_DOM_STATE_LAST ? (kc_dom_state)v : KC_DOM_NOSTATE;
        else if (strcmp(f, "cpu.time") == 0)
            vm->cpu_time_ns = v;
        else if (strcmp(f, "vcpu.current") == 0)
            vcpu_cur = v;
        else if (strcmp(f, "vcpu.maximum") == 0)
            vcpu_max = v;
        else if (strcmp(f, "balloon.current") == 0)
            vm->balloon_current_kib = v;
        else if (strcmp(f, "balloon.maximum") == 0)
            vm->mem_kib = v;
        else if (strcmp(f, "balloon.rss") == 0)
            vm->rss_kib = v;
        else if (strcmp(f, "balloon.usable") == 0)
            vm->usable_kib = v;
        else if (strcmp(f, "balloon.available") == 0)
            vm->available_kib = v;
        else if ((suf = indexed(f, "vcpu."))) {
            if (strcmp(suf, "time") == 0)
                sum_into(&vm->vcpu_time_ns, v);
            else if (strcmp(suf, "delay") == 0)
                sum_into(&vm->vcpu_delay_ns, v);
        } else if ((suf = indexed(f, "net."))) {
            if (strcmp(suf, "rx.bytes") == 0)
                sum_into(&vm->net_rx_bytes, v);
            else if (strcmp(suf, "tx.bytes") == 0)
                sum_into(&vm->net_tx_bytes, v);
        } else if ((suf = indexed(f, "block."))) {
            if (strcmp(suf, "rd.reqs") == 0)
                sum_into(&vm->rd_reqs, v);
            else if (strcmp(suf, "wr.reqs") == 0)
                sum_into(&vm->wr_reqs, v);
            else if (strcmp(suf, "rd.bytes") == 0)
                sum_into(&vm->rd_bytes, v);
            else if (strcmp(suf, "wr.bytes") == 0)
                sum_into(&vm->wr_bytes, v);
        }
    }
    if (vcpu_cur != KC_SAMPLE_NONE && vcpu_cur <= UINT32_MAX)
        vm->vcpus = (uint32_t)vcpu_cur;
    else if (vcpu_max != KC_SAMPLE_NONE && vcpu_max <= UINT32_MAX)
        vm->vcpus = (uint32_t)vcpu_max;
}

void kc_sample_clear(kc_sample *s)
{
    if (!s)
        return;
    free(s->vms);
    memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------------ child side */

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_vm(const void *a, const void *b)
{
    return strcmp(((const kc_sample_vm *)a)->name, ((const kc_sample_vm *)b)->name);
}

static void host_cpu(virConnectPtr conn, kc_sample *s)
{
    virNodeCPUStatsPtr st = NULL;
    int n = 0;

    s->cpu_user_ns = s->cpu_system_ns = s->cpu_idle_ns = s->cpu_iowait_ns = KC_SAMPLE_NONE;
    if (virNodeGetCPUStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, NULL, &n, 0) < 0 || n <= 0 ||
        n > 64)
        return;
    st = kc_xcalloc((size_t)n, sizeof(*st));
    if (virNodeGetCPUStats(conn, VIR_NODE_CPU_STATS_ALL_CPUS, st, &n, 0) == 0)
        for (int i = 0; i < n; i++) {
            if (strcmp(st[i].field, VIR_NODE_CPU_STATS_USER) == 0)
                s->cpu_user_ns = st[i].value;
            else if (strcmp(st[i].field, VIR_NODE_CPU_STATS_KERNEL) == 0)
                s->cpu_system_ns = st[i].value;
            else if (strcmp(st[i].field, VIR_NODE_CPU_STATS_IDLE) == 0)
                s->cpu_idle_ns = st[i].value;
            else if (strcmp(st[i].field, VIR_NODE_CPU_STATS_IOWAIT) == 0)
                s->cpu_iowait_ns = st[i].value;
        }
    free(st);
}

static void host_memory(virConnectPtr conn, kc_sample *s)
{
    virNodeMemoryStatsPtr st = NULL;
    int n = 0;

    s->mem_total_kib = s->mem_free_kib = s->mem_buffers_kib = s->mem_cached_kib = KC_SAMPLE_NONE;
    if (virNodeGetMemoryStats(conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL, &n, 0) < 0 ||
        n <= 0 || n > 64)
        return;
    st = kc_xcalloc((size_t)n, sizeof(*st));
    if (virNodeGetMemoryStats(conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, st, &n, 0) == 0)
        for (int i = 0; i < n; i++) {
            if (strcmp(st[i].field, VIR_NODE_MEMORY_STATS_TOTAL) == 0)
                s->mem_total_kib = st[i].value;
            else if (strcmp(st[i].field, VIR_NODE_MEMORY_STATS_FREE) == 0)
                s->mem_free_kib = st[i].value;
            else if (strcmp(st[i].field, VIR_NODE_MEMORY_STATS_BUFFERS) == 0)
                s->mem_buffers_kib = st[i].value;
            else if (strcmp(st[i].field, VIR_NODE_MEMORY_STATS_CACHED) == 0)
                s->mem_cached_kib = st[i].value;
        }
    free(st);
}

/* KSM's shared pages, from this machine's /sys (only for a URI without a host part). */
static void host_ksm(const char *root, kc_sample *s)
{
    char path[4096], buf[64];
    unsigned long long v;
    long page = sysconf(_SC_PAGESIZE);
    FILE *f;
    char *end;

    s->ksm_pages_sharing = s->page_kib = KC_SAMPLE_NONE;
    if (!root)
        return;
    snprintf(path, sizeof(path), "%s/sys/kernel/mm/ksm/pages_sharing",
             strcmp(root, "/") == 0 ? "" : root);
    if (!(f = fopen(path, "r")))
        return;
    if (fgets(buf, sizeof(buf), f)) {
        errno = 0;
        v = strtoull(buf, &end, 10);
        if (errno == 0 && end != buf && (*end == '\n' || *end == '\0') && page > 0) {
            s->ksm_pages_sharing = v;
            s->page_kib = (uint64_t)page / 1024;
        }
    }
    fclose(f);
}

/* One sample; -1 with @err when libvirt failed (the connection is likely gone). */
static int take(virConnectPtr conn, const char *root, kc_sample *s, kc_error *err)
{
    unsigned int groups = VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL |
                          VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU |
                          VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK;
    virDomainStatsRecordPtr *recs = NULL;
    uint64_t t0;
    char msg[200];
    int n;

    memset(s, 0, sizeof(*s));
    s->wall_ns = clock_ns(CLOCK_REALTIME);
    t0 = clock_ns(CLOCK_MONOTONIC);
    /* flags 0: every domain, running or not; groups the driver lacks are left out */
    n = virConnectGetAllDomainStats(conn, groups, &recs, 0);
    /* the counters were read somewhere during the call, which a loaded host can stretch to
     * seconds: its midpoint is the reading's time, within half the call */
    s->mono_ns = t0 + (clock_ns(CLOCK_MONOTONIC) - t0) / 2;
    if (n < 0)
        return kc_error_set(err, KC_ERR_HOST, "cannot read domain statistics: %s",
                            kc_virt_msg(msg, sizeof(msg)));
    if ((unsigned)n > VMS_MAX) {
        virDomainStatsRecordListFree(recs);
        return kc_error_set(err, KC_ERR_HOST, "the host lists %d domains (at most %u)", n,
                            VMS_MAX);
    }
    s->vms = kc_xcalloc(n ? (size_t)n : 1, sizeof(*s->vms));
    for (int i = 0; i < n; i++) {
        kc_sample_vm *vm = &s->vms[s->n_vms];
        const char *name = virDomainGetName(recs[i]->dom);
        unsigned int id = virDomainGetID(recs[i]->dom);

        kc_sample_vm_from_params(recs[i]->params, recs[i]->nparams, vm);
        kc_strlcpy(vm->name, name ? name : "?", sizeof(vm->name));
        if (virDomainGetUUIDString(recs[i]->dom, vm->uuid) < 0)
            continue;
        vm->dom_id = id == (unsigned int)-1 ? -1 : (int64_t)id;
        s->n_vms++;
    }
    virDomainStatsRecordListFree(recs);
    if (s->n_vms > 1)
        qsort(s->vms, s->n_vms, sizeof(*s->vms), cmp_vm);
    host_cpu(conn, s);
    host_memory(conn, s);
    host_ksm(root, s);
    s->took_ns = clock_ns(CLOCK_MONOTONIC) - t0;
    return 0;
}

/* Whether @uri names this machine (no host part); the test driver's host is imaginary. */
static const char *local_root(const char *uri, const char *sysroot)
{
    const char *p = strstr(uri, "://");

    if (!p || p[3] != '/')
        return NULL;
    if (strncmp(uri, "test", 4) == 0)
        return sysroot;
    return sysroot ? sysroot : "/";
}

static void send_frame(int fd, frame *f, const kc_sample *s)
{
    if (s)
        f->s = *s;
    if (kc_write_all(fd, f, sizeof(*f)) < 0 ||
        (s && kc_write_all(fd, s->vms, s->n_vms * sizeof(*s->vms)) < 0))
        _exit(1);
}

static void child_main(int req, int ans, const char *uri, const char *sysroot)
{
    frame *f = kc_xcalloc(1, sizeof(*f));
    virConnectPtr conn = NULL;
    int devnull = open("/dev/null", O_RDWR);
    const char *root = local_root(uri, sysroot);
    char msg[200], *host;

    /* the recorder finishes its sample on SIGINT/SIGTERM; the child leaves at end of file */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        dup2(devnull, STDOUT_FILENO);
        dup2(devnull, STDERR_FILENO);
        close(devnull);
    }
    f->rc = -1;
    if (kc_virt_start(&f->err) < 0) {
        send_frame(ans, f, NULL);
        _exit(0);
    }
    conn = virConnectOpenReadOnly(uri);
    if (!conn) {
        kc_error_set(&f->err, KC_ERR_HOST, "cannot connect to '%s': %s", uri,
                     kc_virt_msg(msg, sizeof(msg)));
        send_frame(ans, f, NULL);
        _exit(0);
    }
    (void)virConnectSetKeepAlive(conn, 1, 2);
    if ((host = virConnectGetHostname(conn))) {
        kc_strlcpy(f->hostname, host, sizeof(f->hostname));
        free(host);
    }
    f->rc = 0;
    send_frame(ans, f, NULL);
    for (;;) {
        kc_sample s;
        char c;
        ssize_t r = read(req, &c, 1);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;            /* the recorder is gone or done */
        memset(f, 0, sizeof(*f));
        f->rc = take(conn, root, &s, &f->err);
        send_frame(ans, f, f->rc == 0 ? &s : NULL);
        kc_sample_clear(&s);
        if (f->rc < 0)
            break;
    }
    virConnectClose(conn);
    _exit(0);
}

/* ------------------------------------------------------------------ parent side */

/* Read @len bytes by @deadline (monotonic ms): 0, or -1 (1 on expiry, 2 on end of file). */
static int read_by(int fd, void *buf, size_t len, int64_t deadline, int *why)
{
    char *p = buf;

    while (len) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int64_t left = deadline - kc_now_ms();
        ssize_t got;
        int r;

        if (left <= 0) {
            *why = 1;
            return -1;
        }
        r = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *why = 3;
            return -1;
        }
        if (r == 0)
            continue;
        got = read(fd, p, len);
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (got <= 0) {
            *why = 2;
            return -1;
        }
        p += got;
        len -= (size_t)got;
    }
    return 0;
}

static int read_error(kc_sampler *s, int why, kc_error *err)
{
    s->stuck = true;
    if (why == 1)
        return kc_error_set(err, KC_ERR_HOST, "'%s' did not answer within %u s", s->uri,
                            s->timeout_s);
    return kc_error_set(err, KC_ERR_HOST, "sampling '%s' failed (the sampler ended)", s->uri);
}

kc_sampler *kc_sampler_start(const char *uri, const char *sysroot, unsigned timeout_s,
                             char *hostname, size_t hostname_size, kc_error *err)
{
    kc_sampler *s;
    int req[2], ans[2], why = 0;
    frame f;
    pid_t pid;

    if (!uri || !uri[0]) {
        const char *env = getenv("LIBVIRT_DEFAULT_URI");

        uri = env && env[0] ? env : SYSTEM_URI;
    }
    /* here, before the fork: the child must not dlopen (util/dynlib.h) */
    if (kc_dynlib_load(KC_DYNLIB_VIRT, err) < 0)
        return NULL;
    if (pipe(req) < 0) {
        kc_error_set(err, KC_ERR_HOST, "cannot create a pipe: %s", strerror(errno));
        return NULL;
    }
    if (pipe(ans) < 0) {
        close(req[0]);
        close(req[1]);
        kc_error_set(err, KC_ERR_HOST, "cannot create a pipe: %s", strerror(errno));
        return NULL;
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        close(req[0]), close(req[1]), close(ans[0]), close(ans[1]);
        kc_error_set(err, KC_ERR_HOST, "cannot fork: %s", strerror(errno));
        return NULL;
    }
    if (pid == 0) {
        close(req[1]);
        close(ans[0]);
        child_main(req[0], ans[1], uri, sysroot);
    }
    close(req[0]);
    close(ans[1]);
    (void)fcntl(req[1], F_SETFD, FD_CLOEXEC);
    (void)fcntl(ans[0], F_SETFD, FD_CLOEXEC);
    s = kc_xcalloc(1, sizeof(*s));
    s->pid = pid;
    s->req = req[1];
    s->ans = ans[0];
    s->timeout_s = timeout_s ? timeout_s : 10;
    kc_strlcpy(s->uri, uri, sizeof(s->uri));
    if (read_by(s->ans, &f, sizeof(f), kc_now_ms() + (int64_t)s->timeout_s * 1000, &why) < 0) {
        read_error(s, why, err);
        kc_sampler_stop(s);
        return NULL;
    }
    if (f.rc < 0) {
        *err = f.err;
        kc_sampler_stop(s);
        return NULL;
    }
    if (hostname)
        kc_strlcpy(hostname, f.hostname, hostname_size);
    return s;
}

int kc_sampler_take(kc_sampler *s, kc_sample *out, kc_error *err)
{
    int64_t deadline = kc_now_ms() + (int64_t)s->timeout_s * 1000;
    int why = 0;
    frame f;
    char c = 's';

    kc_sample_clear(out);
    if (kc_write_all(s->req, &c, 1) < 0)
        return read_error(s, 2, err);
    if (read_by(s->ans, &f, sizeof(f), deadline, &why) < 0)
        return read_error(s, why, err);
    if (f.rc < 0) {
        *err = f.err;
        return -1;
    }
    if (f.s.n_vms > VMS_MAX)
        return kc_error_set(err, KC_ERR_INTERNAL, "the sampler sent %zu domains", f.s.n_vms);
    *out = f.s;
    out->vms = kc_xcalloc(f.s.n_vms ? f.s.n_vms : 1, sizeof(*out->vms));
    if (read_by(s->ans, out->vms, f.s.n_vms * sizeof(*out->vms), deadline, &why) < 0) {
        kc_sample_clear(out);
        return read_error(s, why, err);
    }
    for (size_t i = 0; i < out->n_vms; i++) {
        out->vms[i].name[sizeof(out->vms[i].name) - 1] = '\0';
        out->vms[i].uuid[sizeof(out->vms[i].uuid) - 1] = '\0';
    }
    return 0;
}

void kc_sampler_stop(kc_sampler *s)
{
    int status;

    if (!s)
        return;
    close(s->req);        /* the child leaves at end of file ... */
    close(s->ans);
    /* ... unless it is stuck in libvirt: a stuck child is killed */
    for (int i = 0; i < 50 && !s->stuck; i++) {
        pid_t r = waitpid(s->pid, &status, WNOHANG);

        if (r == s->pid || (r < 0 && errno != EINTR))
            goto done;
        {
            struct timespec ts = { 0, 10000000 };

            nanosleep(&ts, NULL);
        }
    }
    kill(s->pid, SIGKILL);
    while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
        ;
 done:
    free(s);
}
