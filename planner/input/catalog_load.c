/* SPDX-License-Identifier: MIT */
/* catalog_load.c: find data/ and load its catalogs (devices, network modes, flavors,
 * profiles, hosts) with every field checked (flavor and host specs through the spec grammar). */
/* realpath() is XSI; the rest of the build is plain POSIX 2008. */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "facts/facts.h"
#include "input/catalog.h"
#include "input/catalog_load.h"
#include "input/spec.h"
#include "util/json_in.h"
#include "util/names.h"
#include "util/util.h"

#ifndef KC_DATADIR
#define KC_DATADIR "/usr/local/share/kvmcap"
#endif

/* Catalog files are small; anything bigger is a mistake. */
#define CATALOG_FILE_MAX (1024 * 1024)
/* cJSON numbers are doubles: integers are exact only below 2^53. */
#define JSON_INT_LIMIT 9007199254740992.0

/* ---- finding data/ ---- */

static bool has_devices(const char *dir)
{
    char path[4200];

    if ((size_t)snprintf(path, sizeof(path), "%s/devices.json", dir) >= sizeof(path))
        return false;
    return access(path, R_OK) == 0;
}

/* Store @dir (canonical if possible) in @buf. */
static int take_dir(const char *dir, char *buf, size_t size, kc_error *err)
{
    char *real = realpath(dir, NULL);
    int rc = kc_strlcpy(buf, real ? real : dir, size);

    free(real);
    if (rc < 0)
        return kc_error_set(err, KC_ERR_HOST, "data directory path '%s' is too long", dir);
    return 0;
}

int kc_catalog_find_datadir(char *buf, size_t size, kc_error *err)
{
    const char *env = getenv("KVMCAP_DATADIR");
    char exe[4096], cand[3][4200], tried[1024];
    ssize_t n;
    size_t ncand = 0, len = 0;

    if (env && *env) {
        if (!has_devices(env))
            return kc_error_set(err, KC_ERR_HOST,
                                "KVMCAP_DATADIR '%s' holds no readable devices.json", env);
        return take_dir(env, buf, size, err);
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        char *slash;

        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            /* build/kvmcap -> data/; build/san/kvmcap -> data/; bin/ -> share/kvmcap */
            snprintf(cand[ncand++], sizeof(cand[0]), "%s/../data", exe);
            snprintf(cand[ncand++], sizeof(cand[0]), "%s/../../data", exe);
            snprintf(cand[ncand++], sizeof(cand[0]), "%s/../share/kvmcap", exe);
        }
    }
    tried[0] = '\0';
    for (size_t i = 0; i < ncand; i++) {
        int w;

        if (has_devices(cand[i]))
            return take_dir(cand[i], buf, size, err);
        w = snprintf(tried + len, sizeof(tried) - len, "%s, ", cand[i]);
        if (w > 0 && (size_t)w < sizeof(tried) - len)
            len += (size_t)w;
    }
    if (has_devices(KC_DATADIR))
        return take_dir(KC_DATADIR, buf, size, err);
    return kc_error_set(err, KC_ERR_HOST,
                        "no data directory with devices.json (tried %s%s; set KVMCAP_DATADIR)",
                        tried, KC_DATADIR);
}

/* ---- JSON field helpers: every error names the file (@f) and where in it (@where) ---- */

typedef struct ctx {
    const char *file;   /* for messages: "data/devices.json" */
    kc_error *err;
} ctx;

/* Reject members not in the NULL-terminated @allowed (typos must not pass silently). */
static int check_keys(const ctx *c, const cJSON *obj, const char *where,
                      const char *const *allowed)
{
    for (const cJSON *it = obj->child; it; it = it->next) {
        size_t i;

        for (i = 0; allowed[i]; i++)
            if (it->string && strcmp(it->string, allowed[i]) == 0)
                break;
        if (!allowed[i])
            return kc_error_set(c->err, KC_ERR_INVALID, "%s: %s: unknown field '%.64s'",
                                c->file, where, it->string ? it->string : "");
    }
    return 0;
}

