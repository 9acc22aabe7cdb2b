#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# record.sh: `kvmcap record` through what real hosts do to it (issue 15), against a private
# libvirtd serving a test-driver host over loopback TCP (no guests needed):
#   1. libvirtd stopped and started again mid-recording: record keeps running, reconnects
#      within --timeout (plus one interval) of the daemon answering again, records the gap
#      (one `gaps` row covering the outage, the next sample `fresh`), exits 0 at --duration,
#      and `demand` reads the file and counts the gap.
#   2. The recorder's wall clock stepped back an hour mid-recording (libfaketime with a
#      timestamp file, CLOCK_MONOTONIC left real): samples keep their pace (monotonic
#      intervals of about --interval across the step, as many samples as without it), the
#      stamps are the real (stepped) ones, and `demand` reads it with a window that does
#      not wrap. Skipped with a FAIL line when libfaketime is missing (make deps installs it).
# Needs root, libvirtd, virsh, sqlite3, python3, KVMCAP_BIN. Everything started here is
# stopped by PID on every exit path.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=tests/live/lib.sh
. tests/live/lib.sh
PASS=0
FAIL=0
TMP=""
KVMCAP=${KVMCAP_BIN:-$PWD/build/kvmcap}
FAKETIME_LIB=${KC_FAKETIME_LIB:-/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1}
ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
q() { sqlite3 "$1" "$2"; }
now_ns() { date +%s%N; }
SUMMARY=0
summary() { if [ "$SUMMARY" = 0 ]; then SUMMARY=1; echo "$PASS passed, $FAIL failed"; fi; }
kc_live_before_stop() { summary; }

kc_live_trap
kc_live_require libvirtd virsh sqlite3 python3
[ -x "$KVMCAP" ] || { echo "record: no kvmcap at '$KVMCAP'"; echo "0 passed, 1 failed"; exit 1; }
export KVMCAP_DATADIR=${KVMCAP_DATADIR:-$PWD/data} LC_ALL=C NO_COLOR=1
kc_live_prepare >/dev/null
kc_live_tmpdir TMP
kc_live_start_libvirtd "$TMP" || { echo "0 passed, 1 failed"; exit 1; }
cat >"$TMP/host.xml" <<'EOF'
<node>
  <cpu><mhz>2400</mhz><model>x86_64</model><active>8</active><nodes>1</nodes>
    <sockets>1</sockets><cores>4</cores><threads>2</threads></cpu>
  <memory>16777216</memory>
  <domain type='test'><name>a</name><memory unit='MiB'>1024</memory><vcpu>1</vcpu>
    <os><type>hvm</type></os></domain>
  <domain type='test'><name>b</name><memory unit='MiB'>2048</memory><vcpu>2</vcpu>
    <os><type>hvm</type></os></domain>
</node>
EOF
URI="test+tcp://127.0.0.1:$KC_LIBVIRTD_PORT$TMP/host.xml"
kc_live_wait_uri "$URI" || { bad "the test-driver host does not answer on $URI"; exit 1; }

# ---- 1. libvirtd restarted during record
TIMEOUT=3
DB="$TMP/restart.db"
"$KVMCAP" record -c "$URI" --interval 1 --duration 16s --timeout "$TIMEOUT" --out "$DB" \
    >"$TMP/rec1.out" 2>"$TMP/rec1.err" &
REC=$!
kc_live_register_pid "$REC"
sleep 4
down_ns=$(now_ns)
kc_live_stop_pids "$KC_LIBVIRTD_PID"
sleep 4
# the same daemon again, on the same port and configuration
libvirtd --listen -f "$TMP/libvirtd.conf" -p "$TMP/libvirtd.pid" -d
for _ in $(seq 100); do [ -s "$TMP/libvirtd.pid" ] && break; sleep 0.05; done
KC_LIBVIRTD_PID=$(cat "$TMP/libvirtd.pid")
kc_live_register_pid "$KC_LIBVIRTD_PID"
kc_live_wait_uri "$URI" || bad "libvirtd did not come back"
up_ns=$(now_ns)
set +e
wait "$REC"
st=$?
set -e
check "record exits 0 at --duration through a libvirtd restart (status $st: $(head -c 200 "$TMP/rec1.err"))" \
    test "$st" = 0
