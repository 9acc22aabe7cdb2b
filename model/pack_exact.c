/* SPDX-License-Identifier: MIT */
/* pack_exact.c: the packer's exact search on small instances (branch and bound over
 * patterns, bounded by a node budget). */
#include <stdlib.h>
#include <string.h>

#include "pack_impl.h"

typedef struct bb {
    const kc_pack_inst *in;
    size_t *order;               /* ni: the types by decreasing largest demand */
    uint64_t *rem;
    uint64_t *path;              /* depth x ni: the current host-by-host assignment */
    uint64_t *best_path;
    uint64_t best;               /* hosts of the best known solution */
    uint64_t lb;
    bool found, aborted;
    uint64_t nodes, budget;
} bb;

static uint64_t rem_volume(const bb *b)
{
    const kc_pack_inst *in = b->in;
    uint64_t best = 0;

    for (size_t d = 0; d < in->nd; d++) {
        kc_u128 tot = 0;

        if (in->cap[d] == 0)
            continue;
        for (size_t i = 0; i < in->ni; i++)
            tot += (kc_u128)in->items[i].demand[d] * b->rem[i];   /* small instance */
        if (kc_pack_div_up128(tot, in->cap[d]) > best)
            best = (uint64_t)kc_pack_div_up128(tot, in->cap[d]);
    }
    return best;
}

static void bb_search(bb *b, uint64_t depth);

/* Enumerate the host at @depth item by item (in b->order from position @pos), largest
 * counts first; only maximal hosts (no remaining VM would still fit) are explored: moving a
 * VM from a later host into this one never costs a host, so nothing optimal is lost. */
static void bb_fill(bb *b, uint64_t depth, size_t pos, size_t first, const uint64_t *left)
{
    const kc_pack_inst *in = b->in;
    uint64_t *pat = b->path + depth * in->ni;
    size_t i;
    uint64_t maxn, lo;

    if (b->aborted)
        return;
    if (++b->nodes > b->budget) {
        b->aborted = true;
        return;
    }
    /* types that cannot go on this host add nothing: skipped without a level of recursion
     * (the depth follows the types a host holds, not all of them) */
    while (pos > first && pos < in->ni &&
           (b->rem[b->order[pos]] == 0 ||
            !kc_pack_fits_once(left, in->items[b->order[pos]].demand, in->nd)))
        pos++;
    if (pos == in->ni) {
        for (size_t j = 0; j < in->ni; j++)
            if (b->rem[j] > pat[j] && kc_pack_fit_count(left, in->items[j].demand, in->nd) > 0)
                return;
        for (size_t j = 0; j < in->ni; j++)
            b->rem[j] -= pat[j];
        bb_search(b, depth + 1);
        for (size_t j = 0; j < in->ni; j++)
            b->rem[j] += pat[j];
        return;
    }
    i = b->order[pos];
    maxn = kc_pack_fit_count(left, in->items[i].demand, in->nd);
    if (maxn > b->rem[i])
        maxn = b->rem[i];
    lo = pos == first ? 1 : 0;
    for (uint64_t n = maxn + 1; n-- > lo;) {
        uint64_t next[KC_PACK_DIM_MAX];

        memcpy(next, left, in->nd * sizeof(*next));
        kc_pack_take(next, in->items[i].demand, in->nd, n);
        pat[i] = n;
        bb_fill(b, depth, pos + 1, first, next);
        if (b->aborted || b->best <= b->lb)
            break;
    }
    pat[i] = 0;
}

static void bb_search(bb *b, uint64_t depth)
{
    const kc_pack_inst *in = b->in;
    size_t first = in->ni;

    if (b->aborted || b->best <= b->lb)
        return;
    for (size_t k = 0; k < in->ni; k++)
        if (b->rem[b->order[k]] > 0) {
            first = k;
            break;
        }
    if (first == in->ni) {
        if (depth < b->best) {
            b->best = depth;
            b->found = true;
            memcpy(b->best_path, b->path, depth * in->ni * sizeof(*b->path));
        }
        return;
    }
    if (depth + rem_volume(b) >= b->best)
        return;
    memset(b->path + depth * in->ni, 0, in->ni * sizeof(*b->path));
    bb_fill(b, depth, first, first, in->cap);
}

/* Try to beat @s (or prove it optimal). Returns 0 and updates @s / *proven, -1 on OOM. */
int kc_pack_exact(const kc_pack_inst *in, uint64_t lb, uint64_t budget, kc_pack_sol *s, bool *proven,
                 kc_error *err)
{
    bb b;
    int ret = -1;
    size_t ni = in->ni;

    memset(&b, 0, sizeof(b));
    b.in = in;
    b.best = s->hosts;
    b.lb = lb;
    b.budget = budget;
    b.rem = calloc(ni, sizeof(*b.rem));
    b.order = calloc(ni + 1, sizeof(*b.order));
    b.path = calloc(s->hosts * ni + 1, sizeof(*b.path));
    b.best_path = calloc(s->hosts * ni + 1, sizeof(*b.best_path));
    if (!b.rem || !b.order || !b.path || !b.best_path) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ni; i++)
        b.rem[i] = in->items[i].count;
    kc_pack_sort_items(in, KC_PACK_FFD_LINF, b.order);
    bb_search(&b, 0);
    if (b.found) {
        kc_pack_sol n;

        memset(&n, 0, sizeof(n));
        n.how = KC_PACK_EXACT;
        for (uint64_t h = 0; h < b.best; h++) {
            const uint64_t *p = b.best_path + h * ni;

            if (kc_pack_sol_push_merge(&n, ni, 1, p, err) < 0) {
                kc_pack_sol_clear(&n);
                goto out;
            }
        }
        kc_pack_sol_clear(s);
        *s = n;
    }
    *proven = !b.aborted || s->hosts <= lb;
    ret = 0;
 out:
    free(b.rem);
    free(b.order);
    free(b.path);
    free(b.best_path);
    return ret;
}

