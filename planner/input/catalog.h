/* SPDX-License-Identifier: MIT */
/* catalog.h: the data kvmcap ships (device types, network modes, flavors, profiles, hosts). */
#ifndef KC_CATALOG_H
#define KC_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kc.h"

/* A storage device type from data/devices.json ("hdd-7.2k", "ssd", "nvme", "iscsi-10g",
 * "fc-16g", ...). Network types carry their link's caps. */
typedef struct kc_device_type {
    char name[32];
    kc_storage_kind kind;
    uint64_t iops;             /* per device (local) or per target (network) */
    uint64_t mbps;             /* MB/s, same */
    uint64_t link_mbps;        /* network: what the link carries, MB/s; 0 for local */
    uint64_t link_iops;        /* network: link_mbps at the catalog's I/O size; 0 for local */
    uint64_t write_iops;       /* random write IOPS as iops; 0 = the read figure */
    uint64_t write_mbps;       /* write MB/s as mbps; 0 = the read figure */
    bool over_ip;              /* network storage over TCP/IP (iSCSI): storage NICs cap it */
} kc_device_type;

/* A named VM flavor from data/flavors.json ("m1.small" -> "1c2g,disk=20g"). */
typedef struct kc_flavor {
    char name[KC_NAME_MAX];
    char spec[128];
} kc_flavor;

/* A profile from data/profiles.json ("server": overcommit 20 %, bridge). */
typedef struct kc_profile {
    char name[32];
    uint32_t overcommit_bp;
    kc_net_mode net_mode;
} kc_profile;

/* A candidate host model from data/hosts.json or --catalog. */
typedef struct kc_host_model {
    char name[KC_NAME_MAX];
    char spec[256];
    uint64_t price;            /* 0 = no price given */
} kc_host_model;

typedef struct kc_catalog {
    char datadir[4096];        /* where it was loaded from */
    size_t n_devices, n_flavors, n_profiles, n_hosts;
    kc_device_type *devices;   /* owned */
    kc_flavor *flavors;
    kc_profile *profiles;
    kc_host_model *hosts;
    uint32_t nat_efficiency_bp;   /* from data/network.json */
    uint32_t write_share_bp;      /* a VM's write share without write= (data/devices.json) */
    uint32_t bridge_efficiency_bp;
} kc_catalog;

/* Free @catalog and everything it holds (NULL is fine). Loading: input/catalog_load.h. */
void kc_catalog_free(kc_catalog *catalog);

/* Look-ups by exact name; NULL if absent. The result is borrowed from @catalog. */
const kc_device_type *kc_catalog_device(const kc_catalog *catalog, const char *name);
const kc_flavor *kc_catalog_flavor(const kc_catalog *catalog, const char *name);
const kc_profile *kc_catalog_profile(const kc_catalog *catalog, const char *name);

#endif /* KC_CATALOG_H */
