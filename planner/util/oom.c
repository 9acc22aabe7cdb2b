/* SPDX-License-Identifier: MIT */
/* oom.c: what kvmcap does when memory runs out. */
#include <unistd.h>

#include "util/oom.h"
#include "kc.h"

void kc_oom(void)
{
    static const char msg[] = "kvmcap: out of memory\n";

    /* write(2), not stdio: stdio may want memory too; _exit: no core dump, no atexit work
     * that may allocate, and the exit status of an internal error */
    if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
        /* nothing left to tell it with */
    }
    _exit(KC_ERR_INTERNAL);
}
