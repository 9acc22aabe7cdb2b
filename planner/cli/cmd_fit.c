/* SPDX-License-Identifier: MIT */
/* cmd_fit.c: `kvmcap [fit]` and `kvmcap facts`: one host, from libvirt, a spec or a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/cmd_demand.h"
#include "facts/facts_json.h"
#include "facts/facts_libvirt.h"
#include "input/facts_host.h"
#include "input/spec.h"
#include "report/report.h"
#include "report/report_csv.h"
#include "report/report_facts.h"
#include "report/report_prom.h"
#include "util/util.h"
#include "fit.h"

const char kc_help_fit[] =
    "Usage: kvmcap [fit] [HOST] --vm SPEC [--vm SPEC ...] [POLICY] [--json]\n"
    "                   [--check N]\n"
    "       kvmcap facts [HOST] [--json]\n"
    "       kvmcap sweep [HOST] --vm SPEC RANGE [POLICY]   (see kvmcap sweep --help)\n"
    "       kvmcap --version | --help\n"
    "\n"
    "How many more VMs of a shape fit on a host, and which resource stops them.\n"
    "\n"
    "Host (one of; default: the local libvirt daemon read-only, else libvirt's\n"
    "embedded QEMU driver):\n"
    "  -c, --connect URI      a libvirt URI, read-only (honours LIBVIRT_DEFAULT_URI)\n"
    "      --host SPEC        a described host: 8c8g, or with keys:\n"
    "                         32c256g,nic=2x10g,disk=4xssd:1.92t,\n"
    "                         storage=iscsi-10g:20t,numa=2,hugepages=16g,name=X\n"
    "      --facts FILE       a facts file written by 'kvmcap facts --json'\n"
    "      --timeout S        deadline for libvirt, connecting included (default 10)\n"
    "      --set KEYS         override what the host reports (each kind replaced):\n"
    "                         nic=2x10g,disk=4xssd:1t,storage=iscsi-10g:20t,name=X\n"
    "\n"
    "VMs:\n"
    "      --vm SPEC[:COUNT]  1c1g, 2c4g,disk=40g,iops=200,mbps=50,net=100m,cpu=25%,\n"
    "                         8c32g,hugepages, or a flavor (m1.small); with :COUNT\n"
    "                         the VMs are placed first, the others fit around them\n"
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
    "Output and configuration:\n"
    "      --format F         table (default), json, csv or prometheus\n"
    "      --json             the versioned JSON report (--format json)\n"
    "      --check N          exit 1 if fewer than N VMs of any shape fit\n"
    "      --config FILE      the policy file to read instead of /etc/kvmcap/kvmcap.conf\n"
    "                         and ~/.config/kvmcap/kvmcap.conf (options win over both)\n"
    "  -h, --help             this help\n"
    "  -V, --version          the version\n"
    "\n"
    "Exit status: 0 ok, 1 fewer fit than --check asked, 2 usage, 3 bad input (spec,\n"
    "file), 4 host, libvirt or I/O error, 5 internal error.\n";

const char kc_help_facts[] =
    "Usage: kvmcap facts [-c URI | --host SPEC | --facts FILE] [--set KEYS]\n"
    "                    [--timeout S] [--json]\n"
    "\n"
    "What kvmcap sees of a host: CPUs and topology, memory, NUMA nodes, hugepages,\n"
    "NICs and speeds, networks and their modes, storage pools and disk types, and the\n"
    "existing VMs. '--json' writes the facts file that '--facts FILE' reads, so a\n"
    "host can be planned on another machine.\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 bad input, 4 host, libvirt or I/O error.\n";

/* The output formats of fit and facts (--format). */
#define FIT_FORMATS (KC_FORMAT_BIT(KC_FORMAT_TABLE) | KC_FORMAT_BIT(KC_FORMAT_JSON) | \
                     KC_FORMAT_BIT(KC_FORMAT_CSV) | KC_FORMAT_BIT(KC_FORMAT_PROMETHEUS))
#define FACTS_FORMATS (KC_FORMAT_BIT(KC_FORMAT_TABLE) | KC_FORMAT_BIT(KC_FORMAT_JSON))

/* The options a one-host command takes. */
static int check_host_options(const kc_cli *o, bool fit, kc_error *err)
{
    const char *size_only = o->workload ? "--workload" : o->catalog ? "--catalog" :
                            o->from_facts ? "--from-facts" : o->ha ? "--ha" :
                            o->growth ? "--growth" : NULL;

    if (size_only)
        return kc_cli_usage_error(err, "%s is for 'kvmcap size'", size_only);
    if (o->hosts_file || o->parallel || o->save_facts || o->sort || o->strict)
        return kc_cli_usage_error(err, "%s is for 'kvmcap fleet'",
                                  o->hosts_file ? "--hosts" : o->parallel ? "--parallel" :
                                  o->save_facts ? "--save-facts" : o->sort ? "--sort" :
                                  "--strict");
    if (o->n_hosts > 1)
        return kc_cli_usage_error(err, "give one --host (several are for 'kvmcap size')");
    if (o->n_uris > 1)
        return kc_cli_usage_error(err, "give one -c URI (several are for 'kvmcap fleet')");
    if (!!o->uri + !!o->host_spec + !!o->facts_file > 1)
        return kc_cli_usage_error(err, "give one host source: -c URI, --host SPEC or --facts FILE");
    if (fit && o->n_vms == 0)
        return kc_cli_usage_error(err, "no VM shape given (use --vm SPEC, e.g. --vm 1c1g)");
    if (o->timeout) {    /* checked even where no connection is made: a typo is a typo */
        unsigned t;

        if (kc_cli_timeout(o, &t, err) < 0)
            return -1;
    }
    if (!fit && o->n_vms > 0)
        return kc_cli_usage_error(err, "'facts' takes no --vm");
    return 0;
}

