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

/* A limit as the fraction free / per VM (see "the count alone" below). */
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

/* ---- storage pools (the rules are pool.c's; kc_fit_storage_compute is the reference) ----
 *
 * Each pool's figures under the policy are derived once per host (prepare_pools): usable
 * space and its capacity, what reads and writes get of the devices, the link and storage
 * NIC caps, and the IOPS and MB/s capacities at a write share of 0. A pool is "flat" when
 * its write side equals its read side (independent disks or raid0 whose write figure is
 * the read figure: pool.c's mix gives the read figure at every share), so that those
 * capacities hold for every shape; the sums over the pools that are not boot are kept for
 * shapes that name no pool. Anything beyond 64 bits goes to the reference. */

/* pool.c's mix in 64 bits: a x b x 10000 / ((10000 - w) x b + w x a x p); false when a
 * product does not fit (the reference then computes it in 128 bits). */
static inline bool mix64(uint64_t a, uint64_t b, uint64_t p, uint32_t w, uint64_t *out)
{
    uint64_t num, d1, d2, den;
    bool bad = false;

    if (w == 0) {
        *out = a;
        return true;
    }
    bad |= __builtin_mul_overflow(a, b, &num);
    bad |= __builtin_mul_overflow(num, (uint64_t)KC_BP_ONE, &num);
    bad |= __builtin_mul_overflow((uint64_t)(KC_BP_ONE - w), b, &d1);
    bad |= __builtin_mul_overflow(a, p, &d2);
    bad |= __builtin_mul_overflow(d2, (uint64_t)w, &d2);
    bad |= __builtin_add_overflow(d1, d2, &den);
    if (bad || den == 0)
        return false;
    *out = num / den;
    return true;
}

/* A pool's IOPS (@r 0) or MB/s (@r 1) capacity at write share @w under max util @util. */
static inline bool pool_cap(const kc_fit_pool *p, int r, uint32_t w, uint64_t util,
                            uint64_t *out)
{
    uint64_t v;

    if (p->flat[r] || w == 0) {
        *out = p->cap0[r];
        return true;
    }
    if (!mix64(p->rd[r], p->wr[r], p->pen[r], w, &v))
        return false;
    v = v < p->cap_lim[r] ? v : p->cap_lim[r];
    if (__builtin_mul_overflow(v, util, &v))
        return false;
    *out = v / KC_BP_ONE;
    return true;
}

/* Fewest devices and write penalty of each RAID level (pool.c's kc_raid_min_devices and
 * kc_raid_write_penalty; 0: raid1's penalty is its device count). */
static const uint8_t raid_min[KC_RAID_LAST] = { 1, 2, 2, 3, 4, 4 };
static const uint8_t raid_pen[KC_RAID_LAST] = { 1, 1, 0, 4, 6, 2 };

/* The pools of @h under @policy into @f; false on an invalid group or a figure too wide for
 * the sums below to stay inside 64 bits without checks (each pool's capacities and uses
 * below 2^58, at most 32 pools). @nic_kbps: the storage NICs' speed. */
