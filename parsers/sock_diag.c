/* sock_diag.c - see sock_diag.h. */
#include "sock_diag.h"

#include <string.h>

/* Host-order loads through memcpy (p need not be aligned). */
static uint16_t h16(const unsigned char *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint32_t h32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint16_t be16(const unsigned char *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | (unsigned)p[1]);
}

static size_t align4(size_t n)
{
    return (n + 3u) & ~(size_t)3u;
}

enum lsn_nl_status lsn_nlmsg_next(const void *buf, size_t len, size_t *off, struct lsn_nlmsg *msg)
{
    const unsigned char *b = buf;
    size_t o = *off;

    memset(msg, 0, sizeof *msg);
    msg->payload = NULL;
    if (o > len || o % 4u != 0)
        return LSN_NL_BAD_OFFSET;
    if (o == len)
        return LSN_NL_END;
    size_t left = len - o;
    if (left < LSN_NLMSG_HDRLEN)
        return LSN_NL_TRUNCATED;
    uint32_t n = h32(b + o);
    if (n < LSN_NLMSG_HDRLEN)
        return LSN_NL_BAD_LENGTH;
    if (n > left)
        return LSN_NL_TRUNCATED;
    if (align4(n) > left)
        return LSN_NL_BAD_ALIGN;

    uint16_t type = h16(b + o + 4);
    const unsigned char *payload = b + o + LSN_NLMSG_HDRLEN;
    size_t plen = n - LSN_NLMSG_HDRLEN;
    int32_t error = 0;
    enum lsn_nl_status st = LSN_NL_OK;
    if (type == LSN_NLMSG_DONE || type == LSN_NLMSG_ERROR) {
        if (plen < 4)
            return LSN_NL_SHORT_PAYLOAD;
        memcpy(&error, payload, sizeof error);
        st = type == LSN_NLMSG_DONE ? LSN_NL_DONE : LSN_NL_ERROR;
    }
    msg->len = n;
    msg->type = type;
    msg->flags = h16(b + o + 6);
    msg->seq = h32(b + o + 8);
    msg->pid = h32(b + o + 12);
    msg->payload = payload;
    msg->payload_len = plen;
    msg->error = error;
    *off = o + align4(n);
    return st;
}

enum lsn_nla_status lsn_nlattr_next(const void *buf, size_t len, size_t *off,
                                    struct lsn_nlattr *attr)
{
    const unsigned char *b = buf;
    size_t o = *off;

    memset(attr, 0, sizeof *attr);
    attr->payload = NULL;
    if (o > len || o % 4u != 0)
        return LSN_NLA_BAD_OFFSET;
    if (o == len)
        return LSN_NLA_END;
    size_t left = len - o;
    if (left < LSN_NLA_HDRLEN)
        return LSN_NLA_TRUNCATED;
    uint16_t n = h16(b + o);
    if (n < LSN_NLA_HDRLEN)
        return LSN_NLA_BAD_LENGTH;
    if (n > left)
        return LSN_NLA_TRUNCATED;
    uint16_t t = h16(b + o + 2);
    attr->type = (uint16_t)(t & ~(LSN_NLA_F_NESTED | LSN_NLA_F_NET_BYTEORDER));
    attr->flags = (uint16_t)(t & (LSN_NLA_F_NESTED | LSN_NLA_F_NET_BYTEORDER));
    attr->payload = b + o + LSN_NLA_HDRLEN;
    attr->payload_len = (size_t)n - LSN_NLA_HDRLEN;
    size_t next = align4(n);
    *off = next > left ? len : o + next;
    return LSN_NLA_OK;
}

static uint64_t cookie(const unsigned char *p)
{
    return (uint64_t)h32(p + 4) << 32 | h32(p);
}

static uint16_t count_up(uint16_t n)
{
    return n == UINT16_MAX ? n : (uint16_t)(n + 1u);
}

static enum lsn_inet_diag_status inet_diag(const unsigned char *p, size_t len,
                                           struct lsn_inet_diag *out)
{
    if (len < LSN_INET_DIAG_MSG_LEN)
        return LSN_INET_DIAG_TRUNCATED;
    out->family = p[0];
    if (out->family != 2 && out->family != 10)
        return LSN_INET_DIAG_BAD_FAMILY;
    out->state = p[1];
    if (out->state == 0 || out->state > 13)
        return LSN_INET_DIAG_BAD_STATE;
    out->timer = p[2];
    if (out->timer > 4)
        return LSN_INET_DIAG_BAD_TIMER;
    out->retrans = p[3];
    out->sport = be16(p + 4);
    out->dport = be16(p + 6);
    /* AF_INET: word 0 only (3.0 leaves words 1-3 uninitialised). */
    size_t alen = out->family == 2 ? 4 : 16;
    memcpy(out->src, p + 8, alen);
    memcpy(out->dst, p + 24, alen);
    out->ifindex = h32(p + 40);
    out->cookie = cookie(p + 44);
    out->expires = h32(p + 52);
    out->rqueue = h32(p + 56);
    out->wqueue = h32(p + 60);
    out->uid = h32(p + 64);
    out->inode = h32(p + 68);

