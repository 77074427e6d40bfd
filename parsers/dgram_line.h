/* dgram_line.h - one line of /proc/net/udp, udp6, raw, raw6 (and udplite,
 * udplite6, icmp, icmp6: the same printer grammar).
 *
 * The kernel prints datagram sockets with one format per family
 * (udp4_format_sock, raw_sock_seq_show, ping_v4_format_sock; for IPv6
 * ip6_dgram_sock_seq_show), 13 space-separated tokens:
 *
 *   sl: local:port remote:port st tx:rx tr:when retrnsmt uid timeout inode
 *   ref pointer drops
 *
 * Kernels older than the drops column (2.6.18 to 2.6.2x; the 2.6.29 capture
 * has it) print 12 tokens, no drops. Their header ends at "inode", but the
 * data lines still carry ref and pointer (real capture
 * udp-rhel5-2.6.18-128.el5-...: "... 0 9674 2 ffff810455d9d9c0"). A line
 * that stops after inode or ref (10 or 11 tokens) was cut:
 * LSN_DGRAM_MISSING_TAIL.
 * For raw and raw6 the "port" of the local address is the IP protocol number
 * (IPPROTO_ICMP 1, IPPROTO_RAW 255, ...), not a port. sl is a hash bucket and
 * repeats. udp lines (v4) are padded to 127 columns; raw and udp6 are not.
 * Addresses, ports, st, queues, tr, when and retrnsmt are hex as in
 * tcp_line.h; uid ("%5d" on old kernels, "%5u" on new), timeout, inode, ref
 * and drops ("%d" up to 4.19, "%u" from 5.4) are decimal and
 * overflow-checked; the pointer is checked like tcp_line.h's and kept as a
 * span.
 *
 * The line must end with '\n' (a cut line is LSN_DGRAM_TRUNCATED, never a
 * field error). Pure function: no allocation, no I/O, no globals, no locale.
 * Never reads past len, needs no NUL, work is linear in len.
 */
#ifndef LISTENERS_DGRAM_LINE_H
#define LISTENERS_DGRAM_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "hex_address.h"
#include "tcp_line.h" /* enum lsn_family, LSN_TCP_LINE_MAX */

#ifdef __cplusplus
extern "C" {
#endif

/* st of an unconnected datagram socket (TCP_CLOSE), and of a connected one
 * (TCP_ESTABLISHED). */
#define LSN_DGRAM_UNCONNECTED 0x07
#define LSN_DGRAM_CONNECTED 0x01

enum lsn_dgram_status {
    LSN_DGRAM_OK = 0,    /* a socket line; *line is filled */
    LSN_DGRAM_HEADER,    /* the "  sl  local_address ..." header line */
    LSN_DGRAM_TRUNCATED, /* input ended before the line's '\n' */
    LSN_DGRAM_TOO_LONG,  /* len > LSN_TCP_LINE_MAX */
    LSN_DGRAM_BLANK,     /* only spaces before the '\n' */
    LSN_DGRAM_BAD_SL,
    LSN_DGRAM_BAD_LOCAL_ADDRESS,
    LSN_DGRAM_BAD_LOCAL_PORT,
    LSN_DGRAM_BAD_REMOTE_ADDRESS,
    LSN_DGRAM_BAD_REMOTE_PORT,
    LSN_DGRAM_BAD_STATE,
    LSN_DGRAM_BAD_TX_QUEUE,
    LSN_DGRAM_BAD_RX_QUEUE,
    LSN_DGRAM_BAD_TIMER,
    LSN_DGRAM_BAD_WHEN,
    LSN_DGRAM_BAD_RETRANSMITS,
    LSN_DGRAM_BAD_UID,
    LSN_DGRAM_BAD_TIMEOUT,
    LSN_DGRAM_BAD_INODE,
    LSN_DGRAM_BAD_REF,
    LSN_DGRAM_BAD_POINTER,
    LSN_DGRAM_BAD_DROPS,
    LSN_DGRAM_MISSING_TAIL, /* 10 or 11 tokens: the line ends after inode or ref */
    LSN_DGRAM_TRAILING,     /* more than 13 tokens, or bytes after the '\n' */
    LSN_DGRAM_CR,           /* as LSN_TCP_CR */
    LSN_DGRAM_TAB,          /* as LSN_TCP_TAB */
    LSN_DGRAM_STATUS_COUNT  /* number of statuses; not a status */
};

/* One parsed line. Addresses in network order (IPv4: the first 4 bytes). */
struct lsn_dgram_line {
    uint32_t sl;
    uint8_t local_address[16];
    uint16_t local_port; /* raw, raw6: the IP protocol number */
    uint8_t remote_address[16];
    uint16_t remote_port;
    uint8_t state; /* 07 unconnected, 01 connected */
    uint32_t tx_queue;
    uint32_t rx_queue;
    uint8_t timer;
    uint64_t when;
    uint32_t retransmits;
    uint32_t uid; /* "%5d" on old kernels: -2 is stored as 4294967294 */
    int32_t timeout;
    uint64_t inode;
    int has_tail;        /* 1 for 13-token lines: drops is set (0 for 12-token ones) */
    int32_t ref;         /* ref and pointer: set on every OK line */
    const char *pointer; /* span into the input; never decoded */
    size_t pointer_len;
    uint32_t drops; /* "%d" on old kernels: -1 is stored as 4294967295 */
};

/* Parses one line buf[0..len), which must end with its '\n'. family picks 8-
 * or 32-digit addresses; order is the byte order of the printing machine.
 * *line is zeroed on entry and filled only on LSN_DGRAM_OK. */
enum lsn_dgram_status lsn_parse_dgram_line(const char *buf, size_t len, enum lsn_family family,
                                           enum lsn_byte_order order, struct lsn_dgram_line *line);

/* A short English reason for a status, with the family's widths. Never NULL. */
const char *lsn_dgram_status_text(enum lsn_dgram_status status, enum lsn_family family);

#ifdef __cplusplus
}
#endif
#endif
