/* SPDX-License-Identifier: MIT */
/* main.c: the kvmcap program: options, host source, exit codes, and all printing. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "facts.h"
#include "facts_json.h"
#include "facts_libvirt.h"
#include "fit.h"
#include "report.h"
#include "report_facts.h"
#include "report_size.h"
#include "size.h"
#include "spec.h"
#include "util.h"
#include "workload_json.h"

#ifndef KC_VERSION
#define KC_VERSION "0.1.0"
#endif

#define KC_VMS_MAX 64
#define KC_HOSTS_MAX 64
#define KC_FILE_MAX (64u << 20)    /* facts files above 64 MiB are not facts */

static const char usage_hint[] = "Try 'kvmcap --help' for more information.";

static const char help_fit[] =
    "Usage: kvmcap [fit] [HOST] --vm SPEC [--vm SPEC ...] [POLICY] [--json] [--check N]\n"
    "       kvmcap facts [HOST] [--json]\n"
    "       kvmcap --version | --help\n"
    "\n"
    "How many more VMs of a shape fit on a host, and which resource stops them.\n"
    "\n"
    "Host (one of; default: the local libvirt daemon read-only, else libvirt's\n"
    "embedded QEMU driver):\n"
    "  -c, --connect URI      a libvirt URI, read-only (honours LIBVIRT_DEFAULT_URI)\n"
    "      --host SPEC        a described host: 8c8g, 32c256g,nic=2x10g,disk=4xssd:1.92t,\n"
    "                         storage=iscsi-10g:20t,numa=2,hugepages=16g,price=N,name=X\n"
    "      --facts FILE       a facts file written by 'kvmcap facts --json'\n"
    "      --timeout S        deadline for libvirt, connecting included (default 10)\n"
    "\n"
    "VMs:\n"
    "      --vm SPEC[:COUNT]  1c1g, 2c4g,disk=40g,iops=200,mbps=50,net=100m,cpu=25%,\n"
    "                         8c32g,hugepages, or a flavor (m1.small); with :COUNT the\n"
    "                         VMs are placed first and the other shapes fit around them\n"
    "\n"
    "Policy (the same on fit, size and fleet):\n"
    "      --profile P        server (overcommit 20 %, bridge) or desktop (50 %, nat)\n"
    "      --overcommit PCT   memory overcommit (default 0)\n"
    "      --reserve SIZE     memory kept by the hypervisor (default 512m)\n"
    "      --reserve-cpus N   logical CPUs kept by the host (default 0)\n"
    "      --cpu-ratio R      vCPUs per logical CPU (default 4.0)\n"
    "      --vm-overhead X    per-VM memory overhead: SIZE or auto (default 0)\n"
    "      --disk-overcommit PCT  thin provisioning of disk space (default 0)\n"
    "      --max-util PCT     plan no resource above this share (default 100)\n"
    "      --numa MODE        spread (default) or strict (a VM fits inside one node)\n"
    "      --net-mode MODE    bridge (default) or nat\n"
    "      --existing WHICH   existing VMs that count: running (default), all, none\n"
    "\n"
    "Output:\n"
    "      --json             the versioned JSON report\n"
    "      --check N          exit 1 if fewer than N VMs of any shape fit\n"
    "  -h, --help             this help\n"
    "  -V, --version          the version\n"
    "\n"
    "Exit status: 0 ok, 1 fewer fit than --check asked, 2 usage, 3 bad input (spec,\n"
    "file), 4 host, libvirt or I/O error, 5 internal error.\n";

