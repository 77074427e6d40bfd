/* Tests for socket_link.h: "socket:[<inode>]" link targets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "socket_link.h"
#include "test_support.h"

#define S(lit) lit, sizeof(lit) - 1 /* a literal as (buf, len), embedded NULs kept */

struct link_row {
    const char *buf;
    size_t len;
    enum lsn_link_status status;
    uint64_t inode;
};

static const struct link_row ROWS[] = {
    {S("socket:[12345]"), LSN_LINK_SOCKET, 12345},
    {S("socket:[0]"), LSN_LINK_SOCKET, 0},
    {S("socket:[1]"), LSN_LINK_SOCKET, 1},
    {S("socket:[4294967295]"), LSN_LINK_SOCKET, 4294967295u},
    {S("socket:[4294967296]"), LSN_LINK_SOCKET, 4294967296u},
    {S("socket:[18446744073709551615]"), LSN_LINK_SOCKET, UINT64_MAX},
    {S("socket:[18446744073709551616]"), LSN_LINK_INODE_OVERFLOW, 0},
    {S("socket:[18446744073709551620]"), LSN_LINK_INODE_OVERFLOW, 0},
    {S("socket:[99999999999999999999]"), LSN_LINK_INODE_OVERFLOW, 0},
    {S("socket:[100000000000000000000]"), LSN_LINK_INODE_OVERFLOW, 0},
    {S("socket:[184467440737095516150]"), LSN_LINK_INODE_OVERFLOW, 0},
    {S("pipe:[1]"), LSN_LINK_NOT_SOCKET, 0},
    {S("anon_inode:[eventfd]"), LSN_LINK_NOT_SOCKET, 0},
    {S("net:[4026531833]"), LSN_LINK_NOT_SOCKET, 0},
    {S("/tmp/socket:[1]"), LSN_LINK_NOT_SOCKET, 0},
    {S(""), LSN_LINK_NOT_SOCKET, 0},
    {S("socket:"), LSN_LINK_NOT_SOCKET, 0},
    {S("socket"), LSN_LINK_NOT_SOCKET, 0},
    {S("s"), LSN_LINK_NOT_SOCKET, 0},
    {S("Socket:[1]"), LSN_LINK_NOT_SOCKET, 0},
    {S(" socket:[1]"), LSN_LINK_NOT_SOCKET, 0},
    {S("socket:(1)"), LSN_LINK_NOT_SOCKET, 0},
    {S("socket\0:[1]"), LSN_LINK_NOT_SOCKET, 0},
    {S("socket:[]"), LSN_LINK_NO_INODE, 0},
    {S("socket:["), LSN_LINK_NO_INODE, 0},
    {S("socket:[]]"), LSN_LINK_NO_INODE, 0},
    {S("socket:[+1]"), LSN_LINK_BAD_INODE, 0},
    {S("socket:[ 1]"), LSN_LINK_BAD_INODE, 0},
    {S("socket:[-1]"), LSN_LINK_BAD_INODE, 0},
    {S("socket:[01]"), LSN_LINK_BAD_INODE, 0},
    {S("socket:[00]"), LSN_LINK_BAD_INODE, 0},
    {S("socket:[1a]"), LSN_LINK_BAD_INODE, 0},
    {S("socket:[0x1]"), LSN_LINK_BAD_INODE, 0},
    {S("socket:[1 ]"), LSN_LINK_BAD_INODE, 0},
    {S("socket:[1\0]"), LSN_LINK_BAD_INODE, 0},
    {S("socket:[12"), LSN_LINK_NO_CLOSE, 0},
    {S("socket:[1"), LSN_LINK_NO_CLOSE, 0},
    {S("socket:[1] "), LSN_LINK_TRAILING, 0},
    {S("socket:[1]x"), LSN_LINK_TRAILING, 0},
    {S("socket:[1]]"), LSN_LINK_TRAILING, 0},
    {S("socket:[1]\n"), LSN_LINK_TRAILING, 0},
    {S("socket:[1]\0"), LSN_LINK_TRAILING, 0},
    {S("socket:[12345] (deleted)"), LSN_LINK_TRAILING, 0},
};

static void check_row(const struct link_row *r, const char *buf, size_t i)
{
    uint64_t inode = 0xDEADBEEFu;
    enum lsn_link_status st = lsn_parse_socket_link(buf, r->len, &inode);
    if (st != r->status)
        fail_msg("row %zu (%zu bytes): status %d, want %d", i, r->len, (int)st, (int)r->status);
    if (inode != r->inode)
        fail_msg("row %zu: inode %" PRIu64 ", want %" PRIu64, i, inode, r->inode);
}

static void test_socket_link_table_statuses_and_inodes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++)
        check_row(&ROWS[i], ROWS[i].buf, i);
}

static void test_socket_link_table_flush_against_guard_page(void **state)
{
    (void)state;
    struct test_guard g;
    test_guard_init(&g, 256);
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        const char *p = test_guard_place(&g, ROWS[i].buf, ROWS[i].len);
        check_row(&ROWS[i], p, i);
    }
    test_guard_free(&g);
}

