/* Table tests for tcp_line.h: every status, every field's width and range. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_line.h"
#include "tcp_test_lines.h"
#include "test_support.h"

enum chk {
    C_NONE,
    C_SL,
    C_UID,
    C_TIMEOUT,
    C_INODE,
    C_REF,
    C_WHEN,
    C_RTO,
    C_ATO,
    C_QUICK,
    C_CWND,
    C_SSTHRESH,
    C_PTRLEN,
    C_HAS_TAIL,
    C_STATE,
    C_TIMER,
    C_RETR,
    C_TX,
    C_RX
};

#define SV(x) ((uint64_t)(int64_t)(x)) /* a signed expectation */

static uint64_t field(const struct lsn_tcp_line *l, enum chk c)
{
    switch (c) {
    case C_SL: return l->sl;
    case C_UID: return l->uid;
    case C_TIMEOUT: return SV(l->timeout);
    case C_INODE: return l->inode;
    case C_REF: return SV(l->ref);
    case C_WHEN: return l->when;
    case C_RTO: return l->rto;
    case C_ATO: return l->ato;
    case C_QUICK: return l->quick;
    case C_CWND: return l->cwnd;
    case C_SSTHRESH: return SV(l->ssthresh);
    case C_PTRLEN: return l->pointer_len;
    case C_HAS_TAIL: return SV(l->has_tail);
    case C_STATE: return l->state;
    case C_TIMER: return l->timer;
    case C_RETR: return l->retransmits;
    case C_TX: return l->tx_queue;
    case C_RX: return l->rx_queue;
    case C_NONE: break;
    }
    return 0;
}

/* A token row: the base line of `family` cut to ntok tokens (17, 12 or 18: token 17 is "0"),
 * with up to three tokens replaced. */
struct rep {
    int idx; /* -1: unused */
    const char *text;
};

struct tok_row {
    enum lsn_family family;
    size_t ntok;
    struct rep r[3];
    enum lsn_tcp_status want;
    enum chk chk;
    uint64_t value;
};

#define V4 LSN_FAMILY_IPV4
#define V6 LSN_FAMILY_IPV6
#define NOREP                                                                                      \
    {                                                                                              \
        -1, NULL                                                                                   \
    }
#define R1(i, t)                                                                                   \
    {                                                                                              \
        {i, t}, NOREP, NOREP                                                                       \
    }
#define R0                                                                                         \
    {                                                                                              \
        NOREP, NOREP, NOREP                                                                        \
    }
/* the 12-token line of a TIME_WAIT / SYN_RECV with its state, timer and inode */
#define SHORT(st, tr, ino)                                                                         \
    {                                                                                              \
        {T_ST, st}, {T_TIMER, tr},                                                                 \
        {                                                                                          \
            T_INODE, ino                                                                           \
        }                                                                                          \
    }

