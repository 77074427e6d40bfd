/* sock_diag.h: every status of the record walker, the attribute walker, inet_diag_msg and
 * packet_diag_msg, and the real dumps of tests/data/real (PROVENANCE.md, section F). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sock_diag.h"
#include "test_support.h"

static int g_nl[LSN_NL_STATUS_COUNT];
static int g_nla[LSN_NLA_STATUS_COUNT];
static int g_inet[LSN_INET_DIAG_STATUS_COUNT];
static int g_pkt[LSN_PACKET_DIAG_STATUS_COUNT];
static char *g_capture;

static int teardown(void **state)
{
    (void)state;
    free(g_capture);
    g_capture = NULL;
    return 0;
}

static enum lsn_nl_status nl_next(const void *b, size_t n, size_t *off, struct lsn_nlmsg *m)
{
    size_t before = *off;
    memset(m, 0x5A, sizeof *m);
    enum lsn_nl_status st = lsn_nlmsg_next(b, n, off, m);
    assert_true((unsigned)st < (unsigned)LSN_NL_STATUS_COUNT);
    g_nl[st] = 1;
    if (st == LSN_NL_OK || st == LSN_NL_DONE || st == LSN_NL_ERROR) {
        assert_true(*off > before && *off <= n && *off % 4 == 0);
        assert_true(m->payload == (const unsigned char *)b + before + 16);
        assert_int_equal(m->payload_len + 16, m->len);
        assert_true(before + m->len <= n);
    } else {
        assert_int_equal(*off, before);
        assert_null(m->payload);
        assert_int_equal(m->len, 0);
        assert_int_equal(m->error, 0);
    }
    return st;
}

static enum lsn_inet_diag_status inet(const void *b, size_t n, struct lsn_inet_diag *d)
{
    memset(d, 0x5A, sizeof *d);
    enum lsn_inet_diag_status st = lsn_parse_inet_diag(b, n, d);
    assert_true((unsigned)st < (unsigned)LSN_INET_DIAG_STATUS_COUNT);
    g_inet[st] = 1;
    if (st != LSN_INET_DIAG_OK) {
        assert_int_equal(d->family, 0);
        assert_int_equal(d->inode, 0);
        assert_int_equal(d->cookie, 0);
    }
    return st;
}

static enum lsn_packet_diag_status pkt(const void *b, size_t n, struct lsn_packet_diag *d)
{
    memset(d, 0x5A, sizeof *d);
    enum lsn_packet_diag_status st = lsn_parse_packet_diag(b, n, d);
    assert_true((unsigned)st < (unsigned)LSN_PACKET_DIAG_STATUS_COUNT);
    g_pkt[st] = 1;
    if (st != LSN_PACKET_DIAG_OK) {
        assert_int_equal(d->family, 0);
        assert_int_equal(d->inode, 0);
        assert_int_equal(d->has_filter, 0);
    }
    return st;
}

static void put16(unsigned char *p, uint16_t v)
{
    memcpy(p, &v, 2);
}
static void put32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* A record header at p: nlmsg_len, type, flags NLM_F_MULTI, seq 1, pid 0. */
static void hdr(unsigned char *p, uint32_t len, uint16_t type)
{
    put32(p, len);
    put16(p + 4, type);
    put16(p + 6, 2);
    put32(p + 8, 1);
    put32(p + 12, 0);
}

