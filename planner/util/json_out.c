/* SPDX-License-Identifier: MIT */
/* json_out.c: what every JSON writer needs: allocation that aborts, exact integers, printing. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_out.h"
#include "util/util.h"
#include "fit.h"

cJSON *kc_json_must(cJSON *item)
{
    if (!item)
        kc_oom();
    return item;
}

void kc_json_add_u64(cJSON *obj, const char *key, uint64_t v)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    kc_json_must(cJSON_AddRawToObject(obj, key, buf));
}

cJSON *kc_json_add_obj(cJSON *parent, const char *key)
{
    cJSON *o = kc_json_must(cJSON_CreateObject());

    cJSON_AddItemToObject(parent, key, o);
    return o;
}

cJSON *kc_json_add_arr(cJSON *parent, const char *key)
{
    cJSON *a = kc_json_must(cJSON_CreateArray());

    cJSON_AddItemToObject(parent, key, a);
    return a;
}

cJSON *kc_json_resource_names(uint32_t mask)
{
    cJSON *arr = kc_json_must(cJSON_CreateArray());

    for (int r = 0; r < KC_RES_LAST; r++)
        if (mask & (1u << r))
            cJSON_AddItemToArray(arr, kc_json_must(cJSON_CreateString(
                                          kc_resource_name((kc_resource)r))));
    return arr;
}

char *kc_json_print(cJSON *root)
{
    char *printed = cJSON_Print(root), *text;

    cJSON_Delete(root);
    kc_json_must((cJSON *)(void *)printed);    /* NULL only on out-of-memory */
    /* cJSON escapes controls but copies other bytes as they are: a host name or a file's
     * string that is not UTF-8 would make the whole report invalid JSON. Outside strings
     * the text is ASCII, so repairing the whole text repairs the strings. Callers free()
     * what they get. */
    if (kc_utf8_valid(printed, strlen(printed), NULL))
        text = kc_xstrdup(printed);
    else
        text = kc_utf8_repair(printed);
    cJSON_free(printed);
    return text;
}
