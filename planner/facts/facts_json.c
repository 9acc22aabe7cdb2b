/* SPDX-License-Identifier: MIT */
/* facts_json.c: the facts file: kc_facts to and from versioned JSON (format in facts_json.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "facts/facts_json.h"
#include "facts/nic_roles.h"
#include "pool.h"
#include "util/names.h"
#include "util/json_in.h"
#include "util/json_out.h"
#include "util/util.h"

/* The largest integer a double holds exactly together with its neighbours: 2^53 - 1.
 * "9007199254740993" parses as 2^53, so 2^53 itself must be refused too. */
#define JSON_INT_MAX 9007199254740991ull

#define PROVENANCE_PREFIX "collected from "

/* ---- writer ---------------------------------------------------------------------------- */

/* @buf is a fixed-size struct buffer: never read past it even if it lacks its NUL. */
static void add_str(cJSON *obj, const char *key, const char *buf, size_t size)
{
    char tmp[4096];
    size_t len = strnlen(buf, size);

    if (len >= sizeof(tmp))
        len = sizeof(tmp) - 1;
    memcpy(tmp, buf, len);
    tmp[len] = '\0';
    kc_json_must(cJSON_AddStringToObject(obj, key, tmp));
}

#define ADD_STR(obj, key, field) add_str((obj), (key), (field), sizeof(field))

static cJSON *add_array(cJSON *obj, const char *key)
{
    return kc_json_must(cJSON_AddArrayToObject(obj, key));
}

static cJSON *push_object(cJSON *array)
{
    cJSON *item = kc_json_must(cJSON_CreateObject());

    cJSON_AddItemToArray(array, item);
    return item;
}

/* Recognize the provenance note "collected from <source> '<uri>'" the reader keeps
 * (see facts_json.h). Returns 0 and fills @source and @uri, or -1. */
static int parse_provenance(const char *note, size_t note_size, const char **source,
                            char *uri, size_t uri_size)
{
    char copy[256];
    size_t len = strnlen(note, note_size), plen = strlen(PROVENANCE_PREFIX), ulen;
    char *name, *space, *quote;
    int src;

    if (len >= sizeof(copy) || len <= plen || strncmp(note, PROVENANCE_PREFIX, plen) != 0)
        return -1;
    memcpy(copy, note, len);
    copy[len] = '\0';
    name = copy + plen;
    space = strchr(name, ' ');
    if (!space || space[1] != '\'' || copy[len - 1] != '\'' || copy + len - 1 <= space + 1)
        return -1;
    *space = '\0';
    if ((src = kc_names_value(&kc_names_source, name)) < 0 || src == KC_SOURCE_FACTS)
        return -1;
    quote = space + 2;
    ulen = (size_t)(copy + len - 1 - quote);
    if (ulen >= uri_size)
        return -1;
    memcpy(uri, quote, ulen);
    uri[ulen] = '\0';
    *source = KC_NAME(source, src);
    return 0;
}

