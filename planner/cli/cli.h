/* SPDX-License-Identifier: MIT */
/* cli.h: what the command line said (kc_cli), and what every command shares: usage errors,
 * formats, the one message funnel and the exit. */
#ifndef KC_CLI_H
#define KC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts/facts.h"
#include "input/catalog.h"
#include "input/config.h"
#include "report/report_format.h"
#include "util/names.h"
#include "kc.h"
#include "stats.h"

#ifndef KC_VERSION
#define KC_VERSION "0.1.0"
#endif

#define KC_CLI_VMS_MAX 64
#define KC_CLI_HOSTS_MAX 64
#define KC_CLI_EFFORT_MAX 64       /* --effort: 64 x the default search (README: seconds) */
#define KC_FILE_MAX (64u << 20)    /* input files above 64 MiB are not ours */

/* Adding an option: doc/hacking.md 5.
 * Everything the command line said: the text of each option (where the option table of
 * options.c stores it), then the values kc_cli_check() parsed from it. */
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
    const char *workload, *catalog, *from_facts, *ha, *growth, *effort;   /* the last ones */
    const char *workloads[KC_CLI_HOSTS_MAX];  /* every --workload: the workload is the sum */
    size_t n_workloads;
    const char *from_facts_files[KC_CLI_HOSTS_MAX];   /* every --from-facts, summed too */
    size_t n_from_facts;
    /* fleet */
    const char *hosts_file, *parallel, *save_facts, *sort;
    bool strict;
    /* sweep: the host's memory and NIC speed as START:END:STEP */
    const char *host_mem, *nic_speed;
    /* record */
    const char *interval, *duration, *out;
    /* demand and rightsize (the recording, window, percentile and host also fit --demand) */
    const char *recording, *demand_file, *since, *until, *percentile, *hostname, *margin;
    const char *target, *headroom, *mem_floor, *idle_cpu, *undersized, *steal;
    /* Prometheus as the demand source (demand, rightsize; doc/prometheus.md) */
    const char *prometheus, *step, *match, *instance, *user, *password_file, *token_file;
    const char *cacert;
    const char *min_days, *horizon;     /* forecast */
    /* output and configuration */
    const char *format, *config;
    bool json, quiet;
    kc_config conf;                     /* the policy files (kc_cli_load_config) */
    /* parsed by kc_cli_check(), before any host is contacted */
    unsigned timeout_s;                 /* --timeout, else the policy file's (default 10) */
    uint64_t check_n;                   /* --check N */
    uint32_t ha_n;                      /* --ha N */
    uint32_t min_days_n, horizon_n;     /* --min-days, --horizon (0: the defaults) */
    uint32_t growth_bp;                 /* --growth PCT */
    uint32_t effort_n;                  /* --effort N (0: the default, 1) */
    unsigned parallel_n;                /* --parallel N (0: the default) */
    kc_fleet_sort sort_key;             /* --sort KEY */
    uint32_t interval_ms;               /* --interval S (default 10 s) */
    uint64_t duration_ms;               /* --duration D (0: until stopped) */
    uint64_t since_ns, until_ns;        /* --since T, --until T (0: open) */
    uint64_t step_ms;                   /* --step D (0: the default, 5 minutes) */
    uint32_t p_bp;                      /* --percentile P (default 95 %) */
    uint32_t margin_bp;                 /* --margin PCT (default 20 %) */
    kc_rightsize_opts rs;               /* --target ... --steal (the core's defaults) */
} kc_cli;

/* Set @err to a usage error (exit 2) and return -1. */
int kc_cli_usage_error(kc_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Turn the message in @err into a usage error "OPT: message" (bad option value). */
int kc_cli_opt_error(kc_error *err, const char *opt);

/* @value must be one of the words of @t; *out gets its value. Else a usage error naming @opt
 * and the words ("bad value 'x' for --numa (use spread, strict)"). */
int kc_cli_pick(const char *opt, const char *value, const kc_names *t, int *out, kc_error *err);

/* The output format: --format WORD or --json (both only if they agree), default table.
 * @allowed has KC_FORMAT_BIT() of the formats the command writes; another is a usage error. */
int kc_cli_format(const kc_cli *cli, unsigned allowed, kc_format *format, kc_error *err);

/* --timeout SECONDS @value (1..3600) into *timeout_s; a usage error naming --timeout. */
int kc_cli_timeout(const char *value, unsigned *timeout_s, kc_error *err);

/* Colour only on a terminal, without NO_COLOR, and not on TERM=dumb. */
bool kc_cli_want_color(void);

/* Print "kvmcap: <msg>" (and, for usage errors, the hint: 'kvmcap @command --help', or
 * 'kvmcap --help' for fit or a NULL @command) on stderr; returns the exit status for @err's
 * code. */
int kc_cli_fail(const kc_error *err, const char *command);

/* Flush stdout and check it: a full disk or closed pipe is exit 4. Returns 0 or 4. */
int kc_cli_finish_stdout(void);

/* Read the whole file @path (or "-" for stdin), at most KC_FILE_MAX bytes. */
char *kc_cli_read_file(const char *path, kc_error *err);

#endif /* KC_CLI_H */
