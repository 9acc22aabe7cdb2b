#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pools.sh: live test of storage pools (issue 12): a private libvirtd on loopback with two
# directory pools on different paths; kvmcap's facts list both under their libvirt names, and
# a facts file that tags them with disk types (SSD boot mirror, HDD data) is planned as two
# pools: a VM's disk goes only where its pool= or the non-boot role allows (README "Model").
# Everything it started is stopped by PID on every exit path.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=tests/live/lib.sh
. tests/live/lib.sh
PASS=0
FAIL=0
TMP=""
URI=""
POOLS=(kvmcap-live-os kvmcap-live-data)
KVMCAP=${KVMCAP_BIN:-build/kvmcap}

ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
eq() { if [ "$2" = "$3" ]; then ok "$1 ($3)"; else bad "$1: want '$2', got '$3'"; fi; }

kc_live_before_stop() {
    if [ -n "$URI" ] && [ -n "$KC_LIBVIRTD_PID" ] && kill -0 "$KC_LIBVIRTD_PID" 2>/dev/null; then
        for p in "${POOLS[@]}"; do
            timeout 10 virsh -q -c "$URI" pool-destroy "$p" >/dev/null 2>&1
            timeout 10 virsh -q -c "$URI" pool-undefine "$p" >/dev/null 2>&1
        done
    fi
}
kc_live_trap
kc_live_require libvirtd virtlogd virsh python3
kc_live_prepare
kc_live_tmpdir TMP
kc_live_start_virtlogd "$TMP"
if ! kc_live_start_libvirtd "$TMP"; then
    echo "0 passed, 1 failed"
    exit 1
fi
URI=$KC_LIBVIRTD_URI
echo "private libvirtd pid $KC_LIBVIRTD_PID on $URI"

for p in "${POOLS[@]}"; do
    mkdir -p "$TMP/$p"
    virsh -q -c "$URI" pool-define-as "$p" dir --target "$TMP/$p" >/dev/null
    virsh -q -c "$URI" pool-start "$p" >/dev/null
done

"$KVMCAP" facts -c "$URI" --json >"$TMP/facts.json" 2>"$TMP/err" || cat "$TMP/err"
names=$(python3 -c 'import json,sys; print(" ".join(sorted(s["name"] for s in json.load(open(sys.argv[1]))["storage"] if s["name"].startswith("kvmcap-live"))))' "$TMP/facts.json")
eq "both libvirt pools are storage entries under their names" "kvmcap-live-data kvmcap-live-os" "$names"

# tag them as a mirrored SSD boot pair and six HDDs for VM disks (what the facts format says)
python3 - "$TMP/facts.json" "$TMP/tagged.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
f["storage"] = [s for s in f["storage"] if s["name"].startswith("kvmcap-live")]
for s in f["storage"]:
    if s["name"] == "kvmcap-live-os":
        s.update(disk_type="ssd", count=2, size_mib=491520, raid="raid1", role="boot")
    else:
        s.update(disk_type="hdd-7.2k", count=6, size_mib=8388608, raid="raid6")
json.dump(f, open(sys.argv[2], "w"))
PY
"$KVMCAP" --facts "$TMP/tagged.json" --existing none --vm 1c1g,disk=100g,iops=100 --json \
    >"$TMP/fit.json" 2>"$TMP/err" || cat "$TMP/err"
read -r npools eligible iops_cap < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["shapes"][0]
p = {x["name"]: x for x in s["pools"]}
print(len(p), ",".join(n for n in sorted(p) if p[n]["eligible"]), p["kvmcap-live-data"]["iops"])' "$TMP/fit.json")
eq "planned as two pools" 2 "$npools"
eq "the VM disk may live on the data pool only" "kvmcap-live-data" "$eligible"
# 6 HDDs in raid6 at the 30 % write share: 1 / (0.7 / 450 + 0.3 x 6 / 450) = 180 IOPS
eq "the data pool's IOPS follow its RAID level" 180 "$iops_cap"
"$KVMCAP" --facts "$TMP/tagged.json" --vm 1c1g,disk=10g,pool=kvmcap-live-os >/dev/null 2>"$TMP/err" && rc=0 || rc=$?
eq "pool= naming the boot pool is bad input" 3 "$rc"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
