/* json_string_fuzzer.c - untrusted bytes as a JSON string (json_string.h).
 *
 * The whole input is the string (a comm or exe name).
 *
 * lsn_json_string properties (abort() when one breaks):
 *  - the output is one JSON string: quotes, only the escapes the contract
 *    names (\" \\ \b \f \n \r \t, \u00XX for the other controls and 0x7F,
 *    \u0080..\u009f for the C1 controls, \uXXXX for U+061C, U+200E/F,
 *    U+2028..U+202E, U+2066..U+2069), none of those raw, and its raw bytes
 *    are valid UTF-8;
 *  - decoded, it equals the input with each invalid UTF-8 sequence replaced
 *    by one U+FFFD per maximal subpart. The reference for that is written
 *    differently from the parser: a generic bit-pattern decoder checked by
 *    re-encoding, and "is a prefix of some valid encoding" looked up in
 *    tables built by encoding every scalar value once;
 *  - LSN_JSON_STRING_SIZE(len) suffices; text + NUL exactly suffices; one
 *    byte less gives LSN_JSON_NO_SPACE, dst[0] = '\0' and length 0.
 *
 * lsn_terminal_text properties: the output is valid UTF-8 without control
 * bytes, 0x7F, C1 controls or the bidi/line-separator characters
 * (U+061C, U+200E/F, U+2028..U+202E, U+2066..U+2069), len * 4 + 1 suffices, and undoing its escapes
 * (\\ \n \t \r \xHH \uXXXX) gives back the input bytes exactly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_string.h"

/* ---- reference UTF-8 ---- */

static uint8_t lead_ok[256];          /* first byte of some encoding */
static uint8_t prefix2[65536 / 8];    /* first two bytes of some encoding */
static uint8_t prefix3[16777216 / 8]; /* first three bytes of some 4-byte encoding */
static int tables_ready;

static size_t encode(uint32_t cp, uint8_t out[4])
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | cp >> 6);
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | cp >> 18);
    out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

static void build_tables(void)
{
    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        uint8_t e[4];
        size_t n = encode(cp, e);
        lead_ok[e[0]] = 1;
        if (n >= 2) {
            uint32_t k = (uint32_t)e[0] << 8 | e[1];
            prefix2[k / 8] = (uint8_t)(prefix2[k / 8] | 1u << (k % 8));
        }
        if (n >= 4) {
            uint32_t k = (uint32_t)e[0] << 16 | (uint32_t)e[1] << 8 | e[2];
            prefix3[k / 8] = (uint8_t)(prefix3[k / 8] | 1u << (k % 8));
        }
    }
    tables_ready = 1;
}

/* A complete valid sequence at s[0..n): its length and *cp, else 0. */
static size_t decode_valid(const uint8_t *s, size_t n, uint32_t *cp)
{
    size_t len;
    uint32_t v;
    if (s[0] < 0x80)
        len = 1, v = s[0];
    else if ((s[0] & 0xE0) == 0xC0)
        len = 2, v = s[0] & 0x1Fu;
    else if ((s[0] & 0xF0) == 0xE0)
        len = 3, v = s[0] & 0x0Fu;
    else if ((s[0] & 0xF8) == 0xF0)
        len = 4, v = s[0] & 0x07u;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3Fu);
    }
    if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    uint8_t e[4];
    if (encode(v, e) != len || memcmp(e, s, len) != 0) /* overlong */
        return 0;
    *cp = v;
    return len;
}

/* Length of the maximal subpart at s[0..n) (>= 1). */
static size_t maximal_subpart(const uint8_t *s, size_t n)
{
    if (!lead_ok[s[0]])
        return 1;
    size_t k = 1;
    if (n >= 2) {
        uint32_t p2 = (uint32_t)s[0] << 8 | s[1];
        if (prefix2[p2 / 8] >> (p2 % 8) & 1u) {
            k = 2;
            if (n >= 3) {
                uint32_t p3 = p2 << 8 | s[2];
                if (prefix3[p3 / 8] >> (p3 % 8) & 1u)
                    k = 3;
            }
        }
    }
    return k;
}

/* The input as code points, invalid sequences replaced. */
static size_t expected_code_points(const uint8_t *s, size_t n, uint32_t *out)
{
    size_t count = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = decode_valid(s + i, n - i, &cp);
        if (len) {
            out[count++] = cp;
            i += len;
        } else {
            out[count++] = 0xFFFD;
            i += maximal_subpart(s + i, n - i);
        }
    }
    return count;
}

/* What neither output may hold raw: C1 controls and the characters that
 * reorder or break a line. */
static int terminal_unsafe(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || (cp >= 0x200E && cp <= 0x200F) ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static int hex4(const uint8_t *p, uint32_t *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        uint8_t c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return -1;
        *v = *v << 4 | d;
    }
    return 0;
}

