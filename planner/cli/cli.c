/* SPDX-License-Identifier: MIT */
/* cli.c: the command line shared by every command: options, policy, errors, exit. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "input/spec.h"
#include "util/util.h"

static const char usage_hint[] = "Try 'kvmcap --help' for more information.";

int kc_cli_fail(const kc_error *err)
{
    fprintf(stderr, "kvmcap: %s\n", kc_term_str(err->msg));   /* C1, 8-bit bytes too */
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
    /* option values are the user's bytes: a control byte must not split the one line or
     * drive the terminal (as kc_error_set does) */
    for (char *p = err->msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
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
    OPT_STRICT, OPT_FORMAT, OPT_CONFIG, OPT_QUIET, OPT_SET, OPT_HOST_MEM, OPT_NIC_SPEED,
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
    { "host-mem", required_argument, NULL, OPT_HOST_MEM },
    { "nic-speed", required_argument, NULL, OPT_NIC_SPEED },
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
        case OPT_HOST_MEM: o->host_mem = optarg; break;
        case OPT_NIC_SPEED: o->nic_speed = optarg; break;
        case 'q':
        case OPT_QUIET: o->quiet = true; break;
        case 'h':
            fputs(help, stdout);
            return 1;
        case 'V':
            printf("kvmcap %s\n", KC_VERSION);
            return 1;
        case ':':
            if (optopt && optopt < 256)    /* a short option: argv may hold a cluster */
                return kc_cli_usage_error(err, "option '-%c' needs a value", optopt);
            return kc_cli_usage_error(err, "option '%s' needs a value", argv[optind - 1]);
        default:
            if (optopt && optopt < 256 && optopt > ' ' && optopt < 0x7f)
                return kc_cli_usage_error(err, "unknown option '-%c'", optopt);
            return kc_cli_usage_error(err, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return kc_cli_usage_error(err, "unexpected argument '%s'", argv[optind]);
    if ((o->host_mem || o->nic_speed) && (!o->command || strcmp(o->command, "sweep") != 0))
        return kc_cli_usage_error(err, "%s is for 'kvmcap sweep'",
                                  o->host_mem ? "--host-mem" : "--nic-speed");
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

/* The command line's text for policy key @k (NULL: not given). */
static const char *cli_value(const kc_cli *o, kc_conf_key k)
{
    switch (k) {
    case KC_CONF_OVERCOMMIT: return o->overcommit;
    case KC_CONF_RESERVE: return o->reserve;
    case KC_CONF_RESERVE_CPUS: return o->reserve_cpus;
    case KC_CONF_CPU_RATIO: return o->cpu_ratio;
    case KC_CONF_VM_OVERHEAD: return o->vm_overhead;
    case KC_CONF_DISK_OVERCOMMIT: return o->disk_overcommit;
    case KC_CONF_MAX_UTIL: return o->max_util;
    case KC_CONF_PROFILE: return o->profile;
    case KC_CONF_NUMA: return o->numa;
    case KC_CONF_NET_MODE: return o->net_mode;
    case KC_CONF_EXISTING: return o->existing;
    case KC_CONF_CATALOG: return o->catalog;
    case KC_CONF_TIMEOUT: return o->timeout;
    case KC_CONF_LAST: break;
    }
    return NULL;
}

static const kc_profile *find_profile(const kc_catalog *cat, const char *name, kc_error *err)
{
    const kc_profile *prof = kc_catalog_profile(cat, name);
    char list[256] = "";

    if (prof)
        return prof;
    for (size_t i = 0; i < cat->n_profiles && strlen(list) < 200; i++) {
        strcat(list, i ? ", " : "");
        strcat(list, cat->profiles[i].name);
    }
    kc_cli_usage_error(err, "unknown profile '%s' (use %s)", name, list);
    return NULL;
}

/* Set policy key @k from @v. @opt names the value in messages ("--overcommit" on the
 * command line, "overcommit" in a file). */
static int set_value(kc_conf_key k, const char *v, const char *opt, const kc_catalog *cat,
                     kc_policy *p, kc_existing *existing, kc_error *err)
{
    static const char *const numa_words[] = { "spread", "strict" };
    static const char *const net_words[] = { "bridge", "nat" };
    static const char *const existing_words[] = { "running", "all", "none" };
    uint64_t n;
    int w = 0;

    switch (k) {
    case KC_CONF_OVERCOMMIT:
        if (kc_spec_parse_percent_bp(v, 1000000, &p->overcommit_bp, err) < 0)
            return kc_cli_opt_error(err, opt);
        return 0;
    case KC_CONF_RESERVE:
        if (kc_spec_parse_size_mib(v, false, true, &p->reserve_mib, err) < 0)
            return kc_cli_opt_error(err, opt);
        return 0;
    case KC_CONF_RESERVE_CPUS:
        if (kc_spec_parse_uint(v, UINT32_MAX, &n, err) < 0)
            return kc_cli_opt_error(err, opt);
        p->reserve_cpus = (uint32_t)n;
        return 0;
    case KC_CONF_CPU_RATIO:
        if (kc_spec_parse_ratio_milli(v, &p->cpu_ratio_milli, err) < 0)
            return kc_cli_opt_error(err, opt);
        return 0;
    case KC_CONF_VM_OVERHEAD:
        if (strcmp(v, "auto") == 0) {
            p->overhead_mode = KC_OVERHEAD_AUTO;
            return 0;
        }
        p->overhead_mode = KC_OVERHEAD_FIXED;
        if (kc_spec_parse_size_mib(v, true, true, &p->overhead_mib, err) < 0)
            return kc_cli_opt_error(err, opt);
        return 0;
    case KC_CONF_DISK_OVERCOMMIT:
        if (kc_spec_parse_percent_bp(v, 1000000, &p->disk_overcommit_bp, err) < 0)
            return kc_cli_opt_error(err, opt);
        return 0;
    case KC_CONF_MAX_UTIL:
        if (kc_spec_parse_percent_bp(v, KC_BP_ONE, &p->max_util_bp, err) < 0)
            return kc_cli_opt_error(err, opt);
        if (p->max_util_bp == 0)
            return kc_cli_usage_error(err, "%s: '%s' leaves nothing to plan", opt, v);
        return 0;
    case KC_CONF_NUMA:
        if (kc_cli_pick(opt, v, numa_words, 2, &w, err) < 0)
            return -1;
        p->numa = (kc_numa_mode)w;
        return 0;
    case KC_CONF_NET_MODE:
        if (kc_cli_pick(opt, v, net_words, 2, &w, err) < 0)
            return -1;
        p->net_mode = (kc_net_mode)w;
        return 0;
    case KC_CONF_EXISTING:
        if (kc_cli_pick(opt, v, existing_words, 3, &w, err) < 0)
            return -1;
        *existing = (kc_existing)w;
        return 0;
    case KC_CONF_PROFILE:
        return find_profile(cat, v, err) ? 0 : -1;
    default:
        break;
    }
    return kc_error_set(err, KC_ERR_INTERNAL, "no policy key %d", (int)k);
}

/* An error in a policy file's value is bad input naming the file and line. */
static int file_error(kc_error *err, const char *where)
{
    char inner[sizeof(err->msg)];

    snprintf(inner, sizeof(inner), "%s", err->msg);
    return kc_error_set(err, KC_ERR_INVALID, "%s: %s", where, inner);
}

static void apply_profile(const kc_profile *prof, kc_policy *p, kc_policy_source *src)
{
    p->overcommit_bp = prof->overcommit_bp;
    p->net_mode = prof->net_mode;
    src->from[KC_CONF_OVERCOMMIT] = "profile";
    src->from[KC_CONF_NET_MODE] = "profile";
}

int kc_cli_build_policy_source(const kc_cli *o, const kc_catalog *cat, kc_policy *p,
                               const char **profile_name, kc_existing *existing,
                               kc_policy_source *source, kc_error *err)
{
    const kc_config *cf = &o->conf;
    const kc_profile *prof = NULL;
    kc_policy_source src;

    kc_policy_init(p);
    p->nat_efficiency_bp = cat->nat_efficiency_bp;
    *profile_name = NULL;
    *existing = KC_EXISTING_RUNNING;
    for (int k = 0; k < KC_CONF_POLICY_LAST; k++)
        src.from[k] = "default";

    /* the policy files: their profile, then their values; every value is checked */
    if (cf->where[KC_CONF_PROFILE][0]) {
        if (!(prof = find_profile(cat, cf->value[KC_CONF_PROFILE], err)))
            return file_error(err, cf->where[KC_CONF_PROFILE]);
        apply_profile(prof, p, &src);
        src.from[KC_CONF_PROFILE] = cf->where[KC_CONF_PROFILE];
    }
    for (int k = 0; k < KC_CONF_POLICY_LAST; k++) {
        if (k == KC_CONF_PROFILE || !cf->where[k][0])
            continue;
        if (set_value((kc_conf_key)k, cf->value[k], kc_config_key_name((kc_conf_key)k), cat, p,
                      existing, err) < 0)
            return file_error(err, cf->where[k]);
        src.from[k] = cf->where[k];
    }
    /* the command line: its profile, then its options */
    if (o->profile) {
        if (!(prof = find_profile(cat, o->profile, err)))
            return -1;
        apply_profile(prof, p, &src);
        src.from[KC_CONF_PROFILE] = "option";
    }
    for (int k = 0; k < KC_CONF_POLICY_LAST; k++) {
        const char *v = cli_value(o, (kc_conf_key)k);
        char opt[32];

        if (k == KC_CONF_PROFILE || !v)
            continue;
        snprintf(opt, sizeof(opt), "--%s", kc_config_key_name((kc_conf_key)k));
        if (set_value((kc_conf_key)k, v, opt, cat, p, existing, err) < 0)
            return -1;
        src.from[k] = "option";
    }
    if (prof)
        *profile_name = prof->name;
    if (source)
        *source = src;
    return 0;
}

int kc_cli_build_policy(const kc_cli *o, const kc_catalog *cat, kc_policy *p,
                        const char **profile_name, kc_existing *existing, kc_error *err)
{
    return kc_cli_build_policy_source(o, cat, p, profile_name, existing, NULL, err);
}

int kc_cli_load_config(kc_cli *o, kc_error *err)
{
    kc_config *cf = &o->conf;

    kc_config_init(cf);
    if (kc_config_load(cf, o->config, err) < 0)
        return -1;
    if (cf->where[KC_CONF_TIMEOUT][0]) {
        uint64_t t;

        if (kc_spec_parse_uint(cf->value[KC_CONF_TIMEOUT], 3600, &t, err) < 0)
            return file_error(err, cf->where[KC_CONF_TIMEOUT]);
        if (t == 0)
            return kc_error_set(err, KC_ERR_INVALID, "%s: timeout '%s' must be at least 1",
                                cf->where[KC_CONF_TIMEOUT], cf->value[KC_CONF_TIMEOUT]);
        if (!o->timeout)
            o->timeout = cf->value[KC_CONF_TIMEOUT];
    }
    /* a relative catalog path is relative to the file that names it */
    if (cf->where[KC_CONF_CATALOG][0] && cf->value[KC_CONF_CATALOG][0] != '/') {
        const char *w = cf->where[KC_CONF_CATALOG], *slash = strrchr(w, '/');
        char path[KC_CONF_VALUE_MAX];

        if (slash &&
            snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - w), w,
                     cf->value[KC_CONF_CATALOG]) >= (int)sizeof(path))
            return kc_error_set(err, KC_ERR_INVALID, "%s: catalog path '%s' is too long", w,
                                cf->value[KC_CONF_CATALOG]);
        if (slash)
            memcpy(cf->value[KC_CONF_CATALOG], path, sizeof(path));
    }
    /* the host catalog is 'kvmcap size's alone; other commands ignore the key */
    if (cf->where[KC_CONF_CATALOG][0] && !o->catalog && o->command &&
        strcmp(o->command, "size") == 0)
        o->catalog = cf->value[KC_CONF_CATALOG];
    return 0;
}