static const struct tok_row TOK_ROWS[] = {
    /* good lines */
    {V4, 17, R0, LSN_TCP_OK, C_INODE, 12345},
    {V6, 17, R0, LSN_TCP_OK, C_INODE, 12345},
    {V4, 17, R0, LSN_TCP_OK, C_HAS_TAIL, 1},
    /* sl */
    {V4, 17, R1(T_SL, "x:"), LSN_TCP_BAD_SL, C_NONE, 0},
    {V4, 17, R1(T_SL, "0"), LSN_TCP_BAD_SL, C_NONE, 0},
    {V4, 17, R1(T_SL, "-1:"), LSN_TCP_BAD_SL, C_NONE, 0},
    {V4, 17, R1(T_SL, "+1:"), LSN_TCP_BAD_SL, C_NONE, 0},
    {V4, 17, R1(T_SL, ":"), LSN_TCP_BAD_SL, C_NONE, 0},
    {V4, 17, R1(T_SL, "0x1:"), LSN_TCP_BAD_SL, C_NONE, 0},
    {V4, 17, R1(T_SL, "1;"), LSN_TCP_BAD_SL, C_NONE, 0},
    {V4, 17, R1(T_SL, "4294967296:"), LSN_TCP_BAD_SL, C_NONE, 0},
    {V4, 17, R1(T_SL, "99999999999999999999:"), LSN_TCP_BAD_SL, C_NONE, 0},
    {V4, 17, R1(T_SL, "4294967295:"), LSN_TCP_OK, C_SL, 4294967295u},
    {V4, 17, R1(T_SL, "10000:"), LSN_TCP_OK, C_SL, 10000}, /* %4d widens past 9999 */
    {V6, 17, R1(T_SL, "12345:"), LSN_TCP_OK, C_SL, 12345},
    /* local address and port */
    {V4, 17, R1(T_LOCAL, "0100007:0016"), LSN_TCP_BAD_LOCAL_ADDRESS, C_NONE, 0},
    {V4, 17, R1(T_LOCAL, "0100007F0:0016"), LSN_TCP_BAD_LOCAL_ADDRESS, C_NONE, 0},
    {V4, 17, R1(T_LOCAL, "0100007G:0016"), LSN_TCP_BAD_LOCAL_ADDRESS, C_NONE, 0},
    {V4, 17, R1(T_LOCAL, "00000000000000000000000001000000:0016"), LSN_TCP_BAD_LOCAL_ADDRESS,
     C_NONE, 0},
    {V6, 17, R1(T_LOCAL, "0000000000000000000000000100000:0016"), LSN_TCP_BAD_LOCAL_ADDRESS, C_NONE,
     0},
    {V6, 17, R1(T_LOCAL, "000000000000000000000000010000000:0016"), LSN_TCP_BAD_LOCAL_ADDRESS,
     C_NONE, 0},
    {V6, 17, R1(T_LOCAL, "0100007F:0016"), LSN_TCP_BAD_LOCAL_ADDRESS, C_NONE, 0},
    {V6, 17, R1(T_LOCAL, "0000000000000000000000000100000X:0016"), LSN_TCP_BAD_LOCAL_ADDRESS,
     C_NONE, 0},
    {V4, 17, R1(T_LOCAL, "0100007F:016"), LSN_TCP_BAD_LOCAL_PORT, C_NONE, 0},
    {V4, 17, R1(T_LOCAL, "0100007F:00016"), LSN_TCP_BAD_LOCAL_PORT, C_NONE, 0},
    {V4, 17, R1(T_LOCAL, "0100007F:001G"), LSN_TCP_BAD_LOCAL_PORT, C_NONE, 0},
    {V4, 17, R1(T_LOCAL, "0100007F:"), LSN_TCP_BAD_LOCAL_PORT, C_NONE, 0},
    {V6, 17, R1(T_LOCAL, "00000000000000000000000001000000:016"), LSN_TCP_BAD_LOCAL_PORT, C_NONE,
     0},
    /* remote address and port */
    {V4, 17, R1(T_REMOTE, "0000000:0000"), LSN_TCP_BAD_REMOTE_ADDRESS, C_NONE, 0},
    {V4, 17, R1(T_REMOTE, "000000000:0000"), LSN_TCP_BAD_REMOTE_ADDRESS, C_NONE, 0},
    {V4, 17, R1(T_REMOTE, "0000000g:0000"), LSN_TCP_BAD_REMOTE_ADDRESS, C_NONE, 0},
    {V6, 17, R1(T_REMOTE, "0000000000000000000000000000000:0000"), LSN_TCP_BAD_REMOTE_ADDRESS,
     C_NONE, 0},
    {V6, 17, R1(T_REMOTE, "000000000000000000000000000000000:0000"), LSN_TCP_BAD_REMOTE_ADDRESS,
     C_NONE, 0},
    {V4, 17, R1(T_REMOTE, "00000000:000"), LSN_TCP_BAD_REMOTE_PORT, C_NONE, 0},
    {V4, 17, R1(T_REMOTE, "00000000:00000"), LSN_TCP_BAD_REMOTE_PORT, C_NONE, 0},
    {V4, 17, R1(T_REMOTE, "00000000:-001"), LSN_TCP_BAD_REMOTE_PORT, C_NONE, 0},
    {V6, 17, R1(T_REMOTE, "00000000000000000000000000000000:00000"), LSN_TCP_BAD_REMOTE_PORT,
     C_NONE, 0},
    /* st */
    {V4, 17, R1(T_ST, "A"), LSN_TCP_BAD_STATE, C_NONE, 0},
    {V4, 17, R1(T_ST, "0AA"), LSN_TCP_BAD_STATE, C_NONE, 0},
    {V4, 17, R1(T_ST, "0G"), LSN_TCP_BAD_STATE, C_NONE, 0},
    {V4, 17, R1(T_ST, "01"), LSN_TCP_OK, C_STATE, 1},
    {V4, 17, R1(T_ST, "FF"), LSN_TCP_OK, C_STATE, 0xFF},
    /* tx:rx */
    {V4, 17, R1(T_QUEUES, "0000000:00000000"), LSN_TCP_BAD_TX_QUEUE, C_NONE, 0},
    {V4, 17, R1(T_QUEUES, "000000000:00000000"), LSN_TCP_BAD_TX_QUEUE, C_NONE, 0},
    {V4, 17, R1(T_QUEUES, "0000000G:00000000"), LSN_TCP_BAD_TX_QUEUE, C_NONE, 0},
    {V4, 17, R1(T_QUEUES, "00000000:0000000"), LSN_TCP_BAD_RX_QUEUE, C_NONE, 0},
    {V4, 17, R1(T_QUEUES, "00000000:000000000"), LSN_TCP_BAD_RX_QUEUE, C_NONE, 0},
    {V4, 17, R1(T_QUEUES, "00000000:0000000G"), LSN_TCP_BAD_RX_QUEUE, C_NONE, 0},
    {V4, 17, R1(T_QUEUES, "00001B8C:00000000"), LSN_TCP_OK, C_TX, 0x1B8C},
    {V4, 17, R1(T_QUEUES, "00000000:FFFFFFFF"), LSN_TCP_OK, C_RX, 0xFFFFFFFFu},
    /* tr:when */
    {V4, 17, R1(T_TIMER, "0:00000000"), LSN_TCP_BAD_TIMER, C_NONE, 0},
    {V4, 17, R1(T_TIMER, "000:00000000"), LSN_TCP_BAD_TIMER, C_NONE, 0},
    {V4, 17, R1(T_TIMER, "0G:00000000"), LSN_TCP_BAD_TIMER, C_NONE, 0},
    {V4, 17, R1(T_TIMER, "00-00000000"), LSN_TCP_BAD_TIMER, C_NONE, 0},
    {V4, 17, R1(T_TIMER, "00:0000000"), LSN_TCP_BAD_WHEN, C_NONE, 0},
    {V4, 17, R1(T_TIMER, "00:00000000000000000"), LSN_TCP_BAD_WHEN, C_NONE, 0},
    {V4, 17, R1(T_TIMER, "00:0000000G"), LSN_TCP_BAD_WHEN, C_NONE, 0},
    {V4, 17, R1(T_TIMER, "00:"), LSN_TCP_BAD_WHEN, C_NONE, 0},
    {V4, 17, R1(T_TIMER, "00:00000001"), LSN_TCP_OK, C_WHEN, 1},
    {V4, 17, R1(T_TIMER, "02:000AB71D"), LSN_TCP_OK, C_WHEN, 0xAB71D},
    {V4, 17, R1(T_TIMER, "02:000AB71D"), LSN_TCP_OK, C_TIMER, 2},
    {V4, 17, R1(T_TIMER, "01:1AD7F29ABCA"), LSN_TCP_OK, C_WHEN, 0x1AD7F29ABCAu},
    {V4, 17, R1(T_TIMER, "01:0000000000000001"), LSN_TCP_OK, C_WHEN, 1},
    {V4, 17, R1(T_TIMER, "01:FFFFFFFFFFFFFFFF"), LSN_TCP_OK, C_WHEN, UINT64_MAX},
    /* retrnsmt */
    {V4, 17, R1(T_RETR, "0000000"), LSN_TCP_BAD_RETRANSMITS, C_NONE, 0},
    {V4, 17, R1(T_RETR, "000000000"), LSN_TCP_BAD_RETRANSMITS, C_NONE, 0},
    {V4, 17, R1(T_RETR, "0000000G"), LSN_TCP_BAD_RETRANSMITS, C_NONE, 0},
    {V4, 17, R1(T_RETR, "00000005"), LSN_TCP_OK, C_RETR, 5},
    /* uid: %5u, or %5d on old kernels */
    {V4, 17, R1(T_UID, "4294967296"), LSN_TCP_BAD_UID, C_NONE, 0},
    {V4, 17, R1(T_UID, "-2147483649"), LSN_TCP_BAD_UID, C_NONE, 0},
    {V4, 17, R1(T_UID, "99999999999999999999"), LSN_TCP_BAD_UID, C_NONE, 0},
    {V4, 17, R1(T_UID, "x"), LSN_TCP_BAD_UID, C_NONE, 0},
    {V4, 17, R1(T_UID, "-"), LSN_TCP_BAD_UID, C_NONE, 0},
    {V4, 17, R1(T_UID, "1x"), LSN_TCP_BAD_UID, C_NONE, 0},
    {V4, 17, R1(T_UID, "+1"), LSN_TCP_BAD_UID, C_NONE, 0},
    {V4, 17, R1(T_UID, "4294967295"), LSN_TCP_OK, C_UID, 4294967295u},
    {V4, 17, R1(T_UID, "-2147483648"), LSN_TCP_OK, C_UID, 2147483648u},
    {V4, 17, R1(T_UID, "-2"), LSN_TCP_OK, C_UID, 4294967294u},
    {V4, 17, R1(T_UID, "1234567"), LSN_TCP_OK, C_UID, 1234567},
    {V4, 17, R1(T_UID, "65534"), LSN_TCP_OK, C_UID, 65534},
    /* timeout: int32 */
    {V4, 17, R1(T_TIMEOUT, "2147483648"), LSN_TCP_BAD_TIMEOUT, C_NONE, 0},
    {V4, 17, R1(T_TIMEOUT, "-2147483649"), LSN_TCP_BAD_TIMEOUT, C_NONE, 0},
    {V4, 17, R1(T_TIMEOUT, "x"), LSN_TCP_BAD_TIMEOUT, C_NONE, 0},
    {V4, 17, R1(T_TIMEOUT, "2147483647"), LSN_TCP_OK, C_TIMEOUT, 2147483647},
    {V4, 17, R1(T_TIMEOUT, "-2147483648"), LSN_TCP_OK, C_TIMEOUT, SV(INT32_MIN)},
    /* inode: u64 */
    {V4, 17, R1(T_INODE, "18446744073709551616"), LSN_TCP_BAD_INODE, C_NONE, 0},
    {V4, 17, R1(T_INODE, "100000000000000000000"), LSN_TCP_BAD_INODE, C_NONE, 0},
    {V4, 17, R1(T_INODE, "-1"), LSN_TCP_BAD_INODE, C_NONE, 0},
    {V4, 17, R1(T_INODE, "1x"), LSN_TCP_BAD_INODE, C_NONE, 0},
    {V4, 17, R1(T_INODE, "18446744073709551615"), LSN_TCP_OK, C_INODE, UINT64_MAX},
    {V4, 17, R1(T_INODE, "18446744073709551619"), LSN_TCP_BAD_INODE, C_NONE, 0},
    {V4, 17, R1(T_INODE, "000000000000000000000000012345"), LSN_TCP_OK, C_INODE, 12345},
    {V4, 17, R1(T_INODE, "3994549147"), LSN_TCP_OK, C_INODE, 3994549147u},
    {V4, 17, R1(T_INODE, "0"), LSN_TCP_OK, C_INODE, 0},
    /* ref: int32 */
    {V4, 17, R1(T_REF, "2147483648"), LSN_TCP_BAD_REF, C_NONE, 0},
    {V4, 17, R1(T_REF, "-2147483649"), LSN_TCP_BAD_REF, C_NONE, 0},
    {V4, 17, R1(T_REF, "r"), LSN_TCP_BAD_REF, C_NONE, 0},
    {V4, 17, R1(T_REF, "2147483647"), LSN_TCP_OK, C_REF, 2147483647},
    /* pointer: 8 or 16 hex digits or a placeholder */
    {V4, 17, R1(T_PTR, "000000000000"), LSN_TCP_BAD_POINTER, C_NONE, 0},
    {V4, 17, R1(T_PTR, "0000000"), LSN_TCP_BAD_POINTER, C_NONE, 0},
    {V4, 17, R1(T_PTR, "000000000"), LSN_TCP_BAD_POINTER, C_NONE, 0},
    {V4, 17, R1(T_PTR, "000000000000000"), LSN_TCP_BAD_POINTER, C_NONE, 0},
    {V4, 17, R1(T_PTR, "00000000000000000"), LSN_TCP_BAD_POINTER, C_NONE, 0},
    {V4, 17, R1(T_PTR, "zzzzzzzz"), LSN_TCP_BAD_POINTER, C_NONE, 0},
    {V4, 17, R1(T_PTR, "ffff88003d3af3cg"), LSN_TCP_BAD_POINTER, C_NONE, 0},
    {V4, 17, R1(T_PTR, "(ptrval"), LSN_TCP_BAD_POINTER, C_NONE, 0},
    {V4, 17, R1(T_PTR, "(____ptrval____"), LSN_TCP_BAD_POINTER, C_NONE, 0},
    {V4, 17, R1(T_PTR, "pK-errors"), LSN_TCP_BAD_POINTER, C_NONE, 0},
    {V4, 17, R1(T_PTR, "(____ptrval____)"), LSN_TCP_OK, C_PTRLEN, 16},
    {V4, 17, R1(T_PTR, "(ptrval)"), LSN_TCP_OK, C_PTRLEN, 8},
    {V4, 17, R1(T_PTR, "pK-error"), LSN_TCP_OK, C_PTRLEN, 8},
    {V4, 17, R1(T_PTR, "dfd77900"), LSN_TCP_OK, C_PTRLEN, 8},
    {V4, 17, R1(T_PTR, "ffff88003d3af3c0"), LSN_TCP_OK, C_PTRLEN, 16},
    {V6, 17, R1(T_PTR, "(____ptrval____)"), LSN_TCP_OK, C_PTRLEN, 16},
    {V6, 17, R1(T_PTR, "pK-error"), LSN_TCP_OK, C_PTRLEN, 8},
    /* the tail */
    {V4, 17, R1(T_RTO, "18446744073709551616"), LSN_TCP_BAD_RTO, C_NONE, 0},
    {V4, 17, R1(T_RTO, "-1"), LSN_TCP_BAD_RTO, C_NONE, 0},
    {V4, 17, R1(T_RTO, "x"), LSN_TCP_BAD_RTO, C_NONE, 0},
    {V4, 17, R1(T_RTO, "18446744073709551615"), LSN_TCP_OK, C_RTO, UINT64_MAX},
    {V4, 17, R1(T_RTO, "3000"), LSN_TCP_OK, C_RTO, 3000},
    {V4, 17, R1(T_ATO, "18446744073709551616"), LSN_TCP_BAD_ATO, C_NONE, 0},
    {V4, 17, R1(T_ATO, "a"), LSN_TCP_BAD_ATO, C_NONE, 0},
    {V4, 17, R1(T_ATO, "40"), LSN_TCP_OK, C_ATO, 40},
    {V4, 17, R1(T_QUICK, "4294967296"), LSN_TCP_BAD_QUICK, C_NONE, 0},
    {V4, 17, R1(T_QUICK, "-1"), LSN_TCP_BAD_QUICK, C_NONE, 0},
    {V4, 17, R1(T_QUICK, "4294967295"), LSN_TCP_OK, C_QUICK, 4294967295u},
    {V4, 17, R1(T_CWND, "4294967296"), LSN_TCP_BAD_CWND, C_NONE, 0},
    {V4, 17, R1(T_CWND, "c"), LSN_TCP_BAD_CWND, C_NONE, 0},
    {V4, 17, R1(T_CWND, "4294967295"), LSN_TCP_OK, C_CWND, 4294967295u},
    {V4, 17, R1(T_SSTHRESH, "2147483648"), LSN_TCP_BAD_SSTHRESH, C_NONE, 0},
    {V4, 17, R1(T_SSTHRESH, "-2147483649"), LSN_TCP_BAD_SSTHRESH, C_NONE, 0},
    {V4, 17, R1(T_SSTHRESH, "1-"), LSN_TCP_BAD_SSTHRESH, C_NONE, 0},
    {V4, 17, R1(T_SSTHRESH, "-1"), LSN_TCP_OK, C_SSTHRESH, SV(-1)},
    {V4, 17, R1(T_SSTHRESH, "-2147483648"), LSN_TCP_OK, C_SSTHRESH, SV(INT32_MIN)},
    {V4, 17, R1(T_SSTHRESH, "2147483647"), LSN_TCP_OK, C_SSTHRESH, 2147483647},
    /* 12-token lines: only SYN_RECV (03), TIME_WAIT (06) and FIN_WAIT2 minisocks (05), inode 0 */
    {V4, 12, SHORT("03", "01:00000030", "0"), LSN_TCP_OK, C_HAS_TAIL, 0},
    {V4, 12, SHORT("06", "03:00001732", "0"), LSN_TCP_OK, C_HAS_TAIL, 0},
    {V4, 12, SHORT("05", "03:0000173D", "0"), LSN_TCP_OK, C_STATE, 5},
    {V6, 12, SHORT("06", "03:000013AA", "0"), LSN_TCP_OK, C_WHEN, 0x13AA},
    {V6, 12, SHORT("03", "01:00000030", "0"), LSN_TCP_OK, C_HAS_TAIL, 0},
    {V4, 12, R0, LSN_TCP_MISSING_TAIL, C_NONE, 0}, /* LISTEN, inode 12345 */
    {V4, 12, SHORT("0A", "00:00000000", "0"), LSN_TCP_MISSING_TAIL, C_NONE, 0},
    {V4, 12, SHORT("01", "00:00000000", "0"), LSN_TCP_MISSING_TAIL, C_NONE, 0},
    {V4, 12, SHORT("06", "03:00001732", "5"), LSN_TCP_MISSING_TAIL, C_NONE, 0},
    {V4, 12, SHORT("03", "01:00000030", "474744"), LSN_TCP_MISSING_TAIL, C_NONE, 0},
    {V6, 12, R0, LSN_TCP_MISSING_TAIL, C_NONE, 0},
    /* 18 tokens */
    {V4, 18, R0, LSN_TCP_TRAILING, C_NONE, 0},
    {V4, 18, R1(17, "x"), LSN_TCP_TRAILING, C_NONE, 0},
    {V6, 18, R0, LSN_TCP_TRAILING, C_NONE, 0},
};