char *kc_facts_to_json(const kc_facts *facts, const char *version)
{
    cJSON *root = kc_json_must(cJSON_CreateObject());
    cJSON *host, *arr;
    char *printed = NULL, *text = NULL, uri[256];
    const char *source = KC_NAME(source, facts->source);
    size_t first_note = 0, len;
    size_t n_numa = facts->n_numa < KC_NUMA_MAX ? facts->n_numa : KC_NUMA_MAX;

    if (facts->source == KC_SOURCE_FACTS && facts->n_notes > 0 &&
        parse_provenance(facts->notes[0], sizeof(facts->notes[0]), &source, uri,
                         sizeof(uri)) == 0) {
        first_note = 1;
    } else {
        source = KC_NAME(source, facts->source);
        memcpy(uri, facts->uri, sizeof(uri));
        uri[sizeof(uri) - 1] = '\0';
    }

    kc_json_must(cJSON_AddStringToObject(root, "kvmcap", version ? version : ""));
    kc_json_must(cJSON_AddStringToObject(root, "report", "facts"));
    host = kc_json_must(cJSON_AddObjectToObject(root, "host"));
    kc_json_must(cJSON_AddStringToObject(host, "source", source));
    ADD_STR(host, "uri", uri);
    ADD_STR(host, "hostname", facts->hostname);
    ADD_STR(host, "name", facts->name);
    ADD_STR(host, "cpu_model", facts->cpu_model);
    kc_json_add_u64(host, "cpus", facts->cpus);
    kc_json_add_u64(host, "sockets", facts->sockets);
    kc_json_add_u64(host, "cores", facts->cores);
    kc_json_add_u64(host, "threads", facts->threads);
    kc_json_add_u64(host, "mhz", facts->mhz);
    kc_json_add_u64(host, "mem_mib", facts->mem_mib);
    ADD_STR(host, "mem_source", facts->mem_source);
    kc_json_add_u64(host, "nodeinfo_mem_mib", facts->nodeinfo_mem_mib);
    kc_json_add_u64(host, "hugepage_kib", facts->hugepage_kib);
    kc_json_add_u64(host, "hugepages_mib", facts->hugepages_mib);
    kc_json_add_u64(host, "price", facts->price);

    arr = add_array(root, "numa");
    for (size_t i = 0; i < n_numa; i++) {
        cJSON *o = push_object(arr);

        kc_json_add_u64(o, "cpus", facts->numa[i].cpus);
        kc_json_add_u64(o, "mem_mib", facts->numa[i].mem_mib);
        kc_json_add_u64(o, "hugepages_mib", facts->numa[i].hugepages_mib);
    }

    arr = add_array(root, "nics");
    for (size_t i = 0; i < facts->n_nics; i++) {
        const kc_fact_nic *n = &facts->nics[i];
        cJSON *o = push_object(arr);

        ADD_STR(o, "name", n->name);
        if (n->speed_kbps == 0)
            kc_json_must(cJSON_AddNullToObject(o, "speed_mbps"));
        else if (n->speed_kbps % 1000 == 0)
            kc_json_add_u64(o, "speed_mbps", n->speed_kbps / 1000);
        else
            kc_json_add_u64(o, "speed_kbps", n->speed_kbps);   /* exact, not a rounded Mbit/s */
        ADD_STR(o, "bridge", n->bridge);
        kc_json_must(cJSON_AddStringToObject(o, "role", KC_NAME(nic_role, n->role)));
        ADD_STR(o, "why", n->why);
        kc_json_must(cJSON_AddBoolToObject(o, "standby", n->standby));
    }

    arr = add_array(root, "networks");
    for (size_t i = 0; i < facts->n_networks; i++) {
        const kc_fact_network *n = &facts->networks[i];
        cJSON *o = push_object(arr);

        ADD_STR(o, "name", n->name);
        ADD_STR(o, "mode", n->mode);
        ADD_STR(o, "bridge", n->bridge);
        kc_json_must(cJSON_AddBoolToObject(o, "active", n->active));
    }

    arr = add_array(root, "storage");
    for (size_t i = 0; i < facts->n_storage; i++) {
        const kc_fact_storage *s = &facts->storage[i];
        cJSON *o = push_object(arr);

        ADD_STR(o, "name", s->name);
        ADD_STR(o, "pool_type", s->pool_type);
        ADD_STR(o, "disk_type", s->disk_type);
        kc_json_add_u64(o, "count", s->count);
        kc_json_add_u64(o, "size_mib", s->size_mib);
        kc_json_add_u64(o, "used_mib", s->used_mib);
        /* pools (README "Model"): written when not the default, so older files read alike */
        if (s->raid != KC_RAID_NONE) {
            const char *raid = kc_names_word(&kc_names_raid, (int)s->raid);

            ADD_STR(o, "raid", raid);
        }
        if (s->boot)
            ADD_STR(o, "role", "boot");
    }

    arr = add_array(root, "vms");
    for (size_t i = 0; i < facts->n_vms; i++) {
        const kc_fact_vm *v = &facts->vms[i];
        cJSON *o = push_object(arr);

        ADD_STR(o, "name", v->name);
        kc_json_add_u64(o, "vcpus", v->vcpus);
        kc_json_add_u64(o, "mem_mib", v->mem_mib);
        kc_json_add_u64(o, "disk_mib", v->disk_mib);
        kc_json_must(cJSON_AddBoolToObject(o, "hugepages", v->hugepages));
        kc_json_must(cJSON_AddStringToObject(o, "state", KC_NAME(vm_state, v->state)));
    }

    arr = add_array(root, "notes");
    for (size_t i = first_note; i < facts->n_notes; i++) {
        char note[sizeof(facts->notes[i])];
        size_t nlen = strnlen(facts->notes[i], sizeof(note) - 1);

        memcpy(note, facts->notes[i], nlen);
        note[nlen] = '\0';
        cJSON_AddItemToArray(arr, kc_json_must(cJSON_CreateString(note)));
    }

    printed = kc_json_print(root);
    len = strlen(printed);
    text = kc_xcalloc(len + 2, 1);    /* the file ends in a newline */
    memcpy(text, printed, len);
    text[len] = '\n';
    free(printed);
    return text;
}

