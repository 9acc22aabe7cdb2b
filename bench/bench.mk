# bench/bench.mk: benchmarks of the calculation core (included by the Makefile).
.PHONY: bench
bench: $(BUILD)/bench-core
	$(BUILD)/bench-core $(BUILD)/bench.json
