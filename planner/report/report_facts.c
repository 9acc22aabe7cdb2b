/* SPDX-License-Identifier: MIT */
/* report_facts.c: what `kvmcap facts` shows: the human text, and the facts file's JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts_json.h"
#include "report/report_facts.h"
#include "util/fmt.h"
#include "util/names.h"
#include "util/util.h"

typedef unsigned long long ull;

/* "10 Gbit/s", "100 Mbit/s", "2.5 Gbit/s", "unknown" (kbit/s in). */
static void speed_text(uint64_t kbps, char *buf, size_t size)
{
    if (!kbps)
        snprintf(buf, size, "unknown");
    else if (kbps % 1000000 == 0)
        snprintf(buf, size, "%llu Gbit/s", (ull)(kbps / 1000000));
    else if (kbps >= 1000000 && kbps % 100000 == 0)
        snprintf(buf, size, "%llu.%llu Gbit/s", (ull)(kbps / 1000000),
                 (ull)(kbps % 1000000 / 100000));
    else if (kbps % 1000 == 0)
        snprintf(buf, size, "%llu Mbit/s", (ull)(kbps / 1000));
    else
        snprintf(buf, size, "%llu kbit/s", (ull)kbps);
}

static void count_text(uint32_t v, char *buf, size_t size)
{
    if (v)
        snprintf(buf, size, "%u", v);
    else
        snprintf(buf, size, "?");
}

