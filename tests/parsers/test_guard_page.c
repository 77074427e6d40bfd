/* Every parser input placed flush against a PROT_NONE page: a read past len faults (and
 * cmocka reports the signal as a failure). Every proper prefix of a valid input is rejected. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgram_line.h"
#include "hex_address.h"
#include "json_string.h"
#include "line_splitter.h"
#include "packet_line.h"
#include "sock_diag.h"
#include "socket_link.h"
#include "tcp_line.h"
#include "test_support.h"

struct capture {
    const char *name;
    enum lsn_family family;
    enum lsn_byte_order order;
    unsigned max_lines; /* 0: all */
};

static const struct capture CAPTURES[] = {
    {"tcp-rhel5-2.6.18-128.el5-x86_64-webpage-procdump.txt", LSN_FAMILY_IPV4, LSN_ORDER_LITTLE, 0},
    {"tcp6-rhel5-2.6.18-128.el5-x86_64-webpage-procdump.txt", LSN_FAMILY_IPV6, LSN_ORDER_LITTLE, 0},
    {"tcp-android-emulator-goldfish-2.6.29-32bit-arc-image.txt", LSN_FAMILY_IPV4, LSN_ORDER_LITTLE,
     0},
    {"tcp6-android-emulator-goldfish-2.6.29-32bit-arc-image.txt", LSN_FAMILY_IPV6, LSN_ORDER_LITTLE,
     0},
    {"tcp-bigendian-mips32-comtrend-router-busybox-2015.txt", LSN_FAMILY_IPV4, LSN_ORDER_BIG, 0},
    {"tcp-line-sparc64-bigendian-2.6-era-psutil-issue201.txt", LSN_FAMILY_IPV4, LSN_ORDER_BIG, 0},
    {"tcp-line-x86_64-2.6-era-psutil-issue201.txt", LSN_FAMILY_IPV4, LSN_ORDER_LITTLE, 0},
    {"tcp-line-kernel-doc-example-joined-reconstructed-32bit.txt", LSN_FAMILY_IPV4,
     LSN_ORDER_LITTLE, 0},
    {"tcp-x86_64-2015-synrecv-under-listener-hidden-ptr-procfs-pr20.txt", LSN_FAMILY_IPV4,
     LSN_ORDER_LITTLE, 0},
    {"tcp-arm64-ffffffc-ptr-nuvlaedge-test-a.txt", LSN_FAMILY_IPV4, LSN_ORDER_LITTLE, 0},
    {"tcp-arm64-ffffffc-ptr-nuvlaedge-test-b.txt", LSN_FAMILY_IPV4, LSN_ORDER_LITTLE, 0},
    {"tcp-procfs-fixture-x86_64-sshd-listen-padded-edited.txt", LSN_FAMILY_IPV4, LSN_ORDER_LITTLE,
     0},
    {"tcp-jc-fixture-x86_64-listen-closewait-timewait-finwait1.txt", LSN_FAMILY_IPV4,
     LSN_ORDER_LITTLE, 0},
    {"tcp6-jc-fixture-x86_64-global-v6-timewait.txt", LSN_FAMILY_IPV6, LSN_ORDER_LITTLE, 0},
    {"tcp-x86_64-4.15plus-hashed-ptr-HZ300-ctf-writeup-leading-ws-stripped.txt", LSN_FAMILY_IPV4,
     LSN_ORDER_LITTLE, 0},
    {"tcp-android-arm64-app-uid-10093-owasp-mastg-excerpt.txt", LSN_FAMILY_IPV4, LSN_ORDER_LITTLE,
     0},
    {"tcp-ubuntu-2020-x86_64-kptr-hidden-nctu-hw1.txt", LSN_FAMILY_IPV4, LSN_ORDER_LITTLE, 0},
    {"tcp6-ubuntu-2020-x86_64-kptr-hidden-nctu-hw1.txt", LSN_FAMILY_IPV6, LSN_ORDER_LITTLE, 0},
    {"tcp6-k8s-istio-ambient-pod-mapped-keepalive-grep-excerpt.txt", LSN_FAMILY_IPV6,
     LSN_ORDER_LITTLE, 0},
    {"tcp-x86_64-5.8dev-hashed-ptr-lkml-bpf-iter.txt", LSN_FAMILY_IPV4, LSN_ORDER_LITTLE, 0},
    {"tcp6-x86_64-5.8dev-hashed-ptr-listen-tmwhen1-lkml-bpf-iter.txt", LSN_FAMILY_IPV6,
     LSN_ORDER_LITTLE, 0},
    {"tcp-thismachine-6.18.44-x86_64-excerpt-all-states.txt", LSN_FAMILY_IPV4, LSN_ORDER_LITTLE, 0},
    {"tcp6-thismachine-6.18.44-x86_64-excerpt-all-states.txt", LSN_FAMILY_IPV6, LSN_ORDER_LITTLE,
     0},
    {"tcp-thismachine-6.18.44-x86_64-full.txt", LSN_FAMILY_IPV4, LSN_ORDER_LITTLE, 200},
    {"tcp6-thismachine-6.18.44-x86_64-full.txt", LSN_FAMILY_IPV6, LSN_ORDER_LITTLE, 200},
};