static const char *const TOKEN_18 = "0";

static size_t build(char *dst, size_t cap, const struct tok_row *row)
{
    const char *tok[18];
    const char *const *base = row->family == V4 ? BASE4 : BASE6;
    for (size_t i = 0; i < T_COUNT; i++)
        tok[i] = base[i];
    tok[17] = TOKEN_18;
    for (int k = 0; k < 3; k++)
        if (row->r[k].idx >= 0)
            tok[row->r[k].idx] = row->r[k].text;
    return join_tokens(dst, cap, tok, row->ntok);
}

static void check_zeroed(const struct lsn_tcp_line *l)
{
    assert_int_equal(l->sl, 0);
    assert_int_equal(l->local_port, 0);
    assert_int_equal(l->state, 0);
    assert_int_equal(l->inode, 0);
    assert_int_equal(l->uid, 0);
    assert_null(l->pointer);
    assert_int_equal(l->pointer_len, 0);
    assert_int_equal(l->has_tail, 0);
    assert_int_equal(l->rto, 0);
    for (int i = 0; i < 16; i++)
        assert_int_equal(l->local_address[i], 0);
}

static int g_seen[LSN_TCP_STATUS_COUNT];

static void test_tcp_token_table_gives_each_field_its_status(void **state)
{
    (void)state;
    struct test_guard g;
    test_guard_init(&g, 512);
    unsigned bad = 0;
    for (size_t i = 0; i < sizeof TOK_ROWS / sizeof TOK_ROWS[0]; i++) {
        const struct tok_row *row = &TOK_ROWS[i];
        char buf[512];
        size_t len = build(buf, sizeof buf, row);
        assert_true(len > 0);
        struct lsn_tcp_line l;
        memset(&l, 0xA5, sizeof l);
        /* flush against a guard page: no byte past len may be read */
        const char *p = test_guard_place(&g, buf, len);
        enum lsn_tcp_status st = lsn_parse_tcp_line(p, len, row->family, LSN_ORDER_LITTLE, &l);
        g_seen[st] = 1;
        if (st != row->want) {
            print_error("row %zu: %s-> status %d (%s), want %d (%s)\n", i, buf, (int)st,
                        lsn_tcp_status_text(st, row->family), (int)row->want,
                        lsn_tcp_status_text(row->want, row->family));
            bad++;
            continue;
        }
        if (st != LSN_TCP_OK) {
            check_zeroed(&l);
            continue;
        }
        if (row->chk != C_NONE && field(&l, row->chk) != row->value) {
            print_error("row %zu: %sfield %d = %" PRIu64 ", want %" PRIu64 "\n", i, buf,
                        (int)row->chk, field(&l, row->chk), row->value);
            bad++;
        }
        if (row->chk == C_PTRLEN) {
            const char *want = row->r[0].text;
            assert_true(l.pointer >= p && l.pointer + l.pointer_len <= p + len);
            assert_memory_equal(l.pointer, want, strlen(want));
        }
    }
    test_guard_free(&g);
    if (bad)
        fail_msg("%u of %zu token rows wrong", bad, sizeof TOK_ROWS / sizeof TOK_ROWS[0]);
}

