#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# chain.sh: the live chain of issue 16 on guests of known load. As root: a private libvirtd
# in its own mount and UTS namespaces (lib.sh) running two tiny multiboot guests (lib.sh:
# spin keeps one core busy, halt uses none); Debian's prometheus-libvirt-exporter on that
# daemon's read-only socket (qemu:///system?socket=.../libvirt-sock-ro) and
# prometheus-node-exporter, both on loopback; Debian's prometheus scraping them every second
# for ~30 s (KC_CHAIN_SECONDS) while `kvmcap record` records the same daemon. Then
# `kvmcap demand --prometheus` over the recording's window and `kvmcap demand REC.db` must
# agree, and both must agree with /proc of the QEMU processes (utime + stime at the window's
# ends, as tests/live/demand.sh reads them):
#   - spin's mean CPU: within 0.1 core between the two sources and of /proc's, and near one
#     core (within 0.15) where /proc says it got one (a saturated machine gives it less);
#   - halt's mean CPU: under 0.05 core in both;
#   - memory: the recording's is QEMU's RSS (within 10 % of /proc's VmRSS); the exporter has
#     no RSS, so Prometheus's is the balloon's current size, libvirt's current memory (128
#     MiB here, no balloon device), and the report says so.
# Prints "N passed, M failed" last; exits 1 on a failure. Everything started here is stopped
# by PID on every exit path.
# Needs root, libvirtd, virtlogd, virsh, unshare, nsenter, python3, gcc (-m32), ld, curl,
# prometheus, prometheus-libvirt-exporter, prometheus-node-exporter, KVMCAP_BIN.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/live/lib.sh
. tests/live/lib.sh
PASS=0
FAIL=0
TMP=""
URI=""
K=${KVMCAP_BIN:-$PWD/build/kvmcap}
SECS=${KC_CHAIN_SECONDS:-30}
PREFIX="kvmcap-ch-$$"
DOMS=(spin halt)
ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
eq() { if [ "$2" = "$3" ]; then ok "$1 ($3)"; else bad "$1: expected '$2', got '$3'"; fi; }
near() {    # DESC A B TOL: |A - B| <= TOL
    if python3 -c "import sys; a, b, t = map(float, sys.argv[1:]); sys.exit(abs(a - b) > t)" "$2" "$3" "$4" 2>/dev/null; then
        ok "$1 ($2 vs $3, within $4)"
    else
        bad "$1: $2 vs $3, more than $4 apart"
    fi
}
below() {   # DESC A B: A < B
    if python3 -c "import sys; sys.exit(not float(sys.argv[1]) < float(sys.argv[2]))" "$2" "$3" 2>/dev/null; then
        ok "$1 ($2 < $3)"
    else
        bad "$1: $2 is not below $3"
    fi
}
vsh() { timeout 30 virsh -q -c "$URI" "$@"; }
# the field F of VM NAME in a demand report (one host, or the first host of several)
vmf() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
h = d["hosts"][0] if "hosts" in d else d
print([v for v in h["vms"] if v["name"] == sys.argv[2]][0][sys.argv[3]])' "$1" "$PREFIX-$2" "$3" 2>/dev/null
}
SUMMARY=0
summary() { if [ "$SUMMARY" = 0 ]; then SUMMARY=1; echo "$PASS passed, $FAIL failed"; fi; }
finish() { summary; [ "$FAIL" = 0 ]; exit $?; }

kc_live_before_stop() {
    if [ -n "$URI" ] && [ -n "$KC_NS_LIBVIRTD_PID" ] && kill -0 "$KC_NS_LIBVIRTD_PID" 2>/dev/null; then
        for d in "${DOMS[@]}"; do
            vsh destroy "$PREFIX-$d" >/dev/null 2>&1
            vsh undefine "$PREFIX-$d" >/dev/null 2>&1
        done
    fi
    summary
}
kc_live_trap
kc_live_require libvirtd virtlogd virsh unshare nsenter python3 gcc ld curl prometheus \
    prometheus-libvirt-exporter prometheus-node-exporter
if [ ! -x "$K" ]; then bad "kvmcap built ($K)"; finish; fi
kc_live_prepare
kc_live_tmpdir TMP
chmod 0755 "$TMP"

