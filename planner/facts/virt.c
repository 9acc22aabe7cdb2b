/* SPDX-License-Identifier: MIT */
/* virt.c: what every libvirt child of kvmcap does first (the collector, the sampler). */
#include <pthread.h>

#include "facts/virt.h"
#include "util/dynlib_virt.h"
#include "util/util.h"

static void quiet_handler(void *opaque, virErrorPtr error)
{
    (void)opaque;
    (void)error;
}

static void *event_loop(void *arg)
{
    (void)arg;
    for (;;)
        if (virEventRunDefaultImpl() < 0)
            break;
    return NULL;
}

const char *kc_virt_msg(char *buf, size_t size)
{
    const char *m = virGetLastErrorMessage();

    kc_strlcpy(buf, m ? m : "unknown libvirt error", size);
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    return buf;
}

int kc_virt_start(kc_error *err)
{
    pthread_t loop;
    char msg[200];

    virSetErrorFunc(NULL, quiet_handler);
    if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0 ||
        pthread_create(&loop, NULL, event_loop, NULL) != 0)
        return kc_error_set(err, KC_ERR_HOST, "cannot start libvirt's event loop: %s",
                            kc_virt_msg(msg, sizeof(msg)));
    return 0;
}
