# kvmcap: plain Makefile (redis style). The user's CFLAGS/LDFLAGS still apply; the flags
# the project needs live in its own variables.
#
#   make               build/kvmcap
#   make test          deps, unit + golden CLI tests, again under ASan+UBSan, live libvirt tests
#   make check         unit + golden CLI tests only (what `make test` runs per build)
#   make bench         benchmarks of the core (not part of test; bench/bench.mk)
#   make install       PREFIX=/usr/local DESTDIR=
#   make deps          install the Debian packages kvmcap needs (only the missing ones)

CC       ?= cc
PREFIX   ?= /usr/local
BINDIR    = $(PREFIX)/bin
DATADIR   = $(PREFIX)/share/kvmcap
BUILD    ?= build

CSTD      = -std=c11 -D_POSIX_C_SOURCE=200809L
WARN      = -Wall -Wextra -Wpedantic -Werror -Wshadow -Wconversion -Wformat=2 \
            -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wundef
OPT      ?= -O2 -g
SANFLAGS  = $(if $(SAN),-fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all)
ALL_CFLAGS  = $(CSTD) $(WARN) $(OPT) $(SANFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

PKGS      = libvirt libcjson libxml-2.0 sqlite3
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -ldl -lpthread -lm
# kvmcap itself loads libvirt, libxml2 and libcurl when a command needs them
# (planner/util/dynlib.c): it links only the small libraries every run uses. The tests and
# the live drivers link them all ($(PKG_LIBS)): test code calls libvirt and SQLite itself.
KVMCAP_LIBS = $(shell pkg-config --libs libcjson sqlite3 2>/dev/null) -ldl -lpthread -lm
CRIT_LIBS  = $(shell pkg-config --libs criterion 2>/dev/null)

MODEL_SRC   = $(wildcard model/*.c)
PLANNER_SRC = $(wildcard planner/*/*.c)
TEST_SRC    = $(wildcard tests/unit/test_*.c) tests/helpers.c tests/exact_packer.c
BENCH_SRC   = $(wildcard bench/*.c)

MODEL_OBJ   = $(MODEL_SRC:%.c=$(BUILD)/%.o)
PLANNER_OBJ = $(PLANNER_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ    = $(TEST_SRC:%.c=$(BUILD)/%.o)
BENCH_OBJ   = $(BENCH_SRC:%.c=$(BUILD)/%.o)

# What kvmcap needs to build and run (RUN_PKGS), and what its test suite needs besides
# (fuzzing with clang, static analysis, memory checks, the man page check, JSON checks).
RUN_PKGS = build-essential pkg-config libvirt-dev libcjson-dev libxml2-dev libsqlite3-dev \
           libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86
DEB_PKGS = $(RUN_PKGS) libcriterion-dev sqlite3 python3 clang libclang-rt-14-dev clang-tidy cppcheck \
           valgrind groff-base man-db
# Prometheus as a demand source (planner/demand/prom*.c): libcurl to build; the server and
# both exporters for tests/live/prometheus.sh, history.sh and chain.sh (and bench/prom_fleet.sh).
PKGS     += libcurl
RUN_PKGS += libcurl4-openssl-dev
DEB_PKGS += prometheus prometheus-node-exporter prometheus-libvirt-exporter
# tests/live/record.sh steps the recorder's wall clock with libfaketime; bench/demand.sh
# times `kvmcap demand` with /usr/bin/time.
DEB_PKGS += faketime time
# tests/live/nics.sh makes network namespaces and veth pairs with ip(8).
DEB_PKGS += iproute2

.PHONY: all check check-san check-clang test test-live install uninstall deps clean run

all: $(BUILD)/kvmcap

# The core sees only model/ (it stays pure: no libvirt, no cJSON, no I/O).
$(BUILD)/model/%.o: model/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Imodel -MMD -MP -c $< -o $@

$(BUILD)/planner/%.o: planner/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Imodel -Iplanner $(PKG_CFLAGS) \
	    -DKC_DATADIR='"$(DATADIR)"' -DKC_VERSION='"$(VERSION)"' -MMD -MP -c $< -o $@

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Imodel -Iplanner -Itests $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/bench/%.o: bench/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Imodel -MMD -MP -c $< -o $@

$(BUILD)/kvmcap: $(BUILD)/planner/main.o $(PLANNER_OBJ) $(MODEL_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(KVMCAP_LIBS)

$(BUILD)/unit-tests: $(TEST_OBJ) $(PLANNER_OBJ) $(MODEL_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CRIT_LIBS)

$(BUILD)/bench-core: $(BENCH_OBJ) $(MODEL_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lm

VERSION = 0.1.0

# Unit tests and golden CLI cases (the CLI cases are Criterion tests too: tests/unit/test_cli.c).
check: $(BUILD)/kvmcap $(BUILD)/unit-tests
	LC_ALL=C TZ=UTC NO_COLOR=1 KVMCAP_BIN=$(BUILD)/kvmcap KVMCAP_DATADIR=$(CURDIR)/data \
	    KVMCAP_ACTUAL_DIR=$(BUILD)/cli-actual $(BUILD)/unit-tests -j2 $(TESTFLAGS)

# The same suite under ASan+UBSan in its own build tree. Criterion forks a child per test and
# does not fail on a sanitizer report in a child, so the reports go to files and any file fails.
SANDIR = $(BUILD)/san
check-san:
	rm -rf $(SANDIR)/reports && mkdir -p $(SANDIR)/reports
	$(MAKE) --no-print-directory BUILD=$(SANDIR) SAN=address,undefined OPT='-O1 -g' \
	    $(SANDIR)/kvmcap $(SANDIR)/unit-tests
	LC_ALL=C TZ=UTC NO_COLOR=1 KVMCAP_BIN=$(SANDIR)/kvmcap KVMCAP_DATADIR=$(CURDIR)/data \
	    KVMCAP_ACTUAL_DIR=$(SANDIR)/cli-actual \
	    ASAN_OPTIONS=log_path=$(abspath $(SANDIR))/reports/asan:detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=log_path=$(abspath $(SANDIR))/reports/ubsan:print_stacktrace=1:halt_on_error=1 \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	    $(SANDIR)/unit-tests -j2 $(TESTFLAGS)
	@# a log holding only LeakSanitizer's "Suppressions used" table is not a report
	@if grep -l -E 'ERROR: |runtime error' $(SANDIR)/reports/* >/dev/null 2>&1; then \
	    echo "sanitizer reports:"; cat $(SANDIR)/reports/*; exit 1; fi
	@echo "sanitizers: no reports"

# The same suite built by clang (warnings as errors there too): gcc and clang both clean.
check-clang:
	$(MAKE) --no-print-directory BUILD=$(BUILD)/clang CC=clang check

# The program's objects as one archive: the live tests' small drivers (tests/live/*.c) link
# it, so they build from the same code as kvmcap, whatever files it is made of.
$(BUILD)/libkvmcap.a: $(PLANNER_OBJ) $(MODEL_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# Live tests against private libvirt daemons on loopback with real tiny KVM domains: every
# tests/live/*.sh prints "N passed, N failed" last and exits non-zero on a failure (lib.sh is
# their sourced helpers, not a suite).
test-live: $(BUILD)/kvmcap $(BUILD)/libkvmcap.a
	@rc=0; for t in tests/live/*.sh; do \
	    case $$t in */lib.sh) continue;; esac; \
	    echo "== $$t"; KVMCAP_BIN=$(abspath $(BUILD))/kvmcap KVMCAP_LIB=$(abspath $(BUILD))/libkvmcap.a \
	        KVMCAP_LIBS="$(PKG_LIBS)" bash $$t || rc=1; \
	done; exit $$rc

# What a new user runs: installs what is missing, then every suite, each under `suite-NAME`,
# which prints the suite's wall time; the table of them and the total close the run (also in
# $(BUILD)/test-times.txt). A failing suite stops the run, as the first failure did before.
#
# The machine has two cores, so the suites run in two kinds of phase:
#   TEST_SERIAL  one after the other, each given both cores (make -j$(TEST_JOBS): the builds,
#                Criterion's -j2, clang-tidy's two processes);
#   TEST_PAIRED  suites that use one core (valgrind's runs, cppcheck, each fuzz target),
#                run side by side as one `make -j$(TEST_JOBS) -Otarget` phase;
# then test-live alone (its deadlines are wall-clock). Fragments included below add their
# suites to either list (fuzzing, memory checks, lint).
#
# What it takes on the project's 2-core machine (Dec 2026), suite by suite with /usr/bin/time,
# while other builds shared the machine (load 2-15): the wall clocks were 2-4 times the work,
# so the figures are the CPU seconds (user+sys) each suite needs and the idle-machine wall
# they give. check 43-54 s, check-san 96-135, check-clang 40-63 (each about half that on two
# cores now that their builds run with -j2), bench-build and check-install 1-2, the fuzz
# build 29, lint-tidy 155-167 (two processes: ~80 s), check-valgrind 140 (one core),
# fuzz-ci ~110 of wall-clock fuzzing (one core, beside valgrind), lint-cppcheck 5,
# test-live ~200 s of mostly waiting (36 s CPU). The whole: about 9 minutes on an idle
# machine (it was about 12 with serial builds and the one-core suites one after the other).
# Under that load the sum of the wall clocks was 26 min before and 38 after (a heavier load:
# not comparable). The deps step is not counted.
TEST_JOBS ?= 2
TIMES = $(BUILD)/test-times.txt
TEST_SERIAL = check check-san check-clang bench-build check-install
TEST_PAIRED =
TEST_LAST = test-live

.PHONY: bench-build
bench-build: $(BUILD)/bench-core

test: deps
	@mkdir -p $(BUILD) && rm -f $(TIMES); start=$$(date +%s); rc=0; \
	for s in $(TEST_SERIAL); do \
	    $(MAKE) --no-print-directory -j$(TEST_JOBS) suite-$$s || { rc=1; break; }; \
	done; \
	if [ $$rc = 0 ] && [ -n "$(strip $(TEST_PAIRED))" ]; then \
	    $(MAKE) --no-print-directory -j$(TEST_JOBS) -Otarget $(TEST_PAIRED:%=suite-%) || rc=1; fi; \
	for s in $(TEST_LAST); do [ $$rc = 0 ] && { $(MAKE) --no-print-directory suite-$$s || rc=1; }; done; \
	echo "== make test: wall time per suite"; cat $(TIMES); \
	printf '%-16s %5d s%s\n' total $$(( $$(date +%s) - start )) "$$( [ $$rc = 0 ] || echo '  FAILED')"; \
	exit $$rc

# One suite, timed: `make suite-check` is `make check` that also prints (and records in
# $(TIMES)) how long it took.
suite-%:
	@mkdir -p $(BUILD); echo "== $*"; s=$$(date +%s); \
	$(MAKE) --no-print-directory $*; rc=$$?; t=$$(( $$(date +%s) - s )); \
	line=$$(printf '%-16s %5d s%s' '$*' $$t "$$( [ $$rc = 0 ] || echo '  FAILED')"); \
	echo "$$line" >>$(TIMES); echo "== $$line"; exit $$rc

# The main job: install what is missing, build, answer for this host (in that order, even
# under make -j).
run:
	$(MAKE) --no-print-directory deps DEB_PKGS='$(RUN_PKGS)'
	$(MAKE) --no-print-directory $(BUILD)/kvmcap
	$(BUILD)/kvmcap $(ARGS)

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    $$SUDO apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	        $$missing || exit 1; \
	fi; \
	getent passwd libvirt-qemu >/dev/null || { \
	    echo "creating the libvirt-qemu user (libvirt-daemon-system would have)"; \
	    { getent group kvm >/dev/null || $$SUDO groupadd -r kvm; } && \
	    { getent group libvirt-qemu >/dev/null || $$SUDO groupadd -r libvirt-qemu; } && \
	    $$SUDO useradd -r -g libvirt-qemu -G kvm -d /var/lib/libvirt -s /usr/sbin/nologin \
	        libvirt-qemu; }

# The binary, the catalogs (with their sources, data/README.md), the man page and the bash
# completion. An installed kvmcap finds ../share/kvmcap next to itself; KVMCAP_DATADIR
# overrides.
MANDIR     = $(PREFIX)/share/man/man1
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
.PHONY: check-install deb
# uninstall removes the directories install created, when empty: without DESTDIR, those
# install listed in $(DATADIR)/.installed-dirs (it never removes one that was there before);
# with DESTDIR (a staging tree, a package) every empty one up to DESTDIR.
INSTALL_DIRS = $(BINDIR) $(DATADIR) $(MANDIR) $(BASHCOMPDIR)
install: $(BUILD)/kvmcap
	@new=; for d in $(INSTALL_DIRS); do \
	    while [ ! -d "$(DESTDIR)$$d" ]; do new="$$new $$d"; d=$$(dirname "$$d"); done; \
	done; \
	install -d $(addprefix $(DESTDIR),$(INSTALL_DIRS)) || exit 1; \
	if [ -z "$(DESTDIR)" ] && [ -n "$$new" ]; then \
	    { cat $(DATADIR)/.installed-dirs 2>/dev/null; printf '%s\n' $$new; } | \
	        sort -ru > $(DATADIR)/.installed-dirs.tmp && \
	    mv $(DATADIR)/.installed-dirs.tmp $(DATADIR)/.installed-dirs; \
	fi
	install -m 0755 $(BUILD)/kvmcap $(DESTDIR)$(BINDIR)/kvmcap
	install -m 0644 data/*.json data/README.md $(DESTDIR)$(DATADIR)/
	install -m 0644 doc/kvmcap.1 $(DESTDIR)$(MANDIR)/kvmcap.1
	install -m 0644 doc/kvmcap.bash-completion $(DESTDIR)$(BASHCOMPDIR)/kvmcap

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kvmcap $(DESTDIR)$(MANDIR)/kvmcap.1 \
	    $(DESTDIR)$(BASHCOMPDIR)/kvmcap
	@if [ -n "$(DESTDIR)" ]; then \
	    dirs=$$(for d in $(INSTALL_DIRS); do \
	        while [ "$$d" != / ] && [ "$$d" != . ]; do echo "$(DESTDIR)$$d"; d=$$(dirname "$$d"); done; \
	    done | sort -ru); \
	else dirs=$$(cat $(DATADIR)/.installed-dirs 2>/dev/null); fi; \
	rm -rf $(DESTDIR)$(DATADIR); \
	for d in $$dirs; do [ -d "$$d" ] && rmdir "$$d" 2>/dev/null; done; true

# An install into a temporary DESTDIR, checked (tests/install/check.sh): the installed
# binary run from elsewhere finds its data, the man page renders without warnings, the
# completion loads and completes, uninstall leaves nothing. Part of `make test`.
check-install: $(BUILD)/kvmcap
	@tmp=$$(mktemp -d /tmp/kvmcap-install.XXXXXX) || exit 1; \
	$(MAKE) --no-print-directory install DESTDIR="$$tmp" PREFIX=/usr >/dev/null && \
	bash tests/install/check.sh "$$tmp" /usr; rc=$$?; rm -rf "$$tmp"; exit $$rc

# The Debian package (debian/): installs the Build-Depends with apt, then builds from a copy
# of the tracked files in $(BUILD)/deb so the work tree stays clean; the .deb lands there.
deb:
	@SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get build-dep -y -qq --no-install-recommends ./
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/kvmcap-$(VERSION)
	if git rev-parse --git-dir >/dev/null 2>&1; then git ls-files -z | tar --null -T - -cf -; \
	else tar --exclude=./$(BUILD) --exclude=./debian/kvmcap -cf - .; fi | \
	    tar -C $(BUILD)/deb/kvmcap-$(VERSION) -xf -
	cd $(BUILD)/deb/kvmcap-$(VERSION) && dpkg-buildpackage -us -uc -b
	@ls -l $(BUILD)/deb/*.deb

clean:
	rm -rf $(BUILD)

# Suites and tools that live beside what they check (each fragment owns its targets).
-include bench/bench.mk tests/fuzz/fuzz.mk tests/hardening.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
