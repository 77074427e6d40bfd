/* packet_line.h - one line of /proc/net/packet (AF_PACKET sockets).
 *
 * packet_seq_show (net/packet/af_packet.c, 3.0 to 6.18), 9 tokens:
 *
 *   "%pK %-6d %-4d %04x   %-5d %1d %-6u %-6u %-6lu\n"
 *    sk  RefCnt Type Proto Iface R Rmem User Inode
 *
 * Left-justified columns: lines carry trailing spaces. Proto is 4 lower-case
 * hex digits (ntohs of the socket's protocol: 0003 ETH_P_ALL, 0800 IPv4,
 * 0000 none); Iface is a decimal ifindex, 0 for all interfaces, -1 after the
 * bound device went away. The header is "sk" + 7 spaces (3.0 to 5.4) or "sk"
 * padded to 17 (64-bit) or 9 (32-bit) columns (5.15+), then "RefCnt Type
 * Proto  Iface R Rmem   User   Inode".
 *
 * The line must end with '\n'. Pure function: no allocation, no I/O, no
 * globals, no locale. Never reads past len, needs no NUL, linear in len.
 */
#ifndef LISTENERS_PACKET_LINE_H
#define LISTENERS_PACKET_LINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest line accepted, its '\n' included. */
#define LSN_PACKET_LINE_MAX 4096

enum lsn_packet_status {
    LSN_PACKET_OK = 0,
    LSN_PACKET_HEADER,
    LSN_PACKET_TRUNCATED, /* input ended before the '\n' */
    LSN_PACKET_TOO_LONG,
    LSN_PACKET_BLANK,
    LSN_PACKET_BAD_POINTER,
    LSN_PACKET_BAD_REFCNT,
    LSN_PACKET_BAD_TYPE,     /* not a decimal number up to 65535 (sk_type is a u16) */
    LSN_PACKET_BAD_PROTOCOL, /* not 4 hex digits */
    LSN_PACKET_BAD_IFINDEX,
    LSN_PACKET_BAD_RUNNING, /* not 0 or 1 */
    LSN_PACKET_BAD_RMEM,
    LSN_PACKET_BAD_UID,
    LSN_PACKET_BAD_INODE,
    LSN_PACKET_MISSING, /* fewer than 9 tokens */
    LSN_PACKET_TRAILING,
    LSN_PACKET_CR,  /* as LSN_TCP_CR */
    LSN_PACKET_TAB, /* as LSN_TCP_TAB */
    LSN_PACKET_STATUS_COUNT
};

struct lsn_packet_line {
    const char *pointer; /* span into the input; never decoded */
    size_t pointer_len;
    int32_t refcnt;
    uint32_t type;     /* 2 SOCK_DGRAM, 3 SOCK_RAW, 10 SOCK_PACKET; at most 65535 */
    uint16_t protocol; /* the ethertype as printed: 0x0003 ETH_P_ALL */
    int32_t ifindex;   /* 0 all interfaces, -1 device gone */
    uint8_t running;   /* 1 while the protocol hook is registered */
    uint32_t rmem;
    uint32_t uid;
    uint64_t inode;
};

enum lsn_packet_status lsn_parse_packet_line(const char *buf, size_t len,
                                             struct lsn_packet_line *line);

const char *lsn_packet_status_text(enum lsn_packet_status status);

#ifdef __cplusplus
}
#endif
#endif
