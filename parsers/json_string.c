/* json_string.c - see json_string.h. */
#include "json_string.h"
#include "utf8.h"

#include <stdint.h>
#include <string.h>

static const char hex_digits[] = "0123456789abcdef";

/* A small bounded writer: records overflow instead of writing past cap. */
struct out {
    char *dst;
    size_t cap; /* room for text, the NUL excluded */
    size_t len;
    int full;
    int room; /* the caller's cap was > 0 */
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->full || n > o->cap - o->len) {
        o->full = 1;
        return;
    }
    memcpy(o->dst + o->len, s, n);
    o->len += n;
}

static void put_escape(struct out *o, char kind, unsigned value, int digits)
{
    char tmp[8];
    size_t n = 0;
    tmp[n++] = '\\';
    tmp[n++] = kind;
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4)
        tmp[n++] = hex_digits[(value >> shift) & 0xF];
    put(o, tmp, n);
}

static enum lsn_json_status done(struct out *o, size_t *out_len)
{
    if (out_len)
        *out_len = 0;
    if (o->full) {
        if (o->room)
            o->dst[0] = '\0';
        return LSN_JSON_NO_SPACE;
    }
    o->dst[o->len] = '\0';
    if (out_len)
        *out_len = o->len;
    return LSN_JSON_OK;
}

/* Code point of a valid sequence of n bytes. */
static uint32_t code_point(const unsigned char *s, size_t n)
{
    if (n == 1)
        return s[0];
    uint32_t cp = s[0] & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++)
        cp = cp << 6 | (s[i] & 0x3Fu);
    return cp;
}

/* Invisible characters that reorder or break lines on a terminal: the
 * Arabic letter mark, LRM/RLM, the line and paragraph separators, the bidi
 * embeddings and overrides, and the bidi isolates. */
static int is_format_control(uint32_t cp)
{
    return cp == 0x061C || (cp >= 0x200E && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

enum lsn_json_status lsn_json_string(const char *src, size_t len, char *dst, size_t cap,
                                     size_t *out_len)
{
    struct out o = {dst, cap ? cap - 1 : 0, 0, cap == 0, cap != 0};
    const unsigned char *s = (const unsigned char *)src;

    put(&o, "\"", 1);
    for (size_t i = 0; i < len && !o.full;) {
        unsigned char b = s[i];
        size_t bad, n = lsn_utf8_sequence(s + i, len - i, &bad);
        if (n == 0) {
            put(&o, "\xEF\xBF\xBD", 3);
            i += bad;
            continue;
        }
        if (n == 1 && (b < 0x20 || b == 0x7F || b == '"' || b == '\\')) {
            const char *e = NULL;
            switch (b) {
            case '"': e = "\\\""; break;
            case '\\': e = "\\\\"; break;
            case '\b': e = "\\b"; break;
            case '\f': e = "\\f"; break;
            case '\n': e = "\\n"; break;
            case '\r': e = "\\r"; break;
            case '\t': e = "\\t"; break;
            default: break;
            }
            if (e)
                put(&o, e, 2);
            else
                put_escape(&o, 'u', b, 4);
        } else if (n > 1 && ((s[i] == 0xC2 && s[i + 1] <= 0x9F) ||
                             is_format_control(code_point(s + i, n)))) {
            /* C1 controls (U+0080..U+009F: CSI is U+009B) and the bidi and
             * line-breaking format characters: valid JSON raw, but a
             * consumer that prints the string to a terminal would act on
             * them. \uXXXX keeps the value and the document byte-stable. */
            put_escape(&o, 'u', code_point(s + i, n), 4);
        } else {
            put(&o, src + i, n);
        }
        i += n;
    }
    put(&o, "\"", 1);
    return done(&o, out_len);
}

enum lsn_json_status lsn_terminal_text(const char *src, size_t len, char *dst, size_t cap,
                                       size_t *out_len)
{
    struct out o = {dst, cap ? cap - 1 : 0, 0, cap == 0, cap != 0};
    const unsigned char *s = (const unsigned char *)src;

    for (size_t i = 0; i < len && !o.full;) {
        unsigned char b = s[i];
        size_t bad, n = lsn_utf8_sequence(s + i, len - i, &bad);
        if (n == 0) {
            for (size_t k = 0; k < bad; k++)
                put_escape(&o, 'x', s[i + k], 2);
            i += bad;
            continue;
        }
        if (n == 1) {
            if (b == '\\')
                put(&o, "\\\\", 2);
            else if (b == '\n')
                put(&o, "\\n", 2);
            else if (b == '\t')
                put(&o, "\\t", 2);
            else if (b == '\r')
                put(&o, "\\r", 2);
            else if (b < 0x20 || b == 0x7F)
                put_escape(&o, 'x', b, 2);
            else
                put(&o, src + i, 1);
        } else {
            uint32_t cp = code_point(s + i, n);
            if (cp >= 0x80 && cp <= 0x9F) {
                for (size_t k = 0; k < n; k++)
                    put_escape(&o, 'x', s[i + k], 2);
            } else if (is_format_control(cp)) {
                put_escape(&o, 'u', cp, 4);
            } else {
                put(&o, src + i, n);
            }
        }
        i += n;
    }
    return done(&o, out_len);
}

enum lsn_json_status lsn_label_value(const char *src, size_t len, char *dst, size_t cap,
                                     size_t *out_len)
{
    struct out o = {dst, cap ? cap - 1 : 0, 0, cap == 0, cap != 0};
    const unsigned char *s = (const unsigned char *)src;

    for (size_t i = 0; i < len && !o.full;) {
        size_t bad, n = lsn_utf8_sequence(s + i, len - i, &bad);
        if (n == 0) {
            put(&o, "\xef\xbf\xbd", 3); /* U+FFFD */
            i += bad;
            continue;
        }
        if (n == 1 && s[i] == '\\')
            put(&o, "\\\\", 2);
        else if (n == 1 && s[i] == '"')
            put(&o, "\\\"", 2);
        else if (n == 1 && s[i] == '\n')
            put(&o, "\\n", 2);
        else
            put(&o, src + i, n);
        i += n;
    }
    return done(&o, out_len);
}