/* ---- reader ---------------------------------------------------------------------------- */

/* What every getter needs: the input's name for messages and the error to fill. */
typedef struct reader {
    const char *origin;
    kc_error *err;
} reader;

/* "prefix.key", "key" or "prefix" into @buf. */
static const char *path_of(char *buf, size_t size, const char *prefix, const char *key)
{
    if (prefix && key)
        snprintf(buf, size, "%s.%s", prefix, key);
    else
        snprintf(buf, size, "%s", key ? key : prefix);
    return buf;
}

/* Fetch @key of @obj. Returns 1 if present, 0 if absent (an error if @required). */
static int lookup(reader *r, const cJSON *obj, const char *prefix, const char *key,
                  bool required, const cJSON **item)
{
    char path[128];

    *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (*item)
        return 1;
    if (required)
        return kc_error_set(r->err, KC_ERR_INVALID, "%s: '%s' is missing", r->origin,
                            path_of(path, sizeof(path), prefix, key));
    return 0;
}

/* A JSON number that is an exact integer in [0, @max] (@max <= JSON_INT_MAX). */
static int to_uint(reader *r, const cJSON *item, const char *path, uint64_t max,
                   uint64_t *out)
{
    double d;
    uint64_t v;

    if (max > JSON_INT_MAX)
        max = JSON_INT_MAX;
    if (!cJSON_IsNumber(item) || !(item->valuedouble >= 0))
        return kc_error_set(r->err, KC_ERR_INVALID, "%s: '%s' must be a non-negative integer",
                            r->origin, path);
    d = item->valuedouble;
    /* Range first: the cast below is only defined for values that fit. */
    if (d > (double)max)
        return kc_error_set(r->err, KC_ERR_INVALID, "%s: '%s' must be at most %" PRIu64,
                            r->origin, path, max);
    v = (uint64_t)d;
    if ((double)v != d)
        return kc_error_set(r->err, KC_ERR_INVALID, "%s: '%s' must be a non-negative integer",
                            r->origin, path);
    *out = v;
    return 0;
}

/* Optional (or @required) integer field; @out is left alone when absent. */
static int get_uint(reader *r, const cJSON *obj, const char *prefix, const char *key,
                    bool required, uint64_t max, uint64_t *out)
{
    const cJSON *item;
    char path[128];
    int found = lookup(r, obj, prefix, key, required, &item);

    if (found <= 0)
        return found;
    return to_uint(r, item, path_of(path, sizeof(path), prefix, key), max, out);
}

