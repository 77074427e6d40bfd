/* socket_link.c - see socket_link.h. */
#include "socket_link.h"

#include <string.h>

/* "<prefix><decimal u64>]" with the socket link's rules for the number. */
static enum lsn_link_status parse_bracketed(const char *buf, size_t len, const char *prefix,
                                            size_t plen, uint64_t *inode)
{
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

enum lsn_link_status lsn_parse_socket_link(const char *buf, size_t len, uint64_t *inode)
{
    static const char prefix[] = "socket:[";
    return parse_bracketed(buf, len, prefix, sizeof prefix - 1, inode);
}

int lsn_parse_ns_link(const char *buf, size_t len, const char *type, uint64_t *inode)
{
    char prefix[LSN_NS_TYPE_MAX + 3];
    size_t tlen = 0;

    *inode = 0;
    while (tlen <= LSN_NS_TYPE_MAX && type[tlen])
        tlen++;
    if (tlen == 0 || tlen > LSN_NS_TYPE_MAX)
        return -1;
    memcpy(prefix, type, tlen);
    prefix[tlen] = ':';
    prefix[tlen + 1] = '[';
    if (parse_bracketed(buf, len, prefix, tlen + 2, inode) != LSN_LINK_SOCKET || *inode == 0) {
        *inode = 0;
        return -1;
    }
    return 0;
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
