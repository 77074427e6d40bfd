/* sock_diag.h - NETLINK_SOCK_DIAG dump replies: netlink records, netlink
 * attributes, inet_diag_msg (TCP/UDP/raw, AF_INET and AF_INET6) and
 * packet_diag_msg (AF_PACKET).
 *
 * Wire layout (docs: ../shared/docs/sockets-and-netlink.md sections 6 and 7;
 * include/uapi/linux/{netlink,sock_diag,inet_diag,packet_diag}.h):
 *
 *   nlmsghdr (16 bytes, host order): u32 len, u16 type, u16 flags, u32 seq,
 *     u32 pid; the next record starts at NLMSG_ALIGN(len) (4 bytes).
 *   NLMSG_DONE (3): payload int, 0 or -errno; NLMSG_ERROR (2): struct
 *     nlmsgerr { int error; struct nlmsghdr msg; } (error 0 is an ACK).
 *   nlattr (4 bytes, host order): u16 len (header + payload, no pad), u16
 *     type (bit 15 NESTED, bit 14 NET_BYTEORDER); the next one at
 *     NLA_ALIGN(len).
 *   inet_diag_msg (72 bytes): u8 family, state, timer, retrans; sockid {be16
 *     sport, be16 dport, be32 src[4], be32 dst[4], u32 if, u32 cookie[2]};
 *     u32 expires, rqueue, wqueue, uid, inode; then attributes.
 *   packet_diag_msg (16 bytes): u8 family, type; u16 num (host order); u32
 *     inode; u32 cookie[2]; then attributes.
 *
 * Every function reads the bytes with byte loads and memcpy (no cast of an
 * unaligned pointer), never reads outside [buf, buf + len), needs no NUL,
 * allocates nothing, does no I/O, keeps no state, and is linear in len. The
 * caller owns all memory; spans in the results point into the caller's
 * buffer. On any status but OK (and, for the record walker, DONE and ERROR)
 * the result struct is all zeros (pointers NULL) and *off is unchanged.
 * "Host order" is the order of the machine running the parser: a dump is
 * only meaningful on the host that produced it.
 */
#ifndef LISTENERS_SOCK_DIAG_H
#define LISTENERS_SOCK_DIAG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LSN_NLMSG_HDRLEN 16u
#define LSN_NLMSG_NOOP 1u
#define LSN_NLMSG_ERROR 2u
#define LSN_NLMSG_DONE 3u
#define LSN_NLMSG_OVERRUN 4u
#define LSN_NLA_HDRLEN 4u
#define LSN_NLA_F_NESTED 0x8000u
#define LSN_NLA_F_NET_BYTEORDER 0x4000u
#define LSN_INET_DIAG_MSG_LEN 72u
#define LSN_PACKET_DIAG_MSG_LEN 16u
#define LSN_PACKET_DIAG_INFO_LEN 24u
#define LSN_BPF_MAXINSNS 4096u

/* ---- netlink records ----------------------------------------------------- */

enum lsn_nl_status {
    LSN_NL_OK = 0,        /* a record other than DONE/ERROR; *off moved past it */
    LSN_NL_END,           /* *off == len: the buffer is consumed */
    LSN_NL_DONE,          /* NLMSG_DONE: msg->error is its int (0 or -errno); *off moved */
    LSN_NL_ERROR,         /* NLMSG_ERROR: msg->error is nlmsgerr.error (0: ACK); *off moved */
    LSN_NL_TRUNCATED,     /* fewer than 16 bytes left, or nlmsg_len past the buffer */
    LSN_NL_BAD_LENGTH,    /* nlmsg_len < 16 */
    LSN_NL_BAD_ALIGN,     /* nlmsg_len leaves the next record's 4-byte padding outside the buffer */
    LSN_NL_BAD_OFFSET,    /* *off is not a multiple of 4 or is past len (caller error) */
    LSN_NL_SHORT_PAYLOAD, /* DONE or ERROR whose payload is shorter than its 4-byte int */
    LSN_NL_STATUS_COUNT
};

