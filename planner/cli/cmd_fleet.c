/* SPDX-License-Identifier: MIT */
/* cmd_fleet.c: `kvmcap fleet`: many hosts through libvirt's remote URIs, in parallel. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/cmd_demand.h"
#include "fleet/fleet.h"
#include "input/spec.h"
#include "report/dispatch.h"
#include "report/report_prom.h"
#include "util/names.h"
#include "util/sanitize.h"
#include "util/util.h"

static const char help_fleet[] =
    "Usage: kvmcap fleet (-c URI ... | --hosts FILE | --prometheus URL) [--vm SPEC[:COUNT] ...]\n"
    "                    [POLICY]"
    " [--parallel N] [--timeout S] [--sort KEY] [--strict]\n"
    "                    [--save-facts DIR] [--json | --format F]\n"
    "\n"
    "How many more VMs of each shape fit on each host of a fleet, and in total; with\n"
    "SPEC:COUNT, where that many VMs would go. Hosts are reached read-only through\n"
    "libvirt's own remote URIs (qemu+ssh://, qemu+tls://, qemu+tcp://), in parallel.\n"
    "\n"
    "Hosts:\n"
    "  -c, --connect URI      a host (repeatable)\n"
    "      --hosts FILE       one URI per line; '#' comments, blank lines ('-': stdin)\n"
    "      --parallel N       hosts collected at once (default 16, at most 256)\n"
    "      --timeout S        deadline per host, connecting included (default 10);\n"
    "                         a run takes at most about hosts / N x S seconds\n"
    "      --strict           exit 4 when any host fails (default: report it, exit 0)\n"
    "      --save-facts DIR   write each host's facts file into DIR (an existing\n"
    "                         directory; plan it later with 'kvmcap --facts FILE')\n"
    "      --prometheus URL   no SSH: every host a Prometheus server's libvirt exporter\n"
    "                         names (a row prometheus://HOST), its size from\n"
    "                         node_exporter, its VMs as of the last 15 minutes (or two\n"
    "                         --step; --until T: as of another time, --since T: a longer\n"
    "                         window); --match, --instance, --step, --timeout (the whole\n"
    "                         read) and the credentials as for 'kvmcap demand'\n"
    "\n"
    "VMs:\n"
    "      --vm SPEC[:COUNT]  a shape as for 'kvmcap fit'; with :COUNT the VMs are\n"
    "                         placed: largest shapes first, each host in the order\n"
    "                         given taking what still fits there\n"
    "\n"
    "Policy: the options of 'kvmcap fit' (--overcommit, --reserve, --cpu-ratio, ...).\n"
    "\n"
    "Output:\n"
    "      --sort KEY         name (default), free (most room first), bottleneck\n"
    "      --format F         table (default), json, csv (a line per host and shape)\n"
    "                         or prometheus (node_exporter's textfile collector)\n"
    "      --json             the versioned JSON report (--format json)\n"
    "  -q, --quiet            no progress on stderr (shown only on a terminal)\n"
    "\n"
    "Authentication is libvirt's (ssh agent or keys, TLS certificates). When standard\n"
    "input is not a terminal, ssh URIs get libvirt's no_tty=1 (ssh in batch mode): a\n"
    "host that would ask for a password fails instead of waiting.\n"
    "\n"
    "Exit status: 0 ok (failed hosts are rows of the report), 1 SPEC:COUNT VMs do not\n"
    "all fit, 2 usage, 3 bad input, 4 no host answered, a host failed with --strict,\n"
    "or I/O error.\n";

void kc_help_fleet(FILE *out)
{
    fputs(help_fleet, out);
}

static int check_fleet_options(const kc_cli *o, kc_error *err)
{
    if (o->prometheus && (o->n_uris || o->hosts_file))
        return kc_cli_usage_error(err, "--prometheus and %s: one source of hosts only",
                                  o->n_uris ? "-c" : "--hosts");
    if (o->prometheus && o->save_facts)
        return kc_cli_usage_error(err, "--save-facts is for hosts read through libvirt");
    if (!o->n_uris && !o->hosts_file && !o->prometheus)
        return kc_cli_usage_error(err, "no hosts given (use -c URI, --hosts FILE or "
                                  "--prometheus URL)");
    return 0;
}

/* The window fleet --prometheus reads: only the latest values count (a host's size, the VMs
 * it runs), so the last 15 minutes (or two --step) before now, not demand's 30 days. */
#define FLEET_PROM_SPAN_NS (15ull * 60 * 1000000000ull)

/*
 * fleet --prometheus URL: every host the server's libvirt exporter names, as a row
 * "prometheus://HOST": its size from node_exporter (a host without it is a failed row), its
 * VMs from the libvirt exporter as at the window's end (vCPUs, maximum memory; a VM gone
 * before the end is not counted, one whose last state is not running counts as off).
 */