/* The capture being read; freed by the group teardown too, so a failing assertion (which
 * longjmps out of the test) leaks nothing. */
static char *g_capture;

static int teardown(void **state)
{
    (void)state;
    free(g_capture);
    g_capture = NULL;
    return 0;
}

/* headers: 0 checks the data lines, 1 the header lines. */
static void prefixes_of_real_lines(int headers)
{
    struct test_guard g;
    test_guard_init(&g, LSN_TCP_LINE_MAX + 1);
    unsigned long lines = 0, prefixes = 0;
    for (size_t c = 0; c < sizeof CAPTURES / sizeof CAPTURES[0]; c++) {
        const struct capture *cap = &CAPTURES[c];
        char rel[256];
        snprintf(rel, sizeof rel, "real/%s", cap->name);
        size_t len;
        free(g_capture);
        char *d = g_capture = test_read_data(rel, &len);
        unsigned n = 0;
        for (size_t pos = 0; pos < len && (cap->max_lines == 0 || n < cap->max_lines); n++) {
            const char *nl = memchr(d + pos, '\n', len - pos);
            assert_non_null(nl); /* every capture here ends with '\n' */
            size_t ll = (size_t)(nl - (d + pos)) + 1;
            struct lsn_tcp_line l;
            const char *p = test_guard_place(&g, d + pos, ll);
            enum lsn_tcp_status full = lsn_parse_tcp_line(p, ll, cap->family, cap->order, &l);
            if (full != LSN_TCP_OK && full != LSN_TCP_HEADER)
                fail_msg("%s line %u: %s", cap->name, n + 1,
                         lsn_tcp_status_text(full, cap->family));
            if ((full == LSN_TCP_HEADER) != headers) {
                pos += ll;
                continue;
            }
            for (size_t k = 0; k < ll; k++) {
                p = test_guard_place(&g, d + pos, k);
                enum lsn_tcp_status st = lsn_parse_tcp_line(p, k, cap->family, cap->order, &l);
                if (st != LSN_TCP_TRUNCATED)
                    fail_msg("%s line %u cut to %zu of %zu bytes: %d (%s), want TRUNCATED",
                             cap->name, n + 1, k, ll, (int)st,
                             lsn_tcp_status_text(st, cap->family));
                prefixes++;
            }
            lines++;
            pos += ll;
        }
        free(d);
        g_capture = NULL;
    }
    print_message("%lu real %s lines, %lu proper prefixes checked at the guard page\n", lines,
                  headers ? "header" : "data", prefixes);
    assert_true(lines > 0);
    test_guard_free(&g);
}

static void test_every_prefix_of_real_data_lines_is_truncated_at_guard_page(void **state)
{
    (void)state;
    prefixes_of_real_lines(0);
}

/* A header cut before its '\n' is TRUNCATED too: "Running out of input before the '\n' is
 * LSN_TCP_TRUNCATED" (tcp_line.h). */
static void test_every_prefix_of_real_header_lines_is_truncated_at_guard_page(void **state)
{
    (void)state;
    prefixes_of_real_lines(1);
}

/* The udp/raw and packet captures: every line placed at the guard page whole (OK or HEADER)
 * and cut to each proper prefix (TRUNCATED). kind: 4/6 dgram, 'p' packet. */
