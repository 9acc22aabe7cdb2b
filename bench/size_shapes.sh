#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# size_shapes.sh: `kvmcap size` over workloads of many *distinct* shapes, whole process:
# wall-clock time, CPU time (user + system) and peak RSS (GNU time's -v), at 10k, 100k and
# 1M distinct shapes, with the load average before each run (wall clock follows the load).
#
#   KVMCAP_BIN=build/kvmcap bash bench/size_shapes.sh [build/bench.json]
#   KC_SIZE_SHAPES="10000 100000" ...     # other sizes
#
# Shape i is (1 + i % 8) vCPUs, 512 + (i / 8) % 7680 MiB and a disk of 10 + i / 61440 GiB,
# count 1 + i % 3: every line a shape of its own (issue 14 item 9: 10,000 such shapes took
# 2.4 s / 103 MB, 100,000 did not finish in 20 minutes). The candidates are data/hosts.json
# (13 models); the text report goes to /dev/null. Results are printed and added to the JSON
# file under "size_shapes" (python3). Skipped with a clear line without python3 or
# /usr/bin/time. Each run is capped by KC_SIZE_TIMEOUT seconds (default 600).
set -u
cd "$(dirname "$0")/.." || exit 1
JSON=${1:-build/bench.json}
KVMCAP=${KVMCAP_BIN:-build/kvmcap}
export KVMCAP_DATADIR=${KVMCAP_DATADIR:-$PWD/data}
SIZES=${KC_SIZE_SHAPES:-10000 100000 1000000}
LIMIT=${KC_SIZE_TIMEOUT:-600}

skip() {
    echo "size_shapes skipped: $1"
    exit 0
}
command -v python3 >/dev/null || skip "python3 is missing (make deps installs it)"
[ -x /usr/bin/time ] || skip "/usr/bin/time is missing (Debian package 'time')"
[ -x "$KVMCAP" ] || skip "'$KVMCAP' is not built"

dir=$(mktemp -d "${TMPDIR:-/tmp}/kvmcap-size-shapes.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT

rows=""
printf '%-28s %10s %10s %12s %6s  %s\n' "size, distinct shapes" "seconds" "CPU s" "peak RSS MiB" \
    "load" "exit"
for n in $SIZES; do
    python3 - "$n" "$dir/w.json" <<'EOF' || exit 1
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as out:
    out.write('{ "workload": [\n')
    for i in range(n):
        c, m, d = 1 + i % 8, 512 + (i // 8) % 7680, 10 + i // (8 * 7680)
        out.write('%s{ "name": "v%d", "vm": "%dc%dm,disk=%dg", "count": %d }\n'
                  % ("," if i else " ", i, c, m, d, 1 + i % 3))
    out.write(']}\n')
EOF
    load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo null)
    timeout "$LIMIT" /usr/bin/time -v -o "$dir/time.txt" "$KVMCAP" size --workload "$dir/w.json" \
        >/dev/null 2>"$dir/err.txt"
    rc=$?
    secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$dir/time.txt" |
           awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
    kib=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/time.txt")
    cpu=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { s += $2; n++ }
                      END { if (n) printf "%.2f", s }' "$dir/time.txt")
    [ -n "$cpu" ] || cpu=null
    [ -n "$secs" ] || secs=null
    [ -n "$kib" ] && mib=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }') || mib=null
    [ "$rc" = 124 ] && { secs=null; cpu=null; }    # killed at the limit: no figure
    printf '%-28s %10s %10s %12s %6s  %s\n' "$n" "$secs" "$cpu" "$mib" "$load" "$rc"
    [ "$rc" = 0 ] || { echo "  (stderr: $(head -c 300 "$dir/err.txt"))"; }
    rows="$rows${rows:+, }{ \"shapes\": $n, \"seconds\": $secs, \"cpu_seconds\": $cpu, \"peak_rss_mib\": $mib, \"load\": $load, \"exit\": $rc }"
done

if [ -f "$JSON" ]; then
    python3 bench/add_json.py "$JSON" size_shapes "[$rows]" || { echo "size_shapes: could not update $JSON"; exit 1; }
    echo "added \"size_shapes\" to $JSON"
fi