static void test_every_status_is_reached_and_has_distinct_text(void **state)
{
    (void)state;
    int seen[LSN_LINK_TRAILING + 1] = {0};
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++)
        seen[ROWS[i].status] = 1;
    for (int s = 0; s <= LSN_LINK_TRAILING; s++) {
        if (!seen[s])
            fail_msg("status %d is not reached by the table", s);
        const char *t = lsn_link_status_text((enum lsn_link_status)s);
        assert_non_null(t);
        assert_true(strlen(t) > 0);
        for (int o = 0; o < s; o++)
            assert_string_not_equal(t, lsn_link_status_text((enum lsn_link_status)o));
    }
}

/* Every proper prefix of a socket link is not a socket (and the parser stays inside len). */
static void test_every_prefix_of_socket_link_is_rejected(void **state)
{
    (void)state;
    static const char link[] = "socket:[18446744073709551615]";
    struct test_guard g;
    test_guard_init(&g, 64);
    for (size_t n = 0; n < sizeof link - 1; n++) {
        const char *p = test_guard_place(&g, link, n);
        uint64_t inode = 77;
        assert_int_not_equal(lsn_parse_socket_link(p, n, &inode), LSN_LINK_SOCKET);
        assert_int_equal(inode, 0);
    }
    const char *p = test_guard_place(&g, link, sizeof link - 1);
    uint64_t inode = 0;
    assert_int_equal(lsn_parse_socket_link(p, sizeof link - 1, &inode), LSN_LINK_SOCKET);
    assert_int_equal(inode, UINT64_MAX);
    test_guard_free(&g);
}

/* Every decimal 1..20 digits without a leading zero parses to its value or overflows. */
static void test_socket_link_inode_values_match_strtoull(void **state)
{
    (void)state;
    uint64_t rng = 12345;
    for (int n = 0; n < 20000; n++) {
        char digits[32];
        size_t nd = 1 + (size_t)(test_xorshift64(&rng) % 21);
        for (size_t i = 0; i < nd; i++)
            digits[i] = (char)('0' + test_xorshift64(&rng) % 10);
        if (nd > 1 && digits[0] == '0')
            digits[0] = '1';
        digits[nd] = '\0';
        char buf[64];
        memcpy(buf, "socket:[", sizeof "socket:[" - 1);
        memcpy(buf + 8, digits, nd);
        buf[8 + nd] = ']';
        uint64_t inode = 5;
        enum lsn_link_status st = lsn_parse_socket_link(buf, 9 + nd, &inode);
        /* reference: overflow if more than 20 digits, or 20 digits above UINT64_MAX */
        int overflow = nd > 20 || (nd == 20 && strcmp(digits, "18446744073709551615") > 0);
        if (overflow) {
            assert_int_equal(st, LSN_LINK_INODE_OVERFLOW);
            assert_int_equal(inode, 0);
        } else {
            assert_int_equal(st, LSN_LINK_SOCKET);
            assert_int_equal(inode, strtoull(digits, NULL, 10));
        }
    }
}

/* Real readlink targets: one per line (the .bin file is one target with a newline inside). */
struct fd_file {
    const char *name;
    int whole_file_is_one_target;
    unsigned sockets;
    unsigned others;
};

static void test_real_fd_link_targets_are_classified(void **state)
{
    (void)state;
    static const struct fd_file files[] = {
        {"real/fdlink-thismachine-6.18-readlink-targets.txt", 0, 3, 15},
        {"real/fdlink-published-unixse-10050-pipes-sockets.txt", 0, 4, 6},
        {"real/fdlink-published-nginx-and-systemd-notes.txt", 0, 13, 4},
        {"real/fdlink-published-memfd-deleted-examples.txt", 0, 0, 7},
        {"real/fdlink-thismachine-6.18-deleted-name-with-newline.bin", 1, 0, 1},
    };
    int saw_fake_socket_file = 0;
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        size_t len;
        char *data = test_read_data(files[f].name, &len);
        unsigned sockets = 0, others = 0;
        size_t pos = 0;
        while (pos < len) {
            size_t end = pos;
            if (files[f].whole_file_is_one_target)
                end = len;
            else
                while (end < len && data[end] != '\n')
                    end++;
            const char *t = data + pos;
            size_t tl = end - pos;
            uint64_t inode = 1;
            enum lsn_link_status st = lsn_parse_socket_link(t, tl, &inode);
            if (tl > 8 && memcmp(t, "socket:[", 8) == 0) {
                if (st != LSN_LINK_SOCKET)
                    fail_msg("%s: \"%.*s\" status %d", files[f].name, (int)tl, t, (int)st);
                char num[32];
                assert_true(tl - 9 < sizeof num);
                memcpy(num, t + 8, tl - 9);
                num[tl - 9] = '\0';
                assert_int_equal(inode, strtoull(num, NULL, 10));
                assert_true(inode != 0);
                sockets++;
            } else {
                if (st != LSN_LINK_NOT_SOCKET)
                    fail_msg("%s: \"%.*s\" status %d, want NOT_SOCKET", files[f].name, (int)tl, t,
                             (int)st);
                assert_int_equal(inode, 0);
                if (tl >= 14 && memcmp(t + tl - 14, "socket:[12345]", 14) == 0)
                    saw_fake_socket_file = 1;
                others++;
            }
            pos = end + 1;
        }
        print_message("%s: %u socket links, %u other targets\n", files[f].name, sockets, others);
        assert_int_equal(sockets, files[f].sockets);
        assert_int_equal(others, files[f].others);
        free(data);
    }
    assert_true(saw_fake_socket_file);
}