static const struct {
    const char *name;
    int kind;
    enum lsn_byte_order order;
} DGRAM_CAPTURES[] = {
    {"udp-bigendian-mips32-comtrend-router-busybox-2015.txt", 4, LSN_ORDER_BIG},
    {"udp-rhel5-2.6.18-128.el5-x86_64-webpage-procdump.txt", 4, LSN_ORDER_LITTLE},
    {"udp-android-emulator-goldfish-2.6.29-32bit-arc-image.txt", 4, LSN_ORDER_LITTLE},
    {"udp-thismachine-6.18.44-x86_64-full.txt", 4, LSN_ORDER_LITTLE},
    {"udp-ubuntu-2020-x86_64-kptr-hidden-nctu-hw1.txt", 4, LSN_ORDER_LITTLE},
    {"udp-x86_64-5.8dev-hashed-ptr-lkml-bpf-iter.txt", 4, LSN_ORDER_LITTLE},
    {"udp6-android-emulator-goldfish-2.6.29-32bit-arc-image.txt", 6, LSN_ORDER_LITTLE},
    {"udp6-procfs-fixture-x86_64-hashed-ptr-fe80.txt", 6, LSN_ORDER_LITTLE},
    {"udp6-rhel5-2.6.18-128.el5-x86_64-webpage-procdump.txt", 6, LSN_ORDER_LITTLE},
    {"udp6-thismachine-6.18.44-x86_64-full.txt", 6, LSN_ORDER_LITTLE},
    {"udp6-ubuntu-2020-x86_64-kptr-hidden-nctu-hw1.txt", 6, LSN_ORDER_LITTLE},
    {"udp6-x86_64-5.8dev-hashed-ptr-fe80-lkml-bpf-iter.txt", 6, LSN_ORDER_LITTLE},
    {"raw-thismachine-6.18.44-x86_64-full.txt", 4, LSN_ORDER_LITTLE},
    {"raw6-thismachine-6.18.44-x86_64-full.txt", 6, LSN_ORDER_LITTLE},
    {"packet-thismachine-6.18.44-x86_64-full.txt", 'p', LSN_ORDER_HOST},
};

/* 0 OK, 1 HEADER, 2 TRUNCATED, 3 anything else. */
static int parse_kind(int kind, enum lsn_byte_order order, const char *p, size_t n)
{
    if (kind == 'p') {
        struct lsn_packet_line l;
        enum lsn_packet_status st = lsn_parse_packet_line(p, n, &l);
        return st == LSN_PACKET_OK          ? 0
               : st == LSN_PACKET_HEADER    ? 1
               : st == LSN_PACKET_TRUNCATED ? 2
                                            : 3;
    }
    struct lsn_dgram_line l;
    enum lsn_family f = kind == 6 ? LSN_FAMILY_IPV6 : LSN_FAMILY_IPV4;
    enum lsn_dgram_status st = lsn_parse_dgram_line(p, n, f, order, &l);
    return st == LSN_DGRAM_OK ? 0 : st == LSN_DGRAM_HEADER ? 1 : st == LSN_DGRAM_TRUNCATED ? 2 : 3;
}

static void test_every_prefix_of_real_udp_raw_packet_lines_is_truncated_at_guard_page(void **state)
{
    (void)state;
    struct test_guard g;
    test_guard_init(&g, LSN_TCP_LINE_MAX + 1);
    unsigned long lines = 0, prefixes = 0;
    for (size_t c = 0; c < sizeof DGRAM_CAPTURES / sizeof DGRAM_CAPTURES[0]; c++) {
        char rel[256];
        snprintf(rel, sizeof rel, "real/%s", DGRAM_CAPTURES[c].name);
        size_t len;
        free(g_capture);
        char *d = g_capture = test_read_data(rel, &len);
        for (size_t pos = 0; pos < len;) {
            const char *nl = memchr(d + pos, '\n', len - pos);
            assert_non_null(nl);
            size_t ll = (size_t)(nl - (d + pos)) + 1;
            const char *p = test_guard_place(&g, d + pos, ll);
            int k = DGRAM_CAPTURES[c].kind;
            if (parse_kind(k, DGRAM_CAPTURES[c].order, p, ll) > 1)
                fail_msg("%s: line at %zu is not OK or HEADER", DGRAM_CAPTURES[c].name, pos);
            for (size_t cut = 0; cut < ll; cut++) {
                p = test_guard_place(&g, d + pos, cut);
                if (parse_kind(k, DGRAM_CAPTURES[c].order, p, cut) != 2)
                    fail_msg("%s: line at %zu cut to %zu of %zu is not TRUNCATED",
                             DGRAM_CAPTURES[c].name, pos, cut, ll);
                prefixes++;
            }
            lines++;
            pos += ll;
        }
        free(d);
        g_capture = NULL;
    }
    print_message("%lu real udp/raw/packet lines, %lu proper prefixes at the guard page\n", lines,
                  prefixes);
    test_guard_free(&g);
}