/* Lines given whole: header, blank, truncated, too long, bytes after the '\n'. */
struct raw_row { /* the two enums side by side: no padding in the table */
    enum lsn_family family;
    enum lsn_tcp_status want;
    const char *text;
    size_t len; /* 0: strlen(text) */
};

#define HDR4                                                                                       \
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "  \
    "inode"
#define HDR6                                                                                       \
    "  sl  local_address                         remote_address                        st "        \
    "tx_queue rx_queue "                                                                           \
    "tr tm->when retrnsmt   uid  timeout inode"
#define PAD53 "                                                     "
#define LINE4                                                                                      \
    "   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "  \
    "12345 1 0000000000000000 100 0 0 10 0"
#define LINE4_SHORT                                                                                \
    "2600: 0100007F:824E 0100007F:B79C 06 00000000:00000000 03:00001732 00000000     0        0 "  \
    "0 3 000000007151d0b3"

static const struct raw_row RAW_ROWS[] = {
    {V4, LSN_TCP_HEADER, HDR4 PAD53 "\n", 0},
    {V4, LSN_TCP_HEADER, HDR4 "\n", 0},
    {V6, LSN_TCP_HEADER, HDR6 "\n", 0},
    {V4, LSN_TCP_HEADER,
     "sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
     "inode\n",
     0},
    {V4, LSN_TCP_BAD_SL, "  sl anything at all\n", 0},
    {V4, LSN_TCP_TRAILING, HDR4 "\nx", 0},
    {V4, LSN_TCP_TRUNCATED, "  sl  local_address", 0},
    {V4, LSN_TCP_BAD_SL, "  sl  local_addr\n", 0},
    {V4, LSN_TCP_BLANK, "\n", 0},
    {V4, LSN_TCP_BLANK, "   \n", 0},
    {V6, LSN_TCP_BLANK, " \n", 0},
    {V4, LSN_TCP_TRUNCATED, "", 0},
    {V4, LSN_TCP_TRUNCATED, "   ", 0},
    {V4, LSN_TCP_TRUNCATED, LINE4, 0},
    {V4, LSN_TCP_TRUNCATED, LINE4 "   ", 0},
    {V4, LSN_TCP_TRUNCATED, LINE4_SHORT, 0},
    {V4, LSN_TCP_TRUNCATED, HDR4, 0},
    {V4, LSN_TCP_TRUNCATED, "   0: 0100007F:00", 0},
    {V4, LSN_TCP_TRAILING, LINE4 "\n\n", 0},
    {V4, LSN_TCP_TRAILING, LINE4 "\nx", 0},
    {V4, LSN_TCP_TRAILING,
     LINE4 "\n   1: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0    "
           "    0 12345 1 0000000000000000 100 0 0 10 0\n",
     0},
    {V4, LSN_TCP_TRAILING, LINE4_SHORT "\n" LINE4_SHORT "\n", 0},
    /* separators: runs of spaces anywhere, padding, no leading spaces */
    {V4, LSN_TCP_OK,
     "0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 12345 1 "
     "0000000000000000 100 0 0 10 0\n",
     0},
    {V4, LSN_TCP_OK,
     "   0:   0100007F:0016  00000000:0000  0A  00000000:00000000  00:00000000  00000000   0  0  "
     "12345  1  0000000000000000  100  0  0  10  0   \n",
     0},
    {V4, LSN_TCP_OK, LINE4_SHORT PAD53 "\n", 0},
    {V4, LSN_TCP_OK, LINE4 "\n", 0},
    /* stray bytes: named as such, not as the field they ended up in */
    {V4, LSN_TCP_CR, LINE4 "\r\n", 0},             /* was BAD_SSTHRESH */
    {V4, LSN_TCP_CR, LINE4_SHORT "\r\n", 0},       /* was BAD_POINTER */
    {V4, LSN_TCP_CR, LINE4_SHORT PAD53 "\r\n", 0}, /* was TRAILING */
    {V4, LSN_TCP_CR, "\r\n", 0},                   /* was BAD_SL */
    {V4, LSN_TCP_CR, LINE4 "\t\r\n", 0},           /* CR first */
    {V4, LSN_TCP_TAB, LINE4 "\t\n", 0},
    {V4, LSN_TCP_TAB, "\t\n", 0},
    {V4, LSN_TCP_TAB,
     "   0:\t0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
     "12345 1 0000000000000000 100 0 0 10 0\n",
     0},
    {V6, LSN_TCP_TAB, " \t \n", 0},
    {V4, LSN_TCP_TRUNCATED, LINE4 "\r", 0}, /* no '\n': truncated, whatever it holds */
    {V4, LSN_TCP_TRUNCATED, LINE4 "\t", 0},
    {V4, LSN_TCP_TRAILING, LINE4 "\n\r\n", 0}, /* the CR is on the next line */
    {V4, LSN_TCP_HEADER, HDR4 "\r\n", 0},      /* a header is matched by its start */
};

