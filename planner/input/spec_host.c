/* SPDX-License-Identifier: MIT */
/* spec_host.c: host specs ("32c256g,nic=2x10g,disk=4xssd:1.92t,numa=2,...") into facts. */
#include <stdio.h>
#include <string.h>

#include "input/spec_impl.h"
#include "util/util.h"

/* Append the names of catalog devices of @kind to @buf ("hdd-7.2k, ssd, ..."). */
static void device_names(const kc_catalog *catalog, kc_storage_kind kind, char *buf,
                         size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    if (!catalog)
        return;
    for (size_t i = 0; i < catalog->n_devices && len + 1 < size; i++) {
        int w;

        if (catalog->devices[i].kind != kind)
            continue;
        w = snprintf(buf + len, size - len, "%s%s", len ? ", " : "", catalog->devices[i].name);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    if (len >= size)
        buf[size - 1] = '\0';
}

/* disk=[Nx]TYPE:SIZE or storage=[Nx]TYPE:SIZE */
static int parse_storage_item(const char *key, char *val, kc_storage_kind kind,
                              const kc_catalog *catalog, kc_facts *facts, kc_error *err)
{
    const kc_device_type *dev;
    kc_fact_storage *st;
    uint64_t count, size_mib;
    char *type, *colon;

    if (kc_spec_count_prefix(key, val, 4096, &count, &type, err) < 0)
        return -1;
    colon = strchr(type, ':');
    if (!colon)
        return kc_error_set(err, KC_ERR_INVALID, "%s '%s' needs TYPE:SIZE (e.g. %s)", key,
                            Q(val).s, kind == KC_STORAGE_LOCAL ? "disk=4xnvme:3.84t"
                                                               : "storage=iscsi-10g:20t");
    *colon = '\0';
    dev = catalog && *type ? kc_catalog_device(catalog, type) : NULL;
    if (!dev) {
        char names[160];

        device_names(catalog, kind, names, sizeof(names));
        return kc_error_set(err, KC_ERR_INVALID, "unknown %s type '%s'%s%s%s", key, Q(type).s,
                            names[0] ? " (types: " : "", names, names[0] ? ")" : "");
    }
    if (dev->kind != kind)
        return BAD(err, kind == KC_STORAGE_LOCAL
                            ? "'%s' is network storage: use storage=TYPE:SIZE"
                            : "'%s' is a local disk type: use disk=TYPE:SIZE", type);
    if (kc_spec_size_detail(colon + 1, false, false, &size_mib, err) < 0)
        return -1;
    if (size_mib > KC_SPEC_SIZE_MAX_MIB / count)
        return BAD(err, "total of '%s' is too large (at most 2^50 MiB)", val);
    if (facts->n_storage >= KC_STORAGE_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "more than %d disk=/storage= items",
                            KC_STORAGE_MAX);
    st = kc_facts_add_storage(facts);
    snprintf(st->name, sizeof(st->name), "disk%zu", facts->n_storage - 1);
    kc_strlcpy(st->disk_type, dev->name, sizeof(st->disk_type));
    st->count = (uint32_t)count;
    st->size_mib = size_mib;
    return 0;
}

/* nic=[Nx]SPEED[:ROLE], ROLE vm (default), mgmt or storage (README "Model") */
static int parse_nic_item(char *val, kc_facts *facts, kc_error *err)
{
    uint64_t count, kbps;
    char *bw, *colon = strchr(val, ':');
    int role = KC_NIC_VM;

    if (colon) {
        char names[64];

        role = kc_names_value(&kc_names_nic_role, colon + 1);
        if (role < 0) {
            return kc_error_set(err, KC_ERR_INVALID, "unknown NIC role '%s' (roles: %s)",
                                Q(colon + 1).s,
                                kc_names_list(&kc_names_nic_role, ~0u, names, sizeof(names)));
        }
        *colon = '\0';
    }
    if (kc_spec_count_prefix("nic", val, KC_NIC_MAX, &count, &bw, err) < 0)
        return -1;
    if (kc_spec_bw_detail(bw, &kbps, err) < 0)
        return -1;
    if (facts->n_nics + count > KC_NIC_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "more than %d NICs", KC_NIC_MAX);
    for (uint64_t i = 0; i < count; i++) {
        kc_fact_nic *nic = kc_facts_add_nic(facts);

        snprintf(nic->name, sizeof(nic->name), "nic%zu", facts->n_nics - 1);
        nic->speed_kbps = kbps;
        nic->role = (kc_nic_role)role;
    }
    return 0;
}

static int parse_name(const char *val, char *dst, size_t size, kc_error *err)
{
    size_t n = strlen(val);

    if (n == 0 || n >= size)
        return BAD(err, "name '%s' must be 1 to 63 characters", val);
    for (size_t i = 0; i < n; i++) {
        char c = val[i];

        if (!(is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'z') || c == '.' || c == '_' ||
              c == '-'))
            return BAD(err, "name '%s' may hold only letters, digits, '.', '_' and '-'", val);
    }
    memcpy(dst, val, n + 1);
    return 0;
}

static int parse_hugepages(char *val, uint64_t *pool_mib, uint64_t *page_kib, kc_error *err)
{
    char *colon = strchr(val, ':');

    *page_kib = 2048;
    if (colon) {
        *colon = '\0';
        if (ieq(colon + 1, "2m"))
            *page_kib = 2048;
        else if (ieq(colon + 1, "1g"))
            *page_kib = 1024 * 1024;
        else
            return BAD(err, "unknown hugepage size '%s' (use 2m or 1g)", colon + 1);
    }
    return kc_spec_size_detail(val, false, true, pool_mib, err);
}

