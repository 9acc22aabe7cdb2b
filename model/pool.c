/* SPDX-License-Identifier: MIT */
/* pool.c: storage pools: RAID space and I/O, and the pools' part of a fit (pure). The rules
 * are README "Model" and doc/model.md 2.5; the fit (fit.c, fit_fast.c) takes its storage
 * rows from here, so that both paths agree by construction. */
#include <string.h>

#include "fit_impl.h"
#include "pool.h"

static uint64_t sat128(kc_u128 v)
{
    return v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

uint32_t kc_raid_min_devices(kc_raid raid)
{
    switch (raid) {
    case KC_RAID_0:
    case KC_RAID_1:
        return 2;
    case KC_RAID_5:
        return 3;
    case KC_RAID_6:
    case KC_RAID_10:
        return 4;
    default:
        return 1;
    }
}

uint64_t kc_raid_write_penalty(kc_raid raid, uint32_t count)
{
    switch (raid) {
    case KC_RAID_1:
        return count;    /* every mirror writes */
    case KC_RAID_10:
        return 2;
    case KC_RAID_5:
        return 4;        /* read data, read parity, write data, write parity */
    case KC_RAID_6:
        return 6;        /* as raid5 with two parities */
    default:
        return 1;        /* independent disks, raid0 */
    }
}

/* Devices whose space (and write throughput) holds data. */
static uint64_t data_devices(const kc_storage *s)
{
    uint64_t n = s->count;

    if (s->kind == KC_STORAGE_NETWORK)
        return n;    /* LUNs on the array */
    switch (s->raid) {
    case KC_RAID_1:
        return 1;
    case KC_RAID_10:
        return n / 2;
    case KC_RAID_5:
        return n > 1 ? n - 1 : 0;
    case KC_RAID_6:
        return n > 2 ? n - 2 : 0;
    default:
        return n;
    }
}

uint64_t kc_pool_space_mib(const kc_storage *s)
{
    return sat128((kc_u128)data_devices(s) * s->size_mib);
}

/* Devices that serve I/O: every device of a local group; one array behind one link (its
 * LUN count multiplies space only). */
static uint64_t io_devices(const kc_storage *s)
{
    return s->kind == KC_STORAGE_NETWORK ? 1 : s->count;
}

/* 1 / (r / a + w / b) for read capacity @a, write capacity @b_num / @b_den and a write
 * share @w of 10000: a x b_num x 10000 / ((10000 - w) x b_num + w x a x b_den). */
static uint64_t mix(uint64_t a, uint64_t b_num, uint64_t b_den, uint32_t w)
{
    kc_u128 den, num;

    if (w > KC_BP_ONE)
        w = KC_BP_ONE;
    if (a == 0 || b_num == 0)
        return w == 0 ? a : 0;
    den = (kc_u128)(KC_BP_ONE - w) * b_num + (kc_u128)w * a * b_den;
    num = (kc_u128)a * b_num;
    /* a x b_num < 2^128 / 2^14 for figures below 2^57: keep the product exact */
    if (num > ((kc_u128)1 << 113))
        return sat128(num / den * KC_BP_ONE);
    return sat128(num * KC_BP_ONE / den);
}

uint64_t kc_pool_iops(const kc_storage *s, uint32_t write_bp)
{
    uint64_t n = io_devices(s), w = s->write_iops ? s->write_iops : s->iops;
    uint64_t p = s->kind == KC_STORAGE_NETWORK ? 1 : kc_raid_write_penalty(s->raid, s->count);

    if (s->iops == 0)
        return 0;
    /* reads n x R; writes n x W / penalty */
    return mix(sat128((kc_u128)n * s->iops), sat128((kc_u128)n * w), p, write_bp);
}

uint64_t kc_pool_mbps(const kc_storage *s, uint32_t write_bp)
{
    uint64_t n = io_devices(s), w = s->write_mbps ? s->write_mbps : s->mbps;
    uint64_t d = s->kind == KC_STORAGE_NETWORK ? 1 : data_devices(s);

    if (s->mbps == 0)
        return 0;
    /* reads n x R; sequential writes go at the data devices' speed (parity and mirror
     * copies are written alongside) */
    return mix(sat128((kc_u128)n * s->mbps), sat128((kc_u128)d * w), 1, write_bp);
}

uint64_t kc_storage_nic_mbps(const kc_host *host)
{
    uint64_t kbps = kc_host_nic_kbps(host, KC_NIC_STORAGE);

    /* kbit/s / 8000 = MB/s, x 1448/1538 (data/README.md, the iSCSI links) */
    return sat128((kc_u128)kbps * 1448 / ((kc_u128)8000 * 1538));
}

uint64_t kc_storage_nic_iops(const kc_host *host)
{
    return sat128((kc_u128)kc_storage_nic_mbps(host) * 1000000 / 4096);
}

static int scale_util(uint64_t base, uint64_t f, uint64_t util, uint64_t div, uint64_t *out,
                      kc_error *err)
{
    kc_u128 v = (kc_u128)base * f * util / div;

    if (v > UINT64_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "storage capacity does not fit in 64 bits");
    *out = (uint64_t)v;
    return 0;
}

static void row_set(kc_res_fit *r, kc_res_state state, uint64_t cap, uint64_t used,
                    uint64_t per_vm)
{
    r->state = state;
    r->capacity = state == KC_RES_BOUNDED || state == KC_RES_UNBOUNDED ? cap : 0;
    r->used = state == KC_RES_BOUNDED || state == KC_RES_UNBOUNDED ? used : 0;
    r->per_vm = state == KC_RES_BOUNDED ? per_vm : 0;
    r->limit = state == KC_RES_BOUNDED ? kc_fit_sub_sat(cap, used) / per_vm : 0;
}

static uint64_t lim_of(uint64_t cap, uint64_t used, uint64_t per_vm)
{
    return kc_fit_sub_sat(cap, used) / per_vm;
}

int kc_fit_storage_compute(const kc_host *host, const kc_shape *shape, const kc_policy *policy,
                           kc_fit_storage *out, kc_pool_fit *pools, kc_error *err)
{
    uint64_t util = policy->max_util_bp, disk_f = KC_BP_ONE + (uint64_t)policy->disk_overcommit_bp;
    kc_u128 cap[3] = { 0 }, used[3] = { 0 }, all_used[3] = { 0 }, ip_used[2] = { 0 };
    kc_u128 held[3] = { 0 };    /* each pool's use up to its capacity: an over-full pool
                                   takes nothing of another's room */
    kc_u128 plain_sum = 0, ip_sum = 0;
    uint64_t max_space = 0, nic_iops, nic_mbps, unattr[3];
    bool iops_known = false, mbps_known = false, any_ip = false;
    size_t n = host->n_storage;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        iops_known |= host->storage[i].iops != 0;
        mbps_known |= host->storage[i].mbps != 0;
    }
    /* some storage row is bounded: only then do the pools count */
    out->asks = (shape->disk_mib > 0 && n > 0) || (shape->iops > 0 && iops_known) ||
                (shape->mbps > 0 && mbps_known);
    nic_mbps = kc_storage_nic_mbps(host);
    nic_iops = kc_storage_nic_iops(host);
    for (size_t i = 0; i < n; i++) {
        const kc_storage *s = &host->storage[i];
        kc_pool_fit pf = { 0 };
        uint64_t space = kc_pool_space_mib(s), iops, mbps, lim = UINT64_MAX;

        pf.eligible = shape->pool[0] ? strncmp(s->name, shape->pool, KC_POOL_NAME_MAX) == 0
                                     : !s->boot;
        iops = kc_pool_iops(s, shape->write_bp);
        mbps = kc_pool_mbps(s, shape->write_bp);
        if (s->kind == KC_STORAGE_NETWORK) {
            if (s->link_iops && s->link_iops < iops)
                iops = s->link_iops;
            if (s->link_mbps && s->link_mbps < mbps)
                mbps = s->link_mbps;
        }
        if (s->over_ip && nic_mbps) {
            iops = iops < nic_iops ? iops : nic_iops;
            mbps = mbps < nic_mbps ? mbps : nic_mbps;
        }
        if (scale_util(space, disk_f, util, (uint64_t)KC_BP_ONE * KC_BP_ONE, &pf.space_cap,
                       err) < 0 ||
            scale_util(iops, util, 1, KC_BP_ONE, &pf.iops_cap, err) < 0 ||
            scale_util(mbps, util, 1, KC_BP_ONE, &pf.mbps_cap, err) < 0)
            return -1;
        pf.space_used = s->used_mib;
        pf.iops_used = s->used_iops;
        pf.mbps_used = s->used_mbps;
        all_used[0] += s->used_mib;
        all_used[1] += s->used_iops;
        all_used[2] += s->used_mbps;
        if (s->over_ip) {
            ip_used[0] += s->used_iops;
            ip_used[1] += s->used_mbps;
        }
        if (pf.eligible) {
            cap[0] += pf.space_cap;
            cap[1] += pf.iops_cap;
            cap[2] += pf.mbps_cap;
            used[0] += s->used_mib;
            used[1] += s->used_iops;
            used[2] += s->used_mbps;
            held[0] += s->used_mib < pf.space_cap ? s->used_mib : pf.space_cap;
            held[1] += s->used_iops < pf.iops_cap ? s->used_iops : pf.iops_cap;
            held[2] += s->used_mbps < pf.mbps_cap ? s->used_mbps : pf.mbps_cap;
            max_space = space > max_space ? space : max_space;
            if (out->asks) {
                uint64_t lims[3] = { UINT64_MAX, UINT64_MAX, UINT64_MAX };

                if (shape->disk_mib)
                    lims[0] = lim_of(pf.space_cap, pf.space_used, shape->disk_mib);
                if (shape->iops && iops_known)
                    lims[1] = s->iops ? lim_of(pf.iops_cap, pf.iops_used, shape->iops) : 0;
                if (shape->mbps && mbps_known)
                    lims[2] = s->mbps ? lim_of(pf.mbps_cap, pf.mbps_used, shape->mbps) : 0;
                for (int r = 0; r < 3; r++)
                    lim = lims[r] < lim ? lims[r] : lim;
                for (int r = 0; r < 3; r++)
                    if (lims[r] == lim && lim != UINT64_MAX)
                        pf.binding |= 1u << (KC_RES_DISK + r);
                pf.limit = lim;
                if (s->over_ip) {
                    ip_sum += lim;
                    any_ip = true;
                } else {
                    plain_sum += lim;
                }
                out->pool_binding |= pf.binding;
            } else {
                pf.limit = UINT64_MAX;
            }
        } else {
            pf.limit = UINT64_MAX;
        }
        if (pools)
            pools[i] = pf;
    }
    for (int r = 0; r < 3; r++) {
        uint64_t host_used = r == 0 ? host->used.disk_mib : r == 1 ? host->used.iops
                                                                    : host->used.mbps;

        unattr[r] = (kc_u128)host_used > all_used[r] ? host_used - (uint64_t)all_used[r] : 0;
        used[r] += unattr[r];
        held[r] += unattr[r];
        if (cap[r] > UINT64_MAX || used[r] > UINT64_MAX)
            return kc_error_set(err, KC_ERR_INVALID, "storage total does not fit in 64 bits");
    }
    /* the storage NICs carry all over-IP pools together */
    if (any_ip && nic_mbps) {
        uint64_t nic_lim = UINT64_MAX, l;
        uint64_t icap = sat128((kc_u128)nic_iops * util / KC_BP_ONE);
        uint64_t mcap = sat128((kc_u128)nic_mbps * util / KC_BP_ONE);

        if (shape->iops && iops_known) {
            l = lim_of(icap, sat128(ip_used[0]), shape->iops);
            nic_lim = l < nic_lim ? l : nic_lim;
        }
        if (shape->mbps && mbps_known) {
            l = lim_of(mcap, sat128(ip_used[1]), shape->mbps);
            nic_lim = l < nic_lim ? l : nic_lim;
        }
        if ((kc_u128)nic_lim < ip_sum) {
            ip_sum = nic_lim;
            out->nic_limited = true;
            if (shape->iops && iops_known && lim_of(icap, sat128(ip_used[0]), shape->iops) == nic_lim)
                out->pool_binding |= 1u << KC_RES_IOPS;
            if (shape->mbps && mbps_known && lim_of(mcap, sat128(ip_used[1]), shape->mbps) == nic_lim)
                out->pool_binding |= 1u << KC_RES_THROUGHPUT;
        }
    }
    out->pool_limit = out->asks ? sat128(plain_sum + ip_sum) : UINT64_MAX;

    /* the rows, as the fit has always shown them: disk space ... */
    if (shape->disk_mib == 0)
        row_set(&out->rows[0], n > 0 ? KC_RES_UNBOUNDED : KC_RES_ABSENT, (uint64_t)cap[0],
                (uint64_t)used[0], 0);
    else if (n == 0)
        row_set(&out->rows[0], KC_RES_UNKNOWN, 0, 0, 0);
    else {
        row_set(&out->rows[0], KC_RES_BOUNDED, (uint64_t)cap[0], (uint64_t)used[0],
                shape->disk_mib);
        out->rows[0].limit = lim_of((uint64_t)cap[0], sat128(held[0]), shape->disk_mib);
        out->too_big = shape->disk_mib > max_space;
    }
    /* ... iops and throughput */
    for (int r = 1; r < 3; r++) {
        uint64_t want = r == 1 ? shape->iops : shape->mbps;
        bool known = r == 1 ? iops_known : mbps_known;

        if (want == 0)
            row_set(&out->rows[r], known ? KC_RES_UNBOUNDED : KC_RES_ABSENT, (uint64_t)cap[r],
                    (uint64_t)used[r], 0);
        else if (!known)
            row_set(&out->rows[r], KC_RES_UNKNOWN, 0, 0, 0);
        else {
            row_set(&out->rows[r], KC_RES_BOUNDED, (uint64_t)cap[r], (uint64_t)used[r], want);
            out->rows[r].limit = lim_of((uint64_t)cap[r], sat128(held[r]), want);
        }
    }
    return 0;
}

