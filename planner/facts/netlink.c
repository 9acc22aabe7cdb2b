/* SPDX-License-Identifier: MIT */
/* netlink.c: what /sys does not tell of this host's interfaces, asked of the kernel. */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "facts/netlink.h"
#include "util/util.h"

#define RECV_BUF 32768

static size_t align4(size_t n)
{
    return (n + 3u) & ~(size_t)3u;
}

/* One RTM_NEWLINK message of @size bytes: its name, and whether its link is in another
 * namespace. The kernel's lengths are checked against what was received. */
static void read_link(const unsigned char *msg, size_t size, char (*names)[KC_NAME_MAX],
                      size_t max, size_t *n)
{
    size_t off = align4(sizeof(struct nlmsghdr)) + align4(sizeof(struct ifinfomsg));
    char name[KC_NAME_MAX] = "";
    bool foreign = false;

    while (off + sizeof(struct rtattr) <= size) {
        struct rtattr rta;
        size_t len;

        memcpy(&rta, msg + off, sizeof(rta));
        len = rta.rta_len;
        if (len < sizeof(rta) || len > size - off)
            break;
        if (rta.rta_type == IFLA_IFNAME && len > sizeof(rta)) {
            size_t k = len - sizeof(rta) < sizeof(name) - 1 ? len - sizeof(rta) : sizeof(name) - 1;

            memcpy(name, msg + off + sizeof(rta), k);
            name[k] = '\0';
        } else if (rta.rta_type == IFLA_LINK_NETNSID) {
            foreign = true;
        }
        off += align4(len);
    }
    if (foreign && name[0] && *n < max)
        kc_strlcpy(names[(*n)++], name, KC_NAME_MAX);
}

size_t kc_netlink_foreign_links(char (*names)[KC_NAME_MAX], size_t max)
{
    struct {
        struct nlmsghdr nh;
        struct ifinfomsg ifi;
    } req;
    struct timeval tv = { 2, 0 };
    char buf[RECV_BUF];
    size_t n = 0;
    bool done = false;
    int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);

    if (fd < 0)
        return 0;
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    memset(&req, 0, sizeof(req));
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    req.nh.nlmsg_type = RTM_GETLINK;
    req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    req.nh.nlmsg_seq = 1;
    req.ifi.ifi_family = AF_UNSPEC;
    if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
        close(fd);
        return 0;
    }
    while (!done) {
        ssize_t got = recv(fd, buf, sizeof(buf), 0);

        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        for (size_t off = 0; off + sizeof(struct nlmsghdr) <= (size_t)got;) {
            struct nlmsghdr nh;

            memcpy(&nh, buf + off, sizeof(nh));
            if (nh.nlmsg_len < sizeof(nh) || nh.nlmsg_len > (size_t)got - off ||
                nh.nlmsg_type == NLMSG_DONE || nh.nlmsg_type == NLMSG_ERROR) {
                done = true;
                break;
            }
            if (nh.nlmsg_type == RTM_NEWLINK &&
                nh.nlmsg_len >= align4(sizeof(nh)) + sizeof(struct ifinfomsg))
                read_link((const unsigned char *)buf + off, nh.nlmsg_len, names, max, &n);
            off += align4(nh.nlmsg_len);
        }
    }
    close(fd);
    return n;
}
