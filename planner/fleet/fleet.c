/* SPDX-License-Identifier: MIT */
/* fleet.c: many hosts through libvirt's remote URIs, collected in parallel, and planned. */
#define _XOPEN_SOURCE 700      /* mkstemp(), fsync() */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "facts/facts_json.h"
#include "facts/facts_libvirt.h"
#include "fleet/fleet.h"
#include "input/facts_host.h"
#include "util/util.h"

/*
 * Why a pool of children driven by poll(): kc_libvirt_collect() already runs each
 * collection in a forked child under a deadline (a peer that accepts and never answers
 * makes libvirt's connect hang forever). The fleet starts up to --parallel of those
 * children and waits on their pipes from this one thread: no threads and no shared state
 * in this process, each host bounded by its own deadline, and a dead host costs one slot
 * for at most the timeout.
 */

static bool scheme_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '-' || c == '.';
}

int kc_fleet_check_uri(const char *uri, kc_error *err)
{
    size_t i = 0, len = strlen(uri);

    if (len >= KC_FLEET_URI_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "'%.40s...' is longer than %d bytes", uri,
                            KC_FLEET_URI_MAX - 1);
    for (const char *p = uri; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return kc_error_set(err, KC_ERR_INVALID, "'%s' is not a libvirt URI (blank or "
                                "control character)", uri);
    while (scheme_char(uri[i]))
        i++;
    if (i == 0 || strncmp(uri + i, "://", 3) != 0)
        return kc_error_set(err, KC_ERR_INVALID, "'%s' is not a libvirt URI "
                            "(like qemu+ssh://host/system)", uri);
    return 0;
}

int kc_fleet_uri_no_tty(const char *uri, char *out, size_t size)
{
    const char *sep = strstr(uri, "://");
    size_t scheme = sep ? (size_t)(sep - uri) : 0;
    const char *q = strchr(uri, '?');
    bool ssh = scheme > 4 && strncmp(uri + scheme - 4, "+ssh", 4) == 0;
    int n;

    if (!ssh || (q && (strstr(q, "?no_tty=") || strstr(q, "&no_tty="))))
        n = snprintf(out, size, "%s", uri);
    else
        n = snprintf(out, size, "%s%sno_tty=1", uri, q ? "&" : "?");
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* The URIs seen so far, hashed (FNV-1a, open addressing, at most half full): a hosts file
 * of KC_FLEET_HOSTS_MAX lines is checked for duplicates in linear time, not quadratic. */
#define SEEN_SLOTS 32768u          /* a power of two >= 2 * KC_FLEET_HOSTS_MAX */

typedef struct seen_set {
    const char *slot[SEEN_SLOTS];  /* borrowed from the URI list */
} seen_set;

/* Insert @uri; false if it was there already. */
static bool seen_add(seen_set *s, const char *uri)
{
    uint32_t h = 2166136261u;

    for (const unsigned char *p = (const unsigned char *)uri; *p; p++)
        h = (h ^ *p) * 16777619u;
    for (uint32_t i = h & (SEEN_SLOTS - 1);; i = (i + 1) & (SEEN_SLOTS - 1)) {
        if (!s->slot[i]) {
            s->slot[i] = uri;
            return true;
        }
        if (strcmp(s->slot[i], uri) == 0)
            return false;
    }
}

static int add_uri(char ***uris, size_t *n, size_t *cap, const char *uri, const char *where,
                   size_t line, seen_set *seen, kc_error *err)
{
    kc_error why;
    char *copy;

    if (kc_fleet_check_uri(uri, &why) < 0)
        return kc_error_set(err, KC_ERR_INVALID, "%s:%zu: %s", where, line, why.msg);
    copy = kc_xstrdup(uri);
    if (!seen_add(seen, copy)) {
        free(copy);
        return kc_error_set(err, KC_ERR_INVALID, "%s:%zu: '%s' is listed twice", where,
                            line, uri);
    }
    if (*n >= KC_FLEET_HOSTS_MAX) {
        free(copy);                /* still in @seen, which the caller frees now */
        return kc_error_set(err, KC_ERR_INVALID, "%s:%zu: more than %d hosts", where, line,
                            KC_FLEET_HOSTS_MAX);
    }
    if (*n == *cap) {              /* room doubles: linear in all */
        *cap = *cap < 8 ? 16 : *cap * 2;
        *uris = kc_xreallocarray(*uris, *cap, sizeof(**uris));
    }
    (*uris)[(*n)++] = copy;
    return 0;
}

int kc_fleet_parse_hosts(const char *text, const char *path, char ***uris, size_t *n,
                         kc_error *err)
{
    const char *p = text;
    size_t line = 0, cap = *n;     /* the caller's list is exactly *n long */
    seen_set *seen = kc_xcalloc(1, sizeof(*seen));
    int ret = -1;

    /* URIs already in the list (a caller that adds to one) count as seen */
    for (size_t i = 0; i < *n; i++)
        (void)seen_add(seen, (*uris)[i]);
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char buf[KC_FLEET_URI_MAX];
        size_t a = 0, b = len;

        line++;
        /* trim blanks (and a CR of CRLF files) */
        while (a < b && (p[a] == ' ' || p[a] == '\t' || p[a] == '\r'))
            a++;
        /* a comment starts at '#' at the line's start or after a blank */
        for (size_t i = a; i < b; i++)
            if (p[i] == '#' && (i == a || p[i - 1] == ' ' || p[i - 1] == '\t')) {
                b = i;
                break;
            }
        while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t' || p[b - 1] == '\r'))
            b--;
        if (b - a >= KC_FLEET_URI_MAX) {
            kc_error_set(err, KC_ERR_INVALID, "%s:%zu: '%.40s...' is longer than %d bytes",
                         path, line, p + a, KC_FLEET_URI_MAX - 1);
            goto out;
        }
        if (b > a) {
            memcpy(buf, p + a, b - a);
            buf[b - a] = '\0';
            if (add_uri(uris, n, &cap, buf, path, line, seen, err) < 0)
                goto out;
        }
        if (!end)
            break;
        p = end + 1;
    }
    ret = 0;
 out:
    free(seen);
    return ret;
}

kc_fleet *kc_fleet_new(const char *const *uris, size_t n, kc_error *err)
{
    kc_fleet *fleet;

    for (size_t i = 0; i < n; i++)
        if (kc_fleet_check_uri(uris[i], err) < 0)
            return NULL;
    fleet = kc_xcalloc(1, sizeof(*fleet));
    fleet->n_hosts = n;
    fleet->hosts = kc_xcalloc(n ? n : 1, sizeof(*fleet->hosts));
    for (size_t i = 0; i < n; i++) {
        kc_strlcpy(fleet->hosts[i].uri, uris[i], sizeof(fleet->hosts[i].uri));
        fleet->hosts[i].given = i;
    }
    kc_policy_init(&fleet->policy);
    return fleet;
}

void kc_fleet_free(kc_fleet *fleet)
{
    if (!fleet)
        return;
    for (size_t i = 0; i < fleet->n_hosts; i++) {
        kc_facts_free(fleet->hosts[i].facts);
        free(fleet->hosts[i].fits);
        free(fleet->hosts[i].placed);
    }
    free(fleet->hosts);
    free(fleet->total);
    kc_place_free(fleet->place);
    free(fleet);
}

/* ------------------------------------------------------------------ collection */

typedef struct slot {
    kc_libvirt_job *job;       /* NULL: free */
    size_t host;
    int64_t deadline;
} slot;

static void finish(kc_fleet *fleet, slot *sl, bool timed_out, unsigned timeout_s)
{
    kc_fleet_host *h = &fleet->hosts[sl->host];
    int connect_failed;

    h->facts = kc_facts_new();
    h->ok = kc_libvirt_job_finish(sl->job, timed_out, h->uri, timeout_s, h->facts,
                                  &connect_failed, &h->err) == 0;
    if (h->ok) {
        /* the facts name the URI the user gave, not the one with no_tty added */
        kc_strlcpy(h->facts->uri, h->uri, sizeof(h->facts->uri));
        kc_facts_sort(h->facts);
    } else {
        kc_facts_free(h->facts);
        h->facts = NULL;
        fleet->n_failed++;
    }
    sl->job = NULL;
}

int kc_fleet_collect(kc_fleet *fleet, const kc_fleet_opts *opts, kc_error *err)
{
    unsigned parallel = opts && opts->parallel ? opts->parallel : KC_FLEET_PARALLEL_DEFAULT;
    unsigned timeout_s = opts && opts->timeout_s ? opts->timeout_s : KC_COLLECT_TIMEOUT_DEFAULT;
    size_t next = 0, done = 0, running = 0, n = fleet->n_hosts;
    slot *slots;
    struct pollfd *pfds;
    int ret = -1;

    if (parallel > n)
        parallel = n ? (unsigned)n : 1;
    slots = kc_xcalloc(parallel, sizeof(*slots));
    pfds = kc_xcalloc(parallel, sizeof(*pfds));
    fleet->n_failed = 0;
    while (done < n) {
        int64_t now, wait = INT32_MAX;
        int r;

        /* fill free slots */
        for (unsigned i = 0; i < parallel && next < n; i++) {
            kc_fleet_host *h;
            char uri[KC_FLEET_URI_MAX + 16];

            if (slots[i].job)
                continue;
            h = &fleet->hosts[next];
            if (!(opts && opts->no_tty) || kc_fleet_uri_no_tty(h->uri, uri, sizeof(uri)) < 0)
                kc_strlcpy(uri, h->uri, sizeof(uri));
            slots[i].host = next++;
            slots[i].deadline = kc_now_ms() + (int64_t)timeout_s * 1000;
            slots[i].job = kc_libvirt_job_start(uri, opts ? opts->sysroot : NULL,
                                                KC_SOURCE_LIBVIRT, &h->err);
            if (!slots[i].job) {
                h->ok = false;
                fleet->n_failed++;
                done++;
                if (opts && opts->progress)
                    opts->progress(opts->opaque, done, n, fleet->n_failed);
                i--;     /* the slot is still free: try the next host in it */
                continue;
            }
            running++;
        }
        if (!running)
            continue;
        now = kc_now_ms();
        for (unsigned i = 0; i < parallel; i++) {
            pfds[i].fd = slots[i].job ? kc_libvirt_job_fd(slots[i].job) : -1;
            pfds[i].events = POLLIN;
            pfds[i].revents = 0;
            if (slots[i].job && slots[i].deadline - now < wait)
                wait = slots[i].deadline - now;
        }
        r = poll(pfds, parallel, wait < 0 ? 0 : (int)wait);
        if (r < 0 && errno != EINTR) {
            kc_error_set(err, KC_ERR_HOST, "poll: %s", strerror(errno));
            goto out;
        }
        now = kc_now_ms();
        for (unsigned i = 0; i < parallel; i++) {
            bool end = false, expired;

            if (!slots[i].job)
                continue;
            if (r > 0 && pfds[i].revents)
                end = kc_libvirt_job_read(slots[i].job) == 1;
            expired = !end && now >= slots[i].deadline;
            if (!end && !expired)
                continue;
            finish(fleet, &slots[i], expired, timeout_s);
            running--;
            done++;
            if (opts && opts->progress)
                opts->progress(opts->opaque, done, n, fleet->n_failed);
        }
    }
    ret = 0;
 out:
    /* on a fatal error, no child is left behind */
    for (unsigned i = 0; i < parallel; i++)
        if (slots[i].job)
            finish(fleet, &slots[i], true, timeout_s);
    fleet->n_ok = n - fleet->n_failed;
    free(slots);
    free(pfds);
    return ret;
}

/* ------------------------------------------------------------------ planning */

/* A host's row needs only the count and why (kc_fit_pair: no per-resource table); the
 * table of @fit stays zeroed (KC_RES_ABSENT), see fleet.h. */
static void put_summary(kc_fit *fit, const kc_fit_summary *sum)
{
    fit->count = sum->count;
    fit->bottleneck = sum->bottleneck;
    fit->too_big = sum->too_big;
    fit->too_big_res = sum->too_big_res;
    fit->numa_limited = sum->numa_limited;
}

int kc_fleet_plan(kc_fleet *fleet, const kc_catalog *cat, const kc_shape *shapes,
                  const char *const *labels, const uint64_t *counts, size_t n_shapes,
                  const kc_policy *policy, kc_existing existing, kc_error *err)
{
    kc_host *ok_hosts = NULL;
    size_t *ok_index = NULL, *by_given = NULL, n_ok = 0;
    kc_fit_host *fh = kc_xcalloc(1, sizeof(*fh));    /* ~6 KB: not on the stack */
    kc_fit_shape *fs = kc_xcalloc(n_shapes ? n_shapes : 1, sizeof(*fs));
    int ret = -1;

    fleet->shapes = shapes;
    fleet->labels = labels;
    fleet->counts = counts;
    fleet->n_shapes = n_shapes;
    fleet->policy = *policy;
    fleet->existing = existing;
    free(fleet->total);
    fleet->total = kc_xcalloc(n_shapes ? n_shapes : 1, sizeof(*fleet->total));
    fleet->n_failed = 0;
    /* each shape prepared once, each host once, then every pair (kc_fit_pair) */
    for (size_t s = 0; s < n_shapes; s++)
        kc_fit_shape_prepare(&shapes[s], policy, &fs[s]);
    for (size_t i = 0; i < fleet->n_hosts; i++) {
        kc_fleet_host *h = &fleet->hosts[i];

        free(h->fits);
        h->fits = NULL;
        if (!h->facts) {
            h->ok = false;
            fleet->n_failed++;
            continue;
        }
        /* a policy that leaves nothing of this host to plan: a row with that error */
        h->ok = kc_facts_to_host(h->facts, cat, existing, &h->host, &h->err) == 0 &&
                kc_fit_check_policy(&h->host, policy, &h->err) == 0;
        if (!h->ok) {
            fleet->n_failed++;
            continue;
        }
        h->fits = kc_xcalloc(n_shapes ? n_shapes : 1, sizeof(*h->fits));
        kc_fit_host_prepare(&h->host, policy, fh);
        for (size_t s = 0; s < n_shapes; s++) {
            kc_fit_summary sum;

            if (kc_fit_pair(&fh->hot, &fs[s], &sum, err) < 0)
                goto out;
            put_summary(&h->fits[s], &sum);
            if (fleet->total[s] > UINT64_MAX - h->fits[s].count) {
                kc_error_set(err, KC_ERR_INVALID, "the fleet's total of '%s' does not fit in "
                             "64 bits", labels[s]);
                goto out;
            }
            fleet->total[s] += h->fits[s].count;
        }
    }
    fleet->n_ok = fleet->n_hosts - fleet->n_failed;
    if (!counts) {
        ret = 0;
        goto out;
    }
    ok_hosts = kc_xcalloc(fleet->n_ok ? fleet->n_ok : 1, sizeof(*ok_hosts));
    ok_index = kc_xcalloc(fleet->n_ok ? fleet->n_ok : 1, sizeof(*ok_index));
    /* the placement goes over the hosts in the order given, whatever the display order */
    by_given = kc_xcalloc(fleet->n_hosts ? fleet->n_hosts : 1, sizeof(*by_given));
    for (size_t i = 0; i < fleet->n_hosts; i++)
        by_given[fleet->hosts[i].given < fleet->n_hosts ? fleet->hosts[i].given : 0] = i;
    for (size_t i = 0; i < fleet->n_hosts; i++) {
        size_t g = by_given[i];

        if (fleet->hosts[g].ok) {
            ok_index[n_ok] = g;
            ok_hosts[n_ok++] = fleet->hosts[g].host;
        }
    }
    kc_place_free(fleet->place);
    fleet->place = NULL;
    if (kc_place_solve(ok_hosts, n_ok, shapes, counts, n_shapes, policy, &fleet->place,
                       err) < 0)
        goto out;
    /* each host's count is how many more fit after the placement, as in `kvmcap fit` */
    memset(fleet->total, 0, (n_shapes ? n_shapes : 1) * sizeof(*fleet->total));
    for (size_t k = 0; k < n_ok; k++) {
        kc_fleet_host *h = &fleet->hosts[ok_index[k]];

        free(h->placed);
        h->placed = kc_xcalloc(n_shapes ? n_shapes : 1, sizeof(*h->placed));
        for (size_t s = 0; s < n_shapes; s++) {
            h->placed[s] = fleet->place->counts[s * n_ok + k];
            if (kc_fit_compute(&fleet->place->hosts[k], &shapes[s], policy, &h->fits[s],
                               err) < 0)
                goto out;
            fleet->total[s] += h->fits[s].count;    /* at most the sum before placement */
        }
    }
    ret = 0;
 out:
    free(fh);
    free(fs);
    free(ok_hosts);
    free(ok_index);
    free(by_given);
    return ret;
}

/* ------------------------------------------------------------------ sorting */

static const char *host_name(const kc_fleet_host *h)
{
    if (h->facts && h->facts->name[0])
        return h->facts->name;
    if (h->facts && h->facts->hostname[0])
        return h->facts->hostname;
    return "";
}

/* Free capacity of a host: the sum of its counts (saturating), or its free memory. */
static uint64_t host_free(const kc_fleet *fleet, const kc_fleet_host *h)
{
    uint64_t sum = 0;

    if (!fleet->n_shapes)
        return h->host.mem_mib > h->host.used.mem_mib ? h->host.mem_mib - h->host.used.mem_mib : 0;
    for (size_t s = 0; s < fleet->n_shapes; s++)
        sum = sum > UINT64_MAX - h->fits[s].count ? UINT64_MAX : sum + h->fits[s].count;
    return sum;
}

/* The first shape's bottleneck: its lowest resource index (memory first), none last. */
static int host_bottleneck(const kc_fleet *fleet, const kc_fleet_host *h)
{
    uint32_t mask;

    if (!fleet->n_shapes)
        return KC_RES_LAST;
    mask = h->fits[0].too_big ? 1u << h->fits[0].too_big_res : h->fits[0].bottleneck;
    for (int r = 0; r < KC_RES_LAST; r++)
        if (mask & (1u << r))
            return r;
    return KC_RES_LAST;
}

static int cmp_hosts(const kc_fleet *fleet, kc_fleet_sort key, const kc_fleet_host *a,
                     const kc_fleet_host *b)
{
    int c;

    if (a->ok != b->ok)
        return a->ok ? -1 : 1;
    if (!a->ok)
        return a->given < b->given ? -1 : a->given > b->given;
    if (key == KC_FLEET_SORT_BOTTLENECK) {
        int ra = host_bottleneck(fleet, a), rb = host_bottleneck(fleet, b);

        if (ra != rb)
            return ra < rb ? -1 : 1;
    }
    if (key != KC_FLEET_SORT_NAME) {
        uint64_t fa = host_free(fleet, a), fb = host_free(fleet, b);

        if (fa != fb)
            return fa > fb ? -1 : 1;
    }
    c = strcmp(host_name(a), host_name(b));
    if (c)
        return c;
    c = strcmp(a->uri, b->uri);
    if (c)
        return c;
    return a->given < b->given ? -1 : a->given > b->given;
}

void kc_fleet_sort_hosts(kc_fleet *fleet, kc_fleet_sort key)
{
    /* insertion sort: stable, no global state for a qsort comparator, n is modest */
    for (size_t i = 1; i < fleet->n_hosts; i++) {
        kc_fleet_host t = fleet->hosts[i];
        size_t j = i;

        while (j > 0 && cmp_hosts(fleet, key, &t, &fleet->hosts[j - 1]) < 0) {
            fleet->hosts[j] = fleet->hosts[j - 1];
            j--;
        }
        fleet->hosts[j] = t;
    }
}

/* ------------------------------------------------------------------ saving facts */

void kc_fleet_safe_name(const char *name, char *out, size_t size)
{
    size_t i = 0;

    for (; name[i] && i + 1 < size; i++) {
        char c = name[i];
        bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';

        out[i] = safe && !(i == 0 && c == '.') ? c : '_';
    }
    if (i == 0 && size > 1)
        out[i++] = '_';
    out[i] = '\0';
}

static int write_atomic(const char *dir, const char *file, const char *text, kc_error *err)
{
    char tmp[4096], final[4096];
    size_t len = strlen(text);
    const char *p = text;
    int fd;

    /* the PID names the run, so the next run can tell a killed run's leftovers */
    if (snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%ld.XXXXXX", dir, file, (long)getpid()) >=
        (int)sizeof(tmp) ||
        snprintf(final, sizeof(final), "%s/%s", dir, file) >= (int)sizeof(final))
        return kc_error_set(err, KC_ERR_HOST, "'%s': path too long", dir);
    fd = mkstemp(tmp);
    if (fd < 0)
        return kc_error_set(err, KC_ERR_HOST, "cannot write in '%s': %s", dir, strerror(errno));
    while (len) {
        ssize_t w = write(fd, p, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            kc_error_set(err, KC_ERR_HOST, "cannot write '%s': %s", tmp,
                         strerror(w < 0 ? errno : ENOSPC));
            close(fd);
            unlink(tmp);
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    if (fchmod(fd, 0644) < 0 || fsync(fd) < 0 || close(fd) < 0) {
        kc_error_set(err, KC_ERR_HOST, "cannot write '%s': %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, final) < 0) {
        kc_error_set(err, KC_ERR_HOST, "cannot rename '%s' to '%s': %s", tmp, final,
                     strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* Remove ".NAME.tmp.PID.XXXXXX" files of ours in @dir whose PID runs no more: a run killed
 * between its mkstemp() and its rename() left them. */
static void remove_stale_temporaries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (!d)
        return;
    while ((de = readdir(d))) {
        const char *t = de->d_name[0] == '.' ? strstr(de->d_name, ".tmp.") : NULL;
        char *end, path[4096];
        struct stat st;
        long pid;

        if (!t)
            continue;
        pid = strtol(t + 5, &end, 10);
        if (end == t + 5 || *end != '.' || strlen(end + 1) != 6 || pid <= 0 ||
            pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path) ||
            lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid())
            continue;
        (void)unlink(path);
    }
    closedir(d);
}

/* The renames are only durable once the directory itself is on disk. */
static int sync_dir(const char *dir, kc_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0 || fsync(fd) < 0) {
        kc_error_set(err, KC_ERR_HOST, "--save-facts: cannot sync '%s': %s", dir,
                     strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int kc_fleet_save_facts(kc_fleet *fleet, const char *dir, const char *version, kc_error *err)
{
    struct stat st;
    char (*stems)[200] = NULL;
    size_t failed = 0, first = 0;
    int ret = -1;

    if (stat(dir, &st) < 0)
        return kc_error_set(err, KC_ERR_HOST, "--save-facts: '%s': %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return kc_error_set(err, KC_ERR_HOST, "--save-facts: '%s' is not a directory", dir);
    remove_stale_temporaries(dir);
    stems = kc_xcalloc(fleet->n_hosts ? fleet->n_hosts : 1, sizeof(*stems));
    for (size_t i = 0; i < fleet->n_hosts; i++) {
        const kc_fleet_host *h = &fleet->hosts[i];
        const char *name = h->facts ? h->facts->hostname : "";
        bool unique = name[0] != '\0';

        /* the host name when no other host has it (test-driver hosts all share one) */
        for (size_t j = 0; j < fleet->n_hosts && unique; j++)
            if (j != i && fleet->hosts[j].facts &&
                strcmp(fleet->hosts[j].facts->hostname, name) == 0)
                unique = false;
        kc_fleet_safe_name(unique ? name : h->uri, stems[i], 180);
    }
    for (size_t i = 0; i < fleet->n_hosts; i++) {
        kc_fleet_host *h = &fleet->hosts[i];
        char file[256];
        char *text;
        unsigned k = 1;

        if (!h->facts)
            continue;
        /* a clash left after making names safe: -2, -3, ... in display order */
        for (;;) {
            bool clash = false;

            if (k == 1)
                snprintf(file, sizeof(file), "%s.json", stems[i]);
            else
                snprintf(file, sizeof(file), "%s-%u.json", stems[i], k);
            for (size_t j = 0; j < i && !clash; j++) {
                const char *base = strrchr(fleet->hosts[j].facts_file, '/');

                clash = base && strcmp(base + 1, file) == 0;
            }
            if (!clash)
                break;
            k++;
        }
        text = kc_facts_to_json(h->facts, version);
        if (!text) {
            kc_error_set(err, KC_ERR_INTERNAL, "cannot write the facts of '%s' as JSON", h->uri);
            goto out;
        }
        /* one host's file failing (a full disk, a name taken by a directory) is that host's:
         * the others are still written, and the report says which */
        h->save_failed = write_atomic(dir, file, text, &h->save_err) < 0;
        free(text);
        if (h->save_failed) {
            if (!failed++)
                first = i;
            continue;
        }
        snprintf(h->facts_file, sizeof(h->facts_file), "%s/%s", dir, file);
    }
    if (sync_dir(dir, err) < 0)
        goto out;
    if (failed) {
        kc_error_set(err, KC_ERR_HOST, "--save-facts: %zu host%s not saved ('%s': %s)", failed,
                     failed == 1 ? "'s facts were" : "s' facts were", fleet->hosts[first].uri,
                     fleet->hosts[first].save_err.msg);
        goto out;
    }
    ret = 0;
 out:
    free(stems);
    return ret;
}