int kc_pool_fits(const kc_host *host, const kc_shape *shape, const kc_policy *policy,
                 kc_pool_fit *pools, kc_error *err)
{
    kc_fit_storage st;

    return kc_fit_storage_compute(host, shape, policy, &st, pools, err);
}

uint32_t kc_pool_asks(const kc_host *host, const kc_shape *shape)
{
    bool iops_known = false, mbps_known = false;
    uint32_t asks = 0;

    for (size_t i = 0; i < host->n_storage; i++) {
        iops_known |= host->storage[i].iops != 0;
        mbps_known |= host->storage[i].mbps != 0;
    }
    if (shape->disk_mib > 0 && host->n_storage > 0)
        asks |= 1u;
    if (shape->iops > 0 && iops_known)
        asks |= 2u;
    if (shape->mbps > 0 && mbps_known)
        asks |= 4u;
    return asks;
}

/* The storage NICs' IOPS and MB/s x max util (as kc_fit_storage_compute's icap, mcap), and
 * what the over-IP pools hold; false where the host has no storage NICs. */
static bool nic_caps(const kc_host *host, const kc_policy *policy, uint64_t cap[2],
                     uint64_t used[2])
{
    uint64_t nic_mbps = kc_storage_nic_mbps(host), nic_iops = kc_storage_nic_iops(host);
    kc_u128 ip_used[2] = { 0 };

    cap[0] = cap[1] = used[0] = used[1] = 0;
    if (!nic_mbps)
        return false;
    for (size_t i = 0; i < host->n_storage; i++)
        if (host->storage[i].over_ip) {
            ip_used[0] += host->storage[i].used_iops;
            ip_used[1] += host->storage[i].used_mbps;
        }
    cap[0] = sat128((kc_u128)nic_iops * policy->max_util_bp / KC_BP_ONE);
    cap[1] = sat128((kc_u128)nic_mbps * policy->max_util_bp / KC_BP_ONE);
    used[0] = sat128(ip_used[0]);
    used[1] = sat128(ip_used[1]);
    return true;
}