static const char help_size[] =
    "Usage: kvmcap size (--vm SPEC:COUNT ... | --workload FILE | --from-facts FILE)\n"
    "                   [--host SPEC ... | --catalog FILE] [--ha N] [--growth PCT]\n"
    "                   [POLICY] [--json]\n"
    "\n"
    "What to buy: for each candidate host model, how many hosts hold the workload\n"
    "(vector bin packing over memory, vCPUs and every resource a shape asks for),\n"
    "what they cost, and which is the best buy. Candidates come from --host SPEC\n"
    "(repeatable; price=N and name=X keys), --catalog FILE, or data/hosts.json.\n"
    "\n"
    "      --vm SPEC:COUNT    a shape and how many (repeatable)\n"
    "      --workload FILE    {\"workload\": [{\"name\": .., \"vm\": \"2c4g\", \"count\": 200}]}\n"
    "      --from-facts FILE  the VMs a host runs today (consolidation)\n"
    "      --ha N             host failures tolerated: N spare hosts (default 0)\n"
    "      --growth PCT       grow every count by PCT (default 0)\n"
    "      --max-util PCT     plan no host above PCT of any resource (default 100)\n"
    "      and the policy options of 'kvmcap --help' (overcommit, reserve, cpu ratio, ...)\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 bad input (spec, file, a VM that fits on no\n"
    "candidate), 4 I/O error.\n";

static const char help_facts[] =
    "Usage: kvmcap facts [-c URI | --host SPEC | --facts FILE] [--timeout S] [--json]\n"
    "\n"
    "What kvmcap sees of a host: CPUs and topology, memory, NUMA nodes, hugepages,\n"
    "NICs and speeds, networks and their modes, storage pools and disk types, and the\n"
    "existing VMs. '--json' writes the facts file that '--facts FILE' reads, so a\n"
    "host can be planned on another machine.\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 bad input, 4 host, libvirt or I/O error.\n";

typedef enum command {
    CMD_FIT,
    CMD_FACTS,
    CMD_SIZE,
    CMD_LAST
} command;

/* Everything the command line said, as text until the catalog is loaded. */
typedef struct options {
    command cmd;
    const char *uri;
    const char *host_spec;
    const char *facts_file;
    const char *vms[KC_VMS_MAX];
    size_t n_vms;
    const char *overcommit, *reserve, *reserve_cpus, *cpu_ratio, *vm_overhead;
    const char *disk_overcommit, *max_util, *profile, *numa, *net_mode, *existing;
    const char *check, *timeout;
    const char *hosts[KC_HOSTS_MAX];    /* size: candidate specs */
    size_t n_hosts;
    const char *workload, *catalog, *from_facts, *ha, *growth;
    bool json;
} options;

/* The single exit funnel for errors: one line on stderr, a status from the error code. */
static int fail(const kc_error *err)
{
    fprintf(stderr, "kvmcap: %s\n", err->msg);
    if (err->code == KC_ERR_USAGE)
        fprintf(stderr, "%s\n", usage_hint);
    return err->code > KC_ERR_NONE && err->code < KC_ERR_LAST ? (int)err->code : KC_ERR_INTERNAL;
}

static int usage_error(kc_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(kc_error *err, const char *fmt, ...)
{
    va_list ap;

    err->code = KC_ERR_USAGE;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

/* stdout must really have been written: a full disk or a closed pipe is an error. */
static int finish_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "kvmcap: cannot write the report: %s\n", strerror(errno ? errno : EIO));
        return KC_ERR_HOST;
    }
    return 0;
}

enum {
    OPT_HOST = 256, OPT_FACTS, OPT_VM, OPT_OVERCOMMIT, OPT_RESERVE, OPT_RESERVE_CPUS,
    OPT_CPU_RATIO, OPT_VM_OVERHEAD, OPT_DISK_OVERCOMMIT, OPT_MAX_UTIL, OPT_PROFILE, OPT_NUMA,
    OPT_NET_MODE, OPT_EXISTING, OPT_JSON, OPT_CHECK, OPT_TIMEOUT, OPT_WORKLOAD, OPT_CATALOG,
    OPT_FROM_FACTS, OPT_HA, OPT_GROWTH,
};

static const struct option long_options[] = {
    { "connect", required_argument, NULL, 'c' },
    { "host", required_argument, NULL, OPT_HOST },
    { "facts", required_argument, NULL, OPT_FACTS },
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
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
};

