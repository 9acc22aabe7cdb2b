/* SPDX-License-Identifier: MIT */
/* embed.h: the embedded QEMU driver's root, kept in a per-user cache across runs. */
#ifndef KC_EMBED_H
#define KC_EMBED_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kc.h"

typedef struct kc_embed_root {
    char path[512];
    int lock_fd;               /* the lock held on it; -1 when none */
    bool temporary;            /* a private root in $TMPDIR, removed at close */
} kc_embed_root;

/*
 * Open the embedded driver's root (README, "Host facts"): $XDG_CACHE_HOME/kvmcap/embed, else
 * /var/cache/kvmcap/embed for root, else ~/.cache/kvmcap/embed, where libvirt keeps its QEMU
 * probe so that later runs reuse it. Missing directories are made 0700; kvmcap/ and embed/
 * must be real directories (not symbolic links) owned by the effective user, embed/ with no
 * permission for anyone else, kvmcap/ writable by no one else, or the root is refused. One
 * run at a time uses it (a lock in kvmcap/embed.lock, waited for until @deadline_ms, or
 * until *@stop is set); what a run killed outright left running there is killed first.
 * Without a cache directory to name (no absolute $XDG_CACHE_HOME or $HOME), a private root
 * "kvmcap-embed-PID-XXXXXX" in $TMPDIR (or /tmp), removed at close; the ones earlier runs
 * killed outright left there are removed first. Returns 0, or -1 with @err (KC_ERR_HOST).
 */
int kc_embed_root_open(kc_embed_root *r, int64_t deadline_ms, volatile sig_atomic_t *stop,
                       kc_error *err);

/* The directory kvmcap/embed is made in: $XDG_CACHE_HOME when it is absolute, else
 * /var/cache for root, else $HOME/.cache when $HOME is absolute. Returns 0 with it in @buf,
 * or 1 when there is none to name (or it would not leave 64 bytes of @size free). */
int kc_embed_cache_home(char *buf, size_t size);

/* Whether libvirt has probed QEMU in @r before: a capabilities file in cache/qemu/capabilities
 * (a first run in a new root probes, which takes seconds; README "Host facts"). */
bool kc_embed_root_probed(const kc_embed_root *r);

/* End a use of @r: kill every process whose command line names the root (the QEMU probes
 * libvirt started for it, which run detached), release the lock, remove a temporary root. */
void kc_embed_root_close(kc_embed_root *r);

#endif /* KC_EMBED_H */