static const char host_keys[] = "keys: nic, disk, storage, numa, hugepages, price, name";

int kc_spec_host_items(char *buf, const kc_catalog *catalog, kc_facts *facts, kc_error *err)
{
    char *p = buf, *tok, *comma;
    bool first = true, seen_numa = false, seen_hp = false, seen_price = false,
         seen_name = false;
    uint64_t numa = 0, hp_mib = 0, hp_kib = 0;

    for (;; p = comma + 1) {
        char *val;

        comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        tok = p;
        if (!*tok)
            return kc_error_set(err, KC_ERR_INVALID, "empty item (two commas, or a comma at "
                                                     "the start or end)");
        if (first) {
            if (kc_spec_cpus_mem(tok, false, &facts->cpus, &facts->mem_mib, err) < 0)
                return -1;
            first = false;
            if (!comma)
                break;
            continue;
        }
        kc_spec_split_key(tok, &val);
        if (strcmp(tok, "nic") && strcmp(tok, "disk") && strcmp(tok, "storage") &&
            strcmp(tok, "numa") && strcmp(tok, "hugepages") && strcmp(tok, "price") &&
            strcmp(tok, "name"))
            return kc_error_set(err, KC_ERR_INVALID, "unknown key '%s' (%s)", Q(tok).s,
                                host_keys);
        if (!val)
            return BAD(err, "key '%s' needs a value (KEY=VALUE)", tok);
        if (!strcmp(tok, "nic")) {
            if (parse_nic_item(val, facts, err) < 0)
                return -1;
        } else if (!strcmp(tok, "disk") || !strcmp(tok, "storage")) {
            kc_storage_kind kind = !strcmp(tok, "disk") ? KC_STORAGE_LOCAL : KC_STORAGE_NETWORK;

            if (parse_storage_item(tok, val, kind, catalog, facts, err) < 0)
                return -1;
        } else {
            bool *seen = !strcmp(tok, "numa") ? &seen_numa
                       : !strcmp(tok, "hugepages") ? &seen_hp
                       : !strcmp(tok, "price") ? &seen_price : &seen_name;

            if (*seen)
                return BAD(err, "key '%s' is given twice", tok);
            *seen = true;
            if (!strcmp(tok, "numa")) {
                if (kc_spec_uint_detail(val, KC_NUMA_MAX, &numa, err) < 0)
                    return -1;
                if (numa == 0)
                    return BAD(err, "numa '%s' must be at least 1", val);
            } else if (!strcmp(tok, "hugepages")) {
                if (parse_hugepages(val, &hp_mib, &hp_kib, err) < 0)
                    return -1;
            } else if (!strcmp(tok, "price")) {
                if (kc_spec_uint_detail(val, KC_SPEC_UINT_MAX, &facts->price, err) < 0)
                    return -1;
            } else if (parse_name(val, facts->name, sizeof(facts->name), err) < 0) {
                return -1;
            }
        }
        if (!comma)
            break;
    }

    if (hp_mib > facts->mem_mib)
        return kc_error_set(err, KC_ERR_INVALID,
                            "hugepages (%llu MiB) exceed the host's memory (%llu MiB)",
                            (unsigned long long)hp_mib, (unsigned long long)facts->mem_mib);
    if (hp_mib) {
        uint64_t nodes = numa ? numa : 1, page_mib = hp_kib / 1024;

        if (hp_mib % nodes || (hp_mib / nodes) % page_mib) {
            if (nodes == 1)
                return kc_error_set(err, KC_ERR_INVALID,
                                    "hugepages (%llu MiB) are not a whole number of %llu MiB "
                                    "pages", (unsigned long long)hp_mib,
                                    (unsigned long long)page_mib);
            return kc_error_set(err, KC_ERR_INVALID,
                                "hugepages (%llu MiB) are not a whole number of %llu MiB "
                                "pages on each of %llu NUMA nodes",
                                (unsigned long long)hp_mib, (unsigned long long)page_mib,
                                (unsigned long long)nodes);
        }
        facts->hugepages_mib = hp_mib;
        facts->hugepage_kib = hp_kib;
    }
    if (numa) {
        if (facts->cpus % numa)
            return kc_error_set(err, KC_ERR_INVALID,
                                "%u CPUs do not split evenly over numa=%llu nodes",
                                facts->cpus, (unsigned long long)numa);
        facts->n_numa = (size_t)numa;
        for (size_t i = 0; i < facts->n_numa; i++) {
            kc_numa_node *node = &facts->numa[i];

            node->cpus = facts->cpus / (uint32_t)numa;
            /* memory that does not divide goes to node 0, as the kernel's node 0 usually
             * holds the odd low memory */
            node->mem_mib = facts->mem_mib / numa + (i == 0 ? facts->mem_mib % numa : 0);
            node->hugepages_mib = hp_mib / numa;
        }
    }
    return 0;
}

int kc_spec_parse_host(const char *text, const kc_catalog *catalog, kc_facts *facts,
                       kc_error *err)
{
    char buf[SPEC_MAX];

    if (!text)
        return kc_error_set(err, KC_ERR_INVALID, "bad host spec: no text");
    if (kc_spec_load_text(text, buf, sizeof(buf), err) < 0 ||
        kc_spec_host_items(buf, catalog, facts, err) < 0)
        return kc_spec_wrap(err, "host spec", text);
    facts->source = KC_SOURCE_SPEC;
    kc_strlcpy(facts->mem_source, "spec", sizeof(facts->mem_source));
    return 0;
}
