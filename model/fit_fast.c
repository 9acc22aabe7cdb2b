/* SPDX-License-Identifier: MIT */
/* fit_fast.c: kc_fit_compute(), the fast path of the fit, and kc_fit_count(), the count
 * alone (pure, no I/O); anything out of the common case goes to the reference in fit.c. */
#include <string.h>

#include "fit.h"
#include "fit_impl.h"
#include "fit_reference.h"
#include "pool.h"

/* ---- the fast path ----
 *
 * kc_fit_compute() is called once per host x shape (sizing derives every demand vector
 * through it, a fleet calls it per host), so it is written for speed; the rules are those of
 * kc_fit_compute_reference() above, which it must match field for field. It handles the
 * common case only: valid input (checked inline) and every product inside 64 bits. Anything
 * else (an invalid field, a figure that would overflow 64 bits anywhere, even one the
 * reference would carry in 128 bits) goes to the reference, which gives the same answer or
 * the same error. What makes it faster: no 400-byte memset (each row is written exactly
 * once), no validator calls, one pass over the storage groups instead of three, divisions by
 * the fixed-point constants turned into multiplications (inlined scale), and the per-row
 * limit divisions done in 32 bits when both operands fit (a shorter divide on x86-64). */

/* floor(a / b), b > 0. */
static inline uint64_t div64(uint64_t a, uint64_t b)
{
    if ((a | b) >> 32 == 0)
        return (uint32_t)a / (uint32_t)b;
    return a / b;
}

/* floor(base x f1 x f2 / divisor); sets *bad when the product does not fit 64 bits (the
 * result is then meaningless). Failures are gathered in a flag and tested once: a chain of
 * early returns makes GCC guess the end of the chain cold and compile the divisions by
 * constants there as real divisions. */
__attribute__((always_inline))
static inline uint64_t scale64(uint64_t base, uint64_t f1, uint64_t f2, uint64_t divisor,
                               bool *bad)
{
    uint64_t p1, p2;

    *bad |= __builtin_mul_overflow(base, f1, &p1);
    *bad |= __builtin_mul_overflow(p1, f2, &p2);
    return p2 / divisor;
}

/* Each row is written whole, exactly once (no memset of the result beforehand). */
__attribute__((always_inline))
static inline void row_bounded(kc_res_fit *r, uint64_t capacity, uint64_t used, uint64_t per_vm)
{
    r->state = KC_RES_BOUNDED;
    r->capacity = capacity;
    r->used = used;
    r->per_vm = per_vm;
    r->limit = div64(kc_fit_sub_sat(capacity, used), per_vm);
}

static inline void row_unbounded(kc_res_fit *r, uint64_t capacity, uint64_t used)
{
    r->state = KC_RES_UNBOUNDED;
    r->capacity = capacity;
    r->used = used;
    r->per_vm = 0;
    r->limit = 0;
}

static inline void row_state(kc_res_fit *r, kc_res_state state)
{
    r->state = state;
    r->capacity = 0;
    r->used = 0;
    r->per_vm = 0;
    r->limit = 0;
}

/* What kc_policy_validate, kc_shape_validate and kc_host_validate accept (a subset is
 * enough: a rejection only sends the call to the reference, which names the problem).
 * Non-short-circuit `|`: one branch for the lot. */
