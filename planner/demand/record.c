/* SPDX-License-Identifier: MIT */
/* record.c: the recording loop: facts at the start, a sample per interval, reconnects and
 * gaps, a clean stop on a signal. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demand/record.h"
#include "demand/store.h"
#include "facts/facts_json.h"
#include "facts/facts_libvirt.h"
#include "facts/sample_libvirt.h"
#include "util/util.h"

#ifndef KC_VERSION
#define KC_VERSION "0.1.0"
#endif

static uint64_t now_ns(clockid_t id)
{
    struct timespec ts;

    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool stopped(const kc_record_opts *o)
{
    return o->stop && *o->stop;
}

/* Sleep until monotonic @until_ns, or until a signal stops the recording. */
static void sleep_until(const kc_record_opts *o, uint64_t until_ns)
{
    while (!stopped(o)) {
        uint64_t now = now_ns(CLOCK_MONOTONIC), left;
        struct timespec ts;

        if (now >= until_ns)
            return;
        left = until_ns - now;
        ts.tv_sec = (time_t)(left / 1000000000ull);
        ts.tv_nsec = (long)(left % 1000000000ull);
        (void)nanosleep(&ts, NULL);    /* EINTR: look at the flag again */
    }
}

static void hms(char *buf, size_t size, uint64_t ms)
{
    uint64_t s = ms / 1000;

    snprintf(buf, size, "%02llu:%02llu:%02llu", (unsigned long long)(s / 3600),
             (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
}

static void progress(const kc_record_opts *o, const char *uri, const kc_record_result *r,
                     uint64_t elapsed_ms)
{
    char el[32], du[32];

    if (!o->progress)
        return;
    hms(el, sizeof(el), elapsed_ms);
    if (o->duration_ms)
        hms(du, sizeof(du), o->duration_ms);
    fprintf(stderr, "\rkvmcap: recording '%s': %llu samples, %zu VMs, %s / %s%s  ",
            kc_term_str(uri), (unsigned long long)r->samples, r->vms, el,
            o->duration_ms ? du : "until stopped",
            r->gaps ? " (reconnected)" : "");
    fflush(stderr);
}

/* The facts at the start, as a facts file (NULL when they cannot be collected: the samples
 * are still worth having; the report then says the host's size is unknown). */
static char *facts_text(const char *uri, unsigned timeout_s, const char *sysroot)
{
    kc_collect_opts co = { .uri = uri, .timeout_s = timeout_s, .sysroot = sysroot };
    kc_facts *facts = kc_facts_new();
    kc_error err = { 0 };
    char *text = NULL;

    if (kc_libvirt_collect(&co, facts, &err) == 0)
        text = kc_facts_to_json(facts, KC_VERSION);
    kc_facts_free(facts);
    return text;
}

int kc_record_run(const kc_record_opts *o, kc_record_result *res, kc_error *err)
{
    const char *uri = o->uri && o->uri[0] ? o->uri : getenv("LIBVIRT_DEFAULT_URI");
    uint64_t interval_ns = (uint64_t)o->interval_ms * 1000000ull, t0, next, wall0;
    kc_store *st = NULL;
    kc_sampler *sm = NULL;
    kc_sample s = { 0 };
    char host[256] = "", *facts = NULL, reason[256] = "";
    uint64_t gap_from = 0;
    bool fresh = false;
    int ret = -1;

    memset(res, 0, sizeof(*res));
    if (!uri || !uri[0])
        uri = "qemu:///system";
    if (!(st = kc_store_open(o->out, true, err)))
        return -1;
    if (!(sm = kc_sampler_start(uri, o->sysroot, o->timeout_s, host, sizeof(host), err)))
        goto out;
    facts = facts_text(uri, o->timeout_s, o->sysroot);
    wall0 = now_ns(CLOCK_REALTIME);
    if (kc_store_begin_run(st, uri, host, o->interval_ms, wall0, facts, KC_VERSION, err) < 0)
        goto out;
    t0 = next = now_ns(CLOCK_MONOTONIC);
    for (;;) {
        if (!sm) {
            kc_error why = { 0 };

            /* reconnect: a new child, bounded by the timeout */
            sm = kc_sampler_start(uri, o->sysroot, o->timeout_s, NULL, 0, &why);
            if (sm) {
                if (kc_store_add_gap(st, gap_from, now_ns(CLOCK_REALTIME), reason, err) < 0)
                    goto out;
                res->gaps++;
                fresh = true;
            }
        }
        if (sm) {
            if (kc_sampler_take(sm, &s, err) == 0) {
                if (kc_store_add_sample(st, &s, fresh, err) < 0)
                    goto out;
                fresh = false;
                res->samples++;
                res->vms = s.n_vms;
            } else {
                /* dead or stuck: the next intervals reconnect, the gap starts now */
                kc_strlcpy(reason, err->msg, sizeof(reason));
                err->code = KC_ERR_NONE;
                kc_sampler_stop(sm);
                sm = NULL;
                gap_from = now_ns(CLOCK_REALTIME);
            }
        }
        progress(o, uri, res, (now_ns(CLOCK_MONOTONIC) - t0) / 1000000);
        if (stopped(o))
            break;
        /* the next tick that has not passed yet: a slow sample skips ticks, never bunches */
        next += interval_ns;
        {
            uint64_t now = now_ns(CLOCK_MONOTONIC);

            if (next <= now)
                next += (now - next) / interval_ns * interval_ns + interval_ns;
        }
        if (o->duration_ms && next - t0 > o->duration_ms * 1000000ull)
            break;
        sleep_until(o, next);
        if (stopped(o))
            break;
    }
    if (!sm && gap_from &&
        kc_store_add_gap(st, gap_from, now_ns(CLOCK_REALTIME), reason, err) < 0)
        goto out;
    if (kc_store_end_run(st, now_ns(CLOCK_REALTIME), err) < 0)
        goto out;
    ret = 0;
 out:
    if (o->progress && res->samples)
        fputc('\n', stderr);
    kc_sample_clear(&s);
    kc_sampler_stop(sm);
    free(facts);
    if (kc_store_close(st, ret == 0 ? err : NULL) < 0)
        ret = -1;
    return ret;
}
