#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run.sh: live tests against a private libvirtd on loopback with real tiny KVM domains.
#
# As root: prepares what libvirt-daemon-system would have (idempotently), starts its own
# virtlogd and libvirtd (own config, pid files and logs in a temp dir, TCP on 127.0.0.1 only),
# boots two 64 MiB domains and defines a third, and checks kvmcap's facts against virsh and
# the subtraction of exactly the running domains. Everything it started is stopped by PID on
# every exit path. KVMCAP_BIN (optional) is the kvmcap binary; until its `facts` command
# exists, the collector is checked through tests/live/collect.c, built here.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=tests/live/lib.sh
. tests/live/lib.sh
PASS=0
FAIL=0
TMP=""
URI=""
DOMS=(kvmcap-live-a kvmcap-live-b kvmcap-live-c)

ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
# check DESC COMMAND...: one test line.
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
# eq DESC WANT GOT
eq() { if [ "$2" = "$3" ]; then ok "$1 ($3)"; else bad "$1: want '$2', got '$3'"; fi; }
now() { date +%s.%N; }
elapsed_lt() { awk -v a="$1" -v b="$(now)" -v m="$2" 'BEGIN { exit !((b - a) < m) }'; }
val() { sed -n "s/^$1=//p" "$2" | head -n 1; }

# called by lib.sh's EXIT trap before the daemons stop
kc_live_before_stop() {
    if [ -n "$URI" ] && [ -n "$KC_LIBVIRTD_PID" ] && kill -0 "$KC_LIBVIRTD_PID" 2>/dev/null; then
        kill -CONT "$KC_LIBVIRTD_PID" 2>/dev/null
        for d in "${DOMS[@]}"; do
            timeout 10 virsh -q -c "$URI" destroy "$d" >/dev/null 2>&1
            timeout 10 virsh -q -c "$URI" undefine "$d" >/dev/null 2>&1
        done
    fi
}
kc_live_trap
kc_live_require libvirtd virtlogd virsh pkg-config

# --- what libvirt-daemon-system would have done (idempotent) ---
kc_live_prepare
DOMTYPE=$KC_DOMTYPE

kc_live_tmpdir TMP

# --- the collector driver (until the CLI's `facts` exists) ---
CFLAGS_K="-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Werror -Wshadow \
-Wconversion -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wundef -O1 -g"
# shellcheck disable=SC2086
kc_live_lib
${CC:-cc} $CFLAGS_K -Imodel -Iplanner $(pkg-config --cflags libvirt libxml-2.0) \
    -o "$TMP/collect" tests/live/collect.c "$KVMCAP_LIB" $KVMCAP_LIBS
COLLECT="$TMP/collect"

# --- virtlogd and a private libvirtd on a free loopback port ---
kc_live_start_virtlogd "$TMP"
if ! kc_live_start_libvirtd "$TMP"; then
    echo "0 passed, 1 failed"
    exit 1
fi
LIBVIRTD_PID=$KC_LIBVIRTD_PID
URI=$KC_LIBVIRTD_URI
echo "private libvirtd pid $LIBVIRTD_PID on $URI (domains: type $DOMTYPE)"

# --- facts vs virsh on the same daemon ---
"$COLLECT" --timeout 30 "$URI" >"$TMP/before" 2>"$TMP/err" || { cat "$TMP/err"; }
check "collector answers on $URI" test -s "$TMP/before"
eq "cpus = virsh nodeinfo CPU(s)" "$(virsh -c "$URI" nodeinfo | awk -F: '/^CPU\(s\)/ {gsub(/ /,"",$2); print $2}')" "$(val cpus "$TMP/before")"
total_kib=$(virsh -c "$URI" nodememstats | awk '/^total/ {print $3}')
eq "memory = virsh nodememstats total" "$((total_kib / 1024))" "$(val mem_mib "$TMP/before")"
eq "memory source is the memory stats" "memory-stats" "$(val mem_source "$TMP/before")"
ni_mib=$(( $(virsh -c "$URI" nodeinfo | awk '/^Memory size/ {print $3}') / 1024 ))
if [ "$ni_mib" != "$((total_kib / 1024))" ]; then
    eq "virNodeGetInfo's differing memory is recorded" "$ni_mib" "$(val nodeinfo_mem_mib "$TMP/before")"