static int get_u32(reader *r, const cJSON *obj, const char *prefix, const char *key,
                   bool required, uint32_t *out)
{
    uint64_t v = *out;

    if (get_uint(r, obj, prefix, key, required, UINT32_MAX, &v) < 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int get_u64(reader *r, const cJSON *obj, const char *prefix, const char *key,
                   bool required, uint64_t *out)
{
    return get_uint(r, obj, prefix, key, required, JSON_INT_MAX, out);
}

/* A string that fits @size bytes with its NUL: too long is an error, never a cut. */
static int get_str(reader *r, const cJSON *obj, const char *prefix, const char *key,
                   bool required, char *dst, size_t size)
{
    const cJSON *item;
    char path[128];
    int found = lookup(r, obj, prefix, key, required, &item);

    if (found <= 0)
        return found;
    path_of(path, sizeof(path), prefix, key);
    if (!cJSON_IsString(item) || !item->valuestring)
        return kc_error_set(r->err, KC_ERR_INVALID, "%s: '%s' must be a string", r->origin,
                            path);
    if (kc_strlcpy(dst, item->valuestring, size) < 0)
        return kc_error_set(r->err, KC_ERR_INVALID, "%s: '%s' is longer than %zu bytes",
                            r->origin, path, size - 1);
    return 0;
}

static int get_bool(reader *r, const cJSON *obj, const char *prefix, const char *key,
                    bool *out)
{
    const cJSON *item;
    char path[128];
    int found = lookup(r, obj, prefix, key, false, &item);

    if (found <= 0)
        return found;
    if (!cJSON_IsBool(item))
        return kc_error_set(r->err, KC_ERR_INVALID, "%s: '%s' must be true or false",
                            r->origin, path_of(path, sizeof(path), prefix, key));
    *out = cJSON_IsTrue(item);
    return 0;
}

/* An optional array of objects: *@arr is NULL when absent. */
static int get_array(reader *r, const cJSON *root, const char *key, const cJSON **arr)
{
    const cJSON *item;
    int found = lookup(r, root, NULL, key, false, &item);
    int i = 0;

    *arr = NULL;
    if (found <= 0)
        return found;
    if (!cJSON_IsArray(item))
        return kc_error_set(r->err, KC_ERR_INVALID, "%s: '%s' must be an array", r->origin,
                            key);
    for (const cJSON *e = item->child; e; e = e->next, i++) {
        bool ok = strcmp(key, "notes") == 0 ? cJSON_IsString(e) : cJSON_IsObject(e);

        if (!ok)
            return kc_error_set(r->err, KC_ERR_INVALID, "%s: '%s[%d]' must be %s", r->origin,
                                key, i, strcmp(key, "notes") == 0 ? "a string" : "an object");
    }
    *arr = item;
    return 0;
}

static int read_host(reader *r, const cJSON *root, kc_facts *facts, kc_source *source,
                     bool *has_source, char *uri, size_t uri_size)
{
    const cJSON *host, *item;
    char name[32] = "";
    int src = -1;

    if (lookup(r, root, NULL, "host", true, &host) < 0)
        return -1;
    if (!cJSON_IsObject(host))
        return kc_error_set(r->err, KC_ERR_INVALID, "%s: 'host' must be an object", r->origin);

    *has_source = false;
    if (lookup(r, host, "host", "source", false, &item) > 0) {
        if (get_str(r, host, "host", "source", false, name, sizeof(name)) < 0 ||
            (src = kc_names_value(&kc_names_source, name)) < 0)
            return kc_error_set(r->err, KC_ERR_INVALID,
                                "%s: 'host.source' must be 'libvirt', 'embedded', 'spec' or "
                                "'facts'", r->origin);
        *source = (kc_source)src;
        *has_source = true;
    }
    if (get_str(r, host, "host", "uri", false, uri, uri_size) < 0 ||
        get_str(r, host, "host", "hostname", false, facts->hostname,
                sizeof(facts->hostname)) < 0 ||
        get_str(r, host, "host", "name", false, facts->name, sizeof(facts->name)) < 0 ||
        get_str(r, host, "host", "cpu_model", false, facts->cpu_model,
                sizeof(facts->cpu_model)) < 0 ||
        get_u32(r, host, "host", "cpus", true, &facts->cpus) < 0 ||
        get_u32(r, host, "host", "sockets", false, &facts->sockets) < 0 ||
        get_u32(r, host, "host", "cores", false, &facts->cores) < 0 ||
        get_u32(r, host, "host", "threads", false, &facts->threads) < 0 ||
        get_u32(r, host, "host", "mhz", false, &facts->mhz) < 0 ||
        get_u64(r, host, "host", "mem_mib", true, &facts->mem_mib) < 0 ||
        get_str(r, host, "host", "mem_source", false, facts->mem_source,
                sizeof(facts->mem_source)) < 0 ||
        get_u64(r, host, "host", "nodeinfo_mem_mib", false, &facts->nodeinfo_mem_mib) < 0 ||
        get_u64(r, host, "host", "hugepage_kib", false, &facts->hugepage_kib) < 0 ||
        get_u64(r, host, "host", "hugepages_mib", false, &facts->hugepages_mib) < 0 ||
        get_u64(r, host, "host", "price", false, &facts->price) < 0)
        return -1;
    if (facts->cpus == 0)
        return kc_error_set(r->err, KC_ERR_INVALID, "%s: 'host.cpus' must be at least 1",
                            r->origin);
    if (facts->mem_mib == 0)
        return kc_error_set(r->err, KC_ERR_INVALID, "%s: 'host.mem_mib' must be at least 1",
                            r->origin);
    return 0;
}

static int read_numa(reader *r, const cJSON *arr, kc_facts *facts)
{
    int n = cJSON_GetArraySize(arr), i = 0;
    char prefix[32];

    if (n > KC_NUMA_MAX)
        return kc_error_set(r->err, KC_ERR_INVALID, "%s: 'numa' has %d nodes (at most %d)",
                            r->origin, n, KC_NUMA_MAX);
    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        kc_numa_node *node = &facts->numa[i];

        snprintf(prefix, sizeof(prefix), "numa[%d]", i);
        if (get_u32(r, e, prefix, "cpus", true, &node->cpus) < 0 ||
            get_u64(r, e, prefix, "mem_mib", true, &node->mem_mib) < 0 ||
            get_u64(r, e, prefix, "hugepages_mib", false, &node->hugepages_mib) < 0)
            return -1;
        facts->n_numa = (size_t)i + 1;
    }
    return 0;
}

/* "role": "vm" | "mgmt" | "storage"; a file without it predates NIC roles: KC_NIC_LAST, for
 * kc_nic_roles_from_file() to derive once the networks are read. */
static int read_role(reader *r, const cJSON *obj, const char *prefix, kc_fact_nic *nic)
{
    char word[32], path[128], names[64];
    const cJSON *item;
    int v;

    if (lookup(r, obj, prefix, "role", false, &item) == 0) {
        nic->role = KC_NIC_LAST;
        return 0;
    }
    if (get_str(r, obj, prefix, "role", false, word, sizeof(word)) < 0)
        return -1;
    v = kc_names_value(&kc_names_nic_role, word);
    if (v < 0)
        return kc_error_set(r->err, KC_ERR_INVALID, "%s: '%s' is '%s' (roles: %s)", r->origin,
                            path_of(path, sizeof(path), prefix, "role"), word,
                            kc_names_list(&kc_names_nic_role, ~0u, names, sizeof(names)));
    nic->role = (kc_nic_role)v;
    return 0;
}

static int read_nics(reader *r, const cJSON *arr, kc_facts *facts)
{
    int i = 0;
    char prefix[32], path[64];

    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        kc_fact_nic *nic = kc_facts_add_nic(facts);
        const cJSON *mbps = cJSON_GetObjectItemCaseSensitive(e, "speed_mbps");
        const cJSON *kbps = cJSON_GetObjectItemCaseSensitive(e, "speed_kbps");
        uint64_t v;

        snprintf(prefix, sizeof(prefix), "nics[%d]", i);
        if (get_str(r, e, prefix, "name", false, nic->name, sizeof(nic->name)) < 0 ||
            get_str(r, e, prefix, "bridge", false, nic->bridge, sizeof(nic->bridge)) < 0 ||
            get_str(r, e, prefix, "why", false, nic->why, sizeof(nic->why)) < 0 ||
            get_bool(r, e, prefix, "standby", &nic->standby) < 0 ||
            read_role(r, e, prefix, nic) < 0)
            return -1;
        if (mbps && kbps)
            return kc_error_set(r->err, KC_ERR_INVALID,
                                "%s: '%s' has both 'speed_mbps' and 'speed_kbps'", r->origin,
                                prefix);
        /* null is how the writer says "unknown" */
        if (mbps && !cJSON_IsNull(mbps)) {
            snprintf(path, sizeof(path), "%s.speed_mbps", prefix);
            if (to_uint(r, mbps, path, UINT64_MAX / 1000, &v) < 0)
                return -1;
            nic->speed_kbps = v * 1000;
        } else if (kbps && !cJSON_IsNull(kbps)) {
            snprintf(path, sizeof(path), "%s.speed_kbps", prefix);
            if (to_uint(r, kbps, path, UINT64_MAX, &v) < 0)
                return -1;
            nic->speed_kbps = v;
        }
    }
    return 0;
}

