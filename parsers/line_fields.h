/* line_fields.h - private to parsers/: the tokenizer and field decoders shared
 * by the /proc/net line parsers (tcp_line.c, dgram_line.c, packet_line.c).
 * Not installed. Everything is static inline over (pointer, length) spans:
 * no allocation, no NUL needed, nothing read past the span.
 */
#ifndef LISTENERS_LINE_FIELDS_H
#define LISTENERS_LINE_FIELDS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hex_address.h"
#include "hex_digit.h"

/* The part of the line still to read: [p, nl), where nl is the first '\n' or
 * the end of the input. */
struct lf_cursor {
    const char *p;
    const char *nl;
    const char *end; /* buf + len */
    int terminated;  /* a '\n' was found */
};

struct lf_token {
    const char *s;
    size_t n;
};

enum lf_next { LF_TOKEN, LF_AT_NEWLINE, LF_OUT_OF_INPUT };

static inline void lf_cursor_init(struct lf_cursor *c, const char *buf, size_t len)
{
    c->p = buf;
    c->end = buf + len;
    c->nl = memchr(buf, '\n', len);
    c->terminated = c->nl != NULL;
    if (!c->nl)
        c->nl = c->end;
}

/* Skips spaces and takes the next space-separated token. A token that runs
 * into the end of an unterminated input might continue: LF_OUT_OF_INPUT. */
static inline enum lf_next lf_next_token(struct lf_cursor *c, struct lf_token *t)
{
    while (c->p < c->nl && *c->p == ' ')
        c->p++;
    if (c->p == c->nl)
        return c->terminated ? LF_AT_NEWLINE : LF_OUT_OF_INPUT;
    const char *start = c->p;
    while (c->p < c->nl && *c->p != ' ')
        c->p++;
    if (c->p == c->nl && !c->terminated)
        return LF_OUT_OF_INPUT;
    t->s = start;
    t->n = (size_t)(c->p - start);
    return LF_TOKEN;
}

/* Takes the next token into t from cursor c, or returns from the calling
 * parser: out of input is `truncated`, a missing field `missing`. */
#define LF_NEXT(c, t, truncated, missing)                                                          \
    do {                                                                                           \
        enum lf_next r_ = lf_next_token(&(c), &(t));                                               \
        if (r_ == LF_OUT_OF_INPUT)                                                                 \
            return (truncated);                                                                    \
        if (r_ == LF_AT_NEWLINE)                                                                   \
            return (missing);                                                                      \
    } while (0)

/* Why a line that failed to parse has a byte the kernel never prints
 * between its fields, for a status that names the real cause rather than
 * the field the byte ended up in: 1 a '\r' right before the first '\n' (a
 * CRLF line end), 2 a tab before it, 0 neither (or no '\n' at all: that is
 * a truncated line whatever it holds). Reads only buf[0..len). */
static inline int lf_stray_space(const char *buf, size_t len)
{
    const char *nl = memchr(buf, '\n', len);
    if (!nl)
        return 0;
    if (nl > buf && nl[-1] == '\r')
        return 1;
    return memchr(buf, '\t', (size_t)(nl - buf)) ? 2 : 0;
}

/* After the last field: 0 at the line's '\n' with nothing after it, 1 out of
 * input (truncated), 2 another token or bytes after the '\n' (trailing). */
static inline int lf_end(struct lf_cursor *c)
{
    struct lf_token t;
    enum lf_next r = lf_next_token(c, &t);
    if (r == LF_OUT_OF_INPUT)
        return 1;
    if (r == LF_TOKEN || c->nl + 1 != c->end)
        return 2;
    return 0;
}

/* Exactly n hex digits (n <= 16) into *v. */
static inline int lf_hex_exact(const char *s, size_t len, size_t n, uint64_t *v)
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
static inline int lf_dec_unsigned(const char *s, size_t n, uint64_t max, uint64_t *v)
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
static inline int lf_dec_signed(const char *s, size_t n, uint64_t neg_max, uint64_t pos_max,
                                int64_t *v)
{
    uint64_t x;
    if (n > 0 && s[0] == '-') {
        if (lf_dec_unsigned(s + 1, n - 1, neg_max, &x) != 0)
            return -1;
        *v = x == 0 ? 0 : -(int64_t)(x - 1) - 1;
        return 0;
    }
    if (lf_dec_unsigned(s, n, pos_max, &x) != 0)
        return -1;
    *v = (int64_t)x;
    return 0;
}