/* Returns 0 to go on, 1 when --help/--version was printed, -1 with @err. */
static int parse_args(int argc, char **argv, options *o, kc_error *err)
{
    int c, first = 1;

    memset(o, 0, sizeof(*o));
    o->cmd = CMD_FIT;
    if (argc > 1 && argv[1][0] != '-') {
        if (strcmp(argv[1], "fit") == 0) {
            first = 2;
        } else if (strcmp(argv[1], "facts") == 0) {
            o->cmd = CMD_FACTS;
            first = 2;
        } else if (strcmp(argv[1], "size") == 0) {
            o->cmd = CMD_SIZE;
            first = 2;
        } else if (strcmp(argv[1], "fleet") == 0) {
            return usage_error(err, "'%s' is not available in this version yet", argv[1]);
        } else {
            return usage_error(err, "unknown command '%s' (commands: fit, facts, size)", argv[1]);
        }
    }
    optind = first;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":c:hV", long_options, NULL)) != -1) {
        switch (c) {
        case 'c': o->uri = optarg; break;
        case OPT_HOST:
            if (o->n_hosts == KC_HOSTS_MAX)
                return usage_error(err, "too many --host (at most %d)", KC_HOSTS_MAX);
            o->hosts[o->n_hosts++] = optarg;
            o->host_spec = optarg;
            break;
        case OPT_WORKLOAD: o->workload = optarg; break;
        case OPT_CATALOG: o->catalog = optarg; break;
        case OPT_FROM_FACTS: o->from_facts = optarg; break;
        case OPT_HA: o->ha = optarg; break;
        case OPT_GROWTH: o->growth = optarg; break;
        case OPT_FACTS: o->facts_file = optarg; break;
        case OPT_VM:
            if (o->n_vms == KC_VMS_MAX)
                return usage_error(err, "too many --vm (at most %d)", KC_VMS_MAX);
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
        case 'h':
            fputs(o->cmd == CMD_FACTS ? help_facts : o->cmd == CMD_SIZE ? help_size : help_fit,
                  stdout);
            return 1;
        case 'V':
            printf("kvmcap %s\n", KC_VERSION);
            return 1;
        case ':':
            return usage_error(err, "option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error(err, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error(err, "unexpected argument '%s'", argv[optind]);
    if (o->cmd == CMD_SIZE) {
        if (o->uri || o->facts_file || o->check || o->existing)
            return usage_error(err, "'size' takes candidates (--host, --catalog), not %s",
                               o->uri ? "-c" : o->facts_file ? "--facts (use --from-facts)" :
                               o->check ? "--check" : "--existing");
        if (o->n_hosts && o->catalog)
            return usage_error(err, "give candidates with --host or --catalog, not both");
        if (o->n_vms == 0 && !o->workload && !o->from_facts)
            return usage_error(err, "no workload given (use --vm SPEC:COUNT, --workload FILE "
                                    "or --from-facts FILE)");
        return 0;
    }
    if (o->workload || o->catalog || o->from_facts || o->ha || o->growth)
        return usage_error(err, "%s is for 'kvmcap size'",
                           o->workload ? "--workload" : o->catalog ? "--catalog" :
                           o->from_facts ? "--from-facts" : o->ha ? "--ha" : "--growth");
    if (o->n_hosts > 1)
        return usage_error(err, "give one --host (several are for 'kvmcap size')");
    if (!!o->uri + !!o->host_spec + !!o->facts_file > 1)
        return usage_error(err, "give one host source: -c URI, --host SPEC or --facts FILE");
    if (o->cmd == CMD_FIT && o->n_vms == 0)
        return usage_error(err, "no VM shape given (use --vm SPEC, e.g. --vm 1c1g)");
    if (o->cmd == CMD_FACTS && o->n_vms > 0)
        return usage_error(err, "'facts' takes no --vm");
    return 0;
}

/* Parse one keyword option against its allowed words. */
static int pick(const char *opt, const char *value, const char *const *words, int n, int *out,
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
    return usage_error(err, "bad value '%s' for %s (use %s)", value, opt, list);
}

/* Option values are usage errors (exit 2), naming the option and the value. */
static int opt_error(kc_error *err, const char *opt)
{
    char inner[256];

    snprintf(inner, sizeof(inner), "%s", err->msg);
    return usage_error(err, "%s: %s", opt, inner);
}

static int build_policy(const options *o, const kc_catalog *cat, kc_policy *p,
                        const char **profile_name, kc_existing *existing, kc_error *err)
{
    static const char *const numa_words[] = { "spread", "strict" };
    static const char *const net_words[] = { "bridge", "nat" };
    static const char *const existing_words[] = { "running", "all", "none" };
    int v;

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
            return usage_error(err, "unknown profile '%s' (use %s)", o->profile, list);
        }
        p->overcommit_bp = prof->overcommit_bp;
        p->net_mode = prof->net_mode;
        *profile_name = prof->name;
    }
    if (o->overcommit && kc_spec_parse_percent_bp(o->overcommit, 1000000, &p->overcommit_bp, err) < 0)
        return opt_error(err, "--overcommit");
    if (o->reserve && kc_spec_parse_size_mib(o->reserve, false, true, &p->reserve_mib, err) < 0)
        return opt_error(err, "--reserve");
    if (o->reserve_cpus) {
        uint64_t n;

        if (kc_spec_parse_uint(o->reserve_cpus, UINT32_MAX, &n, err) < 0)
            return opt_error(err, "--reserve-cpus");
        p->reserve_cpus = (uint32_t)n;
    }
    if (o->cpu_ratio && kc_spec_parse_ratio_milli(o->cpu_ratio, &p->cpu_ratio_milli, err) < 0)
        return opt_error(err, "--cpu-ratio");
    if (o->vm_overhead) {
        if (strcmp(o->vm_overhead, "auto") == 0)
            p->overhead_mode = KC_OVERHEAD_AUTO;
        else if (kc_spec_parse_size_mib(o->vm_overhead, true, true, &p->overhead_mib, err) < 0)
            return opt_error(err, "--vm-overhead");
    }
    if (o->disk_overcommit &&
        kc_spec_parse_percent_bp(o->disk_overcommit, 1000000, &p->disk_overcommit_bp, err) < 0)
        return opt_error(err, "--disk-overcommit");
    if (o->max_util) {
        if (kc_spec_parse_percent_bp(o->max_util, KC_BP_ONE, &p->max_util_bp, err) < 0)
            return opt_error(err, "--max-util");
        if (p->max_util_bp == 0)
            return usage_error(err, "--max-util: '%s' leaves nothing to plan", o->max_util);
    }
    if (o->numa) {
        if (pick("--numa", o->numa, numa_words, 2, &v, err) < 0)
            return -1;
        p->numa = (kc_numa_mode)v;
    }
    if (o->net_mode) {
        if (pick("--net-mode", o->net_mode, net_words, 2, &v, err) < 0)
            return -1;
        p->net_mode = (kc_net_mode)v;
    }
    *existing = KC_EXISTING_RUNNING;
    if (o->existing) {
        if (pick("--existing", o->existing, existing_words, 3, &v, err) < 0)
            return -1;
        *existing = (kc_existing)v;
    }
    return 0;
}