__attribute__((always_inline))
static inline bool quick_valid(const kc_host *h, const kc_policy *p)
{
    bool bad = (p->overcommit_bp > 1000000u) | (p->disk_overcommit_bp > 1000000u) |
               (p->cpu_ratio_milli - 1u >= 1000000u) | (p->max_util_bp - 1u >= KC_BP_ONE) |
               (p->nat_efficiency_bp - 1u >= KC_BP_ONE) | ((unsigned)p->numa >= KC_NUMA_LAST) |
               ((unsigned)p->net_mode >= KC_NET_LAST) |
               ((unsigned)p->overhead_mode >= KC_OVERHEAD_LAST) |
               (h->n_numa > KC_NUMA_MAX) | (h->n_nics > KC_NIC_MAX) |
               (h->n_storage > KC_STORAGE_MAX) | (h->cpus == 0) | (h->mem_mib == 0) |
               (h->hugepages_mib > h->mem_mib);

    if (__builtin_expect(bad, 0))
        return false;
    if (h->n_numa > 0) {
        uint64_t cpus = 0, mem = 0, hp = 0;
        kc_node_usage nu = { 0 };

        for (size_t i = 0; i < h->n_numa; i++) {
            const kc_numa_node *n = &h->numa[i];
            const kc_node_usage *u = &h->node_used[i];

            bad |= n->hugepages_mib > n->mem_mib;
            bad |= __builtin_add_overflow(mem, n->mem_mib, &mem);
            bad |= __builtin_add_overflow(nu.vms, u->vms, &nu.vms);
            bad |= __builtin_add_overflow(nu.vcpus, u->vcpus, &nu.vcpus);
            bad |= __builtin_add_overflow(nu.mem_mib, u->mem_mib, &nu.mem_mib);
            bad |= __builtin_add_overflow(nu.hugepages_mib, u->hugepages_mib, &nu.hugepages_mib);
            cpus += n->cpus;
            hp += n->hugepages_mib;     /* each <= its node's memory: cannot wrap */
        }
        bad |= (cpus != h->cpus) | (mem > h->mem_mib) | (hp != h->hugepages_mib) |
               (nu.vms > h->used.vms) | (nu.vcpus > h->used.vcpus) |
               (nu.mem_mib > h->used.mem_mib) | (nu.hugepages_mib > h->used.hugepages_mib);
    }
    return !bad;
}

/* Storage totals in one pass: size, and iops / throughput with network groups capped by
 * their link (what storage_sum computes). False on an invalid group or a 64-bit overflow. */
typedef struct storage_totals {
    uint64_t size_mib, iops, mbps;
    bool iops_known, mbps_known;
} storage_totals;

__attribute__((always_inline))
static inline bool quick_storage(const kc_host *h, storage_totals *t)
{
    bool bad = false;

    *t = (storage_totals){ 0 };
    for (size_t i = 0; i < h->n_storage; i++) {
        const kc_storage *s = &h->storage[i];
        uint64_t v, n = s->count;
        bool net = s->kind == KC_STORAGE_NETWORK;

        bad |= (s->count == 0) | (s->size_mib == 0) | ((unsigned)s->kind >= KC_STORAGE_LAST);
        bad |= ((unsigned)s->raid >= KC_RAID_LAST) || s->count < kc_raid_min_devices(s->raid) ||
               (s->raid == KC_RAID_10 && s->count % 2) ||
               memchr(s->name, '\0', sizeof(s->name)) == NULL;
        bad |= __builtin_mul_overflow(s->size_mib, n, &v);
        bad |= __builtin_add_overflow(t->size_mib, v, &t->size_mib);
        /* a figure of 0 is unknown: it adds 0 and knows nothing */
        bad |= __builtin_mul_overflow(s->iops, n, &v);
        v = net && s->link_iops != 0 && s->link_iops < v ? s->link_iops : v;
        bad |= __builtin_add_overflow(t->iops, v, &t->iops);
        t->iops_known |= s->iops != 0;
        bad |= __builtin_mul_overflow(s->mbps, n, &v);
        v = net && s->link_mbps != 0 && s->link_mbps < v ? s->link_mbps : v;
        bad |= __builtin_add_overflow(t->mbps, v, &t->mbps);
        t->mbps_known |= s->mbps != 0;
    }
    return !bad;
}

/* The iops or throughput row from its scaled capacity @cap: what the loop at the end of the
 * reference computes. */
