/* SPDX-License-Identifier: MIT */
/* cli.c: the command line shared by every command: options, policy, errors, exit. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "spec.h"
#include "util.h"

static const char usage_hint[] = "Try 'kvmcap --help' for more information.";

int kc_cli_fail(const kc_error *err)
{
    fprintf(stderr, "kvmcap: %s\n", err->msg);
    if (err->code == KC_ERR_USAGE)
        fprintf(stderr, "%s\n", usage_hint);
    return err->code > KC_ERR_NONE && err->code < KC_ERR_LAST ? (int)err->code : KC_ERR_INTERNAL;
}

int kc_cli_usage_error(kc_error *err, const char *fmt, ...)
{
    va_list ap;

    err->code = KC_ERR_USAGE;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

int kc_cli_finish_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "kvmcap: cannot write the report: %s\n", strerror(errno ? errno : EIO));
        return KC_ERR_HOST;
    }
    return 0;
}

char *kc_cli_read_file(const char *path, kc_error *err)
{
    return kc_read_file(path, KC_FILE_MAX, NULL, err);
}

enum {
    OPT_HOST = 256, OPT_FACTS, OPT_VM, OPT_OVERCOMMIT, OPT_RESERVE, OPT_RESERVE_CPUS,
    OPT_CPU_RATIO, OPT_VM_OVERHEAD, OPT_DISK_OVERCOMMIT, OPT_MAX_UTIL, OPT_PROFILE, OPT_NUMA,
    OPT_NET_MODE, OPT_EXISTING, OPT_JSON, OPT_CHECK, OPT_TIMEOUT, OPT_WORKLOAD, OPT_CATALOG,
    OPT_FROM_FACTS, OPT_HA, OPT_GROWTH, OPT_HOSTS_FILE, OPT_PARALLEL, OPT_SAVE_FACTS, OPT_SORT,
    OPT_STRICT, OPT_FORMAT, OPT_CONFIG, OPT_QUIET, OPT_SET,
};

static const struct option long_options[] = {
    { "connect", required_argument, NULL, 'c' },
    { "host", required_argument, NULL, OPT_HOST },
    { "facts", required_argument, NULL, OPT_FACTS },
    { "set", required_argument, NULL, OPT_SET },
    { "vm", required_argument, NULL, OPT_VM },
    { "overcommit", required_argument, NULL, OPT_OVERCOMMIT },
    { "reserve", required_argument, NULL, OPT_RESERVE },
    { "reserve-cpus", required_argument, NULL, OPT_RESERVE_CPUS },
    { "cpu-ratio", required_argument, NULL, OPT_CPU_RATIO },
    { "vm-overhead", required_argument, NULL, OPT_VM_OVERHEAD },
    { "disk-overcommit", required_argument, NULL, OPT_DISK_OVERCOMMIT },
    { "max-util", required_argument, NULL, OPT_MAX_UTIL },
    { "profile", required_argument, NULL, OPT_PROFILE },
    { "numa", required_argument, NULL, OPT_NUMA },
    { "net-mode", required_argument, NULL, OPT_NET_MODE },
    { "existing", required_argument, NULL, OPT_EXISTING },
    { "json", no_argument, NULL, OPT_JSON },
    { "check", required_argument, NULL, OPT_CHECK },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "workload", required_argument, NULL, OPT_WORKLOAD },
    { "catalog", required_argument, NULL, OPT_CATALOG },
    { "from-facts", required_argument, NULL, OPT_FROM_FACTS },
    { "ha", required_argument, NULL, OPT_HA },
    { "growth", required_argument, NULL, OPT_GROWTH },
    { "hosts", required_argument, NULL, OPT_HOSTS_FILE },
    { "parallel", required_argument, NULL, OPT_PARALLEL },
    { "save-facts", required_argument, NULL, OPT_SAVE_FACTS },
    { "sort", required_argument, NULL, OPT_SORT },
    { "strict", no_argument, NULL, OPT_STRICT },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "config", required_argument, NULL, OPT_CONFIG },
    { "quiet", no_argument, NULL, OPT_QUIET },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
};

int kc_cli_parse(int argc, char **argv, int first, const char *help, kc_cli *o, kc_error *err)
{
    int c;

    optind = first;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":c:hqV", long_options, NULL)) != -1) {
        switch (c) {
        case 'c':
            if (o->n_uris == KC_CLI_HOSTS_MAX)
                return kc_cli_usage_error(err, "too many -c (at most %d; use --hosts FILE)",
                                          KC_CLI_HOSTS_MAX);
            o->uris[o->n_uris++] = optarg;
            o->uri = optarg;
            break;
        case OPT_HOST:
            if (o->n_hosts == KC_CLI_HOSTS_MAX)
                return kc_cli_usage_error(err, "too many --host (at most %d)", KC_CLI_HOSTS_MAX);
            o->hosts[o->n_hosts++] = optarg;
            o->host_spec = optarg;
            break;
        case OPT_FACTS: o->facts_file = optarg; break;
        case OPT_SET: o->set = optarg; break;
        case OPT_VM:
            if (o->n_vms == KC_CLI_VMS_MAX)
                return kc_cli_usage_error(err, "too many --vm (at most %d)", KC_CLI_VMS_MAX);
            o->vms[o->n_vms++] = optarg;
            break;
        case OPT_OVERCOMMIT: o->overcommit = optarg; break;
        case OPT_RESERVE: o->reserve = optarg; break;
        case OPT_RESERVE_CPUS: o->reserve_cpus = optarg; break;
        case OPT_CPU_RATIO: o->cpu_ratio = optarg; break;
        case OPT_VM_OVERHEAD: o->vm_overhead = optarg; break;
        case OPT_DISK_OVERCOMMIT: o->disk_overcommit = optarg; break;
        case OPT_MAX_UTIL: o->max_util = optarg; break;
        case OPT_PROFILE: o->profile = optarg; break;
        case OPT_NUMA: o->numa = optarg; break;
        case OPT_NET_MODE: o->net_mode = optarg; break;
        case OPT_EXISTING: o->existing = optarg; break;
        case OPT_JSON: o->json = true; break;
        case OPT_CHECK: o->check = optarg; break;
        case OPT_TIMEOUT: o->timeout = optarg; break;
        case OPT_WORKLOAD: o->workload = optarg; break;
        case OPT_CATALOG: o->catalog = optarg; break;
        case OPT_FROM_FACTS: o->from_facts = optarg; break;
        case OPT_HA: o->ha = optarg; break;
        case OPT_GROWTH: o->growth = optarg; break;
        case OPT_HOSTS_FILE: o->hosts_file = optarg; break;
        case OPT_PARALLEL: o->parallel = optarg; break;
        case OPT_SAVE_FACTS: o->save_facts = optarg; break;
        case OPT_SORT: o->sort = optarg; break;
        case OPT_STRICT: o->strict = true; break;
        case OPT_FORMAT: o->format = optarg; break;
        case OPT_CONFIG: o->config = optarg; break;
        case 'q':
        case OPT_QUIET: o->quiet = true; break;
        case 'h':
            fputs(help, stdout);
            return 1;
        case 'V':
            printf("kvmcap %s\n", KC_VERSION);
            return 1;
        case ':':
            return kc_cli_usage_error(err, "option '%s' needs a value", argv[optind - 1]);
        default:
            return kc_cli_usage_error(err, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return kc_cli_usage_error(err, "unexpected argument '%s'", argv[optind]);
    return 0;
}

/* Parse one keyword option against its allowed words. */
int kc_cli_pick(const char *opt, const char *value, const char *const *words, int n, int *out,
                kc_error *err)
{
    char list[128] = "";

    for (int i = 0; i < n; i++) {
        if (strcmp(value, words[i]) == 0) {
            *out = i;
            return 0;
        }
        strcat(list, i ? ", " : "");
        strcat(list, words[i]);
    }
    return kc_cli_usage_error(err, "bad value '%s' for %s (use %s)", value, opt, list);
}