/* Malformed separators: not OK (the exact status is the parser's choice). */
static const char *const NOT_OK_ROWS[] = {
    LINE4 "\r\n",
    "   0:\t0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
    "12345 1 0000000000000000 100 0 0 10 0\n",
    LINE4 "\t\n",
    "\t\n",
    "   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 \v   0        0 "
    "12345 1 0000000000000000 100 0 0 10 0\n",
    "   0: 0100007F :0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
    "12345 1 0000000000000000 100 0 0 10 0\n",
    "   0: 0100007F: 0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
    "12345 1 0000000000000000 100 0 0 10 0\n",
    "   0 : 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
    "12345 1 0000000000000000 100 0 0 10 0\n",
};

static void test_tcp_raw_lines_header_blank_truncated_trailing(void **state)
{
    (void)state;
    struct test_guard g;
    test_guard_init(&g, 1024);
    unsigned bad = 0;
    for (size_t i = 0; i < sizeof RAW_ROWS / sizeof RAW_ROWS[0]; i++) {
        const struct raw_row *row = &RAW_ROWS[i];
        size_t len = row->len ? row->len : strlen(row->text);
        const char *p = test_guard_place(&g, row->text, len);
        struct lsn_tcp_line l;
        memset(&l, 0x5A, sizeof l);
        enum lsn_tcp_status st = lsn_parse_tcp_line(p, len, row->family, LSN_ORDER_LITTLE, &l);
        g_seen[st] = 1;
        if (st != row->want) {
            print_error("raw row %zu \"%s\": status %d (%s), want %d (%s)\n", i, row->text, (int)st,
                        lsn_tcp_status_text(st, row->family), (int)row->want,
                        lsn_tcp_status_text(row->want, row->family));
            bad++;
        }
        if (st != LSN_TCP_OK)
            check_zeroed(&l);
    }
    for (size_t i = 0; i < sizeof NOT_OK_ROWS / sizeof NOT_OK_ROWS[0]; i++) {
        size_t len = strlen(NOT_OK_ROWS[i]);
        const char *p = test_guard_place(&g, NOT_OK_ROWS[i], len);
        struct lsn_tcp_line l;
        enum lsn_tcp_status st = lsn_parse_tcp_line(p, len, V4, LSN_ORDER_LITTLE, &l);
        if (st == LSN_TCP_OK || st == LSN_TCP_HEADER) {
            print_error("not-ok row %zu \"%s\": accepted (%d)\n", i, NOT_OK_ROWS[i], (int)st);
            bad++;
        }
    }
    test_guard_free(&g);
    if (bad)
        fail_msg("%u raw rows wrong", bad);
}

