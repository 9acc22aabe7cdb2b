/* SPDX-License-Identifier: MIT */
/* fit_reference.h: the reference fit, for the tests, the benchmarks and the fast path's
 * fallback; not part of the core's API (fit.h). */
#ifndef KC_FIT_REFERENCE_H
#define KC_FIT_REFERENCE_H

#include "fit.h"

/* The same answer as kc_fit_compute(), computed the plain way: validate, zero *out, then
 * every resource in 128-bit-safe arithmetic. kc_fit_compute() takes a fast path for the
 * common case (valid input, every product within 64 bits) and falls back to this for the
 * rest. This is the specification the fast path is tested against
 * (tests/unit/test_fit_fast.c) and the "before" of the benchmarks (bench/README.md). */
int kc_fit_compute_reference(const kc_host *host, const kc_shape *shape,
                             const kc_policy *policy, kc_fit *out, kc_error *err);

#endif /* KC_FIT_REFERENCE_H */