/* Decodes the JSON string o[0..n) per the contract; aborts if invalid. */
static size_t decode_json(const uint8_t *o, size_t n, uint32_t *out)
{
    if (n < 2 || o[0] != '"' || o[n - 1] != '"')
        abort();
    size_t count = 0;
    for (size_t i = 1; i < n - 1;) {
        uint8_t c = o[i];
        if (c == '"' || c < 0x20 || c == 0x7F)
            abort();
        if (c != '\\') {
            uint32_t cp;
            size_t len = decode_valid(o + i, n - 1 - i, &cp);
            if (!len || terminal_unsafe(cp))
                abort();
            out[count++] = cp;
            i += len;
            continue;
        }
        if (i + 1 >= n - 1)
            abort();
        uint8_t e = o[i + 1];
        const char *shorts = "\"\\bfnrt";
        const char *values = "\"\\\b\f\n\r\t";
        const char *hit = e ? strchr(shorts, e) : NULL;
        if (hit) {
            out[count++] = (uint8_t)values[hit - shorts];
            i += 2;
            continue;
        }
        uint32_t v;
        if (e != 'u' || i + 6 > n - 1 || hex4(o + i + 2, &v) != 0)
            abort();
        /* Only controls without a short form, DEL, and the terminal-unsafe
         * characters use \uXXXX. */
        int has_short = v == '\b' || v == '\f' || v == '\n' || v == '\r' || v == '\t';
        if (!((v < 0x20 && !has_short) || v == 0x7F || terminal_unsafe(v)))
            abort();
        out[count++] = v;
        i += 6;
    }
    return count;
}

static void check_json(const uint8_t *data, size_t size)
{
    size_t cap = LSN_JSON_STRING_SIZE(size);
    char *dst = malloc(cap);
    uint32_t *want = malloc((size + 1) * sizeof *want);
    uint32_t *got = malloc((cap + 1) * sizeof *got);
    if (!dst || !want || !got)
        abort();
    size_t len = 12345;
    if (lsn_json_string((const char *)data, size, dst, cap, &len) != LSN_JSON_OK || len + 1 > cap ||
        dst[len] != '\0' || strlen(dst) != len)
        abort();
    size_t nwant = expected_code_points(data, size, want);
    size_t ngot = decode_json((const uint8_t *)dst, len, got);
    if (nwant != ngot || memcmp(want, got, nwant * sizeof *want) != 0)
        abort();

    /* Exact fit, one short, none. */
    char *exact = malloc(len + 1);
    if (!exact)
        abort();
    size_t len2 = 0;
    if (lsn_json_string((const char *)data, size, exact, len + 1, &len2) != LSN_JSON_OK ||
        len2 != len || memcmp(exact, dst, len + 1) != 0)
        abort();
    if (lsn_json_string((const char *)data, size, exact, len, &len2) != LSN_JSON_NO_SPACE ||
        len2 != 0 || exact[0] != '\0')
        abort();
    if (lsn_json_string((const char *)data, size, exact, 0, NULL) != LSN_JSON_NO_SPACE)
        abort();
    free(exact);
    free(dst);
    free(want);
    free(got);
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void check_terminal(const uint8_t *data, size_t size)
{
    size_t cap = size * 4 + 1;
    char *dst = malloc(cap);
    uint8_t *back = malloc(size ? size : 1);
    if (!dst || !back)
        abort();
    size_t len = 12345;
    if (lsn_terminal_text((const char *)data, size, dst, cap, &len) != LSN_JSON_OK ||
        len + 1 > cap || dst[len] != '\0' || strlen(dst) != len)
        abort();
    const uint8_t *o = (const uint8_t *)dst;
    size_t nback = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = decode_valid(o + i, len - i, &cp);
        /* No control, and no character that reorders or breaks a line. */
        if (!n || cp < 0x20 || cp == 0x7F || terminal_unsafe(cp))
            abort();
        if (cp != '\\') {
            if (nback + n > size)
                abort();
            memcpy(back + nback, o + i, n);
            nback += n;
            i += n;
            continue;
        }
        if (i + 1 >= len)
            abort();
        uint8_t e = o[i + 1], b;
        if (e == '\\' || e == 'n' || e == 't' || e == 'r') {
            b = e == '\\' ? '\\' : e == 'n' ? '\n' : e == 't' ? '\t' : '\r';
            if (nback + 1 > size)
                abort();
            back[nback++] = b;
            i += 2;
        } else if (e == 'x') {
            if (i + 4 > len || hexval(o[i + 2]) < 0 || hexval(o[i + 3]) < 0 || nback + 1 > size)
                abort();
            back[nback++] = (uint8_t)(hexval(o[i + 2]) << 4 | hexval(o[i + 3]));
            i += 4;
        } else if (e == 'u') {
            uint32_t v;
            uint8_t enc[4];
            if (i + 6 > len || hex4(o + i + 2, &v) != 0 || (v >= 0xD800 && v <= 0xDFFF))
                abort();
            size_t k = encode(v, enc);
            if (nback + k > size)
                abort();
            memcpy(back + nback, enc, k);
            nback += k;
            i += 6;
        } else {
            abort();
        }
    }
    if (nback != size || (size && memcmp(back, data, size) != 0))
        abort();
    if (len > 0) {
        char *small = malloc(len);
        size_t len2 = 7;
        if (!small)
            abort();
        if (lsn_terminal_text((const char *)data, size, small, len, &len2) != LSN_JSON_NO_SPACE ||
            len2 != 0 || small[0] != '\0')
            abort();
        free(small);
    }
    free(dst);
    free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!tables_ready)
        build_tables();
    check_json(data, size);
    check_terminal(data, size);
    return 0;
}
