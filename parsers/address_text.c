/* address_text.c - see address_text.h. */
#include "address_text.h"

#include <string.h>

/* Appends the decimal text of v (0..255) at p; returns the new end. */
static char *put_octet(char *p, unsigned v)
{
    if (v >= 100)
        *p++ = (char)('0' + v / 100);
    if (v >= 10)
        *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

static char *put_dotted(char *p, const uint8_t a[4])
{
    for (int i = 0; i < 4; i++) {
        if (i)
            *p++ = '.';
        p = put_octet(p, a[i]);
    }
    return p;
}

/* Appends a 16-bit group in lower-case hex without leading zeros. */
static char *put_group(char *p, unsigned g)
{
    static const char digits[] = "0123456789abcdef";
    int started = 0;
    for (int shift = 12; shift >= 0; shift -= 4) {
        unsigned d = (g >> shift) & 0xFu;
        if (d || started || shift == 0) {
            *p++ = digits[d];
            started = 1;
        }
    }
    return p;
}

/* Copies scratch[0..n) and a NUL into dst when it fits. */
static enum lsn_text_status finish(const char *scratch, size_t n, char *dst, size_t cap,
                                   size_t *text_len)
{
    if (text_len)
        *text_len = 0;
    if (n + 1 > cap) {
        if (cap > 0)
            dst[0] = '\0';
        return LSN_TEXT_NO_SPACE;
    }
    memcpy(dst, scratch, n);
    dst[n] = '\0';
    if (text_len)
        *text_len = n;
    return LSN_TEXT_OK;
}

enum lsn_text_status lsn_ipv4_text(const uint8_t addr[4], char *dst, size_t cap, size_t *text_len)
{
    char scratch[LSN_IPV4_TEXT_SIZE];
    char *end = put_dotted(scratch, addr);
    return finish(scratch, (size_t)(end - scratch), dst, cap, text_len);
}

enum lsn_text_status lsn_ipv6_text(const uint8_t addr[16], char *dst, size_t cap, size_t *text_len)
{
    static const uint8_t mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char scratch[LSN_IPV6_TEXT_SIZE];
    char *p = scratch;

    if (memcmp(addr, mapped_prefix, sizeof mapped_prefix) == 0) {
        memcpy(p, "::ffff:", 7);
        p = put_dotted(p + 7, addr + 12);
        return finish(scratch, (size_t)(p - scratch), dst, cap, text_len);
    }

    unsigned group[8];
    for (size_t i = 0; i < 8; i++)
        group[i] = (unsigned)addr[2 * i] << 8 | addr[2 * i + 1];

    /* The longest run of zero groups of length >= 2; the first wins a tie. */
    int best = -1, best_len = 1;
    for (int i = 0; i < 8;) {
        if (group[i] != 0) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && group[j] == 0)
            j++;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j;
    }

    for (int i = 0; i < 8; i++) {
        if (i == best) {
            *p++ = ':';
            *p++ = ':';
            i += best_len - 1;
            continue;
        }
        if (i > 0 && i != best + best_len)
            *p++ = ':';
        p = put_group(p, group[i]);
    }
    return finish(scratch, (size_t)(p - scratch), dst, cap, text_len);
}