static void test_tcp_line_with_embedded_nul_is_rejected(void **state)
{
    (void)state;
    char buf[256];
    size_t len = strlen(LINE4 "\n");
    memcpy(buf, LINE4 "\n", len);
    struct lsn_tcp_line l;
    assert_int_equal(lsn_parse_tcp_line(buf, len, V4, LSN_ORDER_LITTLE, &l), LSN_TCP_OK);
    /* a NUL in place of each byte but the '\n' */
    for (size_t i = 0; i + 1 < len; i++) {
        char save = buf[i];
        buf[i] = '\0';
        enum lsn_tcp_status st = lsn_parse_tcp_line(buf, len, V4, LSN_ORDER_LITTLE, &l);
        if (st == LSN_TCP_OK)
            fail_msg("NUL at %zu accepted", i);
        buf[i] = save;
    }
}

/* Cutting a full line after 12..16 tokens, or keeping fewer than 12: never OK. */
static void test_tcp_line_with_wrong_token_count_is_rejected(void **state)
{
    (void)state;
    for (int fam = V4; fam <= V6; fam++) {
        const char *tok[T_COUNT];
        for (size_t i = 0; i < T_COUNT; i++)
            tok[i] = fam == V4 ? BASE4[i] : BASE6[i];
        for (size_t n = 1; n < T_COUNT; n++) {
            if (n == 12)
                continue; /* MISSING_TAIL, in the table */
            char buf[512];
            size_t len = join_tokens(buf, sizeof buf, tok, n);
            struct lsn_tcp_line l;
            enum lsn_tcp_status st =
                lsn_parse_tcp_line(buf, len, (enum lsn_family)fam, LSN_ORDER_LITTLE, &l);
            if (st == LSN_TCP_OK || st == LSN_TCP_HEADER || st == LSN_TCP_TRUNCATED ||
                st == LSN_TCP_BLANK)
                fail_msg("family %d, %zu tokens: status %d", fam, n, (int)st);
        }
    }
}

