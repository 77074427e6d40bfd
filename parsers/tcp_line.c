/* tcp_line.c - see tcp_line.h. */
#include "tcp_line.h"
#include "hex_digit.h"

#include <string.h>

/* The part of the line still to read: [p, nl), where nl is the first '\n' or
 * the end of the input. */
struct cursor {
    const char *p;
    const char *nl;
    int terminated; /* a '\n' was found */
};

struct token {
    const char *s;
    size_t n;
};

enum next_result { TOKEN, AT_NEWLINE, OUT_OF_INPUT };

/* Skips spaces and takes the next space-separated token. A token that runs
 * into the end of an unterminated input might continue: OUT_OF_INPUT. */
static enum next_result next_token(struct cursor *c, struct token *t)
{
    while (c->p < c->nl && *c->p == ' ')
        c->p++;
    if (c->p == c->nl)
        return c->terminated ? AT_NEWLINE : OUT_OF_INPUT;
    const char *start = c->p;
    while (c->p < c->nl && *c->p != ' ')
        c->p++;
    if (c->p == c->nl && !c->terminated)
        return OUT_OF_INPUT;
    t->s = start;
    t->n = (size_t)(c->p - start);
    return TOKEN;
}

/* Exactly n hex digits (n <= 16) into *v. */
static int hex_exact(const char *s, size_t len, size_t n, uint64_t *v)
{
    if (len != n)
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        int d = lsn_hex_digit((unsigned char)s[i]);
        if (d < 0)
            return -1;
        x = x << 4 | (unsigned)d;
    }
    *v = x;
    return 0;
}

/* One or more decimal digits (leading zeros allowed), value <= max. */
static int dec_unsigned(const char *s, size_t n, uint64_t max, uint64_t *v)
{
    if (n == 0)
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        unsigned d = (unsigned)(s[i] - '0');
        if (x > (UINT64_MAX - 9) / 10 && /* only then can x * 10 + d wrap */
            (x > UINT64_MAX / 10 || (x == UINT64_MAX / 10 && d > UINT64_MAX % 10)))
            return -1;
        x = x * 10 + d;
    }
    if (x > max)
        return -1;
    *v = x;
    return 0;
}

/* An optional '-' and decimal digits, -neg_max <= value <= pos_max. The
 * result is returned as the two's complement bit pattern in 64 bits. */
static int dec_signed(const char *s, size_t n, uint64_t neg_max, uint64_t pos_max, int64_t *v)
{
    uint64_t x;
    if (n > 0 && s[0] == '-') {
        if (dec_unsigned(s + 1, n - 1, neg_max, &x) != 0)
            return -1;
        *v = x == 0 ? 0 : -(int64_t)(x - 1) - 1;
        return 0;
    }
    if (dec_unsigned(s, n, pos_max, &x) != 0)
        return -1;
    *v = (int64_t)x;
    return 0;
}

static int int32_field(struct token t, int32_t *out)
{
    int64_t v;
    if (dec_signed(t.s, t.n, (uint64_t)INT32_MAX + 1, INT32_MAX, &v) != 0)
        return -1;
    *out = (int32_t)v;
    return 0;
}

/* "ADDR:PORT" with an address of 8 or 32 hex digits. */
static enum lsn_tcp_status endpoint(struct token t, enum lsn_family family,
                                    enum lsn_byte_order order, uint8_t addr[16], uint16_t *port,
                                    enum lsn_tcp_status bad_address, enum lsn_tcp_status bad_port)
{
    size_t width = family == LSN_FAMILY_IPV6 ? 32 : 8;
    if (t.n < width + 1 || t.s[width] != ':')
        return bad_address;
    enum lsn_hex_status hs = family == LSN_FAMILY_IPV6 ? lsn_hex_ipv6(t.s, width, order, addr)
                                                       : lsn_hex_ipv4(t.s, width, order, addr);
    if (hs != LSN_HEX_OK)
        return bad_address;
    if (lsn_hex_port(t.s + width + 1, t.n - width - 1, port) != LSN_HEX_OK)
        return bad_port;
    return LSN_TCP_OK;
}

/* "%08X:%08X"-style pairs: a fixed-width part, ':', a second part of
 * second_min..second_max hex digits. */