static inline void storage_row(const kc_host *h, uint64_t cap, bool known, uint64_t want,
                               uint64_t held, kc_res_fit *row)
{
    if (want == 0 && known && h->n_storage > 0)
        row_unbounded(row, cap, held);
    else if (want == 0)
        row_state(row, KC_RES_ABSENT);
    else if (known)
        row_bounded(row, cap, held, want);
    else
        row_state(row, KC_RES_UNKNOWN);
}

/* The rows are made of figures of the host under the policy (kc_fit_host, fit.h) and of
 * the shape (below); each part is derived, validated and checked for 64-bit overflow once.
 * False sends the call to the reference, which gives the answer or the error. */
__attribute__((always_inline))
static inline bool prepare_host(const kc_host *host, const kc_policy *policy, kc_fit_host *f)
{
    const kc_usage *u = &host->used;
    uint64_t util = policy->max_util_bp, ex_ovh = 0, mem_f, net_f, disk_f;
    storage_totals st;
    bool bad = false;

    f->used = 0;    /* quiets GCC 12's maybe-uninitialized on the early return */
    if (__builtin_expect(!quick_valid(host, policy) || !quick_storage(host, &st), 0))
        return false;
    f->size_mib = st.size_mib;
    f->iops_known = st.iops_known;
    f->mbps_known = st.mbps_known;
    f->uplink = 0;
    for (size_t i = 0; i < host->n_nics; i++) {  /* VM NICs only (the reference's rule) */
        kc_nic_role role = host->nics[i].role;

        bad |= (unsigned)role >= KC_NIC_LAST;
        bad |= __builtin_add_overflow(f->uplink, role == KC_NIC_VM ? host->nics[i].speed_kbps : 0,
                                      &f->uplink);
    }

    /* the existing VMs' overhead (existing_overhead in fit.c, without 128 bits) */
    if (policy->overhead_mode == KC_OVERHEAD_AUTO) {
        uint64_t all_mem, a, b;

        bad |= __builtin_add_overflow(u->mem_mib, u->hugepages_mib, &all_mem);
        bad |= __builtin_mul_overflow(u->vms, (uint64_t)64, &a);
        bad |= __builtin_mul_overflow(u->vcpus, (uint64_t)8, &b);
        bad |= __builtin_add_overflow(a, kc_fit_div_up(all_mem, 512), &a);
        bad |= __builtin_add_overflow(a, b, &ex_ovh);
    } else {
        bad |= __builtin_mul_overflow(policy->overhead_mib, u->vms, &ex_ovh);
    }
    bad |= u->load_vcpus > u->vcpus;

    /* every capacity (the storage rows' too: the reference fails on them exactly when the
     * fast path would) */
    f->mem_base = kc_fit_sub_sat(kc_fit_sub_sat(host->mem_mib, policy->reserve_mib),
                                 host->hugepages_mib);
    f->usable = kc_fit_sub_sat(host->cpus, policy->reserve_cpus);
    mem_f = KC_BP_ONE + (uint64_t)policy->overcommit_bp;
    net_f = policy->net_mode == KC_NET_NAT ? policy->nat_efficiency_bp : KC_BP_ONE;
    disk_f = KC_BP_ONE + (uint64_t)policy->disk_overcommit_bp;
    f->mem_cap = scale64(f->mem_base, mem_f, util, (uint64_t)KC_BP_ONE * KC_BP_ONE, &bad);
    bad |= __builtin_add_overflow(u->mem_mib, ex_ovh, &f->used);
    f->hp_cap = scale64(host->hugepages_mib, util, 1, KC_BP_ONE, &bad);
    f->cpu_cap = scale64(f->usable, policy->cpu_ratio_milli, util,
                         (uint64_t)KC_MILLI_ONE * KC_BP_ONE, &bad);
    f->load_cap = f->usable * util;                      /* < 2^32 x 2^14 */
    f->net_cap = scale64(f->uplink, net_f, util, (uint64_t)KC_BP_ONE * KC_BP_ONE, &bad);
    f->disk_cap = scale64(st.size_mib, disk_f, util, (uint64_t)KC_BP_ONE * KC_BP_ONE, &bad);
    f->iops_cap = scale64(st.iops, util, 1, KC_BP_ONE, &bad);
    f->mbps_cap = scale64(st.mbps, util, 1, KC_BP_ONE, &bad);
    return !bad;
}

