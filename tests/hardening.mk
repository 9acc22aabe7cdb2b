# tests/hardening.mk: memory checks and static analysis (included by the Makefile).
#
#   make check-valgrind   valgrind memcheck over every golden CLI case and the libvirt
#                         collection path (tests/valgrind.sh): any error or definite/indirect
#                         leak fails, the forked collector included (--trace-children=yes)
#   make lint             cppcheck (suppressions: tests/cppcheck.supp) and clang-tidy
#                         (configuration: .clang-tidy) over model/ and planner/; any finding fails
#
# Both run in `make test` (TEST_SERIAL, TEST_PAIRED). The live memcheck run against a private
# libvirtd is part of tests/live/hostile.sh.

LINT_SRC    = $(MODEL_SRC) $(PLANNER_SRC) planner/main.c
# (escaped for the inner `sh -c '...'` of lint-tidy)
LINT_CFLAGS = $(CSTD) -Imodel -Iplanner $(PKG_CFLAGS) -DKC_DATADIR=\"x\" -DKC_VERSION=\"x\"

.PHONY: check-valgrind lint lint-layers lint-cppcheck lint-tidy

check-valgrind: $(BUILD)/kvmcap
	bash tests/valgrind.sh $(BUILD)/kvmcap

lint: lint-layers lint-cppcheck lint-tidy

# the include rule of planner/ (model <- util <- facts <- input <- fleet <- report <- cli)
lint-layers:
	python3 tests/lint/layers.py

lint-cppcheck:
	cppcheck -q --std=c11 --enable=warning,portability,performance --inline-suppr \
	    --suppressions-list=tests/cppcheck.supp -D_POSIX_C_SOURCE=200809L \
	    -DKC_DATADIR='"x"' -DKC_VERSION='"x"' -Imodel -Iplanner --error-exitcode=1 \
	    $(LINT_SRC)

# one file per clang-tidy process, two at a time (the machine has two cores)
lint-tidy:
	@echo "clang-tidy: $(words $(LINT_SRC)) files"
	@printf '%s\n' $(LINT_SRC) | xargs -P2 -I{} sh -c \
	    'clang-tidy -quiet {} -- $(LINT_CFLAGS) 2>/dev/null || { echo "clang-tidy: {}"; exit 255; }'
	@echo "clang-tidy: clean"

# lint-tidy runs two clang-tidy processes (TEST_SERIAL); valgrind's runs and cppcheck use one
# core each (TEST_PAIRED: side by side with the fuzz targets).
TEST_SERIAL += lint-tidy
TEST_PAIRED += check-valgrind lint-layers lint-cppcheck
