/* SPDX-License-Identifier: MIT */
/* spec_vm.c: VM specs ("2c4g,disk=40g,net=100m", flavors, "SPEC:COUNT") into shapes. */
#include <stdio.h>
#include <string.h>

#include "input/spec_impl.h"
#include "util/util.h"

/* Parse the items of a VM spec in @buf. @flavor_ok: the first item may name a flavor
 * (false inside a flavor's own spec, so flavors cannot nest). */
static int vm_items(char *buf, const kc_catalog *catalog, bool flavor_ok, kc_shape *shape,
                    kc_error *err)
{
    char *p = buf, *tok, *comma;
    bool first = true;
    static const char *const keys[] = { "disk", "iops", "mbps", "net", "cpu", "hugepages",
                                        "write", "pool" };
    bool seen[8] = { false };

    /* the branches below go by index: 0 disk ... 5 hugepages, 6 write, 7 pool */
    _Static_assert(sizeof(keys) / sizeof(keys[0]) == sizeof(seen) / sizeof(seen[0]),
                   "one seen flag per VM key");

    for (;; p = comma + 1) {
        char *val;
        size_t k;

        comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        tok = p;
        if (!*tok)
            return kc_error_set(err, KC_ERR_INVALID, "empty item (two commas, or a comma at "
                                                     "the start or end)");
        if (first) {
            first = false;
            if (is_digit(*tok) || !flavor_ok || !catalog || !kc_catalog_flavor(catalog, tok)) {
                if (!is_digit(*tok) && flavor_ok)
                    return BAD(err, "unknown flavor '%s'", tok);
                if (kc_spec_cpus_mem(tok, true, &shape->vcpus, &shape->mem_mib, err) < 0)
                    return -1;
            } else {
                const kc_flavor *fl = kc_catalog_flavor(catalog, tok);
                char fbuf[sizeof(fl->spec)];

                /* the loader checked the flavor's spec; check again all the same */
                if (kc_strlcpy(fbuf, fl->spec, sizeof(fbuf)) < 0 ||
                    vm_items(fbuf, NULL, false, shape, err) < 0)
                    return BAD(err, "flavor '%s' has a bad spec", tok);
            }
            if (!comma)
                break;
            continue;
        }
        kc_spec_split_key(tok, &val);
        for (k = 0; k < 8; k++)
            if (!strcmp(tok, keys[k]))
                break;
        if (k == 8)
            return BAD(err, "unknown key '%s' (keys: disk, iops, mbps, net, cpu, hugepages, "
                            "write, pool)", tok);
        if (seen[k])
            return BAD(err, "key '%s' is given twice", tok);
        seen[k] = true;
        if (k == 5) {
            if (val)
                return BAD(err, "key 'hugepages' takes no value (got '%s')", val);
            shape->hugepages = true;
        } else if (!val) {
            return BAD(err, "key '%s' needs a value (KEY=VALUE)", tok);
        } else if (k == 0) {
            if (kc_spec_size_detail(val, true, false, &shape->disk_mib, err) < 0)
                return -1;
        } else if (k == 1 || k == 2) {
            uint64_t *dst = k == 1 ? &shape->iops : &shape->mbps;

            if (kc_spec_uint_detail(val, KC_SPEC_UINT_MAX, dst, err) < 0)
                return -1;
            if (*dst == 0)
                return BAD(err, "'%s' must be above zero", val);
        } else if (k == 3) {
            if (kc_spec_bw_detail(val, &shape->net_kbps, err) < 0)
                return -1;
        } else if (k == 6) {
            /* the write share of iops= and mbps= (README "Model": RAID write penalty) */
            if (kc_spec_pct_detail(val, KC_BP_ONE, &shape->write_bp, err) < 0)
                return -1;
        } else if (k == 7) {
            size_t n = strlen(val);

            if (n == 0 || n >= KC_POOL_NAME_MAX ||
                strspn(val, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != n)
                return BAD(err, "bad pool name '%s' (letters, digits, '-', '_', '.', at most 31)",
                           val);
            memcpy(shape->pool, val, n + 1);
        } else {
            if (kc_spec_pct_detail(val, KC_BP_ONE, &shape->cpu_util_bp, err) < 0)
                return -1;
            if (shape->cpu_util_bp == 0)
                return BAD(err, "cpu load '%s' must be above zero", val);
        }
        if (!comma)
            break;
    }
    return 0;
}

int kc_spec_parse_vm(const char *text, const kc_catalog *catalog, kc_shape *shape,
                     uint64_t *count, bool *has_count, char *label, size_t label_size,
                     kc_error *err)
{
    char buf[SPEC_MAX];
    char *colon;
    uint64_t n = 0;

    if (!text)
        return kc_error_set(err, KC_ERR_INVALID, "bad VM spec: no text");
    memset(shape, 0, sizeof(*shape));
    /* without write=, the catalog's write share (data/devices.json) */
    shape->write_bp = catalog ? catalog->write_share_bp : 0;
    if (kc_spec_load_text(text, buf, sizeof(buf), err) < 0)
        return kc_spec_wrap(err, "VM spec", text);
    colon = strrchr(buf, ':');
    if (colon) {
        *colon = '\0';
        if (!count || !has_count) {
            BAD(err, "a count (':%s') is not allowed here", colon + 1);
            return kc_spec_wrap(err, "VM spec", text);
        }
        if (strchr(buf, ':')) {
            kc_error_set(err, KC_ERR_INVALID, "more than one ':' (use SPEC:COUNT)");
            return kc_spec_wrap(err, "VM spec", text);
        }
        if (kc_spec_uint_detail(colon + 1, KC_SPEC_UINT_MAX, &n, err) < 0) {
            char detail[sizeof(err->msg)];

            if (err) {
                memcpy(detail, err->msg, sizeof(detail));
                kc_error_set(err, KC_ERR_INVALID, "count: %s", detail);
            }
            return kc_spec_wrap(err, "VM spec", text);
        }
        if (n == 0) {
            kc_error_set(err, KC_ERR_INVALID, "count '0' must be at least 1");
            return kc_spec_wrap(err, "VM spec", text);
        }
    }
    if (label && kc_strlcpy(label, buf, label_size) < 0) {
        kc_error_set(err, KC_ERR_INVALID, "spec is longer than %zu characters",
                     label_size ? label_size - 1 : 0);
        return kc_spec_wrap(err, "VM spec", text);
    }
    if (vm_items(buf, catalog, true, shape, err) < 0)
        return kc_spec_wrap(err, "VM spec", text);
    if (count) {
        *count = n;
        *has_count = colon != NULL;
    }
    return 0;
}
