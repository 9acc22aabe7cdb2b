/* SPDX-License-Identifier: MIT */
/* spec_host.c: host specs ("32c256g,nic=2x10g,disk=4xssd:1.92t,numa=2,...") into facts. */
#include <stdio.h>
#include <string.h>

#include "input/spec_impl.h"
#include "pool.h"
#include "util/names.h"
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

/* A pool name: letters, digits, '-', '_' and '.', shorter than KC_POOL_NAME_MAX. */
static bool pool_name_ok(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n >= KC_POOL_NAME_MAX || !((name[0] >= 'a' && name[0] <= 'z') ||
                                             (name[0] >= 'A' && name[0] <= 'Z')))
        return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n;
}

/* The optional fields after TYPE:SIZE, in any order (README "Spec grammar"): a RAID level,
 * the word boot, a pool name. */
static int parse_pool_fields(const char *key, const char *item, char *fields,
                             kc_storage_kind kind, kc_fact_storage *st, kc_error *err)
{
    bool seen_raid = false, seen_name = false;

    for (char *f = fields, *next; f; f = next) {
        next = strchr(f, ':');
        if (next)
            *next++ = '\0';
        if (!*f)
            return kc_error_set(err, KC_ERR_INVALID, "%s '%s': empty field (two colons, or one at the end)", key, Q(item).s);
        if (strncmp(f, "raid", 4) == 0) {
            int r = kc_names_value(&kc_names_raid, f);

            if (r <= KC_RAID_NONE)
                return kc_error_set(err, KC_ERR_INVALID, "%s '%s': unknown RAID level '%s' (raid0, raid1, raid5, raid6, "
                                "raid10)", key, Q(item).s, Q(f).s);
            if (kind != KC_STORAGE_LOCAL)
                return kc_error_set(err, KC_ERR_INVALID, "%s '%s': a RAID level is for disk= groups (an array's RAID "
                                "is in its figures)", key, Q(item).s);
            if (seen_raid)
                return kc_error_set(err, KC_ERR_INVALID, "%s '%s': two RAID levels", key, Q(item).s);
            seen_raid = true;
            st->raid = (kc_raid)r;
        } else if (strcmp(f, "boot") == 0) {
            st->boot = true;
        } else {
            if (!pool_name_ok(f))
                return kc_error_set(err, KC_ERR_INVALID, "%s '%s': bad field '%s' (a RAID level, boot, or a pool name: "
                                "a letter, then letters, digits, '-', '_', '.', at most %d)",
                           key, Q(item).s, Q(f).s, KC_POOL_NAME_MAX - 1);
            if (seen_name)
                return kc_error_set(err, KC_ERR_INVALID, "%s '%s': two pool names", key, Q(item).s);
            seen_name = true;
            kc_strlcpy(st->name, f, sizeof(st->name));
        }
    }
    if (st->count < kc_raid_min_devices(st->raid) ||
        (st->raid == KC_RAID_10 && st->count % 2))
        return kc_error_set(err, KC_ERR_INVALID, "%s '%s': %s needs at least %u devices%s, not %u", key, Q(item).s,
                   kc_names_word(&kc_names_raid, (int)st->raid), kc_raid_min_devices(st->raid),
                   st->raid == KC_RAID_10 ? " (an even count)" : "", st->count);
    return 0;
}

/* disk=[Nx]TYPE:SIZE[:FIELD...] or storage=[Nx]TYPE:SIZE[:FIELD...] */
static int parse_storage_item(const char *key, char *val, kc_storage_kind kind,
                              const kc_catalog *catalog, kc_facts *facts, kc_error *err)
{
    const kc_device_type *dev;
    kc_fact_storage *st;
    uint64_t count, size_mib;
    char *type, *colon, *fields, item[128];

    kc_strlcpy(item, val, sizeof(item));
    if (kc_spec_count_prefix(key, val, 4096, &count, &type, err) < 0)
        return -1;
    colon = strchr(type, ':');
    if (!colon)
        return kc_error_set(err, KC_ERR_INVALID, "%s '%s' needs TYPE:SIZE (e.g. %s)", key,
                            Q(val).s, kind == KC_STORAGE_LOCAL ? "disk=4xnvme:3.84t"
                                                               : "storage=iscsi-10g:20t");
    *colon = '\0';
    fields = strchr(colon + 1, ':');
    if (fields)
        *fields++ = '\0';
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
    if (fields && parse_pool_fields(key, item, fields, kind, st, err) < 0)
        return -1;
    return 0;
}

/* After all items: pool names are unique, and with several pools and none marked boot the
 * smallest local group of at most two devices is the boot group (doc/model.md 2.5: the
 * usual server has its hypervisor on a mirrored pair). */
static int finish_pools(const kc_catalog *catalog, kc_facts *facts, kc_error *err)
{
    size_t boot = SIZE_MAX;
    kc_u128 best = 0;

    for (size_t i = 0; i < facts->n_storage; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(facts->storage[i].name, facts->storage[j].name) == 0)
                return BAD(err, "two pools are named '%s'", facts->storage[i].name);
    if (facts->n_storage < 2)
        return 0;
    for (size_t i = 0; i < facts->n_storage; i++) {
        const kc_fact_storage *st = &facts->storage[i];
        const kc_device_type *dev = catalog ? kc_catalog_device(catalog, st->disk_type) : NULL;
        kc_u128 size = (kc_u128)st->count * st->size_mib;

        if (st->boot)
            return 0;
        if (dev && dev->kind == KC_STORAGE_LOCAL && st->count <= 2 &&
            (boot == SIZE_MAX || size < best)) {
            boot = i;
            best = size;
        }
    }
    if (boot != SIZE_MAX)
        facts->storage[boot].boot = true;
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

    if (finish_pools(catalog, facts, err) < 0)
        return -1;
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