static inline int lf_int32(struct lf_token t, int32_t *out)
{
    int64_t v;
    if (lf_dec_signed(t.s, t.n, (uint64_t)INT32_MAX + 1, INT32_MAX, &v) != 0)
        return -1;
    *out = (int32_t)v;
    return 0;
}

/* A 32-bit value printed "%d" by old kernels and "%u" by new ones (uid,
 * drops): INT32_MIN..UINT32_MAX, stored as its 32-bit pattern (-2 is
 * 4294967294). */
static inline int lf_u32_either(struct lf_token t, uint32_t *out)
{
    int64_t v;
    if (lf_dec_signed(t.s, t.n, (uint64_t)INT32_MAX + 1, UINT32_MAX, &v) != 0)
        return -1;
    *out = (uint32_t)((uint64_t)v & UINT32_MAX);
    return 0;
}

/* "ADDR:PORT" with an address of 8 (ipv6 0) or 32 (ipv6 1) hex digits.
 * 0 ok, 1 bad address, 2 bad port. */
static inline int lf_endpoint(struct lf_token t, int ipv6, enum lsn_byte_order order,
                              uint8_t addr[16], uint16_t *port)
{
    size_t width = ipv6 ? 32 : 8;
    if (t.n < width + 1 || t.s[width] != ':')
        return 1;
    enum lsn_hex_status hs =
        ipv6 ? lsn_hex_ipv6(t.s, width, order, addr) : lsn_hex_ipv4(t.s, width, order, addr);
    if (hs != LSN_HEX_OK)
        return 1;
    if (lsn_hex_port(t.s + width + 1, t.n - width - 1, port) != LSN_HEX_OK)
        return 2;
    return 0;
}

/* "%08X:%08X"-style pairs: a fixed-width part, ':', a second part of
 * second_min..second_max hex digits. 0 ok, 1 bad first part, 2 bad second. */
static inline int lf_hex_pair(struct lf_token t, size_t first, size_t second_min, size_t second_max,
                              uint64_t *a, uint64_t *b)
{
    if (t.n < first + 1 || t.s[first] != ':' || lf_hex_exact(t.s, first, first, a) != 0)
        return 1;
    size_t rest = t.n - first - 1;
    if (rest < second_min || rest > second_max)
        return 2;
    return lf_hex_exact(t.s + first + 1, rest, rest, b) != 0 ? 2 : 0;
}

/* %pK: 8 or 16 hex digits, or a placeholder of %pK/%p: "(ptrval)" and
 * "pK-error" have 8 characters too, so they are tested after the digits. */
static inline int lf_pointer_ok(struct lf_token t)
{
    uint64_t ignored;
    if ((t.n == 8 || t.n == 16) && lf_hex_exact(t.s, t.n, t.n, &ignored) == 0)
        return 1;
#define LF_PLACEHOLDER(text) (t.n == sizeof(text) - 1 && memcmp(t.s, (text), t.n) == 0)
    return LF_PLACEHOLDER("(____ptrval____)") || LF_PLACEHOLDER("(ptrval)") ||
           LF_PLACEHOLDER("pK-error");
#undef LF_PLACEHOLDER
}

/* A header line whose text from `at` must start with text[0..n): 0 a header
 * (the whole line, nothing after its '\n'), 1 not a header, 2 a prefix of a
 * header cut before its '\n' (truncated), 3 bytes after the '\n'. */
static inline int lf_header(const struct lf_cursor *c, const char *at, const char *text, size_t n)
{
    size_t avail = (size_t)(c->nl - at);
    size_t cmp = avail < n ? avail : n;
    if (memcmp(at, text, cmp) != 0)
        return 1;
    if (!c->terminated)
        return 2;
    if (avail < n)
        return 1;
    return c->nl + 1 == c->end ? 0 : 3;
}

/* The first twelve columns that /proc/net/tcp, udp and raw (and their IPv6
 * files) share, "sl: local:port remote:port st tx:rx tr:when retrnsmt uid
 * timeout inode ref pointer", with the tcp_line.h widths and ranges. */