/* What the rows take from the shape on that host. */
typedef struct shape_figs {
    uint64_t overhead;        /* per-VM overhead (kc_fit_overhead_mib) */
    uint64_t per_vm;          /* normal memory of one VM (0 on hugepages) + overhead */
    uint64_t load_used;       /* existing cpu load (cpu=NN% shapes only) */
} shape_figs;

__attribute__((always_inline))
static inline bool prepare_shape(const kc_host *host, const kc_policy *policy,
                                 const kc_shape *shape, shape_figs *f)
{
    const kc_usage *u = &host->used;
    bool bad = (shape->vcpus == 0) | (shape->mem_mib == 0) | (shape->cpu_util_bp > KC_BP_ONE) |
               (shape->write_bp > KC_BP_ONE) | (shape->pool[KC_POOL_NAME_MAX - 1] != '\0');

    if (policy->overhead_mode == KC_OVERHEAD_AUTO) {
        f->overhead = 64 + kc_fit_div_up(shape->mem_mib, 512) + 8 * (uint64_t)shape->vcpus;
        bad |= shape->mem_mib > UINT64_MAX / 2;
    } else {
        f->overhead = policy->overhead_mib;
    }
    bad |= __builtin_add_overflow(shape->hugepages ? 0 : shape->mem_mib, f->overhead,
                                  &f->per_vm);
    f->load_used = 0;
    if (shape->cpu_util_bp > 0) {
        bad |= __builtin_mul_overflow(u->vcpus - u->load_vcpus, (uint64_t)shape->cpu_util_bp,
                                      &f->load_used);
        bad |= __builtin_add_overflow(f->load_used, u->load_bp, &f->load_used);
    }
    return !bad;
}

