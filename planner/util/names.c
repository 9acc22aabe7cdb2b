/* SPDX-License-Identifier: MIT */
/* names.c: the word tables of kvmcap's enumerations (see names.h). */
#include <string.h>

#include "util/names.h"

#define TABLE(ident, count, ...)                                                         \
    static const char *const ident##_words[] = { __VA_ARGS__ };                          \
    _Static_assert(sizeof(ident##_words) / sizeof(ident##_words[0]) == (count),           \
                   #ident ": one word per value of its enum");                            \
    const kc_names kc_names_##ident = { ident##_words, (unsigned)(count) }

TABLE(numa, KC_NUMA_LAST, [KC_NUMA_SPREAD] = "spread", [KC_NUMA_STRICT] = "strict");
TABLE(net, KC_NET_LAST, [KC_NET_BRIDGE] = "bridge", [KC_NET_NAT] = "nat");
TABLE(nic_role, KC_NIC_LAST, [KC_NIC_VM] = "vm", [KC_NIC_MGMT] = "mgmt",
      [KC_NIC_STORAGE] = "storage");
TABLE(raid, KC_RAID_LAST, [KC_RAID_NONE] = "none", [KC_RAID_0] = "raid0", [KC_RAID_1] = "raid1",
      [KC_RAID_5] = "raid5", [KC_RAID_6] = "raid6", [KC_RAID_10] = "raid10");
TABLE(existing, KC_EXISTING_LAST, [KC_EXISTING_RUNNING] = "running", [KC_EXISTING_ALL] = "all",
      [KC_EXISTING_NONE] = "none");
TABLE(format, KC_FORMAT_LAST, [KC_FORMAT_TABLE] = "table", [KC_FORMAT_JSON] = "json",
      [KC_FORMAT_CSV] = "csv", [KC_FORMAT_PROMETHEUS] = "prometheus");
TABLE(sort, KC_FLEET_SORT_LAST, [KC_FLEET_SORT_NAME] = "name", [KC_FLEET_SORT_FREE] = "free",
      [KC_FLEET_SORT_BOTTLENECK] = "bottleneck");
TABLE(source, KC_SOURCE_LAST, [KC_SOURCE_LIBVIRT] = "libvirt",
      [KC_SOURCE_EMBEDDED] = "embedded", [KC_SOURCE_SPEC] = "spec",
      [KC_SOURCE_FACTS] = "facts");
TABLE(vm_state, KC_VM_STATE_LAST, [KC_VM_RUNNING] = "running", [KC_VM_OFF] = "off");
TABLE(res_state, KC_RES_STATE_LAST, [KC_RES_ABSENT] = "absent",
      [KC_RES_UNBOUNDED] = "unbounded", [KC_RES_BOUNDED] = "bounded",
      [KC_RES_UNKNOWN] = "unknown");

const char *kc_names_word(const kc_names *t, int value)
{
    return value >= 0 && (unsigned)value < t->n && t->words[value] ? t->words[value]
                                                                   : "unknown";
}

int kc_names_value(const kc_names *t, const char *word)
{
    for (unsigned i = 0; word && i < t->n; i++)
        if (t->words[i] && strcmp(t->words[i], word) == 0)
            return (int)i;
    return -1;
}

const char *kc_names_list(const kc_names *t, unsigned mask, char *buf, size_t size)
{
    size_t len = 0;

    if (size == 0)
        return buf;
    buf[0] = '\0';
    for (unsigned i = 0; i < t->n && i < 32; i++) {
        const char *w = t->words[i];
        size_t wl;

        if (!w || !(mask & (1u << i)))
            continue;
        if (len) {
            if (len + 2 >= size)
                break;
            memcpy(buf + len, ", ", 2);
            len += 2;
        }
        wl = strlen(w);
        if (len + wl >= size)
            wl = size - 1 - len;
        memcpy(buf + len, w, wl);
        len += wl;
        buf[len] = '\0';
    }
    return buf;
}