static int hex_pair(struct token t, size_t first, size_t second_min, size_t second_max, uint64_t *a,
                    uint64_t *b, int *second_bad)
{
    *second_bad = 0;
    if (t.n < first + 1 || t.s[first] != ':' || hex_exact(t.s, first, first, a) != 0)
        return -1;
    size_t rest = t.n - first - 1;
    *second_bad = 1;
    if (rest < second_min || rest > second_max)
        return -1;
    return hex_exact(t.s + first + 1, rest, rest, b);
}

/* 8 or 16 hex digits, or a placeholder of %pK/%p: "(ptrval)" and "pK-error"
 * have 8 characters too, so they are tested after the digits. */
static int pointer_ok(struct token t)
{
    uint64_t ignored;
    if ((t.n == 8 || t.n == 16) && hex_exact(t.s, t.n, t.n, &ignored) == 0)
        return 1;
#define PLACEHOLDER(text) (t.n == sizeof(text) - 1 && memcmp(t.s, (text), t.n) == 0)
    return PLACEHOLDER("(____ptrval____)") || PLACEHOLDER("(ptrval)") || PLACEHOLDER("pK-error");
#undef PLACEHOLDER
}

/* The header of both files starts "  sl  local_address " (tcp6 then has more
 * spaces). Anything else that starts with "sl" is a bad sl, not a header. */
static enum lsn_tcp_status header(const struct cursor *c, const char *sl, const char *end)
{
    static const char start[] = "sl  local_address ";
    size_t n = sizeof start - 1, avail = (size_t)(c->nl - sl);
    size_t cmp = avail < n ? avail : n;
    if (memcmp(sl, start, cmp) != 0)
        return LSN_TCP_BAD_SL;
    if (!c->terminated)
        return LSN_TCP_TRUNCATED;
    if (avail < n)
        return LSN_TCP_BAD_SL;
    return c->nl + 1 == end ? LSN_TCP_HEADER : LSN_TCP_TRAILING;
}

/* Takes the next token or returns from the parser: out of input is
 * TRUNCATED, a missing field is that field's error. */
#define NEXT(status_if_missing)                                                                    \
    do {                                                                                           \
        enum next_result r_ = next_token(&c, &t);                                                  \
        if (r_ == OUT_OF_INPUT)                                                                    \
            return LSN_TCP_TRUNCATED;                                                              \
        if (r_ == AT_NEWLINE)                                                                      \
            return (status_if_missing);                                                            \
    } while (0)

static enum lsn_tcp_status parse(const char *buf, size_t len, enum lsn_family family,
                                 enum lsn_byte_order order, struct lsn_tcp_line *out)
{
    struct cursor c;
    struct token t = {0, 0};
    uint64_t u, v;
    int64_t s;
    int second_bad;
    enum lsn_tcp_status st;

    if (len > LSN_TCP_LINE_MAX)
        return LSN_TCP_TOO_LONG;
    c.p = buf;
    c.nl = memchr(buf, '\n', len);
    c.terminated = c.nl != NULL;
    if (!c.nl)
        c.nl = buf + len;

    NEXT(LSN_TCP_BLANK);
    if (t.n == 2 && t.s[0] == 's' && t.s[1] == 'l')
        return header(&c, t.s, buf + len);
    if (t.n < 2 || t.s[t.n - 1] != ':' || dec_unsigned(t.s, t.n - 1, UINT32_MAX, &u) != 0)
        return LSN_TCP_BAD_SL;
    out->sl = (uint32_t)u;

    NEXT(LSN_TCP_BAD_LOCAL_ADDRESS);
    st = endpoint(t, family, order, out->local_address, &out->local_port, LSN_TCP_BAD_LOCAL_ADDRESS,
                  LSN_TCP_BAD_LOCAL_PORT);
    if (st != LSN_TCP_OK)
        return st;

    NEXT(LSN_TCP_BAD_REMOTE_ADDRESS);
    st = endpoint(t, family, order, out->remote_address, &out->remote_port,
                  LSN_TCP_BAD_REMOTE_ADDRESS, LSN_TCP_BAD_REMOTE_PORT);
    if (st != LSN_TCP_OK)
        return st;

    NEXT(LSN_TCP_BAD_STATE);
    if (hex_exact(t.s, t.n, 2, &u) != 0)
        return LSN_TCP_BAD_STATE;
    out->state = (uint8_t)u;

