#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# embed.sh: the default live run on a machine without a libvirt daemon (libvirt's embedded
# QEMU driver) keeps the driver's root in a per-user cache ($XDG_CACHE_HOME/kvmcap/embed), so
# that only the first run probes QEMU: the second answers in under 3 s and leaves no QEMU and
# no kvmcap-embed-* directory; a cache that is a symbolic link is refused in one line. And
# without libvirt installed, a command that contacts a host says so in one line (exit 4)
# while `--host` and `size` still answer (libvirt is loaded only where a host is contacted).
# Each run has a private mount namespace with an empty /run/libvirt (no daemon answers).
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
[ -x "$KVMCAP" ] || { echo "embed: no kvmcap at '$KVMCAP'"; echo "0 passed, 1 failed"; exit 1; }
export KVMCAP_DATADIR=${KVMCAP_DATADIR:-$PWD/data} LC_ALL=C NO_COLOR=1
kc_live_prepare
kc_live_tmpdir TMP
mkdir -p "$TMP/tmp" "$TMP/cache" /run/libvirt
export TMPDIR=$TMP/tmp XDG_CACHE_HOME=$TMP/cache
ROOT=$XDG_CACHE_HOME/kvmcap/embed

probes() { pgrep -f -- "$TMP/" || true; }
no_probe_left() {
    for _ in $(seq 20); do [ -z "$(probes)" ] && return 0; sleep 0.1; done
    return 1
}
sweep() { local p; for p in $(probes); do kill -9 "$p" 2>/dev/null || true; done; }
roots_left() { ls -d "$TMPDIR"/kvmcap-embed-* 2>/dev/null | wc -l; }
# kvmcap ARG... where no libvirt daemon answers, as every new user's first run does
run_ns() {
    unshare --mount --propagation private sh -c \
        'mount -t tmpfs kvmcap-embed /run/libvirt && exec "$0" "$@"' "$KVMCAP" "$@"
}
now_ms() { date +%s%3N; }

# 1. The first run probes QEMU: without --timeout its deadline is the first run's (30 s), and
# its facts say so; the second, with the default deadline, reuses the probe.
t0=$(now_ms)
set +e
run_ns facts >"$TMP/out1" 2>"$TMP/err1"
st1=$?
t1=$(now_ms)
run_ns --vm 1c1g >"$TMP/out2" 2>"$TMP/err2"
st2=$?
t2=$(now_ms)
set -e
first=$((t1 - t0)) second=$((t2 - t1))
if [ "$st1" != 0 ]; then
    bad "first embedded run: exit $st1: $(head -c 300 "$TMP/err1")"
elif ! grep -q "first run in .* probed QEMU (up to 30 s without --timeout)" "$TMP/out1"; then
    bad "first embedded run: no note of its first-run deadline: $(head -c 400 "$TMP/out1")"
elif [ "$st2" != 0 ]; then
    bad "second embedded run: exit $st2: $(head -c 300 "$TMP/err2")"
elif ! grep -q '(embedded qemu:///embed)' "$TMP/out2"; then
    bad "second run: not the embedded driver: $(head -c 200 "$TMP/out2")"
elif [ "$second" -ge 3000 ]; then
    bad "second embedded run took $second ms (first $first ms): want under 3 s"
else
    ok "embedded driver: first run $first ms, second $second ms (under 3 s)"
fi
if no_probe_left; then
    ok "no QEMU left after the runs"
else
    bad "QEMU left after the runs: $(probes | tr '\n' ' ')"
    sweep
fi
[ "$(roots_left)" = 0 ] && ok "no kvmcap-embed-* directory in TMPDIR" ||
    bad "$(roots_left) kvmcap-embed-* directories left in TMPDIR"
mode=$(stat -c '%a %U' "$ROOT" 2>/dev/null || echo missing)
[ "$mode" = "700 $(id -un)" ] && ok "the cache $ROOT is kept, mode 0700, ours" ||
    bad "the cache $ROOT: '$mode' (want '700 $(id -un)')"

# 2. A cache that is a symbolic link (to a directory someone else could control) is refused
# before anything starts.
mv "$ROOT" "$TMP/elsewhere"
ln -s "$TMP/elsewhere" "$ROOT"
set +e
run_ns --vm 1c1g >"$TMP/out3" 2>"$TMP/err3"
st3=$?
set -e
want="kvmcap: refusing '$ROOT' as the embedded QEMU driver's directory: it is a symbolic link"
if [ "$st3" = 4 ] && [ "$(cat "$TMP/err3")" = "$want" ]; then
    ok "a symlinked cache: exit 4, '$want'"
else
    bad "a symlinked cache: exit $st3, '$(head -c 300 "$TMP/err3")' (want 4, '$want')"
fi
rm "$ROOT"
mv "$TMP/elsewhere" "$ROOT"

# 3. Without libvirt (its library is /dev/null in this namespace): one line, exit 4, for a
# command that contacts a host; a described host and `size` do not need it.
so=$(readlink -f "$(ldconfig -p | awk '/libvirt\.so\.0 /{print $NF; exit}')")
if [ -z "$so" ] || [ ! -f "$so" ]; then
    bad "no libvirt.so.0 found to hide"
else
    hidden() {
        unshare --mount --propagation private sh -c \
            'mount --bind /dev/null "$1" && mount -t tmpfs kvmcap-embed /run/libvirt &&
             shift && exec "$0" "$@"' "$KVMCAP" "$so" "$@"
    }
    set +e
    hidden --vm 1c1g >"$TMP/out4" 2>"$TMP/err4"
    st4=$?
    hidden --host 8c8g --vm 1c1g >"$TMP/out5" 2>"$TMP/err5"
    st5=$?
    hidden size --vm 2c4g:20 --vm 8c32g:5 >"$TMP/out6" 2>"$TMP/err6"
    st6=$?
    set -e
    if [ "$st4" = 4 ] && [ "$(wc -l <"$TMP/err4")" = 1 ] &&
        grep -qE '^kvmcap: libvirt is not installed \((/.+/)?libvirt\.so\.0: .+\): install libvirt0$' "$TMP/err4"; then
        ok "no libvirt: exit 4, '$(cat "$TMP/err4")'"
    else
        bad "no libvirt: exit $st4, '$(head -c 300 "$TMP/err4")'"
    fi
    [ "$st5" = 0 ] && grep -q '8c8g' "$TMP/out5" && ok "no libvirt: --host 8c8g still answers" ||
        bad "no libvirt: --host exit $st5: $(head -c 200 "$TMP/err5")"
    [ "$st6" = 0 ] && grep -q '25 VMs' "$TMP/out6" && ok "no libvirt: size still answers" ||
        bad "no libvirt: size exit $st6: $(head -c 200 "$TMP/err6")"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