struct lf_inet_head {
    uint32_t sl;
    uint8_t local_address[16];
    uint16_t local_port;
    uint8_t remote_address[16];
    uint16_t remote_port;
    uint8_t state;
    uint32_t tx_queue;
    uint32_t rx_queue;
    uint8_t timer;
    uint64_t when;
    uint32_t retransmits;
    uint32_t uid;
    int32_t timeout;
    uint64_t inode;
    int32_t ref;
    const char *pointer;
    size_t pointer_len;
    int cut; /* LF_HEAD_BAD_REF or _POINTER because the line ends before it */
};

/* What lf_inet_head found; from LF_HEAD_BAD_SL on, the first bad (or
 * missing) column, in column order. */
enum lf_head_status {
    LF_HEAD_OK,
    LF_HEAD_HEADER,    /* the header line, whole */
    LF_HEAD_TRUNCATED, /* out of input before the '\n' */
    LF_HEAD_BLANK,
    LF_HEAD_TRAILING, /* a header with bytes after its '\n' */
    LF_HEAD_BAD_SL,
    LF_HEAD_BAD_LOCAL_ADDRESS,
    LF_HEAD_BAD_LOCAL_PORT,
    LF_HEAD_BAD_REMOTE_ADDRESS,
    LF_HEAD_BAD_REMOTE_PORT,
    LF_HEAD_BAD_STATE,
    LF_HEAD_BAD_TX_QUEUE,
    LF_HEAD_BAD_RX_QUEUE,
    LF_HEAD_BAD_TIMER,
    LF_HEAD_BAD_WHEN,
    LF_HEAD_BAD_RETRANSMITS,
    LF_HEAD_BAD_UID,
    LF_HEAD_BAD_TIMEOUT,
    LF_HEAD_BAD_INODE,
    LF_HEAD_BAD_REF,
    LF_HEAD_BAD_POINTER,
    LF_HEAD_COUNT
};

/* Reads the twelve columns from c into *h (the header line when the first
 * token is "sl": every one of these files' headers starts "sl  local_address "
 * after its indent). */
static inline enum lf_head_status lf_inet_head(struct lf_cursor *c, int ipv6,
                                               enum lsn_byte_order order, struct lf_inet_head *h)
{
    static const char header[] = "sl  local_address ";
    struct lf_token t = {0, 0};
    uint64_t u, v;
    int bad;
#define LF_HEAD_NEXT(missing) LF_NEXT(*c, t, LF_HEAD_TRUNCATED, missing)
#define LF_HEAD_NEXT_CUT(missing)                                                                  \
    do {                                                                                           \
        enum lf_next r_ = lf_next_token(c, &t);                                                    \
        if (r_ == LF_OUT_OF_INPUT)                                                                 \
            return LF_HEAD_TRUNCATED;                                                              \
        h->cut = r_ == LF_AT_NEWLINE;                                                              \
        if (h->cut)                                                                                \
            return (missing);                                                                      \
    } while (0)
    LF_HEAD_NEXT(LF_HEAD_BLANK);
    if (t.n == 2 && t.s[0] == 's' && t.s[1] == 'l') {
        static const enum lf_head_status of_header[] = {LF_HEAD_HEADER, LF_HEAD_BAD_SL,
                                                        LF_HEAD_TRUNCATED, LF_HEAD_TRAILING};
        return of_header[lf_header(c, t.s, header, sizeof header - 1)];
    }
    if (t.n < 2 || t.s[t.n - 1] != ':' || lf_dec_unsigned(t.s, t.n - 1, UINT32_MAX, &u) != 0)
        return LF_HEAD_BAD_SL;
    h->sl = (uint32_t)u;

    LF_HEAD_NEXT(LF_HEAD_BAD_LOCAL_ADDRESS);
    if ((bad = lf_endpoint(t, ipv6, order, h->local_address, &h->local_port)) != 0)
        return bad == 1 ? LF_HEAD_BAD_LOCAL_ADDRESS : LF_HEAD_BAD_LOCAL_PORT;

    LF_HEAD_NEXT(LF_HEAD_BAD_REMOTE_ADDRESS);
    if ((bad = lf_endpoint(t, ipv6, order, h->remote_address, &h->remote_port)) != 0)
        return bad == 1 ? LF_HEAD_BAD_REMOTE_ADDRESS : LF_HEAD_BAD_REMOTE_PORT;

