/* hex_address_fuzzer.c - hex addresses and ports (hex_address.h) and their
 * text (address_text.h).
 *
 * Input: byte 0 picks the mode (bits 0-1: IPv4 hex, IPv6 hex, port hex, raw
 * 16 address bytes) and the byte order (bits 2-3, modulo 3); byte 1 is a
 * buffer size for the short-buffer checks; the rest is the text (or bytes).
 *
 * Properties (abort() when one breaks):
 *  - decoding agrees with a reference decoder (status, bytes for each byte
 *    order, all-zero output on failure);
 *  - the text of every IPv4 address equals glibc's inet_ntop;
 *  - the text of every IPv6 address whose first 96 bits are not all zero
 *    equals glibc's inet_ntop; for the others (where glibc prints embedded
 *    IPv4, "::127.0.0.1") it is the hex form "::7f00:1";
 *  - every text parses back with inet_pton to the same bytes;
 *  - a buffer one byte too small gives LSN_TEXT_NO_SPACE, dst[0] = '\0',
 *    length 0; a buffer of any size at least the text + NUL gives the text.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "address_text.h"
#include "hex_address.h"

static int ref_hex(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int host_is_little(void)
{
    const uint16_t one = 1;
    uint8_t b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/* Reference decoder: `words` words of 8 digits, or a 4-digit port. */
static enum lsn_hex_status ref_decode(const uint8_t *s, size_t n, size_t digits, int little,
                                      uint8_t *out)
{
    memset(out, 0, digits / 2);
    if (n != digits)
        return LSN_HEX_BAD_LENGTH;
    for (size_t i = 0; i < n; i++)
        if (ref_hex(s[i]) < 0)
            return LSN_HEX_BAD_DIGIT;
    /* Byte k of the printed text (two digits) is the k-th most significant
     * byte of its 32-bit word; a little-endian machine stores that byte at
     * the mirrored position of the word. */
    for (size_t k = 0; k < digits / 2; k++) {
        uint8_t v = (uint8_t)(ref_hex(s[2 * k]) << 4 | ref_hex(s[2 * k + 1]));
        size_t word = k / 4, pos = k % 4;
        out[word * 4 + (little ? 3 - pos : pos)] = v;
    }
    return LSN_HEX_OK;
}

static void check_buffers(const char *want, size_t want_len, const uint8_t *addr, int v6,
                          size_t cap)
{
    char *dst = malloc(cap ? cap : 1);
    if (!dst)
        abort();
    memset(dst, 'x', cap ? cap : 1);
    size_t len = 99;
    enum lsn_text_status st =
        v6 ? lsn_ipv6_text(addr, dst, cap, &len) : lsn_ipv4_text(addr, dst, cap, &len);
    if (cap >= want_len + 1) {
        if (st != LSN_TEXT_OK || len != want_len || memcmp(dst, want, want_len + 1) != 0)
            abort();
    } else {
        if (st != LSN_TEXT_NO_SPACE || len != 0 || (cap > 0 && dst[0] != '\0'))
            abort();
        for (size_t i = 1; i < cap; i++) /* nothing else written */
            if (dst[i] != 'x')
                abort();
    }
    /* text_len may be NULL. */
    st = v6 ? lsn_ipv6_text(addr, dst, cap, NULL) : lsn_ipv4_text(addr, dst, cap, NULL);
    if ((st == LSN_TEXT_OK) != (cap >= want_len + 1))
        abort();
    free(dst);
}

static void check_ipv4_text(const uint8_t a[4], size_t cap)
{
    char text[LSN_IPV4_TEXT_SIZE], glibc[INET_ADDRSTRLEN];
    size_t len;
    if (lsn_ipv4_text(a, text, sizeof text, &len) != LSN_TEXT_OK || strlen(text) != len)
        abort();
    if (!inet_ntop(AF_INET, a, glibc, sizeof glibc) || strcmp(text, glibc) != 0)
        abort();
    uint8_t back[4];
    if (inet_pton(AF_INET, text, back) != 1 || memcmp(back, a, 4) != 0)
        abort();
    check_buffers(text, len, a, 0, cap);
}