built=0
kc_live_build_kernels "$TMP" && built=1
check "multiboot kernels built" test "$built" = 1
[ "$built" = 1 ] || finish
if ! kc_live_start_libvirtd_ns "$TMP" "$PREFIX-host"; then bad "private libvirtd started"; finish; fi
URI=$KC_NS_LIBVIRTD_URI
RO="$TMP/sock/libvirt-sock-ro"
echo "private libvirtd pid $KC_NS_LIBVIRTD_PID on $URI, read-only socket $RO"
check "the daemon's read-only socket is there" test -S "$RO"
started=1
kc_live_define_guest "$URI" "$TMP" "$PREFIX-spin" spin 1 || started=0
kc_live_define_guest "$URI" "$TMP" "$PREFIX-halt" halt 1 || started=0
for d in "${DOMS[@]}"; do vsh start "$PREFIX-$d" >/dev/null || started=0; done
check "two guests started (spin, halt; type $KC_DOMTYPE)" test "$started" = 1
[ "$started" = 1 ] || finish
PID_spin=$(kc_live_qemu_pid "$KC_NS_LIBVIRTD_PID" "$PREFIX-spin")
PID_halt=$(kc_live_qemu_pid "$KC_NS_LIBVIRTD_PID" "$PREFIX-halt")
check "the QEMU processes are known ($PID_spin, $PID_halt)" test -n "$PID_spin" -a -n "$PID_halt"
for _ in $(seq 600); do     # until both kernels have touched their 64 MiB
    done_=1
    for p in "$PID_spin" "$PID_halt"; do
        r=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
        [ "${r:-0}" -ge 95000 ] || done_=0
    done
    [ "$done_" = 1 ] && break
    sleep 0.1
done
check "the guests touched their memory" test "$done_" = 1

# --- the exporters and the server ---
kc_live_start_exporters "qemu:///system?socket=$RO" "$TMP" ||
    { bad "exporters: no free loopback port"; finish; }
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$KC_LE_PORT/metrics" -o "$TMP/metrics.txt" 2>/dev/null &&
        grep -q "^libvirt_domain_info_cpu_time_seconds_total{domain=\"$PREFIX-spin\"" "$TMP/metrics.txt" &&
        break
    sleep 0.2
done
check "the libvirt exporter reads the guests over the read-only socket" \
    grep -q "^libvirt_domain_info_cpu_time_seconds_total{domain=\"$PREFIX-spin\"" "$TMP/metrics.txt"
mkdir -p "$TMP/data"
up=0
kc_live_start_prometheus "$TMP/prometheus.yml" "$TMP/data" "$TMP/prometheus.log" && up=1
URL=$KC_PROM_URL
check "prometheus answers on $URL (pid $KC_PROM_PID)" test "$up" = 1
[ "$up" = 1 ] || finish
sleep 2     # a first scrape before the window starts