struct lsn_nlmsg {
    uint32_t len; /* nlmsg_len as sent (payload_len + 16) */
    uint16_t type;
    uint16_t flags;
    uint32_t seq;
    uint32_t pid;
    const unsigned char *payload; /* span into buf, after the 16-byte header */
    size_t payload_len;
    int32_t error; /* DONE and ERROR only, else 0 */
};

/* Reads the record at buf + *off. Records are whole in one datagram (a
 * recvmsg() reply); pass each datagram separately or several concatenated:
 * the walk is the same. NOOP, OVERRUN and every other type are OK records;
 * the caller checks msg->type (SOCK_DIAG_BY_FAMILY 20 for dump data). */
enum lsn_nl_status lsn_nlmsg_next(const void *buf, size_t len, size_t *off, struct lsn_nlmsg *msg);

const char *lsn_nl_status_text(enum lsn_nl_status status);

/* ---- netlink attributes -------------------------------------------------- */

enum lsn_nla_status {
    LSN_NLA_OK = 0,
    LSN_NLA_END,        /* *off == len */
    LSN_NLA_TRUNCATED,  /* fewer than 4 bytes left, or nla_len past the buffer */
    LSN_NLA_BAD_LENGTH, /* nla_len < 4 */
    LSN_NLA_BAD_OFFSET, /* *off is not a multiple of 4 or is past len (caller error) */
    LSN_NLA_STATUS_COUNT
};

struct lsn_nlattr {
    uint16_t type;  /* nla_type without the NESTED and NET_BYTEORDER bits */
    uint16_t flags; /* those bits */
    const unsigned char *payload;
    size_t payload_len; /* nla_len - 4 */
};

/* Reads the attribute at buf + *off (buf: the attribute area of one
 * message). As the kernel's nla_for_each_attr, the last attribute's padding
 * may be missing: *off then stops at len. */
enum lsn_nla_status lsn_nlattr_next(const void *buf, size_t len, size_t *off,
                                    struct lsn_nlattr *attr);

const char *lsn_nla_status_text(enum lsn_nla_status status);

/* ---- inet_diag_msg ------------------------------------------------------- */

enum lsn_inet_diag_status {
    LSN_INET_DIAG_OK = 0,
    LSN_INET_DIAG_TRUNCATED,       /* payload shorter than 72 bytes */
    LSN_INET_DIAG_BAD_FAMILY,      /* not AF_INET (2) or AF_INET6 (10) */
    LSN_INET_DIAG_BAD_STATE,       /* 0 or above 13 (TCP_BOUND_INACTIVE) */
    LSN_INET_DIAG_BAD_TIMER,       /* above 4 */
    LSN_INET_DIAG_ATTR_TRUNCATED,  /* an attribute runs past the payload */
    LSN_INET_DIAG_ATTR_BAD_LENGTH, /* an attribute's nla_len < 4 */
    LSN_INET_DIAG_BAD_PROTOCOL,    /* INET_DIAG_PROTOCOL payload is not 1 byte */
    LSN_INET_DIAG_BAD_SHUTDOWN,    /* INET_DIAG_SHUTDOWN payload is not 1 byte */
    LSN_INET_DIAG_BAD_V6ONLY,      /* INET_DIAG_SKV6ONLY payload is not 1 byte */
    LSN_INET_DIAG_STATUS_COUNT
};

#define LSN_INET_DIAG_SHUTDOWN 8u
#define LSN_INET_DIAG_PROTOCOL 10u
#define LSN_INET_DIAG_SKV6ONLY 11u