__attribute__((always_inline))
static inline bool prepare_pools(const kc_host *h, const kc_policy *policy, uint64_t nic_kbps,
                                 kc_fit_host *f)
{
    uint64_t util = policy->max_util_bp, disk_f = KC_BP_ONE + (uint64_t)policy->disk_overcommit_bp;
    uint64_t all_used[3] = { 0 }, nic_mbps = 0, nic_iops = 0, wide = 0, io_wide = 0;
    bool bad = false, any_ip = false;

    f->iops_known = f->mbps_known = false;
    f->def_flat = true;
    f->def_mask = 0;
    f->def_max_space = 0;
    f->ip_used[0] = f->ip_used[1] = 0;
    f->nic_cap[0] = f->nic_cap[1] = 0;    /* read (and masked) where no NIC caps: defined */
    for (int r = 0; r < 3; r++)
        f->def_cap[r] = f->def_used[r] = f->def_held[r] = 0;
    for (size_t i = 0; i < h->n_storage; i++)
        any_ip |= h->storage[i].over_ip;
    f->nic = any_ip && nic_kbps != 0;    /* no storage NIC, or nothing over IP: no lookup */
    if (f->nic) {
        /* kc_storage_nic_mbps / kc_storage_nic_iops, and the fit's cap on them */
        kc_u128 v;

        /* as the reference (pool.c), saturating where 64 bits end */
        nic_mbps = (uint64_t)((kc_u128)nic_kbps * 1448 / ((kc_u128)8000 * 1538));  /* < 2^64 */
        v = (kc_u128)nic_mbps * 1000000 / 4096;
        nic_iops = v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
        f->nic = nic_mbps != 0;
        v = (kc_u128)nic_iops * util / KC_BP_ONE;
        f->nic_cap[0] = v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
        v = (kc_u128)nic_mbps * util / KC_BP_ONE;
        f->nic_cap[1] = v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
    }
    f->n_pools = h->n_storage;
    for (size_t i = 0; i < h->n_storage; i++) {
        const kc_storage *s = &h->storage[i];
        kc_fit_pool *p = &f->pools[i];
        bool net = s->kind == KC_STORAGE_NETWORK;
        uint64_t n = s->count, d, io = net ? 1 : n, wi = s->write_iops ? s->write_iops : s->iops;
        uint64_t wm = s->write_mbps ? s->write_mbps : s->mbps;

        if (__builtin_expect((s->count == 0) | (s->size_mib == 0) |
                             ((unsigned)s->kind >= KC_STORAGE_LAST) |
                             ((unsigned)s->raid >= KC_RAID_LAST) |
                             (s->name[KC_POOL_NAME_MAX - 1] != '\0'), 0))
            return false;
        bad |= (s->count < raid_min[s->raid]) | ((s->raid == KC_RAID_10) & (s->count % 2 != 0));
        switch (net ? KC_RAID_NONE : s->raid) {    /* pool.c's data_devices */
        case KC_RAID_1: d = 1; break;
        case KC_RAID_10: d = n / 2; break;
        case KC_RAID_5: d = n - 1; break;
        case KC_RAID_6: d = n - 2; break;
        default: d = n; break;
        }
        p->name = s->name;
        p->boot = s->boot;
        p->over_ip = s->over_ip;
        bad |= __builtin_mul_overflow(d, s->size_mib, &p->space);
        p->space_cap = scale64(p->space, disk_f, util, (uint64_t)KC_BP_ONE * KC_BP_ONE, &bad);
        p->used[0] = s->used_mib;
        p->used[1] = s->used_iops;
        p->used[2] = s->used_mbps;
        /* IOPS: reads n x R, writes n x W at the RAID penalty; MB/s: writes at the data
         * devices' speed (kc_pool_iops, kc_pool_mbps) */
        bad |= __builtin_mul_overflow(io, s->iops, &p->rd[0]);
        bad |= __builtin_mul_overflow(io, wi, &p->wr[0]);
        p->pen[0] = net ? 1 : raid_pen[s->raid] ? raid_pen[s->raid] : n;
        bad |= __builtin_mul_overflow(io, s->mbps, &p->rd[1]);
        bad |= __builtin_mul_overflow(net ? 1 : d, wm, &p->wr[1]);
        p->pen[1] = 1;
        p->cap_lim[0] = net && s->link_iops ? s->link_iops : UINT64_MAX;
        p->cap_lim[1] = net && s->link_mbps ? s->link_mbps : UINT64_MAX;
        if (s->over_ip && f->nic) {
            p->cap_lim[0] = nic_iops < p->cap_lim[0] ? nic_iops : p->cap_lim[0];
            p->cap_lim[1] = nic_mbps < p->cap_lim[1] ? nic_mbps : p->cap_lim[1];
        }
        /* below 2^50, every share's capacity (at most the larger side) x max util fits */
        io_wide |= p->rd[0] | p->wr[0] | p->rd[1] | p->wr[1];
        for (int r = 0; r < 2; r++) {
            uint64_t c = p->rd[r] < p->cap_lim[r] ? p->rd[r] : p->cap_lim[r];

            p->cap0[r] = c * util / KC_BP_ONE;
            /* mix(a, a x p, p, w) = a for every w; an unknown figure gives 0 at every w */
            p->flat[r] = p->rd[r] == 0 || (kc_u128)p->rd[r] * p->pen[r] == p->wr[r];
        }
        p->free0[0] = kc_fit_sub_sat(p->space_cap, p->used[0]);
        p->free0[1] = kc_fit_sub_sat(p->cap0[0], p->used[1]);
        p->free0[2] = kc_fit_sub_sat(p->cap0[1], p->used[2]);
        f->iops_known |= s->iops != 0;
        f->mbps_known |= s->mbps != 0;
        wide |= p->space_cap | p->used[0] | p->used[1] | p->used[2];
        for (int r = 0; r < 3; r++)
            all_used[r] += p->used[r];
        if (s->over_ip) {
            f->ip_used[0] += p->used[1];
            f->ip_used[1] += p->used[2];
        }
        if (!s->boot) {
            uint64_t cap[3] = { p->space_cap, p->cap0[0], p->cap0[1] };

            f->def_mask |= 1u << i;
            f->def_flat &= p->flat[0] & p->flat[1];
            f->def_max_space = p->space > f->def_max_space ? p->space : f->def_max_space;
            for (int r = 0; r < 3; r++) {
                f->def_cap[r] += cap[r];
                f->def_used[r] += p->used[r];
                f->def_held[r] += p->used[r] < cap[r] ? p->used[r] : cap[r];
            }
        }
    }
    bad |= (wide >> 58 != 0) | (io_wide >> 50 != 0);
    /* what the host holds of no known pool counts on every pool's rows */
    f->unattr[0] = kc_fit_sub_sat(h->used.disk_mib, all_used[0]);
    f->unattr[1] = kc_fit_sub_sat(h->used.iops, all_used[1]);
    f->unattr[2] = kc_fit_sub_sat(h->used.mbps, all_used[2]);
    for (int r = 0; r < 3; r++) {
        bad |= __builtin_add_overflow(f->def_used[r], f->unattr[r], &f->def_used[r]);
        bad |= __builtin_add_overflow(f->def_held[r], f->unattr[r], &f->def_held[r]);
    }
    return !bad;
}

/* One shape on the pools: the eligible pools (pool= or not boot), the sums of their
 * capacities, uses and uses up to capacity (with the use of no known pool), and each
 * pool's IOPS and MB/s capacity at the shape's write share. */
typedef struct pool_eval {
    uint32_t mask;
    bool own;                     /* pcap is filled (else each pool's cap0 holds) */
    uint64_t cap[3], used[3], held[3], max_space;
    uint64_t pcap[KC_STORAGE_MAX][2];
} pool_eval;