int kc_fit_compute(const kc_host *host, const kc_shape *shape,
                   const kc_policy *policy, kc_fit *out, kc_error *err)
{
    const kc_usage *u = &host->used;
    uint64_t util = policy->max_util_bp;
    uint64_t overhead, mem_base, usable, used, per_vm, uplink, load_used;
    uint64_t hp_cap, cpu_cap, mem_cap, net_cap, lim;
    kc_res_fit *res = out->res;
    kc_fit_storage sto;
    kc_fit_host fh;
    shape_figs fs;
    bool strict;
    uint32_t bott = 0;

    if (__builtin_expect(!prepare_host(host, policy, &fh) ||
                         !prepare_shape(host, policy, shape, &fs), 0))
        goto slow;
    overhead = fs.overhead;
    mem_base = fh.mem_base;
    usable = fh.usable;
    used = fh.used;
    per_vm = fs.per_vm;
    uplink = fh.uplink;
    load_used = fs.load_used;
    hp_cap = fh.hp_cap;
    cpu_cap = fh.cpu_cap;
    mem_cap = fh.mem_cap;
    net_cap = fh.net_cap;
    if (kc_fit_storage_compute(host, shape, policy, &sto, NULL, err) < 0)
        goto slow;
    memcpy(&res[KC_RES_DISK], sto.rows, sizeof(sto.rows));

    out->too_big = false;
    out->too_big_res = KC_RES_MEMORY;
    out->overhead_mib = overhead;
    out->numa_limited = false;
    out->numa_limit = 0;
    out->numa_binding = 0;
    out->spread_count = 0;
    out->pool_limited = false;
    out->pool_limit = sto.pool_limit;
    out->pool_binding = sto.pool_binding;

    /* memory */
    if (per_vm > 0) {
        row_bounded(&res[KC_RES_MEMORY], mem_cap, used, per_vm);
        if (per_vm > mem_base)
            kc_fit_too_big(out, KC_RES_MEMORY);
    } else {
        row_unbounded(&res[KC_RES_MEMORY], mem_cap, used);
    }
    /* hugepages */
    if (shape->hugepages) {
        per_vm = kc_fit_round_to_page(shape->mem_mib, host->hugepage_kib);
        row_bounded(&res[KC_RES_HUGEPAGES], hp_cap, u->hugepages_mib, per_vm);
        if (per_vm > host->hugepages_mib)
            kc_fit_too_big(out, KC_RES_HUGEPAGES);
    } else if (host->hugepages_mib > 0) {
        row_unbounded(&res[KC_RES_HUGEPAGES], hp_cap, u->hugepages_mib);
    } else {
        row_state(&res[KC_RES_HUGEPAGES], KC_RES_ABSENT);
    }
    /* cpu, cpu load */
    row_bounded(&res[KC_RES_CPU], cpu_cap, u->vcpus, shape->vcpus);
    if (shape->vcpus > usable)
        kc_fit_too_big(out, KC_RES_CPU);
    if (shape->cpu_util_bp > 0)
        row_bounded(&res[KC_RES_CPU_LOAD], usable * util, load_used,
                    (uint64_t)shape->vcpus * shape->cpu_util_bp);
    else
        row_state(&res[KC_RES_CPU_LOAD], KC_RES_ABSENT);
    /* network */
    if (shape->net_kbps > 0 && uplink > 0)
        row_bounded(&res[KC_RES_NETWORK], net_cap, u->net_kbps, shape->net_kbps);
    else if (shape->net_kbps > 0)
        row_state(&res[KC_RES_NETWORK], KC_RES_UNKNOWN);
    else if (uplink > 0)
        row_unbounded(&res[KC_RES_NETWORK], net_cap, u->net_kbps);
    else
        row_state(&res[KC_RES_NETWORK], KC_RES_ABSENT);
    /* disk space (its rows came from kc_fit_storage_compute) */
    if (sto.too_big)
        kc_fit_too_big(out, KC_RES_DISK);

    strict = policy->numa == KC_NUMA_STRICT && host->n_numa > 1;
    if (strict && kc_fit_numa(host, shape, policy, used, out, err) < 0)
        goto slow;

    /* min and bottleneck without data-dependent branches (they mispredict on varied input) */
    lim = UINT64_MAX;
    for (size_t r = 0; r < KC_RES_LAST; r++) {
        uint64_t l = res[r].state == KC_RES_BOUNDED ? res[r].limit : UINT64_MAX;

        lim = l < lim ? l : lim;
    }
    if (out->too_big)
        lim = 0;
    if (strict && out->numa_limit < lim)
        lim = out->numa_limit;    /* numa_limited: set by kc_fit_numa */
    if (sto.asks && sto.pool_limit < lim) {
        lim = sto.pool_limit;
        out->pool_limited = true;
    }
    for (size_t r = 0; r < KC_RES_LAST; r++)
        bott |= (uint32_t)((res[r].state == KC_RES_BOUNDED) & (res[r].limit == lim)) << r;
    if (out->numa_limited)
        bott |= out->numa_binding;
    if (out->pool_limited)
        bott |= out->pool_binding;
    out->count = lim;
    out->bottleneck = bott;
    return 0;
 slow:
    return kc_fit_compute_reference(host, shape, policy, out, err);
}

/* ---- the count alone ----
 *
 * count = min over the bounded rows of floor(free / per_vm). floor is monotone, so that is
 * floor of the smallest fraction free / per_vm: the smallest is found by comparing cross
 * products (a/b < c/d exactly when a x d < c x b, exact in 128 bits) and only it is divided.
 * A row is a bottleneck when its own limit is the count, i.e. when
 * free - count x per_vm < per_vm (count x per_vm <= free cannot wrap: count <= its limit).
 * One division per call instead of one per row, and no table written. A row that is not
 * bounded is the fraction 1/0: never the smallest, never a bottleneck. */