static int parse_timeout(const options *o, unsigned *timeout_s, kc_error *err)
{
    uint64_t t = 10;

    if (o->timeout && (kc_spec_parse_uint(o->timeout, 3600, &t, err) < 0 || t == 0)) {
        if (t == 0)
            kc_error_set(err, KC_ERR_USAGE, "'%s' must be at least 1", o->timeout);
        return opt_error(err, "--timeout");
    }
    *timeout_s = (unsigned)t;
    return 0;
}

/* Fill @facts from the host source the options name. */
static int load_facts(const options *o, const kc_catalog *cat, kc_facts *facts, kc_error *err)
{
    if (o->host_spec) {
        if (kc_spec_parse_host(o->host_spec, cat, facts, err) < 0)
            return -1;
        /* the report names a described host by its name= or its spec */
        if (!facts->name[0] && kc_strlcpy(facts->name, o->host_spec, sizeof(facts->name)) < 0)
            kc_strlcpy(facts->name, "spec", sizeof(facts->name));
        return 0;
    }
    if (o->facts_file) {
        char *text = kc_read_file(o->facts_file, KC_FILE_MAX, NULL, err);
        int ret;

        if (!text)
            return -1;
        ret = kc_facts_from_json(text, o->facts_file, facts, err);
        free(text);
        return ret;
    }
    {
        kc_collect_opts co = { .uri = o->uri, .timeout_s = 10, .sysroot = getenv("KVMCAP_SYSROOT") };

        if (parse_timeout(o, &co.timeout_s, err) < 0)
            return -1;
        return kc_libvirt_collect(&co, facts, err);
    }
}