    LF_HEAD_NEXT(LF_HEAD_BAD_STATE);
    if (lf_hex_exact(t.s, t.n, 2, &u) != 0)
        return LF_HEAD_BAD_STATE;
    h->state = (uint8_t)u;

    LF_HEAD_NEXT(LF_HEAD_BAD_TX_QUEUE);
    if ((bad = lf_hex_pair(t, 8, 8, 8, &u, &v)) != 0)
        return bad == 2 ? LF_HEAD_BAD_RX_QUEUE : LF_HEAD_BAD_TX_QUEUE;
    h->tx_queue = (uint32_t)u;
    h->rx_queue = (uint32_t)v;

    /* tm->when is a long: 8 digits, or up to 16 for expired timers on old
     * kernels (tcp_line.h). */
    LF_HEAD_NEXT(LF_HEAD_BAD_TIMER);
    if ((bad = lf_hex_pair(t, 2, 8, 16, &u, &v)) != 0)
        return bad == 2 ? LF_HEAD_BAD_WHEN : LF_HEAD_BAD_TIMER;
    h->timer = (uint8_t)u;
    h->when = v;

    LF_HEAD_NEXT(LF_HEAD_BAD_RETRANSMITS);
    if (lf_hex_exact(t.s, t.n, 8, &u) != 0)
        return LF_HEAD_BAD_RETRANSMITS;
    h->retransmits = (uint32_t)u;

    LF_HEAD_NEXT(LF_HEAD_BAD_UID);
    if (lf_u32_either(t, &h->uid) != 0)
        return LF_HEAD_BAD_UID;

    LF_HEAD_NEXT(LF_HEAD_BAD_TIMEOUT);
    if (lf_int32(t, &h->timeout) != 0)
        return LF_HEAD_BAD_TIMEOUT;

    LF_HEAD_NEXT(LF_HEAD_BAD_INODE);
    if (lf_dec_unsigned(t.s, t.n, UINT64_MAX, &h->inode) != 0)
        return LF_HEAD_BAD_INODE;

    LF_HEAD_NEXT_CUT(LF_HEAD_BAD_REF);
    if (lf_int32(t, &h->ref) != 0)
        return LF_HEAD_BAD_REF;

    LF_HEAD_NEXT_CUT(LF_HEAD_BAD_POINTER);
    if (!lf_pointer_ok(t))
        return LF_HEAD_BAD_POINTER;
    h->pointer = t.s;
    h->pointer_len = t.n;
#undef LF_HEAD_NEXT
#undef LF_HEAD_NEXT_CUT
    return LF_HEAD_OK;
}

/* A parser's status for hs: special[hs] for LF_HEAD_OK..LF_HEAD_TRAILING,
 * else bad_sl plus the column's offset (the parser's enum keeps the columns'
 * order from its BAD_SL on). */
static inline int lf_head_map(enum lf_head_status hs, const int special[LF_HEAD_BAD_SL], int bad_sl)
{
    return hs < LF_HEAD_BAD_SL ? special[hs] : bad_sl + (int)(hs - LF_HEAD_BAD_SL);
}

/* Copies the twelve columns into a line struct with the same member names. */
#define LF_COPY_HEAD(out, h)                                                                       \
    do {                                                                                           \
        (out)->sl = (h).sl;                                                                        \
        memcpy((out)->local_address, (h).local_address, 16);                                       \
        (out)->local_port = (h).local_port;                                                        \
        memcpy((out)->remote_address, (h).remote_address, 16);                                     \
        (out)->remote_port = (h).remote_port;                                                      \
        (out)->state = (h).state;                                                                  \
        (out)->tx_queue = (h).tx_queue;                                                            \
        (out)->rx_queue = (h).rx_queue;                                                            \
        (out)->timer = (h).timer;                                                                  \
        (out)->when = (h).when;                                                                    \
        (out)->retransmits = (h).retransmits;                                                      \
        (out)->uid = (h).uid;                                                                      \
        (out)->timeout = (h).timeout;                                                              \
        (out)->inode = (h).inode;                                                                  \
        (out)->ref = (h).ref;                                                                      \
        (out)->pointer = (h).pointer;                                                              \
        (out)->pointer_len = (h).pointer_len;                                                      \
    } while (0)

#endif
