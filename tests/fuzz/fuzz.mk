# tests/fuzz/fuzz.mk: libFuzzer targets for every parser of untrusted text (included by the
# Makefile).
#
#   make fuzz                     build every target with clang into $(BUILD)/fuzz
#   make fuzz-run                 run each for FUZZ_SECONDS (default 60), corpus kept in
#                                 $(BUILD)/fuzz/corpus-<target>, crashes in $(BUILD)/fuzz/crash
#   make fuzz-ci                  the regression inputs, then each target for FUZZ_CI_SECONDS
#                                 (default 10): part of `make test`
#
# Targets (tests/fuzz/fuzz_*.c; seeds in tests/fuzz/seeds/<seed dir>):
#   fuzz_spec          host/VM specs, SPEC:COUNT, --set keys, every number   seeds/spec
#   fuzz_facts         facts file reader, writer round trip, facts -> host   fixtures/hosts
#   fuzz_workload      workload files                                        seeds/workload
#   fuzz_catalog       catalog files (data/*.json, --catalog)                seeds/catalog
#   fuzz_config        policy files (kvmcap.conf) and the policy built      seeds/config
#   fuzz_xml_caps, fuzz_xml_domain, fuzz_xml_pool, fuzz_xml_network, fuzz_xml_nodedev:
#                      one libvirt XML parser each                           seeds/xml-*
#   fuzz_prom          Prometheus API responses, their mapping, option values seeds/prom
#   fuzz_recording     recording files (SQLite): whole files or edits of one  seeds/recording
# A crash found becomes a file in tests/fuzz/regress/<target>/ (run by fuzz-ci and kept).

FUZZ_CC       ?= clang
FUZZ_DIR       = $(BUILD)/fuzz
FUZZ_SECONDS  ?= 60
FUZZ_CI_SECONDS ?= 10
FUZZ_SAN       = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# clang's own -Werror would break the fuzz build on a warning only clang gives; gcc's
# -Werror in `make check` already holds the line.
FUZZ_CFLAGS    = $(CSTD) -g -O1 $(FUZZ_SAN) -Imodel -Iplanner $(PKG_CFLAGS) \
                 -DKC_DATADIR='"$(DATADIR)"' -DKC_VERSION='"$(VERSION)"'
FUZZ_LIB_SRC   = $(PLANNER_SRC) $(MODEL_SRC)
FUZZ_LIB_OBJ   = $(FUZZ_LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_XML_TARGETS = fuzz_xml_caps fuzz_xml_domain fuzz_xml_pool fuzz_xml_network fuzz_xml_nodedev
FUZZ_TARGETS   = fuzz_spec fuzz_facts fuzz_workload fuzz_catalog fuzz_config $(FUZZ_XML_TARGETS)
FUZZ_TARGETS  += fuzz_prom fuzz_recording
FUZZ_BINS      = $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)
# libFuzzer options: inputs up to 64 KiB, 10 s per input, 2 GiB of memory
FUZZ_OPTS     ?= -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
FUZZ_ENV       = KVMCAP_DATADIR=$(CURDIR)/data ASAN_OPTIONS=detect_leaks=1 \
                 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# seed directories of each target
fuzz_seeds_fuzz_spec         = tests/fuzz/seeds/spec
fuzz_seeds_fuzz_facts        = tests/fixtures/hosts
fuzz_seeds_fuzz_workload     = tests/fuzz/seeds/workload
fuzz_seeds_fuzz_catalog      = tests/fuzz/seeds/catalog
fuzz_seeds_fuzz_config       = tests/fuzz/seeds/config
fuzz_seeds_fuzz_xml_caps     = tests/fuzz/seeds/xml-caps
fuzz_seeds_fuzz_xml_domain   = tests/fuzz/seeds/xml-domain
fuzz_seeds_fuzz_xml_pool     = tests/fuzz/seeds/xml-pool
fuzz_seeds_fuzz_xml_network  = tests/fuzz/seeds/xml-network
fuzz_seeds_fuzz_xml_nodedev  = tests/fuzz/seeds/xml-nodedev
fuzz_seeds_fuzz_prom         = tests/fuzz/seeds/prom
fuzz_seeds_fuzz_recording    = tests/fuzz/seeds/recording
fuzz_xml_id_caps = 1
fuzz_xml_id_domain = 2
fuzz_xml_id_pool = 3
fuzz_xml_id_network = 4
fuzz_xml_id_nodedev = 5