static void check_ipv6_text(const uint8_t a[16], size_t cap)
{
    static const uint8_t zero96[12];
    char text[LSN_IPV6_TEXT_SIZE], glibc[INET6_ADDRSTRLEN];
    size_t len;
    if (lsn_ipv6_text(a, text, sizeof text, &len) != LSN_TEXT_OK || strlen(text) != len)
        abort();
    if (!inet_ntop(AF_INET6, a, glibc, sizeof glibc))
        abort();
    if (memcmp(a, zero96, 12) != 0) {
        if (strcmp(text, glibc) != 0)
            abort();
    } else {
        /* ::/96: the contract keeps hex where glibc prints embedded IPv4. */
        unsigned g6 = (unsigned)a[12] << 8 | a[13], g7 = (unsigned)a[14] << 8 | a[15];
        char want[LSN_IPV6_TEXT_SIZE];
        if (g6 == 0 && g7 == 0)
            snprintf(want, sizeof want, "::");
        else if (g6 == 0)
            snprintf(want, sizeof want, "::%x", g7);
        else
            snprintf(want, sizeof want, "::%x:%x", g6, g7);
        if (strcmp(text, want) != 0)
            abort();
    }
    uint8_t back[16];
    if (inet_pton(AF_INET6, text, back) != 1 || memcmp(back, a, 16) != 0)
        abort();
    check_buffers(text, len, a, 1, cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    unsigned mode = data[0] & 3u;
    enum lsn_byte_order order = (enum lsn_byte_order)((data[0] >> 2 & 3u) % 3u);
    size_t cap = data[1] % 48u;
    const uint8_t *s = data + 2;
    size_t n = size - 2;
    int little = order == LSN_ORDER_LITTLE || (order == LSN_ORDER_HOST && host_is_little());

    if (lsn_byte_order_resolve(order) != (little ? LSN_ORDER_LITTLE : LSN_ORDER_BIG))
        abort();

    uint8_t got[16], want[16];
    memset(got, 0xAA, sizeof got);
    switch (mode) {
    case 0: {
        enum lsn_hex_status st = lsn_hex_ipv4((const char *)s, n, order, got);
        if (st != ref_decode(s, n, 8, little, want) || memcmp(got, want, 4) != 0)
            abort();
        if (st == LSN_HEX_OK)
            check_ipv4_text(got, cap);
        break;
    }
    case 1: {
        enum lsn_hex_status st = lsn_hex_ipv6((const char *)s, n, order, got);
        if (st != ref_decode(s, n, 32, little, want) || memcmp(got, want, 16) != 0)
            abort();
        if (st == LSN_HEX_OK) {
            check_ipv6_text(got, cap);
            check_ipv4_text(got + 12, cap);
        }
        break;
    }
    case 2: {
        uint16_t port = 0xAAAA;
        enum lsn_hex_status st = lsn_hex_port((const char *)s, n, &port);
        /* A port reads the same in either byte order: big-endian digits. */
        enum lsn_hex_status ref = ref_decode(s, n, 4, 0, want);
        if (st != ref || port != (uint16_t)(want[0] << 8 | want[1]))
            abort();
        break;
    }
    default: {
        uint8_t a[16] = {0};
        memcpy(a, s, n < 16 ? n : 16);
        check_ipv6_text(a, cap);
        check_ipv4_text(a, cap);
        /* The v4-mapped and ::/96 neighbourhoods of the same bytes. */
        uint8_t m[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a[0], a[1], a[2], a[3]};
        check_ipv6_text(m, cap);
        m[10] = m[11] = 0;
        check_ipv6_text(m, cap);
        break;
    }
    }
    return 0;
}
