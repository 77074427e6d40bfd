/* packet_line.c - see packet_line.h. */
#include "packet_line.h"
#include "line_fields.h"

#include <string.h>

/* "sk" then spaces (7, or padding to 9 or 17 columns), then the column
 * names; anything else whose first token is "sk" is a bad pointer. */
static enum lsn_packet_status header(struct lf_cursor *c)
{
    static const char names[] = "RefCnt Type Proto  Iface R Rmem   User   Inode";
    while (c->p < c->nl && *c->p == ' ')
        c->p++;
    switch (lf_header(c, c->p, names, sizeof names - 1)) {
    case 0: return LSN_PACKET_HEADER;
    case 2: return LSN_PACKET_TRUNCATED;
    case 3: return LSN_PACKET_TRAILING;
    default: return LSN_PACKET_BAD_POINTER;
    }
}

#define NEXT(status_if_missing) LF_NEXT(c, t, LSN_PACKET_TRUNCATED, status_if_missing)

static enum lsn_packet_status parse(const char *buf, size_t len, struct lsn_packet_line *out)
{
    struct lf_cursor c;
    struct lf_token t = {0, 0};
    uint64_t u;

    if (len > LSN_PACKET_LINE_MAX)
        return LSN_PACKET_TOO_LONG;
    lf_cursor_init(&c, buf, len);

    NEXT(LSN_PACKET_BLANK);
    if (t.n == 2 && t.s[0] == 's' && t.s[1] == 'k')
        return header(&c);
    if (!lf_pointer_ok(t))
        return LSN_PACKET_BAD_POINTER;
    out->pointer = t.s;
    out->pointer_len = t.n;

    NEXT(LSN_PACKET_MISSING);
    if (lf_int32(t, &out->refcnt) != 0)
        return LSN_PACKET_BAD_REFCNT;

    /* sk_type is an unsigned short printed "%-4d". */
    NEXT(LSN_PACKET_MISSING);
    if (lf_dec_unsigned(t.s, t.n, UINT16_MAX, &u) != 0)
        return LSN_PACKET_BAD_TYPE;
    out->type = (uint32_t)u;

    NEXT(LSN_PACKET_MISSING);
    if (lf_hex_exact(t.s, t.n, 4, &u) != 0)
        return LSN_PACKET_BAD_PROTOCOL;
    out->protocol = (uint16_t)u;

    NEXT(LSN_PACKET_MISSING);
    if (lf_int32(t, &out->ifindex) != 0)
        return LSN_PACKET_BAD_IFINDEX;

    NEXT(LSN_PACKET_MISSING);
    if (t.n != 1 || (t.s[0] != '0' && t.s[0] != '1'))
        return LSN_PACKET_BAD_RUNNING;
    out->running = (uint8_t)(t.s[0] - '0');

    NEXT(LSN_PACKET_MISSING);
    if (lf_dec_unsigned(t.s, t.n, UINT32_MAX, &u) != 0)
        return LSN_PACKET_BAD_RMEM;
    out->rmem = (uint32_t)u;

    NEXT(LSN_PACKET_MISSING);
    if (lf_dec_unsigned(t.s, t.n, UINT32_MAX, &u) != 0)
        return LSN_PACKET_BAD_UID;
    out->uid = (uint32_t)u;

    NEXT(LSN_PACKET_MISSING);
    if (lf_dec_unsigned(t.s, t.n, UINT64_MAX, &out->inode) != 0)
        return LSN_PACKET_BAD_INODE;

    switch (lf_end(&c)) {
    case 0: return LSN_PACKET_OK;
    case 1: return LSN_PACKET_TRUNCATED;
    default: return LSN_PACKET_TRAILING;
    }
}

enum lsn_packet_status lsn_parse_packet_line(const char *buf, size_t len,
                                             struct lsn_packet_line *line)
{
    memset(line, 0, sizeof *line);
    line->pointer = NULL;
    enum lsn_packet_status st = parse(buf, len, line);
    if (st >= LSN_PACKET_BLANK) {
        int stray = lf_stray_space(buf, len);
        if (stray)
            st = stray == 1 ? LSN_PACKET_CR : LSN_PACKET_TAB;
    }
    if (st != LSN_PACKET_OK) {
        memset(line, 0, sizeof *line);
        line->pointer = NULL;
    }
    return st;
}

const char *lsn_packet_status_text(enum lsn_packet_status status)
{
    switch (status) {
    case LSN_PACKET_OK: return "ok";
    case LSN_PACKET_HEADER: return "header line";
    case LSN_PACKET_TRUNCATED: return "line is not terminated by a newline (truncated)";
    case LSN_PACKET_TOO_LONG: return "line is longer than 4096 bytes";
    case LSN_PACKET_BLANK: return "line is blank";
    case LSN_PACKET_BAD_POINTER: return "sk is not 8 or 16 hex digits";
    case LSN_PACKET_BAD_REFCNT: return "RefCnt is not a 32-bit decimal number";
    case LSN_PACKET_BAD_TYPE: return "Type is not a 16-bit decimal number";
    case LSN_PACKET_BAD_PROTOCOL: return "Proto is not 4 hex digits";
    case LSN_PACKET_BAD_IFINDEX: return "Iface is not a 32-bit decimal number";
    case LSN_PACKET_BAD_RUNNING: return "R is not 0 or 1";
    case LSN_PACKET_BAD_RMEM: return "Rmem is not a 32-bit decimal number";
    case LSN_PACKET_BAD_UID: return "User is not a 32-bit decimal number";
    case LSN_PACKET_BAD_INODE: return "Inode is not a 64-bit decimal number";
    case LSN_PACKET_MISSING: return "line has fewer than 9 fields";
    case LSN_PACKET_TRAILING: return "unexpected data after the last field";
    case LSN_PACKET_CR: return "line ends in CR (a CRLF line end)";
    case LSN_PACKET_TAB: return "tab between fields (the kernel separates them with spaces)";
    case LSN_PACKET_STATUS_COUNT: break;
    }
    return "unknown status";
}
