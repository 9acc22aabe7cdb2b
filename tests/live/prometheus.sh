#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# prometheus.sh: planner/demand/prom* against a real Prometheus (Debian's prometheus, started
# here on 127.0.0.1 with its own data directory, stopped by PID).
#
# 1. History with exact, known figures: a generated OpenMetrics file (2 hosts, 3 VMs, 8 days
#    at 60 s: 11,521 points per series, more than one query may return; a CPU counter reset,
#    a 20-minute gap, two NICs) written into blocks with `promtool tsdb create-blocks-from
#    openmetrics`. The test driver (tests/live/prom_query.c) must reproduce the generator's
#    figures exactly, with the range split by the server's limit and by a smaller one.
# 2. A live chain: Debian's prometheus-libvirt-exporter (on libvirt's test:///default host,
#    in-process, no daemon) and prometheus-node-exporter, scraped every second.
# 3. Servers that fail: stopped, never answering, answering an error body or garbage: each is
#    exit 4 within --timeout, one line. Bearer token and basic auth read from files, https
#    verified against a CA of the test's own (and refused without it, or for another name).
# Prints "N passed, M failed" last; exits 1 on a failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
kc_live_trap

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
eq() { if [ "$2" = "$3" ]; then ok "$1 ($3)"; else bad "$1: expected '$2', got '$3'"; fi; }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" = 0 ]; exit $?; }

for tool in prometheus promtool prometheus-node-exporter prometheus-libvirt-exporter \
            python3 pkg-config curl; do
    command -v "$tool" >/dev/null || { bad "'$tool' is missing (make deps installs it)"; finish; }
done

kc_live_tmpdir TMP

# --- the driver, under ASan+UBSan: a leak or undefined behaviour on any path below (errors,
# timeouts, TLS failures included) changes its exit status and fails that check ---
CFLAGS_K="-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wpedantic -Werror -Wshadow \
-Wconversion -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wundef -O1 -g \
-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
export ASAN_OPTIONS=detect_leaks=1:exitcode=99 UBSAN_OPTIONS=halt_on_error=1:exitcode=99
# shellcheck disable=SC2086
kc_live_lib
if ! ${CC:-cc} $CFLAGS_K -Imodel -Iplanner $(pkg-config --cflags libcurl libcjson) \
    -o "$TMP/prom_query" tests/live/prom_query.c "$KVMCAP_LIB" $KVMCAP_LIBS; then
    bad "the driver builds"
    finish
fi
Q="$TMP/prom_query"

# --- the history: every figure below follows from this generator ---
T0=1793491200        # 2026-11-01T00:00:00Z
STEP=60
N=11521              # 8 days + 1 point
python3 - "$TMP/history.om" "$T0" "$STEP" "$N" <<'EOF'
import sys
out, t0, step, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
RESET = 5000          # web's CPU counter restarts from 0 here (a reboot)
GAP = range(7000, 7020)  # db has no samples here (exporter down for 20 minutes)
H = 'job="history"'
fams = {}
def add(fam, typ, name, labels, k, v):
    fams.setdefault((fam, typ), []).append((name, labels, k, v))
