/* decimal.h - private to collector/: an unsigned number as decimal text,
 * without printf (no locale, no format parsing on the hot path). */
#ifndef LISTENERS_DECIMAL_H
#define LISTENERS_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/* Writes v in decimal and a NUL to dst (21 bytes always suffice); returns
 * the number of digits. */
static inline size_t lsn_decimal(char *dst, uint64_t v)
{
    char tmp[20];
    size_t n = 0, i = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    while (n)
        dst[i++] = tmp[--n];
    dst[i] = '\0';
    return i;
}

#endif
