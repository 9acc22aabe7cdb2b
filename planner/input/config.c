/* SPDX-License-Identifier: MIT */
/* config.c: read the policy files (kvmcap.conf) into text values with their origin. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input/config.h"
#include "util/util.h"

static const char *const key_names[] = {
    [KC_CONF_OVERCOMMIT] = "overcommit",
    [KC_CONF_RESERVE] = "reserve",
    [KC_CONF_RESERVE_CPUS] = "reserve-cpus",
    [KC_CONF_CPU_RATIO] = "cpu-ratio",
    [KC_CONF_VM_OVERHEAD] = "vm-overhead",
    [KC_CONF_DISK_OVERCOMMIT] = "disk-overcommit",
    [KC_CONF_MAX_UTIL] = "max-util",
    [KC_CONF_PROFILE] = "profile",
    [KC_CONF_NUMA] = "numa",
    [KC_CONF_NET_MODE] = "net-mode",
    [KC_CONF_EXISTING] = "existing",
    [KC_CONF_CATALOG] = "catalog",
    [KC_CONF_TIMEOUT] = "timeout",
};

_Static_assert(sizeof(key_names) / sizeof(key_names[0]) == KC_CONF_LAST,
               "one name per kc_conf_key");

void kc_config_init(kc_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
}

const char *kc_config_key_name(kc_conf_key key)
{
    return key < KC_CONF_LAST ? key_names[key] : "?";
}

int kc_config_key_lookup(const char *name)
{
    for (int k = 0; k < KC_CONF_LAST; k++) {
        const char *a = key_names[k], *b = name;

        /* '-' and '_' are the same in key names */
        while (*a && (*a == *b || (*a == '-' && *b == '_'))) {
            a++;
            b++;
        }
        if (!*a && !*b)
            return k;
    }
    return -1;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Trim @s in place (spaces, tabs, a CR of a CRLF file) and return its first non-space. */
