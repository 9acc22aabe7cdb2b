/* SPDX-License-Identifier: MIT */
/* json_out.h: what every JSON writer needs: allocation that aborts, exact integers, printing. */
#ifndef KC_JSON_OUT_H
#define KC_JSON_OUT_H

#include <cjson/cJSON.h>
#include <stdint.h>

/* @item, or abort with "kvmcap: out of memory" if cJSON could not allocate it. */
cJSON *kc_json_must(cJSON *item);

/* Add @v under @key from its decimal text: exact above 2^53, where a double is not. */
void kc_json_add_u64(cJSON *obj, const char *key, uint64_t v);

/* Add a new object / array under @key of @parent and return it (owned by @parent). */
cJSON *kc_json_add_obj(cJSON *parent, const char *key);
cJSON *kc_json_add_arr(cJSON *parent, const char *key);

/* A new array of the names of the resources in @mask (bit 1 << kc_resource), in order. */
cJSON *kc_json_resource_names(uint32_t mask);

/* Print @root (cJSON's formatted layout), delete it, and return the text; the caller frees it
 * with free(). Aborts on out-of-memory. */
char *kc_json_print(cJSON *root);

#endif /* KC_JSON_OUT_H */
