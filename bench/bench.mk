# bench/bench.mk: benchmarks of the calculation core (included by the Makefile).
#
#   make bench         the core table (build/bench.json), then whole-process comparisons and
#                      `size` over 10k, 100k and 1M distinct shapes (bench/size_shapes.sh)
#   make bench-quick   the core harness with few repetitions (a smoke run, no targets judged)
#
# The harness is built with the project's own flags (OPT defaults to -O2 -g) and links model/
# only; `make test` builds it so that it cannot rot. See bench/README.md.
.PHONY: bench bench-quick bench-size-shapes
bench: $(BUILD)/bench-core $(BUILD)/kvmcap
	$(BUILD)/bench-core --flags '$(strip $(ALL_CFLAGS))' $(BUILD)/bench.json
	KVMCAP_BIN=$(abspath $(BUILD))/kvmcap bash bench/whole.sh $(BUILD)/bench.json
	KVMCAP_BIN=$(abspath $(BUILD))/kvmcap bash bench/size_shapes.sh $(BUILD)/bench.json

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