__attribute__((always_inline))
static inline bool pools_eval(const kc_fit_host *fh, const kc_shape *shape, pool_eval *ev)
{
    uint64_t util = fh->policy->max_util_bp;
    uint32_t w = shape->write_bp;
    bool bad = false;

    if (__builtin_expect(shape->pool[0] == '\0' && (fh->def_flat || w == 0), 1)) {
        ev->mask = fh->def_mask;
        ev->own = false;
        ev->max_space = fh->def_max_space;
        for (int r = 0; r < 3; r++) {
            ev->cap[r] = fh->def_cap[r];
            ev->used[r] = fh->def_used[r];
            ev->held[r] = fh->def_held[r];
        }
        return true;
    }
    ev->mask = 0;
    ev->own = true;
    ev->max_space = 0;
    for (int r = 0; r < 3; r++) {
        ev->cap[r] = ev->used[r] = 0;
        ev->held[r] = fh->unattr[r];
    }
    for (size_t i = 0; i < fh->n_pools; i++) {
        const kc_fit_pool *p = &fh->pools[i];
        uint64_t cap[3];

        if (shape->pool[0] ? strncmp(p->name, shape->pool, KC_POOL_NAME_MAX) != 0 : p->boot)
            continue;
        ev->mask |= 1u << i;
        if (!pool_cap(p, 0, w, util, &ev->pcap[i][0]) || !pool_cap(p, 1, w, util, &ev->pcap[i][1]))
            return false;
        cap[0] = p->space_cap;
        cap[1] = ev->pcap[i][0];
        cap[2] = ev->pcap[i][1];
        ev->max_space = p->space > ev->max_space ? p->space : ev->max_space;
        for (int r = 0; r < 3; r++) {    /* each below 2^58 (prepare_pools): no wrap */
            ev->cap[r] += cap[r];
            ev->used[r] += p->used[r];
            bad |= __builtin_add_overflow(ev->held[r], p->used[r] < cap[r] ? p->used[r] : cap[r],
                                          &ev->held[r]);
        }
    }
    for (int r = 0; r < 3; r++)
        bad |= __builtin_add_overflow(ev->used[r], fh->unattr[r], &ev->used[r]);
    return !bad;
}

/* Pool @i's capacities under @ev: space, IOPS, MB/s. */
static inline void pool_caps(const kc_fit_host *fh, const pool_eval *ev, size_t i,
                             uint64_t cap[3])
{
    const kc_fit_pool *p = &fh->pools[i];

    cap[0] = p->space_cap;
    cap[1] = ev->own ? ev->pcap[i][0] : p->cap0[0];
    cap[2] = ev->own ? ev->pcap[i][1] : p->cap0[1];
}

/* The storage rows the shape asks for (disk, iops, throughput). */
static inline void pool_asks(const kc_fit_host *fh, const kc_shape *shape, bool ask[3])
{
    ask[0] = shape->disk_mib > 0 && fh->n_pools > 0;
    ask[1] = shape->iops > 0 && fh->iops_known;
    ask[2] = shape->mbps > 0 && fh->mbps_known;
}

/* Sum over the eligible pools of the VMs each takes, the over-IP ones capped together by
 * the storage NICs (kc_fit_storage_compute's pool_limit and pool_binding): each pool's
 * limit is the floor of its smallest fraction free / per VM (one division a pool), and a
 * resource binds it when its own floor is that limit (free - limit x per VM < per VM). */
static uint64_t pools_limit(const kc_fit_host *fh, const kc_shape *shape, const pool_eval *ev,
                            uint32_t *binding)
{
    const uint64_t want[3] = { shape->disk_mib, shape->iops, shape->mbps };
    kc_u128 plain = 0, ip = 0;
    uint32_t bind = 0;
    bool ask[3], any_ip = false;

    pool_asks(fh, shape, ask);
    for (uint32_t m = ev->mask; m; m &= m - 1) {
        size_t i = (size_t)__builtin_ctz(m);
        uint64_t cap[3], x[3], lim;
        frac f[3], mf;

        pool_caps(fh, ev, i, cap);
        for (int r = 0; r < 3; r++) {
            x[r] = kc_fit_sub_sat(cap[r], fh->pools[i].used[r]);
            f[r] = ask[r] ? (frac){ x[r], want[r] } : (frac){ 1, 0 };
        }
        mf = frac_min(frac_min(f[0], f[1]), f[2]);    /* some row is asked: mf.den > 0 */
        if (!mf.den)                                  /* (for the analyzer: never taken) */
            continue;
        lim = div64(mf.num, mf.den);
        for (int r = 0; r < 3; r++)
            bind |= (uint32_t)(ask[r] && x[r] - lim * want[r] < want[r]) << (KC_RES_DISK + r);
        if (fh->pools[i].over_ip) {
            ip += lim;
            any_ip = true;
        } else {
            plain += lim;
        }
    }
    if (any_ip && fh->nic) {
        uint64_t nl = UINT64_MAX, l[2] = { UINT64_MAX, UINT64_MAX };

        for (int r = 0; r < 2; r++)
            if (ask[1 + r] && want[1 + r]) {    /* (ask implies want: for the analyzer) */
                l[r] = kc_fit_sub_sat(fh->nic_cap[r], fh->ip_used[r]) / want[1 + r];
                nl = l[r] < nl ? l[r] : nl;
            }
        if ((kc_u128)nl < ip) {
            ip = nl;
            for (int r = 0; r < 2; r++)
                if (ask[1 + r] && l[r] == nl)
                    bind |= 1u << (KC_RES_IOPS + r);
        }
    }
    *binding = bind;
    plain += ip;
    return plain > UINT64_MAX ? UINT64_MAX : (uint64_t)plain;
}

/* Whether the pools take at least @count VMs of @want each (0 where the shape does not
 * ask) without working out how many: one eligible pool takes them all on its own (an
 * over-IP one with the storage NICs' room too). Multiplications only. */