/* A string field of 1 to @size - 1 characters, printable ASCII. */
static int get_str(const ctx *c, const cJSON *obj, const char *where, const char *key,
                   bool required, char *dst, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    size_t n;

    if (!v) {
        if (!required)
            return 1;
        return kc_error_set(c->err, KC_ERR_INVALID, "%s: %s: missing '%s'", c->file, where,
                            key);
    }
    if (!cJSON_IsString(v) || !v->valuestring)
        return kc_error_set(c->err, KC_ERR_INVALID, "%s: %s: '%s' must be a string", c->file,
                            where, key);
    n = strlen(v->valuestring);
    if (n == 0 || n >= size)
        return kc_error_set(c->err, KC_ERR_INVALID, "%s: %s: '%s' must be 1 to %zu characters",
                            c->file, where, key, size - 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v->valuestring[i];

        if (ch < 0x20 || ch > 0x7e)
            return kc_error_set(c->err, KC_ERR_INVALID,
                                "%s: %s: '%s' must be printable ASCII", c->file, where, key);
    }
    if (dst)
        memcpy(dst, v->valuestring, n + 1);
    return 0;
}

/* An exact integer field in [@min, @max] (max below 2^53). Returns 1 if absent and not
 * @required. */
static int get_int(const ctx *c, const cJSON *obj, const char *where, const char *key,
                   bool required, uint64_t min, uint64_t max, uint64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    double d;

    if (!v) {
        if (!required)
            return 1;
        return kc_error_set(c->err, KC_ERR_INVALID, "%s: %s: missing '%s'", c->file, where,
                            key);
    }
    if (!cJSON_IsNumber(v))
        goto bad;
    d = v->valuedouble;
    /* the range check first: it also rejects NaN, so the cast below is defined */
    if (!(d >= 0.0 && d < JSON_INT_LIMIT) || (double)(uint64_t)d != d)
        goto bad;
    if ((uint64_t)d < min || (uint64_t)d > max)
        goto bad;
    *out = (uint64_t)d;
    return 0;
 bad:
    if (min > 0)
        return kc_error_set(c->err, KC_ERR_INVALID,
                            "%s: %s: '%s' must be a positive integer (at most %llu)", c->file,
                            where, key, (unsigned long long)max);
    return kc_error_set(c->err, KC_ERR_INVALID,
                        "%s: %s: '%s' must be an integer from 0 to %llu", c->file, where, key,
                        (unsigned long long)max);
}

/* A percentage with at most two decimals, as a JSON number, into basis points. The double
 * is checked to be within 1e-6 of a whole number of basis points, so "12.5" and "80.25" load
 * exactly while "12.345" is rejected. */
static int get_pct(const ctx *c, const cJSON *obj, const char *where, const char *key,
                   uint32_t min_bp, uint32_t max_bp, uint32_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    double d, bp;
    uint64_t ibp;

    if (!v)
        return kc_error_set(c->err, KC_ERR_INVALID, "%s: %s: missing '%s'", c->file, where,
                            key);
    if (!cJSON_IsNumber(v))
        goto bad;
    d = v->valuedouble;
    if (!(d >= 0.0 && d <= (double)max_bp / 100.0 + 1e-9))
        goto bad;
    bp = d * 100.0;
    ibp = (uint64_t)(bp + 0.5);
    if ((double)ibp - bp > 1e-6 || bp - (double)ibp > 1e-6 || ibp < min_bp || ibp > max_bp)
        goto bad;
    *out = (uint32_t)ibp;
    return 0;
 bad:
    return kc_error_set(c->err, KC_ERR_INVALID,
                        "%s: %s: '%s' must be a percentage from %u.%02u to %u.%02u with at most "
                        "2 decimals", c->file, where, key, min_bp / 100, min_bp % 100,
                        max_bp / 100, max_bp % 100);
}

/* Names: lowercase-friendly identifiers ("hdd-7.2k", "m1.small"). */
static int check_name(const ctx *c, const char *what, const char *name)
{
    for (const char *p = name; *p; p++) {
        char ch = *p;

        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '_' || ch == '-'))
            return kc_error_set(c->err, KC_ERR_INVALID,
                                "%s: %s '%s': name may hold only letters, digits, '.', '_' "
                                "and '-'", c->file, what, name);
    }
    return 0;
}