/* Place the counted shapes: their demand becomes existing usage of the host. Demands the
 * usage record has no place for (network, IOPS) are not subtracted: say so. */
static int place(kc_host *host, const kc_shape *s, uint64_t count, uint64_t overhead,
                 const char *label, kc_error *err)
{
    kc_u128 mem = (kc_u128)(s->hugepages ? 0 : s->mem_mib) * count;
    kc_u128 hp = (kc_u128)(s->hugepages ? s->mem_mib : 0) * count;
    kc_u128 vcpus = (kc_u128)s->vcpus * count;
    kc_u128 disk = (kc_u128)s->disk_mib * count;
    kc_usage *u = &host->used;

    (void)overhead;    /* the existing-VM overhead is derived from the usage by the core */
    if (mem + u->mem_mib > UINT64_MAX || hp + u->hugepages_mib > UINT64_MAX ||
        vcpus + u->vcpus > UINT64_MAX || disk + u->disk_mib > UINT64_MAX ||
        (kc_u128)count + u->vms > UINT64_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "placing '%s' overflows the host's usage", label);
    u->mem_mib += (uint64_t)mem;
    u->hugepages_mib += (uint64_t)hp;
    u->vcpus += (uint64_t)vcpus;
    u->disk_mib += (uint64_t)disk;
    u->vms += count;
    return 0;
}

static void add_warnings(kc_fit_report *rep, const kc_catalog *cat, const char *profile)
{
    const kc_policy *p = &rep->policy;
    char a[16], b[16];

    if (profile && strcmp(profile, "server") == 0 && p->net_mode == KC_NET_NAT)
        kc_report_warn(rep, "server profile on NAT networking: the VMs can reach out but "
                            "nothing outside can reach them (use --net-mode bridge)");
    if (profile) {
        const kc_profile *prof = kc_catalog_profile(cat, profile);

        if (prof && p->overcommit_bp > prof->overcommit_bp + prof->overcommit_bp / 2 &&
            p->overcommit_bp > prof->overcommit_bp + 1000)
            kc_report_warn(rep, "memory overcommit %s %% is far above the %s profile's %s %%",
                           kc_fmt_bp(a, sizeof(a), p->overcommit_bp), profile,
                           kc_fmt_bp(b, sizeof(b), prof->overcommit_bp));
    } else if (p->overcommit_bp > 5000) {
        kc_report_warn(rep, "memory overcommit %s %% is above the usual 20 %% (server) and "
                            "50 %% (desktop): guests may swap under load",
                       kc_fmt_bp(a, sizeof(a), p->overcommit_bp));
    }
    if (p->net_mode == KC_NET_NAT) {
        char eff[16];

        kc_report_warn(rep, "nat networking: the uplink is counted at %s %% (libvirt's "
                            "masquerading costs throughput and host CPU)",
                       kc_fmt_bp(eff, sizeof(eff), p->nat_efficiency_bp));
    }
    if (p->numa == KC_NUMA_STRICT && rep->host.n_numa <= 1)
        kc_report_warn(rep, "--numa strict on a host with one NUMA node (or none known): "
                            "the same as spread");
    for (size_t i = 0; i < rep->n_rows; i++) {
        const kc_fit_row *row = &rep->rows[i];

        for (int r = 0; r < KC_RES_LAST; r++)
            if (row->fit.res[r].state == KC_RES_UNKNOWN)
                kc_report_warn(rep, "%s: %s not planned: the host's %s is unknown (%s)",
                               row->label, kc_resource_name((kc_resource)r),
                               r == KC_RES_NETWORK ? "NIC speed" :
                               r == KC_RES_DISK ? "storage size" : "storage performance",
                               r == KC_RES_NETWORK ? "give nic=SPEED" :
                               r == KC_RES_DISK ? "give disk=TYPE:SIZE" :
                               "give disk=TYPE:SIZE with a known type");
    }

}