static inline bool pools_take(const kc_fit_host *fh, const pool_eval *ev, const uint64_t want[3],
                              uint64_t count)
{
    kc_u128 need[3] = { (kc_u128)count * want[0], (kc_u128)count * want[1],
                        (kc_u128)count * want[2] };

    for (uint32_t m = ev->mask; m; m &= m - 1) {
        size_t i = (size_t)__builtin_ctz(m);
        const kc_fit_pool *p = &fh->pools[i];
        uint64_t f1 = p->free0[1], f2 = p->free0[2];

        if (ev->own) {
            f1 = kc_fit_sub_sat(ev->pcap[i][0], p->used[1]);
            f2 = kc_fit_sub_sat(ev->pcap[i][1], p->used[2]);
        }
        if ((need[0] <= p->free0[0]) & (need[1] <= f1) & (need[2] <= f2) &&
            (!p->over_ip || !fh->nic ||
             (need[1] <= kc_fit_sub_sat(fh->nic_cap[0], fh->ip_used[0]) &&
              need[2] <= kc_fit_sub_sat(fh->nic_cap[1], fh->ip_used[1]))))
            return true;
    }
    return false;
}

/* Whether the pools' sum can be below the rows' count: not on one eligible pool outside
 * the storage NICs' cap (its every row is at most that pool's limit). */
static inline bool pools_may_bind(const kc_fit_host *fh, const pool_eval *ev)
{
    uint32_t m = ev->mask;

    return (m & (m - 1)) != 0 || (m != 0 && fh->nic && fh->pools[__builtin_ctz(m)].over_ip);
}

/* The three storage rows of the table from @ev (kc_fit_storage_compute's rows). */
static void pools_rows(const kc_fit_host *fh, const kc_shape *shape, const pool_eval *ev,
                       kc_res_fit *rows)
{
    const uint64_t want[3] = { shape->disk_mib, shape->iops, shape->mbps };
    const bool known[3] = { fh->n_pools > 0, fh->iops_known, fh->mbps_known };

    for (int r = 0; r < 3; r++) {
        if (want[r] == 0 && known[r])
            row_unbounded(&rows[r], ev->cap[r], ev->used[r]);
        else if (want[r] == 0)
            row_state(&rows[r], KC_RES_ABSENT);
        else if (!known[r])
            row_state(&rows[r], KC_RES_UNKNOWN);
        else {
            rows[r].state = KC_RES_BOUNDED;
            rows[r].capacity = ev->cap[r];
            rows[r].used = ev->used[r];
            rows[r].per_vm = want[r];
            rows[r].limit = div64(kc_fit_sub_sat(ev->cap[r], ev->held[r]), want[r]);
        }
    }
}

/* The rows are made of figures of the host under the policy (kc_fit_host, fit.h) and of
 * the shape (below); each part is derived, validated and checked for 64-bit overflow once.
 * False sends the call to the reference, which gives the answer or the error. */
__attribute__((always_inline))
static inline bool prepare_host(const kc_host *host, const kc_policy *policy, kc_fit_host *f)
{
    const kc_usage *u = &host->used;
    uint64_t util = policy->max_util_bp, ex_ovh = 0, mem_f, net_f, nic_kbps = 0;
    bool bad = false;

    f->used = 0;    /* quiets GCC 12's maybe-uninitialized on the early return */
    if (__builtin_expect(!quick_valid(host, policy), 0))
        return false;
    f->uplink = 0;
    for (size_t i = 0; i < host->n_nics; i++) {  /* VM NICs only (the reference's rule) */
        kc_nic_role role = host->nics[i].role;
        uint64_t kbps = host->nics[i].speed_kbps;

        bad |= (unsigned)role >= KC_NIC_LAST;
        bad |= __builtin_add_overflow(f->uplink, role == KC_NIC_VM ? kbps : 0, &f->uplink);
        bad |= __builtin_add_overflow(nic_kbps, role == KC_NIC_STORAGE ? kbps : 0, &nic_kbps);
    }
    if (__builtin_expect(bad || !prepare_pools(host, policy, nic_kbps, f), 0))
        return false;

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
    f->mem_cap = scale64(f->mem_base, mem_f, util, (uint64_t)KC_BP_ONE * KC_BP_ONE, &bad);
    bad |= __builtin_add_overflow(u->mem_mib, ex_ovh, &f->used);
    f->hp_cap = scale64(host->hugepages_mib, util, 1, KC_BP_ONE, &bad);
    f->cpu_cap = scale64(f->usable, policy->cpu_ratio_milli, util,
                         (uint64_t)KC_MILLI_ONE * KC_BP_ONE, &bad);
    f->load_cap = f->usable * util;                      /* < 2^32 x 2^14 */
    f->net_cap = scale64(f->uplink, net_f, util, (uint64_t)KC_BP_ONE * KC_BP_ONE, &bad);
    return !bad;
}

/* What the rows take from the shape on that host. */
typedef struct shape_figs {
    uint64_t overhead;        /* per-VM overhead (kc_fit_overhead_mib) */
    uint64_t per_vm;          /* normal memory of one VM (0 on hugepages) + overhead */
    uint64_t load_used;       /* existing cpu load (cpu=NN% shapes only) */
} shape_figs;

