/* dgram_line.h: every status from a token table, the 12- and 13-token forms, and the real
 * udp, udp6, raw and raw6 captures of tests/data/real (see PROVENANCE.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgram_line.h"
#include "test_support.h"

#define V4 LSN_FAMILY_IPV4
#define V6 LSN_FAMILY_IPV6
#define LE LSN_ORDER_LITTLE
#define BE LSN_ORDER_BIG

/* The 13 tokens of a raw line of this machine (raw-thismachine-6.18.44-x86_64-full.txt). */
static const char *const BASE4[13] = {"122:",
                                      "0100007F:0011",
                                      "0200007F:0000",
                                      "01",
                                      "00000000:00000000",
                                      "00:00000000",
                                      "00000000",
                                      "0",
                                      "0",
                                      "33686468",
                                      "2",
                                      "00000000ee0c4f5f",
                                      "0"};
static const char *const LOCAL6 = "00000000000000000000000001000000:003A";
static const char *const REMOTE6 = "00000000000000000000000000000000:0000";

static int g_seen[LSN_DGRAM_STATUS_COUNT];

struct row { // NOLINT(clang-analyzer-optin.performance.Padding): a test table, fields in reading
             // order
    enum lsn_family family;
    size_t ntok;      /* tokens of BASE4 kept (13: all) */
    int idx;          /* token replaced, or -1 */
    const char *text; /* its replacement */
    enum lsn_dgram_status want;
};

static size_t build(char *dst, size_t cap, const struct row *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ntok; i++) {
        const char *tok = BASE4[i];
        if (r->family == V6 && i == 1)
            tok = LOCAL6;
        if (r->family == V6 && i == 2)
            tok = REMOTE6;
        if ((int)i == r->idx)
            tok = r->text;
        size_t l = strlen(tok);
        assert_true(n + l + 3 < cap);
        if (i > 0)
            dst[n++] = ' ';
        memcpy(dst + n, tok, l);
        n += l;
    }
    dst[n++] = '\n';
    dst[n] = '\0';
    return n;
}

static enum lsn_dgram_status parse_checked(const char *s, size_t n, enum lsn_family f,
                                           enum lsn_byte_order o, struct lsn_dgram_line *l)
{
    memset(l, 0x5A, sizeof *l);
    enum lsn_dgram_status st = lsn_parse_dgram_line(s, n, f, o, l);
    assert_true((unsigned)st < (unsigned)LSN_DGRAM_STATUS_COUNT);
    g_seen[st] = 1;
    if (st != LSN_DGRAM_OK) {
        assert_null(l->pointer);
        assert_int_equal(l->inode, 0);
        assert_int_equal(l->has_tail, 0);
    }
    return st;
}

