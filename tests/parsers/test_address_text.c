/* Tests for address_text.h: dotted IPv4 and RFC 5952 IPv6 text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "address_text.h"
#include "test_support.h"

/* Runs lsn_ipv6_text into a buffer with a sentinel tail and checks the NUL and text_len. */
static void ipv6_text(const uint8_t a[16], char out[LSN_IPV6_TEXT_SIZE])
{
    char buf[LSN_IPV6_TEXT_SIZE + 8];
    memset(buf, '#', sizeof buf);
    size_t len = 999;
    assert_int_equal(lsn_ipv6_text(a, buf, LSN_IPV6_TEXT_SIZE, &len), LSN_TEXT_OK);
    assert_true(len < LSN_IPV6_TEXT_SIZE);
    assert_int_equal(buf[len], '\0');
    assert_int_equal(strlen(buf), len);
    for (size_t i = LSN_IPV6_TEXT_SIZE; i < sizeof buf; i++)
        assert_int_equal(buf[i], '#');
    memcpy(out, buf, LSN_IPV6_TEXT_SIZE);
}

static void groups_to_bytes(const uint16_t g[8], uint8_t a[16])
{
    for (size_t i = 0; i < 8; i++) {
        a[2 * i] = (uint8_t)(g[i] >> 8);
        a[2 * i + 1] = (uint8_t)(g[i] & 0xFF);
    }
}

struct v6_case {
    uint16_t g[8];
    const char *text;
};

