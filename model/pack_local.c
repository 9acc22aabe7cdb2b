/* SPDX-License-Identifier: MIT */
/* pack_local.c: the packer's local search: empty the least-filled host. */
#include <stdlib.h>
#include <string.h>

#include "pack_impl.h"

/*
 * On instances with few VMs (KC_PACK_LS_MAX_VMS) the packing is expanded VM by VM and one host at
 * a time is emptied: its VMs go to a pool, and moves put them back into the other hosts:
 *   insert   a pool VM into a host where it fits (best fit: least room left);
 *   swap     a pool VM for a smaller VM of a host (1-1), or for two VMs of one host whose
 *            sizes add up to less than its own (1-2);
 * sizes are the sums of normalized demands. Every move lowers the pool's total size, so the
 * search ends; it also stops after LS_WORK fit tests. An empty pool is one host fewer and the
 * next least-filled host is tried; when LS_TARGETS hosts in a row fail, the best packing
 * found is kept. Every move is checked on the exact demands; the result is a packing like
 * any other (and kc_pack_verify checks it in the tests). Deterministic: fixed orders only.
 */
#define LS_TARGETS 8u
#define LS_WORK 3000000u
#define LS_POOL (SIZE_MAX)

typedef struct ls {
    const kc_pack_inst *in;
    size_t nv, nb;               /* VMs; hosts (indices 0..nb-1, some may be empty) */
    size_t *type;                /* nv: item type of each VM */
    size_t *where;               /* nv: host, or LS_POOL */
    uint64_t *load;              /* nb x KC_PACK_DIM_MAX */
    uint64_t *size;              /* nv: sum of normalized demands */
    uint64_t work;
} ls;

static bool ls_fits_swap(const ls *l, size_t b, const size_t *out, size_t n_out, size_t in_v)
{
    const kc_pack_inst *in = l->in;

    for (size_t d = 0; d < in->nd; d++) {
        kc_u128 v = l->load[b * KC_PACK_DIM_MAX + d];

        for (size_t k = 0; k < n_out; k++)
            v -= in->items[l->type[out[k]]].demand[d];
        v += in->items[l->type[in_v]].demand[d];
        if (v > in->cap[d])
            return false;
    }
    return true;
}

static void ls_move(ls *l, size_t v, size_t to)
{
    const kc_pack_inst *in = l->in;
    const uint64_t *dem = in->items[l->type[v]].demand;

    if (l->where[v] != LS_POOL)
        for (size_t d = 0; d < in->nd; d++)
            l->load[l->where[v] * KC_PACK_DIM_MAX + d] -= dem[d];
    if (to != LS_POOL)
        for (size_t d = 0; d < in->nd; d++)
            l->load[to * KC_PACK_DIM_MAX + d] += dem[d];
    l->where[v] = to;
}

/* Room left in host @b after adding @v (normalized L1), or UINT64_MAX if @v does not fit. */
static uint64_t ls_room_after(const ls *l, size_t b, size_t v)
{
    const kc_pack_inst *in = l->in;
    uint64_t room = 0;

    for (size_t d = 0; d < in->nd; d++) {
        uint64_t used = l->load[b * KC_PACK_DIM_MAX + d], w = in->items[l->type[v]].demand[d];

        if (w > in->cap[d] - used)
            return UINT64_MAX;
        room += kc_pack_norm_of(in->cap[d] - used - w, in->cap[d]);
    }
    return room;
}

/* One improving move for pool VM @p; true if made. */
static bool ls_place(ls *l, size_t p, size_t skip)
{
    uint64_t best_room = UINT64_MAX;
    size_t best_b = SIZE_MAX;

    for (size_t b = 0; b < l->nb; b++) {
        uint64_t r;

        if (b == skip)
            continue;
        l->work++;
        r = ls_room_after(l, b, p);
        if (r < best_room) {
            best_room = r;
            best_b = b;
        }
    }
    if (best_b != SIZE_MAX) {
        ls_move(l, p, best_b);
        return true;
    }
    /* 1-1 swap: the largest VM smaller than @p whose host then holds @p */
    {
        size_t best_v = SIZE_MAX;

        for (size_t v = 0; v < l->nv; v++) {
            if (l->where[v] == LS_POOL || l->where[v] == skip || l->size[v] >= l->size[p])
                continue;
            if (best_v != SIZE_MAX && l->size[v] <= l->size[best_v])
                continue;
            l->work++;
            if (ls_fits_swap(l, l->where[v], &v, 1, p))
                best_v = v;
        }
        if (best_v != SIZE_MAX) {
            size_t b = l->where[best_v];

            ls_move(l, best_v, LS_POOL);
            ls_move(l, p, b);
            return true;
        }
    }
    /* 1-2 swap: two VMs of one host, together smaller than @p */
    for (size_t v = 0; v < l->nv; v++) {
        size_t b = l->where[v];

        if (b == LS_POOL || b == skip || l->size[v] >= l->size[p])
            continue;
        for (size_t w = v + 1; w < l->nv; w++) {
            size_t pair[2] = { v, w };

            if (l->where[w] != b || l->size[v] + l->size[w] >= l->size[p])
                continue;
            if (++l->work > LS_WORK)
                return false;
            if (ls_fits_swap(l, b, pair, 2, p)) {
                ls_move(l, v, LS_POOL);
                ls_move(l, w, LS_POOL);
                ls_move(l, p, b);
                return true;
            }
        }
    }
    return false;
}