/* A LISTEN line cut anywhere and given its '\n' back is never OK: it has fewer than 17 tokens
 * (12 tokens of a LISTEN line are MISSING_TAIL) or a shortened last token. */
static void test_line_cut_inside_a_field_and_newline_added_is_not_the_same_line(void **state)
{
    (void)state;
    const char *s = "   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000   "
                    "  0        0 12345 1 0000000000000000 100 0 0 10 0\n";
    size_t ll = strlen(s);
    struct test_guard g;
    test_guard_init(&g, 512);
    char buf[512];
    for (size_t k = 1; k + 1 < ll; k++) {
        memcpy(buf, s, k);
        buf[k] = '\n';
        const char *p = test_guard_place(&g, buf, k + 1);
        struct lsn_tcp_line l;
        enum lsn_tcp_status st =
            lsn_parse_tcp_line(p, k + 1, LSN_FAMILY_IPV4, LSN_ORDER_LITTLE, &l);
        if (st == LSN_TCP_OK)
            fail_msg("cut at %zu accepted", k);
    }
    test_guard_free(&g);
}

static void test_hex_inputs_and_prefixes_at_guard_page(void **state)
{
    (void)state;
    static const char *const v4[] = {"0100007F", "7f000001", "FFFFFFFF"};
    static const char *const v6[] = {"0000000000000000FFFF00000100007F",
                                     "00000000000000000000000001000000"};
    static const char *const ports[] = {"0016", "ffff"};
    struct test_guard g;
    test_guard_init(&g, 64);
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(v4[i]);
        uint8_t a[4];
        for (size_t k = 0; k <= n; k++) {
            const char *p = test_guard_place(&g, v4[i], k);
            for (int o = LSN_ORDER_HOST; o <= LSN_ORDER_BIG; o++)
                assert_int_equal(lsn_hex_ipv4(p, k, (enum lsn_byte_order)o, a),
                                 k == n ? LSN_HEX_OK : LSN_HEX_BAD_LENGTH);
        }
    }
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(v6[i]);
        uint8_t a[16];
        for (size_t k = 0; k <= n; k++) {
            const char *p = test_guard_place(&g, v6[i], k);
            for (int o = LSN_ORDER_HOST; o <= LSN_ORDER_BIG; o++)
                assert_int_equal(lsn_hex_ipv6(p, k, (enum lsn_byte_order)o, a),
                                 k == n ? LSN_HEX_OK : LSN_HEX_BAD_LENGTH);
        }
    }
    for (size_t i = 0; i < 2; i++) {
        uint16_t port;
        for (size_t k = 0; k <= 4; k++) {
            const char *p = test_guard_place(&g, ports[i], k);
            assert_int_equal(lsn_hex_port(p, k, &port), k == 4 ? LSN_HEX_OK : LSN_HEX_BAD_LENGTH);
        }
    }
    test_guard_free(&g);
}

static void test_socket_links_and_prefixes_at_guard_page(void **state)
{
    (void)state;
    static const char *const links[] = {"socket:[12345]",
                                        "socket:[0]",
                                        "socket:[18446744073709551615]",
                                        "socket:[18446744073709551616]",
                                        "pipe:[1]",
                                        "socket:[01]",
                                        "socket:[1]x"};
    static const enum lsn_link_status want[] = {
        LSN_LINK_SOCKET,     LSN_LINK_SOCKET,    LSN_LINK_SOCKET,  LSN_LINK_INODE_OVERFLOW,
        LSN_LINK_NOT_SOCKET, LSN_LINK_BAD_INODE, LSN_LINK_TRAILING};
    struct test_guard g;
    test_guard_init(&g, 64);
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        size_t n = strlen(links[i]);
        for (size_t k = 0; k <= n; k++) {
            const char *p = test_guard_place(&g, links[i], k);
            uint64_t inode = 3;
            enum lsn_link_status st = lsn_parse_socket_link(p, k, &inode);
            if (k == n)
                assert_int_equal(st, want[i]);
            else if (want[i] == LSN_LINK_SOCKET) /* a prefix of a socket link is none */
                assert_int_not_equal(st, LSN_LINK_SOCKET);
            if (st != LSN_LINK_SOCKET)
                assert_int_equal(inode, 0);
        }
    }
    test_guard_free(&g);
}