/* Each expected value worked out by hand from RFC 5952 section 4 and the contract. */
static const struct v6_case V6_CASES[] = {
    {{0, 0, 0, 0, 0, 0, 0, 0}, "::"},
    {{0, 0, 0, 0, 0, 0, 0, 1}, "::1"},
    {{1, 0, 0, 0, 0, 0, 0, 0}, "1::"},
    {{0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}, "2001:db8::1"},
    /* ties: the first of two equal runs is compressed */
    {{1, 0, 0, 2, 0, 0, 3, 4}, "1::2:0:0:3:4"},
    {{0, 0, 0, 1, 0, 0, 0, 1}, "::1:0:0:0:1"},
    {{1, 0, 0, 0, 1, 0, 0, 0}, "1::1:0:0:0"},
    {{0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}, "2001:db8::1:0:0:1"},
    /* a later, longer run beats an earlier one */
    {{0x2001, 0, 0, 1, 0, 0, 0, 1}, "2001:0:0:1::1"},
    {{0, 0, 1, 0, 0, 0, 1, 1}, "0:0:1::1:1"},
    {{1, 0, 1, 0, 0, 1, 0, 0}, "1:0:1::1:0:0"},
    /* a single zero group is never compressed */
    {{0x2001, 0xdb8, 0, 1, 1, 1, 1, 1}, "2001:db8:0:1:1:1:1:1"},
    {{0, 1, 2, 3, 4, 5, 6, 7}, "0:1:2:3:4:5:6:7"},
    {{1, 2, 3, 4, 5, 6, 7, 0}, "1:2:3:4:5:6:7:0"},
    {{1, 0, 2, 0, 3, 0, 4, 0}, "1:0:2:0:3:0:4:0"},
    /* runs at the edges */
    {{1, 2, 3, 4, 5, 6, 0, 0}, "1:2:3:4:5:6::"},
    {{0, 0, 1, 2, 3, 4, 5, 6}, "::1:2:3:4:5:6"},
    {{1, 2, 3, 0, 0, 0, 0, 0}, "1:2:3::"},
    /* no leading zeros, lower case */
    {{0x2001, 0x0db8, 0x000a, 0x00b0, 0x0c00, 0xd000, 0x00ef, 0x0001},
     "2001:db8:a:b0:c00:d000:ef:1"},
    {{0xABCD, 0xEF01, 0x2345, 0x6789, 0xABCD, 0xEF01, 0x2345, 0x6789},
     "abcd:ef01:2345:6789:abcd:ef01:2345:6789"},
    {{0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff},
     "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    {{0xfe80, 0, 0, 0, 0xffad, 0xe156, 0x967c, 0xfe00}, "fe80::ffad:e156:967c:fe00"},
    {{0x2601, 0x646, 0x9e01, 0xf100, 0, 0, 0, 0x3a4c}, "2601:646:9e01:f100::3a4c"},
    /* IPv4-mapped ::ffff:0:0/96: the only dotted form */
    {{0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001}, "::ffff:10.0.0.1"},
    {{0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001}, "::ffff:127.0.0.1"},
    {{0, 0, 0, 0, 0, 0xffff, 0, 0}, "::ffff:0.0.0.0"},
    {{0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff}, "::ffff:255.255.255.255"},
    {{0, 0, 0, 0, 0, 0xffff, 0xac1f, 0x0194}, "::ffff:172.31.1.148"},
    /* IPv4-compatible (deprecated) and other near misses stay hex */
    {{0, 0, 0, 0, 0, 0, 0x7f00, 0x0001}, "::7f00:1"},
    {{0, 0, 0, 0, 0, 0, 0x0102, 0x0304}, "::102:304"},
    {{0, 0, 0, 0, 0, 0, 0, 0x0100}, "::100"},
    {{0, 0, 0, 0, 0, 0, 0xffff, 0x0001}, "::ffff:1"},       /* ffff in group 6: not mapped */
    {{0, 0, 0, 0, 0xffff, 0, 0, 1}, "::ffff:0:0:1"},        /* ffff in group 4 */
    {{0, 0, 0, 0, 0xffff, 0, 0x0a00, 1}, "::ffff:0:a00:1"}, /* SIIT ::ffff:0:0:0/96 */
    {{0, 0, 0, 0, 0, 0xfffe, 0x0a00, 1}, "::fffe:a00:1"},
    {{0, 0, 0, 0, 1, 0xffff, 0x0a00, 1}, "::1:ffff:a00:1"},
    {{1, 0, 0, 0, 0, 0xffff, 0x0a00, 1}, "1::ffff:a00:1"},
    {{0, 0, 0, 0, 0, 0xffff, 0, 1}, "::ffff:0.0.0.1"}, /* mapped 0.0.0.1 */
    {{0x64, 0xff9b, 0, 0, 0, 0, 0x0102, 0x0304}, "64:ff9b::102:304"},
    {{0x2002, 0x0102, 0x0304, 0, 0, 0, 0, 1}, "2002:102:304::1"},
};

static void test_ipv6_text_matches_rfc5952_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof V6_CASES / sizeof V6_CASES[0]; i++) {
        uint8_t a[16];
        groups_to_bytes(V6_CASES[i].g, a);
        char out[LSN_IPV6_TEXT_SIZE];
        ipv6_text(a, out);
        if (strcmp(out, V6_CASES[i].text) != 0)
            fail_msg("row %zu: got \"%s\", want \"%s\"", i, out, V6_CASES[i].text);
    }
}

static void test_ipv6_text_compresses_first_of_equal_zero_runs(void **state)
{
    (void)state;
    const uint16_t g[8] = {1, 0, 0, 2, 0, 0, 3, 4};
    uint8_t a[16];
    groups_to_bytes(g, a);
    char out[LSN_IPV6_TEXT_SIZE];
    ipv6_text(a, out);
    assert_string_equal(out, "1::2:0:0:3:4");
}

static void test_ipv6_text_keeps_compatible_address_in_hex(void **state)
{
    (void)state;
    const uint8_t a[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 127, 0, 0, 1};
    char out[LSN_IPV6_TEXT_SIZE];
    ipv6_text(a, out);
    assert_string_equal(out, "::7f00:1");
}

