#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# hostile.sh: hostile hosts. A peer that accepts and never answers, one that answers with
# garbage, one that closes at once, a daemon serving enormous XML (a test-driver host with
# thousands of domains, one with a huge <description>), a daemon stopped (SIGSTOP) and one
# killed (SIGKILL) in the middle of a run. Each must end within its deadline with exit 4 and
# one clear "kvmcap: " line (or, for big but valid XML, the exact answer), and a hostile run
# under valgrind must leak nothing. Needs root (lib.sh starts the daemon), python3, KVMCAP_BIN.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=tests/live/lib.sh
. tests/live/lib.sh
PASS=0
FAIL=0
TMP=""
ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

kc_live_trap
kc_live_require libvirtd virsh python3
KVMCAP=${KVMCAP_BIN:-$PWD/build/kvmcap}
[ -x "$KVMCAP" ] || { echo "hostile: no kvmcap at '$KVMCAP'"; echo "0 passed, 1 failed"; exit 1; }
export KVMCAP_DATADIR=${KVMCAP_DATADIR:-$PWD/data} LC_ALL=C NO_COLOR=1
kc_live_prepare
kc_live_tmpdir TMP

# expect_fail NAME MAX_SECONDS PATTERN ARG...: exit 4, one "kvmcap: " line matching PATTERN,
# nothing on stdout, within MAX_SECONDS (the command is killed at MAX_SECONDS + 10).
expect_fail() {
    local name=$1 max=$2 pat=$3 t0 st took lines
    shift 3
    t0=$(now)
    set +e
    timeout $((max + 10)) "$KVMCAP" "$@" >"$TMP/out" 2>"$TMP/err"
    st=$?
    set -e
    took=$(elapsed "$t0")
    lines=$(wc -l <"$TMP/err")
    if [ "$st" = 4 ] && [ "$lines" = 1 ] && [ ! -s "$TMP/out" ] && grep -qE "^kvmcap: .*$pat" "$TMP/err" &&
        awk -v t="$took" -v m="$max" 'BEGIN { exit !(t < m) }'; then
        ok "$name: exit 4 in ${took}s: $(cat "$TMP/err")"
    else
        bad "$name: exit $st in ${took}s (want 4 within ${max}s, /$pat/), stderr: $(head -c 300 "$TMP/err")"
    fi
}

# A peer on a free loopback port: MODE silent (accept, never answer), garbage (random bytes
# forever), close (accept and close). Sets PEER_PORT (no command substitution: the peer
# would hold its pipe open); the peer is registered to stop on exit.
PEER_PORT=""
start_peer() {
    local mode=$1 port
    port=$(kc_live_free_port)
    python3 - "$port" "$mode" >/dev/null 2>&1 <<'PY' &
import os, socket, sys, threading, time
port, mode = int(sys.argv[1]), sys.argv[2]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(16)
held = []
def serve(c):
    try:
        if mode == "garbage":
            while True:
                c.sendall(os.urandom(4096)); time.sleep(0.01)
        elif mode == "close":
            c.close()
        else:
            held.append(c)
    except OSError:
        pass
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
    kc_live_register_pid $!
    for _ in $(seq 50); do
        python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1).close()" "$port" 2>/dev/null && break
        sleep 0.1
    done
    PEER_PORT=$port
}

# --- peers that are not libvirt daemons
start_peer silent
SILENT=$PEER_PORT
start_peer garbage
GARBAGE=$PEER_PORT
start_peer close
CLOSER=$PEER_PORT
expect_fail "silent peer (facts)" 6 "did not answer within 3 s" \
    facts -c "qemu+tcp://127.0.0.1:$SILENT/system" --timeout 3
expect_fail "silent peer (fit)" 6 "did not answer within 3 s" \
    -c "qemu+tcp://127.0.0.1:$SILENT/system" --vm 1c1g --timeout 3
expect_fail "garbage peer" 13 "." facts -c "qemu+tcp://127.0.0.1:$GARBAGE/system" --timeout 10
expect_fail "peer closes at once" 13 "." facts -c "qemu+tcp://127.0.0.1:$CLOSER/system" --timeout 10

# --- enormous XML through a real daemon (the test driver reads the file on its side)
if ! kc_live_start_libvirtd "$TMP"; then
    echo "$PASS passed, $((FAIL + 1)) failed"
    exit 1
fi
PORT=$KC_LIBVIRTD_PORT
python3 - "$TMP" <<'PY'
import sys
d = sys.argv[1]
doms = "".join(
    "<domain type='test'><name>vm%05d</name><memory>1048576</memory><vcpu>1</vcpu>"
    "<os><type>hvm</type></os></domain>" % i for i in range(5000))
head = ("<node><cpu><mode>host-model</mode><model>x</model><vendor>x</vendor>"
        "<topology sockets='2' cores='32' threads='2'/></cpu><memory>536870912</memory>")