/* Fill @facts from the host source the options name. */
static int load_facts(const kc_cli *o, const kc_catalog *cat, kc_facts *facts, kc_error *err)
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
        char *text = kc_cli_read_file(o->facts_file, err);
        int ret;

        if (!text)
            return -1;
        ret = kc_facts_from_json(text, o->facts_file, facts, err);
        free(text);
        return ret;
    }
    {
        kc_collect_opts co = { .uri = o->uri, .timeout_s = 10, .sysroot = getenv("KVMCAP_SYSROOT") };

        if (kc_cli_timeout(o, &co.timeout_s, err) < 0)
            return -1;
        return kc_libvirt_collect(&co, facts, err);
    }
}

/* The host's facts, then what the user set by hand over them (--set KEYS). */
static int load_facts_set(const kc_cli *o, const kc_catalog *cat, kc_facts *facts,
                          kc_error *err)
{
    if (load_facts(o, cat, facts, err) < 0)
        return -1;
    return o->set ? kc_spec_apply_set(o->set, cat, facts, err) : 0;
}

/* Place the counted shapes: their demand becomes existing usage of the host. Demands the
 * usage record has no place for (network, IOPS) are not subtracted: say so. */
/* Place @count VMs of a counted row: what they hold becomes usage of the host, from the
 * per-VM figures the fit computed (hugepage RAM in whole pages, network, I/O, and a cpu=
 * load that is then known for their vCPUs). Their memory overhead is derived from the
 * usage by the core, as for existing VMs. */
