/* hex_address.c - see hex_address.h. */
#include "hex_address.h"
#include "hex_digit.h"

#include <string.h>

/* Reads exactly n (<= 8) hex digits into *value. */
static int hex_word(const char *buf, size_t n, uint32_t *value)
{
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        int d = lsn_hex_digit((unsigned char)buf[i]);
        if (d < 0)
            return -1;
        v = (v << 4) | (uint32_t)d;
    }
    *value = v;
    return 0;
}

enum lsn_byte_order lsn_byte_order_resolve(enum lsn_byte_order order)
{
    if (order != LSN_ORDER_HOST)
        return order;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return LSN_ORDER_BIG;
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return LSN_ORDER_LITTLE;
#else
    {
        const uint32_t one = 1;
        unsigned char first;
        memcpy(&first, &one, 1);
        return first ? LSN_ORDER_LITTLE : LSN_ORDER_BIG;
    }
#endif
}

/* Decodes `words` 8-digit words; each word's bytes come out in the memory
 * order of the machine that printed it. */
static enum lsn_hex_status hex_words(const char *buf, size_t len, size_t words,
                                     enum lsn_byte_order order, uint8_t *addr)
{
    memset(addr, 0, words * 4);
    if (len != words * 8)
        return LSN_HEX_BAD_LENGTH;
    int little = lsn_byte_order_resolve(order) == LSN_ORDER_LITTLE;
    uint8_t out[16] = {0};
    for (size_t w = 0; w < words; w++) {
        uint32_t v;
        if (hex_word(buf + w * 8, 8, &v) != 0)
            return LSN_HEX_BAD_DIGIT;
        for (size_t b = 0; b < 4; b++) {
            unsigned shift = little ? (unsigned)(8 * b) : (unsigned)(8 * (3 - b));
            out[w * 4 + b] = (uint8_t)(v >> shift);
        }
    }
    memcpy(addr, out, words * 4);
    return LSN_HEX_OK;
}

enum lsn_hex_status lsn_hex_ipv4(const char *buf, size_t len, enum lsn_byte_order order,
                                 uint8_t addr[4])
{
    return hex_words(buf, len, 1, order, addr);
}

enum lsn_hex_status lsn_hex_ipv6(const char *buf, size_t len, enum lsn_byte_order order,
                                 uint8_t addr[16])
{
    return hex_words(buf, len, 4, order, addr);
}

enum lsn_hex_status lsn_hex_port(const char *buf, size_t len, uint16_t *port)
{
    uint32_t v;
    *port = 0;
    if (len != 4)
        return LSN_HEX_BAD_LENGTH;
    if (hex_word(buf, 4, &v) != 0)
        return LSN_HEX_BAD_DIGIT;
    *port = (uint16_t)v;
    return LSN_HEX_OK;
}
