/* SPDX-License-Identifier: MIT */
/* dispatch.c: each command's renderers by output format. A command writes exactly the
 * formats its table has; `--format` accepts those and names them when given another. */
#include "report/dispatch.h"
#include "report/fleet_json.h"
#include "report/report_csv.h"
#include "report/report_prom.h"
#include "report/size_json.h"

const kc_report_fit_fn kc_report_fit_by_format[KC_FORMAT_LAST] = {
    [KC_FORMAT_TABLE] = kc_report_fit_text,
    [KC_FORMAT_JSON] = kc_report_fit_json,
    [KC_FORMAT_CSV] = kc_report_fit_csv,
    [KC_FORMAT_PROMETHEUS] = kc_report_fit_prometheus,
};

const kc_report_facts_fn kc_report_facts_by_format[KC_FORMAT_LAST] = {
    [KC_FORMAT_TABLE] = kc_report_facts_text,
    [KC_FORMAT_JSON] = kc_report_facts_json,
};

const kc_report_size_fn kc_report_size_by_format[KC_FORMAT_LAST] = {
    [KC_FORMAT_TABLE] = kc_report_size_text,
    [KC_FORMAT_JSON] = kc_report_size_json,
    [KC_FORMAT_CSV] = kc_report_size_csv,
};

const kc_report_fleet_fn kc_report_fleet_by_format[KC_FORMAT_LAST] = {
    [KC_FORMAT_TABLE] = kc_report_fleet_text,
    [KC_FORMAT_JSON] = kc_report_fleet_json,
    [KC_FORMAT_CSV] = kc_report_fleet_csv,
    [KC_FORMAT_PROMETHEUS] = kc_report_fleet_prometheus,
};

const kc_report_sweep_fn kc_report_sweep_by_format[KC_FORMAT_LAST] = {
    [KC_FORMAT_TABLE] = kc_report_sweep_text,
    [KC_FORMAT_JSON] = kc_report_sweep_json,
    [KC_FORMAT_CSV] = kc_report_sweep_csv,
};