static void test_nlmsg_walker_statuses(void **state)
{
    (void)state;
    /* 8 bytes of padding room after every record; the 4-aligned storage. */
    uint32_t store[32];
    unsigned char *b = (unsigned char *)store;
    struct lsn_nlmsg m;
    size_t off;

    memset(store, 0, sizeof store);
    hdr(b, 20, 20);
    hdr(b + 20, 20, LSN_NLMSG_DONE);
    put32(b + 36, (uint32_t)-2);
    off = 0;
    assert_int_equal(nl_next(b, 40, &off, &m), LSN_NL_OK);
    assert_int_equal(m.type, 20);
    assert_int_equal(m.flags, 2);
    assert_int_equal(m.seq, 1);
    assert_int_equal(m.payload_len, 4);
    assert_int_equal(off, 20);
    assert_int_equal(nl_next(b, 40, &off, &m), LSN_NL_DONE);
    assert_int_equal(m.error, -2);
    assert_int_equal(nl_next(b, 40, &off, &m), LSN_NL_END);

    /* NLMSG_ERROR: nlmsgerr with an echoed request header; 0 is an ACK. */
    memset(store, 0, sizeof store);
    hdr(b, 36, LSN_NLMSG_ERROR);
    put32(b + 16, (uint32_t)-22);
    off = 0;
    assert_int_equal(nl_next(b, 36, &off, &m), LSN_NL_ERROR);
    assert_int_equal(m.error, -22);
    put32(b + 16, 0);
    off = 0;
    assert_int_equal(nl_next(b, 36, &off, &m), LSN_NL_ERROR);
    assert_int_equal(m.error, 0);

    /* DONE and ERROR need their int. */
    hdr(b, 16, LSN_NLMSG_DONE);
    off = 0;
    assert_int_equal(nl_next(b, 16, &off, &m), LSN_NL_SHORT_PAYLOAD);
    hdr(b, 19, LSN_NLMSG_ERROR);
    assert_int_equal(nl_next(b, 20, &off, &m), LSN_NL_SHORT_PAYLOAD);

    /* NOOP with no payload is a record. */
    hdr(b, 16, LSN_NLMSG_NOOP);
    assert_int_equal(nl_next(b, 16, &off, &m), LSN_NL_OK);
    assert_int_equal(m.payload_len, 0);
    assert_int_equal(off, 16);

    /* lengths */
    off = 0;
    hdr(b, 15, 20);
    assert_int_equal(nl_next(b, 32, &off, &m), LSN_NL_BAD_LENGTH);
    hdr(b, 0, 20);
    assert_int_equal(nl_next(b, 32, &off, &m), LSN_NL_BAD_LENGTH);
    hdr(b, 33, 20);
    assert_int_equal(nl_next(b, 32, &off, &m), LSN_NL_TRUNCATED);
    hdr(b, UINT32_MAX, 20);
    assert_int_equal(nl_next(b, 32, &off, &m), LSN_NL_TRUNCATED);
    assert_int_equal(nl_next(b, 15, &off, &m), LSN_NL_TRUNCATED);
    assert_int_equal(nl_next(b, 0, &off, &m), LSN_NL_END);
    /* unaligned length: the pad must be in the buffer */
    hdr(b, 17, 20);
    assert_int_equal(nl_next(b, 17, &off, &m), LSN_NL_BAD_ALIGN);
    assert_int_equal(nl_next(b, 19, &off, &m), LSN_NL_BAD_ALIGN);
    assert_int_equal(nl_next(b, 20, &off, &m), LSN_NL_OK);
    assert_int_equal(off, 20);
    assert_int_equal(m.payload_len, 1);
    /* caller's offset */
    off = 2;
    assert_int_equal(nl_next(b, 32, &off, &m), LSN_NL_BAD_OFFSET);
    off = 36;
    assert_int_equal(nl_next(b, 32, &off, &m), LSN_NL_BAD_OFFSET);
}

static enum lsn_nla_status nla_next(const void *b, size_t n, size_t *off, struct lsn_nlattr *a)
{
    size_t before = *off;
    memset(a, 0x5A, sizeof *a);
    enum lsn_nla_status st = lsn_nlattr_next(b, n, off, a);
    assert_true((unsigned)st < (unsigned)LSN_NLA_STATUS_COUNT);
    g_nla[st] = 1;
    if (st == LSN_NLA_OK) {
        assert_true(*off > before && *off <= n);
        assert_true(a->payload == (const unsigned char *)b + before + 4);
        assert_true(before + 4 + a->payload_len <= n);
    } else {
        assert_int_equal(*off, before);
        assert_null(a->payload);
    }
    return st;
}

static void test_nlattr_walker_statuses(void **state)
{
    (void)state;
    uint32_t store[8];
    unsigned char *b = (unsigned char *)store;
    struct lsn_nlattr a;
    size_t off = 0;
    memset(store, 0, sizeof store);
    put16(b, 5);
    put16(b + 2, 0x8000 | 0x4000 | 8);
    put16(b + 8, 4);
    put16(b + 10, 0);
    assert_int_equal(nla_next(b, 12, &off, &a), LSN_NLA_OK);
    assert_int_equal(a.type, 8);
    assert_int_equal(a.flags, 0xC000);
    assert_int_equal(a.payload_len, 1);
    assert_int_equal(off, 8);
    assert_int_equal(nla_next(b, 12, &off, &a), LSN_NLA_OK); /* type 0 is an attribute */
    assert_int_equal(a.type, 0);
    assert_int_equal(a.payload_len, 0);
    assert_int_equal(nla_next(b, 12, &off, &a), LSN_NLA_END);
    /* the last attribute's pad may be missing */
    off = 0;
    assert_int_equal(nla_next(b, 5, &off, &a), LSN_NLA_OK);
    assert_int_equal(off, 5);
    assert_int_equal(nla_next(b, 5, &off, &a), LSN_NLA_BAD_OFFSET);
    off = 12;
    assert_int_equal(nla_next(b, 8, &off, &a), LSN_NLA_BAD_OFFSET);
    off = 0;
    assert_int_equal(nla_next(b, 4, &off, &a), LSN_NLA_TRUNCATED);
    assert_int_equal(nla_next(b, 3, &off, &a), LSN_NLA_TRUNCATED);
    put16(b, 3);
    assert_int_equal(nla_next(b, 12, &off, &a), LSN_NLA_BAD_LENGTH);
}