static void test_dgram_token_table_gives_each_field_its_status(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {V4, 13, -1, NULL, LSN_DGRAM_OK},
        {V6, 13, -1, NULL, LSN_DGRAM_OK},
        {V4, 12, -1, NULL, LSN_DGRAM_OK}, /* 2.6.18: no drops */
        {V6, 12, -1, NULL, LSN_DGRAM_OK},
        {V4, 11, -1, NULL, LSN_DGRAM_MISSING_TAIL},
        {V4, 10, -1, NULL, LSN_DGRAM_MISSING_TAIL},
        {V6, 10, -1, NULL, LSN_DGRAM_MISSING_TAIL},
        {V4, 9, -1, NULL, LSN_DGRAM_BAD_INODE},
        {V4, 1, -1, NULL, LSN_DGRAM_BAD_LOCAL_ADDRESS},
        {V4, 13, 0, "122", LSN_DGRAM_BAD_SL},
        {V4, 13, 0, "4294967296:", LSN_DGRAM_BAD_SL},
        {V4, 13, 0, "4294967295:", LSN_DGRAM_OK},
        {V4, 13, 1, "0100007F0:0011", LSN_DGRAM_BAD_LOCAL_ADDRESS},
        {V6, 13, 1, "0100007F:0011", LSN_DGRAM_BAD_LOCAL_ADDRESS},
        {V4, 13, 1, "0100007F:011", LSN_DGRAM_BAD_LOCAL_PORT},
        {V4, 13, 2, "0200007G:0000", LSN_DGRAM_BAD_REMOTE_ADDRESS},
        {V4, 13, 2, "0200007F:000x", LSN_DGRAM_BAD_REMOTE_PORT},
        {V4, 13, 3, "7", LSN_DGRAM_BAD_STATE},
        {V4, 13, 4, "0000000:00000000", LSN_DGRAM_BAD_TX_QUEUE},
        {V4, 13, 4, "00000000:0000000", LSN_DGRAM_BAD_RX_QUEUE},
        {V4, 13, 5, "0:00000000", LSN_DGRAM_BAD_TIMER},
        {V4, 13, 5, "00:0000000", LSN_DGRAM_BAD_WHEN},
        {V4, 13, 5, "00:FFFFFFFFFFFFFFFF", LSN_DGRAM_OK},
        {V4, 13, 6, "0000000", LSN_DGRAM_BAD_RETRANSMITS},
        {V4, 13, 7, "-2", LSN_DGRAM_OK},
        {V4, 13, 7, "4294967296", LSN_DGRAM_BAD_UID},
        {V4, 13, 8, "2147483648", LSN_DGRAM_BAD_TIMEOUT},
        {V4, 13, 9, "18446744073709551616", LSN_DGRAM_BAD_INODE},
        {V4, 13, 10, "x", LSN_DGRAM_BAD_REF},
        {V4, 13, 11, "00000000ee0c4f5", LSN_DGRAM_BAD_POINTER},
        {V4, 13, 11, "(____ptrval____)", LSN_DGRAM_OK},
        {V4, 13, 11, "828ab960", LSN_DGRAM_OK},
        {V4, 13, 12, "-1", LSN_DGRAM_OK},
        {V4, 13, 12, "4294967296", LSN_DGRAM_BAD_DROPS},
        {V4, 13, 12, "0 0", LSN_DGRAM_TRAILING},
    };
    char buf[512];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t n = build(buf, sizeof buf, &rows[i]);
        struct lsn_dgram_line l;
        enum lsn_dgram_status st = parse_checked(buf, n, rows[i].family, LE, &l);
        if (st != rows[i].want)
            fail_msg("row %zu \"%.*s\": %d (%s), want %d", i, (int)n - 1, buf, (int)st,
                     lsn_dgram_status_text(st, rows[i].family), (int)rows[i].want);
    }
}