static bool want_color(void)
{
    const char *term = getenv("TERM");

    return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && term && strcmp(term, "dumb") != 0;
}

static int run_fit(const options *o, const kc_catalog *cat, const kc_facts *facts,
                   kc_error *err)
{
    kc_fit_report rep;
    kc_fit_row *rows = kc_xcalloc(o->n_vms, sizeof(*rows));
    const char *profile;
    uint64_t check = 0;
    int ret = -1;

    memset(&rep, 0, sizeof(rep));
    rep.facts = facts;
    rep.rows = rows;
    rep.n_rows = o->n_vms;
    if (build_policy(o, cat, &rep.policy, &profile, &rep.existing, err) < 0)
        goto out;
    rep.profile = profile;
    if (o->check && kc_spec_parse_uint(o->check, UINT64_MAX, &check, err) < 0) {
        opt_error(err, "--check");
        goto out;
    }
    for (size_t i = 0; i < o->n_vms; i++)
        if (kc_spec_parse_vm(o->vms[i], cat, &rows[i].shape, &rows[i].want, &rows[i].has_count,
                             rows[i].label, sizeof(rows[i].label), err) < 0)
            goto out;
    if (kc_facts_to_host(facts, cat, rep.existing, &rep.host, err) < 0)
        goto out;

    /* Counted shapes are placed first, in the order given; each must fit. */
    for (size_t i = 0; i < rep.n_rows; i++) {
        kc_fit_row *row = &rows[i];

        if (!row->has_count)
            continue;
        if (kc_fit_compute(&rep.host, &row->shape, &rep.policy, &row->fit, err) < 0)
            goto out;
        if (row->fit.count < row->want) {
            kc_error_set(err, KC_ERR_NOFIT, "only %llu VM%s of '%s' fit, %llu asked",
                         (unsigned long long)row->fit.count, row->fit.count == 1 ? "" : "s",
                         row->label,
                         (unsigned long long)row->want);
            goto out;
        }
        if (place(&rep.host, &row->shape, row->want, row->fit.overhead_mib, row->label, err) < 0)
            goto out;
    }
    for (size_t i = 0; i < rep.n_rows; i++) {
        kc_fit_row *row = &rows[i];

        if (row->has_count) {
            /* show the placed shape against the final host */
            if (kc_fit_compute(&rep.host, &row->shape, &rep.policy, &row->fit, err) < 0)
                goto out;
            continue;
        }
        if (kc_fit_compute(&rep.host, &row->shape, &rep.policy, &row->fit, err) < 0)
            goto out;
    }
    add_warnings(&rep, cat, profile);

    if (o->json) {
        char *text = kc_report_fit_json(&rep, KC_VERSION);

        fputs(text, stdout);
        fputc('\n', stdout);
        free(text);
    } else {
        kc_report_fit_text(stdout, &rep, want_color());
    }
    ret = 0;
    for (size_t i = 0; i < rep.n_rows && o->check; i++) {
        if (!rows[i].has_count && rows[i].fit.count < check) {
            kc_error_set(err, KC_ERR_NOFIT, "only %llu VM%s of '%s' fit, --check asked for %llu",
                         (unsigned long long)rows[i].fit.count,
                         rows[i].fit.count == 1 ? "" : "s", rows[i].label,
                         (unsigned long long)check);
            ret = -1;
            break;
        }
    }
 out:
    free(rows);
    return ret;
}

