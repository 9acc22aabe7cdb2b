/* SPDX-License-Identifier: MIT */
/* dynlib_curl.h: libcurl's functions as kvmcap calls them, through util/dynlib.c's table. */
#ifndef KC_DYNLIB_CURL_H
#define KC_DYNLIB_CURL_H

#include <curl/curl.h>

#include "util/dynlib.h"

/* Every libcurl function kvmcap calls (see util/dynlib_virt.h); a new call site adds its name
 * here and a line below, and calls kc_dynlib_load(KC_DYNLIB_CURL) before its first use. */
#define KC_CURL_FUNCTIONS(X) \
    X(curl_easy_cleanup) X(curl_easy_escape) X(curl_easy_getinfo) X(curl_easy_init) \
    X(curl_easy_perform) X(curl_easy_reset) X(curl_easy_setopt) X(curl_easy_strerror) \
    X(curl_free) X(curl_global_init) X(curl_url) X(curl_url_cleanup) X(curl_url_get) \
    X(curl_url_set)

typedef struct kc_dynlib_curl_table {
#define KC_CURL_SLOT(name) __typeof__(name) *(name);
    KC_CURL_FUNCTIONS(KC_CURL_SLOT)
#undef KC_CURL_SLOT
} kc_dynlib_curl_table;

extern kc_dynlib_curl_table kc_dynlib_curl;

#ifndef KC_DYNLIB_IMPL
/* curl.h makes these two macros for gcc's option type checks (typecheck-gcc.h), which
 * would call the function by its linked name: the table's pointer replaces them. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_easy_cleanup (kc_dynlib_curl.curl_easy_cleanup)
#define curl_easy_escape (kc_dynlib_curl.curl_easy_escape)
#define curl_easy_getinfo (kc_dynlib_curl.curl_easy_getinfo)
#define curl_easy_init (kc_dynlib_curl.curl_easy_init)
#define curl_easy_perform (kc_dynlib_curl.curl_easy_perform)
#define curl_easy_reset (kc_dynlib_curl.curl_easy_reset)
#define curl_easy_setopt (kc_dynlib_curl.curl_easy_setopt)
#define curl_easy_strerror (kc_dynlib_curl.curl_easy_strerror)
#define curl_free (kc_dynlib_curl.curl_free)
#define curl_global_init (kc_dynlib_curl.curl_global_init)
#define curl_url (kc_dynlib_curl.curl_url)
#define curl_url_cleanup (kc_dynlib_curl.curl_url_cleanup)
#define curl_url_get (kc_dynlib_curl.curl_url_get)
#define curl_url_set (kc_dynlib_curl.curl_url_set)
#endif

#endif /* KC_DYNLIB_CURL_H */