static void test_dgram_whole_line_statuses(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t extra; /* bytes after strlen (an embedded NUL) */
        enum lsn_dgram_status want;
    } rows[] = {
        {"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
         "timeout inode ref pointer drops\n",
         0, LSN_DGRAM_HEADER},
        {"  sl  local_address rem_address\nx", 0, LSN_DGRAM_TRAILING},
        {"  sl  local_addr", 0, LSN_DGRAM_TRUNCATED},
        {"  sl  remote\n", 0, LSN_DGRAM_BAD_SL},
        {"  sl  local\n", 0, LSN_DGRAM_BAD_SL},
        {"     \n", 0, LSN_DGRAM_BLANK},
        {"\n", 0, LSN_DGRAM_BLANK},
        {"", 0, LSN_DGRAM_TRUNCATED},
        {"  122: 0100007F:0011", 0, LSN_DGRAM_TRUNCATED},
        {"  122: 0100007F:0011 0200007F:0000 01 00000000:00000000 00:00000000 00000000     0 "
         "       0 33686468 2 00000000ee0c4f5f 0\n\n",
         0, LSN_DGRAM_TRAILING},
        {"  122: 0100007F:0011 0200007F:0000 01 00000000:00000000 00:00000000 00000000     0 "
         "       0 33686468 2 00000000ee0c4f5f 0        \n",
         0, LSN_DGRAM_OK},
        {"  122: 0100007F:0011 0200007F:0000 01 00000000:00000000 00:00000000 00000000     0 "
         "       0 33686468 2 00000000ee0c4f5f 0",
         0, LSN_DGRAM_TRUNCATED},
        {"  122: 0100007F:0011 0200007F:0000 01 00000000:00000000 00:00000000 00000000     0 "
         "       0 33686468 2 00000000ee0c4f5f ",
         0, LSN_DGRAM_TRUNCATED},
        {"  122: 0100007F:0011 0200007F:0000 01 00000000:00000000 00:00000000 00000000     0 "
         "       0 33686468 2 00000000ee0c4f5f 0\r\n",
         0, LSN_DGRAM_CR}, /* the cause, not "drops" */
        {"  122: 0100007F:0011 0200007F:0000 01 00000000:00000000 00:00000000 00000000     0 "
         "       0 33686468 2 00000000ee0c4f5f\r\n",
         0, LSN_DGRAM_CR}, /* 12 tokens: not "pointer" */
        {"  122:\t0100007F:0011 0200007F:0000 01 00000000:00000000 00:00000000 00000000     0 "
         "       0 33686468 2 00000000ee0c4f5f 0\n",
         0, LSN_DGRAM_TAB},
        {"\t\n", 0, LSN_DGRAM_TAB},
        {"\r\n", 0, LSN_DGRAM_CR},
        {"  122: 0100007F:0011 0200007F:0000 01 00000000:00000000 00:00000000 00000000     0 "
         "       0 3368",
         2, LSN_DGRAM_BAD_INODE},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct lsn_dgram_line l;
        size_t n = strlen(rows[i].s) + rows[i].extra;
        char buf[512];
        memcpy(buf, rows[i].s, n - rows[i].extra);
        if (rows[i].extra) /* "3368\0" "8 2 ...": a NUL inside the inode, then more */
            buf[n - rows[i].extra] = '\0', buf[n - rows[i].extra + 1] = ' ';
        if (rows[i].extra) {
            const char rest[] = "8 2 00000000ee0c4f5f 0\n";
            memcpy(buf + n, rest, sizeof rest - 1);
            n += sizeof rest - 1;
        }
        enum lsn_dgram_status st = parse_checked(buf, n, V4, LE, &l);
        if (st != rows[i].want)
            fail_msg("row %zu: %d (%s), want %d", i, (int)st, lsn_dgram_status_text(st, V4),
                     (int)rows[i].want);
    }
    /* TOO_LONG only above LSN_TCP_LINE_MAX: a padded line of exactly the maximum is OK. */
    static char big[LSN_TCP_LINE_MAX + 2];
    const char *line = "  122: 0100007F:0011 0200007F:0000 01 00000000:00000000 00:00000000 "
                       "00000000     0        0 33686468 2 00000000ee0c4f5f 0";
    memset(big, ' ', sizeof big);
    for (size_t i = 0; line[i] != '\0'; i++)
        big[i] = line[i];
    big[LSN_TCP_LINE_MAX - 1] = '\n';
    struct lsn_dgram_line l;
    assert_int_equal(parse_checked(big, LSN_TCP_LINE_MAX, V4, LE, &l), LSN_DGRAM_OK);
    big[LSN_TCP_LINE_MAX - 1] = ' ';
    big[LSN_TCP_LINE_MAX] = '\n';
    assert_int_equal(parse_checked(big, LSN_TCP_LINE_MAX + 1, V4, LE, &l), LSN_DGRAM_TOO_LONG);
}

