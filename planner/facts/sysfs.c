/* SPDX-License-Identifier: MIT */
/* sysfs.c: NIC speed, bridge ports and disk kind from /sys, below an injectable root. */
#define _XOPEN_SOURCE 700      /* realpath() */
#include <arpa/inet.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

#include "facts/sysfs.h"
#include "util/util.h"

#define KC_PATH_MAX 4096
#define DM_DEPTH_MAX 8          /* stacked device-mapper levels followed */

/* <root><rel> into @buf; false when it does not fit. */
static bool join(char *buf, size_t size, const char *root, const char *rel)
{
    int n;

    if (!root || !root[0] || strcmp(root, "/") == 0)
        root = "";
    n = snprintf(buf, size, "%s%s", root, rel);
    return n > 0 && (size_t)n < size;
}

/* @a@b@c into @buf; false (and "" in @buf) when it does not fit. */
static bool cat3(char *buf, size_t size, const char *a, const char *b, const char *c)
{
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);

    if (la + lb + lc >= size) {
        buf[0] = '\0';
        return false;
    }
    memcpy(buf, a, la);
    memcpy(buf + la, b, lb);
    memcpy(buf + la + lb, c, lc + 1);
    return true;
}

/* First line of a small file, without the newline. Returns 0 or -1. */
static int read_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n;

    if (!f)
        return -1;
    if (!fgets(buf, (int)size, f)) {
        fclose(f);
        return -1;
    }
    fclose(f);
    n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    return 0;
}

static bool exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

/* A name read from /sys is used in paths: refuse anything that could climb out. */
static bool safe_name(const char *name)
{
    return name[0] && name[0] != '.' && !strchr(name, '/') && strlen(name) < KC_NAME_MAX;
}

/* Speed in Mbit/s from `speed`: a plain positive decimal, else 0 (unknown). */
static uint64_t parse_speed_mbps(const char *s)
{
    uint64_t v = 0;

    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > UINT64_MAX / 10000)
            return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    return v;
}

static kc_fact_nic *find_nic(kc_facts *facts, const char *name)
{
    for (size_t i = 0; i < facts->n_nics; i++)
        if (strcmp(facts->nics[i].name, name) == 0)
            return &facts->nics[i];
    return NULL;
}

/* The interface @name of the class directory @dir into @facts (sysfs.h). Returns 1 when it
 * is a NIC (a `device` link, or @any), else 0. */
static size_t add_nic(const char *dir, const char *name, bool any, kc_facts *facts)
{
    char path[KC_PATH_MAX], base_path[KC_PATH_MAX], line[64], link[KC_PATH_MAX];
    kc_fact_nic *nic;
    uint64_t mbps = 0;
    ssize_t len;

    if (!safe_name(name))
        return 0;
    /* Physical NICs have a `device` link; lo, bridges, taps, veths live in virtual/. */
    if (!cat3(path, sizeof(path), dir, "/", name) ||
        strlen(path) + sizeof("/brport/bridge") > sizeof(path))
        return 0;
    kc_strlcpy(base_path, path, sizeof(base_path));
    if (!exists(base_path) ||
        (!any && (!cat3(path, sizeof(path), base_path, "/device", "") || !exists(path))))
        return 0;
    nic = find_nic(facts, name);
    if (!nic) {
        nic = kc_facts_add_nic(facts);
        kc_strlcpy(nic->name, name, sizeof(nic->name));
    }
    cat3(path, sizeof(path), base_path, "/speed", "");
    if (read_line(path, line, sizeof(line)) == 0)
        mbps = parse_speed_mbps(line);
    else
        kc_strlcpy(line, "unreadable", sizeof(line));
    if (mbps && !nic->speed_kbps)
        nic->speed_kbps = mbps * 1000;
    if (!nic->speed_kbps)
        kc_facts_add_note(facts, "nic '%s': link speed unknown (speed is '%s')", nic->name, line);
    cat3(path, sizeof(path), base_path, "/brport/bridge", "");
    len = readlink(path, link, sizeof(link) - 1);
    if (len > 0) {
        const char *base;

        link[len] = '\0';
        base = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
        if (safe_name(base))
            kc_strlcpy(nic->bridge, base, sizeof(nic->bridge));
    }
    return 1;
}

size_t kc_sysfs_add_nics(const char *root, kc_facts *facts)
{
    char dir[KC_PATH_MAX];
    struct dirent *de;
    size_t found = 0;
    DIR *d;

    if (!join(dir, sizeof(dir), root, "/sys/class/net") || !(d = opendir(dir)))
        return 0;
    while ((de = readdir(d)))
        found += add_nic(dir, de->d_name, false, facts);
    closedir(d);
    return found;
}