/* Option values are usage errors (exit 2), naming the option and the value. */
int kc_cli_opt_error(kc_error *err, const char *opt)
{
    char inner[256];

    snprintf(inner, sizeof(inner), "%s", err->msg);
    return kc_cli_usage_error(err, "%s: %s", opt, inner);
}

int kc_cli_build_policy(const kc_cli *o, const kc_catalog *cat, kc_policy *p,
                        const char **profile_name, kc_existing *existing, kc_error *err)
{
    static const char *const numa_words[] = { "spread", "strict" };
    static const char *const net_words[] = { "bridge", "nat" };
    static const char *const existing_words[] = { "running", "all", "none" };
    int v = 0;

    kc_policy_init(p);
    p->nat_efficiency_bp = cat->nat_efficiency_bp;
    *profile_name = NULL;
    /* the profile first, explicit options win over it */
    if (o->profile) {
        const kc_profile *prof = kc_catalog_profile(cat, o->profile);

        if (!prof) {
            char list[256] = "";

            for (size_t i = 0; i < cat->n_profiles && strlen(list) < 200; i++) {
                strcat(list, i ? ", " : "");
                strcat(list, cat->profiles[i].name);
            }
            return kc_cli_usage_error(err, "unknown profile '%s' (use %s)", o->profile, list);
        }
        p->overcommit_bp = prof->overcommit_bp;
        p->net_mode = prof->net_mode;
        *profile_name = prof->name;
    }
    if (o->overcommit && kc_spec_parse_percent_bp(o->overcommit, 1000000, &p->overcommit_bp, err) < 0)
        return kc_cli_opt_error(err, "--overcommit");
    if (o->reserve && kc_spec_parse_size_mib(o->reserve, false, true, &p->reserve_mib, err) < 0)
        return kc_cli_opt_error(err, "--reserve");
    if (o->reserve_cpus) {
        uint64_t n;

        if (kc_spec_parse_uint(o->reserve_cpus, UINT32_MAX, &n, err) < 0)
            return kc_cli_opt_error(err, "--reserve-cpus");
        p->reserve_cpus = (uint32_t)n;
    }
    if (o->cpu_ratio && kc_spec_parse_ratio_milli(o->cpu_ratio, &p->cpu_ratio_milli, err) < 0)
        return kc_cli_opt_error(err, "--cpu-ratio");
    if (o->vm_overhead) {
        if (strcmp(o->vm_overhead, "auto") == 0)
            p->overhead_mode = KC_OVERHEAD_AUTO;
        else if (kc_spec_parse_size_mib(o->vm_overhead, true, true, &p->overhead_mib, err) < 0)
            return kc_cli_opt_error(err, "--vm-overhead");
    }
    if (o->disk_overcommit &&
        kc_spec_parse_percent_bp(o->disk_overcommit, 1000000, &p->disk_overcommit_bp, err) < 0)
        return kc_cli_opt_error(err, "--disk-overcommit");
    if (o->max_util) {
        if (kc_spec_parse_percent_bp(o->max_util, KC_BP_ONE, &p->max_util_bp, err) < 0)
            return kc_cli_opt_error(err, "--max-util");
        if (p->max_util_bp == 0)
            return kc_cli_usage_error(err, "--max-util: '%s' leaves nothing to plan", o->max_util);
    }
    if (o->numa) {
        if (kc_cli_pick("--numa", o->numa, numa_words, 2, &v, err) < 0)
            return -1;
        p->numa = (kc_numa_mode)v;
    }
    if (o->net_mode) {
        if (kc_cli_pick("--net-mode", o->net_mode, net_words, 2, &v, err) < 0)
            return -1;
        p->net_mode = (kc_net_mode)v;
    }
    *existing = KC_EXISTING_RUNNING;
    if (o->existing) {
        if (kc_cli_pick("--existing", o->existing, existing_words, 3, &v, err) < 0)
            return -1;
        *existing = (kc_existing)v;
    }
    return 0;
}

int kc_cli_timeout(const kc_cli *o, unsigned *timeout_s, kc_error *err)
{
    uint64_t t = 10;

    if (o->timeout && (kc_spec_parse_uint(o->timeout, 3600, &t, err) < 0 || t == 0)) {
        if (t == 0)
            kc_error_set(err, KC_ERR_USAGE, "'%s' must be at least 1", o->timeout);
        return kc_cli_opt_error(err, "--timeout");
    }
    *timeout_s = (unsigned)t;
    return 0;
}

bool kc_cli_want_color(void)
{
    const char *term = getenv("TERM");

    return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && term && strcmp(term, "dumb") != 0;
}
