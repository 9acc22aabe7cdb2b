/* SPDX-License-Identifier: MIT */
/* collect.c: tiny driver of kc_libvirt_collect() for the live tests (until the CLI exists). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts_libvirt.h"
#include "report/report_facts.h"
#include "util/names.h"

/* collect [--text] [--timeout S] [URI]: key=value lines (or the text report) on stdout,
 * "kvmcap: <msg>" on stderr and the kc_error code as exit status on failure. */
int main(int argc, char **argv)
{
    kc_collect_opts opts = { 0 };
    kc_facts *facts = kc_facts_new();
    kc_error err = { 0 };
    int text = 0, rc = 0;
    unsigned long long run_vms = 0, run_vcpus = 0, run_mem = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--text") == 0)
            text = 1;
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            opts.timeout_s = (unsigned)strtoul(argv[++i], NULL, 10);
        else
            opts.uri = argv[i];
    }
    if (kc_libvirt_collect(&opts, facts, &err) < 0) {
        fprintf(stderr, "kvmcap: %s\n", err.msg);
        rc = (int)err.code;
        goto out;
    }
    if (text) {
        kc_facts_report rep = { .facts = facts, .version = "live" };

        if (kc_report_facts_text(stdout, &rep, &err) < 0)
            rc = (int)err.code;
        goto out;
    }
    printf("source=%s\nuri=%s\ncpus=%u\nmem_mib=%llu\nmem_source=%s\nnodeinfo_mem_mib=%llu\n"
           "numa=%zu\nhugepages_mib=%llu\n", KC_NAME(source, facts->source), facts->uri,
           facts->cpus, (unsigned long long)facts->mem_mib, facts->mem_source,
           (unsigned long long)facts->nodeinfo_mem_mib, facts->n_numa,
           (unsigned long long)facts->hugepages_mib);
    for (size_t i = 0; i < facts->n_numa; i++)
        printf("numa%zu=%u %llu\n", i, facts->numa[i].cpus,
               (unsigned long long)facts->numa[i].mem_mib);
    for (size_t i = 0; i < facts->n_vms; i++) {
        const kc_fact_vm *vm = &facts->vms[i];

        printf("vm=%s %u %llu %s\n", vm->name, vm->vcpus, (unsigned long long)vm->mem_mib,
               vm->state == KC_VM_RUNNING ? "running" : "off");
        if (vm->state == KC_VM_RUNNING) {
            run_vms++;
            run_vcpus += vm->vcpus;
            run_mem += vm->mem_mib;
        }
    }
    printf("running_vms=%llu\nrunning_vcpus=%llu\nrunning_mem_mib=%llu\n", run_vms, run_vcpus,
           run_mem);
 out:
    kc_facts_free(facts);
    return rc;
}
