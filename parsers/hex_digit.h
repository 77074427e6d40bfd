/* hex_digit.h - private to parsers/: the one hex digit decoder of the
 * address, line and JSON parsers (not installed). */
#ifndef LISTENERS_HEX_DIGIT_H
#define LISTENERS_HEX_DIGIT_H

/* The value of hex digit c (0-9, A-F, a-f) or -1. One table lookup: the line
 * parser decodes about a hundred digits a line. */
static inline int lsn_hex_digit(unsigned char c)
{
    /* value + 1; 0 for every byte that is not a hex digit */
    static const unsigned char value[256] = {
        ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,
        ['6'] = 7,  ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['A'] = 11, ['B'] = 12,
        ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16, ['a'] = 11, ['b'] = 12,
        ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    };
    return (int)value[c] - 1;
}

#endif