static int place(kc_host *host, const kc_fit_row *row, kc_error *err)
{
    const kc_shape *s = &row->shape;
    uint64_t n = row->want;
    kc_u128 add[9] = {
        (kc_u128)(s->hugepages ? 0 : s->mem_mib) * n,
        (kc_u128)(s->hugepages ? row->fit.res[KC_RES_HUGEPAGES].per_vm : 0) * n,
        (kc_u128)s->vcpus * n,
        (kc_u128)s->disk_mib * n,
        (kc_u128)s->net_kbps * n,
        (kc_u128)s->iops * n,
        (kc_u128)s->mbps * n,
        (kc_u128)(s->cpu_util_bp ? s->vcpus : 0) * n,
        (kc_u128)s->vcpus * s->cpu_util_bp * n,
    };
    kc_usage *u = &host->used;
    uint64_t *field[9] = { &u->mem_mib, &u->hugepages_mib, &u->vcpus, &u->disk_mib,
                           &u->net_kbps, &u->iops, &u->mbps, &u->load_vcpus, &u->load_bp };

    for (size_t i = 0; i < 9; i++)
        if (add[i] + *field[i] > UINT64_MAX)
            return kc_error_set(err, KC_ERR_INVALID, "placing '%s' overflows the host's usage",
                                row->label);
    if ((kc_u128)u->vms + n > UINT64_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "placing '%s' overflows the host's usage",
                            row->label);
    for (size_t i = 0; i < 9; i++)
        *field[i] += (uint64_t)add[i];
    u->vms += n;
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
    if (rep->facts->n_numa > 0 && !kc_facts_numa_consistent(rep->facts))
        kc_report_warn(rep, "the host's NUMA cells do not add up to its CPUs and memory: "
                            "planned as one node");
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

static int run_fit(const kc_cli *o, const kc_catalog *cat, const kc_facts *facts,
                   kc_error *err)
{
    kc_fit_report rep;
    kc_fit_row *rows = kc_xcalloc(o->n_vms, sizeof(*rows));
    kc_policy_source source;
    kc_format format;
    const char *profile;
    uint64_t check = 0;
    int ret = -1;

    memset(&rep, 0, sizeof(rep));
    rep.facts = facts;
    rep.rows = rows;
    rep.n_rows = o->n_vms;
    if (kc_cli_format(o, FIT_FORMATS, &format, err) < 0 ||
        kc_cli_build_policy_source(o, cat, &rep.policy, &profile, &rep.existing, &source,
                                   err) < 0)
        goto out;
    rep.profile = profile;
    rep.source = &source;
    if (o->check && kc_spec_parse_uint(o->check, UINT64_MAX, &check, err) < 0) {
        kc_cli_opt_error(err, "--check");
        goto out;
    }
    for (size_t i = 0; i < o->n_vms; i++)
        if (kc_spec_parse_vm(o->vms[i], cat, &rows[i].shape, &rows[i].want, &rows[i].has_count,
                             rows[i].label, sizeof(rows[i].label), err) < 0)
            goto out;
    /* Prometheus series are told apart by host and shape only: one row per shape label */
    for (size_t i = 0; format == KC_FORMAT_PROMETHEUS && i < o->n_vms; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(rows[i].label, rows[j].label) == 0) {
                kc_cli_usage_error(err, "--format prometheus: shape '%s' is given twice (each "
                                   "series needs its own shape label)", rows[i].label);
                goto out;
            }
    if (kc_facts_to_host(facts, cat, rep.existing, &rep.host, err) < 0) {
        if (facts->source == KC_SOURCE_FACTS) {    /* name the file the bad facts came from */
            char inner[sizeof(err->msg)];

            snprintf(inner, sizeof(inner), "%s", err->msg);
            kc_error_set(err, err->code, "%s: %s", facts->uri, inner);
        }
        goto out;
    }
    rep.existing_used = rep.host.used;

    /* Counted shapes are placed first, in the order given; each must fit. */
    for (size_t i = 0; i < rep.n_rows; i++) {
        kc_fit_row *row = &rows[i];

        if (!row->has_count)
            continue;
        if (kc_fit_compute(&rep.host, &row->shape, &rep.policy, &row->fit, err) < 0)
            goto out;
        if (row->fit.count < row->want) {
            kc_error_set(err, KC_ERR_NOFIT, "only %llu VM%s of '%s' fit%s, %llu asked",
                         (unsigned long long)row->fit.count, row->fit.count == 1 ? "" : "s",
                         row->label, row->fit.count == 1 ? "s" : "",
                         (unsigned long long)row->want);
            goto out;
        }
        if (place(&rep.host, row, err) < 0)
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

    if (format == KC_FORMAT_JSON) {
        char *text = kc_report_fit_json(&rep, KC_VERSION);

        fputs(text, stdout);
        fputc('\n', stdout);
        free(text);
    } else if (format == KC_FORMAT_CSV) {
        kc_report_fit_csv(stdout, &rep);
    } else if (format == KC_FORMAT_PROMETHEUS) {
        kc_report_fit_prom(stdout, &rep);
    } else {
        kc_report_fit_text(stdout, &rep, kc_cli_want_color());
    }
    ret = 0;
    for (size_t i = 0; i < rep.n_rows && o->check; i++) {
        if (!rows[i].has_count && rows[i].fit.count < check) {
            kc_error_set(err, KC_ERR_NOFIT, "only %llu VM%s of '%s' fit%s, --check asked for %llu",
                         (unsigned long long)rows[i].fit.count,
                         rows[i].fit.count == 1 ? "" : "s", rows[i].label,
                         rows[i].fit.count == 1 ? "s" : "",
                         (unsigned long long)check);
            ret = -1;
            break;
        }
    }
 out:
    free(rows);
    return ret;
}

static int run_facts(const kc_cli *o, const kc_facts *facts, kc_error *err)
{
    kc_format format = KC_FORMAT_TABLE;

    if (kc_cli_format(o, FACTS_FORMATS, &format, err) < 0)
        return -1;
    if (format == KC_FORMAT_JSON) {
        char *text = kc_facts_to_json(facts, KC_VERSION);

        if (!text)
            return kc_error_set(err, KC_ERR_INTERNAL, "cannot write the facts as JSON");
        fputs(text, stdout);    /* ends in a newline */
        free(text);
        return 0;
    }
    return kc_report_facts_text(stdout, facts, err);
}


/* Fill the facts of the one host the options name, sorted. Caller frees. */
static kc_facts *host_facts(const kc_cli *o, const kc_catalog *cat, kc_error *err)
{
    kc_facts *facts = kc_facts_new();

    if (load_facts_set(o, cat, facts, err) < 0) {
        kc_facts_free(facts);
        return NULL;
    }
    kc_facts_sort(facts);
    return facts;
}

int kc_cmd_fit(const kc_cli *cli, kc_catalog *cat, kc_error *err)
{
    kc_facts *facts;
    kc_format format;
    int ret;

    if (kc_fit_demand_wanted())
        return kc_fit_demand_run(cli, cat, err);
    if (check_host_options(cli, true, err) < 0 ||
        kc_cli_format(cli, FIT_FORMATS, &format, err) < 0 || !(facts = host_facts(cli, cat, err)))
        return -1;
    ret = run_fit(cli, cat, facts, err);
    kc_facts_free(facts);
    return ret;
}

int kc_cmd_facts(const kc_cli *cli, kc_catalog *cat, kc_error *err)
{
    kc_facts *facts;
    kc_format format;
    int ret;

    if (cli->check)
        return kc_cli_usage_error(err, "'facts' takes no --check");
    if (check_host_options(cli, false, err) < 0 ||
        kc_cli_format(cli, FACTS_FORMATS, &format, err) < 0 ||
        !(facts = host_facts(cli, cat, err)))
        return -1;
    ret = run_facts(cli, facts, err);
    kc_facts_free(facts);
    return ret;
}
