/* dgram_line.c - see dgram_line.h. */
#include "dgram_line.h"
#include "line_fields.h"

#include <string.h>

/* The shared columns' statuses keep their order in enum lsn_dgram_status. */
_Static_assert(LSN_DGRAM_BAD_POINTER - LSN_DGRAM_BAD_SL == LF_HEAD_BAD_POINTER - LF_HEAD_BAD_SL,
               "dgram_line.h statuses BAD_SL..BAD_POINTER follow enum lf_head_status");

static const int HEAD_SPECIAL[LF_HEAD_BAD_SL] = {
    LSN_DGRAM_OK, LSN_DGRAM_HEADER, LSN_DGRAM_TRUNCATED, LSN_DGRAM_BLANK, LSN_DGRAM_TRAILING};

static enum lsn_dgram_status parse(const char *buf, size_t len, enum lsn_family family,
                                   enum lsn_byte_order order, struct lsn_dgram_line *out)
{
    struct lf_cursor c;
    struct lf_token t = {0, 0};
    struct lf_inet_head h;

    if (len > LSN_TCP_LINE_MAX)
        return LSN_DGRAM_TOO_LONG;
    lf_cursor_init(&c, buf, len);
    memset(&h, 0, sizeof h);
    enum lf_head_status hs = lf_inet_head(&c, family == LSN_FAMILY_IPV6, order, &h);
    /* Every kernel prints ref and pointer; only drops is missing before
     * 2.6.29 (12 tokens). A line that stops after inode or ref was cut. */
    if (hs != LF_HEAD_OK)
        return h.cut ? LSN_DGRAM_MISSING_TAIL
                     : (enum lsn_dgram_status)lf_head_map(hs, HEAD_SPECIAL, LSN_DGRAM_BAD_SL);
    LF_COPY_HEAD(out, h);

    enum lf_next r = lf_next_token(&c, &t);
    if (r == LF_OUT_OF_INPUT)
        return LSN_DGRAM_TRUNCATED;
    if (r == LF_TOKEN) {
        if (lf_u32_either(t, &out->drops) != 0)
            return LSN_DGRAM_BAD_DROPS;
        out->has_tail = 1;
    }
    switch (lf_end(&c)) {
    case 0: return LSN_DGRAM_OK;
    case 1: return LSN_DGRAM_TRUNCATED;
    default: return LSN_DGRAM_TRAILING;
    }
}

enum lsn_dgram_status lsn_parse_dgram_line(const char *buf, size_t len, enum lsn_family family,
                                           enum lsn_byte_order order, struct lsn_dgram_line *line)
{
    memset(line, 0, sizeof *line);
    line->pointer = NULL;
    enum lsn_dgram_status st = parse(buf, len, family, order, line);
    if (st >= LSN_DGRAM_BLANK) {
        int stray = lf_stray_space(buf, len);
        if (stray)
            st = stray == 1 ? LSN_DGRAM_CR : LSN_DGRAM_TAB;
    }
    if (st != LSN_DGRAM_OK) {
        memset(line, 0, sizeof *line);
        line->pointer = NULL;
    }
    return st;
}

const char *lsn_dgram_status_text(enum lsn_dgram_status status, enum lsn_family family)
{
    int v6 = family == LSN_FAMILY_IPV6;
    switch (status) {
    case LSN_DGRAM_OK: return "ok";
    case LSN_DGRAM_HEADER: return "header line";
    case LSN_DGRAM_TRUNCATED: return "line is not terminated by a newline (truncated)";
    case LSN_DGRAM_TOO_LONG: return "line is longer than 4096 bytes";
    case LSN_DGRAM_BLANK: return "line is blank";
    case LSN_DGRAM_BAD_SL: return "sl is not a decimal number followed by ':'";
    case LSN_DGRAM_BAD_LOCAL_ADDRESS:
        return v6 ? "local address is not 32 hex digits" : "local address is not 8 hex digits";
    case LSN_DGRAM_BAD_LOCAL_PORT: return "local port (or raw protocol) is not 4 hex digits";
    case LSN_DGRAM_BAD_REMOTE_ADDRESS:
        return v6 ? "remote address is not 32 hex digits" : "remote address is not 8 hex digits";
    case LSN_DGRAM_BAD_REMOTE_PORT: return "remote port is not 4 hex digits";
    case LSN_DGRAM_BAD_STATE: return "st is not 2 hex digits";
    case LSN_DGRAM_BAD_TX_QUEUE: return "tx_queue is not 8 hex digits followed by ':'";
    case LSN_DGRAM_BAD_RX_QUEUE: return "rx_queue is not 8 hex digits";
    case LSN_DGRAM_BAD_TIMER: return "tr is not 2 hex digits followed by ':'";
    case LSN_DGRAM_BAD_WHEN: return "tm->when is not 8 to 16 hex digits";
    case LSN_DGRAM_BAD_RETRANSMITS: return "retrnsmt is not 8 hex digits";
    case LSN_DGRAM_BAD_UID: return "uid is not a 32-bit decimal number";
    case LSN_DGRAM_BAD_TIMEOUT: return "timeout is not a 32-bit decimal number";
    case LSN_DGRAM_BAD_INODE: return "inode is not a 64-bit decimal number";
    case LSN_DGRAM_BAD_REF: return "ref is not a 32-bit decimal number";
    case LSN_DGRAM_BAD_POINTER: return "pointer is not 8 or 16 hex digits";
    case LSN_DGRAM_BAD_DROPS: return "drops is not a 32-bit decimal number";
    case LSN_DGRAM_MISSING_TAIL: return "line ends after inode or ref (10 or 11 fields)";
    case LSN_DGRAM_TRAILING: return "unexpected data after the last field";
    case LSN_DGRAM_CR: return "line ends in CR (a CRLF line end)";
    case LSN_DGRAM_TAB: return "tab between fields (the kernel separates them with spaces)";
    case LSN_DGRAM_STATUS_COUNT: break;
    }
    return "unknown status";
}