else
    eq "no discrepancy recorded when nodeinfo agrees" "0" "$(val nodeinfo_mem_mib "$TMP/before")"
fi
virsh -c "$URI" capabilities >"$TMP/caps.xml"
eq "NUMA cells = virsh capabilities" "$(grep -c '<cell id=' "$TMP/caps.xml")" "$(val numa "$TMP/before")"
cell0_kib=$(awk '/<cell id=.0.>/ {f=1} f && /<memory unit=.KiB.>/ {gsub(/[^0-9]/,""); print; exit}' "$TMP/caps.xml")
if [ -n "$cell0_kib" ]; then
    eq "cell 0 memory = virsh capabilities" "$((cell0_kib / 1024))" "$(val numa0 "$TMP/before" | awk '{print $2}')"
fi

# --- real domains: two running, one defined but off ---
for d in "${DOMS[@]}"; do
    cat >"$TMP/$d.xml" <<EOF
<domain type='$DOMTYPE'>
  <name>$d</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <serial type='pty'/>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
    virsh -q -c "$URI" define "$TMP/$d.xml" >/dev/null
done
started=1
for d in kvmcap-live-a kvmcap-live-b; do
    if ! timeout 60 virsh -q -c "$URI" start "$d" >"$TMP/start.err" 2>&1; then
        started=0
        cat "$TMP/start.err"
    fi
done
check "two tiny $DOMTYPE domains started" test "$started" = 1

"$COLLECT" --timeout 30 "$URI" >"$TMP/after" 2>"$TMP/err" || cat "$TMP/err"
eq "running VMs grew by exactly 2" "$(( $(val running_vms "$TMP/before") + 2 ))" "$(val running_vms "$TMP/after")"
eq "running vCPUs grew by exactly 2" "$(( $(val running_vcpus "$TMP/before") + 2 ))" "$(val running_vcpus "$TMP/after")"
eq "running memory grew by exactly 128 MiB" "$(( $(val running_mem_mib "$TMP/before") + 128 ))" "$(val running_mem_mib "$TMP/after")"
check "defined-but-off domain is listed as off" grep -qx "vm=kvmcap-live-c 1 64 off" "$TMP/after"
check "running domain is listed as running" grep -qx "vm=kvmcap-live-a 1 64 running" "$TMP/after"
check "VMs come sorted by name" sh -c "grep '^vm=' '$TMP/after' | LC_ALL=C sort -c"

