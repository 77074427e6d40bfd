/* packet_line.h: every status from a token table, the header variants, and the real
 * /proc/net/packet capture of tests/data/real (see PROVENANCE.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet_line.h"
#include "test_support.h"

static int g_seen[LSN_PACKET_STATUS_COUNT];

static enum lsn_packet_status parse_checked(const char *s, size_t n, struct lsn_packet_line *l)
{
    memset(l, 0x5A, sizeof *l);
    enum lsn_packet_status st = lsn_parse_packet_line(s, n, l);
    assert_true((unsigned)st < (unsigned)LSN_PACKET_STATUS_COUNT);
    g_seen[st] = 1;
    if (st != LSN_PACKET_OK) {
        assert_null(l->pointer);
        assert_int_equal(l->inode, 0);
        assert_int_equal(l->protocol, 0);
    }
    return st;
}

/* The 9 tokens of "%pK %-6d %-4d %04x   %-5d %1d %-6u %-6u %-6lu\n". */
static const char *const BASE[9] = {"000000009c767f1e", "3", "3", "0003", "0", "1", "0", "0",
                                    "33686471"};

static void test_packet_token_table_gives_each_field_its_status(void **state)
{
    (void)state;
    static const struct { // NOLINT(clang-analyzer-optin.performance.Padding): test table
        size_t ntok;
        int idx;
        const char *text;
        enum lsn_packet_status want;
    } rows[] = {
        {9, -1, NULL, LSN_PACKET_OK},
        {8, -1, NULL, LSN_PACKET_MISSING},
        {2, -1, NULL, LSN_PACKET_MISSING},
        {1, -1, NULL, LSN_PACKET_MISSING},
        {9, 0, "9c767f1e", LSN_PACKET_OK},
        {9, 0, "(ptrval)", LSN_PACKET_OK},
        {9, 0, "pK-error", LSN_PACKET_OK},
        {9, 0, "9c767f1", LSN_PACKET_BAD_POINTER},
        {9, 0, "sl", LSN_PACKET_BAD_POINTER},
        {9, 1, "2147483648", LSN_PACKET_BAD_REFCNT},
        {9, 1, "-1", LSN_PACKET_OK},
        {9, 2, "65536", LSN_PACKET_BAD_TYPE},
        {9, 2, "-3", LSN_PACKET_BAD_TYPE},
        {9, 2, "10", LSN_PACKET_OK},
        {9, 3, "86dd", LSN_PACKET_OK},
        {9, 3, "86DD", LSN_PACKET_OK},
        {9, 3, "003", LSN_PACKET_BAD_PROTOCOL},
        {9, 3, "0x03", LSN_PACKET_BAD_PROTOCOL},
        {9, 4, "-1", LSN_PACKET_OK},
        {9, 4, "2147483648", LSN_PACKET_BAD_IFINDEX},
        {9, 5, "2", LSN_PACKET_BAD_RUNNING},
        {9, 5, "01", LSN_PACKET_BAD_RUNNING},
        {9, 6, "4294967296", LSN_PACKET_BAD_RMEM},
        {9, 7, "-2", LSN_PACKET_BAD_UID},
        {9, 7, "4294967295", LSN_PACKET_OK},
        {9, 8, "18446744073709551616", LSN_PACKET_BAD_INODE},
        {9, 8, "1 2", LSN_PACKET_TRAILING},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char buf[256];
        size_t n = 0;
        for (size_t k = 0; k < rows[i].ntok; k++) {
            const char *tok = (int)k == rows[i].idx ? rows[i].text : BASE[k];
            size_t l = strlen(tok);
            if (k > 0)
                buf[n++] = ' ';
            memcpy(buf + n, tok, l);
            n += l;
        }
        buf[n++] = '\n';
        buf[n] = '\0';
        struct lsn_packet_line l;
        enum lsn_packet_status st = parse_checked(buf, n, &l);
        if (st != rows[i].want)
            fail_msg("row %zu \"%.*s\": %d (%s), want %d", i, (int)n - 1, buf, (int)st,
                     lsn_packet_status_text(st), (int)rows[i].want);
    }
}