static void test_dgram_fields_are_all_decoded(void **state)
{
    (void)state;
    const char *s = "  156: 00000000000000000000000001000000:003A 00000000000000000000000001000000:"
                    "0000 01 00000001:00000680 00:00000000 00000000 -2        0 33686470 2 "
                    "00000000f77b468a -1\n";
    struct lsn_dgram_line l;
    assert_int_equal(parse_checked(s, strlen(s), V6, LE, &l), LSN_DGRAM_OK);
    const uint8_t lo6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    assert_int_equal(l.sl, 156);
    assert_memory_equal(l.local_address, lo6, 16);
    assert_memory_equal(l.remote_address, lo6, 16);
    assert_int_equal(l.local_port, 58); /* IPPROTO_ICMPV6 */
    assert_int_equal(l.remote_port, 0);
    assert_int_equal(l.state, LSN_DGRAM_CONNECTED);
    assert_int_equal(l.tx_queue, 1);
    assert_int_equal(l.rx_queue, 0x680);
    assert_int_equal(l.uid, 4294967294u);
    assert_int_equal(l.inode, 33686470);
    assert_int_equal(l.ref, 2);
    assert_int_equal(l.has_tail, 1);
    assert_int_equal(l.drops, 4294967295u);
    assert_int_equal(l.pointer_len, 16);
    assert_memory_equal(l.pointer, "00000000f77b468a", 16);
    assert_ptr_equal(l.pointer, strstr(s, "00000000f77b468a"));
    /* Big-endian order: the mips router's 192.168.1.1:137, 12 tokens. */
    const char *be = "   9: C0A80101:0089 00000000:0000 07 00000000:00000000 00:00000000 00000000"
                     "     0        0 863 2 828ab960\n";
    assert_int_equal(parse_checked(be, strlen(be), V4, BE, &l), LSN_DGRAM_OK);
    const uint8_t a[4] = {192, 168, 1, 1};
    assert_memory_equal(l.local_address, a, 4);
    assert_int_equal(l.local_port, 137);
    assert_int_equal(l.state, LSN_DGRAM_UNCONNECTED);
    assert_int_equal(l.has_tail, 0);
    assert_int_equal(l.drops, 0);
    assert_int_equal(l.ref, 2);
    assert_int_equal(l.pointer_len, 8);
}

struct capture {
    const char *name;
    enum lsn_family family;
    enum lsn_byte_order order;
    unsigned data_lines;
    unsigned tail_lines; /* of them, 13-token lines */
};

static const struct capture CAPTURES[] = {
    {"udp-android-emulator-goldfish-2.6.29-32bit-arc-image.txt", V4, LE, 0, 0},
    {"udp-bigendian-mips32-comtrend-router-busybox-2015.txt", V4, BE, 17, 17},
    {"udp-rhel5-2.6.18-128.el5-x86_64-webpage-procdump.txt", V4, LE, 14, 0},
    {"udp-thismachine-6.18.44-x86_64-full.txt", V4, LE, 2, 2},
    {"udp-ubuntu-2020-x86_64-kptr-hidden-nctu-hw1.txt", V4, LE, 12, 12},
    {"udp-x86_64-5.8dev-hashed-ptr-lkml-bpf-iter.txt", V4, LE, 1, 1},
    {"udp6-android-emulator-goldfish-2.6.29-32bit-arc-image.txt", V6, LE, 0, 0},
    {"udp6-procfs-fixture-x86_64-hashed-ptr-fe80.txt", V6, LE, 2, 2},
    {"udp6-rhel5-2.6.18-128.el5-x86_64-webpage-procdump.txt", V6, LE, 3, 0},
    {"udp6-thismachine-6.18.44-x86_64-full.txt", V6, LE, 3, 3},
    {"udp6-ubuntu-2020-x86_64-kptr-hidden-nctu-hw1.txt", V6, LE, 3, 3},
    {"udp6-x86_64-5.8dev-hashed-ptr-fe80-lkml-bpf-iter.txt", V6, LE, 1, 1},
    {"raw-thismachine-6.18.44-x86_64-full.txt", V4, LE, 3, 3},
    {"raw6-thismachine-6.18.44-x86_64-full.txt", V6, LE, 2, 2},
};

static char *g_capture;

static int teardown(void **state)
{
    (void)state;
    free(g_capture);
    g_capture = NULL;
    return 0;
}