size_t kc_sysfs_add_nic(const char *root, const char *name, kc_facts *facts)
{
    char dir[KC_PATH_MAX];

    if (!join(dir, sizeof(dir), root, "/sys/class/net"))
        return 0;
    return add_nic(dir, name, true, facts);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static void add_lower(kc_netdev *out, const char *name)
{
    if (safe_name(name) && out->n_lower < KC_NETDEV_LOWER_MAX)
        kc_strlcpy(out->lower[out->n_lower++], name, sizeof(out->lower[0]));
}

void kc_sysfs_netdev(const char *root, const char *ifname, kc_netdev *out)
{
    char rel[KC_PATH_MAX], base[KC_PATH_MAX], path[KC_PATH_MAX], line[512];
    DIR *d;
    struct dirent *de;

    memset(out, 0, sizeof(*out));
    if (!safe_name(ifname))
        return;
    snprintf(rel, sizeof(rel), "/sys/class/net/%s", ifname);
    if (!join(base, sizeof(base), root, rel) || !exists(base))
        return;
    if (cat3(path, sizeof(path), base, "/bonding", "") && exists(path)) {
        char *save = NULL;

        out->kind = KC_NETDEV_BOND;
        /* "802.3ad 4", "active-backup 1": the word, not the number */
        if (cat3(path, sizeof(path), base, "/bonding/mode", "") &&
            read_line(path, line, sizeof(line)) == 0)
            sscanf(line, "%31s", out->mode);
        if (cat3(path, sizeof(path), base, "/bonding/active_slave", "") &&
            read_line(path, line, sizeof(line)) == 0 && safe_name(line))
            kc_strlcpy(out->active, line, sizeof(out->active));
        if (cat3(path, sizeof(path), base, "/bonding/slaves", "") &&
            read_line(path, line, sizeof(line)) == 0)
            for (char *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save))
                add_lower(out, t);
    } else if (cat3(path, sizeof(path), base, "/bridge", "") && exists(path)) {
        out->kind = KC_NETDEV_BRIDGE;
        if (cat3(path, sizeof(path), base, "/brif", "") && (d = opendir(path))) {
            while ((de = readdir(d)))
                add_lower(out, de->d_name);
            closedir(d);
        }
    } else if (cat3(path, sizeof(path), base, "/device", "") && exists(path)) {
        out->kind = KC_NETDEV_NIC;
    } else {
        out->kind = KC_NETDEV_OTHER;
        if ((d = opendir(base))) {
            while ((de = readdir(d)))
                if (strncmp(de->d_name, "lower_", 6) == 0)
                    add_lower(out, de->d_name + 6);
            closedir(d);
        }
    }
    if (out->n_lower > 1)
        qsort(out->lower, out->n_lower, sizeof(out->lower[0]), cmp_name);
}

int kc_sysfs_default_route(const char *root, char *ifname, size_t size)
{
    char path[KC_PATH_MAX], line[512], best[KC_NAME_MAX] = "";
    unsigned long best_metric = 0;
    FILE *f;

    if (!join(path, sizeof(path), root, "/proc/net/route") || !(f = fopen(path, "r")))
        return -1;
    /* Iface Destination Gateway Flags RefCnt Use Metric Mask ... (hex, after a header) */
    while (fgets(line, sizeof(line), f)) {
        char name[KC_NAME_MAX + 1];
        unsigned long dest, gw, flags, refcnt, use, metric, mask;

        if (sscanf(line, "%64s %lx %lx %lx %lu %lu %lu %lx", name, &dest, &gw, &flags, &refcnt,
                   &use, &metric, &mask) != 8)
            continue;
        if (dest != 0 || mask != 0 || !(flags & 1u) || !safe_name(name))
            continue;
        if (!best[0] || metric < best_metric) {
            kc_strlcpy(best, name, sizeof(best));
            best_metric = metric;
        }
    }
    fclose(f);
    if (!best[0])
        return -1;
    kc_strlcpy(ifname, best, size);
    return 0;
}