static int read_networks(reader *r, const cJSON *arr, kc_facts *facts)
{
    int i = 0;
    char prefix[32];

    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        kc_fact_network *net = kc_facts_add_network(facts);

        snprintf(prefix, sizeof(prefix), "networks[%d]", i);
        if (get_str(r, e, prefix, "name", false, net->name, sizeof(net->name)) < 0 ||
            get_str(r, e, prefix, "mode", false, net->mode, sizeof(net->mode)) < 0 ||
            get_str(r, e, prefix, "bridge", false, net->bridge, sizeof(net->bridge)) < 0 ||
            get_bool(r, e, prefix, "active", &net->active) < 0)
            return -1;
    }
    return 0;
}

static int read_storage(reader *r, const cJSON *arr, kc_facts *facts)
{
    int i = 0;
    char prefix[32];

    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        kc_fact_storage *st = kc_facts_add_storage(facts);
        char raid[16] = "", role[16] = "";
        int lvl = -1;

        snprintf(prefix, sizeof(prefix), "storage[%d]", i);
        st->count = 1;
        snprintf(st->disk_type, sizeof(st->disk_type), "unknown");
        if (get_str(r, e, prefix, "name", false, st->name, sizeof(st->name)) < 0 ||
            get_str(r, e, prefix, "pool_type", false, st->pool_type,
                    sizeof(st->pool_type)) < 0 ||
            get_str(r, e, prefix, "disk_type", false, st->disk_type,
                    sizeof(st->disk_type)) < 0 ||
            get_u32(r, e, prefix, "count", false, &st->count) < 0 ||
            get_u64(r, e, prefix, "size_mib", true, &st->size_mib) < 0 ||
            get_u64(r, e, prefix, "used_mib", false, &st->used_mib) < 0 ||
            get_str(r, e, prefix, "raid", false, raid, sizeof(raid)) < 0 ||
            get_str(r, e, prefix, "role", false, role, sizeof(role)) < 0)
            return -1;
        if (st->count == 0)
            return kc_error_set(r->err, KC_ERR_INVALID, "%s: '%s.count' must be at least 1",
                                r->origin, prefix);
        /* a pool's RAID level and role ("vm", the default, or "boot"); files without them
         * are independent disks holding VM disks */
        if (raid[0] && (lvl = kc_names_value(&kc_names_raid, raid)) < 0)
            return kc_error_set(r->err, KC_ERR_INVALID, "%s: '%s.raid' is '%s' (none, raid0, "
                                "raid1, raid5, raid6, raid10)", r->origin, prefix, raid);
        st->raid = lvl < 0 ? KC_RAID_NONE : (kc_raid)lvl;
        if (role[0] && strcmp(role, "vm") != 0 && strcmp(role, "boot") != 0)
            return kc_error_set(r->err, KC_ERR_INVALID, "%s: '%s.role' is '%s' (vm or boot)",
                                r->origin, prefix, role);
        st->boot = strcmp(role, "boot") == 0;
        if (st->count < kc_raid_min_devices(st->raid) ||
            (st->raid == KC_RAID_10 && st->count % 2))
            return kc_error_set(r->err, KC_ERR_INVALID, "%s: '%s': %s needs at least %u "
                                "devices%s, not %u", r->origin, prefix, raid,
                                kc_raid_min_devices(st->raid),
                                st->raid == KC_RAID_10 ? " (an even count)" : "", st->count);
    }
    return 0;
}

