/* socket_link.c - see socket_link.h. */
#include "socket_link.h"

#include <string.h>

enum lsn_link_status lsn_parse_socket_link(const char *buf, size_t len, uint64_t *inode)
{
    static const char prefix[] = "socket:[";
    const size_t plen = sizeof prefix - 1;
    size_t i = plen;
    uint64_t v = 0;

    *inode = 0;
    if (len < plen || memcmp(buf, prefix, plen) != 0)
        return LSN_LINK_NOT_SOCKET;
    if (i == len || buf[i] == ']')
        return LSN_LINK_NO_INODE;
    if (buf[i] == '0' && i + 1 < len && buf[i + 1] >= '0' && buf[i + 1] <= '9')
        return LSN_LINK_BAD_INODE; /* leading zero: the kernel prints %lu */
    for (; i < len && buf[i] != ']'; i++) {
        if (buf[i] < '0' || buf[i] > '9')
            return LSN_LINK_BAD_INODE;
        unsigned d = (unsigned)(buf[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return LSN_LINK_INODE_OVERFLOW;
        v = v * 10 + d;
    }
    if (i == len)
        return LSN_LINK_NO_CLOSE;
    if (i + 1 != len)
        return LSN_LINK_TRAILING;
    *inode = v;
    return LSN_LINK_SOCKET;
}

const char *lsn_link_status_text(enum lsn_link_status status)
{
    switch (status) {
    case LSN_LINK_SOCKET: return "socket link";
    case LSN_LINK_NOT_SOCKET: return "not a socket link";
    case LSN_LINK_NO_INODE: return "socket link has no inode number";
    case LSN_LINK_BAD_INODE: return "socket inode is not a decimal number without leading zeros";
    case LSN_LINK_INODE_OVERFLOW: return "socket inode does not fit in 64 bits";
    case LSN_LINK_NO_CLOSE: return "socket inode is not followed by ']'";
    case LSN_LINK_TRAILING: return "bytes after the socket link's ']'";
    }
    return "unknown socket link status";
}
