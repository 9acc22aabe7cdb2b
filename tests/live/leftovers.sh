#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# leftovers.sh: nothing a run starts outlives it. With no libvirt daemon, kvmcap falls back to
# libvirt's embedded QEMU driver, which starts a daemonized `qemu-system-*` to probe
# capabilities. A run whose --timeout expires during the probe, a run stopped by SIGTERM, and
# the run after one killed by SIGKILL must leave no QEMU and no kvmcap-embed-* directory.
# Each run has a private mount namespace with an empty /run/libvirt (so no daemon of anyone
# else answers), its own TMPDIR and its own XDG_CACHE_HOME (the driver's root is
# $XDG_CACHE_HOME/kvmcap/embed: the probe's command line names it, which is how its processes
# are told apart from everyone else's); each check starts with an empty cache, so that the
# probe runs (a warm cache answers without one: tests/live/embed.sh).
# Needs root, unshare, qemu-system-x86, KVMCAP_BIN.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=tests/live/lib.sh
. tests/live/lib.sh
PASS=0
FAIL=0
TMP=""
ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }

kc_live_trap
kc_live_require unshare pgrep qemu-system-x86_64
KVMCAP=${KVMCAP_BIN:-$PWD/build/kvmcap}
[ -x "$KVMCAP" ] || { echo "leftovers: no kvmcap at '$KVMCAP'"; echo "0 passed, 1 failed"; exit 1; }
export KVMCAP_DATADIR=${KVMCAP_DATADIR:-$PWD/data} LC_ALL=C NO_COLOR=1
kc_live_prepare
kc_live_tmpdir TMP
mkdir -p "$TMP/tmp" "$TMP/cache" /run/libvirt
export TMPDIR=$TMP/tmp XDG_CACHE_HOME=$TMP/cache