# --- through the CLI, once it has `facts` ---
if [ -n "${KVMCAP_BIN:-}" ] && "$KVMCAP_BIN" facts --help >/dev/null 2>&1; then
    json_get() { # FILE EXPR (python3 if present, else a flat grep of "key": number)
        if command -v python3 >/dev/null; then
            python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"
        else
            grep -o "\"$3\": *[0-9]*" "$1" | head -n 1 | sed 's/.*: *//'
        fi
    }
    "$KVMCAP_BIN" facts --json -c "$URI" >"$TMP/facts.json"
    eq "kvmcap facts: cpus" "$(val cpus "$TMP/before")" "$(json_get "$TMP/facts.json" "d.get('cpus', d.get('host', {}).get('cpus'))" cpus)"
    eq "kvmcap facts: mem_mib" "$(val mem_mib "$TMP/before")" "$(json_get "$TMP/facts.json" "d.get('mem_mib', d.get('host', {}).get('mem_mib'))" mem_mib)"
    virsh -q -c "$URI" destroy kvmcap-live-a >/dev/null; virsh -q -c "$URI" destroy kvmcap-live-b >/dev/null
    "$KVMCAP_BIN" -c "$URI" --vm 1c1g --json >"$TMP/fit0.json"
    virsh -q -c "$URI" start kvmcap-live-a >/dev/null; virsh -q -c "$URI" start kvmcap-live-b >/dev/null
    "$KVMCAP_BIN" -c "$URI" --vm 1c1g --json >"$TMP/fit1.json"
    for k in vms:2 vcpus:2 mem_mib:128; do
        f=${k%%:*}; n=${k##*:}
        a=$(json_get "$TMP/fit0.json" "d['existing']['$f']" "$f")
        b=$(json_get "$TMP/fit1.json" "d['existing']['$f']" "$f")
        eq "kvmcap existing.$f grows by $n with the running domains" "$((a + n))" "$b"
    done
    res() { json_get "$1" "[r for r in d['shapes'][0]['resources'] if r['name'] == '$2'][0]['$3']" "$3"; }
    eq "kvmcap cpu limit drops by exactly the 2 running vCPUs" \
        "$(( $(res "$TMP/fit0.json" cpu limit) - 2 ))" "$(res "$TMP/fit1.json" cpu limit)"
    eq "kvmcap memory used grows by exactly 128 MiB" \
        "$(( $(res "$TMP/fit0.json" memory used) + 128 ))" "$(res "$TMP/fit1.json" memory used)"
    # round trip: a saved facts file plans exactly like the live host
    "$KVMCAP_BIN" facts --json -c "$URI" >"$TMP/saved.json"
    "$KVMCAP_BIN" --facts "$TMP/saved.json" --vm 1c1g --json >"$TMP/fit2.json"
    for e in "d['shapes'][0]['count']" "d['existing']['mem_mib']" "d['host']['mem_mib']"; do
        eq "facts file plans like the live host: $e" "$(json_get "$TMP/fit1.json" "$e" x)" \
            "$(json_get "$TMP/fit2.json" "$e" x)"
    done
else
    echo "note: \$KVMCAP_BIN facts --help does not exit 0: CLI checks skipped (collector checked directly)"
fi

# --- failure modes ---
CLOSED=$(kc_live_free_port)
t0=$(now)
set +e
"$COLLECT" --timeout 5 "qemu+tcp://127.0.0.1:$CLOSED/system" >/dev/null 2>"$TMP/err"
rc=$?
set -e
eq "no daemon on a closed port: exit 4" 4 "$rc"
check "no daemon: fast (< 2 s)" elapsed_lt "$t0" 2
eq "no daemon: one line on stderr" 1 "$(wc -l <"$TMP/err")"

kill -STOP "$LIBVIRTD_PID"
t0=$(now)
set +e
"$COLLECT" --timeout 3 "$URI" >/dev/null 2>"$TMP/err"
rc=$?
set -e
eq "stopped daemon: exit 4" 4 "$rc"
check "stopped daemon: within timeout + 2 s" elapsed_lt "$t0" 5
check "stopped daemon: 'did not answer within 3 s'" grep -qx "kvmcap: '$URI' did not answer within 3 s" "$TMP/err"
if [ -n "${KVMCAP_BIN:-}" ] && "$KVMCAP_BIN" facts --help >/dev/null 2>&1; then
    t0=$(now)
    set +e
    "$KVMCAP_BIN" --timeout 3 -c "$URI" --vm 1c1g >/dev/null 2>"$TMP/err"
    rc=$?
    set -e
    eq "kvmcap on a stopped daemon: exit 4" 4 "$rc"
    check "kvmcap on a stopped daemon: within timeout + 2 s" elapsed_lt "$t0" 5
    check "kvmcap on a stopped daemon: 'did not answer'" grep -q "did not answer within 3 s" "$TMP/err"
fi
kill -CONT "$LIBVIRTD_PID"
check "daemon answers again after SIGCONT" sh -c "timeout 10 virsh -c '$URI' uri >/dev/null"

# --- no URI and no daemon on the local socket: the embedded driver ---
if [ ! -S /run/libvirt/libvirt-sock-ro ] && [ -z "${LIBVIRT_DEFAULT_URI:-}" ]; then
    set +e
    # its root in a cache of this test's own (tests/live/embed.sh checks the reuse)
    XDG_CACHE_HOME=$TMP/cache "$COLLECT" --timeout 30 >"$TMP/embed" 2>"$TMP/err"
    rc=$?
    set -e
    eq "no daemon: embedded driver answers" 0 "$rc"
    eq "embedded: source" embedded "$(val source "$TMP/embed")"
    eq "embedded: cpus = virsh nodeinfo" "$(val cpus "$TMP/before")" "$(val cpus "$TMP/embed")"
    check "embedded: no kvmcap-embed-* root in TMPDIR" sh -c "! ls -d \${TMPDIR:-/tmp}/kvmcap-embed-* 2>/dev/null"
    check "embedded: its root kept in the cache" test -d "$TMP/cache/kvmcap/embed"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
