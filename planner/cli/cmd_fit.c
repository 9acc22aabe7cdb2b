/* SPDX-License-Identifier: MIT */
/* cmd_fit.c: `kvmcap [fit]` and `kvmcap facts`: one host, from libvirt, a spec or a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "cli/cmd_demand.h"
#include "cli/options.h"
#include "facts/facts_json.h"
#include "facts/facts_libvirt.h"
#include "input/facts_host.h"
#include "input/spec.h"
#include "report/dispatch.h"
#include "report/report_prom.h"
#include "util/fmt.h"
#include "util/util.h"
#include "fit.h"
#include "place.h"

/* The help of fit: its options come from the option table (options.c). */
static const char help_fit_head[] =
    "Usage: kvmcap [fit] [HOST] --vm SPEC [--vm SPEC ...] [POLICY] [--json]\n"
    "                   [--check N]\n"
    "       kvmcap COMMAND [OPTIONS]   (each: kvmcap COMMAND --help)\n"
    "       kvmcap --version | --help\n"
    "\n"
    "How many more VMs of a shape fit on a host, and which resource stops them.\n"
    "\n"
    "Commands:\n";

/* One line per command for the main help: a new command needs its line (the assert). */
static const char *const command_lines[] = {
    [KC_CMD_FIT] = "how many more VMs of each shape fit on one host (the default)",
    [KC_CMD_FACTS] = "what kvmcap sees of a host; --json writes a facts file",
    [KC_CMD_SIZE] = "what to buy: how many hosts of each model hold a workload",
    [KC_CMD_FLEET] = "what fits on each host of a fleet, and where SPEC:COUNT VMs go",
    [KC_CMD_SWEEP] = "what if: the count while one value runs over a range",
    [KC_CMD_RECORD] = "sample a host's load into a recording (SQLite)",
    [KC_CMD_DEMAND] = "what the VMs of a recording used, beside what they were given",
    [KC_CMD_RIGHTSIZE] = "which recorded VMs are oversized, undersized, idle or off",
    [KC_CMD_FORECAST] = "how long until each resource of a host runs out, from its history",
};
_Static_assert(sizeof(command_lines) / sizeof(command_lines[0]) == KC_CMD_LAST,
               "one help line per command");

static const char help_fit_tail[] =
    "Exit status: 0 ok, 1 fewer fit than --check asked, 2 usage, 3 bad input (spec,\n"
    "file), 4 host, libvirt or I/O error, 5 internal error.\n";

void kc_help_fit(FILE *out)
{
    fputs(help_fit_head, out);
    for (int c = 0; c < KC_CMD_LAST; c++)
        fprintf(out, "  %-11s%s\n", kc_names_word(&kc_cli_commands, c), command_lines[c]);
    fputc('\n', out);
    kc_cli_print_options(out, KC_CMD_FIT);
    fputs(help_fit_tail, out);
}

static const char help_facts[] =
    "Usage: kvmcap facts [-c URI | --host SPEC | --facts FILE] [--set KEYS]\n"
    "                    [--timeout S] [--json]\n"
    "\n"
    "What kvmcap sees of a host: CPUs and topology, memory, NUMA nodes, hugepages,\n"
    "NICs and speeds, networks and their modes, storage pools and disk types, and the\n"
    "existing VMs. '--json' writes the facts file that '--facts FILE' reads, so a\n"
    "host can be planned on another machine.\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 bad input, 4 host, libvirt or I/O error.\n";

void kc_help_facts(FILE *out)
{
    fputs(help_facts, out);
}

/* The output formats of fit and facts (--format): those their renderers write. */
#define FIT_FORMATS KC_REPORT_FORMATS(kc_report_fit_by_format)
#define FACTS_FORMATS KC_REPORT_FORMATS(kc_report_facts_by_format)

/* One host source, and for fit the VMs to fit (which options each command takes, the
 * option table says; their values are checked before the command runs). */