typedef struct frac {
    uint64_t num, den;
} frac;

static inline frac frac_row(bool bounded, uint64_t capacity, uint64_t used, uint64_t per_vm)
{
    return bounded ? (frac){ kc_fit_sub_sat(capacity, used), per_vm } : (frac){ 1, 0 };
}

/* The smaller of two fractions (the first on a tie); a 1/0 only against another 1/0.
 * frac_min32 for terms below 2^32, whose cross products fit 64 bits. */
static inline frac frac_min(frac a, frac b)
{
    return (kc_u128)b.num * a.den < (kc_u128)a.num * b.den ? b : a;
}

static inline frac frac_min32(frac a, frac b)
{
    /* a select by mask, not `?:`: GCC turns that into a branch, mispredicted half the time */
    uint64_t take_b = -(uint64_t)(b.num * a.den < a.num * b.den);

    return (frac){ a.num ^ ((a.num ^ b.num) & take_b), a.den ^ ((a.den ^ b.den) & take_b) };
}

/* Bit @r when the row's limit is @count (see above). */
static inline uint32_t frac_at(frac f, uint64_t count, kc_resource r)
{
    return (uint32_t)(f.num - count * f.den < f.den) << r;
}

void kc_fit_summarize(const kc_fit *fit, kc_fit_summary *out)
{
    out->count = fit->count;
    out->bottleneck = fit->bottleneck;
    out->too_big = fit->too_big;
    out->too_big_res = fit->too_big ? fit->too_big_res : KC_RES_MEMORY;
    out->numa_limited = fit->numa_limited;
}

/* The count from the figures (both prepared successfully). */
__attribute__((always_inline))
static inline bool count_core(const kc_fit_host *fh, const shape_figs *fs,
                              const kc_shape *shape, kc_fit_summary *out)
{
    const kc_host *host = fh->host;
    const kc_usage *u = &host->used;
    frac f[KC_RES_LAST], m;
    uint64_t hp_per = 0, count, wide;
    uint32_t big, bott;
    kc_fit_storage sto;
    bool asks = shape->disk_mib > 0 || shape->iops > 0 || shape->mbps > 0, pl = false;

    /* the rows of kc_fit_compute: which are bounded, their free capacity and demand */
    if (shape->hugepages)
        hp_per = kc_fit_round_to_page(shape->mem_mib, host->hugepage_kib);
    f[KC_RES_MEMORY] = frac_row(fs->per_vm > 0, fh->mem_cap, fh->used, fs->per_vm);
    f[KC_RES_HUGEPAGES] = frac_row(shape->hugepages, fh->hp_cap, u->hugepages_mib, hp_per);
    f[KC_RES_CPU] = frac_row(true, fh->cpu_cap, u->vcpus, shape->vcpus);
    f[KC_RES_CPU_LOAD] = frac_row(shape->cpu_util_bp > 0, fh->load_cap, fs->load_used,
                                  (uint64_t)shape->vcpus * shape->cpu_util_bp);
    f[KC_RES_NETWORK] = frac_row(shape->net_kbps > 0 && fh->uplink > 0, fh->net_cap,
                                 u->net_kbps, shape->net_kbps);
    /* storage: per pool (pool.c), only when the shape asks for it (else the rows are not
     * bounded and count for nothing) */
    sto.too_big = false;
    sto.pool_limit = UINT64_MAX;
    sto.pool_binding = 0;
    if (asks) {
        if (kc_fit_storage_compute(host, shape, fh->policy, &sto, NULL, NULL) < 0)
            return false;
        for (size_t r = 0; r < 3; r++) {
            const kc_res_fit *row = &sto.rows[r];

            /* the row's own limit (a pool's use counts up to its capacity, pool.c) */
            f[KC_RES_DISK + r] = frac_row(row->state == KC_RES_BOUNDED, row->limit, 0, 1);
        }
    } else {
        f[KC_RES_DISK] = f[KC_RES_IOPS] = f[KC_RES_THROUGHPUT] = (frac){ 1, 0 };
    }
    /* the physical rule (kc_fit_too_big: the count is 0, the first such resource is named) */
    big = (uint32_t)(fs->per_vm > fh->mem_base) << KC_RES_MEMORY |
          (uint32_t)(shape->hugepages && hp_per > host->hugepages_mib) << KC_RES_HUGEPAGES |
          (uint32_t)(shape->vcpus > fh->usable) << KC_RES_CPU |
          (uint32_t)sto.too_big << KC_RES_DISK;

    /* a tree, not a chain: the comparisons of one level run side by side */
    wide = 0;
#pragma GCC unroll 8
    for (size_t r = 0; r < KC_RES_LAST; r++)
        wide |= f[r].num | f[r].den;
    if (__builtin_expect(wide >> 32 == 0, 1))
        m = frac_min32(frac_min32(frac_min32(f[0], f[1]), frac_min32(f[2], f[3])),
                       frac_min32(frac_min32(f[4], f[5]), frac_min32(f[6], f[7])));
    else
        m = frac_min(frac_min(frac_min(f[0], f[1]), frac_min(f[2], f[3])),
                     frac_min(frac_min(f[4], f[5]), frac_min(f[6], f[7])));
    count = big ? 0 : div64(m.num, m.den);    /* the cpu row is always bounded: m.den > 0 */
    if (asks && sto.pool_limit < count) {
        count = sto.pool_limit;
        pl = true;
    }
    bott = big | (pl ? sto.pool_binding : 0);
#pragma GCC unroll 8
    for (size_t r = 0; r < KC_RES_LAST; r++)
        bott |= frac_at(f[r], count, (kc_resource)r);
    out->count = count;
    out->bottleneck = bott;
    out->too_big = big != 0;
    out->too_big_res = big ? (kc_resource)__builtin_ctz(big) : KC_RES_MEMORY;
    out->numa_limited = false;
    return true;
}