/* One record of tcp4: 72-byte inet_diag_msg of 127.0.0.1:53067 LISTEN then attributes. */
static unsigned char g_inet_rec[512];
static size_t g_inet_len;

static void load_first_payload(const char *rel, unsigned char *dst, size_t *dlen, size_t cap)
{
    size_t len, off = 0;
    free(g_capture);
    g_capture = test_read_sock_diag(rel, &len);
    struct lsn_nlmsg m;
    assert_int_equal(nl_next(g_capture, len, &off, &m), LSN_NL_OK);
    assert_true(m.payload_len <= cap);
    memcpy(dst, m.payload, m.payload_len);
    *dlen = m.payload_len;
    free(g_capture);
    g_capture = NULL;
}

static void test_inet_diag_statuses(void **state)
{
    (void)state;
    load_first_payload("real/sockdiag-tcp4-thismachine-6.18.44-x86_64.bin", g_inet_rec, &g_inet_len,
                       sizeof g_inet_rec);
    unsigned char b[512];
    struct lsn_inet_diag d;
    size_t n = g_inet_len;
    memcpy(b, g_inet_rec, n);
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_OK);
    assert_int_equal(d.attributes, 7);
    assert_int_equal(inet(b, 71, &d), LSN_INET_DIAG_TRUNCATED);
    assert_int_equal(inet(b, 0, &d), LSN_INET_DIAG_TRUNCATED);
    assert_int_equal(inet(b, 72, &d), LSN_INET_DIAG_OK);
    assert_int_equal(d.attributes, 0);
    assert_int_equal(inet(b, 74, &d), LSN_INET_DIAG_ATTR_TRUNCATED);
    b[0] = 1;
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_BAD_FAMILY);
    b[0] = 10;
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_OK);
    b[0] = 2;
    b[1] = 0;
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_BAD_STATE);
    b[1] = 14;
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_BAD_STATE);
    b[1] = 13;
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_OK);
    b[2] = 5;
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_BAD_TIMER);
    b[2] = 4;
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_OK);
    /* first attribute: INET_DIAG_SHUTDOWN, len 5 */
    put16(b + 72, 3);
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_ATTR_BAD_LENGTH);
    put16(b + 72, 6);
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_BAD_SHUTDOWN);
    put16(b + 72, 0xFFFF);
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_ATTR_TRUNCATED);
    put16(b + 72, 5);
    put16(b + 74, LSN_INET_DIAG_SKV6ONLY);
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_OK);
    assert_int_equal(d.has_v6only, 1);
    put16(b + 72, 4);
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_BAD_V6ONLY);
    put16(b + 72, 5);
    put16(b + 74, LSN_INET_DIAG_PROTOCOL);
    b[76] = 255;
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_OK);
    assert_int_equal(d.has_protocol, 1);
    assert_int_equal(d.protocol, 255);
    put16(b + 72, 8);
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_BAD_PROTOCOL);
    /* AF_INET words 1-3 of the addresses are ignored (3.0 left them uninitialised) */
    memcpy(b, g_inet_rec, n);
    memset(b + 12, 0xEE, 12);
    assert_int_equal(inet(b, n, &d), LSN_INET_DIAG_OK);
    static const unsigned char lo4[16] = {127, 0, 0, 1};
    assert_memory_equal(d.src, lo4, 16);
}