static int check_host_source(const kc_cli *o, bool fit, kc_error *err)
{
    if (o->n_hosts > 1)
        return kc_cli_usage_error(err, "give one --host (several are for 'kvmcap size')");
    if (o->n_uris > 1)
        return kc_cli_usage_error(err, "give one -c URI (several are for 'kvmcap fleet')");
    if (!!o->uri + !!o->host_spec + !!o->facts_file > 1)
        return kc_cli_usage_error(err, "give one host source: -c URI, --host SPEC or --facts FILE");
    if (fit && o->n_vms == 0)
        return kc_cli_usage_error(err, "no VM shape given (use --vm SPEC, e.g. --vm 1c1g)");
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
        kc_collect_opts co = { .uri = o->uri, .timeout_s = o->timeout ? o->timeout_s : 0,
                               .sysroot = getenv("KVMCAP_SYSROOT") };

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

/* Place @row's VMs (SPEC:COUNT) on @host: what they hold becomes usage of the host, by the
 * core's one usage-adding function (the fleet's placement uses it too). */
static int place(kc_host *host, const kc_fit_row *row, const kc_policy *policy, kc_error *err)
{
    if (kc_place_add(host, &row->shape, policy, row->want, err) < 0)
        return kc_error_set(err, err->code, "placing '%s' overflows the host's usage",
                            row->label);
    return 0;
}

/* Whether any NIC of @host has the vm role (a spec host's NICs are vm unless they say). */
static bool host_has_vm_nic(const kc_host *host)
{
    for (size_t i = 0; i < host->n_nics; i++)
        if (host->nics[i].role == KC_NIC_VM)
            return true;
    return false;
}

/* NAT's cost is to the uplink: worth a warning only where there is one, or a VM asks for
 * bandwidth (with no NIC and no net= the networking mode changes no figure). */
static bool nat_applies(const kc_fit_report *rep)
{
    if (rep->host.n_nics > 0)
        return true;
    for (size_t i = 0; i < rep->n_rows; i++)
        if (rep->rows[i].shape.net_kbps > 0)
            return true;
    return false;
}

/* How the existing VMs were counted (README "The model, in short"): which domains were
 * left out by --existing, and that a domain counts at its configured maximum. */
static void add_notes(kc_fit_report *rep)
{
    size_t off = 0, all = rep->facts->n_vms;

    for (size_t i = 0; i < all; i++)
        if (rep->facts->vms[i].state != KC_VM_RUNNING)
            off++;
    if (rep->existing == KC_EXISTING_RUNNING && off)
        kc_report_note(rep, "%zu VM%s %s off and not counted: --existing all counts %s", off,
                       kc_s(off), off == 1 ? "is" : "are", off == 1 ? "it" : "them");
    else if (rep->existing == KC_EXISTING_NONE && all)
        kc_report_note(rep, "%zu existing VM%s not counted (--existing none)", all,
                       all == 1 ? " is" : "s are");
    if (rep->existing_used.vms)
        kc_report_note(rep, "existing VMs are counted at their configured maximum memory and "
                            "vCPUs (what a balloon holds now is demand, not allocation)");
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
    if (p->net_mode == KC_NET_NAT && nat_applies(rep)) {
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
    /* a host over its plannable capacity already (existing VMs): say by how much */
    for (int r = 0; rep->n_rows > 0 && r < KC_RES_LAST; r++) {
        const kc_res_fit *rf = &rep->rows[0].fit.res[r];

        if (r == KC_RES_CPU_LOAD || rf->state == KC_RES_ABSENT ||
            rf->state == KC_RES_UNKNOWN || rf->used <= rf->capacity)
            continue;
        kc_report_warn(rep, "the host is over its %s already: its VMs hold %llu %s of the "
                            "%llu %s that may be planned, %llu %s over",
                       kc_resource_name((kc_resource)r), (unsigned long long)rf->used,
                       kc_resource_unit((kc_resource)r), (unsigned long long)rf->capacity,
                       kc_resource_unit((kc_resource)r),
                       (unsigned long long)(rf->used - rf->capacity),
                       kc_resource_unit((kc_resource)r));
    }
    for (size_t i = 0; i < rep->n_rows; i++) {
        const kc_fit_row *row = &rep->rows[i];

        for (int r = 0; r < KC_RES_LAST; r++)
            if (row->fit.res[r].state != KC_RES_UNKNOWN)
                continue;
            else if (r == KC_RES_NETWORK && rep->host.n_nics > 0 && !host_has_vm_nic(&rep->host))
                kc_report_warn(rep, "%s: network not planned: no NIC of the host carries VM "
                                    "traffic (all are mgmt or storage; give nic=SPEED:vm)",
                               row->label);
            else
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
    check = o->check_n;
    for (size_t i = 0; i < o->n_vms; i++)
        if (kc_spec_parse_vm(o->vms[i], cat, &rows[i].shape, &rows[i].want, &rows[i].has_count,
                             rows[i].label, sizeof(rows[i].label), err) < 0)
            goto out;
    if (format == KC_FORMAT_PROMETHEUS) {
        const char *labels[KC_CLI_VMS_MAX];

        for (size_t i = 0; i < o->n_vms; i++)
            labels[i] = rows[i].label;
        if (kc_report_prometheus_shapes_unique(labels, o->n_vms, err) < 0)
            goto out;
    }
    if (kc_facts_to_host(facts, cat, rep.existing, &rep.host, err) < 0) {
        kc_facts_name_error(facts, err);    /* the facts file or the URI they came from */
        goto out;
    }
    rep.existing_used = rep.host.used;
    /* a policy that leaves nothing to plan is the user's input, not the VM's fault */
    if (kc_fit_check_policy(&rep.host, &rep.policy, err) < 0)
        goto out;
    for (size_t i = 0; i < rep.n_rows; i++)
        if (kc_host_check_pool(&rep.host, &rows[i].shape, rows[i].label, err) < 0)
            goto out;

    /* Counted shapes are placed first, in the order given; each must fit. */
    for (size_t i = 0; i < rep.n_rows; i++) {
        kc_fit_row *row = &rows[i];

        if (!row->has_count)
            continue;
        if (kc_fit_compute(&rep.host, &row->shape, &rep.policy, &row->fit, err) < 0)
            goto out;
        if (row->fit.count < row->want) {
            kc_error_set(err, KC_ERR_NOFIT, "only %llu VM%s of '%s' fit%s, %llu asked",
                         (unsigned long long)row->fit.count, kc_s(row->fit.count),
                         row->label, row->fit.count == 1 ? "s" : "",
                         (unsigned long long)row->want);
            goto out;
        }
        if (place(&rep.host, row, &rep.policy, err) < 0)
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
    add_notes(&rep);

    rep.color = kc_cli_want_color();
    rep.version = KC_VERSION;
    kc_report_fit_by_format[format](stdout, &rep);
    ret = 0;
    for (size_t i = 0; i < rep.n_rows && o->check; i++) {
        if (!rows[i].has_count && rows[i].fit.count < check) {
            kc_error_set(err, KC_ERR_NOFIT, "only %llu VM%s of '%s' fit%s, --check asked for %llu",
                         (unsigned long long)rows[i].fit.count,
                         kc_s(rows[i].fit.count), rows[i].label,
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
    return kc_report_facts_by_format[format](stdout, &(kc_facts_report){
        .facts = facts, .version = KC_VERSION }, err);
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

    if (cli->demand_file || cli->prometheus)
        return kc_fit_demand_run(cli, cat, err);
    if (check_host_source(cli, true, err) < 0 ||
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

    if (check_host_source(cli, false, err) < 0 ||
        kc_cli_format(cli, FACTS_FORMATS, &format, err) < 0 ||
        !(facts = host_facts(cli, cat, err)))
        return -1;
    ret = run_facts(cli, facts, err);
    kc_facts_free(facts);
    return ret;
}