static void test_tcp_too_long_only_above_line_max(void **state)
{
    (void)state;
    static char buf[LSN_TCP_LINE_MAX + 2];
    const size_t base = sizeof LINE4 - 1; /* the line without its NUL: spaces follow */
    memcpy(buf, LINE4, base);
    struct test_guard g;
    test_guard_init(&g, sizeof buf);
    for (size_t total = LSN_TCP_LINE_MAX - 1; total <= LSN_TCP_LINE_MAX + 1; total++) {
        memset(buf + base, ' ', total - 1 - base);
        buf[total - 1] = '\n';
        const char *p = test_guard_place(&g, buf, total);
        struct lsn_tcp_line l;
        enum lsn_tcp_status st = lsn_parse_tcp_line(p, total, V4, LSN_ORDER_LITTLE, &l);
        enum lsn_tcp_status want = total > LSN_TCP_LINE_MAX ? LSN_TCP_TOO_LONG : LSN_TCP_OK;
        if (st != want)
            fail_msg("padded to %zu bytes: status %d, want %d", total, (int)st, (int)want);
        g_seen[st] = 1;
        if (st == LSN_TCP_OK)
            assert_int_equal(l.inode, 12345);
    }
    /* all spaces, too long */
    memset(buf, ' ', LSN_TCP_LINE_MAX);
    buf[LSN_TCP_LINE_MAX] = '\n';
    struct lsn_tcp_line l;
    assert_int_equal(lsn_parse_tcp_line(buf, LSN_TCP_LINE_MAX + 1, V4, LSN_ORDER_LITTLE, &l),
                     LSN_TCP_TOO_LONG);
    test_guard_free(&g);
}

static void test_tcp_full_line_fields_are_all_decoded(void **state)
{
    (void)state;
    const char *s = "  46: 010310AC:9C4C 030310AC:1770 01 00000150:00000000 01:00000019 00000000  "
                    "1000        0 54165785 4 cd1e6040 25 4 27 3 -1\n";
    struct lsn_tcp_line l;
    memset(&l, 0x77, sizeof l);
    assert_int_equal(lsn_parse_tcp_line(s, strlen(s), V4, LSN_ORDER_LITTLE, &l), LSN_TCP_OK);
    const uint8_t local[16] = {172, 16, 3, 1};
    const uint8_t remote[16] = {172, 16, 3, 3};
    assert_int_equal(l.sl, 46);
    assert_memory_equal(l.local_address, local, 16);
    assert_int_equal(l.local_port, 40012);
    assert_memory_equal(l.remote_address, remote, 16);
    assert_int_equal(l.remote_port, 6000);
    assert_int_equal(l.state, 1);
    assert_int_equal(l.tx_queue, 0x150);
    assert_int_equal(l.rx_queue, 0);
    assert_int_equal(l.timer, 1);
    assert_int_equal(l.when, 0x19);
    assert_int_equal(l.retransmits, 0);
    assert_int_equal(l.uid, 1000);
    assert_int_equal(l.timeout, 0);
    assert_int_equal(l.inode, 54165785);
    assert_int_equal(l.ref, 4);
    assert_ptr_equal(l.pointer, strstr(s, "cd1e6040"));
    assert_int_equal(l.pointer_len, 8);
    assert_int_equal(l.has_tail, 1);
    assert_int_equal(l.rto, 25);
    assert_int_equal(l.ato, 4);
    assert_int_equal(l.quick, 27);
    assert_int_equal(l.cwnd, 3);
    assert_int_equal(l.ssthresh, -1);

    /* the same line printed by a big-endian machine */
    const char *b = "  46: AC100301:9C4C AC100303:1770 01 00000150:00000000 01:00000019 00000000  "
                    "1000        0 54165785 4 cd1e6040 25 4 27 3 -1\n";
    assert_int_equal(lsn_parse_tcp_line(b, strlen(b), V4, LSN_ORDER_BIG, &l), LSN_TCP_OK);
    assert_memory_equal(l.local_address, local, 16);
    assert_memory_equal(l.remote_address, remote, 16);
    assert_int_equal(l.local_port, 40012);
}