/* Inputs whose last bytes are an incomplete UTF-8 sequence, a lone lead byte or an escape:
 * the writers must look ahead only within len. */
static void test_json_and_terminal_inputs_at_guard_page(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *json;
    } rows[] = {
        {"abc", "\"abc\""},
        {"\xE2\x82", "\"\xEF\xBF\xBD\""},
        {"a\xF0\x9F\x98", "\"a\xEF\xBF\xBD\""},
        {"\xF0\x9F\x98\x80", "\"\xF0\x9F\x98\x80\""},
        {"\xC3", "\"\xEF\xBF\xBD\""},
        {"\xED", "\"\xEF\xBF\xBD\""},
        {"\xF4\x8F\xBF", "\"\xEF\xBF\xBD\""},
        {"x\\", "\"x\\\\\""},
        {"\"", "\"\\\"\""},
        {"\n", "\"\\n\""},
        {"", "\"\""},
    };
    struct test_guard g;
    test_guard_init(&g, 64);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t n = strlen(rows[i].in);
        const char *p = test_guard_place(&g, rows[i].in, n);
        char out[64];
        size_t ol = 99;
        assert_int_equal(lsn_json_string(p, n, out, sizeof out, &ol), LSN_JSON_OK);
        assert_string_equal(out, rows[i].json);
        assert_int_equal(ol, strlen(rows[i].json));
        char tt[64];
        assert_int_equal(lsn_terminal_text(p, n, tt, sizeof tt, &ol), LSN_JSON_OK);
        assert_int_equal(ol, strlen(tt));
        /* every prefix too */
        for (size_t k = 0; k < n; k++) {
            p = test_guard_place(&g, rows[i].in, k);
            assert_int_equal(lsn_json_string(p, k, out, sizeof out, &ol), LSN_JSON_OK);
            assert_int_equal(lsn_terminal_text(p, k, tt, sizeof tt, &ol), LSN_JSON_OK);
        }
    }
    test_guard_free(&g);
}

/* The splitter fed chunks that end at the guard page (a line wholly inside a chunk is returned
 * without a copy, so the parser then reads it in place). */
static void test_splitter_chunks_at_guard_page(void **state)
{
    (void)state;
    const char *in = "  sl  local\n   0: a\nlast";
    size_t n = strlen(in);
    struct test_guard g;
    test_guard_init(&g, 64);
    for (size_t chunk = 1; chunk <= n; chunk++) {
        char buf[16];
        struct lsn_splitter s;
        lsn_splitter_init(&s, buf, sizeof buf);
        char got[64];
        size_t gl = 0;
        unsigned lines = 0;
        for (size_t pos = 0; pos < n; pos += chunk) {
            size_t c = n - pos < chunk ? n - pos : chunk;
            const char *p = test_guard_place(&g, in + pos, c);
            lsn_splitter_feed(&s, p, c);
            const char *line;
            size_t len;
            enum lsn_split_status st;
            while ((st = lsn_splitter_next(&s, &line, &len)) != LSN_SPLIT_NEED_MORE) {
                assert_int_equal(st, LSN_SPLIT_LINE);
                memcpy(got + gl, line, len);
                gl += len;
                lines++;
            }
        }
        lsn_splitter_finish(&s);
        const char *line;
        size_t len;
        enum lsn_split_status st;
        while ((st = lsn_splitter_next(&s, &line, &len)) != LSN_SPLIT_END) {
            assert_int_equal(st, LSN_SPLIT_LAST_LINE);
            memcpy(got + gl, line, len);
            gl += len;
            lines++;
        }
        assert_int_equal(lines, 3);
        assert_int_equal(gl, n);
        assert_memory_equal(got, in, n);
    }
    test_guard_free(&g);
}

/* The real sock_diag dumps (PROVENANCE.md section F): every prefix of each dump walked at the
 * guard page, every record's payload parsed, and every prefix of every payload parsed there
 * too. A prefix ends the walk at END exactly when it ends on a record boundary, else at
 * TRUNCATED or BAD_ALIGN; the whole dump ends DONE then END. */