# --- the window: kvmcap record beside Prometheus's scrapes, /proc read at both ends ---
proc_cpu() {    # PID: utime + stime in seconds, and VmRSS in KiB
    python3 -c '
import os, re, sys
p = sys.argv[1]
f = open("/proc/%s/stat" % p).read().rsplit(")", 1)[1].split()
rss = re.search(r"VmRSS:\s+(\d+)", open("/proc/%s/status" % p).read()).group(1)
print((int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK"), rss)' "$1"
}
now_s() { date +%s.%N; }
read -r c0_spin _ < <(proc_cpu "$PID_spin")
read -r c0_halt _ < <(proc_cpu "$PID_halt")
T_START=$(now_s)
"$K" record -c "$URI" --interval 1 --duration "${SECS}s" --out "$TMP/rec.db" -q >"$TMP/rec.log" 2>&1
rc=$?
T_END=$(now_s)
read -r c1_spin rss_spin < <(proc_cpu "$PID_spin")
read -r c1_halt _ < <(proc_cpu "$PID_halt")
eq "record -c the private daemon for ${SECS}s: exit 0 $(head -c 200 "$TMP/rec.log")" 0 "$rc"
sleep 2     # Prometheus has scraped the whole window by now
ref_spin=$(python3 -c "print(round(($c1_spin - $c0_spin) / ($T_END - $T_START), 3))")
ref_halt=$(python3 -c "print(round(($c1_halt - $c0_halt) / ($T_END - $T_START), 3))")
echo "/proc over the window ($(python3 -c "print(round($T_END - $T_START, 1))") s): spin $ref_spin cores, halt $ref_halt cores, spin VmRSS $rss_spin KiB"
# the slots of Prometheus inside the recording's window (whole seconds)
SINCE=$(python3 -c "import math; print(math.ceil($T_START) + 1)")
UNTIL=$(python3 -c "import math; print(math.floor($T_END))")
"$K" demand --prometheus "$URL" --since "@$SINCE" --until "@$UNTIL" --step 1s \
    --match 'job="libvirt"' --json >"$TMP/prom.json" 2>"$TMP/prom.err"
rc=$?
eq "demand --prometheus over the window: exit 0 $(head -c 200 "$TMP/prom.err")" 0 "$rc"
"$K" demand --prometheus "$URL" --since "@$SINCE" --until "@$UNTIL" --step 1s \
    --match 'job="libvirt"' >"$TMP/prom.txt" 2>&1
"$K" demand "$TMP/rec.db" --json >"$TMP/rec.json" 2>"$TMP/rec.err"
rc=$?
eq "demand of the recording: exit 0 $(head -c 200 "$TMP/rec.err")" 0 "$rc"
sed 's/^/# /' "$TMP/prom.txt"
eq "demand --prometheus: one host" 1 "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["hosts"]))' "$TMP/prom.json" 2>/dev/null)"
slots=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["hosts"][0]["demand"]["samples"])' "$TMP/prom.json" 2>/dev/null)
check "  ... $slots one-second slots ($SINCE..$UNTIL)" test "${slots:-0}" -ge $((SECS / 2))

p_spin=$(vmf "$TMP/prom.json" spin cpu_cores_mean)
r_spin=$(vmf "$TMP/rec.json" spin cpu_cores_mean)
p_halt=$(vmf "$TMP/prom.json" halt cpu_cores_mean)
r_halt=$(vmf "$TMP/rec.json" halt cpu_cores_mean)
echo "mean CPU: spin prometheus $p_spin, record $r_spin, /proc $ref_spin; halt prometheus $p_halt, record $r_halt, /proc $ref_halt"
near "spin: mean CPU, prometheus vs record" "$p_spin" "$r_spin" 0.1
near "spin: mean CPU, prometheus vs /proc" "$p_spin" "$ref_spin" 0.1
near "spin: mean CPU, record vs /proc" "$r_spin" "$ref_spin" 0.1
if python3 -c "import sys; sys.exit(not $ref_spin >= 0.85)"; then
    near "spin: one core busy (prometheus)" "$p_spin" 1 0.15
    near "spin: one core busy (record)" "$r_spin" 1 0.15
else
    echo "note: the machine is saturated (/proc: spin got $ref_spin of a core): 'one core' not checked"
fi
below "halt: mean CPU near zero (prometheus)" "$p_halt" 0.05
below "halt: mean CPU near zero (record)" "$r_halt" 0.05
eq "the same VMs, vCPUs and memory in both" \
    "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sorted((v["name"], v["vcpus"], v["mem_mib"], v["state"]) for v in d["vms"]))' "$TMP/rec.json")" \
    "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["hosts"][0]
print(sorted((v["name"], v["vcpus"], v["mem_mib"], v["state"]) for v in d["vms"]))' "$TMP/prom.json")"
# memory: QEMU's RSS in the recording, the balloon's current size from Prometheus
r_rss=$(vmf "$TMP/rec.json" spin mem_rss_mib_max)
p_rss=$(vmf "$TMP/prom.json" spin mem_rss_mib_max)
near "spin: the recording's memory is QEMU's RSS (/proc VmRSS, within 10 %)" "$r_rss" \
    "$(python3 -c "print(round($rss_spin / 1024))")" "$(python3 -c "print(round(${r_rss:-0} * 0.1, 1))")"
eq "spin: Prometheus's memory is the balloon's current size: libvirt's current memory" \
    "$(vsh dominfo "$PREFIX-spin" | awk '/^Used memory:/ {print int($3 / 1024)}')" "$p_rss"
check "  ... and the report says which figure stands in" grep -q "balloon's current size" "$TMP/prom.txt"
check "  ... in its JSON too (mem_rss_standin)" python3 -c '
import json, sys
sys.exit("balloon" not in json.load(open(sys.argv[1]))["hosts"][0]["host"]["mem_rss_standin"])' "$TMP/prom.json"
finish
