/* SPDX-License-Identifier: MIT */
/* config.h: the policy file (kvmcap.conf): the defaults an organisation sets once. */
#ifndef KC_CONFIG_H
#define KC_CONFIG_H

#include <stddef.h>

#include "kc.h"

/*
 * The file is lines of "key = value"; blank lines and lines starting with '#' are ignored,
 * and so is " # comment" after a value. Keys are the long option names without "--"
 * ("overcommit", "cpu-ratio"; "cpu_ratio" is accepted too); values are what the option
 * takes ("20", "1g", "4.0", "server"), optionally in double quotes. A key given twice: the
 * later line wins. Files are read in order and later files win over earlier ones:
 *   /etc/kvmcap/kvmcap.conf, then $XDG_CONFIG_HOME/kvmcap/kvmcap.conf (default
 *   ~/.config/kvmcap/kvmcap.conf);
 * or only FILE with --config FILE. $KVMCAP_CONFIG_DIRS (a ':'-separated list of directories,
 * each holding a kvmcap.conf) replaces the two default places; set to the empty string it
 * means no policy file at all (tests use that).
 */

/* Keys of the policy file. The first KC_CONF_POLICY_LAST are policy values (the report says
 * where each came from); the rest are other defaults. */
typedef enum kc_conf_key {
    KC_CONF_OVERCOMMIT,
    KC_CONF_RESERVE,
    KC_CONF_RESERVE_CPUS,
    KC_CONF_CPU_RATIO,
    KC_CONF_VM_OVERHEAD,
    KC_CONF_DISK_OVERCOMMIT,
    KC_CONF_MAX_UTIL,
    KC_CONF_PROFILE,
    KC_CONF_NUMA,
    KC_CONF_NET_MODE,
    KC_CONF_EXISTING,
    KC_CONF_POLICY_LAST,            /* the policy keys end here */
    KC_CONF_CATALOG = KC_CONF_POLICY_LAST,   /* host catalog of 'kvmcap size' (--catalog) */
    KC_CONF_TIMEOUT,                /* libvirt deadline (--timeout) */
    KC_CONF_LAST                    /* sentinel: keep last */
} kc_conf_key;

#define KC_CONF_VALUE_MAX 256
#define KC_CONF_WHERE_MAX 320
#define KC_CONF_FILES_MAX 8

/* What the policy files said: each key's text and "FILE:LINE" of the line that set it. */
typedef struct kc_config {
    char value[KC_CONF_LAST][KC_CONF_VALUE_MAX];
    char where[KC_CONF_LAST][KC_CONF_WHERE_MAX];   /* "" = not set */
    size_t n_files;                                 /* files read (that existed) */
    char files[KC_CONF_FILES_MAX][KC_CONF_WHERE_MAX];
} kc_config;

/* Where each policy value of a report came from: "default", "option" (the command line),
 * "profile" (the profile's figure), or "FILE:LINE" of a policy file. Borrowed strings. */
typedef struct kc_policy_source {
    const char *from[KC_CONF_POLICY_LAST];
} kc_policy_source;

/* The JSON report's policy field a key sets ("overcommit_pct", "reserve_mib", ...). */
const char *kc_config_policy_field(kc_conf_key key);

/* The report's text line for values taken from policy files, e.g.
 * "from /etc/kvmcap/kvmcap.conf: overcommit, max-util" (files in order, ';' between
 * them); an empty string when no value came from a file. Writes into @buf, returns it. */
char *kc_config_source_line(char *buf, size_t size, const kc_policy_source *source);

/* Empty @cfg (nothing set). */
void kc_config_init(kc_config *cfg);

/* The key's name in the file and on the command line without "--" ("cpu-ratio"). */
const char *kc_config_key_name(kc_conf_key key);

/* The key of @name ("cpu-ratio" or "cpu_ratio"); -1 if unknown. */
int kc_config_key_lookup(const char *name);

/* Merge the text of one policy file, named @file in messages, into @cfg (later lines win).
 * Returns 0, or -1 with KC_ERR_INVALID: "FILE:LINE: unknown key 'x'", a line without '=',
 * an empty or too long value. Values are checked later, where they are used. */
int kc_config_parse(kc_config *cfg, const char *text, const char *file, kc_error *err);

/* The default places, in reading order, from @dirs_env ($KVMCAP_CONFIG_DIRS, may be NULL),
 * @xdg ($XDG_CONFIG_HOME, may be NULL) and @home ($HOME, may be NULL). Writes at most @max
 * paths into @paths; returns how many. */
size_t kc_config_default_paths(const char *dirs_env, const char *xdg, const char *home,
                               char paths[][KC_CONF_WHERE_MAX], size_t max);

/* Read the policy files into @cfg: @explicit_path alone (--config; it must exist: else
 * KC_ERR_HOST), or the default places from the environment (a missing file is skipped, an
 * unreadable one is KC_ERR_HOST). Returns 0 or -1 with @err. */
int kc_config_load(kc_config *cfg, const char *explicit_path, kc_error *err);

#endif /* KC_CONFIG_H */
