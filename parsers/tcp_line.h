/* tcp_line.h - one line of /proc/net/tcp or /proc/net/tcp6.
 *
 * The kernel (2.6.18 to 6.18) prints three kinds of line, told apart by the
 * number of space-separated tokens:
 *
 *   full socket (17 tokens)
 *     sl: local:port remote:port st tx:rx tr:when retrnsmt uid timeout inode
 *     ref pointer rto ato quick cwnd ssthresh
 *   open request (SYN_RECV, st 03) and TIME_WAIT (st 06, or 05 for a FIN_WAIT2
 *   time-wait socket): the first 12 tokens only, inode always 0.
 *
 * Addresses are 8 (tcp) or 32 (tcp6) hex digits in the printing machine's
 * byte order (see hex_address.h), ports 4 hex digits, st 2, tx/rx queues and
 * retrnsmt 8, tr 2, when 8 to 16 (a long; expired timers on old kernels print
 * more than 8). Decimal fields are overflow-checked. The pointer is 8 or 16
 * hex digits, or one of the kernel's placeholders "(____ptrval____)",
 * "(ptrval)", "pK-error"; it is checked, kept as a span, never decoded.
 * Leading spaces, runs of spaces between tokens (the "%5u" uid) and the tcp
 * file's trailing padding are accepted.
 *
 * A line ends with '\n' and the parser requires it: a line cut anywhere (by a
 * short read, a table cap, a publisher) could otherwise still look valid, with
 * a wrong inode ("1234" cut to "123"). Running out of input before the '\n' is
 * LSN_TCP_TRUNCATED, never a field error. A line that fails with a '\r'
 * before its '\n' is LSN_TCP_CR, one with a tab LSN_TCP_TAB (the kernel
 * separates fields with spaces only): the cause, not the field the stray
 * byte ended up in. A line that parses is never re-examined.
 *
 * Pure function: no allocation, no I/O, no globals, no locale. Never reads
 * past len, needs no NUL, work is linear in len.
 */
#ifndef LISTENERS_TCP_LINE_H
#define LISTENERS_TCP_LINE_H

#include <stddef.h>
#include <stdint.h>

#include "hex_address.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest line accepted, its '\n' included (the contract's 4 KiB). */
#define LSN_TCP_LINE_MAX 4096

/* The LISTEN state in the st column. */
#define LSN_TCP_LISTEN 0x0A

enum lsn_family {
    LSN_FAMILY_IPV4 = 0, /* /proc/net/tcp: 8-digit addresses */
    LSN_FAMILY_IPV6      /* /proc/net/tcp6: 32-digit addresses */
};

enum lsn_tcp_status {
    LSN_TCP_OK = 0,    /* a socket line; *line is filled */
    LSN_TCP_HEADER,    /* the "  sl  local_address ..." header line */
    LSN_TCP_TRUNCATED, /* input ended before the line's '\n' */
    LSN_TCP_TOO_LONG,  /* len > LSN_TCP_LINE_MAX */
    LSN_TCP_BLANK,     /* only spaces before the '\n' */
    LSN_TCP_BAD_SL,    /* sl is not a decimal number followed by ':' */
    LSN_TCP_BAD_LOCAL_ADDRESS,
    LSN_TCP_BAD_LOCAL_PORT,
    LSN_TCP_BAD_REMOTE_ADDRESS,
    LSN_TCP_BAD_REMOTE_PORT,
    LSN_TCP_BAD_STATE, /* st is not 2 hex digits */
    LSN_TCP_BAD_TX_QUEUE,
    LSN_TCP_BAD_RX_QUEUE,
    LSN_TCP_BAD_TIMER, /* tr is not 2 hex digits followed by ':' */
    LSN_TCP_BAD_WHEN,  /* tm->when is not 8 to 16 hex digits */
    LSN_TCP_BAD_RETRANSMITS,
    LSN_TCP_BAD_UID,
    LSN_TCP_BAD_TIMEOUT,
    LSN_TCP_BAD_INODE,
    LSN_TCP_BAD_REF,
    LSN_TCP_BAD_POINTER,
    LSN_TCP_MISSING_TAIL, /* 12 tokens, but st is not 03, 05 or 06 or inode is not 0 */
    LSN_TCP_BAD_RTO,
    LSN_TCP_BAD_ATO,
    LSN_TCP_BAD_QUICK,
    LSN_TCP_BAD_CWND,
    LSN_TCP_BAD_SSTHRESH,
    LSN_TCP_TRAILING,    /* more than 17 tokens, or bytes after the '\n' */
    LSN_TCP_CR,          /* a line that is not valid and ends in "\r\n" */
    LSN_TCP_TAB,         /* a line that is not valid and has a tab before its '\n' */
    LSN_TCP_STATUS_COUNT /* number of statuses; not a status */
};

/* One parsed line. Addresses are in network order; for IPv4 only the first 4
 * bytes of the 16 are used (the rest are 0). */
struct lsn_tcp_line {
    uint32_t sl;
    uint8_t local_address[16];
    uint16_t local_port;
    uint8_t remote_address[16];
    uint16_t remote_port;
    uint8_t state; /* st: 0x0A LISTEN, 0x03 SYN_RECV, 0x06 TIME_WAIT, ... */
    uint32_t tx_queue;
    uint32_t rx_queue; /* for a listener: the accept backlog */
    uint8_t timer;     /* tr */
    uint64_t when;     /* tm->when, clock ticks */
    uint32_t retransmits;
    uint32_t uid; /* old kernels print it "%5d": -2 is stored as 4294967294 */
    int32_t timeout;
    uint64_t inode; /* 0 for sockets without a file (orphans, TIME_WAIT, SYN_RECV) */
    int32_t ref;
    const char *pointer; /* span into the input; never decoded */
    size_t pointer_len;
    int has_tail; /* 1 for full 17-token lines: the five fields below are set */
    uint64_t rto;
    uint64_t ato;
    uint32_t quick; /* (quick << 1) | pingpong */
    uint32_t cwnd;
    int32_t ssthresh; /* -1 in initial slow start; fastopen max_qlen for LISTEN */
};

/* Parses one line buf[0..len), which must end with its '\n' (and have nothing
 * after it). family picks 8- or 32-digit addresses; order is the byte order of
 * the machine that printed the line (LSN_ORDER_HOST for the live /proc).
 * *line is zeroed on entry and filled only on LSN_TCP_OK. Returns LSN_TCP_OK,
 * LSN_TCP_HEADER, or the status naming the first field that is wrong. */
enum lsn_tcp_status lsn_parse_tcp_line(const char *buf, size_t len, enum lsn_family family,
                                       enum lsn_byte_order order, struct lsn_tcp_line *line);

/* A short English reason for a status, with the field widths of the family
 * ("local address is not 8 hex digits"). Never NULL. */
const char *lsn_tcp_status_text(enum lsn_tcp_status status, enum lsn_family family);

#ifdef __cplusplus
}
#endif
#endif