    const unsigned char *a = p + LSN_INET_DIAG_MSG_LEN;
    size_t alen_all = len - LSN_INET_DIAG_MSG_LEN, off = 0;
    for (;;) {
        struct lsn_nlattr at;
        switch (lsn_nlattr_next(a, alen_all, &off, &at)) {
        case LSN_NLA_OK: break;
        case LSN_NLA_END: return LSN_INET_DIAG_OK;
        case LSN_NLA_BAD_LENGTH: return LSN_INET_DIAG_ATTR_BAD_LENGTH;
        default: return LSN_INET_DIAG_ATTR_TRUNCATED; /* off stays aligned: only TRUNCATED */
        }
        out->attributes = count_up(out->attributes);
        if (at.type == LSN_INET_DIAG_PROTOCOL) {
            if (at.payload_len != 1)
                return LSN_INET_DIAG_BAD_PROTOCOL;
            out->has_protocol = 1;
            out->protocol = at.payload[0];
        } else if (at.type == LSN_INET_DIAG_SHUTDOWN) {
            if (at.payload_len != 1)
                return LSN_INET_DIAG_BAD_SHUTDOWN;
            out->has_shutdown = 1;
            out->shutdown = at.payload[0];
        } else if (at.type == LSN_INET_DIAG_SKV6ONLY) {
            if (at.payload_len != 1)
                return LSN_INET_DIAG_BAD_V6ONLY;
            out->has_v6only = 1;
            out->v6only = at.payload[0];
        }
    }
}

enum lsn_inet_diag_status lsn_parse_inet_diag(const void *payload, size_t len,
                                              struct lsn_inet_diag *out)
{
    memset(out, 0, sizeof *out);
    enum lsn_inet_diag_status st = inet_diag(payload, len, out);
    if (st != LSN_INET_DIAG_OK)
        memset(out, 0, sizeof *out);
    return st;
}

static enum lsn_packet_diag_status packet_diag(const unsigned char *p, size_t len,
                                               struct lsn_packet_diag *out)
{
    if (len < LSN_PACKET_DIAG_MSG_LEN)
        return LSN_PACKET_DIAG_TRUNCATED;
    out->family = p[0];
    if (out->family != 17)
        return LSN_PACKET_DIAG_BAD_FAMILY;
    out->type = p[1];
    out->num = h16(p + 2);
    out->inode = h32(p + 4);
    out->cookie = cookie(p + 8);

    const unsigned char *a = p + LSN_PACKET_DIAG_MSG_LEN;
    size_t alen = len - LSN_PACKET_DIAG_MSG_LEN, off = 0;
    for (;;) {
        struct lsn_nlattr at;
        switch (lsn_nlattr_next(a, alen, &off, &at)) {
        case LSN_NLA_OK: break;
        case LSN_NLA_END: return LSN_PACKET_DIAG_OK;
        case LSN_NLA_BAD_LENGTH: return LSN_PACKET_DIAG_ATTR_BAD_LENGTH;
        default: return LSN_PACKET_DIAG_ATTR_TRUNCATED;
        }
        out->attributes = count_up(out->attributes);
        const unsigned char *q = at.payload;
        if (at.type == LSN_PACKET_DIAG_INFO) {
            if (at.payload_len < LSN_PACKET_DIAG_INFO_LEN)
                return LSN_PACKET_DIAG_BAD_INFO;
            uint32_t index = h32(q);
            out->has_info = 1;
            out->ifindex = index > (uint32_t)INT32_MAX ? -(int32_t)(~index) - 1 : (int32_t)index;
            out->version = h32(q + 4);
            out->reserve = h32(q + 8);
            out->copy_thresh = h32(q + 12);
            out->tstamp = h32(q + 16);
            out->info_flags = h32(q + 20);
        } else if (at.type == LSN_PACKET_DIAG_UID) {
            if (at.payload_len != 4)
                return LSN_PACKET_DIAG_BAD_UID;
            out->has_uid = 1;
            out->uid = h32(q);
        } else if (at.type == LSN_PACKET_DIAG_FILTER) {
            if (at.payload_len % 8u != 0 || at.payload_len / 8u > LSN_BPF_MAXINSNS)
                return LSN_PACKET_DIAG_BAD_FILTER;
            out->has_filter = 1;
            out->filter_insns = (uint32_t)(at.payload_len / 8u);
        }
    }
}