struct lsn_inet_diag {
    uint8_t family; /* 2 or 10 */
    uint8_t state;  /* procfs numbering: 10 LISTEN, 7 CLOSE, 1 ESTABLISHED */
    uint8_t timer;
    uint8_t retrans;
    uint16_t sport; /* host order (raw sockets: the protocol) */
    uint16_t dport;
    uint8_t src[16]; /* network order; AF_INET: first 4 bytes, rest zero */
    uint8_t dst[16];
    uint32_t ifindex;
    uint64_t cookie; /* cookie[1] << 32 | cookie[0] */
    uint32_t expires;
    uint32_t rqueue;
    uint32_t wqueue;
    uint32_t uid;
    uint32_t inode;
    uint8_t has_protocol; /* INET_DIAG_PROTOCOL seen (raw sockets, 4.14+) */
    uint8_t protocol;
    uint8_t has_shutdown;
    uint8_t shutdown;
    uint8_t has_v6only;
    uint8_t v6only;
    uint16_t attributes; /* attributes walked, unknown ones included (saturates) */
};

/* payload/len: the record's payload (struct lsn_nlmsg.payload). A repeated
 * attribute: the last one wins, as nla_parse. */
enum lsn_inet_diag_status lsn_parse_inet_diag(const void *payload, size_t len,
                                              struct lsn_inet_diag *out);

const char *lsn_inet_diag_status_text(enum lsn_inet_diag_status status);

/* ---- packet_diag_msg ----------------------------------------------------- */

enum lsn_packet_diag_status {
    LSN_PACKET_DIAG_OK = 0,
    LSN_PACKET_DIAG_TRUNCATED,       /* payload shorter than 16 bytes */
    LSN_PACKET_DIAG_BAD_FAMILY,      /* not AF_PACKET (17) */
    LSN_PACKET_DIAG_ATTR_TRUNCATED,  /* an attribute runs past the payload */
    LSN_PACKET_DIAG_ATTR_BAD_LENGTH, /* an attribute's nla_len < 4 */
    LSN_PACKET_DIAG_BAD_INFO,        /* PACKET_DIAG_INFO shorter than 24 bytes */
    LSN_PACKET_DIAG_BAD_UID,         /* PACKET_DIAG_UID payload is not 4 bytes */
    LSN_PACKET_DIAG_BAD_FILTER,      /* not a multiple of 8 bytes, or over 4096 instructions */
    LSN_PACKET_DIAG_STATUS_COUNT
};

#define LSN_PACKET_DIAG_INFO 0u
#define LSN_PACKET_DIAG_UID 5u
#define LSN_PACKET_DIAG_FILTER 7u

struct lsn_packet_diag {
    uint8_t family; /* 17 */
    uint8_t type;   /* sk_type: 2 SOCK_DGRAM, 3 SOCK_RAW, 10 SOCK_PACKET */
    uint16_t num;   /* the ethertype as /proc/net/packet's Proto: 0x0003 ETH_P_ALL */
    uint32_t inode;
    uint64_t cookie;
    uint8_t has_info; /* PACKET_DIAG_INFO (asked with PACKET_SHOW_INFO) */
    int32_t ifindex;  /* pdi_index: 0 all interfaces */
    uint32_t version; /* TPACKET_V1/2/3 = 0/1/2 */
    uint32_t reserve;
    uint32_t copy_thresh;
    uint32_t tstamp;
    uint32_t info_flags; /* RUNNING 0x1, AUXDATA 0x2, ORIGDEV 0x4, VNETHDR 0x8, LOSS 0x10 */
    uint8_t has_uid;
    uint32_t uid;
    uint8_t has_filter;    /* PACKET_DIAG_FILTER present (maybe empty: see the docs, section 7) */
    uint32_t filter_insns; /* its payload / 8 (struct sock_filter) */
    uint16_t attributes;   /* attributes walked (saturates) */
};

enum lsn_packet_diag_status lsn_parse_packet_diag(const void *payload, size_t len,
                                                  struct lsn_packet_diag *out);

const char *lsn_packet_diag_status_text(enum lsn_packet_diag_status status);

#ifdef __cplusplus
}
#endif
#endif