int kc_sysfs_route_to(const char *root, const char *addr, char *ifname, size_t size)
{
    char path[KC_PATH_MAX], line[512], best[KC_NAME_MAX] = "";
    unsigned long best_metric = 0;
    int best_bits = -1;
    struct in_addr a;
    FILE *f;

    if (inet_pton(AF_INET, addr, &a) != 1)
        return -2;
    if (!join(path, sizeof(path), root, "/proc/net/route") || !(f = fopen(path, "r")))
        return -1;
    /* Destination and Mask are the network-order words printed as native hex: compare them
     * with the address as it sits in memory (s_addr), as the kernel does. */
    while (fgets(line, sizeof(line), f)) {
        char name[KC_NAME_MAX + 1];
        unsigned long dest, gw, flags, refcnt, use, metric, mask;
        int bits;

        if (sscanf(line, "%64s %lx %lx %lx %lu %lu %lu %lx", name, &dest, &gw, &flags, &refcnt,
                   &use, &metric, &mask) != 8)
            continue;
        if (!(flags & 1u) || !safe_name(name) || dest > 0xffffffffUL || mask > 0xffffffffUL ||
            ((unsigned long)a.s_addr & mask) != dest)
            continue;
        bits = __builtin_popcountl(mask);
        if (bits > best_bits || (bits == best_bits && metric < best_metric)) {
            kc_strlcpy(best, name, sizeof(best));
            best_bits = bits;
            best_metric = metric;
        }
    }
    fclose(f);
    if (!best[0])
        return -1;
    kc_strlcpy(ifname, best, size);
    return 0;
}

