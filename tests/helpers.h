/* SPDX-License-Identifier: MIT */
/* helpers.h: shared test fixtures and asserts. */
#ifndef KC_TEST_HELPERS_H
#define KC_TEST_HELPERS_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "demand/store.h"
#include "kc.h"

/* A host with @cpus logical CPUs and @mem_mib memory, nothing else. */
kc_host kc_test_host(uint32_t cpus, uint64_t mem_mib);

/* A policy with the defaults of doc/model.md 4.1. */
kc_policy kc_test_policy(void);

/* Deterministic pseudo-random numbers (splitmix64) for property tests. */
uint64_t kc_test_rand(uint64_t *state);
/* A value in [lo, hi], biased towards both ends and small magnitudes now and then. */
uint64_t kc_test_range(uint64_t *state, uint64_t lo, uint64_t hi);

/* A temporary recording: a new directory /tmp/kvmcap-@tag-XXXXXX and the path of a
 * recording file in it (rec.db, not created); kc_test_recording_remove deletes the
 * directory and everything in it (the WAL files too). Every test that writes a recording
 * starts here. */
typedef struct kc_test_recording {
    char dir[64];
    char path[128];
} kc_test_recording;

void kc_test_recording_new(kc_test_recording *r, const char *tag);
void kc_test_recording_remove(const kc_test_recording *r);

/* Write through kvmcap's own store (asserting each step): open @path for recording (created,
 * or appended to) and begin a run on (@uri, @hostname); add samples; end the run and close. */
kc_store *kc_test_recording_begin(const char *path, const char *uri, const char *hostname,
                                  uint32_t interval_ms, uint64_t t0_ns, const char *facts);
void kc_test_recording_add(kc_store *st, const kc_sample *s, bool fresh);
void kc_test_recording_end(kc_store *st, uint64_t ended_ns);

/* Run the golden CLI case tests/cli/@name: args (one per line), stdin (optional), and
 * compare stdout, stderr and status. A difference prints a unified diff per stream and
 * keeps what kvmcap wrote in $KVMCAP_ACTUAL_DIR/@name/ (default build/cli-actual/@name/);
 * a stdout that is JSON fails on any object with a repeated key. KVMCAP_REGENERATE=1
 * rewrites the expected files. */
void kc_expect_cli(const char *name);

/* The first object key that appears twice in one object of the JSON @text, as
 * "PATH: 'KEY'" in @out (e.g. "policy: 'existing'"); false (and @out "") if there is none
 * or @text is not JSON. */
bool kc_json_repeated_key(const char *text, char *out, size_t size);

/*
 * Comparisons that print both values. Criterion's cr_expect_eq(a, b) and its siblings
 * say only "The expression (a) == (b) is false."; these replace them (same names, same
 * arguments, an optional message format after the two values) and also say what each side
 * was: "fit.count == 7 is false: 6 == 7". Each operand is evaluated once.
 */
typedef struct kc_test_val {
    char s[64];
} kc_test_val;

/* The value of @size bytes at @p, by kind: signed or unsigned integer, floating point, bool,
 * or anything else (pointers, function pointers: "NULL" or 0x...). */
kc_test_val kc_test_val_i(const void *p, size_t size);
kc_test_val kc_test_val_u(const void *p, size_t size);
kc_test_val kc_test_val_f(const void *p, size_t size);
kc_test_val kc_test_val_b(const void *p, size_t size);
kc_test_val kc_test_val_p(const void *p, size_t size);
kc_test_val kc_test_val_s(const char *v);

#define KC_TEST_VAL(x) _Generic((x),                                                    \
    _Bool: kc_test_val_b,                                                               \
    char: kc_test_val_i, signed char: kc_test_val_i, short: kc_test_val_i,             \
    int: kc_test_val_i, long: kc_test_val_i, long long: kc_test_val_i,                 \
    unsigned char: kc_test_val_u, unsigned short: kc_test_val_u,                       \
    unsigned int: kc_test_val_u, unsigned long: kc_test_val_u,                         \
    unsigned long long: kc_test_val_u,                                                 \
    float: kc_test_val_f, double: kc_test_val_f, long double: kc_test_val_f,           \
    default: kc_test_val_p)(&(x), sizeof(x))

/* Report one failed comparison at @file:@line: the message @fmt (after its first character,
 * so that an empty message is "x"), the expression @expr, and both values. The caller then
 * aborts or continues the test, as Criterion's own asserts do. */