.PHONY: fuzz fuzz-run fuzz-ci fuzz-regress
.PRECIOUS: $(FUZZ_DIR)/obj/%.o

fuzz: $(FUZZ_BINS)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_DIR)/fuzz_xml_%: tests/fuzz/fuzz_xml.c $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -DKC_FUZZ_XML=$(fuzz_xml_id_$*) -o $@ $^ $(PKG_LIBS)

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

# Every input once: the regression files (crashes found and fixed) and the seeds.
define fuzz_regress_one
@files=$$(find tests/fuzz/regress/$(1) $(fuzz_seeds_$(1)) -type f 2>/dev/null | sort); \
	echo "fuzz-regress $(1): $$(echo $$files | wc -w) inputs"; \
	$(FUZZ_ENV) $(FUZZ_DIR)/$(1) $(FUZZ_OPTS) $$files >$(FUZZ_DIR)/$(1).regress.log 2>&1 || \
	    { tail -40 $(FUZZ_DIR)/$(1).regress.log; exit 1; }

endef

fuzz-regress: $(FUZZ_BINS)
	$(foreach t,$(FUZZ_TARGETS),$(call fuzz_regress_one,$(t)))

# Each target for $(FUZZ_SECONDS), one after the other (the machine has 2 cores and others);
# every target runs even after one fails, and the run fails if any did.
define fuzz_run_one
@mkdir -p $(FUZZ_DIR)/crash $(FUZZ_DIR)/corpus-$(1); \
	seeds=""; for d in $(fuzz_seeds_$(1)) tests/fuzz/regress/$(1); do \
	    [ -d $$d ] && seeds="$$seeds $$d"; done; \
	$(FUZZ_ENV) $(FUZZ_DIR)/$(1) $(FUZZ_OPTS) -max_total_time=$(FUZZ_SECONDS) \
	    -artifact_prefix=$(FUZZ_DIR)/crash/$(1)- $(FUZZ_DIR)/corpus-$(1) $$seeds \
	    >$(FUZZ_DIR)/$(1).log 2>&1; st=$$?; \
	runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_DIR)/$(1).log); \
	cov=$$(grep -o 'cov: [0-9]*' $(FUZZ_DIR)/$(1).log | tail -1); \
	if [ $$st -eq 0 ]; then echo "fuzz $(1): ok, $$runs runs, $$cov"; \
	else echo "fuzz $(1): FAILED (exit $$st), see $(FUZZ_DIR)/$(1).log:"; \
	    grep -E 'ERROR|SUMMARY|fuzz_|runtime error' $(FUZZ_DIR)/$(1).log | head -20; \
	    touch $(FUZZ_DIR)/failed; fi

endef

fuzz-run: $(FUZZ_BINS)
	@rm -f $(FUZZ_DIR)/failed
	$(foreach t,$(FUZZ_TARGETS),$(call fuzz_run_one,$(t)))
	@if [ -e $(FUZZ_DIR)/failed ]; then echo "fuzz-run: a target failed"; exit 1; fi

fuzz-ci: fuzz-regress
	$(MAKE) --no-print-directory fuzz-run FUZZ_SECONDS=$(FUZZ_CI_SECONDS)

# the build takes both cores (TEST_SERIAL); the runs, one target at a time, one core
# (TEST_PAIRED: beside valgrind's)
TEST_SERIAL += fuzz
TEST_PAIRED += fuzz-ci

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