static void test_packet_diag_statuses(void **state)
{
    (void)state;
    unsigned char b[512];
    size_t n;
    struct lsn_packet_diag d;
    load_first_payload("real/sockdiag-packet-thismachine-6.18.44-x86_64.bin", b, &n, sizeof b);
    /* attributes: INFO (28) at 16, UID (8) at 44, MCLIST (4) at 52, MEMINFO (40) at 56,
     * FILTER (12) at 96 */
    assert_int_equal(n, 108);
    assert_int_equal(pkt(b, n, &d), LSN_PACKET_DIAG_OK);
    assert_int_equal(d.attributes, 5);
    assert_int_equal(pkt(b, 15, &d), LSN_PACKET_DIAG_TRUNCATED);
    assert_int_equal(pkt(b, 16, &d), LSN_PACKET_DIAG_OK);
    assert_int_equal(d.has_info, 0);
    assert_int_equal(pkt(b, 18, &d), LSN_PACKET_DIAG_ATTR_TRUNCATED);
    b[0] = 2;
    assert_int_equal(pkt(b, n, &d), LSN_PACKET_DIAG_BAD_FAMILY);
    b[0] = 17;
    put16(b + 16, 27);
    assert_int_equal(pkt(b, n, &d), LSN_PACKET_DIAG_BAD_INFO);
    put16(b + 16, 2);
    assert_int_equal(pkt(b, n, &d), LSN_PACKET_DIAG_ATTR_BAD_LENGTH);
    put16(b + 16, 28);
    put32(b + 20, UINT32_MAX); /* pdi_index -1 */
    assert_int_equal(pkt(b, n, &d), LSN_PACKET_DIAG_OK);
    assert_int_equal(d.ifindex, -1);
    put32(b + 20, 0x80000000u);
    assert_int_equal(pkt(b, n, &d), LSN_PACKET_DIAG_OK);
    assert_int_equal(d.ifindex, INT32_MIN);
    put16(b + 44, 7);
    assert_int_equal(pkt(b, n, &d), LSN_PACKET_DIAG_BAD_UID);
    put16(b + 44, 8);
    put16(b + 96, 11);
    assert_int_equal(pkt(b, n, &d), LSN_PACKET_DIAG_BAD_FILTER);
    put16(b + 96, 4); /* empty filter: the unprivileged form */
    assert_int_equal(pkt(b, 100, &d), LSN_PACKET_DIAG_OK);
    assert_int_equal(d.has_filter, 1);
    assert_int_equal(d.filter_insns, 0);
    /* 4097 instructions: too many (BPF_MAXINSNS 4096) */
    static uint32_t big[(16 + 4 + 4097 * 8) / 4 + 1];
    unsigned char *g = (unsigned char *)big;
    memcpy(g, b, 16);
    put16(g + 16, 4 + 4097 * 8);
    put16(g + 18, LSN_PACKET_DIAG_FILTER);
    assert_int_equal(pkt(g, 16 + 4 + 4097 * 8, &d), LSN_PACKET_DIAG_BAD_FILTER);
    put16(g + 16, 4 + 4096 * 8);
    assert_int_equal(pkt(g, 16 + 4 + 4096 * 8, &d), LSN_PACKET_DIAG_OK);
    assert_int_equal(d.filter_insns, 4096);
}

/* Walks a whole dump; returns the number of data records, checks that it ends with DONE
 * (error done_errno) then END. */
static size_t walk(const unsigned char *d, size_t len, int32_t done_errno,
                   const unsigned char **rec, size_t *rec_len, size_t cap)
{
    size_t off = 0, n = 0;
    struct lsn_nlmsg m;
    enum lsn_nl_status st;
    while ((st = nl_next(d, len, &off, &m)) == LSN_NL_OK) {
        assert_int_equal(m.type, 20); /* SOCK_DIAG_BY_FAMILY */
        assert_int_equal(m.flags, 2); /* NLM_F_MULTI */
        assert_int_equal(m.seq, 1);
        assert_true(n < cap);
        if (rec && rec_len) { /* NULL, 0: only count them */
            rec[n] = m.payload;
            rec_len[n] = m.payload_len;
        }
        n++;
    }
    assert_int_equal(st, LSN_NL_DONE);
    assert_int_equal(m.error, done_errno);
    assert_int_equal(nl_next(d, len, &off, &m), LSN_NL_END);
    return n;
}

static const unsigned char *load(const char *name, size_t *len)
{
    char rel[256];
    snprintf(rel, sizeof rel, "real/sockdiag-%s-thismachine-6.18.44-x86_64.bin", name);
    free(g_capture);
    g_capture = test_read_sock_diag(rel, len);
    return (const unsigned char *)g_capture;
}

