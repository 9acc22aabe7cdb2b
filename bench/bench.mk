# bench/bench.mk: benchmarks of the calculation core (included by the Makefile).
#
#   make bench         the core table (build/bench.json), then whole-process comparisons and
#                      `size` over 10k, 100k and 1M distinct shapes (bench/size_shapes.sh)
#   make bench-quick   the core harness with few repetitions (a smoke run, no targets judged)
#   make bench-demand  recording and the demand model at scale (bench/demand.sh; also part
#                      of `make bench`)
#   make bench-prom    200 hosts x 50 VMs x 30 days read from a real Prometheus
#                      (bench/prom_fleet.sh; also part of `make bench`; the TSDB is built once
#                      and cached under $(BUILD)/bench-prom/)
#
# The harness is built with the project's own flags (OPT defaults to -O2 -g) and links model/
# only; `make test` builds it so that it cannot rot. See bench/README.md.
.PHONY: bench bench-quick bench-size-shapes bench-demand bench-prom
bench: $(BUILD)/bench-core $(BUILD)/kvmcap $(BUILD)/bench-demand $(BUILD)/bench/prom/prom_gen
	$(BUILD)/bench-core --flags '$(strip $(ALL_CFLAGS))' $(BUILD)/bench.json
	KVMCAP_BIN=$(abspath $(BUILD))/kvmcap bash bench/whole.sh $(BUILD)/bench.json
	KVMCAP_BIN=$(abspath $(BUILD))/kvmcap bash bench/size_shapes.sh $(BUILD)/bench.json
	KVMCAP_BIN=$(abspath $(BUILD))/kvmcap KVMCAP_BENCH_DEMAND=$(abspath $(BUILD))/bench-demand \
	    bash bench/demand.sh $(BUILD)/bench.json
	KVMCAP_BIN=$(abspath $(BUILD))/kvmcap KVMCAP_PROM_GEN=$(abspath $(BUILD))/bench/prom/prom_gen \
	    KC_PROM_CACHE=$(abspath $(BUILD))/bench-prom bash bench/prom_fleet.sh $(BUILD)/bench.json

bench-quick: $(BUILD)/bench-core
	$(BUILD)/bench-core --quick --flags '$(strip $(ALL_CFLAGS))' $(BUILD)/bench-quick.json

# only the distinct-shapes sizing (KC_SIZE_SHAPES="10000 100000" for other sizes)
bench-size-shapes: $(BUILD)/kvmcap
	KVMCAP_BIN=$(abspath $(BUILD))/kvmcap bash bench/size_shapes.sh $(BUILD)/bench.json

# Start-up (issue 17 item 1): `kvmcap --host 8c8g --vm 1c1g` and a 25-VM `size` against
# `ls /`, 200 runs each interleaved, as ratios in one run (bench/startup/startup.c).
.PHONY: bench-startup
$(BUILD)/bench-startup: bench/startup/startup.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -o $@ $<
bench-startup: $(BUILD)/bench-startup $(BUILD)/kvmcap
	$(BUILD)/bench-startup 200 $(abspath $(BUILD))/kvmcap

# Recording and the demand model at scale (issue 15): one sample of 1,000 test-driver domains
# through kvmcap's sampler and store, and `kvmcap demand` over a synthetic week of 200 VMs
# at 20 s written by kvmcap's store (bench/demand/bench_demand.c links the program's objects).
$(BUILD)/bench/demand/%.o: bench/demand/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Imodel -Iplanner $(PKG_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/bench-demand: $(BUILD)/bench/demand/bench_demand.o $(PLANNER_OBJ) $(MODEL_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)
bench-demand: $(BUILD)/bench-demand $(BUILD)/kvmcap
	@[ -f $(BUILD)/bench.json ] || echo '{}' >$(BUILD)/bench.json
	KVMCAP_BIN=$(abspath $(BUILD))/kvmcap KVMCAP_BENCH_DEMAND=$(abspath $(BUILD))/bench-demand \
	    bash bench/demand.sh $(BUILD)/bench.json
bench-build: $(BUILD)/bench-demand

# A fleet's history from a real Prometheus (issue 16): bench/prom/prom_gen.c writes it in the
# exporters' metric names for promtool; it is a standalone program (libc only).
$(BUILD)/bench/prom/prom_gen: bench/prom/prom_gen.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 -o $@ $<
bench-prom: $(BUILD)/kvmcap $(BUILD)/bench/prom/prom_gen
	@[ -f $(BUILD)/bench.json ] || echo '{}' >$(BUILD)/bench.json
	KVMCAP_BIN=$(abspath $(BUILD))/kvmcap KVMCAP_PROM_GEN=$(abspath $(BUILD))/bench/prom/prom_gen \
	    KC_PROM_CACHE=$(abspath $(BUILD))/bench-prom bash bench/prom_fleet.sh $(BUILD)/bench.json
bench-build: $(BUILD)/bench/prom/prom_gen
