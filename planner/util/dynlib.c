/* SPDX-License-Identifier: MIT */
/* dynlib.c: libvirt, libxml2 and libcurl, loaded when a command first needs them. */
#include <dlfcn.h>
#include <stdbool.h>
#include <string.h>

#define KC_DYNLIB_IMPL          /* the real names below, not the tables' */
#include "util/dynlib.h"
#include "util/dynlib_curl.h"
#include "util/dynlib_virt.h"
#include "util/dynlib_xml.h"

/* A table slot is written with memcpy() from dlsym()'s void * (ISO C has no cast between
 * object and function pointers; POSIX requires them to be the same size). */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "function pointers are not void *");

kc_dynlib_virt_table kc_dynlib_virt;
kc_dynlib_xml_table kc_dynlib_xml;
kc_dynlib_curl_table kc_dynlib_curl;

#define KC_NAME(name) #name,
static const char *const virt_names[] = { KC_VIRT_FUNCTIONS(KC_NAME) };
static const char *const xml_names[] = { KC_XML_FUNCTIONS(KC_NAME) };
static const char *const curl_names[] = { KC_CURL_FUNCTIONS(KC_NAME) };
#undef KC_NAME

typedef struct library {
    const char *soname;        /* the versioned name: the -dev package's symlink is not there */
    const char *what;          /* for the message */
    const char *package;       /* Debian's package of @soname */
    const char *const *names;
    size_t n;
    void *table;               /* n function pointers, in the order of @names */
    size_t table_size;
    bool loaded;
} library;

static library libraries[KC_DYNLIB_LAST] = {
    [KC_DYNLIB_VIRT] = { "libvirt.so.0", "libvirt", "libvirt0", virt_names,
                         sizeof(virt_names) / sizeof(virt_names[0]), &kc_dynlib_virt,
                         sizeof(kc_dynlib_virt), false },
    [KC_DYNLIB_XML] = { "libxml2.so.2", "libxml2", "libxml2", xml_names,
                        sizeof(xml_names) / sizeof(xml_names[0]), &kc_dynlib_xml,
                        sizeof(kc_dynlib_xml), false },
    [KC_DYNLIB_CURL] = { "libcurl.so.4", "libcurl", "libcurl4", curl_names,
                         sizeof(curl_names) / sizeof(curl_names[0]), &kc_dynlib_curl,
                         sizeof(kc_dynlib_curl), false },
};

/* Each table is exactly its functions' pointers, in the order of the name lists. */
_Static_assert(sizeof(kc_dynlib_virt) == sizeof(virt_names), "libvirt table and names differ");
_Static_assert(sizeof(kc_dynlib_xml) == sizeof(xml_names), "libxml2 table and names differ");
_Static_assert(sizeof(kc_dynlib_curl) == sizeof(curl_names), "libcurl table and names differ");

int kc_dynlib_load(kc_dynlib lib, kc_error *err)
{
    library *l;
    void *handle;

    if ((unsigned)lib >= KC_DYNLIB_LAST)
        return kc_error_set(err, KC_ERR_INTERNAL, "no library %d", (int)lib);
    l = &libraries[lib];
    if (l->loaded)
        return 0;
    /* The collector parses libvirt's XML: libxml2 is loaded with libvirt (libvirt needs it
     * anyway, so this only resolves our functions). */
    if (lib == KC_DYNLIB_VIRT && kc_dynlib_load(KC_DYNLIB_XML, err) < 0)
        return -1;
    /* RTLD_NOW: a library that lacks a symbol it needs fails here, not mid-collection. */
    handle = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();

        return kc_error_set(err, KC_ERR_HOST, "%s is not installed (%s): install %s", l->what,
                            why ? why : l->soname, l->package);
    }
    for (size_t i = 0; i < l->n; i++) {
        void *sym = dlsym(handle, l->names[i]);

        if (!sym) {
            memset(l->table, 0, l->table_size);
            dlclose(handle);
            return kc_error_set(err, KC_ERR_HOST, "%s is too old (%s has no '%s'): install a "
                                "newer %s", l->what, l->soname, l->names[i], l->package);
        }
        memcpy((char *)l->table + i * sizeof(sym), &sym, sizeof(sym));
    }
    /* never closed: the tables point into it until kvmcap exits */
    l->loaded = true;
    return 0;
}