/* Anything off the fast path: the full fit (strict NUMA, or the reference's answer). */
static int count_slow(const kc_host *host, const kc_shape *shape, const kc_policy *policy,
                      kc_fit_summary *out, kc_error *err)
{
    kc_fit full = { 0 };    /* the slow path: zeroing costs nothing here, and quiets cppcheck */

    if (kc_fit_compute(host, shape, policy, &full, err) < 0)
        return -1;
    kc_fit_summarize(&full, out);
    return 0;
}

int kc_fit_count(const kc_host *host, const kc_shape *shape, const kc_policy *policy,
                 kc_fit_summary *out, kc_error *err)
{
    kc_fit_host fh;
    shape_figs fs;

    /* strict NUMA sums per-node limits: the full fit does that */
    if ((policy->numa == KC_NUMA_STRICT && host->n_numa > 1) ||
        __builtin_expect(!prepare_host(host, policy, &fh) ||
                         !prepare_shape(host, policy, shape, &fs), 0))
        return count_slow(host, shape, policy, out, err);
    fh.host = host;
    fh.policy = policy;
    if (!count_core(&fh, &fs, shape, out))
        return count_slow(host, shape, policy, out, err);
    return 0;
}

void kc_fit_host_prepare(const kc_host *host, const kc_policy *policy, kc_fit_host *out)
{
    out->fast = !(policy->numa == KC_NUMA_STRICT && host->n_numa > 1) &&
                prepare_host(host, policy, out);
    out->host = host;
    out->policy = policy;
}

int kc_fit_count_on(const kc_fit_host *fh, const kc_shape *shape, kc_fit_summary *out,
                    kc_error *err)
{
    shape_figs fs;

    if (__builtin_expect(!fh->fast || !prepare_shape(fh->host, fh->policy, shape, &fs), 0))
        return count_slow(fh->host, shape, fh->policy, out, err);
    if (!count_core(fh, &fs, shape, out))
        return count_slow(fh->host, shape, fh->policy, out, err);
    return 0;
}
