/* SPDX-License-Identifier: MIT */
/* cli.h: the command line shared by every command: options, policy, errors, exit. */
#ifndef KC_CLI_H
#define KC_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "facts/facts.h"
#include "input/catalog.h"
#include "input/config.h"
#include "kc.h"

#ifndef KC_VERSION
#define KC_VERSION "0.1.0"
#endif

#define KC_CLI_VMS_MAX 64
#define KC_CLI_HOSTS_MAX 64
#define KC_FILE_MAX (64u << 20)    /* input files above 64 MiB are not ours */

/* Adding an option: doc/hacking.md 5.
 * Everything the command line said, as text until the catalog is loaded. Every command
 * accepts the same options; each command checks which ones it takes (kc_cmd_*). */
typedef struct kc_cli {
    const char *command;                /* "fit", "facts", "size", ... */
    const char *uri;                    /* -c/--connect (last one) */
    const char *uris[KC_CLI_HOSTS_MAX]; /* every -c, in order (fleet) */
    size_t n_uris;
    const char *host_spec;              /* --host (last one) */
    const char *hosts[KC_CLI_HOSTS_MAX];/* every --host, in order (size candidates) */
    size_t n_hosts;
    const char *facts_file;
    const char *set;                    /* --set KEYS: override collected facts */
    const char *vms[KC_CLI_VMS_MAX];
    size_t n_vms;
    /* policy */
    const char *overcommit, *reserve, *reserve_cpus, *cpu_ratio, *vm_overhead;
    const char *disk_overcommit, *max_util, *profile, *numa, *net_mode, *existing;
    /* fit */
    const char *check, *timeout;
    /* size */
    const char *workload, *catalog, *from_facts, *ha, *growth;
    /* fleet */
    const char *hosts_file, *parallel, *save_facts, *sort;
    bool strict;
    /* sweep: the host's memory and NIC speed as START:END:STEP */
    const char *host_mem, *nic_speed;
    /* output and configuration */
    const char *format, *config;
    bool json, quiet;
    kc_config conf;                     /* the policy files (kc_cli_load_config) */
} kc_cli;

/* Output formats (--format; --json is --format json). Adding one: doc/hacking.md 3. */
typedef enum kc_format {
    KC_FORMAT_TABLE,
    KC_FORMAT_JSON,
    KC_FORMAT_CSV,
    KC_FORMAT_PROMETHEUS,
    KC_FORMAT_LAST                      /* sentinel: keep last */
} kc_format;

#define KC_FORMAT_BIT(f) (1u << (f))

/* Parse argv[first..] into @cli. Prints @help on --help and the version on --version.
 * Returns 0 to go on, 1 when help or version was printed, -1 with @err (KC_ERR_USAGE). */
int kc_cli_parse(int argc, char **argv, int first, const char *help, kc_cli *cli, kc_error *err);

/* Set @err to a usage error (exit 2) and return -1. */
int kc_cli_usage_error(kc_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Turn the message in @err into a usage error "OPT: message" (bad option value). */
int kc_cli_opt_error(kc_error *err, const char *opt);

/* @value must be one of @n @words; *out gets its index. Else a usage error naming @opt. */
int kc_cli_pick(const char *opt, const char *value, const char *const *words, int n, int *out,
                kc_error *err);

/* Read the policy files (--config FILE, else the default places: see config.h) into
 * cli->conf, and take the non-policy defaults they set (catalog, timeout) where the command
 * line gave none. Returns 0, or -1 with @err (KC_ERR_INVALID for a bad file, KC_ERR_HOST for
 * one that cannot be read). */
int kc_cli_load_config(kc_cli *cli, kc_error *err);

/* The policy: defaults, then the policy files' profile and values, then the command line's
 * profile and options (each layer's explicit values win over its profile). Every value of
 * the files is checked, used or not (KC_ERR_INVALID naming FILE:LINE); option values are
 * usage errors. Borrowed *profile_name points into @cat. */
int kc_cli_build_policy(const kc_cli *cli, const kc_catalog *cat, kc_policy *policy,
                        const char **profile_name, kc_existing *existing, kc_error *err);

/* The same, and where each value came from (@source may be NULL; its strings are borrowed
 * from @cli). */
int kc_cli_build_policy_source(const kc_cli *cli, const kc_catalog *cat, kc_policy *policy,
                               const char **profile_name, kc_existing *existing,
                               kc_policy_source *source, kc_error *err);

/* The output format: --format WORD or --json (both only if they agree), default table.
 * @allowed has KC_FORMAT_BIT() of the formats the command writes; another is a usage error. */
int kc_cli_format(const kc_cli *cli, unsigned allowed, kc_format *format, kc_error *err);
const char *kc_format_name(kc_format format);

/* --timeout SECONDS (default 10, 1..3600). */
int kc_cli_timeout(const kc_cli *cli, unsigned *timeout_s, kc_error *err);

/* Colour only on a terminal, without NO_COLOR, and not on TERM=dumb. */
bool kc_cli_want_color(void);

/* Print "kvmcap: <msg>" (and the --help hint for usage errors) on stderr; returns the exit
 * status for @err's code. */
int kc_cli_fail(const kc_error *err);

/* Flush stdout and check it: a full disk or closed pipe is exit 4. Returns 0 or 4. */
int kc_cli_finish_stdout(void);

/* Read the whole file @path (or "-" for stdin), at most KC_FILE_MAX bytes. */
char *kc_cli_read_file(const char *path, kc_error *err);

#endif /* KC_CLI_H */
