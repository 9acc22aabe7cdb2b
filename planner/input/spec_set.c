/* SPDX-License-Identifier: MIT */
/* spec_set.c: --set, host keys that override a collected host's facts. */
#include <stdio.h>
#include <string.h>

#include "input/spec_impl.h"
#include "util/util.h"

/* Override collected facts with host keys ("nic=2x10g,disk=4xssd:1t"). A category given
 * replaces the facts' whole list of that kind; price= and name= replace theirs. numa= and
 * hugepages= describe topology that libvirt reports, so they are refused. */
int kc_spec_apply_set(const char *text, const kc_catalog *catalog, kc_facts *facts,
                      kc_error *err)
{
    char joined[SPEC_MAX + 8], buf[SPEC_MAX + 8];
    kc_facts *set = NULL;
    int ret = -1;

    if (!text || !*text)
        return kc_error_set(err, KC_ERR_INVALID, "bad --set: no keys (e.g. --set nic=2x10g)");
    if (strlen(text) >= SPEC_MAX) {
        kc_error_set(err, KC_ERR_INVALID, "bad --set: longer than %d characters", SPEC_MAX - 1);
        return -1;
    }
    /* topology comes from the host: refuse it before parsing against a placeholder host */
    for (const char *k = text; k; k = strchr(k, ',') ? strchr(k, ',') + 1 : NULL) {
        if (strncmp(k, "numa=", 5) == 0 || strncmp(k, "hugepages=", 10) == 0)
            return kc_error_set(err, KC_ERR_INVALID, "bad --set '%s': numa and hugepages come "
                                "from the host, they cannot be set", Q(text).s);
    }
    /* the keys parse exactly as a host spec's do: give them a placeholder host */
    snprintf(joined, sizeof(joined), "1c1g,%s", text);
    set = kc_facts_new();
    if (kc_spec_load_text(joined, buf, sizeof(buf), err) < 0 ||
        kc_spec_host_items(buf, catalog, set, err) < 0) {
        kc_spec_wrap(err, "--set", text);
        goto out;
    }
    if (set->n_numa || set->hugepages_mib) {
        kc_error_set(err, KC_ERR_INVALID, "bad --set '%s': numa and hugepages come from the "
                     "host, they cannot be set", Q(text).s);
        goto out;
    }
    if (set->n_nics) {
        facts->n_nics = 0;
        for (size_t i = 0; i < set->n_nics; i++) {
            kc_fact_nic *nic = kc_facts_add_nic(facts);

            *nic = set->nics[i];
            kc_strlcpy(nic->why, "set by hand", sizeof(nic->why));
        }
    }
    if (set->n_storage) {
        /* the replaced pools' use stays: on the new pool of the same name, else of no
         * known pool (README "Model": --set disk= must not drop existing use) */
        for (size_t j = 0; j < facts->n_storage; j++) {
            const kc_fact_storage *old = &facts->storage[j];
            uint64_t *to = &facts->unplaced_used_mib;

            for (size_t i = 0; i < set->n_storage; i++)
                if (strcmp(set->storage[i].name, old->name) == 0)
                    to = &set->storage[i].used_mib;
            if (old->used_mib > UINT64_MAX - *to) {
                kc_error_set(err, KC_ERR_INVALID, "bad --set '%s': the replaced pools' used "
                             "space overflows", Q(text).s);
                goto out;
            }
            *to += old->used_mib;
        }
        facts->n_storage = 0;
        for (size_t i = 0; i < set->n_storage; i++)
            *kc_facts_add_storage(facts) = set->storage[i];
    }
    if (set->price)
        facts->price = set->price;
    if (set->name[0])
        memcpy(facts->name, set->name, sizeof(facts->name));
    kc_facts_add_note(facts, "set by hand: %s", text);
    ret = 0;
 out:
    kc_facts_free(set);
    return ret;
}