/* Try to empty host @t. Returns true (host @t empty) or false (state restored). */
static bool ls_empty_host(ls *l, size_t t, size_t *saved)
{
    bool moved = true;

    memcpy(saved, l->where, l->nv * sizeof(*saved));
    for (size_t v = 0; v < l->nv; v++)
        if (l->where[v] == t)
            ls_move(l, v, LS_POOL);
    while (moved && l->work <= LS_WORK) {
        size_t p = SIZE_MAX;

        /* the largest pool VM first (ties: lowest index) */
        for (size_t v = 0; v < l->nv; v++)
            if (l->where[v] == LS_POOL && (p == SIZE_MAX || l->size[v] > l->size[p]))
                p = v;
        if (p == SIZE_MAX)
            return true;
        moved = ls_place(l, p, t);
        if (!moved) {
            /* the largest one is stuck: any other pool VM that moves still helps */
            for (size_t v = 0; v < l->nv && !moved; v++)
                if (l->where[v] == LS_POOL && v != p)
                    moved = ls_place(l, v, t);
        }
    }
    for (size_t v = 0; v < l->nv; v++)
        if (l->where[v] != saved[v])
            ls_move(l, v, saved[v]);
    return false;
}

/* Improve @s in place by emptying hosts; no-op when nothing is gained. -1 on OOM only. */
int kc_pack_improve(const kc_pack_inst *in, uint64_t lb, kc_pack_sol *s, kc_error *err)
{
    ls l;
    size_t *saved = NULL, *order = NULL;
    uint64_t *fill = NULL;
    uint64_t *cnt = NULL;
    size_t live, fails = 0, nv = (size_t)in->total;
    int ret = -1;

    memset(&l, 0, sizeof(l));
    l.in = in;
    l.nv = nv;
    l.nb = (size_t)s->hosts;
    l.type = calloc(nv + 1, sizeof(*l.type));
    l.where = calloc(nv + 1, sizeof(*l.where));
    l.size = calloc(nv + 1, sizeof(*l.size));
    l.load = calloc(l.nb * KC_PACK_DIM_MAX + 1, sizeof(*l.load));
    saved = calloc(nv + 1, sizeof(*saved));
    order = calloc(l.nb + 1, sizeof(*order));
    fill = calloc(l.nb + 1, sizeof(*fill));
    cnt = calloc(in->ni + 1, sizeof(*cnt));
    if (!l.type || !l.where || !l.size || !l.load || !saved || !order || !fill || !cnt) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    {
        size_t v = 0, b = 0;

        for (size_t k = 0; k < s->n_pat; k++)
            for (uint64_t r = 0; r < s->reps[k]; r++, b++)
                for (size_t j = s->start[k]; j < s->start[k + 1]; j++) {
                    size_t i = s->uses[j].item;

                    for (uint64_t c = 0; c < s->uses[j].count; c++, v++) {
                        l.type[v] = i;
                        l.where[v] = LS_POOL;
                        for (size_t d = 0; d < in->nd; d++)
                            l.size[v] += in->norm[i * KC_PACK_DIM_MAX + d];
                        ls_move(&l, v, b);
                    }
                }
    }
    live = l.nb;
    while (live > lb && fails < LS_TARGETS && l.work <= LS_WORK) {
        size_t n = 0, t;

        /* live hosts by increasing fill (sum of normalized loads), ties by index */
        for (size_t b = 0; b < l.nb; b++) {
            fill[b] = 0;
            for (size_t d = 0; d < in->nd; d++)
                fill[b] += kc_pack_norm_of(l.load[b * KC_PACK_DIM_MAX + d], in->cap[d]);
        }
        for (size_t v = 0; v < nv; v++)
            order[l.where[v]] = 1;       /* mark live hosts */
        for (size_t b = 0; b < l.nb; b++) {
            size_t j;

            if (!order[b])
                continue;
            order[b] = 0;
            /* insertion into order[0..n]: it writes only entries <= n <= b, whose marks
             * (hosts up to b) are already read */
            for (j = n; j > 0 && fill[order[j - 1]] > fill[b]; j--)
                order[j] = order[j - 1];
            order[j] = b;
            n++;
        }
        for (size_t b = n; b <= l.nb; b++)
            order[b] = 0;
        if (fails >= n)
            break;
        t = order[fails];
        if (ls_empty_host(&l, t, saved)) {
            live--;
            fails = 0;
        } else {
            fails++;
        }
        for (size_t b = 0; b <= l.nb; b++)
            order[b] = 0;
    }
    if (live < s->hosts) {
        kc_pack_sol n;

        memset(&n, 0, sizeof(n));
        n.how = s->how;
        /* hosts in order of first VM type (deterministic), merged when equal to the last */
        for (size_t b = 0; b < l.nb; b++) {
            bool any = false;

            memset(cnt, 0, in->ni * sizeof(*cnt));
            for (size_t v = 0; v < nv; v++)
                if (l.where[v] == b) {
                    cnt[l.type[v]]++;
                    any = true;
                }
            if (!any)
                continue;
            if (kc_pack_sol_push_merge(&n, in->ni, 1, cnt, err) < 0) {
                kc_pack_sol_clear(&n);
                goto out;
            }
        }
        kc_pack_sol_clear(s);
        *s = n;
    }
    ret = 0;
 out:
    free(l.type);
    free(l.where);
    free(l.size);
    free(l.load);
    free(saved);
    free(order);
    free(fill);
    free(cnt);
    return ret;
}

