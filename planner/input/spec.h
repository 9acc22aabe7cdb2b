/* SPDX-License-Identifier: MIT */
/* spec.h: the one spec grammar of --host, --vm and files: sizes, bandwidths, percentages. */
#ifndef KC_SPEC_H
#define KC_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts/facts.h"
#include "input/catalog.h"
#include "kc.h"

/*
 * Numbers: decimal digits with an optional fraction ('.' then at least one digit); no sign,
 * no exponent, no spaces, no hex, ASCII only. They are converted exactly (never through
 * double) into fixed point. Trailing zeros of a fraction do not count as decimals ("4.000"
 * is a ratio with 0 decimals). Every function below returns 0, or -1 with @err set to
 * KC_ERR_INVALID and a one-line message naming the bad text.
 */

/* Largest size (MiB) and bandwidth (kbit/s) any spec may give: 2^50. */
#define KC_SPEC_SIZE_MAX_MIB (UINT64_C(1) << 50)
#define KC_SPEC_BW_MAX_KBPS (UINT64_C(1) << 50)
/* Largest count, price or device figure: 2^53 - 1 (exact in JSON). */
#define KC_SPEC_UINT_MAX ((UINT64_C(1) << 53) - 1)

/* A size in MiB: "512m", "1.5g", "3.84t" (units m = MiB, g = GiB, t = TiB, case-insensitive,
 * optionally followed by "b" or "ib": "16GiB" and "16gb" both mean 16 GiB; sizes are always
 * binary). At most 6 decimals. A size needs its unit, except a plain "0" (or "0g", "0.0m")
 * when @allow_zero. A result that is not a whole MiB is rounded up if @round_up (VM demand),
 * down otherwise (host capacity); a non-zero size that rounds to 0 is an error, and so is
 * anything above KC_SPEC_SIZE_MAX_MIB. */
int kc_spec_parse_size_mib(const char *text, bool round_up, bool allow_zero, uint64_t *out,
                           kc_error *err);

/* A bandwidth in decimal bits: "100m" = 100 Mbit/s = 100000 kbit/s, "10g", "2.5g", "1.5m";
 * units k, m, g, t (case-insensitive, optionally followed by "bit" or "bps"). At most 6
 * decimals; the result must be a whole, non-zero kbit/s, at most KC_SPEC_BW_MAX_KBPS. */
int kc_spec_parse_bandwidth_kbps(const char *text, uint64_t *out, kc_error *err);

/* A percentage into basis points: "20" -> 2000, "12.5" -> 1250, "20%" -> 2000, "0" -> 0.
 * At most 2 decimals; above @max_bp is an error. */
int kc_spec_parse_percent_bp(const char *text, uint32_t max_bp, uint32_t *out, kc_error *err);

/* A ratio into thousandths: "4" -> 4000, "1.5" -> 1500. At most 3 decimals; must be above 0
 * and at most 1000. */
int kc_spec_parse_ratio_milli(const char *text, uint32_t *out, kc_error *err);

/* A plain unsigned integer (digits only) of at most @max. */
int kc_spec_parse_uint(const char *text, uint64_t max, uint64_t *out, kc_error *err);

/*
 * A host spec: "CPUScMEMORY" then keys after commas:
 *   "32c256g,nic=2x10g,disk=4xssd:1.92t,storage=iscsi-10g:20t,numa=2,price=18000,name=r650,
 *    hugepages=16g"
 *   nic=[Nx]BANDWIDTH[:ROLE]   repeatable; one kc_fact_nic per NIC, named nic0, nic1, ...;
 *                              ROLE vm (default: the VM uplink), mgmt or storage
 *   disk=[Nx]TYPE:SIZE         repeatable; TYPE a local device type of @catalog
 *   storage=[Nx]TYPE:SIZE      repeatable; TYPE a network device type of @catalog
 *                              (each disk=/storage= is one kc_fact_storage, named disk0, ...;
 *                              SIZE is the size of one device, rounded down to MiB)
 *   numa=N                     N nodes (1..KC_NUMA_MAX); CPUs must divide evenly, memory is
 *                              split evenly with the remainder on node 0, the hugepage pool
 *                              must divide evenly
 *   hugepages=SIZE[:PAGE]      hugepage pool (part of memory); PAGE 2m (default) or 1g; the
 *                              pool must be a whole number of pages (per node with numa=)
 *   price=N                    integer, at most KC_SPEC_UINT_MAX
 *   name=NAME                  letters, digits, '.', '_', '-'; at most KC_NAME_MAX - 1
 * numa, hugepages, price and name may appear once. Memory is rounded down to whole MiB.
 * Fills the fresh @facts (from kc_facts_new()): source KC_SOURCE_SPEC, mem_source "spec".
 * @catalog may be NULL (then disk= and storage= fail as unknown types). On error @facts may
 * be partly filled; the caller frees it. Errors read "bad host spec 'TEXT': DETAIL".
 */
int kc_spec_parse_host(const char *text, const kc_catalog *catalog, kc_facts *facts,
                       kc_error *err);

/*
 * A VM spec, optionally with ":COUNT":
 *   "1c1g", "2c4g,disk=40g,iops=200,mbps=50,net=100m,cpu=25%", "1c512m", "8c32g,hugepages",
 *   "m1.small" (a flavor of @catalog; keys may follow and override the flavor's:
 *   "m1.small,net=1g"), "2c4g:200".
 *   disk=SIZE (rounded up), iops=N, mbps=N (MB/s), net=BANDWIDTH, cpu=PCT (load of each
 *   vCPU, above 0 and at most 100 %), hugepages (no value). Each key at most once.
 * Memory is rounded up to whole MiB. Writes *@shape; if @count is non-NULL, *@count and
 * *@has_count (0 and false without ":COUNT"); a ":COUNT" is an error when @has_count or
 * @count is NULL. COUNT is 1..KC_SPEC_UINT_MAX. If @label is non-NULL, the spec text without
 * ":COUNT" is copied there (an error if it does not fit in @label_size). @catalog may be NULL
 * (no flavors). Errors read "bad VM spec 'TEXT': DETAIL".
 */
/* Override collected @facts with host keys ("nic=2x10g,disk=4xssd:1t,price=N,name=X"):
 * each category given replaces that whole list. numa= and hugepages= are refused (the host
 * reports them). Adds a note saying what was set. Returns 0 or -1 with KC_ERR_INVALID. */
int kc_spec_apply_set(const char *text, const kc_catalog *catalog, kc_facts *facts,
                      kc_error *err);

int kc_spec_parse_vm(const char *text, const kc_catalog *catalog, kc_shape *shape,
                     uint64_t *count, bool *has_count, char *label, size_t label_size,
                     kc_error *err);

#endif /* KC_SPEC_H */