open(d + "/many.xml", "w").write(head + doms + "</node>")
# 2.6 MB: below libxml2's 10 MB text node limit (the daemon must accept the file) and
# libvirt's 4 MB RPC string limit, so kvmcap's own parser gets the whole domain XML
desc = "<description>" + ("x" * 64 + "\n") * 40000 + "</description>"
open(d + "/desc.xml", "w").write(
    head + "<domain type='test'><name>big</name>" + desc +
    "<memory>1048576</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain></node>")
PY
t0=$(now)
set +e
timeout 60 "$KVMCAP" facts -c "test+tcp://127.0.0.1:$PORT$TMP/many.xml" --json --timeout 30 >"$TMP/many.json" 2>"$TMP/err"
st=$?
set -e
if [ "$st" = 0 ]; then
    n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['vms']))" "$TMP/many.json")
    [ "$n" = 5000 ] && ok "5000 domains: all read in $(elapsed "$t0")s" || bad "5000 domains: $n read"
elif [ "$st" = 4 ] && [ "$(wc -l <"$TMP/err")" = 1 ]; then
    ok "5000 domains: refused cleanly in $(elapsed "$t0")s: $(cat "$TMP/err")"
else
    bad "5000 domains: exit $st, stderr: $(head -c 300 "$TMP/err")"
fi
t0=$(now)
set +e
timeout 60 "$KVMCAP" facts -c "test+tcp://127.0.0.1:$PORT$TMP/desc.xml" --json --timeout 30 >"$TMP/desc.json" 2>"$TMP/err"
st=$?
set -e
if [ "$st" = 0 ] && python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d['vms'][0]['mem_mib'] != 1024)" "$TMP/desc.json"; then
    ok "2.6 MB <description>: read in $(elapsed "$t0")s"
elif [ "$st" = 4 ] && [ "$(wc -l <"$TMP/err")" = 1 ]; then
    ok "2.6 MB <description>: refused cleanly in $(elapsed "$t0")s: $(cat "$TMP/err")"
else
    bad "2.6 MB <description>: exit $st, stderr: $(head -c 300 "$TMP/err")"
fi

# --- a hostile run under valgrind: the collector child is cut at the deadline, nothing leaks
if command -v valgrind >/dev/null; then
    set +e
    timeout 60 valgrind -q --trace-children=yes --leak-check=full \
        --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=99 --log-file="$TMP/vg.%p.log" \
        "$KVMCAP" facts -c "qemu+tcp://127.0.0.1:$SILENT/system" --timeout 3 >/dev/null 2>&1
    st=$?
    set -e
    if [ "$st" = 4 ] && ! grep -qE 'definitely lost: [1-9]|indirectly lost: [1-9]|ERROR SUMMARY: [1-9]' "$TMP"/vg.*.log; then
        ok "silent peer under valgrind: exit 4, no error, no leak"
    else
        bad "silent peer under valgrind: exit $st"; cat "$TMP"/vg.*.log | head -40
    fi
fi

# --- the daemon stopped, then killed, in the middle of runs
"$KVMCAP" facts -c "test+tcp://127.0.0.1:$PORT$TMP/many.xml" --timeout 5 >/dev/null 2>&1 &
RUN=$!
sleep 0.2
kill -STOP "$KC_LIBVIRTD_PID"
t0=$(now)
set +e
wait "$RUN"
st=$?
set -e
took=$(elapsed "$t0")
if [ "$st" = 4 ] || [ "$st" = 0 ]; then ok "daemon stopped mid-run: exit $st in ${took}s"; else bad "daemon stopped mid-run: exit $st"; fi
expect_fail "stopped daemon" 6 "did not answer within 3 s" \
    facts -c "test+tcp://127.0.0.1:$PORT/default" --timeout 3
"$KVMCAP" facts -c "test+tcp://127.0.0.1:$PORT$TMP/many.xml" --timeout 10 >/dev/null 2>"$TMP/err" &
RUN=$!
sleep 0.5
kill -9 "$KC_LIBVIRTD_PID"
kill -CONT "$KC_LIBVIRTD_PID" 2>/dev/null || true
t0=$(now)
set +e
wait "$RUN"
st=$?
set -e
took=$(elapsed "$t0")
if [ "$st" = 4 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && awk -v t="$took" 'BEGIN { exit !(t < 11) }'; then
    ok "daemon killed mid-run: exit 4 in ${took}s: $(cat "$TMP/err")"
else
    bad "daemon killed mid-run: exit $st in ${took}s, stderr: $(head -c 300 "$TMP/err")"
fi
expect_fail "killed daemon (port closed)" 3 "." facts -c "test+tcp://127.0.0.1:$PORT/default" --timeout 3

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
