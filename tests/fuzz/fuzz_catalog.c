/* SPDX-License-Identifier: MIT */
/* fuzz_catalog.c: libFuzzer entry for the catalog files (devices, network, flavors, profiles,
 * hosts: data/ and `kvmcap size --catalog FILE`).
 *
 * Built by `make fuzz` (tests/fuzz/fuzz.mk), seeded from the data/ files. The catalog reader
 * takes paths, so the target keeps a private copy of data/ under $TMPDIR (or /dev/shm), and
 * each input replaces one of its files, chosen by the input's first byte; the rest of the
 * input is the file. The hosts file also goes through kc_catalog_load_hosts, as --catalog.
 *
 * Properties beyond "no crash": a rejected file sets KC_ERR_INVALID with one line; an
 * accepted catalog holds what the grammar promises (names NUL-terminated, no duplicate
 * host names, percentages at most 100 %). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/catalog.h"
#include "input/catalog_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
    "devices.json", "network.json", "flavors.json", "profiles.json", "hosts.json",
};
#define N_FILES (sizeof(files) / sizeof(files[0]))

static char dir[256];
static char *originals[N_FILES];
static size_t original_len[N_FILES];

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_catalog: %s: %s\n", what, detail);
    abort();
}

static void write_file(const char *name, const void *buf, size_t len)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
        fail("cannot write", path);
}

static void remove_dir(void)
{
    char path[512];

    for (size_t i = 0; i < N_FILES; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void setup(void)
{
    const char *src = getenv("KVMCAP_DATADIR");
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");

    snprintf(dir, sizeof(dir), "%s/kvmcap-fuzz-catalog.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        fail("mkdtemp", dir);
    atexit(remove_dir);
    for (size_t i = 0; i < N_FILES; i++) {
        char path[4200];
        FILE *f;
        long len;

        snprintf(path, sizeof(path), "%s/%s", src && *src ? src : "data", files[i]);
        f = fopen(path, "rb");
        if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
            fseek(f, 0, SEEK_SET) != 0)
            fail("cannot read", path);
        originals[i] = malloc((size_t)len + 1);
        if (!originals[i] || fread(originals[i], 1, (size_t)len, f) != (size_t)len)
            fail("cannot read", path);
        original_len[i] = (size_t)len;
        fclose(f);
        write_file(files[i], originals[i], original_len[i]);
    }
}

static void check_catalog(const kc_catalog *cat)
{
    for (size_t i = 0; i < cat->n_devices; i++)
        if (strnlen(cat->devices[i].name, sizeof(cat->devices[i].name)) ==
            sizeof(cat->devices[i].name))
            fail("device name", "not terminated");
    for (size_t i = 0; i < cat->n_flavors; i++)
        if (strnlen(cat->flavors[i].spec, sizeof(cat->flavors[i].spec)) ==
            sizeof(cat->flavors[i].spec))
            fail("flavor spec", "not terminated");
    for (size_t i = 0; i < cat->n_hosts; i++) {
        if (strnlen(cat->hosts[i].name, sizeof(cat->hosts[i].name)) ==
            sizeof(cat->hosts[i].name))
            fail("host name", "not terminated");
        for (size_t j = 0; j < i; j++)
            if (strcmp(cat->hosts[i].name, cat->hosts[j].name) == 0)
                fail("host listed twice", cat->hosts[i].name);
    }
    if (cat->nat_efficiency_bp > 10000 || cat->bridge_efficiency_bp > 10000)
        fail("efficiency", "above 100 %");
}

static void check_error(const kc_error *err)
{
    size_t n = strnlen(err->msg, sizeof(err->msg));

    if (err->code != KC_ERR_INVALID || n == 0 || n == sizeof(err->msg) || strchr(err->msg, '\n'))
        fail("bad error", err->msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kc_error err = { 0 };
    kc_catalog *cat;
    size_t which;
    char path[512];

    if (!dir[0])
        setup();
    if (size == 0)
        return 0;
    which = data[0] % N_FILES;
    write_file(files[which], data + 1, size - 1);
    cat = kc_catalog_load(dir, &err);
    if (!cat)
        check_error(&err);
    else
        check_catalog(cat);
    if (which == N_FILES - 1) {
        /* the same text as `size --catalog FILE`, over the shipped catalog */
        write_file(files[which], originals[which], original_len[which]);
        if (!cat)
            cat = kc_catalog_load(dir, &err);
        if (!cat)
            fail("shipped catalog", err.msg);
        snprintf(path, sizeof(path), "%s/user-hosts.json", dir);
        {
            FILE *f = fopen(path, "wb");

            if (!f || fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f) != 0)
                fail("cannot write", path);
        }
        memset(&err, 0, sizeof(err));
        if (kc_catalog_load_hosts(cat, path, &err) < 0)
            check_error(&err);
        else
            check_catalog(cat);
        unlink(path);
    }
    kc_catalog_free(cat);
    write_file(files[which], originals[which], original_len[which]);
    return 0;
}
