/* SPDX-License-Identifier: MIT */
/* facts.c: the kc_facts container: allocation, growth, sorting, names. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "util/util.h"

kc_facts *kc_facts_new(void)
{
    return kc_xcalloc(1, sizeof(kc_facts));
}

void kc_facts_free(kc_facts *facts)
{
    if (!facts)
        return;
    free(facts->nics);
    free(facts->networks);
    free(facts->storage);
    free(facts->vms);
    free(facts->notes);
    free(facts);
}

/* Grow *@arr by one zeroed element of @size bytes; returns the new element. */
static void *append(void *arr_ptr, size_t *n, size_t size)
{
    void **arr = arr_ptr;
    char *grown;

    /* Capacity is 4, then doubles: full exactly when *n is 0 or a power of two >= 4. */
    if (*n == 0 || (*n >= 4 && (*n & (*n - 1)) == 0)) {
        size_t cap = *n ? *n * 2 : 4;

        *arr = kc_xreallocarray(*arr, cap, size);
    }
    grown = (char *)*arr + *n * size;
    memset(grown, 0, size);
    (*n)++;
    return grown;
}

kc_fact_vm *kc_facts_add_vm(kc_facts *facts)
{
    return append(&facts->vms, &facts->n_vms, sizeof(*facts->vms));
}

kc_fact_nic *kc_facts_add_nic(kc_facts *facts)
{
    return append(&facts->nics, &facts->n_nics, sizeof(*facts->nics));
}

kc_fact_network *kc_facts_add_network(kc_facts *facts)
{
    return append(&facts->networks, &facts->n_networks, sizeof(*facts->networks));
}

kc_fact_storage *kc_facts_add_storage(kc_facts *facts)
{
    return append(&facts->storage, &facts->n_storage, sizeof(*facts->storage));
}

void kc_facts_add_note(kc_facts *facts, const char *fmt, ...)
{
    char (*note)[256] = append(&facts->notes, &facts->n_notes, sizeof(*facts->notes));
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(*note, sizeof(*note), fmt, ap);
    va_end(ap);
}

static int cmp_vm(const void *a, const void *b)
{
    return strcmp(((const kc_fact_vm *)a)->name, ((const kc_fact_vm *)b)->name);
}

static int cmp_nic(const void *a, const void *b)
{
    return strcmp(((const kc_fact_nic *)a)->name, ((const kc_fact_nic *)b)->name);
}

static int cmp_network(const void *a, const void *b)
{
    return strcmp(((const kc_fact_network *)a)->name, ((const kc_fact_network *)b)->name);
}

static int cmp_storage(const void *a, const void *b)
{
    return strcmp(((const kc_fact_storage *)a)->name, ((const kc_fact_storage *)b)->name);
}

void kc_facts_sort(kc_facts *facts)
{
    if (facts->n_vms > 1)
        qsort(facts->vms, facts->n_vms, sizeof(*facts->vms), cmp_vm);
    if (facts->n_nics > 1)
        qsort(facts->nics, facts->n_nics, sizeof(*facts->nics), cmp_nic);
    if (facts->n_networks > 1)
        qsort(facts->networks, facts->n_networks, sizeof(*facts->networks), cmp_network);
    if (facts->n_storage > 1)
        qsort(facts->storage, facts->n_storage, sizeof(*facts->storage), cmp_storage);
}

bool kc_facts_nic_is_uplink(const kc_fact_nic *nic)
{
    return nic->role == KC_NIC_VM && nic->speed_kbps > 0 && !nic->standby;
}