static int read_vms(reader *r, const cJSON *arr, kc_facts *facts)
{
    int i = 0, st;
    char prefix[32], state[16];

    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        kc_fact_vm *vm = kc_facts_add_vm(facts);

        snprintf(prefix, sizeof(prefix), "vms[%d]", i);
        snprintf(state, sizeof(state), "running");
        if (get_str(r, e, prefix, "name", false, vm->name, sizeof(vm->name)) < 0 ||
            get_u32(r, e, prefix, "vcpus", true, &vm->vcpus) < 0 ||
            get_u64(r, e, prefix, "mem_mib", true, &vm->mem_mib) < 0 ||
            get_u64(r, e, prefix, "disk_mib", false, &vm->disk_mib) < 0 ||
            get_bool(r, e, prefix, "hugepages", &vm->hugepages) < 0)
            return -1;
        if (get_str(r, e, prefix, "state", false, state, sizeof(state)) < 0 ||
            (st = kc_names_value(&kc_names_vm_state, state)) < 0)
            return kc_error_set(r->err, KC_ERR_INVALID,
                                "%s: '%s.state' must be 'running' or 'off'", r->origin, prefix);
        vm->state = (kc_vm_state)st;
    }
    return 0;
}

static int read_notes(reader *r, const cJSON *arr, kc_facts *facts)
{
    int i = 0;

    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        if (strlen(e->valuestring) >= sizeof(facts->notes[0]))
            return kc_error_set(r->err, KC_ERR_INVALID, "%s: 'notes[%d]' is longer than %zu bytes",
                                r->origin, i, sizeof(facts->notes[0]) - 1);
        kc_facts_add_note(facts, "%s", e->valuestring);
    }
    return 0;
}

