/* SPDX-License-Identifier: MIT */
/* test_cli.c: golden CLI cases (tests/cli/<case>/{args,stdin,stdout,stderr,status}). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

/*
 * The directory is the registration: every tests/cli/<case>/ is one run of cli::golden
 * (a parameterized test, so the cases run in parallel under -j2). Criterion names the
 * test, not the parameter, so every failure message starts with the case's name; a
 * failing case's output stays in build/cli-actual/<case>/ (helpers.c). To run some cases
 * only: KVMCAP_CLI_CASES='fleet-*' make check TESTFLAGS="--filter 'cli/golden'".
 */
typedef struct cli_case {
    char name[96];
} cli_case;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const cli_case *)a)->name, ((const cli_case *)b)->name);
}

/* The case directories, sorted; *@n of them in memory from @alloc (NULL if none): cr_calloc
 * for the parameters (Criterion hands them to each test's process), calloc elsewhere. */
static cli_case *list_cases(size_t *n, void *(*alloc)(size_t, size_t), void (*release)(void *))
{
    DIR *d = opendir("tests/cli");
    struct dirent *e;
    cli_case *cases = NULL;
    size_t cap = 0;

    *n = 0;
    if (!d)
        return NULL;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(cases->name))
            continue;
        if (*n == cap) {
            cli_case *bigger;

            cap = cap ? 2 * cap : 128;
            bigger = alloc(cap, sizeof(*bigger));
            if (!bigger)
                break;
            if (cases)
                memcpy(bigger, cases, *n * sizeof(*cases));
            release(cases);
            cases = bigger;
        }
        strcpy(cases[(*n)++].name, e->d_name);
    }
    closedir(d);
    if (cases)
        qsort(cases, *n, sizeof(*cases), by_name);
    return cases;
}

static void free_cases(struct criterion_test_params *params)
{
    cr_free(params->params);
}

ParameterizedTestParameters(cli, golden)
{
    const char *only = getenv("KVMCAP_CLI_CASES");
    size_t n, kept = 0;
    cli_case *cases = list_cases(&n, cr_calloc, cr_free);

    if (only && *only) {
        for (size_t i = 0; i < n; i++)
            if (fnmatch(only, cases[i].name, 0) == 0)
                cases[kept++] = cases[i];
        n = kept;
    }

    return cr_make_param_array(cli_case, cases, n, free_cases);
}

ParameterizedTest(cli_case *c, cli, golden)
{
    kc_expect_cli(c->name);
}

Test(cli, the_case_directory_is_found)
{
    size_t n;
    cli_case *cases = list_cases(&n, calloc, free);

    cr_assert_not_null(cases, "tests/cli is missing or empty (run from the source tree)");
    cr_expect_geq(n, 100);    /* 100 cases today: a listing that lost them fails */
    free(cases);
}

/* The repeated-key check the runner applies to every JSON stdout. */
Test(cli, a_repeated_json_key_is_found)
{
    char where[200];

    cr_expect(kc_json_repeated_key("{\"a\": 1, \"b\": {\"c\": 1, \"c\": 2}}", where,
                                   sizeof(where)));
    cr_expect_str_eq(where, "b: 'c'");
    cr_expect(kc_json_repeated_key("{\"hosts\": [{\"x\": 1}, {\"x\": 1, \"ok\": true, "
                                   "\"ok\": false}]}", where, sizeof(where)));
    cr_expect_str_eq(where, "hosts[1]: 'ok'");
    cr_expect(kc_json_repeated_key("\n[{\"k\": 1, \"k\": 1}]", where, sizeof(where)));
    cr_expect_str_eq(where, "[0]: 'k'");
    cr_expect(kc_json_repeated_key("{\"t\": 1, \"t\": 2}", where, sizeof(where)));
    cr_expect_str_eq(where, "(top): 't'");
}

Test(cli, distinct_keys_and_text_pass_the_json_check)
{
    char where[200];

    /* the same key in sibling objects, or in parent and child, is not a repeat */
    cr_expect_not(kc_json_repeated_key("[{\"x\": 1}, {\"x\": 2}]", where, sizeof(where)));
    cr_expect_not(kc_json_repeated_key("{\"x\": {\"x\": {\"x\": 1}}}", where, sizeof(where)));
    cr_expect_str_eq(where, "");
    /* not JSON at all: tables, CSV, an empty stdout */
    cr_expect_not(kc_json_repeated_key("host    8c8g (spec)\n", where, sizeof(where)));
    cr_expect_not(kc_json_repeated_key("", where, sizeof(where)));
    cr_expect_not(kc_json_repeated_key("{\"a\": 1, \"a\"", where, sizeof(where)));
}