static void test_packet_whole_lines_and_headers(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        enum lsn_packet_status want;
    } rows[] = {
        /* 3.0 to 5.4; 5.15+ 64-bit; 5.15+ 32-bit */
        {"sk       RefCnt Type Proto  Iface R Rmem   User   Inode\n", LSN_PACKET_HEADER},
        {"sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n", LSN_PACKET_HEADER},
        {"sk       RefCnt Type Proto  Iface R Rmem   User   Inode\nx", LSN_PACKET_TRAILING},
        {"sk       RefCnt Type Pro", LSN_PACKET_TRUNCATED},
        {"sk       ", LSN_PACKET_TRUNCATED},
        {"sk       RefCnt Type\n", LSN_PACKET_BAD_POINTER},
        {"sk       refcnt\n", LSN_PACKET_BAD_POINTER},
        {"sk\n", LSN_PACKET_BAD_POINTER},
        {"   \n", LSN_PACKET_BLANK},
        {"", LSN_PACKET_TRUNCATED},
        /* a 5-digit inode leaves trailing spaces ("%-6lu") */
        {"ffff88003d3af000 3      3    0003   2     1 0      0      12345 \n", LSN_PACKET_OK},
        {"ffff88003d3af000 3      3    0003   2     1 0      0      12345", LSN_PACKET_TRUNCATED},
        {"ffff88003d3af000 3      3    0003   2     1 0      0      12345 \n\n",
         LSN_PACKET_TRAILING},
        {"ffff88003d3af000 3      3    0003   2     1 0      0      12345\r\n",
         LSN_PACKET_CR}, /* the cause, not "Inode" */
        {"ffff88003d3af000\t3      3    0003   2     1 0      0      12345 \n", LSN_PACKET_TAB},
        {"ffff88003d3af000 3 3 0003 2 1 0 0\t12345\n", LSN_PACKET_TAB},
        {"\r\n", LSN_PACKET_CR},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct lsn_packet_line l;
        enum lsn_packet_status st = parse_checked(rows[i].s, strlen(rows[i].s), &l);
        if (st != rows[i].want)
            fail_msg("row %zu: %d (%s), want %d", i, (int)st, lsn_packet_status_text(st),
                     (int)rows[i].want);
    }
    static char big[LSN_PACKET_LINE_MAX + 1];
    const char *line = "ffff88003d3af000 3 3 0003 2 1 0 0 12345";
    memset(big, ' ', sizeof big);
    for (size_t i = 0; line[i] != '\0'; i++)
        big[i] = line[i];
    big[LSN_PACKET_LINE_MAX - 1] = '\n';
    struct lsn_packet_line l;
    assert_int_equal(parse_checked(big, LSN_PACKET_LINE_MAX, &l), LSN_PACKET_OK);
    big[LSN_PACKET_LINE_MAX - 1] = ' ';
    big[LSN_PACKET_LINE_MAX] = '\n';
    assert_int_equal(parse_checked(big, LSN_PACKET_LINE_MAX + 1, &l), LSN_PACKET_TOO_LONG);
}

static char *g_capture;

static int teardown(void **state)
{
    (void)state;
    free(g_capture);
    g_capture = NULL;
    return 0;
}

/* The sockets the capturing process opened (PROVENANCE.md, section E). */
static void test_real_capture_fields(void **state)
{
    (void)state;
    static const struct { // NOLINT(clang-analyzer-optin.performance.Padding): test table
        uint64_t inode;
        int32_t refcnt;
        uint32_t type;
        uint16_t proto;
        int32_t ifindex;
        uint8_t running;
    } want[] = {
        {33686471, 3, 3, 0x0003, 0, 1}, {33686472, 3, 2, 0x0800, 0, 1},
        {33686473, 3, 3, 0x0003, 1, 1}, {33686474, 2, 3, 0x0000, 0, 0},
        {33686475, 3, 3, 0x0300, 0, 1},
    };
    size_t len;
    const char *d = g_capture =
        test_read_data("real/packet-thismachine-6.18.44-x86_64-full.txt", &len);
    size_t pos = 0, n = 0;
    while (pos < len) {
        const char *nl = memchr(d + pos, '\n', len - pos);
        assert_non_null(nl);
        size_t ll = (size_t)(nl - (d + pos)) + 1;
        struct lsn_packet_line l;
        enum lsn_packet_status st = parse_checked(d + pos, ll, &l);
        if (n == 0) {
            assert_int_equal(st, LSN_PACKET_HEADER);
        } else {
            assert_int_equal(st, LSN_PACKET_OK);
            assert_true(n <= 5);
            assert_int_equal(l.inode, want[n - 1].inode);
            assert_int_equal(l.refcnt, want[n - 1].refcnt);
            assert_int_equal(l.type, want[n - 1].type);
            assert_int_equal(l.protocol, want[n - 1].proto);
            assert_int_equal(l.ifindex, want[n - 1].ifindex);
            assert_int_equal(l.running, want[n - 1].running);
            assert_int_equal(l.rmem, 0);
            assert_int_equal(l.uid, 0);
            assert_int_equal(l.pointer_len, 16);
            assert_ptr_equal(l.pointer, d + pos);
        }
        pos += ll;
        n++;
    }
    assert_int_equal(n, 6);
}

static void test_packet_every_status_is_reached(void **state)
{
    (void)state;
    for (int s = 0; s < LSN_PACKET_STATUS_COUNT; s++)
        if (!g_seen[s])
            fail_msg("status %d (%s) was not reached by any test input", s,
                     lsn_packet_status_text((enum lsn_packet_status)s));
}

static void test_packet_status_text_is_distinct(void **state)
{
    (void)state;
    for (int s = 0; s < LSN_PACKET_STATUS_COUNT; s++) {
        const char *t = lsn_packet_status_text((enum lsn_packet_status)s);
        assert_non_null(t);
        assert_string_not_equal(t, "unknown status");
        for (int o = 0; o < s; o++)
            assert_string_not_equal(t, lsn_packet_status_text((enum lsn_packet_status)o));
    }
    assert_string_equal(lsn_packet_status_text(LSN_PACKET_STATUS_COUNT), "unknown status");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packet_token_table_gives_each_field_its_status),
        cmocka_unit_test(test_packet_whole_lines_and_headers),
        cmocka_unit_test(test_real_capture_fields),
        cmocka_unit_test(test_packet_every_status_is_reached),
        cmocka_unit_test(test_packet_status_text_is_distinct),
    };
    return cmocka_run_group_tests_name("packet_line", tests, NULL, teardown);
}
