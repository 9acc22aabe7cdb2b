/* SPDX-License-Identifier: MIT */
/* fuzz_config.c: libFuzzer entry feeding arbitrary bytes to the policy file parser and, when
 * the file parses, to the policy built from it (every value checked as kvmcap does). Seeds in
 * tests/fuzz/seeds/config. `make fuzz` builds it (tests/fuzz/fuzz.mk); by hand, from the repo
 * root: KVMCAP_DATADIR=data build/fuzz/fuzz_config -max_total_time=60 tests/fuzz/seeds/config
 * The catalog (profiles) is loaded once from $KVMCAP_DATADIR or "data". */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/policy.h"
#include "input/catalog.h"
#include "input/catalog_load.h"
#include "input/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kc_catalog *catalog;
static int loaded;

/* An error message must be one non-empty line that fits its buffer. */
static void check_error(const kc_error *err, kc_errcode want)
{
    size_t n = strnlen(err->msg, sizeof(err->msg));

    if (n == 0 || n == sizeof(err->msg) || strchr(err->msg, '\n') || err->code != want)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static kc_cli cli;    /* 8 KiB of policy text: not on the fuzzer's stack */
    char *text;
    kc_error err = { 0 };

    if (!loaded) {
        const char *dir = getenv("KVMCAP_DATADIR");

        catalog = kc_catalog_load(dir && *dir ? dir : "data", &err);
        loaded = 1;
    }
    if (!catalog || memchr(data, '\0', size))
        return 0;    /* kc_read_file refuses NUL bytes before the parser sees them */
    text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    memset(&cli, 0, sizeof(cli));
    kc_config_init(&cli.conf);
    if (kc_config_parse(&cli.conf, text, "fuzz.conf", &err) < 0) {
        check_error(&err, KC_ERR_INVALID);
    } else {
        kc_policy p;
        kc_policy_source src;
        kc_existing ex;
        const char *prof;

        /* every set key says where: "fuzz.conf:LINE" */
        for (int k = 0; k < KC_CONF_LAST; k++)
            if (cli.conf.where[k][0] && (strncmp(cli.conf.where[k], "fuzz.conf:", 10) != 0 ||
                                         !cli.conf.value[k][0]))
                abort();
        if (kc_cli_build_policy_source(&cli, catalog, &p, &prof, &ex, &src, &err) < 0) {
            check_error(&err, KC_ERR_INVALID);
        } else {
            char line[512];

            if (kc_policy_validate(&p, &err) < 0)
                abort();    /* a policy the file sets is always one the core takes */
            kc_config_source_line(line, sizeof(line), &src);
            if (strlen(line) >= sizeof(line))
                abort();
        }
    }
    free(text);
    return 0;
}
