/* Tests for hex_address.h: the kernel's hex addresses and ports in both byte orders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "hex_address.h"
#include "test_support.h"

static const char HEXU[] = "0123456789ABCDEF";

struct v4_row {
    const char *text;
    enum lsn_byte_order order;
    uint8_t addr[4];
};

static void test_ipv4_decodes_known_addresses_in_both_orders(void **state)
{
    (void)state;
    static const struct v4_row rows[] = {
        {"0100007F", LSN_ORDER_LITTLE, {127, 0, 0, 1}},
        {"7F000001", LSN_ORDER_BIG, {127, 0, 0, 1}},
        {"0101A8C0", LSN_ORDER_LITTLE, {192, 168, 1, 1}},
        {"C0A80101", LSN_ORDER_BIG, {192, 168, 1, 1}},
        {"00000000", LSN_ORDER_LITTLE, {0, 0, 0, 0}},
        {"00000000", LSN_ORDER_BIG, {0, 0, 0, 0}},
        {"FFFFFFFF", LSN_ORDER_LITTLE, {255, 255, 255, 255}},
        {"FFFFFFFF", LSN_ORDER_BIG, {255, 255, 255, 255}},
        {"0F02000A", LSN_ORDER_LITTLE, {10, 0, 2, 15}},
        {"0100007f", LSN_ORDER_LITTLE, {127, 0, 0, 1}}, /* lower case */
        {"c0a80101", LSN_ORDER_BIG, {192, 168, 1, 1}},  /* lower case */
        {"aBcDeF12", LSN_ORDER_BIG, {0xAB, 0xCD, 0xEF, 0x12}},
        {"12345678", LSN_ORDER_LITTLE, {0x78, 0x56, 0x34, 0x12}},
        {"12345678", LSN_ORDER_BIG, {0x12, 0x34, 0x56, 0x78}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t addr[4];
        memset(addr, 0xAA, sizeof addr);
        enum lsn_hex_status st =
            lsn_hex_ipv4(rows[i].text, strlen(rows[i].text), rows[i].order, addr);
        if (st != LSN_HEX_OK)
            fail_msg("row %zu %s: status %d", i, rows[i].text, (int)st);
        assert_memory_equal(addr, rows[i].addr, 4);
    }
}

struct v6_row {
    const char *text;
    enum lsn_byte_order order;
    uint8_t addr[16];
};