/* A candidate from a host spec: its name= (or the spec itself) and price=. */
static int candidate_from_spec(const char *spec, const char *name, uint64_t price,
                               const kc_catalog *cat, kc_candidate *cand, kc_error *err)
{
    kc_facts *f = kc_facts_new();
    int ret = -1;

    memset(cand, 0, sizeof(*cand));
    if (kc_spec_parse_host(spec, cat, f, err) < 0 ||
        kc_facts_to_host(f, cat, KC_EXISTING_NONE, &cand->host, err) < 0)
        goto out;
    kc_strlcpy(cand->name, name ? name : f->name[0] ? f->name : spec, sizeof(cand->name));
    cand->price = price ? price : f->price;
    ret = 0;
 out:
    kc_facts_free(f);
    return ret;
}

/* The VMs a host runs today, as workload lines (one per VM; the core merges equal shapes). */
static int lines_from_facts(const char *path, kc_workload_line **lines, size_t *n, kc_error *err)
{
    kc_facts *f = kc_facts_new();
    char *text = kc_read_file(path, KC_FILE_MAX, NULL, err);
    int ret = -1;

    if (!text || kc_facts_from_json(text, path, f, err) < 0)
        goto out;
    for (size_t i = 0; i < f->n_vms; i++) {
        const kc_fact_vm *vm = &f->vms[i];
        kc_workload_line *l;

        *lines = kc_xreallocarray(*lines, *n + 1, sizeof(**lines));
        l = &(*lines)[(*n)++];
        memset(l, 0, sizeof(*l));
        if (vm->mem_mib % 1024 == 0)
            snprintf(l->name, sizeof(l->name), "%uc%llug%s", vm->vcpus,
                     (unsigned long long)(vm->mem_mib / 1024), vm->hugepages ? ",hugepages" : "");
        else
            snprintf(l->name, sizeof(l->name), "%uc%llum%s", vm->vcpus,
                     (unsigned long long)vm->mem_mib, vm->hugepages ? ",hugepages" : "");
        l->shape = (kc_shape){ .vcpus = vm->vcpus, .mem_mib = vm->mem_mib,
                               .disk_mib = vm->disk_mib, .hugepages = vm->hugepages };
        l->count = 1;
    }
    if (f->n_vms == 0) {
        kc_error_set(err, KC_ERR_INVALID, "%s: the host runs no VMs to size for", path);
        goto out;
    }
    ret = 0;
 out:
    free(text);
    kc_facts_free(f);
    return ret;
}

