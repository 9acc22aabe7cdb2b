/* SPDX-License-Identifier: MIT */
/* helpers.h: shared test fixtures and asserts. */
#ifndef KC_TEST_HELPERS_H
#define KC_TEST_HELPERS_H

#include <stdint.h>

#include "kc.h"

/* A host with @cpus logical CPUs and @mem_mib memory, nothing else. */
kc_host kc_test_host(uint32_t cpus, uint64_t mem_mib);

/* A policy with the defaults of doc/model.md 4.1. */
kc_policy kc_test_policy(void);

/* Deterministic pseudo-random numbers (splitmix64) for property tests. */
uint64_t kc_test_rand(uint64_t *state);
/* A value in [lo, hi], biased towards both ends and small magnitudes now and then. */
uint64_t kc_test_range(uint64_t *state, uint64_t lo, uint64_t hi);

/* Run the golden CLI case tests/cli/@name: args (one per line), stdin (optional), and
 * compare stdout, stderr and status. KVMCAP_REGENERATE=1 rewrites the expected files. */
void kc_expect_cli(const char *name);

#endif /* KC_TEST_HELPERS_H */