int kc_report_facts_text(FILE *out, const kc_facts_report *rep, kc_error *err)
{
    const kc_facts *f = rep->facts;
    char a[32], b[32], c[32];
    uint64_t run_vms = 0, run_vcpus = 0, run_mem = 0, off_vms = 0;

    /* every string below comes from the host or a file: kc_term_str strips control chars */
    fprintf(out, "host       %s\n", kc_term_str(f->hostname[0] ? f->hostname : f->name[0] ? f->name
                                                                             : "unknown"));
    fprintf(out, "source     %s%s%s\n", KC_NAME(source, f->source), f->uri[0] ? " " : "",
            kc_term_str(f->uri));
    count_text(f->sockets, a, sizeof(a));
    count_text(f->cores, b, sizeof(b));
    count_text(f->threads, c, sizeof(c));
    fprintf(out, "cpus       %u logical (%s %s x %s %s x %s %s)", f->cpus,
            a, kc_plural(f->sockets, "socket", "sockets"), b, kc_plural(f->cores, "core", "cores"),
            c, kc_plural(f->threads, "thread", "threads"));
    if (f->cpu_model[0])
        fprintf(out, ", %s", kc_term_str(f->cpu_model));
    if (f->mhz)
        fprintf(out, ", %u MHz", f->mhz);
    fputc('\n', out);
    fprintf(out, "memory     %llu MiB (%s", (ull)f->mem_mib,
            kc_term_str(f->mem_source[0] ? f->mem_source : "unknown source"));
    if (f->nodeinfo_mem_mib)
        fprintf(out, "; virNodeGetInfo says %llu MiB", (ull)f->nodeinfo_mem_mib);
    fputs(")\n", out);
    if (f->n_numa) {
        fprintf(out, "numa       %zu %s\n", f->n_numa, kc_plural(f->n_numa, "node", "nodes"));
        for (size_t i = 0; i < f->n_numa && i < KC_NUMA_MAX; i++) {
            fprintf(out, "  node %-4zu %u %s, %llu MiB", i, f->numa[i].cpus,
                    kc_plural(f->numa[i].cpus, "cpu", "cpus"), (ull)f->numa[i].mem_mib);
            if (f->numa[i].hugepages_mib)
                fprintf(out, ", hugepages %llu MiB", (ull)f->numa[i].hugepages_mib);
            fputc('\n', out);
        }
    } else {
        fputs("numa       unknown\n", out);
    }
    if (f->hugepages_mib)
        fprintf(out, "hugepages  %llu MiB in %llu KiB pages\n", (ull)f->hugepages_mib,
                (ull)f->hugepage_kib);
    else
        fputs("hugepages  none\n", out);

    fprintf(out, "nics       %zu\n", f->n_nics);
    for (size_t i = 0; i < f->n_nics; i++) {
        speed_text(f->nics[i].speed_kbps, a, sizeof(a));
        fprintf(out, "  %-16s %s", kc_term_str(f->nics[i].name), a);
        if (f->nics[i].bridge[0])
            fprintf(out, ", port of %s", kc_term_str(f->nics[i].bridge));
        fprintf(out, ", %s%s", KC_NAME(nic_role, f->nics[i].role),
                kc_facts_nic_is_uplink(&f->nics[i]) ? " (uplink)" : "");
        if (f->nics[i].why[0])
            fprintf(out, ": %s", kc_term_str(f->nics[i].why));
        fputc('\n', out);
    }
    fprintf(out, "networks   %zu\n", f->n_networks);
    for (size_t i = 0; i < f->n_networks; i++)
        fprintf(out, "  %-16s %s%s%s, %s\n", kc_term_str(f->networks[i].name),
                kc_term_str(f->networks[i].mode), f->networks[i].bridge[0] ? " on " : "",
                kc_term_str(f->networks[i].bridge),
                f->networks[i].active ? "active" : "inactive");
    fprintf(out, "storage    %zu\n", f->n_storage);
    for (size_t i = 0; i < f->n_storage; i++) {
        const kc_fact_storage *s = &f->storage[i];

        fprintf(out, "  %-16s %s", kc_term_str(s->name),
                kc_term_str(s->pool_type[0] ? s->pool_type : "disk"));
        if (s->count > 1)
            fprintf(out, " %ux", s->count);
        fprintf(out, " %llu MiB, used %llu MiB, disk %s\n", (ull)s->size_mib, (ull)s->used_mib,
                kc_term_str(s->disk_type[0] ? s->disk_type : "unknown"));
    }
    for (size_t i = 0; i < f->n_vms; i++) {
        if (f->vms[i].state == KC_VM_RUNNING) {
            run_vms++;
            run_vcpus += f->vms[i].vcpus;
            run_mem += f->vms[i].mem_mib;
        } else {
            off_vms++;
        }
    }
    fprintf(out, "vms        %zu (%llu running: %llu %s, %llu MiB; %llu off)\n", f->n_vms,
            (ull)run_vms, (ull)run_vcpus, kc_plural(run_vcpus, "vcpu", "vcpus"), (ull)run_mem,
            (ull)off_vms);
    for (size_t i = 0; i < f->n_vms; i++)
        fprintf(out, "  %-16s %-7s %u %s, %llu MiB%s\n", kc_term_str(f->vms[i].name),
                KC_NAME(vm_state, f->vms[i].state), f->vms[i].vcpus,
                kc_plural(f->vms[i].vcpus, "vcpu", "vcpus"),
                (ull)f->vms[i].mem_mib, f->vms[i].hugepages ? ", hugepages" : "");
    if (f->n_notes) {
        fputs("notes\n", out);
        for (size_t i = 0; i < f->n_notes; i++)
            fprintf(out, "  - %s\n", kc_term_str(f->notes[i]));
    }
    if (fflush(out) != 0 || ferror(out))
        return kc_error_set(err, KC_ERR_HOST, "cannot write the facts report: %s",
                            strerror(errno));
    return 0;
}

int kc_report_facts_json(FILE *out, const kc_facts_report *rep, kc_error *err)
{
    char *text = kc_facts_to_json(rep->facts, rep->version);

    if (!text)
        return kc_error_set(err, KC_ERR_INTERNAL, "cannot write the facts as JSON");
    fputs(text, out);    /* ends in a newline */
    free(text);
    return 0;
}