static int run_size(const options *o, kc_catalog *cat, kc_error *err)
{
    kc_workload_line *lines = NULL;
    kc_candidate *cands = NULL;
    kc_sizing *sizing = NULL;
    kc_size_opts so;
    const char *profile;
    kc_existing existing;
    size_t n_lines = 0, n_cands = 0;
    int ret = -1;

    memset(&so, 0, sizeof(so));
    if (build_policy(o, cat, &so.policy, &profile, &existing, err) < 0)
        goto out;
    if (o->growth && kc_spec_parse_percent_bp(o->growth, 1000000, &so.growth_bp, err) < 0) {
        opt_error(err, "--growth");
        goto out;
    }
    if (o->ha) {
        uint64_t ha;

        if (kc_spec_parse_uint(o->ha, 1000, &ha, err) < 0) {
            opt_error(err, "--ha");
            goto out;
        }
        so.ha = (uint32_t)ha;
    }
    for (size_t i = 0; i < o->n_vms; i++) {
        kc_workload_line *l;
        char label[160];
        bool has_count = false;

        lines = kc_xreallocarray(lines, n_lines + 1, sizeof(*lines));
        l = &lines[n_lines];
        memset(l, 0, sizeof(*l));
        if (kc_spec_parse_vm(o->vms[i], cat, &l->shape, &l->count, &has_count, label,
                             sizeof(label), err) < 0)
            goto out;
        if (!has_count) {
            kc_error_set(err, KC_ERR_INVALID, "bad VM spec '%s': 'size' needs a count "
                         "(e.g. '%s:10')", o->vms[i], label);
            goto out;
        }
        kc_strlcpy(l->name, label, sizeof(l->name));
        n_lines++;
    }
    if (o->workload) {
        char *text = kc_read_file(o->workload, KC_FILE_MAX, NULL, err);

        if (!text)
            goto out;
        ret = kc_workload_from_json(text, o->workload, cat, &lines, &n_lines, err);
        free(text);
        if (ret < 0)
            goto out;
        ret = -1;
    }
    if (o->from_facts && lines_from_facts(o->from_facts, &lines, &n_lines, err) < 0)
        goto out;

    if (o->catalog && kc_catalog_load_hosts(cat, o->catalog, err) < 0)
        goto out;
    if (o->n_hosts) {
        cands = kc_xcalloc(o->n_hosts, sizeof(*cands));
        for (size_t i = 0; i < o->n_hosts; i++)
            if (candidate_from_spec(o->hosts[i], NULL, 0, cat, &cands[n_cands++], err) < 0)
                goto out;
    } else {
        if (cat->n_hosts == 0) {
            kc_error_set(err, KC_ERR_INVALID, "no candidate hosts (give --host SPEC or "
                         "--catalog FILE)");
            goto out;
        }
        cands = kc_xcalloc(cat->n_hosts, sizeof(*cands));
        for (size_t i = 0; i < cat->n_hosts; i++) {
            if (candidate_from_spec(cat->hosts[i].spec, cat->hosts[i].name, cat->hosts[i].price,
                                    cat, &cands[n_cands++], err) < 0) {
                char inner[sizeof(err->msg)];

                snprintf(inner, sizeof(inner), "%s", err->msg);
                kc_error_set(err, KC_ERR_INVALID, "catalog host '%s': %s", cat->hosts[i].name,
                             inner);
                goto out;
            }
        }
    }
    if (kc_size_run(lines, n_lines, cands, n_cands, &so, &sizing, err) < 0)
        goto out;
    if (o->json) {
        char *text = kc_report_size_json(sizing, cands, &so, KC_VERSION);

        fputs(text, stdout);
        fputc('\n', stdout);
        free(text);
    } else {
        kc_report_size_text(stdout, sizing, &so);
    }
    ret = 0;
 out:
    kc_sizing_free(sizing);
    free(cands);
    free(lines);
    return ret;
}

static int run_facts(const options *o, const kc_facts *facts, kc_error *err)
{
    if (o->json) {
        char *text = kc_facts_to_json(facts, KC_VERSION);

        if (!text)
            return kc_error_set(err, KC_ERR_INTERNAL, "cannot write the facts as JSON");
        fputs(text, stdout);    /* ends in a newline */
        free(text);
        return 0;
    }
    return kc_report_facts_text(stdout, facts, err);
}

int main(int argc, char **argv)
{
    kc_error err = { 0 };
    kc_catalog *cat = NULL;
    kc_facts *facts = NULL;
    char datadir[4096];
    options o;
    int ret, status = 0;

    ret = parse_args(argc, argv, &o, &err);
    if (ret > 0)
        return finish_stdout();
    if (ret < 0)
        return fail(&err);
    if (kc_catalog_find_datadir(datadir, sizeof(datadir), &err) < 0 ||
        !(cat = kc_catalog_load(datadir, &err))) {
        status = fail(&err);
        goto out;
    }
    if (o.cmd == CMD_SIZE) {
        ret = run_size(&o, cat, &err);
        status = finish_stdout();
        if (ret < 0)
            status = fail(&err);
        goto out;
    }
    facts = kc_facts_new();
    if (load_facts(&o, cat, facts, &err) < 0) {
        status = fail(&err);
        goto out;
    }
    kc_facts_sort(facts);
    ret = o.cmd == CMD_FACTS ? run_facts(&o, facts, &err) : run_fit(&o, cat, facts, &err);
    status = finish_stdout();
    if (ret < 0)
        status = fail(&err);
 out:
    kc_facts_free(facts);
    kc_catalog_free(cat);
    return status;
}