void kc_test_fail(const char *file, int line, const char *expr, const char *op, const char *a,
                  const char *e, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* The operands keep their own types, as in Criterion's `(a) == (b)`, after the conversions
 * `?:` applies (promotion, arrays and functions to pointers; typeof does not evaluate its
 * operand, so each operand is evaluated once, and __auto_type would be pedantic in clang).
 * The sign-compare
 * warning is off only for the comparison of the two copies (a constant operand, which
 * gcc does not warn about in the original, is a variable here). */
#define kc_test_op_(Fail, Op, Actual, Expected, ...)                                    \
    do {                                                                                \
        _Pragma("GCC diagnostic push")                                                  \
        _Pragma("GCC diagnostic ignored \"-Wsign-compare\"")                            \
        __typeof__(1 ? (Actual) : (Actual)) kc_a__ = (Actual);                          \
        __typeof__(1 ? (Expected) : (Expected)) kc_e__ = (Expected);                    \
        bool kc_ok__ = kc_a__ Op kc_e__;                                                \
        _Pragma("GCC diagnostic pop")                                                   \
        if (kc_ok__) {                                                                  \
            cri_asserts_passed_incr();                                                  \
        } else {                                                                        \
            kc_test_val kc_va__ = KC_TEST_VAL(kc_a__), kc_ve__ = KC_TEST_VAL(kc_e__);   \
                                                                                        \
            kc_test_fail(__FILE__, __LINE__, CR_STR(Actual Op Expected), #Op, kc_va__.s,  \
                         kc_ve__.s, "x" __VA_ARGS__);                                   \
            Fail();                                                                     \
        }                                                                               \
    } while (0)

#define kc_test_op_va_(Fail, Op, ...)                                                   \
    CR_EXPAND(kc_test_op_(Fail, Op, CR_VA_HEAD(__VA_ARGS__),                            \
                          CR_VA_HEAD(CR_VA_TAIL(__VA_ARGS__)),                          \
                          CR_VA_TAIL(CR_VA_TAIL(__VA_ARGS__))))

/* Strings: both are printed, quoted, cut after 60 characters. */
#define kc_test_str_op_(Fail, Op, Actual, Expected, ...)                                \
    do {                                                                                \
        const char *kc_a__ = (Actual), *kc_e__ = (Expected);                            \
                                                                                        \
        if (strcmp(kc_a__, kc_e__) Op 0) {                                              \
            cri_asserts_passed_incr();                                                  \
        } else {                                                                        \
            kc_test_val kc_va__ = kc_test_val_s(kc_a__), kc_ve__ = kc_test_val_s(kc_e__); \
                                                                                        \
            kc_test_fail(__FILE__, __LINE__, CR_STR(Actual Op Expected), #Op, kc_va__.s,  \
                         kc_ve__.s, "x" __VA_ARGS__);                                   \
            Fail();                                                                     \
        }                                                                               \
    } while (0)

#define kc_test_str_op_va_(Fail, Op, ...)                                               \
    CR_EXPAND(kc_test_str_op_(Fail, Op, CR_VA_HEAD(__VA_ARGS__),                        \
                              CR_VA_HEAD(CR_VA_TAIL(__VA_ARGS__)),                      \
                              CR_VA_TAIL(CR_VA_TAIL(__VA_ARGS__))))

#undef cr_assert_eq
#undef cr_expect_eq
#undef cr_assert_neq
#undef cr_expect_neq
#undef cr_assert_lt
#undef cr_expect_lt
#undef cr_assert_leq
#undef cr_expect_leq
#undef cr_assert_gt
#undef cr_expect_gt
#undef cr_assert_geq
#undef cr_expect_geq
#undef cr_assert_str_eq
#undef cr_expect_str_eq
#undef cr_assert_str_neq
#undef cr_expect_str_neq
#define cr_assert_eq(...) CR_EXPAND(kc_test_op_va_(CR_FAIL_ABORT_, ==, __VA_ARGS__))
#define cr_expect_eq(...) CR_EXPAND(kc_test_op_va_(CR_FAIL_CONTINUES_, ==, __VA_ARGS__))
#define cr_assert_neq(...) CR_EXPAND(kc_test_op_va_(CR_FAIL_ABORT_, !=, __VA_ARGS__))
#define cr_expect_neq(...) CR_EXPAND(kc_test_op_va_(CR_FAIL_CONTINUES_, !=, __VA_ARGS__))
#define cr_assert_lt(...) CR_EXPAND(kc_test_op_va_(CR_FAIL_ABORT_, <, __VA_ARGS__))
#define cr_expect_lt(...) CR_EXPAND(kc_test_op_va_(CR_FAIL_CONTINUES_, <, __VA_ARGS__))
#define cr_assert_leq(...) CR_EXPAND(kc_test_op_va_(CR_FAIL_ABORT_, <=, __VA_ARGS__))
#define cr_expect_leq(...) CR_EXPAND(kc_test_op_va_(CR_FAIL_CONTINUES_, <=, __VA_ARGS__))
#define cr_assert_gt(...) CR_EXPAND(kc_test_op_va_(CR_FAIL_ABORT_, >, __VA_ARGS__))
#define cr_expect_gt(...) CR_EXPAND(kc_test_op_va_(CR_FAIL_CONTINUES_, >, __VA_ARGS__))
#define cr_assert_geq(...) CR_EXPAND(kc_test_op_va_(CR_FAIL_ABORT_, >=, __VA_ARGS__))
#define cr_expect_geq(...) CR_EXPAND(kc_test_op_va_(CR_FAIL_CONTINUES_, >=, __VA_ARGS__))
#define cr_assert_str_eq(...) CR_EXPAND(kc_test_str_op_va_(CR_FAIL_ABORT_, ==, __VA_ARGS__))
#define cr_expect_str_eq(...) CR_EXPAND(kc_test_str_op_va_(CR_FAIL_CONTINUES_, ==, __VA_ARGS__))
#define cr_assert_str_neq(...) CR_EXPAND(kc_test_str_op_va_(CR_FAIL_ABORT_, !=, __VA_ARGS__))
#define cr_expect_str_neq(...) CR_EXPAND(kc_test_str_op_va_(CR_FAIL_CONTINUES_, !=, __VA_ARGS__))

#endif /* KC_TEST_HELPERS_H */