static void test_ipv4_text_is_dotted_decimal(void **state)
{
    (void)state;
    static const struct {
        uint8_t a[4];
        const char *text;
    } rows[] = {
        {{0, 0, 0, 0}, "0.0.0.0"},           {{255, 255, 255, 255}, "255.255.255.255"},
        {{127, 0, 0, 1}, "127.0.0.1"},       {{10, 0, 0, 1}, "10.0.0.1"},
        {{192, 168, 1, 1}, "192.168.1.1"},   {{100, 20, 3, 0}, "100.20.3.0"},
        {{1, 10, 100, 200}, "1.10.100.200"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char buf[LSN_IPV4_TEXT_SIZE + 4];
        memset(buf, '#', sizeof buf);
        size_t len = 999;
        assert_int_equal(lsn_ipv4_text(rows[i].a, buf, LSN_IPV4_TEXT_SIZE, &len), LSN_TEXT_OK);
        assert_string_equal(buf, rows[i].text);
        assert_int_equal(len, strlen(rows[i].text));
        for (size_t k = LSN_IPV4_TEXT_SIZE; k < sizeof buf; k++)
            assert_int_equal(buf[k], '#');
        /* text_len may be NULL */
        char b2[LSN_IPV4_TEXT_SIZE];
        assert_int_equal(lsn_ipv4_text(rows[i].a, b2, sizeof b2, NULL), LSN_TEXT_OK);
        assert_string_equal(b2, rows[i].text);
    }
}

/* cap = strlen(text) + 1 is OK, one less is NO_SPACE: only dst[0] = '\0' is written. */
static void check_cap_boundary(int v6, const uint8_t *a, const char *want)
{
    size_t need = strlen(want) + 1;
    char buf[64];
    size_t len;
    for (size_t cap = 0; cap < need; cap++) {
        memset(buf, '#', sizeof buf);
        len = 999;
        enum lsn_text_status st =
            v6 ? lsn_ipv6_text(a, buf, cap, &len) : lsn_ipv4_text(a, buf, cap, &len);
        if (st != LSN_TEXT_NO_SPACE)
            fail_msg("%s with cap %zu: status %d, want NO_SPACE", want, cap, (int)st);
        assert_int_equal(len, 0);
        if (cap > 0)
            assert_int_equal(buf[0], '\0');
        else
            assert_int_equal(buf[0], '#');
        for (size_t i = 1; i < sizeof buf; i++)
            if (buf[i] != '#')
                fail_msg("%s with cap %zu: byte %zu written on NO_SPACE", want, cap, i);
    }
    memset(buf, '#', sizeof buf);
    len = 999;
    enum lsn_text_status st =
        v6 ? lsn_ipv6_text(a, buf, need, &len) : lsn_ipv4_text(a, buf, need, &len);
    assert_int_equal(st, LSN_TEXT_OK);
    assert_string_equal(buf, want);
    assert_int_equal(len, need - 1);
    for (size_t i = need; i < sizeof buf; i++)
        assert_int_equal(buf[i], '#');
}

static void test_text_no_space_when_cap_is_one_short_and_ok_at_exact_size(void **state)
{
    (void)state;
    const uint8_t v4a[4] = {255, 255, 255, 255};
    check_cap_boundary(0, v4a, "255.255.255.255");
    const uint8_t v4b[4] = {0, 0, 0, 0};
    check_cap_boundary(0, v4b, "0.0.0.0");
    for (size_t i = 0; i < sizeof V6_CASES / sizeof V6_CASES[0]; i++) {
        uint8_t a[16];
        groups_to_bytes(V6_CASES[i].g, a);
        check_cap_boundary(1, a, V6_CASES[i].text);
    }
}

/* Reference for the first-96-bits-zero forms glibc prints dotted: "::" then hex. */
static int first_96_bits_zero(const uint8_t a[16])
{
    for (int i = 0; i < 12; i++)
        if (a[i] != 0)
            return 0;
    return 1;
}

static void random_address(uint64_t *rng, uint8_t a[16])
{
    uint64_t kind = test_xorshift64(rng) % 16;
    uint16_t g[8];
    for (int i = 0; i < 8; i++) {
        uint64_t r = test_xorshift64(rng);
        switch (r % 8) {
        case 0:
        case 1:
        case 2:
        case 3: g[i] = 0; break;
        case 4: g[i] = (uint16_t)((r >> 8) & 0xF); break;
        case 5: g[i] = (uint16_t)((r >> 8) & 0xFF); break;
        case 6: g[i] = (uint16_t)((r >> 8) & 0xFFF); break;
        default: g[i] = (uint16_t)(r >> 16); break;
        }
    }
    if (kind == 0) { /* mapped */
        g[0] = g[1] = g[2] = g[3] = g[4] = 0;
        g[5] = 0xffff;
    } else if (kind == 1) { /* first 96 bits zero */
        g[0] = g[1] = g[2] = g[3] = g[4] = g[5] = 0;
    } else if (kind == 2) { /* near-miss of mapped */
        g[0] = g[1] = g[2] = g[3] = 0;
        g[(test_xorshift64(rng) % 2) ? 4 : 6] = 0xffff;
    }
    groups_to_bytes(g, a);
}

static void test_ipv6_text_agrees_with_glibc_and_parses_back(void **state)
{
    (void)state;
    uint64_t rng = 0x2545F4914F6CDD1Du;
    unsigned compared = 0, round_trips = 0;
    for (int n = 0; n < 200000; n++) {
        uint8_t a[16];
        random_address(&rng, a);
        char ours[LSN_IPV6_TEXT_SIZE];
        ipv6_text(a, ours);
        uint8_t back[16];
        if (inet_pton(AF_INET6, ours, back) != 1)
            fail_msg("inet_pton rejects \"%s\"", ours);
        assert_memory_equal(back, a, 16);
        round_trips++;
        int mapped = first_96_bits_zero(a) == 0 && a[10] == 0xff && a[11] == 0xff;
        for (int i = 0; i < 10; i++)
            if (a[i] != 0)
                mapped = 0;
        if (!mapped)
            assert_null(strchr(ours, '.'));
        if (first_96_bits_zero(a))
            continue; /* glibc prints ::a.b.c.d for these; the contract wants hex */
        char theirs[INET6_ADDRSTRLEN];
        assert_non_null(inet_ntop(AF_INET6, a, theirs, sizeof theirs));
        if (strcmp(ours, theirs) != 0)
            fail_msg("address %d: ours \"%s\", glibc \"%s\"", n, ours, theirs);
        compared++;
    }
    print_message("ipv6 text: %u compared with inet_ntop, %u parsed back with inet_pton\n",
                  compared, round_trips);
    assert_true(compared > 150000);
}

static void test_ipv4_text_agrees_with_inet_ntop(void **state)
{
    (void)state;
    uint64_t rng = 88172645463325252u;
    for (int n = 0; n < 50000; n++) {
        uint64_t r = test_xorshift64(&rng);
        uint8_t a[4];
        memcpy(a, &r, 4);
        if (n % 4 == 0)
            a[n % 3] = 0;
        char ours[LSN_IPV4_TEXT_SIZE], theirs[INET_ADDRSTRLEN];
        size_t len;
        assert_int_equal(lsn_ipv4_text(a, ours, sizeof ours, &len), LSN_TEXT_OK);
        assert_non_null(inet_ntop(AF_INET, a, theirs, sizeof theirs));
        assert_string_equal(ours, theirs);
        assert_int_equal(len, strlen(theirs));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv6_text_matches_rfc5952_table),
        cmocka_unit_test(test_ipv6_text_compresses_first_of_equal_zero_runs),
        cmocka_unit_test(test_ipv6_text_keeps_compatible_address_in_hex),
        cmocka_unit_test(test_ipv4_text_is_dotted_decimal),
        cmocka_unit_test(test_text_no_space_when_cap_is_one_short_and_ok_at_exact_size),
        cmocka_unit_test(test_ipv6_text_agrees_with_glibc_and_parses_back),
        cmocka_unit_test(test_ipv4_text_agrees_with_inet_ntop),
    };
    return cmocka_run_group_tests_name("address_text", tests, NULL, NULL);
}