static kc_fleet *prom_fleet(const kc_cli *o, kc_error *err)
{
    kc_cli *w = kc_xcalloc(1, sizeof(*w));
    kc_prom_hosts ph;
    char **uris = NULL;
    kc_fleet *fleet = NULL;
    int64_t since, until, step;

    *w = *o;
    kc_cmd_prom_window(o, &since, &until, &step);
    w->until_ns = (uint64_t)until * 1000000ull;
    if (!o->since_ns) {
        /* two steps at least: a slot between two scrapes may hold nothing */
        uint64_t span = (uint64_t)step * 2000000ull > FLEET_PROM_SPAN_NS
                        ? (uint64_t)step * 2000000ull : FLEET_PROM_SPAN_NS;

        w->since_ns = w->until_ns > span ? w->until_ns - span : 1;
    }
    if (kc_cmd_prom_load(w, false, &ph, err) < 0) {
        free(w);
        return NULL;
    }
    uris = kc_xcalloc(ph.n, sizeof(*uris));
    for (size_t i = 0; i < ph.n; i++) {
        size_t len = strlen(ph.h[i].hostname) + 16;

        uris[i] = kc_xcalloc(len, 1);
        snprintf(uris[i], len, "prometheus://%s", ph.h[i].hostname);
    }
    if (!(fleet = kc_fleet_new((const char *const *)uris, ph.n, err)))
        goto out;
    for (size_t i = 0; i < ph.n; i++) {
        kc_demand_host *d = &ph.h[i];
        kc_fleet_host *fh = &fleet->hosts[i];

        if (!d->facts) {
            kc_error_set(&fh->err, KC_ERR_INVALID, "prometheus: no node_exporter series for "
                         "'%s' (node_memory_MemTotal_bytes, node_cpu_seconds_total): its size "
                         "is unknown", kc_term_str(d->hostname));
            continue;
        }
        for (size_t v = 0; v < d->n_vms; v++) {
            const kc_demand_vm *dv = &d->vms[v];
            kc_fact_vm *fv;

            if (dv->gone)
                continue;
            fv = kc_facts_add_vm(d->facts);
            kc_strlcpy(fv->name, dv->st.name, sizeof(fv->name));
            fv->vcpus = dv->st.vcpus;
            fv->mem_mib = dv->st.mem_mib;
            fv->state = dv->off || (dv->last_state != KC_DOM_NOSTATE &&
                                    !KC_DOM_IS_RUNNING(dv->last_state)) ? KC_VM_OFF
                                                                       : KC_VM_RUNNING;
        }
        kc_facts_sort(d->facts);
        fh->facts = d->facts;
        d->facts = NULL;
    }
 out:
    for (size_t i = 0; i < ph.n; i++)
        free(uris[i]);
    free(uris);
    kc_cmd_prom_hosts_clear(&ph);
    free(w);
    return fleet;
}

/* Every -c, then the hosts file; each URI checked, none twice. */
static int gather_uris(const kc_cli *o, char ***uris, size_t *n, kc_error *err)
{
    for (size_t i = 0; i < o->n_uris; i++) {
        if (kc_fleet_check_uri(o->uris[i], err) < 0)
            return kc_cli_opt_error(err, "-c");
        for (size_t j = 0; j < i; j++)
            if (strcmp(o->uris[i], o->uris[j]) == 0)
                return kc_cli_usage_error(err, "-c: '%s' is given twice", o->uris[i]);
        *uris = kc_xreallocarray(*uris, *n + 1, sizeof(**uris));
        (*uris)[(*n)++] = kc_xstrdup(o->uris[i]);
    }
    if (o->hosts_file) {
        size_t before = *n;
        char *text = kc_cli_read_file(o->hosts_file, err);
        int rc;

        if (!text)
            return -1;
        rc = kc_fleet_parse_hosts(text, strcmp(o->hosts_file, "-") ? o->hosts_file : "stdin",
                                  uris, n, err);
        free(text);
        if (rc < 0)
            return -1;
        if (*n == before)
            return kc_error_set(err, KC_ERR_INVALID, "'%s' lists no hosts", o->hosts_file);
    }
    return 0;
}

static void progress(void *opaque, size_t done, size_t total, size_t failed)
{
    (void)opaque;
    fprintf(stderr, "\rkvmcap: collecting: %zu/%zu hosts done, %zu failed", done, total, failed);
    if (done == total)
        fputs("\r\033[K", stderr);
}