gaps=$(q "$DB" "SELECT count(*) FROM gaps")
check "one gap recorded ($gaps)" test "$gaps" = 1
read -r g_from g_to <<<"$(q "$DB" "SELECT from_ns, to_ns FROM gaps" | tr '|' ' ')"
check "the gap covers the outage (from $g_from to $g_to, daemon down $down_ns .. up $up_ns)" \
    python3 -c "import sys; f, t, d, u = map(int, sys.argv[1:]); sys.exit(not (f >= d - 2e9 and f <= u and t >= u - 1e9 and t > f))" \
    "$g_from" "$g_to" "$down_ns" "$up_ns"
first_fresh=$(q "$DB" "SELECT min(wall_ns) FROM samples WHERE fresh = 1")
check "reconnected within --timeout + 1 interval of the daemon answering ($(( (first_fresh - up_ns) / 1000000 )) ms)" \
    python3 -c "import sys; s, u, t = map(int, sys.argv[1:]); sys.exit(not (s >= u - 1e9 and s - u <= (t + 1.5) * 1e9))" \
    "$first_fresh" "$up_ns" "$TIMEOUT"
check "the sample after the gap starts new series (fresh), the others do not" \
    test "$(q "$DB" "SELECT count(*) FROM samples WHERE fresh = 1")" = 1
n=$(q "$DB" "SELECT count(*) FROM samples")
check "samples before and after the outage ($n)" test "$n" -ge 8
check "the run ended cleanly" test "$(q "$DB" "SELECT count(*) FROM runs WHERE ended_ns IS NOT NULL")" = 1
"$KVMCAP" demand "$DB" --json >"$TMP/d1.json"
check "demand reads it and counts the gap" \
    python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['demand']; sys.exit(not (d['gaps'] == 1 and d['runs'] == 1 and d['samples'] == int(sys.argv[2])))" \
    "$TMP/d1.json" "$n"

# ---- 2. the wall clock stepped back an hour mid-recording
if [ ! -r "$FAKETIME_LIB" ]; then
    bad "libfaketime is missing ($FAKETIME_LIB; make deps installs faketime): clock step not tested"
else
    DB="$TMP/step.db"
    echo "+0" >"$TMP/faketime"
    LD_PRELOAD=$FAKETIME_LIB FAKETIME_TIMESTAMP_FILE="$TMP/faketime" FAKETIME_NO_CACHE=1 \
        FAKETIME_DONT_FAKE_MONOTONIC=1 \
        "$KVMCAP" record -c "$URI" --interval 1 --duration 10s --timeout 5 --out "$DB" \
        >"$TMP/rec2.out" 2>"$TMP/rec2.err" &
    REC=$!
    kc_live_register_pid "$REC"
    sleep 4.5
    echo "-3600" >"$TMP/faketime"
    set +e
    wait "$REC"
    st=$?
    set -e
    check "record exits 0 through a clock step (status $st: $(head -c 200 "$TMP/rec2.err"))" test "$st" = 0
    n=$(q "$DB" "SELECT count(*) FROM samples")
    check "as many samples as the monotonic duration gives ($n of 10)" test "$n" -ge 9 -a "$n" -le 11
    step=$(q "$DB" "SELECT count(*) FROM samples a JOIN samples b ON b.id = a.id + 1 WHERE a.wall_ns - b.wall_ns > 3500000000000")
    check "the stamps are the real ones: one step back of about an hour ($step)" test "$step" = 1
    check "the monotonic stamps keep their pace across the step (0.5 .. 2.5 s apart, increasing)" \
        test "$(q "$DB" "SELECT count(*) FROM samples a JOIN samples b ON b.id = a.id + 1 WHERE b.mono_ns - a.mono_ns NOT BETWEEN 500000000 AND 2500000000")" = 0
    check "no gap and no fresh sample from a clock step" \
        test "$(q "$DB" "SELECT count(*) FROM gaps") $(q "$DB" "SELECT count(*) FROM samples WHERE fresh = 1")" = "0 0"
    "$KVMCAP" demand "$DB" --json >"$TMP/d2.json"
    check "demand reads it: every sample, a window from the earliest to the latest stamp" \
        python3 -c "import json,sys; d=json.load(open(sys.argv[1]))['demand']; sys.exit(not (d['samples'] == int(sys.argv[2]) and 3590 <= d['window']['seconds'] <= 3610))" \
        "$TMP/d2.json" "$n"
fi
summary
[ "$FAIL" = 0 ]
