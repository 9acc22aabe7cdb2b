/* SPDX-License-Identifier: MIT */
/* netlink.h: what /sys does not tell of this host's interfaces, asked of the kernel. */
#ifndef KC_NETLINK_H
#define KC_NETLINK_H

#include <stddef.h>

#include "kc.h"

/*
 * The interfaces of this network namespace whose link is in another one (the kernel gives
 * them IFLA_LINK_NETNSID): a veth whose peer, or a macvlan whose parent, lives elsewhere. Such
 * a link is the namespace's way out, as a physical NIC is a host's; /sys cannot tell it (a
 * veth's iflink is its peer's index in the peer's namespace, which may equal one here). At
 * most @max names into @names, sorted as the kernel lists them; 0 when netlink cannot be
 * asked. Only meaningful for the host kvmcap runs on; the collector asks only where the
 * namespace has no physical NIC (beside physical NICs, such links are containers' host-side
 * veths).
 */
size_t kc_netlink_foreign_links(char (*names)[KC_NAME_MAX], size_t max);

#endif /* KC_NETLINK_H */
