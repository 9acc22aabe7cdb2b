#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fleet-two-hosts.sh: `kvmcap fleet` over two real, separate qemu hosts (issue 5).
#
# As root: daemon A is a private libvirtd as lib.sh starts it (TCP on 127.0.0.1:PORT_A);
# daemon B runs in its own mount and UTS namespaces (unshare --mount --uts --propagation
# private), with private tmpfs over /run/libvirt, /var/lib/libvirt, /var/cache/libvirt and
# /var/log/libvirt, its own /etc/libvirt (the *.conf files only), its own virtlogd and its own
# hostname, listening on 127.0.0.1:PORT_B (same network namespace). Each runs one tiny real
# KVM domain of a different size (A: 64 MiB, 1 vCPU; B: 96 MiB, 2 vCPUs), and the fleet
# report must show each host with exactly its own domain. Everything started here is stopped
# by PID on every exit path (and checked in the teardown); the namespace dies with its
# processes. A watchdog ends the run after KC_TWO_HOSTS_LIMIT s (default 90).
# Needs root, libvirtd, virtlogd, virsh, unshare, nsenter, python3, KVMCAP_BIN.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=tests/live/lib.sh
. tests/live/lib.sh
PASS=0
FAIL=0
TMP_A=""
TMP_B=""
URI_A=""
URI_B=""
LIMIT=${KC_TWO_HOSTS_LIMIT:-90}
WATCHDOG=""
QEMU_A=""
QEMU_B=""
DOM_A="kvmcap-2h-a-$$"
DOM_B="kvmcap-2h-b-$$"
HOST_B="kvmcap-2h-b-$$"
ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
eq() { if [ "$2" = "$3" ]; then ok "$1 ($3)"; else bad "$1: want '$2', got '$3'"; fi; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# The last line is always the summary, on every exit path. Traps may run while a function's
# output is redirected (vsh ... >/dev/null), so the early-exit lines go to fd 9, a copy of
# the original stdout (closed for the daemons we start: they must not hold it open).
exec 9>&1
SUMMARY=0
EARLY="stopped by an unexpected error (set -e)"
summary() { if [ "$SUMMARY" = 0 ]; then SUMMARY=1; echo "$PASS passed, $FAIL failed"; fi; }
give_up() { EARLY="$*"; exit 1; }
# json FILE EXPR (python3; d is the document)
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"; }
# row FILE URI FIELD-EXPR: one host's row of the fleet report
row() { json "$1" "[h for h in d['hosts'] if h['uri'] == '$2'][0]$3"; }
vsh() { timeout 20 virsh -q -c "$@"; }

undefine_on() { # URI DOMAIN DAEMON_PID: destroy and undefine, if that daemon still runs
    [ -n "$1" ] && [ -n "$3" ] && kill -0 "$3" 2>/dev/null || return 0
    kill -CONT "$3" 2>/dev/null || true
    vsh "$1" destroy "$2" >/dev/null 2>&1 || true
    vsh "$1" undefine "$2" >/dev/null 2>&1 || true
    return 0
}
undefine_all() { # both at once: a destroy waits ~2 s for init to reap its QEMU here
    undefine_on "$URI_A" "$DOM_A" "$KC_LIBVIRTD_PID" &
    undefine_on "$URI_B" "$DOM_B" "$KC_NS_LIBVIRTD_PID"
    wait $! || true
}
stop_daemons() { # by PID, at once (lib.sh's one-by-one stop waits ~2 s on each zombie here)
    kc_live_stop_pids "$QEMU_A" "$QEMU_B" # normally gone with their domains
    kc_live_stop_pids "$KC_NS_LIBVIRTD_PID" "$KC_LIBVIRTD_PID"
    kc_live_stop_pids "$KC_NS_VIRTLOGD_PID" "$KC_VIRTLOGD_PID"
    # and wait (up to 4 s) until init has reaped them: a zombie virtlogd would still match
    # the `pgrep -x virtlogd` of kc_live_start_virtlogd in the next script
    local p any
    for _ in $(seq 40); do
        any=0
        for p in "$QEMU_A" "$QEMU_B" "$KC_NS_LIBVIRTD_PID" "$KC_LIBVIRTD_PID" \
            "$KC_NS_VIRTLOGD_PID" "$KC_VIRTLOGD_PID"; do
            if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then any=1; fi
        done
        if [ "$any" = 0 ]; then return 0; fi
        sleep 0.1
    done
    return 1
}
# called by lib.sh's EXIT trap (errexit off) before it stops what is still registered
kc_live_before_stop() {
    kc_live_stop_pids "$WATCHDOG" # a SIGTERM now would cut the cleanup short
    if [ "$SUMMARY" = 0 ]; then { bad "$EARLY"; summary; } >&9; fi
    undefine_all
    stop_daemons
}
kc_live_require libvirtd virtlogd virsh unshare nsenter python3 # (prints its own summary)
kc_live_trap
trap 'EARLY="SIGTERM (the watchdog sends it after $LIMIT s)"; exit 1' TERM
trap 'EARLY="interrupted (SIGINT)"; exit 130' INT
KVMCAP=${KVMCAP_BIN:-$PWD/build/kvmcap}
[ -x "$KVMCAP" ] || give_up "no kvmcap binary at '$KVMCAP' (make, or set KVMCAP_BIN)"
T0=$(now)
python3 -c 'import os, sys, time; time.sleep(float(sys.argv[2])); os.kill(int(sys.argv[1]), 15)' \
    "$$" "$LIMIT" 9>&- &
WATCHDOG=$!
kc_live_register_pid "$WATCHDOG"

kc_live_prepare
DOMTYPE=$KC_DOMTYPE
kc_live_tmpdir TMP_A
kc_live_tmpdir TMP_B

# --- daemon A: host namespaces; daemon B: its own mount + UTS namespaces ---
kc_live_start_virtlogd_here "$TMP_A" 9>&- || give_up "daemon A: virtlogd did not start"
kc_live_start_libvirtd "$TMP_A" 9>&- || give_up "daemon A: libvirtd did not start"
URI_A=$KC_LIBVIRTD_URI
kc_live_start_libvirtd_ns "$TMP_B" "$HOST_B" 9>&- || give_up "daemon B: namespaced libvirtd did not start"
URI_B=$KC_NS_LIBVIRTD_URI
echo "daemon A: libvirtd pid $KC_LIBVIRTD_PID on $URI_A (virtlogd: ${KC_VIRTLOGD_PID:-an existing one})"
echo "daemon B: libvirtd pid $KC_NS_LIBVIRTD_PID, virtlogd pid $KC_NS_VIRTLOGD_PID on $URI_B, hostname $HOST_B"
echo "domains: type $DOMTYPE"
ok "both daemons answer ($(elapsed "$T0") s)"
check "different ports" test "$KC_LIBVIRTD_PORT" != "$KC_NS_LIBVIRTD_PORT"

MNT_HOST=$(readlink /proc/$$/ns/mnt)
MNT_A=$(readlink "/proc/$KC_LIBVIRTD_PID/ns/mnt")
MNT_B=$(readlink "/proc/$KC_NS_LIBVIRTD_PID/ns/mnt")
eq "daemon A shares this shell's mount namespace" "$MNT_HOST" "$MNT_A"
check "daemon B has its own mount namespace ($MNT_B)" test "$MNT_B" != "$MNT_A"
check "daemon B has its own UTS namespace" test "$(readlink "/proc/$KC_NS_LIBVIRTD_PID/ns/uts")" != "$(readlink /proc/$$/ns/uts)"
eq "daemon B's virtlogd is in B's mount namespace" "$MNT_B" "$(readlink "/proc/$KC_NS_VIRTLOGD_PID/ns/mnt")"
fs=""
for d in /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
    fs="$fs $(kc_live_ns_run "$KC_NS_LIBVIRTD_PID" findmnt -n -o FSTYPE,SOURCE --mountpoint "$d" | tr -s ' ' :)"
done
eq "daemon B: private tmpfs over the four libvirt directories" \
    " tmpfs:kvmcap-live tmpfs:kvmcap-live tmpfs:kvmcap-live tmpfs:kvmcap-live" "$fs"
eq "B's mounts did not propagate here" "" "$(findmnt -n -o TARGET -S kvmcap-live 2>/dev/null || true)"
eq "daemon B's hostname" "$HOST_B" "$(vsh "$URI_B" hostname 2>&1)"

# --- one tiny real domain on each ---
domxml() { # NAME MiB VCPUS
    cat <<EOF
<domain type='$DOMTYPE'>
  <name>$1</name>
  <memory unit='MiB'>$2</memory>
  <vcpu>$3</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <serial type='pty'/>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}
domxml "$DOM_A" 64 1 >"$TMP_A/dom.xml"
domxml "$DOM_B" 96 2 >"$TMP_B/dom.xml"
t0=$(now)
if vsh "$URI_A" define "$TMP_A/dom.xml" >/dev/null && vsh "$URI_A" start "$DOM_A" >/dev/null; then
    QEMU_A=$(kc_live_qemu_pid "$KC_LIBVIRTD_PID" "$DOM_A" || true)
fi
[ -n "$QEMU_A" ] && kc_live_register_pid "$QEMU_A"
if vsh "$URI_B" define "$TMP_B/dom.xml" >/dev/null && vsh "$URI_B" start "$DOM_B" >/dev/null; then
    QEMU_B=$(kc_live_qemu_pid "$KC_NS_LIBVIRTD_PID" "$DOM_B" || true)
fi
[ -n "$QEMU_B" ] && kc_live_register_pid "$QEMU_B"
check "A: $DOMTYPE domain $DOM_A running (qemu pid ${QEMU_A:-?})" kc_live_pid_alive "$QEMU_A"
check "B: $DOMTYPE domain $DOM_B running (qemu pid ${QEMU_B:-?}, both started in $(elapsed "$t0") s)" \
    kc_live_pid_alive "$QEMU_B"
if [ -z "$QEMU_A" ] || [ -z "$QEMU_B" ]; then give_up "a domain did not start: nothing more to check"; fi
check "B's QEMU pid file is not in this namespace's /run/libvirt" test ! -e "/run/libvirt/qemu/$DOM_B.pid"
check "A's QEMU pid file is not in B's /run/libvirt" \
    kc_live_ns_run "$KC_NS_LIBVIRTD_PID" test ! -e "/run/libvirt/qemu/$DOM_A.pid"
eq "virsh -c B list: only B's domain" "$DOM_B" "$(vsh "$URI_B" list --all --name | sed '/^$/d' | tr '\n' ' ' | sed 's/ $//')"
eq "virsh -c A list: only A's domain" "$DOM_A" "$(vsh "$URI_A" list --all --name | sed '/^$/d' | tr '\n' ' ' | sed 's/ $//')"
check "B's definition is not in this namespace's /etc/libvirt/qemu" test ! -e "/etc/libvirt/qemu/$DOM_B.xml"

# --- the fleet over both ---
t0=$(now)
set +e
timeout 60 "$KVMCAP" fleet -c "$URI_A" -c "$URI_B" --vm 1c1g --timeout 30 --json \
    >"$TMP_A/fleet.json" 2>"$TMP_A/fleet.err"
rc=$?
set -e
echo "fleet over both hosts: $(elapsed "$t0") s"
eq "fleet: exit 0" 0 "$rc"
eq "fleet: nothing on stderr" "" "$(cat "$TMP_A/fleet.err")"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP_A/fleet.json" 2>/dev/null ||
    give_up "fleet: no JSON report: $(head -c 300 "$TMP_A/fleet.json")"
eq "fleet: 2 hosts, both ok" "2 2 0" "$(json "$TMP_A/fleet.json" "'%d %d %d' % (d['hosts_total'], d['hosts_ok'], d['hosts_failed'])")"
eq "A: row ok" True "$(row "$TMP_A/fleet.json" "$URI_A" "['ok']")"
eq "B: row ok" True "$(row "$TMP_A/fleet.json" "$URI_B" "['ok']")"
ex() { json "$TMP_A/fleet.json" "' '.join(str([h for h in d['hosts'] if h['uri'] == '$1'][0]['existing'][k]) for k in ('vms', 'vcpus', 'mem_mib'))"; }
eq "A: existing = its own domain only (VMs vCPUs MiB)" "1 1 64" "$(ex "$URI_A")"
eq "B: existing = its own domain only (VMs vCPUs MiB)" "1 2 96" "$(ex "$URI_B")"
host_a=$(row "$TMP_A/fleet.json" "$URI_A" "['hostname']")
eq "B: hostname is B's own" "$HOST_B" "$(row "$TMP_A/fleet.json" "$URI_B" "['hostname']")"
check "A and B report different hostnames ($host_a, $HOST_B)" test "$host_a" != "$HOST_B"
ca=$(row "$TMP_A/fleet.json" "$URI_A" "['shapes'][0]['count']")
cb=$(row "$TMP_A/fleet.json" "$URI_B" "['shapes'][0]['count']")
eq "total = A + B ($ca + $cb)" "$((ca + cb))" "$(json "$TMP_A/fleet.json" "d['total'][0]['count']")"

# --- teardown, checked: domains gone, daemons stopped by PID, namespace gone ---
undefine_all
check "A's domain undefined" sh -c "! timeout 20 virsh -q -c '$URI_A' dominfo '$DOM_A' >/dev/null 2>&1"
check "B's domain undefined" sh -c "! timeout 20 virsh -q -c '$URI_B' dominfo '$DOM_B' >/dev/null 2>&1"
t0=$(now)
reaped=yes
stop_daemons || reaped=no
left=""
for p in "$QEMU_A" "$QEMU_B" "$KC_NS_LIBVIRTD_PID" "$KC_NS_VIRTLOGD_PID" "$KC_LIBVIRTD_PID" "$KC_VIRTLOGD_PID"; do
    if kc_live_pid_alive "$p"; then left="$left $p"; fi
done
eq "nothing we started still runs (stopped in $(elapsed "$t0") s)" "" "$left"
eq "and init has reaped them all (no zombies left)" yes "$reaped"
ns_left=""
for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$MNT_B" ] && kc_live_pid_alive "${p#/proc/}" && ns_left="$ns_left ${p#/proc/}"
done
eq "no process left in B's mount namespace" "" "$ns_left"

echo "run time: $(elapsed "$T0") s"
summary
[ "$FAIL" = 0 ]