static void test_real_inet_dumps(void **state)
{
    (void)state;
    /* The capturing process's sockets (PROVENANCE.md section F); tcp4 also shows another
     * process's listener 0.0.0.0:2024 (inode 653). */
    static const struct { // NOLINT(clang-analyzer-optin.performance.Padding): test table
        const char *name;
        size_t rec;
        uint8_t family, state;
        uint16_t sport, dport;
        unsigned char src[16], dst[16];
        uint32_t inode, wqueue;
        uint64_t cookie;
        uint8_t v6only;
    } want[] = {
        {"tcp4", 0, 2, 10, 53067, 0, {127, 0, 0, 1}, {0}, 40756011, 7, 5767, 0},
        {"tcp4", 1, 2, 10, 2024, 0, {0}, {0}, 653, 128, 1, 0},
        {"tcp6", 0, 10, 10, 46729, 0, {[15] = 1}, {0}, 40756012, 5, 5768, 2},
        {"tcp6",
         1,
         10,
         10,
         39015,
         0,
         {[10] = 0xFF, [11] = 0xFF, 127, 0, 0, 1},
         {0},
         40756013,
         3,
         5769,
         1},
        {"udp4", 0, 2, 7, 40455, 0, {127, 0, 0, 1}, {0}, 40756014, 0, 0, 0},
        {"udp6", 0, 10, 1, 60571, 9, {[15] = 1}, {[15] = 1}, 40756015, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        size_t len;
        const unsigned char *d = load(want[i].name, &len);
        const unsigned char *rec[8] = {0};
        size_t rl[8] = {0};
        size_t n = walk(d, len, 0, rec, rl, 8);
        assert_true(want[i].rec < n);
        struct lsn_inet_diag x;
        assert_int_equal(inet(rec[want[i].rec], rl[want[i].rec], &x), LSN_INET_DIAG_OK);
        assert_int_equal(x.family, want[i].family);
        assert_int_equal(x.state, want[i].state);
        assert_int_equal(x.sport, want[i].sport);
        assert_int_equal(x.dport, want[i].dport);
        assert_memory_equal(x.src, want[i].src, 16);
        assert_memory_equal(x.dst, want[i].dst, 16);
        assert_int_equal(x.inode, want[i].inode);
        assert_int_equal(x.uid, 0);
        assert_int_equal(x.has_shutdown, 1);
        assert_int_equal(x.has_protocol, 0);
        if (want[i].state == 10) {
            assert_int_equal(x.wqueue, want[i].wqueue);
            assert_int_equal(x.cookie, want[i].cookie);
        } else {
            assert_true(x.cookie != 0);
        }
        assert_int_equal(x.has_v6only, want[i].v6only != 0);
        if (want[i].v6only)
            assert_int_equal(x.v6only, want[i].v6only - 1);
        assert_int_equal(x.attributes, want[i].state == 10 ? 7 + (want[i].family == 10) : 5);
    }
    /* raw_diag is not loaded on this kernel: the dump is only NLMSG_DONE -ENOENT. */
    size_t len;
    const unsigned char *d = load("raw4", &len);
    assert_int_equal(walk(d, len, -2, NULL, NULL, 0), 0);
    d = load("raw6", &len);
    assert_int_equal(walk(d, len, -2, NULL, NULL, 0), 0);
}

static void test_real_packet_dump(void **state)
{
    (void)state;
    size_t len;
    const unsigned char *d = load("packet", &len);
    const unsigned char *rec[8] = {0};
    size_t rl[8] = {0};
    assert_int_equal(walk(d, len, 0, rec, rl, 8), 3);
    static const struct { // NOLINT(clang-analyzer-optin.performance.Padding): test table
        uint8_t type;
        uint16_t num;
        uint32_t inode;
        int32_t ifindex;
        uint8_t has_filter;
        uint32_t insns;
        uint32_t flags;
    } want[] = {
        {3, 0x0003, 40756018, 0, 1, 1, 1},
        {2, 0x0800, 40756019, 1, 1, 4, 1},
        {3, 0x0000, 40756020, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < 3; i++) {
        struct lsn_packet_diag x;
        assert_int_equal(pkt(rec[i], rl[i], &x), LSN_PACKET_DIAG_OK);
        assert_int_equal(x.family, 17);
        assert_int_equal(x.type, want[i].type);
        assert_int_equal(x.num, want[i].num);
        assert_int_equal(x.inode, want[i].inode);
        assert_true(x.cookie != 0);
        assert_int_equal(x.has_info, 1);
        assert_int_equal(x.ifindex, want[i].ifindex);
        assert_int_equal(x.info_flags, want[i].flags);
        assert_int_equal(x.version, 0);
        assert_int_equal(x.has_uid, 1);
        assert_int_equal(x.uid, 0);
        assert_int_equal(x.has_filter, want[i].has_filter);
        assert_int_equal(x.filter_insns, want[i].insns);
    }
}

/* Records split over several "datagrams" walk the same as the concatenation. */
static void test_chunked_walk_matches_whole(void **state)
{
    (void)state;
    static const char *const names[] = {"tcp4", "tcp6", "udp4", "udp6", "packet", "raw4"};
    for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
        size_t len;
        const unsigned char *d = load(names[f], &len);
        size_t starts[16], ns = 0, off = 0;
        struct lsn_nlmsg m;
        for (;;) {
            assert_true(ns < 16);
            starts[ns++] = off;
            enum lsn_nl_status st = nl_next(d, len, &off, &m);
            if (st == LSN_NL_END)
                break;
        }
        /* each record alone: one record then END */
        for (size_t r = 0; r + 1 < ns; r++) {
            size_t o = 0;
            const unsigned char *p = d + starts[r];
            size_t l = starts[r + 1] - starts[r];
            enum lsn_nl_status st = nl_next(p, l, &o, &m);
            assert_true(st == LSN_NL_OK || st == LSN_NL_DONE);
            assert_int_equal(nl_next(p, l, &o, &m), LSN_NL_END);
        }
    }
}

static void test_every_status_is_reached(void **state)
{
    (void)state;
    for (int s = 0; s < LSN_NL_STATUS_COUNT; s++)
        if (!g_nl[s])
            fail_msg("nl status %d (%s) not reached", s, lsn_nl_status_text((enum lsn_nl_status)s));
    for (int s = 0; s < LSN_NLA_STATUS_COUNT; s++)
        if (!g_nla[s])
            fail_msg("nla status %d (%s) not reached", s,
                     lsn_nla_status_text((enum lsn_nla_status)s));
    for (int s = 0; s < LSN_INET_DIAG_STATUS_COUNT; s++)
        if (!g_inet[s])
            fail_msg("inet_diag status %d (%s) not reached", s,
                     lsn_inet_diag_status_text((enum lsn_inet_diag_status)s));
    for (int s = 0; s < LSN_PACKET_DIAG_STATUS_COUNT; s++)
        if (!g_pkt[s])
            fail_msg("packet_diag status %d (%s) not reached", s,
                     lsn_packet_diag_status_text((enum lsn_packet_diag_status)s));
}

#define CHECK_TEXTS(count, fn, type)                                                               \
    do {                                                                                           \
        for (int s = 0; s < (count); s++) {                                                        \
            const char *t = fn((type)s);                                                           \
            assert_non_null(t);                                                                    \
            assert_string_not_equal(t, "unknown status");                                          \
            for (int o = 0; o < s; o++)                                                            \
                assert_string_not_equal(t, fn((type)o));                                           \
        }                                                                                          \
        assert_string_equal(fn((type)(count)), "unknown status");                                  \
    } while (0)

static void test_status_texts_are_distinct(void **state)
{
    (void)state;
    CHECK_TEXTS(LSN_NL_STATUS_COUNT, lsn_nl_status_text, enum lsn_nl_status);
    CHECK_TEXTS(LSN_NLA_STATUS_COUNT, lsn_nla_status_text, enum lsn_nla_status);
    CHECK_TEXTS(LSN_INET_DIAG_STATUS_COUNT, lsn_inet_diag_status_text, enum lsn_inet_diag_status);
    CHECK_TEXTS(LSN_PACKET_DIAG_STATUS_COUNT, lsn_packet_diag_status_text,
                enum lsn_packet_diag_status);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nlmsg_walker_statuses),
        cmocka_unit_test(test_nlattr_walker_statuses),
        cmocka_unit_test(test_inet_diag_statuses),
        cmocka_unit_test(test_packet_diag_statuses),
        cmocka_unit_test(test_real_inet_dumps),
        cmocka_unit_test(test_real_packet_dump),
        cmocka_unit_test(test_chunked_walk_matches_whole),
        cmocka_unit_test(test_every_status_is_reached),
        cmocka_unit_test(test_status_texts_are_distinct),
    };
    return cmocka_run_group_tests_name("sock_diag", tests, NULL, teardown);
}