bool kc_pool_nic_room(const kc_host *host, const kc_policy *policy, uint64_t room[2])
{
    uint64_t cap[2], used[2];
    bool any = nic_caps(host, policy, cap, used);

    room[0] = kc_fit_sub_sat(cap[0], used[0]);
    room[1] = kc_fit_sub_sat(cap[1], used[1]);
    return any;
}

void kc_pool_unattributed(const kc_host *host, uint64_t out[3])
{
    kc_u128 all[3] = { 0 };
    const uint64_t host_used[3] = { host->used.disk_mib, host->used.iops, host->used.mbps };

    for (size_t i = 0; i < host->n_storage; i++) {
        all[0] += host->storage[i].used_mib;
        all[1] += host->storage[i].used_iops;
        all[2] += host->storage[i].used_mbps;
    }
    for (int r = 0; r < 3; r++)
        out[r] = (kc_u128)host_used[r] > all[r] ? host_used[r] - (uint64_t)all[r] : 0;
}

int kc_pool_nic_shared(const kc_host *host, const kc_shape *shape, const kc_policy *policy,
                       kc_pool_nic_share *out, kc_error *err)
{
    kc_pool_fit pools[KC_STORAGE_MAX];
    uint64_t room[2], cap[2], used[2], sum = 0, l;
    uint32_t asks = kc_pool_asks(host, shape);

    memset(out, 0, sizeof(*out));
    out->limit = UINT64_MAX;
    if (!nic_caps(host, policy, cap, used))
        return 0;
    room[0] = kc_fit_sub_sat(cap[0], used[0]);
    room[1] = kc_fit_sub_sat(cap[1], used[1]);
    if (kc_pool_fits(host, shape, policy, pools, err) < 0)
        return -1;
    for (size_t i = 0; i < host->n_storage; i++) {
        const kc_storage *s = &host->storage[i];

        if (!s->over_ip || !pools[i].eligible)
            continue;
        out->n_pools++;
        out->pools |= 1u << i;
        if (pools[i].limit != UINT64_MAX)
            sum = sat128((kc_u128)sum + pools[i].limit);
    }
    out->iops_cap = cap[0];
    out->iops_used = used[0];
    out->mbps_cap = cap[1];
    out->mbps_used = used[1];
    if ((asks & 2u) && shape->iops) {
        l = room[0] / shape->iops;
        out->limit = l;
    }
    if ((asks & 4u) && shape->mbps) {
        l = room[1] / shape->mbps;
        out->limit = l < out->limit ? l : out->limit;
    }
    if (out->limit == UINT64_MAX || out->n_pools == 0)
        return 0;
    if ((asks & 2u) && shape->iops && room[0] / shape->iops == out->limit)
        out->binding |= 1u << KC_RES_IOPS;
    if ((asks & 4u) && shape->mbps && room[1] / shape->mbps == out->limit)
        out->binding |= 1u << KC_RES_THROUGHPUT;
    out->limiting = out->limit < sum;
    return 0;
}