static char *trim(char *s)
{
    size_t n;

    while (is_space(*s))
        s++;
    n = strlen(s);
    while (n > 0 && is_space(s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* One line, already cut out of the text (no '\n'). */
static int parse_line(kc_config *cfg, char *line, const char *file, unsigned lineno,
                      kc_error *err)
{
    char *eq, *key, *value, *hash;
    int k;

    line = trim(line);
    if (!*line || *line == '#')
        return 0;
    eq = strchr(line, '=');
    /* The line is not shown: a file that is no policy file at all (--config /etc/shadow)
     * must not have its content printed. */
    if (!eq)
        return kc_error_set(err, KC_ERR_INVALID, "%s:%u: not a 'key = value' line", file,
                            lineno);
    *eq = '\0';
    key = trim(line);
    value = eq + 1;
    /* a comment after the value: " # ..." (values never hold '#') */
    for (hash = value; (hash = strchr(hash, '#')) != NULL; hash++)
        if (hash == value || is_space(hash[-1])) {
            *hash = '\0';
            break;
        }
    value = trim(value);
    k = kc_config_key_lookup(key);
    if (k < 0)
        return kc_error_set(err, KC_ERR_INVALID, "%s:%u: unknown key '%.60s'", file, lineno,
                            key);
    {
        size_t n = strlen(value);

        if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
            value[n - 1] = '\0';
            value++;
        }
    }
    if (!*value)
        return kc_error_set(err, KC_ERR_INVALID, "%s:%u: '%s' has no value", file, lineno,
                            key_names[k]);
    if (kc_strlcpy(cfg->value[k], value, sizeof(cfg->value[k])) < 0)
        return kc_error_set(err, KC_ERR_INVALID, "%s:%u: the value of '%s' is too long",
                            file, lineno, key_names[k]);
    if (snprintf(cfg->where[k], sizeof(cfg->where[k]), "%s:%u", file, lineno) >=
        (int)sizeof(cfg->where[k]))
        return kc_error_set(err, KC_ERR_INVALID, "policy file path '%.60s...' is too long",
                            file);
    return 0;
}

int kc_config_parse(kc_config *cfg, const char *text, const char *file, kc_error *err)
{
    char *copy, *line;
    unsigned lineno = 0;
    int ret = -1;

    /* a UTF-8 byte order mark, as some editors write one */
    if (strncmp(text, "\xef\xbb\xbf", 3) == 0)
        text += 3;
    copy = kc_xstrdup(text);
    line = copy;

    while (line) {
        char *nl = strchr(line, '\n');

        if (nl)
            *nl = '\0';
        if (++lineno == 0) {
            kc_error_set(err, KC_ERR_INVALID, "%s: too many lines", file);
            goto out;
        }
        if (parse_line(cfg, line, file, lineno, err) < 0)
            goto out;
        line = nl ? nl + 1 : NULL;
    }
    ret = 0;
 out:
    free(copy);
    return ret;
}

static size_t add_path(char paths[][KC_CONF_WHERE_MAX], size_t n, size_t max,
                       const char *dir, const char *tail)
{
    if (n >= max || !dir || !*dir)
        return n;
    if (snprintf(paths[n], KC_CONF_WHERE_MAX, "%s%s", dir, tail) >= KC_CONF_WHERE_MAX)
        return n;    /* a path that long is not a place we were told about */
    return n + 1;
}

size_t kc_config_default_paths(const char *dirs_env, const char *xdg, const char *home,
                               char paths[][KC_CONF_WHERE_MAX], size_t max)
{
    size_t n = 0;

    if (dirs_env) {
        const char *p = dirs_env;

        while (*p && n < max) {
            size_t len = strcspn(p, ":");
            char dir[KC_CONF_WHERE_MAX];

            if (len > 0 && len < sizeof(dir)) {
                memcpy(dir, p, len);
                dir[len] = '\0';
                n = add_path(paths, n, max, dir, "/kvmcap.conf");
            }
            p += len;
            if (*p == ':')
                p++;
        }
        return n;
    }
    n = add_path(paths, n, max, "/etc", "/kvmcap/kvmcap.conf");
    if (xdg && *xdg)
        n = add_path(paths, n, max, xdg, "/kvmcap/kvmcap.conf");
    else
        n = add_path(paths, n, max, home, "/.config/kvmcap/kvmcap.conf");
    return n;
}

static int load_file(kc_config *cfg, const char *path, bool must_exist, kc_error *err)
{
    struct stat st;
    char *text;
    int ret;

    if (!must_exist && stat(path, &st) < 0 && (errno == ENOENT || errno == ENOTDIR))
        return 0;
    /* a directory, a FIFO or a device is refused by kc_read_file(), at once (exit 3) */
    text = kc_read_file(path, KC_CONF_VALUE_MAX * 4096, NULL, err);
    if (!text)
        return -1;
    ret = kc_config_parse(cfg, text, path, err);
    free(text);
    if (ret == 0 && cfg->n_files < KC_CONF_FILES_MAX)
        kc_strlcpy(cfg->files[cfg->n_files++], path, sizeof(cfg->files[0]));
    return ret;
}

int kc_config_load(kc_config *cfg, const char *explicit_path, kc_error *err)
{
    char paths[KC_CONF_FILES_MAX][KC_CONF_WHERE_MAX];
    size_t n;

    if (explicit_path)
        return load_file(cfg, explicit_path, true, err);
    n = kc_config_default_paths(getenv("KVMCAP_CONFIG_DIRS"), getenv("XDG_CONFIG_HOME"),
                                getenv("HOME"), paths, KC_CONF_FILES_MAX);
    for (size_t i = 0; i < n; i++)
        if (load_file(cfg, paths[i], false, err) < 0)
            return -1;
    return 0;
}

const char *kc_config_policy_field(kc_conf_key key)
{
    static const char *const fields[] = {
        [KC_CONF_OVERCOMMIT] = "overcommit_pct",
        [KC_CONF_RESERVE] = "reserve_mib",
        [KC_CONF_RESERVE_CPUS] = "reserve_cpus",
        [KC_CONF_CPU_RATIO] = "cpu_ratio",
        [KC_CONF_VM_OVERHEAD] = "vm_overhead",
        [KC_CONF_DISK_OVERCOMMIT] = "disk_overcommit_pct",
        [KC_CONF_MAX_UTIL] = "max_util_pct",
        [KC_CONF_PROFILE] = "profile",
        [KC_CONF_NUMA] = "numa",
        [KC_CONF_NET_MODE] = "net_mode",
        [KC_CONF_EXISTING] = "existing",
    };
    _Static_assert(sizeof(fields) / sizeof(fields[0]) == KC_CONF_POLICY_LAST,
                   "one report field per policy key");

    return key < KC_CONF_POLICY_LAST ? fields[key] : "?";
}

/* "FILE:LINE" -> length of FILE (the last ':' separates the line number). */
static size_t file_len(const char *where)
{
    const char *colon = strrchr(where, ':');

    return colon ? (size_t)(colon - where) : strlen(where);
}

char *kc_config_source_line(char *buf, size_t size, const kc_policy_source *src)
{
    bool done[KC_CONF_POLICY_LAST] = { false };
    size_t len = 0;

    if (size == 0)
        return buf;
    buf[0] = '\0';
    for (int k = 0; k < KC_CONF_POLICY_LAST; k++) {
        const char *w = src->from[k];
        size_t flen;

        if (done[k] || !w || strcmp(w, "default") == 0 || strcmp(w, "option") == 0 ||
            strcmp(w, "profile") == 0 || strcmp(w, "sweep") == 0)
            continue;
        /* one group per file, its keys in key order */
        flen = file_len(w);
        len += (size_t)snprintf(len < size ? buf + len : NULL, len < size ? size - len : 0,
                                "%s%.*s:", len ? "; " : "from ", (int)flen, w);
        for (int j = k; j < KC_CONF_POLICY_LAST; j++) {
            const char *o = src->from[j];

            if (done[j] || !o || file_len(o) != flen || strncmp(o, w, flen) != 0)
                continue;
            done[j] = true;
            len += (size_t)snprintf(len < size ? buf + len : NULL,
                                    len < size ? size - len : 0, "%s %s",
                                    j == k ? "" : ",", key_names[j]);
        }
    }
    if (len >= size && size > 4)
        strcpy(buf + size - 4, "...");
    return buf;
}