int kc_cmd_fleet(const kc_cli *o, kc_catalog *cat, kc_error *err)
{
    kc_fleet_opts fo = { 0 };
    kc_fleet_report meta = { 0 };
    kc_fleet *fleet = NULL;
    kc_policy policy;
    kc_policy_source source;
    kc_existing existing;
    kc_format format;
    kc_shape shapes[KC_CLI_VMS_MAX];
    char labels[KC_CLI_VMS_MAX][160];
    const char *label_ptrs[KC_CLI_VMS_MAX];
    uint64_t counts[KC_CLI_VMS_MAX];
    bool any_count = false, save_failed = false;
    char **uris = NULL;
    size_t n_uris = 0;
    int ret = -1;

    if (check_fleet_options(o, err) < 0 ||
        kc_cli_format(o, KC_REPORT_FORMATS(kc_report_fleet_by_format), &format, err) < 0)
        goto out;
    fo.parallel = o->parallel_n;
    fo.timeout_s = o->timeout_s;
    if (kc_cli_build_policy_source(o, cat, &policy, &meta.profile, &existing, &source,
                                   err) < 0)
        goto out;
    meta.source = &source;
    for (size_t i = 0; i < o->n_vms; i++) {
        bool has_count = false;

        counts[i] = 0;
        if (kc_spec_parse_vm(o->vms[i], cat, &shapes[i], &counts[i], &has_count, labels[i],
                             sizeof(labels[i]), err) < 0)
            goto out;
        if (!has_count)
            counts[i] = 0;
        any_count = any_count || has_count;
        label_ptrs[i] = labels[i];
    }
    if (format == KC_FORMAT_PROMETHEUS &&
        kc_report_prometheus_shapes_unique(label_ptrs, o->n_vms, err) < 0)
        goto out;
    if (o->prometheus) {
        if (!(fleet = prom_fleet(o, err)))
            goto out;
        fo.parallel = 1;
        goto plan;
    }
    if (gather_uris(o, &uris, &n_uris, err) < 0)
        goto out;
    if (o->save_facts) {
        /* before collecting: a typo should not cost a fleet's worth of waiting */
        if (access(o->save_facts, W_OK | X_OK) < 0) {
            kc_error_set(err, KC_ERR_HOST, "--save-facts: cannot write in '%s': %s",
                         o->save_facts, strerror(errno));
            goto out;
        }
    }
    if (!(fleet = kc_fleet_new((const char *const *)uris, n_uris, err)))
        goto out;
    fo.parallel = fo.parallel ? fo.parallel : KC_FLEET_PARALLEL_DEFAULT;
    fo.no_tty = !isatty(STDIN_FILENO);
    fo.sysroot = getenv("KVMCAP_SYSROOT");
    if (!o->quiet && isatty(STDERR_FILENO))
        fo.progress = progress;
    if (kc_fleet_collect(fleet, &fo, err) < 0)
        goto out;
 plan:
    if (kc_fleet_plan(fleet, cat, shapes, label_ptrs, any_count ? counts : NULL, o->n_vms,
                      &policy, existing, err) < 0)
        goto out;
    kc_fleet_sort_hosts(fleet, o->sort_key);
    /* a host whose file could not be saved is in the report; the run still fails after it */
    save_failed = o->save_facts && kc_fleet_save_facts(fleet, o->save_facts, KC_VERSION, err) < 0;
    meta.timeout_s = fo.timeout_s;
    meta.parallel = fo.parallel;
    meta.sort = KC_NAME(sort, o->sort_key);
    meta.fleet = fleet;
    meta.version = KC_VERSION;
    kc_report_fleet_by_format[format](stdout, &meta);
    if (save_failed)
        goto out;
    /* a fleet of which nothing answered has no answer: its total of 0 is not one */
    if (fleet->n_hosts && fleet->n_failed == fleet->n_hosts) {
        kc_error_set(err, KC_ERR_HOST, "no host answered (%zu of %zu failed)", fleet->n_failed,
                     fleet->n_hosts);
        goto out;
    }
    if (o->strict && fleet->n_failed) {
        kc_error_set(err, KC_ERR_HOST, "%zu of %zu hosts failed (--strict)", fleet->n_failed,
                     fleet->n_hosts);
        goto out;
    }
    for (size_t s = 0; fleet->place && s < fleet->place->n_shapes; s++) {
        const kc_place_shape *ps = &fleet->place->shapes[s];

        if (ps->unplaced) {
            kc_error_set(err, KC_ERR_NOFIT, "only %llu of %llu VMs of '%s' fit on the fleet",
                         (unsigned long long)ps->placed, (unsigned long long)ps->requested,
                         labels[s]);
            goto out;
        }
    }
    ret = 0;
 out:
    kc_fleet_free(fleet);
    for (size_t i = 0; i < n_uris; i++)
        free(uris[i]);
    free(uris);
    return ret;
}