/* Parse @path's JSON and return the array member @key of its top-level object. */
static cJSON *load_array(const ctx *c, const char *path, const char *key, cJSON **root)
{
    char *text = kc_read_file(path, CATALOG_FILE_MAX, NULL, c->err);
    cJSON *arr;

    *root = NULL;
    if (!text)
        return NULL;
    *root = kc_json_parse_strict(text, c->file, c->err);   /* util/json_in.h */
    free(text);
    if (!*root)
        return NULL;
    if (!cJSON_IsObject(*root)) {
        kc_error_set(c->err, KC_ERR_INVALID, "%s: not a JSON object", c->file);
        return NULL;
    }
    arr = cJSON_GetObjectItemCaseSensitive(*root, key);
    if (!cJSON_IsArray(arr)) {
        kc_error_set(c->err, KC_ERR_INVALID, "%s: '%s' must be an array", c->file, key);
        return NULL;
    }
    return arr;
}

/* Entry @i of @arr must be an object; writes "KIND #i" into @where until the name is known. */
static int entry(const ctx *c, const cJSON *it, size_t i, const char *kind, char *where,
                 size_t size)
{
    snprintf(where, size, "%s #%zu", kind, i + 1);
    if (!cJSON_IsObject(it))
        return kc_error_set(c->err, KC_ERR_INVALID, "%s: %s: must be an object", c->file,
                            where);
    return 0;
}