__attribute__((always_inline))
static inline bool prepare_shape(const kc_usage *u, const kc_policy *policy,
                                 const kc_shape *shape, shape_figs *f)
{
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
    uint64_t pool_limit = UINT64_MAX;
    uint32_t pool_binding = 0;
    bool asks[3];
    pool_eval ev;
    kc_fit_host fh;
    shape_figs fs;
    bool strict;
    uint32_t bott = 0;

    if (__builtin_expect(!prepare_host(host, policy, &fh) ||
                         !prepare_shape(&host->used, policy, shape, &fs), 0))
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
    fh.policy = policy;
    if (__builtin_expect(!pools_eval(&fh, shape, &ev), 0))
        goto slow;
    pools_rows(&fh, shape, &ev, &res[KC_RES_DISK]);
    pool_asks(&fh, shape, asks);
    if (asks[0] || asks[1] || asks[2])
        pool_limit = pools_limit(&fh, shape, &ev, &pool_binding);

    out->too_big = false;
    out->too_big_res = KC_RES_MEMORY;
    out->overhead_mib = overhead;
    out->numa_limited = false;
    out->numa_limit = 0;
    out->numa_binding = 0;
    out->spread_count = 0;
    out->pool_limited = false;
    out->pool_limit = pool_limit;
    out->pool_binding = pool_binding;

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
    if (asks[0] && shape->disk_mib > ev.max_space)
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
    if (pool_limit < lim) {
        lim = pool_limit;
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
    bool ask[3], asks, too_big = false;
    pool_eval ev;

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
    /* storage: per pool, only when the shape asks for it (else the rows are not bounded
     * and count for nothing) */
    pool_asks(fh, shape, ask);
    asks = ask[0] || ask[1] || ask[2];
    if (asks) {
        const uint64_t want[3] = { shape->disk_mib, shape->iops, shape->mbps };

        if (__builtin_expect(!pools_eval(fh, shape, &ev), 0))
            return false;
        for (size_t r = 0; r < 3; r++)
            f[KC_RES_DISK + r] = frac_row(ask[r], ev.cap[r], ev.held[r], want[r]);
        too_big = ask[0] && shape->disk_mib > ev.max_space;
    } else {
        f[KC_RES_DISK] = f[KC_RES_IOPS] = f[KC_RES_THROUGHPUT] = (frac){ 1, 0 };
    }
    /* the physical rule (kc_fit_too_big: the count is 0, the first such resource is named) */
    big = (uint32_t)(fs->per_vm > fh->mem_base) << KC_RES_MEMORY |
          (uint32_t)(shape->hugepages && hp_per > host->hugepages_mib) << KC_RES_HUGEPAGES |
          (uint32_t)(shape->vcpus > fh->usable) << KC_RES_CPU |
          (uint32_t)too_big << KC_RES_DISK;

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
    bott = big;
    /* a VM's disk lives whole on one pool: the sum of the pools' counts, worked out only
     * when no single pool takes the count on its own */
    if (asks && count > 0 && pools_may_bind(fh, &ev) &&
        !pools_take(fh, &ev, (const uint64_t[3]){ ask[0] ? shape->disk_mib : 0,
                                                  ask[1] ? shape->iops : 0,
                                                  ask[2] ? shape->mbps : 0 }, count)) {
        uint32_t pb;
        uint64_t pl = pools_limit(fh, shape, &ev, &pb);

        if (pl < count) {
            count = pl;
            bott |= pb;
        }
    }
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
                         !prepare_shape(&host->used, policy, shape, &fs), 0))
        return count_slow(host, shape, policy, out, err);
    fh.host = host;
    fh.policy = policy;
    if (!count_core(&fh, &fs, shape, out))
        return count_slow(host, shape, policy, out, err);
    return 0;
}

/* ---- the pair ----
 *
 * A row's limit is floor(free / per_vm) with free below 2^31 and per_vm below 2^32 (the
 * preparations check both, else the pair goes kc_fit_count_on's way). With
 * m = ceil(2^63 / per_vm) = per_vm' s exact reciprocal, floor(free x m / 2^63) is that
 * limit: free x m / 2^63 = free / per_vm + free x e / (per_vm x 2^63), e = m x per_vm - 2^63
 * in [0, per_vm), and the excess free x e / (per_vm x 2^63) < 2^31 x 2^32 / (per_vm x 2^63)
 * = 1 / per_vm, which cannot carry free / per_vm (at most 1 / per_vm below an integer) to
 * the next integer. So each row costs a multiplication, with no division anywhere in the
 * pair (the pair itself takes free below 2^30, and a row either side leaves unbounded is
 * PAIR_NONE: never the minimum, since the cpu row always counts). */

/* What a shape needs of a host for the pair's own way (kc_fit_shape.needs, a subset of
 * kc_fit_host.has): the default pools' IOPS and MB/s the same at every write share (for a
 * write share), a hugepage size the shape was prepared for (on hugepages), the overhead
 * mode it was prepared under (auto or fixed; a fixed overhead's MiB compared apart), and
 * PAIR_SLOW, which no host has, for a shape that is not for the pair. A host that is not
 * for the pair has nothing. */
#define PAIR_DEF_FLAT 1u
#define PAIR_HP_SIZE 2u
#define PAIR_AUTO 4u
#define PAIR_FIXED 8u
#define PAIR_SLOW 16u

/* The limit of a row left unbounded: above every bounded limit the pair meets (each below
 * 2^30, since the host's free capacities are) */
#define PAIR_NONE INT32_C(0x7fffffff)

/* ceil(2^63 / d), 0 for d = 0. */
static uint64_t recip63(uint64_t d)
{
    return d ? ((1ull << 63) - 1) / d + 1 : 0;
}

/* floor(n / d) for n < 2^31, d < 2^32, from m = recip63(d) (see above). */
static inline uint64_t mul_lim(uint64_t n, uint64_t m)
{
    return (uint64_t)(((kc_u128)n * m) >> 63);
}