static void test_tcp6_full_line_fields_are_all_decoded(void **state)
{
    (void)state;
    const char *s = "1124: 00000000000000000000000001000000:95EA "
                    "0000000000000000FFFF00000100007F:B79A 01 00000000:00000BB8 00:00000000 "
                    "00000000     0        0 474742 2 00000000622233a2 20 4 20 10 -1\n";
    struct lsn_tcp_line l;
    assert_int_equal(lsn_parse_tcp_line(s, strlen(s), V6, LSN_ORDER_LITTLE, &l), LSN_TCP_OK);
    const uint8_t local[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const uint8_t remote[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 1};
    assert_int_equal(l.sl, 1124);
    assert_memory_equal(l.local_address, local, 16);
    assert_int_equal(l.local_port, 0x95EA);
    assert_memory_equal(l.remote_address, remote, 16);
    assert_int_equal(l.remote_port, 0xB79A);
    assert_int_equal(l.rx_queue, 3000);
    assert_int_equal(l.inode, 474742);
    assert_int_equal(l.ref, 2);
    assert_int_equal(l.pointer_len, 16);
    assert_int_equal(l.rto, 20);
    assert_int_equal(l.quick, 20);
    assert_int_equal(l.ssthresh, -1);
    /* IPv4 lines leave bytes 4..15 zero */
    const char *v4 = LINE4 "\n";
    assert_int_equal(lsn_parse_tcp_line(v4, strlen(v4), V4, LSN_ORDER_LITTLE, &l), LSN_TCP_OK);
    const uint8_t lo[16] = {127, 0, 0, 1};
    assert_memory_equal(l.local_address, lo, 16);
}

static void test_tcp_every_status_is_reached(void **state)
{
    (void)state;
    for (int s = 0; s < LSN_TCP_STATUS_COUNT; s++)
        if (!g_seen[s])
            fail_msg("status %d (%s) was not reached by any table row", s,
                     lsn_tcp_status_text((enum lsn_tcp_status)s, V4));
}

static void test_tcp_status_text_is_distinct_and_names_widths(void **state)
{
    (void)state;
    for (int fam = V4; fam <= V6; fam++) {
        for (int s = 0; s < LSN_TCP_STATUS_COUNT; s++) {
            const char *t = lsn_tcp_status_text((enum lsn_tcp_status)s, (enum lsn_family)fam);
            assert_non_null(t);
            assert_true(strlen(t) > 0);
            for (int o = 0; o < s; o++)
                if (strcmp(t, lsn_tcp_status_text((enum lsn_tcp_status)o, (enum lsn_family)fam)) ==
                    0)
                    fail_msg("family %d: statuses %d and %d share the text \"%s\"", fam, o, s, t);
        }
    }
    const char *l4 = lsn_tcp_status_text(LSN_TCP_BAD_LOCAL_ADDRESS, V4);
    const char *l6 = lsn_tcp_status_text(LSN_TCP_BAD_LOCAL_ADDRESS, V6);
    assert_non_null(strstr(l4, "8"));
    assert_null(strstr(l4, "32"));
    assert_non_null(strstr(l6, "32"));
    assert_non_null(strstr(lsn_tcp_status_text(LSN_TCP_BAD_REMOTE_ADDRESS, V4), "8"));
    assert_non_null(strstr(lsn_tcp_status_text(LSN_TCP_BAD_REMOTE_ADDRESS, V6), "32"));
    /* out of range: still not NULL */
    assert_non_null(lsn_tcp_status_text(LSN_TCP_STATUS_COUNT, V4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_token_table_gives_each_field_its_status),
        cmocka_unit_test(test_tcp_raw_lines_header_blank_truncated_trailing),
        cmocka_unit_test(test_tcp_line_with_embedded_nul_is_rejected),
        cmocka_unit_test(test_tcp_line_with_wrong_token_count_is_rejected),
        cmocka_unit_test(test_tcp_too_long_only_above_line_max),
        cmocka_unit_test(test_tcp_full_line_fields_are_all_decoded),
        cmocka_unit_test(test_tcp6_full_line_fields_are_all_decoded),
        cmocka_unit_test(test_tcp_every_status_is_reached),
        cmocka_unit_test(test_tcp_status_text_is_distinct_and_names_widths),
    };
    return cmocka_run_group_tests_name("tcp_line_table", tests, NULL, NULL);
}