static void test_every_prefix_of_real_sock_diag_dumps_at_guard_page(void **state)
{
    (void)state;
    static const char *const kinds[] = {"tcp4", "tcp6", "udp4", "udp6", "raw4", "raw6", "packet"};
    struct test_guard g, g2;
    test_guard_init(&g, 4096);
    test_guard_init(&g2, 4096);
    unsigned long prefixes = 0, payloads = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        char rel[256];
        snprintf(rel, sizeof rel, "real/sockdiag-%s-thismachine-6.18.44-x86_64.bin", kinds[k]);
        size_t len;
        free(g_capture);
        char *d = g_capture = test_read_sock_diag(rel, &len);
        int packet = kinds[k][0] == 'p';
        for (size_t cut = 0; cut <= len; cut++) {
            const unsigned char *p = (const unsigned char *)test_guard_place(&g, d, cut);
            size_t off = 0;
            int done = 0;
            struct lsn_nlmsg m;
            enum lsn_nl_status st;
            while ((st = lsn_nlmsg_next(p, cut, &off, &m)) == LSN_NL_OK || st == LSN_NL_DONE) {
                assert_true(off <= cut);
                assert_false(done);
                done = st == LSN_NL_DONE;
                if (st == LSN_NL_DONE)
                    continue;
                if (packet) {
                    struct lsn_packet_diag x;
                    assert_int_equal(lsn_parse_packet_diag(m.payload, m.payload_len, &x),
                                     LSN_PACKET_DIAG_OK);
                } else {
                    struct lsn_inet_diag x;
                    assert_int_equal(lsn_parse_inet_diag(m.payload, m.payload_len, &x),
                                     LSN_INET_DIAG_OK);
                }
                if (cut != len)
                    continue;
                for (size_t pc = 0; pc <= m.payload_len; pc++) {
                    const void *q = test_guard_place(&g2, m.payload, pc);
                    if (packet) {
                        struct lsn_packet_diag x;
                        enum lsn_packet_diag_status ps = lsn_parse_packet_diag(q, pc, &x);
                        assert_true(ps == LSN_PACKET_DIAG_OK || ps == LSN_PACKET_DIAG_TRUNCATED ||
                                    ps == LSN_PACKET_DIAG_ATTR_TRUNCATED);
                    } else {
                        struct lsn_inet_diag x;
                        enum lsn_inet_diag_status is = lsn_parse_inet_diag(q, pc, &x);
                        assert_true(is == LSN_INET_DIAG_OK || is == LSN_INET_DIAG_TRUNCATED ||
                                    is == LSN_INET_DIAG_ATTR_TRUNCATED);
                    }
                    payloads++;
                }
            }
            if (cut == len) {
                assert_int_equal(st, LSN_NL_END);
                assert_true(done);
            } else if (st == LSN_NL_END) {
                assert_int_equal(off, cut); /* a record boundary */
            } else if (st != LSN_NL_TRUNCATED && st != LSN_NL_BAD_ALIGN) {
                fail_msg("%s cut to %zu: status %d (%s)", kinds[k], cut, (int)st,
                         lsn_nl_status_text(st));
            }
            prefixes++;
        }
        free(d);
        g_capture = NULL;
    }
    print_message("%lu sock_diag dump prefixes, %lu payload prefixes at the guard page\n", prefixes,
                  payloads);
    test_guard_free(&g2);
    test_guard_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_prefix_of_real_data_lines_is_truncated_at_guard_page),
        cmocka_unit_test(test_every_prefix_of_real_header_lines_is_truncated_at_guard_page),
        cmocka_unit_test(test_every_prefix_of_real_udp_raw_packet_lines_is_truncated_at_guard_page),
        cmocka_unit_test(test_line_cut_inside_a_field_and_newline_added_is_not_the_same_line),
        cmocka_unit_test(test_hex_inputs_and_prefixes_at_guard_page),
        cmocka_unit_test(test_socket_links_and_prefixes_at_guard_page),
        cmocka_unit_test(test_json_and_terminal_inputs_at_guard_page),
        cmocka_unit_test(test_splitter_chunks_at_guard_page),
        cmocka_unit_test(test_every_prefix_of_real_sock_diag_dumps_at_guard_page),
    };
    return cmocka_run_group_tests_name("guard_page", tests, NULL, teardown);
}