for k in range(n):
    # kvm1/web: 0.5 core (30 s of CPU per 60 s), reset at RESET; memory grows 1 MiB per hour
    cpu = 30 * k if k < RESET else 30 * (k - RESET + 1)
    lw = H + ',instance="kvm1:9177",domain="web",uuid="u-web"'
    add('libvirt_domain_info_cpu_time_seconds', 'counter',
        'libvirt_domain_info_cpu_time_seconds_total', lw, k, cpu)
    add('libvirt_domain_info_memory_usage_bytes', 'gauge',
        'libvirt_domain_info_memory_usage_bytes', lw, k, 1073741824 + (k // 60) * 1048576)
    add('libvirt_domain_info_maximum_memory_bytes', 'gauge',
        'libvirt_domain_info_maximum_memory_bytes', lw, k, 2147483648)
    add('libvirt_domain_info_virtual_cpus', 'gauge', 'libvirt_domain_info_virtual_cpus', lw, k, 2)
    add('libvirt_domain_state_code', 'gauge', 'libvirt_domain_state_code', lw, k, 1)
    # kvm1/db: two NICs, 1.25 core (fractional seconds), a gap
    if k not in GAP:
        ld = H + ',instance="kvm1:9177",domain="db",uuid="u-db"'
        add('libvirt_domain_info_cpu_time_seconds', 'counter',
            'libvirt_domain_info_cpu_time_seconds_total', ld, k, 75.5 * k)
        add('libvirt_domain_info_virtual_cpus', 'gauge', 'libvirt_domain_info_virtual_cpus', ld, k, 4)
        for dev, rx, tx in (('vnet0', 1000, 500), ('vnet1', 2000, 0)):
            lnic = ld + ',source_bridge="br0",target_device="%s"' % dev
            add('libvirt_domain_interface_stats_receive_bytes', 'counter',
                'libvirt_domain_interface_stats_receive_bytes_total', lnic, k, rx * k)
            add('libvirt_domain_interface_stats_transmit_bytes', 'counter',
                'libvirt_domain_interface_stats_transmit_bytes_total', lnic, k, tx * k)
    # kvm2/idle: nothing moves; no node_exporter for kvm2
    li = H + ',instance="kvm2:9177",domain="idle",uuid="u-idle"'
    add('libvirt_domain_info_cpu_time_seconds', 'counter',
        'libvirt_domain_info_cpu_time_seconds_total', li, k, 12)
    # kvm1's node_exporter: 64 GiB, 4 CPUs each idle 50 s per 60 s
    ln = H + ',instance="kvm1:9100"'
    add('node_memory_MemTotal_bytes', 'gauge', 'node_memory_MemTotal_bytes', ln, k, 68719476736)
    for cpu_id in range(4):
        add('node_cpu_seconds', 'counter', 'node_cpu_seconds_total',
            ln + ',cpu="%d",mode="idle"' % cpu_id, k, 50 * k)
        add('node_cpu_seconds', 'counter', 'node_cpu_seconds_total',
            ln + ',cpu="%d",mode="user"' % cpu_id, k, 10 * k)
with open(out, 'w') as f:
    for (fam, typ), rows in fams.items():
        f.write('# TYPE %s %s\n' % (fam, typ))
        for name, labels, k, v in rows:
            f.write('%s{%s} %s %d\n' % (name, labels, repr(v), t0 + k * step))
    f.write('# EOF\n')
EOF
mkdir -p "$TMP/data"
# blocks of up to 256 h instead of 2 h: 2 blocks instead of 96 (90 s -> 6 s)
if promtool tsdb create-blocks-from openmetrics --max-block-duration=256h "$TMP/history.om" "$TMP/data" >"$TMP/promtool.log" 2>&1; then
    ok "promtool wrote the history ($(wc -l <"$TMP/history.om") lines)"
else
    bad "promtool: $(tail -3 "$TMP/promtool.log")"
    finish
fi

# --- the exporters (live chain) and the server ---
kc_live_start_exporters "test:///default" "$TMP" ||
    { bad "exporters: no free loopback port"; finish; }
# lookback 30 s: with samples every 60 s a missing sample is a missing point, so the gap is
# exact whichever end of the lookback window this Prometheus version includes
started=0
kc_live_start_prometheus "$TMP/prometheus.yml" "$TMP/data" "$TMP/prometheus.log" --query.lookback-delta=30s && started=1
PROM_PID=$KC_PROM_PID
URL=$KC_PROM_URL
check "prometheus answers on $URL (pid $PROM_PID)" test "$started" = 1

SINCE=$T0
UNTIL=$((T0 + (N - 1) * STEP))
H=(--since "$SINCE" --until "$UNTIL" --step 60 --match 'job="history"' --node-match 'job="history"')

# the server's own limit: one query of all 11,521 points is refused
code=$(curl -s -o "$TMP/big.json" -w '%{http_code}' "$URL/api/v1/query_range" \
    --data-urlencode 'query=libvirt_domain_info_virtual_cpus' --data "start=$SINCE&end=$UNTIL&step=60")
check "the server refuses 11,521 points in one query (HTTP $code)" grep -q 'maximum resolution' "$TMP/big.json"

"$Q" "$URL" "${H[@]}" fleet >"$TMP/fleet" 2>"$TMP/fleet.err"
rc=$?
eq "fleet read exits 0 $(cat "$TMP/fleet.err")" 0 "$rc"
line() { grep -m1 "^$1 " "$TMP/fleet"; }
field() { line "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
eq "slots over 8 days at 60 s" "slots $N since ${T0}000 step 60000 dropped 0 hosts 2" \
    "$(head -1 "$TMP/fleet")"
eq "kvm1: 4 CPUs, 2 VMs (hosts joined by instance without port)" "host kvm1 cpus 4 vms 2" \
    "$(line 'host kvm1 cpus')"
eq "kvm1 memory: 64 GiB in KiB" 67108864 "$(field 'host kvm1 mem_kib' max)"
eq "kvm1 idle: 4 CPUs x 50 s x 11,520 steps, in ns" $((4 * 50 * (N - 1)))000000000 \
    "$(field 'host kvm1 idle_ns' last)"
eq "kvm2: no node_exporter, no CPUs known" "host kvm2 cpus 0 vms 1" "$(line 'host kvm2 cpus')"
eq "kvm2 memory unknown" "host kvm2 mem_kib have=0 none=$N" "$(line 'host kvm2 mem_kib')"
# web: 30 s per step throughout; the reset at slot 5000 counts 30 s (from 0), as PromQL does
eq "web CPU across the reset: 30 s x 11,520 steps" $((30 * (N - 1)))000000000 \
    "$(field 'vm kvm1 web cpu_ns' last)"
eq "web CPU: one fresh slot (the first)" 1 "$(field 'vm kvm1 web cpu_ns' fresh)"
eq "web memory: 1 GiB + 192 MiB at the end, in KiB" $((1048576 + 192 * 1024)) \
    "$(field 'vm kvm1 web mem_kib' max)"
eq "web memory at the start" 1048576 "$(field 'vm kvm1 web mem_kib' first)"
eq "web maximum memory 2 GiB" 2097152 "$(field 'vm kvm1 web maxmem_kib' last)"
eq "web vCPUs" 2 "$(field 'vm kvm1 web vcpus' last)"
eq "web state running" 1 "$(field 'vm kvm1 web state' last)"
eq "web uuid" "vm kvm1 web uuid u-web" "$(line 'vm kvm1 web uuid')"
# db: 20 missing samples are 20 empty slots; after the gap a fresh slot (no increase known)
eq "db CPU gap: 20 empty slots" 20 "$(field 'vm kvm1 db cpu_ns' none)"
eq "db CPU: fresh at the start and after the gap" 2 "$(field 'vm kvm1 db cpu_ns' fresh)"
eq "db CPU: 75.5 s x (11,520 - 21) known steps, in ns" $((755 * (N - 1 - 21)))00000000 \
    "$(field 'vm kvm1 db cpu_ns' last)"
eq "db network: (1000+500+2000) B x (11,520 - 21) steps over 2 NICs" $((3500 * (N - 1 - 21))) \
    "$(field 'vm kvm1 db net_bytes' last)"
eq "db disk: no block series" "vm kvm1 db disk_reqs have=0 none=$N fresh=0" \
    "$(line 'vm kvm1 db disk_reqs')"
eq "idle: a counter that never moves" 0 "$(field 'vm kvm2 idle cpu_ns' last)"

# the same figures with the range split into 12 queries instead of 2
"$Q" "$URL" "${H[@]}" --max-points 1000 fleet >"$TMP/fleet-small" 2>&1
check "split at 1,000 points: identical result" cmp -s "$TMP/fleet" "$TMP/fleet-small"
# host by host (memory for one host at a time): the same hosts and figures
"$Q" "$URL" "${H[@]}" fleet-each >"$TMP/fleet-each" 2>&1
check "read host by host: identical hosts and figures" \
    cmp -s <(tail -n +2 "$TMP/fleet") "$TMP/fleet-each"
"$Q" "$URL" "${H[@]}" --max-points 1000 fleet-each >"$TMP/fleet-each-small" 2>&1
check "host by host, split at 1,000 points: identical" cmp -s "$TMP/fleet-each" "$TMP/fleet-each-small"
# and a window that ends off the step grid, starting mid-history
"$Q" "$URL" --since $((T0 + 4990 * STEP)) --until $((T0 + 5010 * STEP + 30)) --step 60 \
    --match 'job="history",domain="web"' fleet >"$TMP/fleet-reset" 2>&1
eq "21 slots around the reset: 20 steps of 30 s" 600000000000 \
    "$(grep '^vm kvm1 web cpu_ns ' "$TMP/fleet-reset" | tr ' ' '\n' | sed -n 's/^last=//p')"
"$Q" "$URL" "${H[@]}" --match 'job="history",instance=~"kvm2.*"' fleet >"$TMP/fleet-kvm2" 2>&1
eq "--match selects hosts" "slots $N since ${T0}000 step 60000 dropped 0 hosts 1" \
    "$(head -1 "$TMP/fleet-kvm2")"
"$Q" "$URL" "${H[@]}" series '{__name__="libvirt_domain_info_virtual_cpus",job="history"}' \
    >"$TMP/series" 2>&1
eq "/api/v1/series: 2 vCPU series" 2 "$(grep -c '^libvirt_domain_info_virtual_cpus{' "$TMP/series")"
"$Q" "$URL" --since $T0 --until $((T0 + 120)) --step 60 range \
    'libvirt_domain_info_cpu_time_seconds_total{domain="db"}' >"$TMP/range" 2>&1
eq "range query: points as Prometheus stores them" \
    "libvirt_domain_info_cpu_time_seconds_total{domain=\"db\",instance=\"kvm1:9177\",job=\"history\",uuid=\"u-db\"} ${T0}000=0 $((T0 + 60))000=75.5 $((T0 + 120))000=151" \
    "$(cat "$TMP/range")"
"$Q" "$URL" "${H[@]}" --match 'job="nothing"' fleet >/dev/null 2>"$TMP/empty.err"
rc=$?
eq "an empty selection is bad input (3)" 3 "$rc"
"$Q" "$URL" "${H[@]}" range 'rate(' >/dev/null 2>"$TMP/badq.err"
rc=$?
eq "a bad query is the server's error, exit 4: $(cat "$TMP/badq.err")" 4 "$rc"
check "  ... naming the server's error type" grep -q 'HTTP 400, server error (bad_data)' "$TMP/badq.err"

# --- the live chain: real exporters scraped every second ---
for _ in $(seq 50); do
    n=$(curl -s "$URL/api/v1/query" --data-urlencode 'query=count(up{job=~"libvirt|node"} == 1)' |
        python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)')
    [ "$n" = 2 ] && break
    sleep 0.2
done
eq "both exporters are up" 2 "$n"
sleep 4
"$Q" "$URL" --since 4s --until now --step 1 --match 'job="libvirt"' --node-match 'job="node"' \
    fleet >"$TMP/live" 2>"$TMP/live.err"
rc=$?
eq "live fleet read exits 0 $(cat "$TMP/live.err")" 0 "$rc"
LV() { grep -m1 "^vm 127.0.0.1 test $1 " "$TMP/live" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
eq "test:///default's domain: 2 vCPUs" 2 "$(LV vcpus last)"
eq "  8 GiB maximum memory" 8388608 "$(LV maxmem_kib last)"
eq "  2 GiB current (balloon) memory" 2097152 "$(LV mem_kib last)"
eq "  running" 1 "$(LV state last)"
eq "node_exporter joined on 127.0.0.1: MemTotal as /proc/meminfo says" \
    "$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)" \
    "$(grep -m1 '^host 127.0.0.1 mem_kib ' "$TMP/live" | tr ' ' '\n' | sed -n 's/^last=//p')"
eq "  CPUs as nproc says" "$(nproc --all)" \
    "$(grep -m1 '^host 127.0.0.1 cpus ' "$TMP/live" | awk '{print $4}')"
"$Q" "$URL" --since 4s --until now --step 1 --match 'job="libvirt"' --node-match 'job="node"' \
    fleet-each >"$TMP/live-each" 2>&1
eq "  host by host: the same host with its node_exporter" "host 127.0.0.1 cpus $(nproc --all) vms 1" \
    "$(grep -m1 '^host 127.0.0.1 cpus ' "$TMP/live-each")"

# --- servers that fail ---
stopped() {
    local port t0 rc
    port=$(kc_live_free_port)
    t0=$(date +%s%N)
    "$Q" "http://127.0.0.1:$port" --timeout 3000 fleet >/dev/null 2>"$TMP/stopped.err"
    rc=$?
    eq "nothing listening: exit 4 in $((($(date +%s%N) - t0) / 1000000)) ms: $(cat "$TMP/stopped.err")" 4 $rc
}
stopped
# a socket that accepts and never reads or answers
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' >"$TMP/mute.port" &
kc_live_register_pid $!
for _ in $(seq 50); do [ -s "$TMP/mute.port" ] && break; sleep 0.1; done
t0=$(date +%s%N)
"$Q" "http://127.0.0.1:$(cat "$TMP/mute.port")" --timeout 1500 fleet >/dev/null 2>"$TMP/mute.err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
eq "a server that never answers: exit 4: $(cat "$TMP/mute.err")" 4 $rc
check "  ... within the 1.5 s deadline (+0.5 s): $ms ms" test "$ms" -lt 2000
# canned answers: an API error, garbage, credentials that must arrive from their files; the
# same server over TLS with a certificate of its own CA
cat >"$TMP/canned.py" <<'EOF'
import base64, http.server, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0)); self.rfile.read(n)
        auth = self.headers.get("Authorization", "")
        ok = b'{"status":"success","data":[]}'
        denied = b'{"status":"error","errorType":"auth","error":"unauthorized"}'
        if self.path.startswith("/err/"):
            code, body = 503, b'{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}'
        elif self.path.startswith("/garbage/"):
            code, body = 200, b'{"status":"success","data":[{"__name__":7}]}'
        elif self.path.startswith("/html/"):
            code, body = 200, b"<html>login</html>"
        elif self.path.startswith("/auth/"):
            code, body = (200, ok) if auth == "Bearer s3cret-token" else (401, denied)
        elif self.path.startswith("/basic/"):
            want = "Basic " + base64.b64encode(b"kvm:pa ss:w").decode()
            code, body = (200, ok) if auth == want else (401, denied)
        else:
            code, body = 404, b"not found"
        self.send_response(code); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
s = http.server.HTTPServer(("127.0.0.1", 0), H)
if len(sys.argv) > 1:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[1], sys.argv[2])
    s.socket = ctx.wrap_socket(s.socket, server_side=True)
print(s.server_address[1], flush=True)
s.serve_forever()
EOF
python3 "$TMP/canned.py" >"$TMP/canned.port" &
kc_live_register_pid $!
for _ in $(seq 50); do [ -s "$TMP/canned.port" ] && break; sleep 0.1; done
C="http://127.0.0.1:$(cat "$TMP/canned.port")"
"$Q" "$C/err" --timeout 3000 fleet >/dev/null 2>"$TMP/c.err"
rc=$?
eq "an API error body: exit 4: $(cat "$TMP/c.err")" 4 "$rc"
check "  ... with the server's words" grep -q 'HTTP 503, server error (timeout): query timed out' "$TMP/c.err"
"$Q" "$C/garbage" --timeout 3000 fleet >/dev/null 2>"$TMP/c.err"
rc=$?
eq "garbage (a label that is a number): exit 4: $(cat "$TMP/c.err")" 4 "$rc"
"$Q" "$C/html" --timeout 3000 fleet >/dev/null 2>"$TMP/c.err"
rc=$?
eq "an HTML page: exit 4: $(cat "$TMP/c.err")" 4 "$rc"
eq "  ... one line" 1 "$(wc -l <"$TMP/c.err")"
printf 's3cret-token\n' >"$TMP/token"
"$Q" "$C/auth" --timeout 3000 --bearer-token-file "$TMP/token" fleet >/dev/null 2>"$TMP/c.err"
rc=$?
eq "the bearer token from its file is sent (an empty selection then: 3)" 3 "$rc"
printf 'wrong\n' >"$TMP/token2"
"$Q" "$C/auth" --timeout 3000 --bearer-token-file "$TMP/token2" fleet >/dev/null 2>"$TMP/c.err"
rc=$?
eq "a wrong token: exit 4" 4 "$rc"
check "  ... and the message never shows a token" sh -c "! grep -q 'wrong\|s3cret' '$TMP/c.err'"
"$Q" "http://user:pw@127.0.0.1:1" fleet >/dev/null 2>"$TMP/c.err"
rc=$?
eq "credentials in the URL are refused (usage, 2)" 2 "$rc"

printf 'pa ss:w\n' >"$TMP/password"
"$Q" "$C/basic" --timeout 3000 --user kvm --password-file "$TMP/password" fleet >/dev/null 2>"$TMP/c.err"
rc=$?
eq "basic auth with the password from its file (an empty selection then: 3)" 3 "$rc"
"$Q" "$C/basic" --timeout 3000 --user kvm --password-file "$TMP/token2" fleet >/dev/null 2>"$TMP/c.err"
rc=$?
eq "a wrong password: exit 4" 4 "$rc"

# TLS: a CA of our own and a certificate for 127.0.0.1
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=kvmcap-test-ca \
    -keyout "$TMP/ca.key" -out "$TMP/ca.pem" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$TMP/srv.key" \
    -out "$TMP/srv.csr" >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' >"$TMP/san.ext"
openssl x509 -req -in "$TMP/srv.csr" -CA "$TMP/ca.pem" -CAkey "$TMP/ca.key" -CAcreateserial \
    -days 2 -extfile "$TMP/san.ext" -out "$TMP/srv.pem" >/dev/null 2>&1
python3 "$TMP/canned.py" "$TMP/srv.pem" "$TMP/srv.key" >"$TMP/tls.port" 2>"$TMP/tls.err" &
kc_live_register_pid $!
for _ in $(seq 50); do [ -s "$TMP/tls.port" ] && break; sleep 0.1; done
T="https://127.0.0.1:$(cat "$TMP/tls.port")"
"$Q" "$T/auth" --timeout 3000 --bearer-token-file "$TMP/token" fleet >/dev/null 2>"$TMP/c.err"
rc=$?
eq "https with a certificate nobody vouches for: exit 4: $(cat "$TMP/c.err")" 4 "$rc"
"$Q" "$T/auth" --timeout 3000 --cacert "$TMP/ca.pem" --bearer-token-file "$TMP/token" fleet \
    >/dev/null 2>"$TMP/c.err"
rc=$?
eq "https verified with --cacert, token sent (an empty selection then: 3)" 3 "$rc"
"$Q" "https://localhost:$(cat "$TMP/tls.port")/auth" --timeout 3000 --cacert "$TMP/ca.pem" \
    fleet >/dev/null 2>"$TMP/c.err"
rc=$?
eq "https to a name the certificate does not hold: exit 4: $(cat "$TMP/c.err")" 4 "$rc"

# and the real server stopped: exit 4 at once
kc_live_stop_pids "$PROM_PID"
"$Q" "$URL" "${H[@]}" --timeout 3000 fleet >/dev/null 2>"$TMP/gone.err"
rc=$?
eq "the stopped server: exit 4: $(cat "$TMP/gone.err")" 4 "$rc"
finish
