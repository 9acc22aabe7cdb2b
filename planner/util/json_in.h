/* SPDX-License-Identifier: MIT */
/* json_in.h: the one strict JSON parse every reader uses: what other tools would read
 * differently is refused rather than guessed. */
#ifndef KC_JSON_IN_H
#define KC_JSON_IN_H

#include <cjson/cJSON.h>

#include "kc.h"

/*
 * Parse @text (NUL-terminated, nothing may follow the value) into a tree the caller frees
 * with cJSON_Delete(). Beyond cJSON's own grammar it refuses, with KC_ERR_INVALID and a
 * message that starts "ORIGIN: ":
 *   - a "\u0000" escape (cJSON would cut the string there);
 *   - bytes that are not UTF-8 (Python refuses them, jq replaces them);
 *   - numbers that are not JSON but that cJSON's strtod() takes ("0008", "1.", "-01");
 *   - numbers that are not whole but read as a whole double ("7.9999999999999999" is 8.0),
 *     and numbers beyond a double ("1e400");
 *   - a key twice in one object (cJSON and kvmcap keep the first, jq and Python the
 *     last): the message names the key and the object's path ('hosts[2].nics[0]').
 * Returns NULL on any of these, on text that is not JSON ("not valid JSON at byte N near
 * '...'"), and when cJSON runs out of memory (that one aborts: "kvmcap: out of memory").
 */
cJSON *kc_json_parse_strict(const char *text, const char *origin, kc_error *err);

#endif /* KC_JSON_IN_H */