static void test_every_real_line_parses_ok_or_header(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof CAPTURES / sizeof CAPTURES[0]; c++) {
        const struct capture *cap = &CAPTURES[c];
        char rel[256];
        snprintf(rel, sizeof rel, "real/%s", cap->name);
        size_t len;
        free(g_capture);
        const char *d = g_capture = test_read_data(rel, &len);
        unsigned data = 0, tails = 0, headers = 0, n = 0;
        for (size_t pos = 0; pos < len; n++) {
            const char *nl = memchr(d + pos, '\n', len - pos);
            assert_non_null(nl);
            size_t ll = (size_t)(nl - (d + pos)) + 1;
            struct lsn_dgram_line l;
            enum lsn_dgram_status st = parse_checked(d + pos, ll, cap->family, cap->order, &l);
            if (st == LSN_DGRAM_HEADER)
                headers++;
            else if (st == LSN_DGRAM_OK) {
                data++;
                tails += l.has_tail ? 1u : 0u;
                assert_true(l.state == LSN_DGRAM_CONNECTED || l.state == LSN_DGRAM_UNCONNECTED);
                assert_non_null(l.pointer);
                assert_true(l.inode > 0);
            } else
                fail_msg("%s line %u: %s", cap->name, n + 1,
                         lsn_dgram_status_text(st, cap->family));
            pos += ll;
        }
        assert_int_equal(headers, 1);
        if (data != cap->data_lines || tails != cap->tail_lines)
            fail_msg("%s: %u data lines (%u with drops), want %u (%u)", cap->name, data, tails,
                     cap->data_lines, cap->tail_lines);
    }
}

/* The raw sockets of the capture: protocol numbers in the local port column (MANIFEST in
 * tests/data/real/PROVENANCE.md). */
static void test_raw_capture_protocols_and_states(void **state)
{
    (void)state;
    size_t len;
    free(g_capture);
    const char *d = g_capture =
        test_read_data("real/raw-thismachine-6.18.44-x86_64-full.txt", &len);
    static const struct {
        uint64_t inode;
        uint16_t proto;
        uint8_t st;
    } want[] = {{33686467, 255, 0x07}, {33686466, 1, 0x07}, {33686468, 17, 0x01}};
    const char *p = (const char *)memchr(d, '\n', len) + 1; /* after the header */
    for (size_t i = 0; i < 3; i++) {
        const char *nl = memchr(p, '\n', (size_t)(d + len - p));
        struct lsn_dgram_line l;
        assert_int_equal(parse_checked(p, (size_t)(nl - p) + 1, V4, LE, &l), LSN_DGRAM_OK);
        assert_int_equal(l.inode, want[i].inode);
        assert_int_equal(l.local_port, want[i].proto);
        assert_int_equal(l.state, want[i].st);
        p = nl + 1;
    }
}

static void test_dgram_every_status_is_reached(void **state)
{
    (void)state;
    for (int s = 0; s < LSN_DGRAM_STATUS_COUNT; s++)
        if (!g_seen[s])
            fail_msg("status %d (%s) was not reached by any test input", s,
                     lsn_dgram_status_text((enum lsn_dgram_status)s, V4));
}

static void test_dgram_status_text_is_distinct_and_names_widths(void **state)
{
    (void)state;
    for (int fam = V4; fam <= V6; fam++)
        for (int s = 0; s < LSN_DGRAM_STATUS_COUNT; s++) {
            const char *t = lsn_dgram_status_text((enum lsn_dgram_status)s, (enum lsn_family)fam);
            assert_non_null(t);
            assert_true(strlen(t) > 0);
            assert_string_not_equal(t, "unknown status");
            for (int o = 0; o < s; o++)
                assert_string_not_equal(
                    t, lsn_dgram_status_text((enum lsn_dgram_status)o, (enum lsn_family)fam));
        }
    assert_non_null(strstr(lsn_dgram_status_text(LSN_DGRAM_BAD_LOCAL_ADDRESS, V4), " 8 "));
    assert_non_null(strstr(lsn_dgram_status_text(LSN_DGRAM_BAD_REMOTE_ADDRESS, V6), "32"));
    assert_string_equal(lsn_dgram_status_text(LSN_DGRAM_STATUS_COUNT, V4), "unknown status");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dgram_token_table_gives_each_field_its_status),
        cmocka_unit_test(test_dgram_whole_line_statuses),
        cmocka_unit_test(test_dgram_fields_are_all_decoded),
        cmocka_unit_test(test_every_real_line_parses_ok_or_header),
        cmocka_unit_test(test_raw_capture_protocols_and_states),
        cmocka_unit_test(test_dgram_every_status_is_reached),
        cmocka_unit_test(test_dgram_status_text_is_distinct_and_names_widths),
    };
    return cmocka_run_group_tests_name("dgram_line", tests, NULL, teardown);
}