/* Drop whatever @facts held, keeping it a valid (empty) container. */
static void reset(kc_facts *facts)
{
    free(facts->nics);
    free(facts->networks);
    free(facts->storage);
    free(facts->vms);
    free(facts->notes);
    memset(facts, 0, sizeof(*facts));
}

int kc_facts_from_json(const char *text, const char *origin, kc_facts *facts, kc_error *err)
{
    int ret = -1;
    cJSON *root = NULL;
    reader r = { origin ? origin : "facts", err };
    const cJSON *item, *numa, *nics, *networks, *storage, *vms, *notes;
    char report[16] = "", uri[256] = "";
    kc_source source = KC_SOURCE_FACTS;
    bool has_source = false;

    reset(facts);
    if (!text) {
        kc_error_set(err, KC_ERR_INVALID, "%s: no text", r.origin);
        goto out;
    }
    root = kc_json_parse_strict(text, r.origin, err);    /* util/json_in.h: what it refuses */
    if (!root)
        goto out;
    if (!cJSON_IsObject(root)) {
        kc_error_set(err, KC_ERR_INVALID, "%s: not a JSON object", r.origin);
        goto out;
    }
    if (lookup(&r, root, NULL, "kvmcap", false, &item) > 0 && !cJSON_IsString(item)) {
        kc_error_set(err, KC_ERR_INVALID, "%s: 'kvmcap' must be a string", r.origin);
        goto out;
    }
    if (lookup(&r, root, NULL, "report", false, &item) > 0 &&
        (get_str(&r, root, NULL, "report", false, report, sizeof(report)) < 0 ||
         strcmp(report, "facts") != 0)) {
        kc_error_set(err, KC_ERR_INVALID, "%s: 'report' must be 'facts'", r.origin);
        goto out;
    }
    if (read_host(&r, root, facts, &source, &has_source, uri, sizeof(uri)) < 0)
        goto out;
    if (get_array(&r, root, "numa", &numa) < 0 || get_array(&r, root, "nics", &nics) < 0 ||
        get_array(&r, root, "networks", &networks) < 0 ||
        get_array(&r, root, "storage", &storage) < 0 || get_array(&r, root, "vms", &vms) < 0 ||
        get_array(&r, root, "notes", &notes) < 0)
        goto out;
    if ((numa && read_numa(&r, numa, facts) < 0) || (nics && read_nics(&r, nics, facts) < 0) ||
        (networks && read_networks(&r, networks, facts) < 0) ||
        (storage && read_storage(&r, storage, facts) < 0) ||
        (vms && read_vms(&r, vms, facts) < 0))
        goto out;

    /* Provenance first, then the file's own notes (see facts_json.h). */
    facts->source = KC_SOURCE_FACTS;
    kc_strlcpy(facts->uri, r.origin, sizeof(facts->uri));
    kc_strlcpy(facts->origin_uri, uri, sizeof(facts->origin_uri));
    if (has_source && source != KC_SOURCE_FACTS) {
        if (strlen(PROVENANCE_PREFIX) + strlen(KC_NAME(source, source)) + strlen(uri) + 4 <=
            sizeof(facts->notes[0]))
            kc_facts_add_note(facts, PROVENANCE_PREFIX "%s '%s'", KC_NAME(source, source), uri);
        else
            kc_facts_add_note(facts, PROVENANCE_PREFIX "%s", KC_NAME(source, source));
    }
    if (notes && read_notes(&r, notes, facts) < 0)
        goto out;
    kc_nic_roles_from_file(facts);       /* NICs of a file that predates roles */
    ret = 0;
 out:
    cJSON_Delete(root);
    return ret;
}
