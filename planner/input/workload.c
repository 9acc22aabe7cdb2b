/* SPDX-License-Identifier: MIT */
/* workload.c: workload files (JSON, through cJSON) -> workload lines. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/spec.h"
#include "input/workload.h"
#include "util/json_in.h"
#include "util/json_out.h"
#include "util/util.h"

#define JSON_INT_MAX 9007199254740991ull    /* 2^53 - 1: above it a double is not exact */

int kc_workload_from_json(const char *text, const char *origin, const kc_catalog *catalog,
                          kc_workload_line **lines, size_t *n, kc_error *err)
{
    cJSON *root = NULL;
    const cJSON *arr, *item;
    int ret = -1;
    size_t i = 0;

    root = kc_json_parse_strict(text, origin, err);    /* util/json_in.h: what it refuses */
    if (!root)
        goto out;
    if (!cJSON_IsObject(root)) {
        kc_error_set(err, KC_ERR_INVALID, "%s: not a JSON object", origin);
        goto out;
    }
    arr = cJSON_GetObjectItemCaseSensitive(root, "workload");
    if (!cJSON_IsArray(arr)) {
        kc_error_set(err, KC_ERR_INVALID, "%s: 'workload' must be an array", origin);
        goto out;
    }
    /* room for every entry at once: growing by one per line copies the array each time
     * (quadratic; glibc's realloc hides it, ASan's does not) */
    *lines = kc_xreallocarray(*lines, *n + (size_t)cJSON_GetArraySize(arr), sizeof(**lines));
    cJSON_ArrayForEach(item, arr) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");
        const cJSON *vm = cJSON_GetObjectItemCaseSensitive(item, "vm");
        const cJSON *count = cJSON_GetObjectItemCaseSensitive(item, "count");
        kc_workload_line *line;
        char label[160];
        bool has_count = false;
        uint64_t spec_count = 0;
        double c;

        if (!cJSON_IsObject(item)) {
            kc_error_set(err, KC_ERR_INVALID, "%s: 'workload[%zu]' must be an object", origin, i);
            goto out;
        }
        if (!cJSON_IsString(vm)) {
            kc_error_set(err, KC_ERR_INVALID, "%s: 'workload[%zu].vm' must be a VM spec string",
                         origin, i);
            goto out;
        }
        if (name && !cJSON_IsString(name)) {
            kc_error_set(err, KC_ERR_INVALID, "%s: 'workload[%zu].name' must be a string",
                         origin, i);
            goto out;
        }
        c = cJSON_IsNumber(count) ? count->valuedouble : -1;
        if (!cJSON_IsNumber(count) || !(c >= 0) || c > (double)JSON_INT_MAX || c != floor(c)) {
            kc_error_set(err, KC_ERR_INVALID,
                         "%s: 'workload[%zu].count' must be an integer from 0 to 2^53 - 1",
                         origin, i);
            goto out;
        }
        line = &(*lines)[*n];
        memset(line, 0, sizeof(*line));
        if (kc_spec_parse_vm(vm->valuestring, catalog, &line->shape, &spec_count, &has_count,
                             label, sizeof(label), err) < 0) {
            char inner[sizeof(err->msg)];

            snprintf(inner, sizeof(inner), "%s", err->msg);
            kc_error_set(err, KC_ERR_INVALID, "%s: 'workload[%zu].vm': %s", origin, i, inner);
            goto out;
        }
        if (has_count) {
            kc_error_set(err, KC_ERR_INVALID,
                         "%s: 'workload[%zu].vm' has a ':COUNT'; use \"count\"", origin, i);
            goto out;
        }
        if (kc_strlcpy(line->name, name ? name->valuestring : label, sizeof(line->name)) < 0) {
            kc_error_set(err, KC_ERR_INVALID, "%s: 'workload[%zu].name' is longer than %d bytes",
                         origin, i, KC_NAME_MAX - 1);
            goto out;
        }
        line->count = (uint64_t)c;
        (*n)++;
        i++;
    }
    ret = 0;
 out:
    cJSON_Delete(root);
    return ret;
}