/* @v, or 2^31 - 1 from there up: against a demand below 2^31, "demand > limit" holds of
 * the clamped limit exactly when it holds of @v. */
static inline int32_t clamp31(uint64_t v)
{
    return v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

/* The pair's part of a prepared host (f->fast). */
static void prepare_pair_host(kc_fit_host *f)
{
    const kc_host *host = f->host;
    const kc_usage *u = &host->used;
    kc_fit_hot *h = &f->hot;
    uint64_t page_mib = host->hugepage_kib / 1024, wide, fr[KC_RES_LAST];
    uint64_t load_n = u->vcpus - u->load_vcpus;    /* load_vcpus <= vcpus (prepare_host) */
    bool ovh_auto = f->policy->overhead_mode == KC_OVERHEAD_AUTO;
    bool unb[KC_RES_LAST] = { false };
    uint32_t m = f->def_mask;

    h->ovh_mib = ovh_auto ? 0 : f->policy->overhead_mib;
    h->hp_class = page_mib <= 1 ? 0 : page_mib == 2 ? 1 : 2;
    fr[KC_RES_MEMORY] = kc_fit_sub_sat(f->mem_cap, f->used);
    fr[KC_RES_HUGEPAGES] = kc_fit_sub_sat(f->hp_cap, u->hugepages_mib);
    fr[KC_RES_CPU] = kc_fit_sub_sat(f->cpu_cap, u->vcpus);
    fr[KC_RES_CPU_LOAD] = 0;    /* per pair */
    fr[KC_RES_NETWORK] = kc_fit_sub_sat(f->net_cap, u->net_kbps);
    for (int r = 0; r < 3; r++)
        fr[KC_RES_DISK + r] = kc_fit_sub_sat(f->def_cap[r], f->def_held[r]);
    unb[KC_RES_NETWORK] = f->uplink == 0;
    unb[KC_RES_DISK] = f->n_pools == 0;
    unb[KC_RES_IOPS] = !f->iops_known;
    unb[KC_RES_THROUGHPUT] = !f->mbps_known;
    wide = f->load_cap;
    for (int r = 0; r < KC_RES_LAST; r++) {
        h->free[r] = (uint32_t)fr[r];    /* below 2^30, or the host is not for the pair */
        h->unb32[r] = unb[r] ? PAIR_NONE : 0;
        wide |= fr[r];
    }
    for (int r = 0; r < 3; r++)
        h->ask[r] = unb[KC_RES_DISK + r] ? 0 : UINT64_MAX;
    h->lcap = (uint32_t)f->load_cap;
    h->load_n = (uint32_t)load_n;
    h->load_bp = u->load_bp;
    h->lim4[0] = clamp31(f->mem_base);
    h->lim4[1] = clamp31(host->hugepages_mib);
    h->lim4[2] = clamp31(f->usable);
    h->lim4[3] = f->n_pools > 0 ? clamp31(f->def_max_space) : INT32_MAX;
    /* pools_may_bind and pools_take for the pools of a shape of no pool= (the first
     * KC_FIT_HOT_TAKE; when none of them takes the count, the pools' sum is worked out,
     * which is exact anyway) */
    h->def_may_bind = (m & (m - 1)) != 0 ||
                      (m != 0 && f->nic && f->pools[__builtin_ctz(m)].over_ip);
    h->n_take = 0;
    for (; m && h->n_take < KC_FIT_HOT_TAKE; m &= m - 1) {
        const kc_fit_pool *p = &f->pools[__builtin_ctz(m)];
        uint64_t *t = h->take_free[h->n_take++];

        t[0] = p->free0[0];
        t[1] = p->free0[1];
        t[2] = p->free0[2];
        if (p->over_ip && f->nic) {
            uint64_t n1 = kc_fit_sub_sat(f->nic_cap[0], f->ip_used[0]);
            uint64_t n2 = kc_fit_sub_sat(f->nic_cap[1], f->ip_used[1]);

            t[1] = n1 < t[1] ? n1 : t[1];
            t[2] = n2 < t[2] ? n2 : t[2];
        }
    }
    /* every numerator below 2^30 (the load row's is at most load_cap); the load row's use
     * load_n x cpu=% + load_bp inside 64 bits */
    if (wide >> 30 == 0 && load_n >> 32 == 0 && u->load_bp >> 62 == 0)
        h->has = (uint8_t)((f->def_flat ? PAIR_DEF_FLAT : 0) |
                           (page_mib <= 2 || page_mib == 1024 ? PAIR_HP_SIZE : 0) |
                           (ovh_auto ? PAIR_AUTO : PAIR_FIXED));
}

void kc_fit_host_prepare(const kc_host *host, const kc_policy *policy, kc_fit_host *out)
{
    out->fast = !(policy->numa == KC_NUMA_STRICT && host->n_numa > 1) &&
                prepare_host(host, policy, out);
    out->host = host;
    out->policy = policy;
    memset(&out->hot, 0, sizeof(out->hot));    /* has 0: not for the pair */
    out->hot.fh = out;
    if (out->fast)
        prepare_pair_host(out);
}

void kc_fit_shape_prepare(const kc_shape *shape, const kc_policy *policy, kc_fit_shape *out)
{
    static const uint64_t page_mib[3] = { 1, 2, 1024 };
    const kc_usage none = { 0 };    /* the host's use: none (the pair adds it) */
    shape_figs fs;
    uint64_t wide;

    memset(out, 0, sizeof(*out));
    out->shape = shape;
    out->ovh_auto = policy->overhead_mode == KC_OVERHEAD_AUTO;
    out->ovh_mib = out->ovh_auto ? 0 : policy->overhead_mib;
    out->needs = PAIR_SLOW;
    if (!prepare_shape(&none, policy, shape, &fs))
        return;    /* not fast: each pair reports the error */
    out->util_bp = shape->cpu_util_bp;
    out->per_vm = fs.per_vm;
    out->den[KC_RES_MEMORY] = fs.per_vm;
    out->den[KC_RES_CPU] = shape->vcpus;
    out->den[KC_RES_CPU_LOAD] = (uint64_t)shape->vcpus * shape->cpu_util_bp;
    out->den[KC_RES_NETWORK] = shape->net_kbps;
    out->den[KC_RES_DISK] = shape->disk_mib;
    out->den[KC_RES_IOPS] = shape->iops;
    out->den[KC_RES_THROUGHPUT] = shape->mbps;
    wide = shape->mem_mib;
    for (int c = 0; c < 3; c++) {
        out->hp_den[c] = shape->hugepages ? kc_fit_round_to_page(shape->mem_mib,
                                                                  page_mib[c] * 1024) : 0;
        out->hp_mul[c] = recip63(out->hp_den[c]);
        wide |= out->hp_den[c];
    }
    for (int r = 0; r < KC_RES_LAST; r++) {
        out->mul[r] = recip63(out->den[r]);
        out->unb32[r] = out->den[r] == 0 ? PAIR_NONE : 0;
        wide |= out->den[r];
    }
    out->unb32[KC_RES_HUGEPAGES] = shape->hugepages ? 0 : PAIR_NONE;
    out->fast = wide >> 31 == 0 && shape->pool[0] == '\0';
    for (int c = 0; c < 3 && out->fast; c++) {
        out->big4[c][0] = (int32_t)fs.per_vm;
        out->big4[c][1] = (int32_t)out->hp_den[c];
        out->big4[c][2] = (int32_t)shape->vcpus;
        out->big4[c][3] = (int32_t)shape->disk_mib;
    }
    out->needs = (uint8_t)((shape->write_bp != 0 ? PAIR_DEF_FLAT : 0) |
                           (shape->hugepages ? PAIR_HP_SIZE : 0) |
                           (out->ovh_auto ? PAIR_AUTO : PAIR_FIXED) |
                           (out->fast ? 0 : PAIR_SLOW));
}

bool kc_fit_pair_direct(const kc_fit_hot *fh, const kc_fit_shape *fs)
{
    return ((fs->needs & ~fh->has) == 0) & (fh->ovh_mib == fs->ovh_mib);
}

/* The pools' sum for the pair (neither of the first KC_FIT_HOT_TAKE pools takes @count
 * VMs of @w0..@w2): @count, or the sum when it is below, with its binding. It is
 * pools_limit() on the pools of a shape of no pool= (each pool's free capacity is its free0),
 * each pool's limit by the shape's reciprocals where its free capacity is below 2^31 (exact
 * there, see above), else by division. Apart: the common case never needs it. */
typedef struct pair_count {
    uint64_t count;
    uint32_t bind;
} pair_count;

__attribute__((noinline))
static pair_count pair_pools(const kc_fit_host *fh, const kc_fit_shape *fs, uint64_t w0,
                             uint64_t w1, uint64_t w2, uint64_t count)
{
    const uint64_t want[3] = { w0, w1, w2 };    /* passed apart: no array in the caller */
    kc_u128 plain = 0, ip = 0;
    uint32_t bind = 0;
    bool any_ip = false;

    for (uint32_t m = fh->def_mask; m; m &= m - 1) {
        const kc_fit_pool *p = &fh->pools[__builtin_ctz(m)];
        uint64_t lim = UINT64_MAX, l[3];

        for (int r = 0; r < 3; r++) {
            uint64_t x = p->free0[r];

            l[r] = !want[r] ? UINT64_MAX : x >> 31 == 0 ? mul_lim(x, fs->mul[KC_RES_DISK + r])
                                                        : x / want[r];
            lim = l[r] < lim ? l[r] : lim;
        }
        for (int r = 0; r < 3; r++)
            bind |= (uint32_t)(l[r] == lim) << (KC_RES_DISK + r);
        if (p->over_ip) {
            ip += lim;
            any_ip = true;
        } else {
            plain += lim;
        }
    }
    if (any_ip && fh->nic) {    /* the storage NICs cap the over-IP pools together */
        uint64_t nl = UINT64_MAX, l[2] = { UINT64_MAX, UINT64_MAX };

        for (int r = 0; r < 2; r++)
            if (want[1 + r]) {
                l[r] = kc_fit_sub_sat(fh->nic_cap[r], fh->ip_used[r]) / want[1 + r];
                nl = l[r] < nl ? l[r] : nl;
            }
        if ((kc_u128)nl < ip) {
            ip = nl;
            for (int r = 0; r < 2; r++)
                if (want[1 + r] && l[r] == nl)
                    bind |= 1u << (KC_RES_IOPS + r);
        }
    }
    plain += ip;
    if (plain >= count)
        return (pair_count){ count, 0 };
    return (pair_count){ (uint64_t)plain, bind };
}

/* Four limits side by side (GCC and clang vector extensions; SSE2 on x86-64): each bounded
 * limit is below 2^30 (the host's free capacities are), an unbounded one is PAIR_NONE, so
 * signed 32-bit lanes order them. */
typedef int32_t pair_v4 __attribute__((vector_size(16)));

static inline pair_v4 v4_min(pair_v4 a, pair_v4 b)
{
    pair_v4 lt = b < a;

    return (b & lt) | (a & ~lt);
}

static inline pair_v4 v4_load(const int32_t *p)
{
    pair_v4 v;

    memcpy(&v, p, sizeof(v));
    return v;
}

int kc_fit_pair(const kc_fit_hot *fh, const kc_fit_shape *fs, kc_fit_summary *out,
                kc_error *err)
{
    uint64_t count, free_load, want[3];
    unsigned c = fh->hp_class;
    uint32_t big, pbind = 0;
    pair_v4 lo, hi, m, eq;

    if (__builtin_expect(!kc_fit_pair_direct(fh, fs), 0))
        return kc_fit_count_on(fh->fh, fs->shape, out, err);
    free_load = kc_fit_sub_sat(fh->lcap, (uint64_t)fh->load_n * fs->util_bp + fh->load_bp);
    lo = (pair_v4){ (int32_t)mul_lim(fh->free[KC_RES_MEMORY], fs->mul[KC_RES_MEMORY]),
                    (int32_t)mul_lim(fh->free[KC_RES_HUGEPAGES], fs->hp_mul[c]),
                    (int32_t)mul_lim(fh->free[KC_RES_CPU], fs->mul[KC_RES_CPU]),
                    (int32_t)mul_lim(free_load, fs->mul[KC_RES_CPU_LOAD]) };
    hi = (pair_v4){ (int32_t)mul_lim(fh->free[KC_RES_NETWORK], fs->mul[KC_RES_NETWORK]),
                    (int32_t)mul_lim(fh->free[KC_RES_DISK], fs->mul[KC_RES_DISK]),
                    (int32_t)mul_lim(fh->free[KC_RES_IOPS], fs->mul[KC_RES_IOPS]),
                    (int32_t)mul_lim(fh->free[KC_RES_THROUGHPUT], fs->mul[KC_RES_THROUGHPUT]) };
    /* the rows either side leaves unbounded: PAIR_NONE (limit | PAIR_NONE = PAIR_NONE) */
    lo |= v4_load(&fs->unb32[0]) | v4_load(&fh->unb32[0]);
    hi |= v4_load(&fs->unb32[4]) | v4_load(&fh->unb32[4]);
    m = v4_min(lo, hi);
    m = v4_min(m, __builtin_shufflevector(m, m, 2, 3, 0, 1));
    m = v4_min(m, __builtin_shufflevector(m, m, 1, 0, 3, 2));
    count = (uint64_t)m[0];    /* the cpu row always counts: below PAIR_NONE */
    /* the physical rule (kc_fit_too_big: the count is 0, the first such resource named) */
    eq = (v4_load(fs->big4[c]) > v4_load(fh->lim4)) &
         (pair_v4){ 1 << KC_RES_MEMORY, 1 << KC_RES_HUGEPAGES, 1 << KC_RES_CPU, 1 << KC_RES_DISK };
    eq |= __builtin_shufflevector(eq, eq, 2, 3, 0, 1);
    eq |= __builtin_shufflevector(eq, eq, 1, 0, 3, 2);
    big = (uint32_t)eq[0];
    count = big ? 0 : count;
    /* a VM's disk lives whole on one pool: the pools' sum, only when no pool takes the
     * count on its own */
    for (int r = 0; r < 3; r++)    /* the rows asked (a shape's unbounded row has den 0) */
        want[r] = fs->den[KC_RES_DISK + r] & fh->ask[r];
    {
        /* pools_take on the first two pools, without a branch (an early exit mispredicts):
         * one takes them all on its own (each product below 2^62; an entry past n_take is
         * all 0, which takes nothing: some product is above 0) */
        uint64_t n0 = count * want[0], n1 = count * want[1], n2 = count * want[2];
        const uint64_t (*t)[3] = fh->take_free;
        bool take = ((n0 <= t[0][0]) & (n1 <= t[0][1]) & (n2 <= t[0][2])) |
                    ((n0 <= t[1][0]) & (n1 <= t[1][1]) & (n2 <= t[1][2]));

        if (__builtin_expect(((want[0] | want[1] | want[2]) != 0) & (count > 0) &
                             fh->def_may_bind & !take, 0)) {
            pair_count pc = pair_pools(fh->fh, fs, want[0], want[1], want[2], count);

            count = pc.count;
            pbind = pc.bind;
        }
    }
    /* a row binds when its limit is the count (never PAIR_NONE: count < 2^30) */
    m = (pair_v4){ (int32_t)count, (int32_t)count, (int32_t)count, (int32_t)count };
    eq = ((lo == m) & (pair_v4){ 1, 2, 4, 8 }) | ((hi == m) & (pair_v4){ 16, 32, 64, 128 });
    eq |= __builtin_shufflevector(eq, eq, 2, 3, 0, 1);
    eq |= __builtin_shufflevector(eq, eq, 1, 0, 3, 2);
    out->count = count;
    out->bottleneck = big | pbind | (uint32_t)eq[0];
    out->too_big = big != 0;
    out->too_big_res = big ? (kc_resource)__builtin_ctz(big) : KC_RES_MEMORY;
    out->numa_limited = false;
    return 0;
}

int kc_fit_count_on(const kc_fit_host *fh, const kc_shape *shape, kc_fit_summary *out,
                    kc_error *err)
{
    shape_figs fs;

    if (__builtin_expect(!fh->fast || !prepare_shape(&fh->host->used, fh->policy, shape, &fs), 0))
        return count_slow(fh->host, shape, fh->policy, out, err);
    if (!count_core(fh, &fs, shape, out))
        return count_slow(fh->host, shape, fh->policy, out, err);
    return 0;
}
