/* SPDX-License-Identifier: MIT */
/* cmd_size.c: `kvmcap size`: what to buy for a workload, over candidate host models. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "facts/facts_json.h"
#include "input/catalog_load.h"
#include "input/facts_host.h"
#include "input/spec.h"
#include "input/workload.h"
#include "report/dispatch.h"
#include "util/names.h"
#include "util/util.h"
#include "size.h"

static const char help_size[] =
    "Usage: kvmcap size (--vm SPEC:COUNT ... | --workload FILE | --from-facts FILE)\n"
    "                   [--host SPEC ... | --catalog FILE] [--ha N] [--growth PCT]\n"
    "                   [--effort N] [POLICY] [--json | --format table|json|csv]\n"
    "\n"
    "What to buy: for each candidate host model, how many hosts hold the workload\n"
    "(vector bin packing over memory, vCPUs and every resource a shape asks for),\n"
    "what they cost, and which is the best buy. Candidates come from --host SPEC\n"
    "(repeatable; price=N and name=X keys), --catalog FILE, or data/hosts.json.\n"
    "\n"
    "      --vm SPEC:COUNT    a shape and how many (repeatable)\n"
    "      --workload FILE    {\"workload\": [{\"name\": .., \"vm\": \"2c4g\", \"count\": 200}]}\n"
    "      --from-facts FILE  the VMs a host runs today (consolidation); with\n"
    "                         --existing all, its defined-but-off VMs too\n"
    "      --ha N             host failures tolerated: N spare hosts (default 0)\n"
    "      --growth PCT       grow every count by PCT (default 0)\n"
    "      --effort N         search up to N x longer for fewer hosts while a gap to\n"
    "                         the bound is left (default 4 up to 600 VMs a host\n"
    "                         model packs, 1 above; at most 64)\n"
    "      --max-util PCT     plan no host above PCT of any resource (default 100)\n"
    "      and the policy options of 'kvmcap --help' (overcommit, reserve, cpu\n"
    "      ratio, ...)\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 bad input (spec, file, a VM that fits on no\n"
    "candidate), 4 I/O error.\n";

void kc_help_size(FILE *out)
{
    fputs(help_size, out);
}

/* What the options mean together (the option table says which ones size takes). */
static int check_size_options(const kc_cli *o, kc_error *err)
{
    if (o->existing && !o->from_facts)
        return kc_cli_usage_error(err, "--existing chooses the VMs of --from-facts");
    if (o->n_hosts && o->catalog)
        return kc_cli_usage_error(err, "give candidates with --host or --catalog, not both");
    if (o->n_vms == 0 && !o->workload && !o->from_facts)
        return kc_cli_usage_error(err, "no workload given (use --vm SPEC:COUNT, --workload FILE "
                                       "or --from-facts FILE)");
    return 0;
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
static int lines_from_facts(const char *path, kc_existing existing, kc_workload_line **lines,
                            size_t *n, kc_error *err)
{
    size_t taken = 0;

    kc_facts *f = kc_facts_new();
    char *text = kc_cli_read_file(path, err);
    int ret = -1;

    if (!text || kc_facts_from_json(text, path, f, err) < 0)
        goto out;
    /* room for every VM at once: a realloc per VM would copy quadratically */
    *lines = kc_xreallocarray(*lines, *n + f->n_vms + 1, sizeof(**lines));
    for (size_t i = 0; i < f->n_vms; i++) {
        const kc_fact_vm *vm = &f->vms[i];
        kc_workload_line *l;

        if (existing == KC_EXISTING_NONE ||
            (existing == KC_EXISTING_RUNNING && vm->state != KC_VM_RUNNING))
            continue;
        taken++;
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
    if (taken == 0) {
        kc_error_set(err, KC_ERR_INVALID, "%s: no %sVMs to size for (--existing %s)", path,
                     existing == KC_EXISTING_RUNNING ? "running " : "",
                     KC_NAME(existing, existing));
        goto out;
    }
    ret = 0;
 out:
    free(text);
    kc_facts_free(f);
    return ret;
}

int kc_cmd_size(const kc_cli *o, kc_catalog *cat, kc_error *err)
{
    kc_workload_line *lines = NULL;
    kc_candidate *cands = NULL;
    kc_sizing *sizing = NULL;
    kc_size_opts so;
    const char *profile;
    kc_existing existing;
    kc_policy_source source;
    kc_format format;
    size_t n_lines = 0, n_cands = 0;
    int ret = -1;

    memset(&so, 0, sizeof(so));
    if (check_size_options(o, err) < 0 ||
        kc_cli_format(o, KC_REPORT_FORMATS(kc_report_size_by_format), &format, err) < 0)
        return -1;
    if (kc_cli_build_policy_source(o, cat, &so.policy, &profile, &existing, &source, err) < 0)
        goto out;
    so.growth_bp = o->growth_bp;
    so.ha = o->ha_n;
    so.pack.effort = o->effort_n;   /* 0: the packer's default (4 up to 600 VMs, 1 above) */
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
        if (kc_strlcpy(l->name, label, sizeof(l->name)) < 0) {
            kc_error_set(err, KC_ERR_INVALID, "bad VM spec '%s': longer than %d characters "
                         "(use a workload file with a \"name\")", o->vms[i], KC_NAME_MAX - 1);
            goto out;
        }
        n_lines++;
    }
    /* every --workload and --from-facts adds its VMs: the workload is the sum */
    for (size_t i = 0; i < o->n_workloads; i++) {
        char *text = kc_cli_read_file(o->workloads[i], err);

        if (!text)
            goto out;
        ret = kc_workload_from_json(text, o->workloads[i], cat, &lines, &n_lines, err);
        free(text);
        if (ret < 0)
            goto out;
        ret = -1;
    }
    for (size_t i = 0; i < o->n_from_facts; i++)
        if (lines_from_facts(o->from_facts_files[i], existing, &lines, &n_lines, err) < 0)
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
    kc_report_size_by_format[format](stdout, &(kc_size_report){
        .sizing = sizing, .cands = cands, .opts = &so, .profile = profile,
        .existing = existing, .source = &source, .version = KC_VERSION });
    ret = 0;
 out:
    kc_sizing_free(sizing);
    free(cands);
    free(lines);
    return ret;
}