static void test_ipv6_decodes_known_addresses_in_both_orders(void **state)
{
    (void)state;
    static const struct v6_row rows[] = {
        {"00000000000000000000000001000000",
         LSN_ORDER_LITTLE,
         {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
        {"00000000000000000000000000000001",
         LSN_ORDER_BIG,
         {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
        {"0000000000000000FFFF00000100007F",
         LSN_ORDER_LITTLE,
         {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 1}},
        {"00000000000000000000FFFF7F000001",
         LSN_ORDER_BIG,
         {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 1}},
        {"000080FE00000000FF7CC4D0D9EFE4FE",
         LSN_ORDER_LITTLE,
         {0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0xD0, 0xC4, 0x7C, 0xFF, 0xFE, 0xE4, 0xEF, 0xD9}},
        {"B80D0120000000000000000001000000",
         LSN_ORDER_LITTLE,
         {0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
        /* 2601:646:9e01:f100::3a4c from the jc tcp6 fixture */
        {"4606012600F1019E000000004C3A0000",
         LSN_ORDER_LITTLE,
         {0x26, 0x01, 0x06, 0x46, 0x9E, 0x01, 0xF1, 0x00, 0, 0, 0, 0, 0, 0, 0x3A, 0x4C}},
        {"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
         LSN_ORDER_BIG,
         {255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255}},
        {"0000000000000000ffff00000100007f",
         LSN_ORDER_LITTLE, /* lower case */
         {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 127, 0, 0, 1}},
        {"00112233445566778899AABBCCDDEEFF",
         LSN_ORDER_BIG,
         {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE,
          0xFF}},
        {"00112233445566778899AABBCCDDEEFF",
         LSN_ORDER_LITTLE,
         {0x33, 0x22, 0x11, 0x00, 0x77, 0x66, 0x55, 0x44, 0xBB, 0xAA, 0x99, 0x88, 0xFF, 0xEE, 0xDD,
          0xCC}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t addr[16];
        memset(addr, 0xAA, sizeof addr);
        enum lsn_hex_status st =
            lsn_hex_ipv6(rows[i].text, strlen(rows[i].text), rows[i].order, addr);
        if (st != LSN_HEX_OK)
            fail_msg("row %zu %s: status %d", i, rows[i].text, (int)st);
        assert_memory_equal(addr, rows[i].addr, 16);
    }
}

static void test_port_decodes_four_hex_digits_in_any_case(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        uint16_t port;
    } rows[] = {{"0016", 22},    {"01BB", 443},   {"01bb", 443},   {"0000", 0},
                {"FFFF", 65535}, {"ffff", 65535}, {"B7AE", 47022}, {"1DD2", 7634}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint16_t port = 12345;
        assert_int_equal(lsn_hex_port(rows[i].text, 4, &port), LSN_HEX_OK);
        assert_int_equal(port, rows[i].port);
    }
}

static int all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0)
            return 0;
    return 1;
}

static void test_ipv4_rejects_wrong_length_and_zeroes_output(void **state)
{
    (void)state;
    static const char *const rows[] = {"", "0", "0100007", "0100007F0", "0100007F00000000"};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        for (int o = LSN_ORDER_HOST; o <= LSN_ORDER_BIG; o++) {
            uint8_t addr[4];
            memset(addr, 0xAA, sizeof addr);
            enum lsn_hex_status st =
                lsn_hex_ipv4(rows[i], strlen(rows[i]), (enum lsn_byte_order)o, addr);
            if (st != LSN_HEX_BAD_LENGTH)
                fail_msg("\"%s\" order %d: status %d, want BAD_LENGTH", rows[i], o, (int)st);
            assert_true(all_zero(addr, 4));
        }
    }
}

static void test_ipv6_rejects_wrong_length_and_zeroes_output(void **state)
{
    (void)state;
    static const char *const rows[] = {
        "",
        "0100007F",
        "0000000000000000000000000100000",   /* 31 */
        "000000000000000000000000010000000", /* 33 */
        "0000000000000000000000000100000000000000",
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint8_t addr[16];
        memset(addr, 0xAA, sizeof addr);
        assert_int_equal(lsn_hex_ipv6(rows[i], strlen(rows[i]), LSN_ORDER_LITTLE, addr),
                         LSN_HEX_BAD_LENGTH);
        assert_true(all_zero(addr, 16));
    }
}

static void test_port_rejects_wrong_length_and_zeroes_output(void **state)
{
    (void)state;
    static const char *const rows[] = {"", "016", "00016", "16", "0100007F"};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint16_t port = 999;
        assert_int_equal(lsn_hex_port(rows[i], strlen(rows[i]), &port), LSN_HEX_BAD_LENGTH);
        assert_int_equal(port, 0);
    }
}

/* Every non-hex byte value, at every position, is a BAD_DIGIT. */
static void test_hex_rejects_every_non_hex_byte_at_every_position(void **state)
{
    (void)state;
    for (int b = 0; b < 256; b++) {
        int is_hex = (b >= '0' && b <= '9') || (b >= 'A' && b <= 'F') || (b >= 'a' && b <= 'f');
        if (is_hex)
            continue;
        for (size_t pos = 0; pos < 8; pos++) {
            char v4[8];
            memcpy(v4, "0100007F", sizeof v4); /* no NUL: the parser gets the length */
            v4[pos] = (char)b;
            uint8_t a4[4];
            memset(a4, 0xAA, sizeof a4);
            assert_int_equal(lsn_hex_ipv4(v4, 8, LSN_ORDER_LITTLE, a4), LSN_HEX_BAD_DIGIT);
            assert_true(all_zero(a4, 4));
            assert_int_equal(lsn_hex_ipv4(v4, 8, LSN_ORDER_BIG, a4), LSN_HEX_BAD_DIGIT);
        }
        for (size_t pos = 0; pos < 32; pos++) {
            char v6[32];
            memcpy(v6, "0000000000000000FFFF00000100007F", sizeof v6);
            v6[pos] = (char)b;
            uint8_t a6[16];
            memset(a6, 0xAA, sizeof a6);
            assert_int_equal(lsn_hex_ipv6(v6, 32, LSN_ORDER_LITTLE, a6), LSN_HEX_BAD_DIGIT);
            assert_true(all_zero(a6, 16));
        }
        for (size_t pos = 0; pos < 4; pos++) {
            char p[4];
            memcpy(p, "01BB", sizeof p);
            p[pos] = (char)b;
            uint16_t port = 7;
            assert_int_equal(lsn_hex_port(p, 4, &port), LSN_HEX_BAD_DIGIT);
            assert_int_equal(port, 0);
        }
    }
}

/* Inputs that a strtoul-based decoder would accept. */
static void test_hex_rejects_prefixes_signs_and_spaces(void **state)
{
    (void)state;
    static const char *const v4[] = {"0x00007F",
                                     "+100007F",
                                     "-100007F",
                                     " 100007F",
                                     "0100007 ",
                                     ("0100\0"
                                      "07F")};
    for (size_t i = 0; i < sizeof v4 / sizeof v4[0]; i++) {
        uint8_t a[4];
        assert_int_equal(lsn_hex_ipv4(v4[i], 8, LSN_ORDER_LITTLE, a), LSN_HEX_BAD_DIGIT);
    }
    static const char *const ports[] = {"0x16", "+016", "-016", " 016", "016 "};
    for (size_t i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        uint16_t p = 1;
        assert_int_equal(lsn_hex_port(ports[i], 4, &p), LSN_HEX_BAD_DIGIT);
    }
}

static void test_byte_order_resolve_host_matches_compiler(void **state)
{
    (void)state;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    assert_int_equal(lsn_byte_order_resolve(LSN_ORDER_HOST), LSN_ORDER_LITTLE);
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    assert_int_equal(lsn_byte_order_resolve(LSN_ORDER_HOST), LSN_ORDER_BIG);
#else
#error "unknown byte order"
#endif
    assert_int_equal(lsn_byte_order_resolve(LSN_ORDER_LITTLE), LSN_ORDER_LITTLE);
    assert_int_equal(lsn_byte_order_resolve(LSN_ORDER_BIG), LSN_ORDER_BIG);
}

/* HOST decodes what this machine's kernel would print: %08X of the address bytes read as a
 * native u32. */
static void test_host_order_decodes_native_words(void **state)
{
    (void)state;
    const uint8_t a[4] = {127, 0, 0, 1};
    uint32_t w;
    memcpy(&w, a, 4);
    char text[9];
    snprintf(text, sizeof text, "%08X", (unsigned)w);
    uint8_t out[4];
    assert_int_equal(lsn_hex_ipv4(text, 8, LSN_ORDER_HOST, out), LSN_HEX_OK);
    assert_memory_equal(out, a, 4);

    const uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    char t6[33];
    for (size_t i = 0; i < 4; i++) {
        uint32_t wi;
        memcpy(&wi, a6 + 4 * i, 4);
        snprintf(t6 + 8 * i, 9, "%08X", (unsigned)wi);
    }
    uint8_t o6[16];
    assert_int_equal(lsn_hex_ipv6(t6, 32, LSN_ORDER_HOST, o6), LSN_HEX_OK);
    assert_memory_equal(o6, a6, 16);
}

/* Text written for random bytes in one order decodes back to the same bytes. */
static void put_word(char *dst, const uint8_t *b, enum lsn_byte_order order)
{
    for (size_t i = 0; i < 4; i++) {
        uint8_t v = order == LSN_ORDER_BIG ? b[i] : b[3 - i];
        dst[2 * i] = HEXU[v >> 4];
        dst[2 * i + 1] = HEXU[v & 15];
    }
}

static void test_random_addresses_round_trip_in_both_orders(void **state)
{
    (void)state;
    uint64_t rng = 0x9E3779B97F4A7C15u;
    for (int n = 0; n < 20000; n++) {
        uint8_t a[16];
        for (int i = 0; i < 16; i += 8) {
            uint64_t r = test_xorshift64(&rng);
            memcpy(a + i, &r, 8);
        }
        for (int o = LSN_ORDER_LITTLE; o <= LSN_ORDER_BIG; o++) {
            char text[32];
            for (size_t w = 0; w < 4; w++)
                put_word(text + 8 * w, a + 4 * w, (enum lsn_byte_order)o);
            if (n & 1)
                for (int i = 0; i < 32; i++)
                    if (text[i] >= 'A' && text[i] <= 'F')
                        text[i] = (char)(text[i] - 'A' + 'a');
            uint8_t out[16];
            assert_int_equal(lsn_hex_ipv6(text, 32, (enum lsn_byte_order)o, out), LSN_HEX_OK);
            assert_memory_equal(out, a, 16);
            uint8_t o4[4];
            assert_int_equal(lsn_hex_ipv4(text, 8, (enum lsn_byte_order)o, o4), LSN_HEX_OK);
            assert_memory_equal(o4, a, 4);
        }
        uint16_t port;
        char pt[4] = {HEXU[a[0] >> 4], HEXU[a[0] & 15], HEXU[a[1] >> 4], HEXU[a[1] & 15]};
        assert_int_equal(lsn_hex_port(pt, 4, &port), LSN_HEX_OK);
        assert_int_equal(port, (uint16_t)(a[0] << 8 | a[1]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_decodes_known_addresses_in_both_orders),
        cmocka_unit_test(test_ipv6_decodes_known_addresses_in_both_orders),
        cmocka_unit_test(test_port_decodes_four_hex_digits_in_any_case),
        cmocka_unit_test(test_ipv4_rejects_wrong_length_and_zeroes_output),
        cmocka_unit_test(test_ipv6_rejects_wrong_length_and_zeroes_output),
        cmocka_unit_test(test_port_rejects_wrong_length_and_zeroes_output),
        cmocka_unit_test(test_hex_rejects_every_non_hex_byte_at_every_position),
        cmocka_unit_test(test_hex_rejects_prefixes_signs_and_spaces),
        cmocka_unit_test(test_byte_order_resolve_host_matches_compiler),
        cmocka_unit_test(test_host_order_decodes_native_words),
        cmocka_unit_test(test_random_addresses_round_trip_in_both_orders),
    };
    return cmocka_run_group_tests_name("hex_address", tests, NULL, NULL);
}
