#!/bin/bash
# SPDX-License-Identifier: MIT
# check.sh: check an install of kvmcap into a temporary DESTDIR (make check-install).
#   bash tests/install/check.sh DESTDIR PREFIX
# Run from the source tree. Prints one line per check, "N passed, N failed" last, and exits
# non-zero on a failure. Never touches the real system: everything is under DESTDIR.
set -u

dest=${1:?usage: check.sh DESTDIR PREFIX}
prefix=${2:?usage: check.sh DESTDIR PREFIX}
root=$dest$prefix
src=$(pwd)
bin=$root/bin/kvmcap
man=$root/share/man/man1/kvmcap.1
comp=$root/share/bash-completion/completions/kvmcap
data=$root/share/kvmcap
work=$(mktemp -d /tmp/kvmcap-install-check.XXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
pass=0
fail=0

ok() { echo "ok    $1"; pass=$((pass + 1)); }
bad() { echo "FAIL  $1"; [ -n "${2-}" ] && printf '%s\n' "$2" | sed 's/^/      /'; fail=$((fail + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

# the installed tool, from another directory, without the source tree's hints
run() { (cd "$work" && env -u KVMCAP_DATADIR KVMCAP_CONFIG_DIRS= "$bin" "$@"); }

for f in "$bin" "$man" "$comp" "$data/devices.json" "$data/flavors.json" "$data/profiles.json" \
    "$data/network.json" "$data/hosts.json" "$data/README.md"; do
    check "installed ${f#"$dest"}" test -f "$f"
done
check "the binary is executable" test -x "$bin"

# 1. it finds its own data from anywhere
out=$(run --host 8c8g --vm m1.small 2>&1)
if [[ $out == *"m1.small"*"fit"* ]]; then
    ok "run from $work, it finds its catalogs (a flavor resolves)"
else
    bad "run from $work, it finds its catalogs" "$out"
fi
out=$(run --host 8c8g --vm 1c1g --json 2>&1)
if [[ $out == *'"count":	7'* ]]; then
    ok "the worked example answers 7 when installed"
else
    bad "the worked example answers 7 when installed" "$out"
fi
out=$(run --version 2>&1)
check "--version runs" test -n "$out"

# 2. KVMCAP_DATADIR overrides: a copy with one more flavor is the one it reads
mkdir -p "$work/data"
cp "$data"/*.json "$work/data/"
sed -i 's/"flavors": \[/"flavors": [\n    { "name": "install.check", "spec": "3c3g", "source": "check.sh" },/' \
    "$work/data/flavors.json"
out=$( (cd / && KVMCAP_DATADIR="$work/data" KVMCAP_CONFIG_DIRS= "$bin" --host 8c8g --vm install.check 2>&1) )
if [[ $out == *"install.check  (3 vCPUs, 3072 MiB)"* ]]; then
    ok "KVMCAP_DATADIR overrides where it looks"
else
    bad "KVMCAP_DATADIR overrides where it looks" "$out"
fi
out=$( (cd / && KVMCAP_DATADIR="$work/none" "$bin" --host 8c8g --vm 1c1g 2>&1); echo "status $?")
if [[ $out == *"KVMCAP_DATADIR"*"status 4" ]]; then
    ok "a KVMCAP_DATADIR without catalogs is exit 4, named"
else
    bad "a KVMCAP_DATADIR without catalogs is exit 4, named" "$out"
fi

# 3. the man page renders without a warning, and documents what --help lists
warn=$(groff -man -ww -z "$man" 2>&1)
check "groff -man -ww -z: no warnings" test -z "$warn"
[ -n "$warn" ] && printf '%s\n' "$warn" | sed 's/^/      /'
if command -v man >/dev/null; then
    text=$(MANWIDTH=80 man -l "$man" 2>"$work/man.err")
    if [[ $text == *"KVMCAP(1)"* && ! -s $work/man.err ]]; then
        ok "man -l renders kvmcap(1) with nothing on stderr"
    else
        bad "man -l renders kvmcap(1)" "$(cat "$work/man.err")"
    fi
else
    text=$(groff -man -Tutf8 "$man" 2>/dev/null)
fi
plain=$(printf '%s' "$text" | sed 's/.\x08//g; s/‐//g')
missing=
for cmd in "" facts size fleet sweep; do
    for opt in $(run $cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
        [[ $plain == *"$opt"* ]] || missing="$missing ${cmd:-fit}:$opt"
    done
done
check "every option of every --help is in the man page" test -z "$missing"
[ -n "$missing" ] && echo "      missing:$missing"
for section in SYNOPSIS COMMANDS "EXIT STATUS" "JSON REPORTS" "POLICY FILE" "OUTPUT FORMATS" \
    ENVIRONMENT EXAMPLES; do
    [[ $plain == *"$section"* ]] || missing="$missing $section"
done
for code in 0 1 2 3 4 5; do
    printf '%s' "$plain" | grep -qE "^ +$code +[^ ]" || missing="$missing exit-$code"
done
check "the man page has its sections and every exit status" test -z "$missing"
[ -n "$missing" ] && echo "      missing:$missing"

# 4. the completion loads in bash and completes commands, options, flavors and profiles
complete_words() {
    # complete_words WORD... : the words before the cursor, the last one being completed
    env -u KVMCAP_DATADIR PATH="$root/bin:$PATH" bash --norc --noprofile -c '
        . "$1" || exit 9
        shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        _kvmcap
        printf "%s\n" "${COMPREPLY[@]}"' bash "$comp" "$@"
}
out=$(complete_words kvmcap sw)
check "completion: 'kvmcap sw' -> sweep" test "$out" = sweep
out=$(complete_words kvmcap "")
check "completion: every command" test "$(echo $out)" = "fit facts size fleet sweep record demand rightsize forecast"
out=$(complete_words kvmcap sweep --host-)
check "completion: sweep options (--host-mem)" test "$out" = "--host-mem"
out=$(complete_words kvmcap --vm m1.)
want=$(sed -n 's/.*"name"[[:space:]]*:[[:space:]]*"\(m1\.[^"]*\)".*/\1/p' "$data/flavors.json")
if [ -n "$want" ] && [ "$(echo $out)" = "$(echo $want)" ]; then
    ok "completion: --vm m1. -> the flavors of the installed data ($(echo $out))"
else
    bad "completion: --vm flavors" "got: $out; want: $want"
fi
out=$(complete_words kvmcap --profile "")
want=$(sed -n 's/.*"name"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$data/profiles.json")
check "completion: --profile -> $(echo $want)" test "$(echo $out)" = "$(echo $want)"
out=$(complete_words kvmcap --format "")
check "completion: fit --format" test "$(echo $out)" = "table json csv prometheus"
out=$(complete_words kvmcap sweep --format "")
check "completion: sweep --format has no prometheus" test "$(echo $out)" = "table json csv"

# 5. uninstall leaves no file behind, nor a directory install created
make --no-print-directory -C "$src" uninstall DESTDIR="$dest" PREFIX="$prefix" >/dev/null
left=$(find "$dest" -type f)
check "make uninstall removes every installed file" test -z "$left"
[ -n "$left" ] && printf '%s\n' "$left" | sed 's/^/      /'
left=$(find "$dest" -mindepth 1 -type d)
check "make uninstall removes the directories install created" test -z "$left"
[ -n "$left" ] && printf '%s\n' "$left" | sed 's/^/      /'

# without DESTDIR: the directories install created go, those that were there stay
p=$work/prefix
mkdir -p "$p/share/man" && touch "$p/share/man/keep"
make --no-print-directory -C "$src" install PREFIX="$p" >/dev/null &&
    make --no-print-directory -C "$src" uninstall PREFIX="$p" >/dev/null
left=$(cd "$p" && find . -mindepth 1 | sort | tr '\n' ' ')
check "uninstall without DESTDIR keeps only what was there" \
    test "$left" = "./share ./share/man ./share/man/keep "
[ "$left" = "./share ./share/man ./share/man/keep " ] || echo "      left: $left"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