static int cmp_addr(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

size_t kc_sysfs_iscsi_targets(const char *root, char (*addr)[64], size_t max)
{
    char path[KC_PATH_MAX], dir[KC_PATH_MAX], base[KC_PATH_MAX];
    struct dirent *de;
    size_t n = 0;
    DIR *d;

    if (!join(base, sizeof(base), root, "/sys/class/iscsi_connection") || !(d = opendir(base)))
        return 0;
    while (n < max && (de = readdir(d))) {
        if (strncmp(de->d_name, "connection", 10) != 0 || !safe_name(de->d_name) ||
            !cat3(dir, sizeof(dir), base, "/", de->d_name) ||
            !cat3(path, sizeof(path), dir, "/persistent_address", "") ||
            read_line(path, addr[n], sizeof(addr[n])) < 0 || !addr[n][0])
            continue;
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(addr, n, sizeof(addr[0]), cmp_addr);
    return n;
}

static void set_why(char *why, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_why(char *why, size_t size, const char *fmt, ...)
{
    va_list ap;

    if (!why || !size)
        return;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
}

/*
 * One walk of the device tree. A device-mapper device's slaves may themselves be stacked,
 * and many devices may share slaves: walked naively, a tree of fan-out 6 visits 6^8 paths.
 * So each device is classified once (the memo), and the walk stops at WALK_DEVICES_MAX
 * distinct devices, far beyond any real host's stack.
 */
#define WALK_DEVICES_MAX 512

typedef struct memo_entry {
    char name[KC_NAME_MAX];
    const char *kind;          /* NULL while being classified (a cycle meets it) */
    char why[160];
} memo_entry;

typedef struct walk {
    const char *root;
    memo_entry *memo;
    size_t n;
    bool full;                 /* WALK_DEVICES_MAX reached */
} walk;

static const char *classify(walk *w, const char *block, char *why, size_t why_size,
                            unsigned depth);

/* classify() of @block, once per walk. */
static const char *classify_once(walk *w, const char *block, char *why, size_t why_size,
                                 unsigned depth)
{
    const char *kind;
    size_t i;

    for (i = 0; i < w->n; i++)
        if (strcmp(w->memo[i].name, block) == 0) {
            if (!w->memo[i].kind) {
                set_why(why, why_size, "block device '%s' is its own slave", block);
                return "unknown";
            }
            set_why(why, why_size, "%s", w->memo[i].why);
            return w->memo[i].kind;
        }
    if (w->n >= WALK_DEVICES_MAX) {
        w->full = true;
        set_why(why, why_size, "more than %d stacked block devices", WALK_DEVICES_MAX);
        return "unknown";
    }
    if (!w->memo)
        w->memo = kc_xcalloc(WALK_DEVICES_MAX, sizeof(*w->memo));
    i = w->n++;
    kc_strlcpy(w->memo[i].name, block, sizeof(w->memo[i].name));
    kind = classify(w, block, why, why_size, depth);
    w->memo[i].kind = kind;
    kc_strlcpy(w->memo[i].why, why && why_size ? why : "", sizeof(w->memo[i].why));
    return kind;
}

static const char *classify(walk *w, const char *block, char *why, size_t why_size,
                            unsigned depth)
{
    char path[KC_PATH_MAX], real[KC_PATH_MAX], line[16], rel[KC_PATH_MAX];
    const char *root = w->root;
    char *disk, *slash;
    const char *base;
    DIR *d;

    if (!safe_name(block) || depth > DM_DEPTH_MAX) {
        set_why(why, why_size, "block device '%s' not understood", block);
        return "unknown";
    }
    snprintf(rel, sizeof(rel), "/sys/class/block/%s", block);
    if (!join(path, sizeof(path), root, rel) || !realpath(path, real)) {
        set_why(why, why_size, "block device '%s' not found in /sys", block);
        return "unknown";
    }
    /* Network block devices: their speed is the link's, which /sys does not tell. */
    if (strstr(real, "/session")) {
        set_why(why, why_size, "'%s' is behind an iSCSI session: link speed unknown", block);
        return "unknown";
    }
    if (strstr(real, "/rport-")) {
        set_why(why, why_size, "'%s' is behind a Fibre Channel port: link speed unknown", block);
        return "unknown";
    }
    /* A partition: its disk is the parent directory. */
    cat3(path, sizeof(path), real, "/partition", "");
    disk = real;
    if (exists(path) && (slash = strrchr(real, '/')) && slash != real)
        *slash = '\0';
    base = strrchr(disk, '/') ? strrchr(disk, '/') + 1 : disk;

    /* device-mapper (LVM, dm-crypt, multipath): the kind of its slaves, if they agree. */
    cat3(path, sizeof(path), disk, "/slaves", "");
    if ((d = opendir(path))) {
        struct dirent *de;
        const char *kind = NULL;
        char name[KC_NAME_MAX];

        kc_strlcpy(name, base, sizeof(name));
        while ((de = readdir(d))) {
            const char *k;

            if (!safe_name(de->d_name))
                continue;
            k = classify_once(w, de->d_name, why, why_size, depth + 1);
            if (w->full) {
                kind = "unknown";
                break;
            }
            if (kind && strcmp(kind, k) != 0) {
                set_why(why, why_size, "'%s' spans devices of different kinds", name);
                kind = "unknown";
                break;
            }
            kind = k;
        }
        closedir(d);
        if (kind) {
            if (strcmp(kind, "unknown") != 0 && why && why_size)
                why[0] = '\0';
            return kind;
        }
    }
    if (strncmp(base, "nvme", 4) == 0) {
        if (why && why_size)
            why[0] = '\0';
        return "nvme";
    }
    cat3(path, sizeof(path), disk, "/queue/rotational", "");
    if (read_line(path, line, sizeof(line)) < 0) {
        set_why(why, why_size, "'%s' has no queue/rotational", base);
        return "unknown";
    }
    if (strcmp(line, "0") == 0) {
        if (why && why_size)
            why[0] = '\0';
        return "ssd";
    }
    /* Virtual disks (virtio, most SAN LUNs) say 1 as well: not a spinning-disk signal. */
    set_why(why, why_size, "'%s' says rotational=1, which virtual disks say too", base);
    return "unknown";
}

const char *kc_sysfs_disk_type(const char *root, const char *block, char *why, size_t why_size)
{
    walk w = { .root = root };
    const char *kind;

    if (why && why_size)
        why[0] = '\0';
    kind = classify_once(&w, block, why, why_size, 0);
    free(w.memo);
    return kind;
}

int kc_sysfs_block_of_devnum(const char *root, unsigned maj, unsigned min,
                             char *name, size_t size)
{
    char rel[64], path[KC_PATH_MAX], link[KC_PATH_MAX];
    const char *base;
    ssize_t len;

    snprintf(rel, sizeof(rel), "/sys/dev/block/%u:%u", maj, min);
    if (!join(path, sizeof(path), root, rel))
        return -1;
    len = readlink(path, link, sizeof(link) - 1);
    if (len <= 0)
        return -1;
    link[len] = '\0';
    base = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
    if (!safe_name(base))
        return -1;
    return kc_strlcpy(name, base, size);
}

int kc_sysfs_block_of_path(const char *root, const char *path, char *name, size_t size)
{
    char full[KC_PATH_MAX];
    struct stat st;

    if (!path || path[0] != '/' || !join(full, sizeof(full), root, path) || stat(full, &st) < 0)
        return -1;
    /* major 0: tmpfs, overlay, btrfs subvolumes... no block device to ask. */
    if (major(st.st_dev) == 0)
        return -1;
    return kc_sysfs_block_of_devnum(root, major(st.st_dev), minor(st.st_dev), name, size);
}
