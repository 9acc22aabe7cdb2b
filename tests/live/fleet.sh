#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# fleet.sh: `kvmcap fleet` against real parts: one private libvirtd on loopback serving many
# test-driver hosts (test+tcp://127.0.0.1:PORT/ABS/PATH.xml, one generated XML each), a
# refused port and a peer that accepts and never answers in the same fleet, --save-facts,
# and 200 hosts collected in parallel and one by one (times printed, never asserted).
# Needs root (lib.sh starts the daemon), python3 for the JSON checks, KVMCAP_BIN.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=tests/live/lib.sh
. tests/live/lib.sh
PASS=0
FAIL=0
TMP=""
ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
eq() { if [ "$2" = "$3" ]; then ok "$1 ($3)"; else bad "$1: want '$2', got '$3'"; fi; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
elapsed_lt() { awk -v a="$1" -v b="$(now)" -v m="$2" 'BEGIN { exit !((b - a) < m) }'; }
# jq-like: json FILE EXPR (python3; d is the document)
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"; }

kc_live_trap
kc_live_require libvirtd virsh python3
KVMCAP=${KVMCAP_BIN:-$PWD/build/kvmcap}
if [ ! -x "$KVMCAP" ]; then
    echo "fleet: no kvmcap binary at '$KVMCAP' (make, or set KVMCAP_BIN)"
    echo "0 passed, 1 failed"
    exit 1
fi
kc_live_prepare
kc_live_tmpdir TMP
if ! kc_live_start_libvirtd "$TMP"; then
    echo "0 passed, 1 failed"
    exit 1
fi
PORT=$KC_LIBVIRTD_PORT
echo "private libvirtd pid $KC_LIBVIRTD_PID on 127.0.0.1:$PORT"

# host i: CPUs 4 x (i % 4 + 1), memory 8 GiB x (i % 3 + 1), i % 3 running 1c2g domains
gen_host() {
    local i=$1 cpus=$((4 * ($1 % 4 + 1))) mem_kib=$((8 * ($1 % 3 + 1) * 1048576)) d
    {
        echo "<node><cpu><mhz>2000</mhz><model>x86_64</model><active>$cpus</active>"
        echo "<nodes>1</nodes><sockets>1</sockets><cores>$((cpus / 2))</cores><threads>2</threads></cpu>"
        echo "<memory>$mem_kib</memory>"
        for ((d = 0; d < i % 3; d++)); do
            echo "<domain type='test'><name>vm$d</name><memory unit='GiB'>2</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>"
        done
        echo "</node>"
    } >"$TMP/hosts/h$i.xml"
}
# how many more 2c4g fit on host i (default policy: reserve 512 MiB, cpu ratio 4.0)
want_2c4g() {
    local i=$1 cpus=$((4 * ($1 % 4 + 1))) mem=$((8 * ($1 % 3 + 1) * 1024)) vms=$(($1 % 3))
    local m=$(((mem - 512 - 2048 * vms) / 4096)) c=$(((cpus * 4 - vms) / 2))
    echo $((m < c ? m : c))
}
mkdir -p "$TMP/hosts"
for i in $(seq 1 200); do gen_host "$i"; done
uri_of() { echo "test+tcp://127.0.0.1:$PORT$TMP/hosts/h$1.xml"; }

# --- 12 hosts: counts per host and totals against hand-computed values ---
: >"$TMP/twelve.txt"
total=0
for i in $(seq 1 12); do uri_of "$i" >>"$TMP/twelve.txt"; total=$((total + $(want_2c4g "$i"))); done
set +e
"$KVMCAP" fleet --hosts "$TMP/twelve.txt" --vm 2c4g --json >"$TMP/twelve.json" 2>"$TMP/err"
rc=$?
set -e
eq "12 hosts: exit 0" 0 "$rc"
eq "12 hosts: all answered" 12 "$(json "$TMP/twelve.json" "d['hosts_ok']")"
good=0
for i in $(seq 1 12); do
    got=$(json "$TMP/twelve.json" "[h for h in d['hosts'] if h['uri'] == '$(uri_of "$i")'][0]['shapes'][0]['count']")
    [ "$got" = "$(want_2c4g "$i")" ] && good=$((good + 1)) || echo "  h$i: want $(want_2c4g "$i"), got $got"
done
eq "12 hosts: each count = hand-computed" 12 "$good"
eq "12 hosts: total = sum of hand-computed counts" "$total" "$(json "$TMP/twelve.json" "d['total'][0]['count']")"
eq "host 3: existing VMs subtracted (0 running)" 0 "$(json "$TMP/twelve.json" "[h for h in d['hosts'] if h['uri'] == '$(uri_of 3)'][0]['existing']['vms']")"
eq "host 5: 2 running domains counted" 2 "$(json "$TMP/twelve.json" "[h for h in d['hosts'] if h['uri'] == '$(uri_of 5)'][0]['existing']['vms']")"

# --- placement over the 12 hosts: all placed when the total allows, the rest named ---
"$KVMCAP" fleet --hosts "$TMP/twelve.txt" --vm "2c4g:$total" --json >"$TMP/place.json"
eq "placing exactly the total: complete" True "$(json "$TMP/place.json" "d['placement']['complete']")"
set +e
"$KVMCAP" fleet --hosts "$TMP/twelve.txt" --vm "2c4g:$((total + 5))" --json >"$TMP/place2.json" 2>"$TMP/err"
rc=$?
set -e
eq "placing 5 more than fit: exit 1" 1 "$rc"
eq "placing 5 more than fit: 5 unplaced" 5 "$(json "$TMP/place2.json" "d['placement']['shapes'][0]['unplaced']")"

# --- a refused port and a peer that never answers, in the same fleet ---
CLOSED=$(kc_live_free_port)
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
time.sleep(300)' >"$TMP/silent.port" &
kc_live_register_pid $!
for _ in $(seq 50); do [ -s "$TMP/silent.port" ] && break; sleep 0.1; done
SILENT=$(cat "$TMP/silent.port")
{ head -n 4 "$TMP/twelve.txt"; echo "qemu+tcp://127.0.0.1:$CLOSED/system"; echo "qemu+tcp://127.0.0.1:$SILENT/system"; } >"$TMP/mixed.txt"
t0=$(now)
set +e
"$KVMCAP" fleet --hosts "$TMP/mixed.txt" --vm 2c4g --timeout 3 --json >"$TMP/mixed.json" 2>"$TMP/err"
rc=$?
set -e
took=$(elapsed "$t0")
eq "dead hosts: exit 0 with partial data" 0 "$rc"
check "dead hosts: finished within timeout + 2 s ($took s)" elapsed_lt "$t0" 5
eq "dead hosts: 4 answered" 4 "$(json "$TMP/mixed.json" "d['hosts_ok']")"
eq "refused port: a row with ok false" False "$(json "$TMP/mixed.json" "[h for h in d['hosts'] if h['uri'].endswith(':$CLOSED/system')][0]['ok']")"
check "refused port: its error says so" grep -q "Connection refused" "$TMP/mixed.json"
eq "silent peer: did not answer within 3 s" "'qemu+tcp://127.0.0.1:$SILENT/system' did not answer within 3 s" \
    "$(json "$TMP/mixed.json" "[h for h in d['hosts'] if h['uri'].endswith(':$SILENT/system')][0]['error']")"
eq "dead hosts: nothing on stderr (not a terminal)" 0 "$(wc -c <"$TMP/err")"
set +e
"$KVMCAP" fleet --hosts "$TMP/mixed.txt" --vm 2c4g --timeout 3 --strict >/dev/null 2>"$TMP/err"
rc=$?
set -e
eq "dead hosts with --strict: exit 4" 4 "$rc"
check "dead hosts with --strict: says how many failed" grep -qx "kvmcap: 2 of 6 hosts failed (--strict)" "$TMP/err"

# --- --save-facts: one facts file per host, each plans like the live host ---
mkdir -p "$TMP/saved"
"$KVMCAP" fleet --hosts "$TMP/twelve.txt" --vm 2c4g --save-facts "$TMP/saved" --json >"$TMP/saved.json"
eq "--save-facts: 12 files" 12 "$(find "$TMP/saved" -name '*.json' | wc -l)"
eq "--save-facts: no temporary files left" 0 "$(find "$TMP/saved" -name '.*' -type f | wc -l)"
f7=$(json "$TMP/saved.json" "[h for h in d['hosts'] if h['uri'] == '$(uri_of 7)'][0]['facts_file']")
eq "a saved host plans like the live one" "$(want_2c4g 7)" \
    "$("$KVMCAP" --facts "$f7" --vm 2c4g --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["shapes"][0]["count"])')"

# --- 200 hosts: in parallel, and one by one (times are printed, not asserted) ---
: >"$TMP/all.txt"
total=0
for i in $(seq 1 200); do uri_of "$i" >>"$TMP/all.txt"; total=$((total + $(want_2c4g "$i"))); done
t0=$(now)
"$KVMCAP" fleet --hosts "$TMP/all.txt" --vm 2c4g --json >"$TMP/all.json"
t_par=$(elapsed "$t0")
t0=$(now)
"$KVMCAP" fleet --hosts "$TMP/all.txt" --vm 2c4g --parallel 1 --json >"$TMP/all1.json"
t_one=$(elapsed "$t0")
eq "200 hosts in parallel: all answered" 200 "$(json "$TMP/all.json" "d['hosts_ok']")"
eq "200 hosts: total = sum of hand-computed counts" "$total" "$(json "$TMP/all.json" "d['total'][0]['count']")"
eq "200 hosts one by one: the same total" "$total" "$(json "$TMP/all1.json" "d['total'][0]['count']")"
echo "timing: 200 test-driver hosts through one libvirtd: ${t_par} s with --parallel 16, ${t_one} s one by one"

# --- a fleet of thousands: 2000 hosts, exact total, nothing quadratic (time printed only) ---
: >"$TMP/many.txt"
total=0
for i in $(seq 1 2000); do
    [ -f "$TMP/hosts/h$i.xml" ] || gen_host "$i"
    uri_of "$i" >>"$TMP/many.txt"
    total=$((total + $(want_2c4g "$i")))
done
t0=$(now)
"$KVMCAP" fleet --hosts "$TMP/many.txt" --vm 2c4g --parallel 32 --timeout 30 --json \
    >"$TMP/many.json" 2>"$TMP/many.err"
t_many=$(elapsed "$t0")
eq "2000 hosts: all answered" 2000 "$(json "$TMP/many.json" "d['hosts_ok']")"
eq "2000 hosts: total = sum of hand-computed counts" "$total" \
    "$(json "$TMP/many.json" "d['total'][0]['count']")"
echo "timing: 2000 test-driver hosts with --parallel 32: ${t_many} s"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