const char *kc_format_name(kc_format f)
{
    static const char *const names[KC_FORMAT_LAST] = { "table", "json", "csv", "prometheus" };

    return f < KC_FORMAT_LAST ? names[f] : "?";
}

int kc_cli_format(const kc_cli *o, unsigned allowed, kc_format *out, kc_error *err)
{
    static const char *const words[KC_FORMAT_LAST] = { "table", "json", "csv", "prometheus" };
    int f = KC_FORMAT_TABLE;

    if (o->format && kc_cli_pick("--format", o->format, words, KC_FORMAT_LAST, &f, err) < 0)
        return -1;
    if (o->json) {
        if (o->format && f != KC_FORMAT_JSON)
            return kc_cli_usage_error(err, "--json and --format %s disagree", o->format);
        f = KC_FORMAT_JSON;
    }
    if (!(allowed & KC_FORMAT_BIT(f))) {
        char list[64] = "";

        for (int i = 0; i < KC_FORMAT_LAST; i++)
            if (allowed & KC_FORMAT_BIT(i)) {
                strcat(list, list[0] ? ", " : "");
                strcat(list, words[i]);
            }
        return kc_cli_usage_error(err, "'%s' does not write --format %s (use %s)",
                                  o->command ? o->command : "fit", words[f], list);
    }
    *out = (kc_format)f;
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