# the live (not zombie) processes whose command line names our cache or our TMPDIR
probes() { pgrep -f -- "$TMP/" || true; }
# kill what a failing run left, by PID, so the next check starts clean
sweep() { local p; for p in $(probes); do kill -9 "$p" 2>/dev/null || true; done; rm -rf "${TMPDIR:?}"/kvmcap-embed-*; }
# an empty cache: the next embedded run probes QEMU again
cold() { rm -rf "${XDG_CACHE_HOME:?}/kvmcap"; }
# no probe alive after up to 2 s (the kernel needs a moment to tear a killed QEMU down)
no_probe_left() {
    for _ in $(seq 20); do [ -z "$(probes)" ] && return 0; sleep 0.1; done
    return 1
}
roots_left() { ls -d "$TMPDIR"/kvmcap-embed-* 2>/dev/null | wc -l; }
# kvmcap ARG... in a namespace where no libvirt daemon answers; started with `&`, $! is
# kvmcap's own PID (unshare and sh exec it)
run_ns() { ( exec_ns "$@" ); }
exec_ns() {
    exec unshare --mount --propagation private sh -c \
        'mount -t tmpfs kvmcap-leftovers /run/libvirt && exec "$0" "$@"' "$KVMCAP" "$@"
}
# wait_probe PID: 0 once a probe names our TMPDIR while PID runs (up to 20 s)
wait_probe() {
    for _ in $(seq 200); do
        [ -n "$(probes)" ] && return 0
        kill -0 "$1" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# 1. --timeout expiring inside the probe: every deadline from 1 s (where it lands inside the
# probe on a slow start, e.g. the sanitized build) until a run finishes; at least one run
# must have seen its probe start and still timed out.
hits=0
leaks=0
for t in 1 2 3 4 5 6 7 8 9 10; do
    : >"$TMP/seen"
    cold
    ( while :; do [ -n "$(probes)" ] && echo yes >"$TMP/seen"; sleep 0.05; done ) &
    watcher=$!
    kc_live_register_pid "$watcher"
    set +e
    run_ns --vm 1c1g --timeout "$t" >"$TMP/out" 2>"$TMP/err"
    st=$?
    set -e
    kill "$watcher" 2>/dev/null || true
    wait "$watcher" 2>/dev/null || true
    if ! no_probe_left; then
        bad "--timeout $t (exit $st): QEMU outlived the run: $(probes | tr '\n' ' ')"
        leaks=$((leaks + 1))
        sweep
    elif [ "$(roots_left)" != 0 ]; then
        bad "--timeout $t (exit $st): left $(roots_left) kvmcap-embed-* directories"
        leaks=$((leaks + 1))
        sweep
    elif [ "$st" = 4 ] && [ -s "$TMP/seen" ] &&
        grep -qx "kvmcap: the embedded QEMU driver did not answer within $t s" "$TMP/err"; then
        hits=$((hits + 1))
    elif [ "$st" = 4 ] && grep -q 'did not answer' "$TMP/err" &&
        ! grep -qx "kvmcap: the embedded QEMU driver did not answer within $t s" "$TMP/err"; then
        bad "--timeout $t: the expiry does not name the embedded driver: $(head -c 200 "$TMP/err")"
        leaks=$((leaks + 1))
    fi
    [ "$st" = 0 ] && break          # the probe finished within the deadline: longer is no use
done
if [ "$leaks" -gt 0 ]; then
    :
elif [ "$hits" -gt 0 ]; then
    ok "$hits of the runs with --timeout 1..$t s expired during the QEMU probe ('the embedded QEMU driver did not answer'), none left a QEMU or a root"
else
    bad "no --timeout of 1..$t s expired while the QEMU probe ran (last exit $st: $(head -c 200 "$TMP/err"))"
fi

# 2. SIGTERM during the probe: cleans up, then dies of SIGTERM
cold
exec_ns --vm 1c1g --timeout 60 >"$TMP/out" 2>"$TMP/err" &
pid=$!
kc_live_register_pid "$pid"
if wait_probe "$pid"; then
    kill -TERM "$pid"
    set +e
    wait "$pid"
    st=$?
    set -e
    if [ "$st" != 143 ]; then
        bad "SIGTERM during the probe: exit $st (want 143, killed by SIGTERM)"
    elif ! no_probe_left; then
        bad "SIGTERM during the probe: QEMU outlived the run: $(probes | tr '\n' ' ')"
    elif [ "$(roots_left)" != 0 ]; then
        bad "SIGTERM during the probe: left $(roots_left) kvmcap-embed-* directories: $(ls "$TMPDIR"; cat "$TMP/err")"
    else
        ok "SIGTERM during the probe: killed by SIGTERM, no QEMU and no root left"
    fi
else
    bad "SIGTERM: no QEMU probe started within 20 s ($(head -c 200 "$TMP/err"))"
fi
sweep

# 3. SIGKILL during the probe cannot clean up, but the collector dies with kvmcap, and the
# next embedded run kills the probe it left in the cache (--timeout 61 marks this run's
# processes)
cold
exec_ns --vm 1c1g --timeout 61 >"$TMP/out" 2>"$TMP/err" &
pid=$!
kc_live_register_pid "$pid"
if wait_probe "$pid"; then
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    collector=""
    for _ in $(seq 20); do
        collector=$(pgrep -f -- "--vm 1c1g --timeout 61" || true)
        [ -z "$collector" ] && break
        sleep 0.1
    done
    left=$(probes | wc -l)
    set +e
    run_ns --vm 1c1g --timeout 60 >"$TMP/out" 2>"$TMP/err"
    st=$?
    set -e
    if [ -n "$collector" ]; then
        bad "SIGKILL: the collector outlived kvmcap: $collector"
        kill -9 $collector 2>/dev/null || true
    elif [ "$st" != 0 ]; then
        bad "after a SIGKILL: the next run exited $st: $(head -c 200 "$TMP/err")"
    elif ! no_probe_left; then
        bad "after a SIGKILL: the next run left the killed run's QEMU: $(probes | tr '\n' ' ')"
    elif [ "$(roots_left)" != 0 ]; then
        bad "after a SIGKILL: the next run left $(roots_left) kvmcap-embed-* directories"
    elif [ "$left" = 0 ]; then
        ok "after a SIGKILL: the next run (exit 0) left no QEMU (the killed run's probe had died with it)"
    else
        ok "after a SIGKILL: the next run (exit 0) killed the $left QEMU process(es) the killed run left"
    fi
else
    bad "SIGKILL: no QEMU probe started within 20 s ($(head -c 200 "$TMP/err"))"
fi
sweep

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