/* ---- namespace links: "<type>:[<inode>]" ---- */

struct ns_row {
    const char *buf;
    size_t len;
    const char *type;
    int ok;
    uint64_t inode;
};

static const struct ns_row NS_ROWS[] = {
    {S("net:[4026531833]"), "net", 1, 4026531833u},
    {S("net:[1]"), "net", 1, 1},
    {S("net:[18446744073709551615]"), "net", 1, UINT64_MAX},
    {S("mnt:[4026531841]"), "mnt", 1, 4026531841u},
    {S("net:[0]"), "net", 0, 0}, /* no namespace has inode 0 */
    {S("net:[18446744073709551616]"), "net", 0, 0},
    {S("net:[04026531833]"), "net", 0, 0},
    {S("net:[]"), "net", 0, 0},
    {S("net:["), "net", 0, 0},
    {S("net:[4026531833"), "net", 0, 0},
    {S("net:[4026531833] "), "net", 0, 0},
    {S("net:[4026531833]\n"), "net", 0, 0},
    {S("net:[4026531833]\0"), "net", 0, 0},
    {S("net:[+1]"), "net", 0, 0},
    {S("net:[-1]"), "net", 0, 0},
    {S("net:[ 1]"), "net", 0, 0},
    {S("net:[0x10]"), "net", 0, 0},
    {S("net:(1)"), "net", 0, 0},
    {S("Net:[1]"), "net", 0, 0},
    {S("netx:[1]"), "net", 0, 0},
    {S("ne:[1]"), "net", 0, 0},
    {S(" net:[1]"), "net", 0, 0},
    {S("socket:[4026531833]"), "net", 0, 0},
    {S("mnt:[4026531841]"), "net", 0, 0},
    {S("net:[4026531833]"), "mnt", 0, 0},
    {S("/run/netns/net:[1]"), "net", 0, 0},
    {S(""), "net", 0, 0},
    {S("net:[1]"), "", 0, 0}, /* an empty type never matches */
    {S("net:[1]"), "net:[1]-and-a-type-longer-than-16", 0, 0},
};

static void test_ns_link_table(void **state)
{
    (void)state;
    struct test_guard g;
    test_guard_init(&g, 256);
    for (size_t i = 0; i < sizeof NS_ROWS / sizeof NS_ROWS[0]; i++) {
        const struct ns_row *r = &NS_ROWS[i];
        const char *p = test_guard_place(&g, r->buf, r->len);
        uint64_t inode = 0xDEADBEEFu;
        int rc = lsn_parse_ns_link(p, r->len, r->type, &inode);
        if ((rc == 0) != r->ok || inode != r->inode)
            fail_msg("ns row %zu: rc %d inode %" PRIu64 ", want ok %d inode %" PRIu64, i, rc, inode,
                     r->ok, r->inode);
    }
    test_guard_free(&g);
}

/* Every proper prefix of a namespace link is rejected, inside len. */
static void test_every_prefix_of_ns_link_is_rejected(void **state)
{
    (void)state;
    static const char link[] = "net:[4026531833]";
    struct test_guard g;
    test_guard_init(&g, 64);
    for (size_t n = 0; n < sizeof link - 1; n++) {
        const char *p = test_guard_place(&g, link, n);
        uint64_t inode = 77;
        assert_int_equal(lsn_parse_ns_link(p, n, "net", &inode), -1);
        assert_int_equal(inode, 0);
    }
    test_guard_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_socket_link_table_statuses_and_inodes),
        cmocka_unit_test(test_socket_link_table_flush_against_guard_page),
        cmocka_unit_test(test_every_status_is_reached_and_has_distinct_text),
        cmocka_unit_test(test_every_prefix_of_socket_link_is_rejected),
        cmocka_unit_test(test_socket_link_inode_values_match_strtoull),
        cmocka_unit_test(test_real_fd_link_targets_are_classified),
        cmocka_unit_test(test_ns_link_table),
        cmocka_unit_test(test_every_prefix_of_ns_link_is_rejected),
    };
    return cmocka_run_group_tests_name("socket_link", tests, NULL, NULL);
}
