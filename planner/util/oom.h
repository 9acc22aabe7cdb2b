/* SPDX-License-Identifier: MIT */
/* oom.h: what kvmcap does when memory runs out. */
#ifndef KC_OOM_H
#define KC_OOM_H

/* Out of memory: "kvmcap: out of memory" on stderr and exit 5 (KC_ERR_INTERNAL), at once:
 * no core dump, and never a misleading message such as "not valid JSON". */
_Noreturn void kc_oom(void);

#endif /* KC_OOM_H */