    NEXT(LSN_TCP_BAD_TX_QUEUE);
    if (hex_pair(t, 8, 8, 8, &u, &v, &second_bad) != 0)
        return second_bad ? LSN_TCP_BAD_RX_QUEUE : LSN_TCP_BAD_TX_QUEUE;
    out->tx_queue = (uint32_t)u;
    out->rx_queue = (uint32_t)v;

    NEXT(LSN_TCP_BAD_TIMER);
    if (hex_pair(t, 2, 8, 16, &u, &v, &second_bad) != 0)
        return second_bad ? LSN_TCP_BAD_WHEN : LSN_TCP_BAD_TIMER;
    out->timer = (uint8_t)u;
    out->when = v;

    NEXT(LSN_TCP_BAD_RETRANSMITS);
    if (hex_exact(t.s, t.n, 8, &u) != 0)
        return LSN_TCP_BAD_RETRANSMITS;
    out->retransmits = (uint32_t)u;

    NEXT(LSN_TCP_BAD_UID);
    if (dec_signed(t.s, t.n, (uint64_t)INT32_MAX + 1, UINT32_MAX, &s) != 0)
        return LSN_TCP_BAD_UID;
    out->uid = (uint32_t)((uint64_t)s & UINT32_MAX);

    NEXT(LSN_TCP_BAD_TIMEOUT);
    if (int32_field(t, &out->timeout) != 0)
        return LSN_TCP_BAD_TIMEOUT;

    NEXT(LSN_TCP_BAD_INODE);
    if (dec_unsigned(t.s, t.n, UINT64_MAX, &out->inode) != 0)
        return LSN_TCP_BAD_INODE;

    NEXT(LSN_TCP_BAD_REF);
    if (int32_field(t, &out->ref) != 0)
        return LSN_TCP_BAD_REF;

    NEXT(LSN_TCP_BAD_POINTER);
    if (!pointer_ok(t))
        return LSN_TCP_BAD_POINTER;
    out->pointer = t.s;
    out->pointer_len = t.n;

    enum next_result r = next_token(&c, &t);
    if (r == OUT_OF_INPUT)
        return LSN_TCP_TRUNCATED;
    if (r == AT_NEWLINE) {
        /* The 12-token kinds: open requests (03) and time-wait sockets (06,
         * or 05 for FIN_WAIT2), which never have an inode. */
        int short_state = out->state == 0x03 || out->state == 0x05 || out->state == 0x06;
        if (!short_state || out->inode != 0)
            return LSN_TCP_MISSING_TAIL;
    } else {
        if (dec_unsigned(t.s, t.n, UINT64_MAX, &out->rto) != 0)
            return LSN_TCP_BAD_RTO;
        NEXT(LSN_TCP_BAD_ATO);
        if (dec_unsigned(t.s, t.n, UINT64_MAX, &out->ato) != 0)
            return LSN_TCP_BAD_ATO;
        NEXT(LSN_TCP_BAD_QUICK);
        if (dec_unsigned(t.s, t.n, UINT32_MAX, &u) != 0)
            return LSN_TCP_BAD_QUICK;
        out->quick = (uint32_t)u;
        NEXT(LSN_TCP_BAD_CWND);
        if (dec_unsigned(t.s, t.n, UINT32_MAX, &u) != 0)
            return LSN_TCP_BAD_CWND;
        out->cwnd = (uint32_t)u;
        NEXT(LSN_TCP_BAD_SSTHRESH);
        if (int32_field(t, &out->ssthresh) != 0)
            return LSN_TCP_BAD_SSTHRESH;
        out->has_tail = 1;
        r = next_token(&c, &t);
        if (r == OUT_OF_INPUT)
            return LSN_TCP_TRUNCATED;
        if (r == TOKEN)
            return LSN_TCP_TRAILING;
    }
    /* At the '\n': nothing may follow it. */
    if (c.nl + 1 != buf + len)
        return LSN_TCP_TRAILING;
    return LSN_TCP_OK;
}

enum lsn_tcp_status lsn_parse_tcp_line(const char *buf, size_t len, enum lsn_family family,
                                       enum lsn_byte_order order, struct lsn_tcp_line *line)
{
    memset(line, 0, sizeof *line);
    line->pointer = NULL;
    enum lsn_tcp_status st = parse(buf, len, family, order, line);
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
    case LSN_TCP_STATUS_COUNT: break;
    }
    return "unknown status";
}