static void set_file(char *buf, size_t size, const char *dir, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

/* ---- the files ---- */

static int load_devices(kc_catalog *cat, const char *dir, kc_error *err)
{
    static const char *const allowed[] = { "name", "kind", "iops", "mbps", "write_iops",
                                           "write_mbps", "write_source", "link_mbps", "io_kib",
                                           "over_ip", "source", "link_source", "note", NULL };
    char path[4200];
    ctx c = { path, err };
    cJSON *root, *arr, *it;
    size_t i = 0;
    int ret = -1;

    set_file(path, sizeof(path), dir, "devices.json");
    arr = load_array(&c, path, "devices", &root);
    if (!arr)
        goto out;
    cat->devices = kc_xcalloc((size_t)cJSON_GetArraySize(arr), sizeof(*cat->devices));
    cJSON_ArrayForEach(it, arr) {
        kc_device_type *d = &cat->devices[i];
        char where[128], kind[16];

        if (entry(&c, it, i, "device", where, sizeof(where)) < 0 ||
            get_str(&c, it, where, "name", true, d->name, sizeof(d->name)) < 0)
            goto out;
        snprintf(where, sizeof(where), "device '%s'", d->name);
        if (check_name(&c, "device", d->name) < 0 || check_keys(&c, it, where, allowed) < 0 ||
            get_str(&c, it, where, "kind", true, kind, sizeof(kind)) < 0 ||
            get_str(&c, it, where, "source", true, NULL, 4096) < 0)
            goto out;
        if (kc_catalog_device(cat, d->name)) {
            kc_error_set(err, KC_ERR_INVALID, "%s: device '%s' is listed twice", path, d->name);
            goto out;
        }
        if (strcmp(kind, "local") == 0) {
            d->kind = KC_STORAGE_LOCAL;
        } else if (strcmp(kind, "network") == 0) {
            d->kind = KC_STORAGE_NETWORK;
        } else {
            kc_error_set(err, KC_ERR_INVALID,
                         "%s: %s: 'kind' must be \"local\" or \"network\", not '%s'", path,
                         where, kind);
            goto out;
        }
        if (get_int(&c, it, where, "iops", true, 1, KC_SPEC_UINT_MAX, &d->iops) < 0 ||
            get_int(&c, it, where, "mbps", true, 1, KC_SPEC_UINT_MAX, &d->mbps) < 0 ||
            get_int(&c, it, where, "write_iops", false, 1, KC_SPEC_UINT_MAX, &d->write_iops) < 0 ||
            get_int(&c, it, where, "write_mbps", false, 1, KC_SPEC_UINT_MAX, &d->write_mbps) < 0)
            goto out;
        if ((d->write_iops || d->write_mbps) &&
            get_str(&c, it, where, "write_source", true, NULL, 4096) < 0)
            goto out;
        {
            const cJSON *ip = cJSON_GetObjectItemCaseSensitive(it, "over_ip");

            if (ip && !cJSON_IsBool(ip)) {
                kc_error_set(err, KC_ERR_INVALID, "%s: %s: 'over_ip' must be true or false",
                             path, where);
                goto out;
            }
            d->over_ip = cJSON_IsTrue(ip);
        }
        if (d->kind == KC_STORAGE_NETWORK) {
            uint64_t io_kib;

            /* link_mbps <= 2^40 and 10^6 < 2^20: the product stays below 2^60 */
            if (get_int(&c, it, where, "link_mbps", true, 1, UINT64_C(1) << 40,
                        &d->link_mbps) < 0 ||
                get_int(&c, it, where, "io_kib", true, 1, 1024 * 1024, &io_kib) < 0)
                goto out;
            d->link_iops = d->link_mbps * 1000000 / (io_kib * 1024);
            if (d->link_iops == 0) {
                kc_error_set(err, KC_ERR_INVALID,
                             "%s: %s: 'link_mbps' carries less than one I/O of 'io_kib' per "
                             "second", path, where);
                goto out;
            }
        } else if (cJSON_GetObjectItemCaseSensitive(it, "link_mbps") ||
                   cJSON_GetObjectItemCaseSensitive(it, "io_kib")) {
            kc_error_set(err, KC_ERR_INVALID,
                         "%s: %s: 'link_mbps' and 'io_kib' are for network devices only", path,
                         where);
            goto out;
        }
        cat->n_devices = ++i;
    }
    if (i == 0) {
        kc_error_set(err, KC_ERR_INVALID, "%s: 'devices' is empty", path);
        goto out;
    }
    /* the write share of a VM's iops= and mbps= without write= (README "Model"): the file's
     * figure with its source, or the 70/30 read/write mix of doc/model.md 2.5 */
    cat->write_share_bp = 3000;
    if (cJSON_GetObjectItemCaseSensitive(root, "write_share_pct") &&
        (get_pct(&c, root, "the file", "write_share_pct", 0, KC_BP_ONE, &cat->write_share_bp) < 0 ||
         get_str(&c, root, "the file", "write_share_source", true, NULL, 4096) < 0))
        goto out;
    ret = 0;
 out:
    cJSON_Delete(root);
    return ret;
}

static int load_network(kc_catalog *cat, const char *dir, kc_error *err)
{
    static const char *const allowed[] = { "name", "efficiency_pct", "source", "estimate",
                                           "note", NULL };
    char path[4200];
    ctx c = { path, err };
    cJSON *root, *arr, *it;
    size_t i = 0;
    bool have_bridge = false, have_nat = false;
    int ret = -1, mode;

    set_file(path, sizeof(path), dir, "network.json");
    arr = load_array(&c, path, "modes", &root);
    if (!arr)
        goto out;
    cJSON_ArrayForEach(it, arr) {
        char where[128], name[32];
        const cJSON *est;
        uint32_t bp;
        bool *have;

        if (entry(&c, it, i++, "mode", where, sizeof(where)) < 0 ||
            get_str(&c, it, where, "name", true, name, sizeof(name)) < 0)
            goto out;
        snprintf(where, sizeof(where), "mode '%s'", name);
        if (check_keys(&c, it, where, allowed) < 0 ||
            get_str(&c, it, where, "source", true, NULL, 4096) < 0 ||
            get_pct(&c, it, where, "efficiency_pct", 1, KC_BP_ONE, &bp) < 0)
            goto out;
        est = cJSON_GetObjectItemCaseSensitive(it, "estimate");
        if (est && !cJSON_IsBool(est)) {
            kc_error_set(err, KC_ERR_INVALID, "%s: %s: 'estimate' must be true or false", path,
                         where);
            goto out;
        }
        if ((mode = kc_names_value(&kc_names_net, name)) < 0) {
            char list[64];

            kc_error_set(err, KC_ERR_INVALID, "%s: unknown mode '%s' (modes: %s)", path, name,
                         kc_names_list(&kc_names_net, ~0u, list, sizeof(list)));
            goto out;
        }
        have = mode == KC_NET_BRIDGE ? &have_bridge : &have_nat;
        if (*have) {
            kc_error_set(err, KC_ERR_INVALID, "%s: mode '%s' is listed twice", path, name);
            goto out;
        }
        *have = true;
        if (have == &have_bridge)
            cat->bridge_efficiency_bp = bp;
        else
            cat->nat_efficiency_bp = bp;
    }
    if (!have_bridge || !have_nat) {
        kc_error_set(err, KC_ERR_INVALID, "%s: mode '%s' is missing", path,
                     have_bridge ? "nat" : "bridge");
        goto out;
    }
    ret = 0;
 out:
    cJSON_Delete(root);
    return ret;
}

static int load_flavors(kc_catalog *cat, const char *dir, kc_error *err)
{
    static const char *const allowed[] = { "name", "spec", "source", "note", NULL };
    char path[4200];
    ctx c = { path, err };
    cJSON *root, *arr, *it;
    size_t i = 0;
    int ret = -1;

    set_file(path, sizeof(path), dir, "flavors.json");
    arr = load_array(&c, path, "flavors", &root);
    if (!arr)
        goto out;
    cat->flavors = kc_xcalloc((size_t)cJSON_GetArraySize(arr), sizeof(*cat->flavors));
    cJSON_ArrayForEach(it, arr) {
        kc_flavor *f = &cat->flavors[i];
        char where[128];
        kc_shape shape;
        kc_error serr = { 0 };

        if (entry(&c, it, i, "flavor", where, sizeof(where)) < 0 ||
            get_str(&c, it, where, "name", true, f->name, sizeof(f->name)) < 0)
            goto out;
        snprintf(where, sizeof(where), "flavor '%s'", f->name);
        if (check_name(&c, "flavor", f->name) < 0 || check_keys(&c, it, where, allowed) < 0 ||
            get_str(&c, it, where, "spec", true, f->spec, sizeof(f->spec)) < 0 ||
            get_str(&c, it, where, "source", true, NULL, 4096) < 0)
            goto out;
        if (kc_catalog_flavor(cat, f->name)) {
            kc_error_set(err, KC_ERR_INVALID, "%s: flavor '%s' is listed twice", path, f->name);
            goto out;
        }
        if (f->name[0] >= '0' && f->name[0] <= '9') {
            kc_error_set(err, KC_ERR_INVALID,
                         "%s: flavor '%s': a name may not start with a digit (it would read "
                         "as CPUScMEMORY)", path, f->name);
            goto out;
        }
        /* no catalog: a flavor's spec may not name another flavor */
        if (kc_spec_parse_vm(f->spec, NULL, &shape, NULL, NULL, NULL, 0, &serr) < 0) {
            kc_error_set(err, KC_ERR_INVALID, "%s: %s: %s", path, where, serr.msg);
            goto out;
        }
        cat->n_flavors = ++i;
    }
    ret = 0;
 out:
    cJSON_Delete(root);
    return ret;
}

static int load_profiles(kc_catalog *cat, const char *dir, kc_error *err)
{
    static const char *const allowed[] = { "name", "overcommit_pct", "net_mode", "source",
                                           "note", NULL };
    char path[4200];
    ctx c = { path, err };
    cJSON *root, *arr, *it;
    size_t i = 0;
    int ret = -1, net;

    set_file(path, sizeof(path), dir, "profiles.json");
    arr = load_array(&c, path, "profiles", &root);
    if (!arr)
        goto out;
    cat->profiles = kc_xcalloc((size_t)cJSON_GetArraySize(arr), sizeof(*cat->profiles));
    cJSON_ArrayForEach(it, arr) {
        kc_profile *pr = &cat->profiles[i];
        char where[128], mode[16];

        if (entry(&c, it, i, "profile", where, sizeof(where)) < 0 ||
            get_str(&c, it, where, "name", true, pr->name, sizeof(pr->name)) < 0)
            goto out;
        snprintf(where, sizeof(where), "profile '%s'", pr->name);
        if (check_name(&c, "profile", pr->name) < 0 || check_keys(&c, it, where, allowed) < 0 ||
            get_str(&c, it, where, "source", true, NULL, 4096) < 0 ||
            get_pct(&c, it, where, "overcommit_pct", 0, 1000000, &pr->overcommit_bp) < 0 ||
            get_str(&c, it, where, "net_mode", true, mode, sizeof(mode)) < 0)
            goto out;
        if (kc_catalog_profile(cat, pr->name)) {
            kc_error_set(err, KC_ERR_INVALID, "%s: profile '%s' is listed twice", path,
                         pr->name);
            goto out;
        }
        if ((net = kc_names_value(&kc_names_net, mode)) < 0) {
            kc_error_set(err, KC_ERR_INVALID,
                         "%s: %s: 'net_mode' must be \"bridge\" or \"nat\", not '%s'", path,
                         where, mode);
            goto out;
        }
        pr->net_mode = (kc_net_mode)net;
        cat->n_profiles = ++i;
    }
    ret = 0;
 out:
    cJSON_Delete(root);
    return ret;
}

/* Load host models from @path into fresh arrays; the host specs are checked against @cat's
 * devices. On success replaces @cat's hosts. */
static int load_hosts_file(kc_catalog *cat, const char *path, kc_error *err)
{
    static const char *const allowed[] = { "name", "spec", "price", "source", "note", NULL };
    ctx c = { path, err };
    cJSON *root, *arr, *it;
    kc_host_model *hosts = NULL;
    size_t i = 0;
    int ret = -1;

    arr = load_array(&c, path, "hosts", &root);
    if (!arr)
        goto out;
    hosts = kc_xcalloc((size_t)cJSON_GetArraySize(arr), sizeof(*hosts));
    cJSON_ArrayForEach(it, arr) {
        kc_host_model *h = &hosts[i];
        char where[128];
        kc_facts *facts;
        kc_error serr = { 0 };
        int rc;

        if (entry(&c, it, i, "host", where, sizeof(where)) < 0 ||
            get_str(&c, it, where, "name", true, h->name, sizeof(h->name)) < 0)
            goto out;
        snprintf(where, sizeof(where), "host '%s'", h->name);
        if (check_keys(&c, it, where, allowed) < 0 ||
            get_str(&c, it, where, "spec", true, h->spec, sizeof(h->spec)) < 0 ||
            get_int(&c, it, where, "price", false, 0, KC_SPEC_UINT_MAX, &h->price) < 0)
            goto out;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(hosts[j].name, h->name) == 0) {
                kc_error_set(err, KC_ERR_INVALID, "%s: host '%s' is listed twice", path,
                             h->name);
                goto out;
            }
        }
        facts = kc_facts_new();
        rc = kc_spec_parse_host(h->spec, cat, facts, &serr);
        kc_facts_free(facts);
        if (rc < 0) {
            kc_error_set(err, KC_ERR_INVALID, "%s: %s: %s", path, where, serr.msg);
            goto out;
        }
        i++;
    }
    free(cat->hosts);
    cat->hosts = hosts;
    cat->n_hosts = i;
    hosts = NULL;
    ret = 0;
 out:
    free(hosts);
    cJSON_Delete(root);
    return ret;
}

kc_catalog *kc_catalog_load(const char *datadir, kc_error *err)
{
    kc_catalog *cat = kc_xcalloc(1, sizeof(*cat));
    char path[4200];

    if (kc_strlcpy(cat->datadir, datadir, sizeof(cat->datadir)) < 0) {
        kc_error_set(err, KC_ERR_HOST, "data directory path '%.64s...' is too long", datadir);
        goto fail;
    }
    if (load_devices(cat, datadir, err) < 0 || load_network(cat, datadir, err) < 0 ||
        load_flavors(cat, datadir, err) < 0 || load_profiles(cat, datadir, err) < 0)
        goto fail;
    /* hosts.json is optional: sizing can take --host or --catalog instead */
    set_file(path, sizeof(path), datadir, "hosts.json");
    if (access(path, F_OK) == 0 && load_hosts_file(cat, path, err) < 0)
        goto fail;
    return cat;
 fail:
    kc_catalog_free(cat);
    return NULL;
}

int kc_catalog_load_hosts(kc_catalog *catalog, const char *path, kc_error *err)
{
    return load_hosts_file(catalog, path, err);
}

