/* SPDX-License-Identifier: MIT */
/* embed.c: the embedded QEMU driver's root, kept in a per-user cache across runs. */
#define _XOPEN_SOURCE 700      /* mkdtemp() */
#define _DEFAULT_SOURCE        /* flock() */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "facts/embed.h"
#include "util/util.h"

/*
 * Why a cache: the embedded driver probes `qemu-system-*` for its capabilities the first time
 * it sees a root (4-8 s, doc/libvirt.md 2.3) and keeps the answer under ROOT/cache. A fresh
 * root per run paid the probe every time, close to the 10 s default deadline; a root kept per
 * user pays it once (libvirt probes again by itself when the QEMU binary changes).
 *
 * Nothing kvmcap starts may outlive it (facts_libvirt.c, top): the probe's command line names
 * the root, and every process that names it is killed when a run ends, and, under the lock,
 * when the next run starts (a run killed outright could not). The lock also keeps two runs of
 * one user from sharing the driver's state at once.
 */

/* rm -rf of a temporary root (it only holds what libvirt made there). */
static void remove_tree(const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *de;

    if (lstat(path, &st) < 0)
        return;
    if (S_ISDIR(st.st_mode) && (d = opendir(path))) {
        while ((de = readdir(d))) {
            char child[4096];

            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            if (snprintf(child, sizeof(child), "%s/%s", path, de->d_name) >= (int)sizeof(child))
                continue;
            remove_tree(child);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* Is process @pid a QEMU whose command line holds @needle (in any of its arguments)? */
static bool cmdline_names(const char *pid, const char *needle)
{
    char path[64], buf[8192];
    const char *base;
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%s/cmdline", pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    /* only QEMU (the probes, and helpers libvirt runs: qemu-*): never a user's `ls` or editor
     * that happens to name the directory */
    base = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
    if (strncmp(base, "qemu", 4) != 0)
        return false;
    for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
        if (strstr(buf + i, needle))
            return true;
    return false;
}

/* SIGKILL every process whose command line names the private root @dir: the QEMU probes
 * libvirt started for it (they run detached, see the top of this file). Returns how many. */
static unsigned kill_naming(const char *dir)
{
    char needle[sizeof(((kc_embed_root *)0)->path) + 2];
    unsigned killed = 0;
    struct dirent *de;
    DIR *d;

    /* a cut name would match other directories that share its prefix: then kill nothing */
    if (snprintf(needle, sizeof(needle), "%s/", dir) >= (int)sizeof(needle))
        return 0;
    d = opendir("/proc");
    if (!d)
        return 0;
    while ((de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);

        if (*end || pid <= 1 || pid == (long)getpid() || !cmdline_names(de->d_name, needle))
            continue;
        if (kill((pid_t)pid, SIGKILL) == 0)
            killed++;
    }
    closedir(d);
    return killed;
}

/* Remove what earlier runs killed outright left in @tmp: "kvmcap-embed-PID-XXXXXX" roots
 * of ours (owned by us, mode 0700 as mkdtemp makes them) whose PID no longer runs, and the
 * processes that still name them. */
static void remove_stale_roots(const char *tmp)
{
    static const char prefix[] = "kvmcap-embed-";
    struct dirent *de;
    DIR *d = opendir(tmp);

    if (!d)
        return;
    while ((de = readdir(d))) {
        char path[512], *end;
        struct stat st;
        long pid;

        if (strncmp(de->d_name, prefix, sizeof(prefix) - 1) != 0)
            continue;
        pid = strtol(de->d_name + sizeof(prefix) - 1, &end, 10);
        if (end == de->d_name + sizeof(prefix) - 1 || *end != '-' || pid <= 0 ||
            pid == (long)getpid() || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
            continue;
        if (snprintf(path, sizeof(path), "%s/%s", tmp, de->d_name) >= (int)sizeof(path) ||
            lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
            (st.st_mode & 077))
            continue;
        (void)kill_naming(path);
        remove_tree(path);
    }
    closedir(d);
}

/* Make @path (and its missing parents) as directories of mode 0700. */
static int make_dirs(char *path)
{
    struct stat st;

    if (stat(path, &st) == 0)
        return 0;
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) < 0 && errno != EEXIST) {
            *p = '/';
            return -1;
        }
        *p = '/';
    }
    return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

/* Make @path a directory of mode 0700 if it is missing, then check it is one we may trust:
 * not a symbolic link, ours, and with none of the permission bits in @forbidden. */
static int trusted_dir(const char *path, mode_t forbidden, kc_error *err)
{
    struct stat st;

    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return kc_error_set(err, KC_ERR_HOST, "cannot make the embedded QEMU driver's "
                            "directory '%s': %s", kc_term_str(path), strerror(errno));
    if (lstat(path, &st) < 0)
        return kc_error_set(err, KC_ERR_HOST, "cannot read the embedded QEMU driver's "
                            "directory '%s': %s", kc_term_str(path), strerror(errno));
    if (S_ISLNK(st.st_mode))
        return kc_error_set(err, KC_ERR_HOST, "refusing '%s' as the embedded QEMU driver's "
                            "directory: it is a symbolic link", kc_term_str(path));
    if (!S_ISDIR(st.st_mode))
        return kc_error_set(err, KC_ERR_HOST, "refusing '%s' as the embedded QEMU driver's "
                            "directory: it is not a directory", kc_term_str(path));
    if (st.st_uid != geteuid())
        return kc_error_set(err, KC_ERR_HOST, "refusing '%s' as the embedded QEMU driver's "
                            "directory: it belongs to uid %lu, not to uid %lu",
                            kc_term_str(path), (unsigned long)st.st_uid,
                            (unsigned long)geteuid());
    if (st.st_mode & forbidden)
        return kc_error_set(err, KC_ERR_HOST, "refusing '%s' as the embedded QEMU driver's "
                            "directory: its mode %04o lets others in (want 0700)",
                            kc_term_str(path), (unsigned)(st.st_mode & 07777));
    return 0;
}

int kc_embed_cache_home(char *buf, size_t size)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;

    /* the XDG base directory spec: a relative $XDG_CACHE_HOME is invalid, ignore it */
    if (xdg && xdg[0] == '/')
        n = snprintf(buf, size, "%s", xdg);
    else if (geteuid() == 0)
        n = snprintf(buf, size, "/var/cache");
    else if (home && home[0] == '/')
        n = snprintf(buf, size, "%s/.cache", home);
    else
        return 1;
    return n < 0 || (size_t)n + 64 >= size ? 1 : 0;
}

static int open_temporary(kc_embed_root *r, kc_error *err)
{
    const char *tmp = getenv("TMPDIR");

    if (!tmp || tmp[0] != '/' || strlen(tmp) > 128)
        tmp = "/tmp";
    remove_stale_roots(tmp);
    snprintf(r->path, sizeof(r->path), "%s/kvmcap-embed-%ld-XXXXXX", tmp, (long)getpid());
    if (!mkdtemp(r->path))
        return kc_error_set(err, KC_ERR_HOST, "no private directory for the embedded QEMU "
                            "driver in '%s': %s", kc_term_str(tmp), strerror(errno));
    r->temporary = true;
    return 0;
}

int kc_embed_root_open(kc_embed_root *r, int64_t deadline_ms, volatile sig_atomic_t *stop,
                       kc_error *err)
{
    char base[sizeof(r->path) - 16], lock[sizeof(r->path)];
    size_t n;

    memset(r, 0, sizeof(*r));
    r->lock_fd = -1;
    if (kc_embed_cache_home(base, sizeof(base)) != 0)
        return open_temporary(r, err);
    if (make_dirs(base) < 0)
        return kc_error_set(err, KC_ERR_HOST, "cannot make the cache directory '%s': %s",
                            kc_term_str(base), strerror(errno));
    n = strlen(base);
    snprintf(base + n, sizeof(base) - n, "/kvmcap");
    if (trusted_dir(base, 022, err) < 0)
        return -1;
    snprintf(lock, sizeof(lock), "%s/embed.lock", base);
    snprintf(r->path, sizeof(r->path), "%s/embed", base);
    if (trusted_dir(r->path, 077, err) < 0)
        return -1;
    r->lock_fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (r->lock_fd < 0)
        return kc_error_set(err, KC_ERR_HOST, "cannot open the lock '%s': %s",
                            kc_term_str(lock), strerror(errno));
    while (flock(r->lock_fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            kc_error_set(err, KC_ERR_HOST, "cannot lock '%s': %s", kc_term_str(lock),
                         strerror(errno));
            goto fail;
        }
        if ((stop && *stop) || kc_now_ms() >= deadline_ms) {
            kc_error_set(err, KC_ERR_HOST, "the embedded QEMU driver's directory '%s' is in "
                         "use by another kvmcap run", kc_term_str(r->path));
            goto fail;
        }
        nanosleep(&(struct timespec){ .tv_nsec = 50000000 }, NULL);
    }
    /* ours now: whatever still names the root was left by a run killed outright */
    (void)kill_naming(r->path);
    return 0;
 fail:
    close(r->lock_fd);
    r->lock_fd = -1;
    return -1;
}

void kc_embed_root_close(kc_embed_root *r)
{
    if (!r->path[0])
        return;
    /* a probe that was being detached when the collector died may name the root only now */
    for (int i = 0; i < 3 && kill_naming(r->path); i++)
        nanosleep(&(struct timespec){ .tv_nsec = 20000000 }, NULL);
    if (r->temporary)
        remove_tree(r->path);
    if (r->lock_fd >= 0)
        close(r->lock_fd);
    r->lock_fd = -1;
    r->path[0] = '\0';
}

bool kc_embed_root_probed(const kc_embed_root *r)
{
    char dir[sizeof(r->path) + 32];
    struct dirent *de;
    bool found = false;
    DIR *d;

    if (snprintf(dir, sizeof(dir), "%s/cache/qemu/capabilities", r->path) >= (int)sizeof(dir) ||
        !(d = opendir(dir)))
        return false;
    while (!found && (de = readdir(d))) {
        size_t n = strlen(de->d_name);

        found = n > 4 && strcmp(de->d_name + n - 4, ".xml") == 0;
    }
    closedir(d);
    return found;
}
