/* tcp_line.c - see tcp_line.h. */
#include "tcp_line.h"
#include "line_fields.h"

#include <string.h>

/* The shared columns' statuses keep their order in enum lsn_tcp_status. */
_Static_assert(LSN_TCP_BAD_POINTER - LSN_TCP_BAD_SL == LF_HEAD_BAD_POINTER - LF_HEAD_BAD_SL,
               "tcp_line.h statuses BAD_SL..BAD_POINTER follow enum lf_head_status");

static const int HEAD_SPECIAL[LF_HEAD_BAD_SL] = {LSN_TCP_OK, LSN_TCP_HEADER, LSN_TCP_TRUNCATED,
                                                 LSN_TCP_BLANK, LSN_TCP_TRAILING};

#define NEXT(status_if_missing) LF_NEXT(c, t, LSN_TCP_TRUNCATED, status_if_missing)

static enum lsn_tcp_status parse(const char *buf, size_t len, enum lsn_family family,
                                 enum lsn_byte_order order, struct lsn_tcp_line *out)
{
    struct lf_cursor c;
    struct lf_token t = {0, 0};
    struct lf_inet_head h;
    uint64_t u;

    if (len > LSN_TCP_LINE_MAX)
        return LSN_TCP_TOO_LONG;
    lf_cursor_init(&c, buf, len);
    memset(&h, 0, sizeof h);
    enum lf_head_status hs = lf_inet_head(&c, family == LSN_FAMILY_IPV6, order, &h);
    if (hs != LF_HEAD_OK)
        return (enum lsn_tcp_status)lf_head_map(hs, HEAD_SPECIAL, LSN_TCP_BAD_SL);
    LF_COPY_HEAD(out, h);

    enum lf_next r = lf_next_token(&c, &t);
    if (r == LF_OUT_OF_INPUT)
        return LSN_TCP_TRUNCATED;
    if (r == LF_AT_NEWLINE) {
        /* The 12-token kinds: open requests (03) and time-wait sockets (06,
         * or 05 for FIN_WAIT2), which never have an inode. */
        int short_state = out->state == 0x03 || out->state == 0x05 || out->state == 0x06;
        if (!short_state || out->inode != 0)
            return LSN_TCP_MISSING_TAIL;
    } else {
        if (lf_dec_unsigned(t.s, t.n, UINT64_MAX, &out->rto) != 0)
            return LSN_TCP_BAD_RTO;
        NEXT(LSN_TCP_BAD_ATO);
        if (lf_dec_unsigned(t.s, t.n, UINT64_MAX, &out->ato) != 0)
            return LSN_TCP_BAD_ATO;
        NEXT(LSN_TCP_BAD_QUICK);
        if (lf_dec_unsigned(t.s, t.n, UINT32_MAX, &u) != 0)
            return LSN_TCP_BAD_QUICK;
        out->quick = (uint32_t)u;
        NEXT(LSN_TCP_BAD_CWND);
        if (lf_dec_unsigned(t.s, t.n, UINT32_MAX, &u) != 0)
            return LSN_TCP_BAD_CWND;
        out->cwnd = (uint32_t)u;
        NEXT(LSN_TCP_BAD_SSTHRESH);
        if (lf_int32(t, &out->ssthresh) != 0)
            return LSN_TCP_BAD_SSTHRESH;
        out->has_tail = 1;
    }
    switch (lf_end(&c)) {
    case 0: return LSN_TCP_OK;
    case 1: return LSN_TCP_TRUNCATED;
    default: return LSN_TCP_TRAILING;
    }
}

enum lsn_tcp_status lsn_parse_tcp_line(const char *buf, size_t len, enum lsn_family family,
                                       enum lsn_byte_order order, struct lsn_tcp_line *line)
{
    memset(line, 0, sizeof *line);
    line->pointer = NULL;
    enum lsn_tcp_status st = parse(buf, len, family, order, line);
    if (st >= LSN_TCP_BLANK) {
        int stray = lf_stray_space(buf, len);
        if (stray)
            st = stray == 1 ? LSN_TCP_CR : LSN_TCP_TAB;
    }
    if (st != LSN_TCP_OK) {
        memset(line, 0, sizeof *line);
        line->pointer = NULL;
    }
    return st;
}

const char *lsn_tcp_status_text(enum lsn_tcp_status status, enum lsn_family family)
{
    int v6 = family == LSN_FAMILY_IPV6;
    switch (status) {
    case LSN_TCP_OK: return "ok";
    case LSN_TCP_HEADER: return "header line";
    case LSN_TCP_TRUNCATED: return "line is not terminated by a newline (truncated)";
    case LSN_TCP_TOO_LONG: return "line is longer than 4096 bytes";
    case LSN_TCP_BLANK: return "line is blank";
    case LSN_TCP_BAD_SL: return "sl is not a decimal number followed by ':'";
    case LSN_TCP_BAD_LOCAL_ADDRESS:
        return v6 ? "local address is not 32 hex digits" : "local address is not 8 hex digits";
    case LSN_TCP_BAD_LOCAL_PORT: return "local port is not 4 hex digits";
    case LSN_TCP_BAD_REMOTE_ADDRESS:
        return v6 ? "remote address is not 32 hex digits" : "remote address is not 8 hex digits";
    case LSN_TCP_BAD_REMOTE_PORT: return "remote port is not 4 hex digits";
    case LSN_TCP_BAD_STATE: return "st is not 2 hex digits";
    case LSN_TCP_BAD_TX_QUEUE: return "tx_queue is not 8 hex digits followed by ':'";
    case LSN_TCP_BAD_RX_QUEUE: return "rx_queue is not 8 hex digits";
    case LSN_TCP_BAD_TIMER: return "tr is not 2 hex digits followed by ':'";
    case LSN_TCP_BAD_WHEN: return "tm->when is not 8 to 16 hex digits";
    case LSN_TCP_BAD_RETRANSMITS: return "retrnsmt is not 8 hex digits";
    case LSN_TCP_BAD_UID: return "uid is not a 32-bit decimal number";
    case LSN_TCP_BAD_TIMEOUT: return "timeout is not a 32-bit decimal number";
    case LSN_TCP_BAD_INODE: return "inode is not a 64-bit decimal number";
    case LSN_TCP_BAD_REF: return "ref is not a 32-bit decimal number";
    case LSN_TCP_BAD_POINTER: return "pointer is not 8 or 16 hex digits";
    case LSN_TCP_MISSING_TAIL:
        return "line has 12 fields but is not a SYN_RECV or TIME_WAIT socket";
    case LSN_TCP_BAD_RTO: return "rto is not a decimal number";
    case LSN_TCP_BAD_ATO: return "ato is not a decimal number";
    case LSN_TCP_BAD_QUICK: return "quick/pingpong is not a decimal number";
    case LSN_TCP_BAD_CWND: return "cwnd is not a decimal number";
    case LSN_TCP_BAD_SSTHRESH: return "ssthresh is not a 32-bit decimal number";
    case LSN_TCP_TRAILING: return "unexpected data after the last field";
    case LSN_TCP_CR: return "line ends in CR (a CRLF line end)";
    case LSN_TCP_TAB: return "tab between fields (the kernel separates them with spaces)";
    case LSN_TCP_STATUS_COUNT: break;
    }
    return "unknown status";
}