enum lsn_packet_diag_status lsn_parse_packet_diag(const void *payload, size_t len,
                                                  struct lsn_packet_diag *out)
{
    memset(out, 0, sizeof *out);
    enum lsn_packet_diag_status st = packet_diag(payload, len, out);
    if (st != LSN_PACKET_DIAG_OK)
        memset(out, 0, sizeof *out);
    return st;
}

const char *lsn_nl_status_text(enum lsn_nl_status status)
{
    switch (status) {
    case LSN_NL_OK: return "ok";
    case LSN_NL_END: return "end of the buffer";
    case LSN_NL_DONE: return "NLMSG_DONE: end of the dump";
    case LSN_NL_ERROR: return "NLMSG_ERROR (error 0: an ACK)";
    case LSN_NL_TRUNCATED: return "netlink record runs past the buffer (truncated)";
    case LSN_NL_BAD_LENGTH: return "nlmsg_len is shorter than the 16-byte header";
    case LSN_NL_BAD_ALIGN: return "padding to the next 4-byte record runs past the buffer";
    case LSN_NL_BAD_OFFSET: return "offset is not 4-aligned or is past the buffer";
    case LSN_NL_SHORT_PAYLOAD: return "NLMSG_DONE or NLMSG_ERROR without its 4-byte error";
    case LSN_NL_STATUS_COUNT: break;
    }
    return "unknown status";
}

const char *lsn_nla_status_text(enum lsn_nla_status status)
{
    switch (status) {
    case LSN_NLA_OK: return "ok";
    case LSN_NLA_END: return "end of the attributes";
    case LSN_NLA_TRUNCATED: return "attribute runs past the buffer (truncated)";
    case LSN_NLA_BAD_LENGTH: return "nla_len is shorter than the 4-byte header";
    case LSN_NLA_BAD_OFFSET: return "offset is not 4-aligned or is past the buffer";
    case LSN_NLA_STATUS_COUNT: break;
    }
    return "unknown status";
}

const char *lsn_inet_diag_status_text(enum lsn_inet_diag_status status)
{
    switch (status) {
    case LSN_INET_DIAG_OK: return "ok";
    case LSN_INET_DIAG_TRUNCATED: return "inet_diag_msg is shorter than 72 bytes";
    case LSN_INET_DIAG_BAD_FAMILY: return "idiag_family is not AF_INET or AF_INET6";
    case LSN_INET_DIAG_BAD_STATE: return "idiag_state is not a TCP state from 1 to 13";
    case LSN_INET_DIAG_BAD_TIMER: return "idiag_timer is above 4";
    case LSN_INET_DIAG_ATTR_TRUNCATED: return "an attribute runs past the message";
    case LSN_INET_DIAG_ATTR_BAD_LENGTH: return "an attribute's nla_len is below 4";
    case LSN_INET_DIAG_BAD_PROTOCOL: return "INET_DIAG_PROTOCOL is not 1 byte";
    case LSN_INET_DIAG_BAD_SHUTDOWN: return "INET_DIAG_SHUTDOWN is not 1 byte";
    case LSN_INET_DIAG_BAD_V6ONLY: return "INET_DIAG_SKV6ONLY is not 1 byte";
    case LSN_INET_DIAG_STATUS_COUNT: break;
    }
    return "unknown status";
}

const char *lsn_packet_diag_status_text(enum lsn_packet_diag_status status)
{
    switch (status) {
    case LSN_PACKET_DIAG_OK: return "ok";
    case LSN_PACKET_DIAG_TRUNCATED: return "packet_diag_msg is shorter than 16 bytes";
    case LSN_PACKET_DIAG_BAD_FAMILY: return "pdiag_family is not AF_PACKET";
    case LSN_PACKET_DIAG_ATTR_TRUNCATED: return "an attribute runs past the message";
    case LSN_PACKET_DIAG_ATTR_BAD_LENGTH: return "an attribute's nla_len is below 4";
    case LSN_PACKET_DIAG_BAD_INFO: return "PACKET_DIAG_INFO is shorter than 24 bytes";
    case LSN_PACKET_DIAG_BAD_UID: return "PACKET_DIAG_UID is not 4 bytes";
    case LSN_PACKET_DIAG_BAD_FILTER:
        return "PACKET_DIAG_FILTER is not a whole number of instructions up to 4096";
    case LSN_PACKET_DIAG_STATUS_COUNT: break;
    }
    return "unknown status";
}
