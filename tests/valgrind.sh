#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/valgrind.sh: valgrind memcheck over every golden CLI case (tests/cli/<case>/args and
# stdin) and over the libvirt collection path (test:/// driver, collected in a forked child,
# so --trace-children=yes). Fails on any memcheck error or any definite or indirect leak.
# Usage: tests/valgrind.sh BINARY (from the repository root). Run by `make check-valgrind`.
set -u
bin=${1:?usage: tests/valgrind.sh BINARY}
out=$(mktemp -d /tmp/kvmcap-valgrind.XXXXXX)
trap 'rm -rf "$out"' EXIT
export LC_ALL=C TZ=UTC NO_COLOR=1 KVMCAP_DATADIR=${KVMCAP_DATADIR:-$PWD/data}
unset LIBVIRT_DEFAULT_URI
vg=(valgrind -q --tool=memcheck --trace-children=yes --child-silent-after-fork=no
    --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
    --error-exitcode=99)
pass=0 fail=0

# run NAME STDIN ARG...: one run under memcheck, at most 120 s
run() {
    local name=$1 in=$2; shift 2
    timeout 120 "${vg[@]}" --log-file="$out/$name.%p.log" "$bin" "$@" <"$in" >/dev/null 2>"$out/$name.err"
    local st=$?
    if [ $st -eq 99 ] || [ $st -ge 124 ] || grep -qE 'definitely lost: [1-9]|indirectly lost: [1-9]|ERROR SUMMARY: [1-9]|Invalid|uninitialised' "$out/$name".*.log 2>/dev/null; then
        echo "FAIL $name (exit $st)"; cat "$out/$name".*.log | head -60; fail=$((fail + 1))
    else
        pass=$((pass + 1))
    fi
}

for dir in tests/cli/*/; do
    name=$(basename "$dir")
    [ -f "$dir/args" ] || continue
    mapfile -t args <"$dir/args"
    in=/dev/null; [ -f "$dir/stdin" ] && in="$dir/stdin"
    run "cli-$name" "$in" "${args[@]}"
done
fixture=$PWD/tests/fixtures/libvirt/mixed-16c64g.xml
run libvirt-facts /dev/null facts -c test:///default
run libvirt-facts-json /dev/null facts -c "test://$fixture" --json
run libvirt-fit /dev/null -c "test://$fixture" --vm 2c4g --overcommit 20
run libvirt-refused /dev/null facts -c qemu+tcp://127.0.0.1:1/system --timeout 5
echo "valgrind: $pass passed, $fail failed"
[ $fail -eq 0 ]
