/* SPDX-License-Identifier: MIT */
/* test_dynlib.c: libvirt, libxml2 and libcurl are loaded only by commands that need them
 * (planner/util/dynlib.c), and their tables hold the libraries' own functions. */
#define _GNU_SOURCE             /* RTLD_NOLOAD */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "helpers.h"
/* the libraries' own names here, not the tables' (to compare the two) */
#define KC_DYNLIB_IMPL
#include "util/dynlib.h"
#include "util/dynlib_curl.h"
#include "util/dynlib_virt.h"
#include "util/dynlib_xml.h"

/* Run `KVMCAP_BIN ARGS` under the shell with @env before it; its stdout and stderr. */
static char *run(const char *env, const char *args)
{
    const char *bin = getenv("KVMCAP_BIN");
    char cmd[1024], *buf = NULL;
    size_t len = 0, cap = 0, got;
    FILE *p;

    cr_assert(bin && !strchr(bin, '\''), "KVMCAP_BIN is not set (run through make check)");
    snprintf(cmd, sizeof(cmd), "%s '%s' %s 2>&1 </dev/null", env, bin, args);
    fflush(NULL);
    p = popen(cmd, "r");
    cr_assert(p);
    do {
        if (len + 4096 > cap) {
            cap = cap ? cap * 2 : 65536;
            buf = realloc(buf, cap);
            cr_assert(buf);
        }
        got = fread(buf + len, 1, cap - len - 1, p);
        len += got;
    } while (got > 0);
    buf[len] = '\0';
    pclose(p);
    return buf;
}

/* The binary is not linked with them: the dynamic loader maps none at start (what ldd
 * prints: LD_TRACE_LOADED_OBJECTS lists and exits). */
Test(dynlib, binary_links_none_of_them)
{
    char *out = run("LD_TRACE_LOADED_OBJECTS=1", "");

    cr_assert(strstr(out, "libc.so"), "no loader listing: %s", out);
    cr_assert_null(strstr(out, "libvirt"), "%s", out);
    cr_assert_null(strstr(out, "libxml2"), "%s", out);
    cr_assert_null(strstr(out, "libcurl"), "%s", out);
    free(out);
}

/* A command that contacts no host loads none of them; one that does loads libvirt (LD_DEBUG
 * names every file the loader opens). */
Test(dynlib, only_a_host_contact_loads_libvirt)
{
    char *out = run("LD_DEBUG=files", "--host 8c8g --vm 1c1g");

    cr_assert(strstr(out, "8c8g"), "%s", out);
    cr_assert_null(strstr(out, "libvirt.so.0"), "--host loaded libvirt");
    cr_assert_null(strstr(out, "libxml2.so.2"), "--host loaded libxml2");
    free(out);
    out = run("LD_DEBUG=files", "size --vm 2c4g:20 --vm 8c32g:5");
    cr_assert(strstr(out, "25 VMs in 2 shapes"), "%s", out);
    cr_assert_null(strstr(out, "libvirt.so.0"), "size loaded libvirt");
    free(out);
    out = run("LD_DEBUG=files", "-c test:///default --vm 1c1g");
    cr_assert(strstr(out, "libvirt.so.0"), "-c test:///default did not load libvirt: %s", out);
    cr_assert(strstr(out, "libxml2.so.2"), "-c test:///default did not load libxml2");
    cr_assert_null(strstr(out, "libcurl.so.4"), "-c test:///default loaded libcurl");
    free(out);
}

/* Every slot of each table is the function of that name in the library of that soname (the
 * names and the slots are one list; libvirt itself also maps another libcurl,
 * libcurl-gnutls.so.4, so each name is looked up in its own library). */
Test(dynlib, tables_hold_the_named_functions)
{
    kc_error err = { 0 };
    void *virt, *xml, *curl, *sym;

    cr_assert_eq(kc_dynlib_load(KC_DYNLIB_VIRT, &err), 0, "%s", err.msg);
    cr_assert_eq(kc_dynlib_load(KC_DYNLIB_CURL, &err), 0, "%s", err.msg);
    cr_assert_eq(kc_dynlib_load(KC_DYNLIB_VIRT, &err), 0, "a second load: %s", err.msg);
    virt = dlopen("libvirt.so.0", RTLD_NOW | RTLD_NOLOAD);
    xml = dlopen("libxml2.so.2", RTLD_NOW | RTLD_NOLOAD);
    curl = dlopen("libcurl.so.4", RTLD_NOW | RTLD_NOLOAD);
    cr_assert(virt && xml && curl, "a library is not loaded");
#define CHECK(handle, table, name)                                             \
    sym = dlsym(handle, #name);                                                \
    cr_assert(sym, "no %s", #name);                                            \
    cr_assert(memcmp(&sym, &table.name, sizeof(sym)) == 0, "%s is not in its slot", #name);
#define CHECK_VIRT(name) CHECK(virt, kc_dynlib_virt, name)
#define CHECK_XML(name) CHECK(xml, kc_dynlib_xml, name)
#define CHECK_CURL(name) CHECK(curl, kc_dynlib_curl, name)
    KC_VIRT_FUNCTIONS(CHECK_VIRT)
    KC_XML_FUNCTIONS(CHECK_XML)
    KC_CURL_FUNCTIONS(CHECK_CURL)
    dlclose(virt);
    dlclose(xml);
    dlclose(curl);
}

Test(dynlib, unknown_library)
{
    kc_error err = { 0 };

    cr_assert_eq(kc_dynlib_load(KC_DYNLIB_LAST, &err), -1);
    cr_assert_str_eq(err.msg, "no library 3");
}
