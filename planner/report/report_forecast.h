/* SPDX-License-Identifier: MIT */
/* report_forecast.h: the forecast report (text with a small chart, JSON, CSV). */
#ifndef KC_REPORT_FORECAST_H
#define KC_REPORT_FORECAST_H

#include <stdio.h>

#include "demand/forecast.h"

/* Where the history came from and under which rules, for every format. */
typedef struct kc_forecast_meta {
    const char *source;         /* "recording" or "prometheus" */
    const char *origin;         /* the file or the URL */
    const kc_forecast_opts *opts;
} kc_forecast_meta;

/* @n entries: hosts, and the fleet (hosts > 0) last where there is one. */
void kc_report_forecast_text(FILE *out, const kc_forecast_host *f, size_t n,
                             const kc_forecast_meta *meta);
void kc_report_forecast_csv(FILE *out, const kc_forecast_host *f, size_t n);
/* Returns the JSON text (caller frees with free()). */
char *kc_report_forecast_json(const kc_forecast_host *f, size_t n, const kc_forecast_meta *meta);

#endif /* KC_REPORT_FORECAST_H */
