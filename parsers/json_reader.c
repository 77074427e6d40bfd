/* json_reader.c - see json_reader.h. */
#include "json_reader.h"
#include "hex_digit.h"
#include "utf8.h"

#include <string.h>

typedef unsigned char uchar;

static int is_ws(uchar c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_digit(uchar c)
{
    return c >= '0' && c <= '9';
}

/* Four hex digits at s[0..4) (the caller checked they exist). -1 if not hex. */
static long hex4(const uchar *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int d = lsn_hex_digit(s[i]);
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

/* Scans a string whose opening quote is at s[*pos - 1]; on success *pos is
 * just past the closing quote and *end at it. */
static enum lsn_jsonr_status scan_string(const uchar *s, size_t len, size_t *pos, size_t *end)
{
    size_t i = *pos;
    while (i < len) {
        uchar c = s[i];
        if (c == '"') {
            *end = i;
            *pos = i + 1;
            return LSN_JSONR_OK;
        }
        if (c < 0x20) {
            *pos = i;
            return LSN_JSONR_BAD_STRING;
        }
        if (c < 0x80 && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t bad, n = lsn_utf8_sequence(s + i, len - i, &bad);
            if (n == 0) {
                /* a valid prefix cut by the end of input is still invalid
                 * UTF-8 as far as the document goes */
                *pos = i;
                return LSN_JSONR_BAD_UTF8;
            }
            i += n;
            continue;
        }
        /* backslash */
        if (i + 1 >= len) {
            *pos = len;
            return LSN_JSONR_TRUNCATED;
        }
        c = s[i + 1];
        if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
            c == 't') {
            i += 2;
            continue;
        }
        if (c != 'u') {
            *pos = i;
            return LSN_JSONR_BAD_ESCAPE;
        }
        if (len - i < 6) {
            *pos = len;
            return LSN_JSONR_TRUNCATED;
        }
        long u = hex4(s + i + 2);
        if (u < 0) {
            *pos = i;
            return LSN_JSONR_BAD_ESCAPE;
        }
        if (u >= 0xDC00 && u <= 0xDFFF) { /* low surrogate first */
            *pos = i;
            return LSN_JSONR_BAD_SURROGATE;
        }
        if (u >= 0xD800 && u <= 0xDBFF) {
            long v;
            if (len - i < 12 || s[i + 6] != '\\' || s[i + 7] != 'u') {
                *pos = i;
                return LSN_JSONR_BAD_SURROGATE;
            }
            v = hex4(s + i + 8);
            if (v < 0) {
                *pos = i + 6;
                return LSN_JSONR_BAD_ESCAPE;
            }
            if (v < 0xDC00 || v > 0xDFFF) {
                *pos = i;
                return LSN_JSONR_BAD_SURROGATE;
            }
            i += 12;
            continue;
        }
        i += 6;
    }
    *pos = len;
    return LSN_JSONR_TRUNCATED;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? starting at s[*pos]. */
static enum lsn_jsonr_status scan_number(const uchar *s, size_t len, size_t *pos)
{
    size_t i = *pos;
    if (i < len && s[i] == '-')
        i++;
    if (i >= len || !is_digit(s[i])) {
        *pos = i;
        return LSN_JSONR_BAD_NUMBER;
    }
    if (s[i] == '0') {
        i++;
        if (i < len && is_digit(s[i])) {
            *pos = i;
            return LSN_JSONR_BAD_NUMBER; /* leading zero */
        }
    } else {
        while (i < len && is_digit(s[i]))
            i++;
    }
    if (i < len && s[i] == '.') {
        i++;
        if (i >= len || !is_digit(s[i])) {
            *pos = i;
            return LSN_JSONR_BAD_NUMBER;
        }
        while (i < len && is_digit(s[i]))
            i++;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= len || !is_digit(s[i])) {
            *pos = i;
            return LSN_JSONR_BAD_NUMBER;
        }
        while (i < len && is_digit(s[i]))
            i++;
    }
    *pos = i;
    return LSN_JSONR_OK;
}

static enum lsn_jsonr_status scan_literal(const uchar *s, size_t len, size_t *pos, const char *lit)
{
    size_t n = strlen(lit), i = *pos;
    for (size_t k = 0; k < n; k++, i++) {
        if (i >= len) {
            *pos = len;
            return LSN_JSONR_TRUNCATED;
        }
        if (s[i] != (uchar)lit[k]) {
            *pos = i;
            return LSN_JSONR_BAD_SYNTAX;
        }
    }
    *pos = i;
    return LSN_JSONR_OK;
}

enum want { W_VALUE, W_VALUE_OR_CLOSE, W_KEY, W_KEY_OR_CLOSE, W_COLON, W_AFTER };

enum lsn_jsonr_status lsn_json_read(const char *buf, size_t len, struct lsn_jsonr_token *tokens,
                                    size_t cap, unsigned max_depth, size_t *ntokens, size_t *where)
{
    const uchar *s = (const uchar *)buf;
    size_t stack[LSN_JSONR_MAX_DEPTH]; /* open containers */
    unsigned depth = 0;
    size_t n = 0, pos = 0;
    enum want want = W_VALUE;
    enum lsn_jsonr_status st = LSN_JSONR_OK;

    if (ntokens)
        *ntokens = 0;
    if (max_depth == 0)
        max_depth = LSN_JSONR_DEFAULT_DEPTH;
    if (max_depth > LSN_JSONR_MAX_DEPTH) {
        if (where)
            *where = 0;
        return LSN_JSONR_BAD_DEPTH;
    }
    if (buf == NULL && len > 0) {
        len = 0;
    }

    for (;;) {
        while (pos < len && is_ws(s[pos]))
            pos++;
        if (want == W_AFTER && depth == 0) {
            if (pos < len) {
                st = LSN_JSONR_TRAILING_DATA;
                goto fail;
            }
            break;
        }
        if (pos >= len) {
            st = n == 0 && want == W_VALUE ? LSN_JSONR_EMPTY : LSN_JSONR_TRUNCATED;
            goto fail;
        }
        uchar c = s[pos];

        if (want == W_AFTER) {
            struct lsn_jsonr_token *top = &tokens[stack[depth - 1]];
            uchar close = top->type == LSN_JSONR_OBJECT ? '}' : ']';
            if (c == ',') {
                pos++;
                want = top->type == LSN_JSONR_OBJECT ? W_KEY : W_VALUE;
                continue;
            }
            if (c != close) {
                st = LSN_JSONR_BAD_SYNTAX;
                goto fail;
            }
        close_container:
            top = &tokens[stack[depth - 1]];
            top->end = ++pos;
            top->next = n;
            depth--;
            want = W_AFTER;
            continue;
        }
        if (want == W_COLON) {
            if (c != ':') {
                st = LSN_JSONR_BAD_SYNTAX;
                goto fail;
            }
            pos++;
            want = W_VALUE;
            continue;
        }
        if ((want == W_VALUE_OR_CLOSE && c == ']') || (want == W_KEY_OR_CLOSE && c == '}'))
            goto close_container;
        if ((want == W_VALUE || want == W_KEY) && depth > 0 && (c == ']' || c == '}')) {
            st = LSN_JSONR_TRAILING_COMMA;
            goto fail;
        }
        if ((want == W_KEY || want == W_KEY_OR_CLOSE) && c != '"') {
            st = LSN_JSONR_BAD_SYNTAX;
            goto fail;
        }

        /* a value (or a key) starts at pos */
        if (n >= cap) {
            st = LSN_JSONR_NO_TOKENS;
            goto fail;
        }
        struct lsn_jsonr_token *t = &tokens[n];
        t->start = pos;
        t->size = 0;
        if (depth > 0 && want != W_KEY && want != W_KEY_OR_CLOSE &&
            tokens[stack[depth - 1]].type == LSN_JSONR_ARRAY)
            tokens[stack[depth - 1]].size++;
        if (want == W_KEY || want == W_KEY_OR_CLOSE)
            tokens[stack[depth - 1]].size++;

        if (c == '{' || c == '[') {
            if (depth >= max_depth) {
                st = LSN_JSONR_TOO_DEEP;
                goto fail;
            }
            t->type = c == '{' ? LSN_JSONR_OBJECT : LSN_JSONR_ARRAY;
            stack[depth++] = n++;
            pos++;
            want = c == '{' ? W_KEY_OR_CLOSE : W_VALUE_OR_CLOSE;
            continue;
        }
        if (c == '"') {
            size_t end = 0;
            int is_key = want == W_KEY || want == W_KEY_OR_CLOSE;
            pos++;
            st = scan_string(s, len, &pos, &end);
            if (st != LSN_JSONR_OK)
                goto fail;
            t->type = LSN_JSONR_STRING;
            t->start++;
            t->end = end;
            t->next = ++n;
            want = is_key ? W_COLON : W_AFTER;
            continue;
        }
        if (c == '-' || is_digit(c)) {
            st = scan_number(s, len, &pos);
            if (st != LSN_JSONR_OK)
                goto fail;
            t->type = LSN_JSONR_NUMBER;
        } else if (c == 't') {
            st = scan_literal(s, len, &pos, "true");
            t->type = LSN_JSONR_TRUE;
        } else if (c == 'f') {
            st = scan_literal(s, len, &pos, "false");
            t->type = LSN_JSONR_FALSE;
        } else if (c == 'n') {
            st = scan_literal(s, len, &pos, "null");
            t->type = LSN_JSONR_NULL;
        } else {
            st = LSN_JSONR_BAD_SYNTAX;
        }
        if (st != LSN_JSONR_OK)
            goto fail;
        t->end = pos;
        t->next = ++n;
        want = W_AFTER;
    }
    if (ntokens)
        *ntokens = n;
    if (where)
        *where = len;
    return LSN_JSONR_OK;
fail:
    if (where)
        *where = pos;
    return st;
}

/* ---- decoding validated string tokens ---- */

struct cursor {
    const uchar *s;
    size_t i, end;
};

static size_t put_utf8(uint32_t cp, uchar out[4])
{
    if (cp < 0x80) {
        out[0] = (uchar)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uchar)(0xC0 | cp >> 6);
        out[1] = (uchar)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uchar)(0xE0 | cp >> 12);
        out[1] = (uchar)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (uchar)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uchar)(0xF0 | cp >> 18);
    out[1] = (uchar)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (uchar)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (uchar)(0x80 | (cp & 0x3F));
    return 4;
}

/* The next decoded bytes (1..4) of a string the reader validated; 0 at the
 * end. Raw bytes come one at a time; an escape comes as its UTF-8. */
static size_t next_bytes(struct cursor *c, uchar out[4])
{
    if (c->i >= c->end)
        return 0;
    uchar b = c->s[c->i];
    if (b != '\\') {
        out[0] = b;
        c->i++;
        return 1;
    }
    b = c->s[c->i + 1];
    c->i += 2;
    switch (b) {
    case 'b': out[0] = '\b'; return 1;
    case 'f': out[0] = '\f'; return 1;
    case 'n': out[0] = '\n'; return 1;
    case 'r': out[0] = '\r'; return 1;
    case 't': out[0] = '\t'; return 1;
    case 'u': break;
    default: out[0] = b; return 1; /* " \ / */
    }
    uint32_t cp = (uint32_t)hex4(c->s + c->i);
    c->i += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        uint32_t lo = (uint32_t)hex4(c->s + c->i + 2);
        c->i += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    return put_utf8(cp, out);
}

static int is_string(const struct lsn_jsonr_token *t)
{
    return t && t->type == LSN_JSONR_STRING && t->start <= t->end;
}

enum lsn_jsonr_status lsn_jsonr_string(const char *buf, const struct lsn_jsonr_token *tok,
                                       char *dst, size_t cap, size_t *out_len)
{
    struct cursor c;
    uchar b[4];
    size_t n = 0, k;
    if (out_len)
        *out_len = 0;
    if (!is_string(tok) || buf == NULL) {
        if (cap > 0)
            dst[0] = '\0';
        return LSN_JSONR_NOT_STRING;
    }
    c.s = (const uchar *)buf;
    c.i = tok->start;
    c.end = tok->end;
    while ((k = next_bytes(&c, b)) > 0) {
        if (cap - n <= k || cap == 0) {
            if (cap > 0)
                dst[0] = '\0';
            return LSN_JSONR_NO_SPACE;
        }
        memcpy(dst + n, b, k);
        n += k;
    }
    if (cap == 0)
        return LSN_JSONR_NO_SPACE;
    dst[n] = '\0';
    if (out_len)
        *out_len = n;
    return LSN_JSONR_OK;
}

int lsn_jsonr_string_equals(const char *buf, const struct lsn_jsonr_token *tok, const char *lit,
                            size_t lit_len)
{
    struct cursor c;
    uchar b[4];
    size_t n = 0, k;
    if (!is_string(tok) || buf == NULL)
        return 0;
    /* fast path: no escapes, same bytes */
    if (tok->end - tok->start == lit_len && memcmp(buf + tok->start, lit, lit_len) == 0)
        return 1;
    c.s = (const uchar *)buf;
    c.i = tok->start;
    c.end = tok->end;
    while ((k = next_bytes(&c, b)) > 0) {
        if (lit_len - n < k || memcmp(lit + n, b, k) != 0)
            return 0;
        n += k;
    }
    return n == lit_len;
}

int lsn_jsonr_string_compare(const char *buf, const struct lsn_jsonr_token *a,
                             const struct lsn_jsonr_token *b)
{
    struct cursor ca, cb;
    uchar xa[4], xb[4];
    size_t na = 0, nb = 0, ia = 0, ib = 0;
    ca.s = cb.s = (const uchar *)buf;
    ca.i = a->start;
    ca.end = a->end;
    cb.i = b->start;
    cb.end = b->end;
    for (;;) {
        if (ia == na) {
            na = next_bytes(&ca, xa);
            ia = 0;
        }
        if (ib == nb) {
            nb = next_bytes(&cb, xb);
            ib = 0;
        }
        if (na == 0 || nb == 0)
            return na == 0 && nb == 0 ? 0 : na == 0 ? -1 : 1;
        if (xa[ia] != xb[ib])
            return xa[ia] < xb[ib] ? -1 : 1;
        ia++;
        ib++;
    }
}

size_t lsn_jsonr_duplicate_key(const char *buf, const struct lsn_jsonr_token *tokens, size_t obj)
{
    const struct lsn_jsonr_token *o = &tokens[obj];
    size_t k, j, m, q;
    if (o->type != LSN_JSONR_OBJECT)
        return 0;
    for (k = obj + 1, m = 0; m < o->size; m++, k = tokens[k + 1].next)
        for (j = obj + 1, q = 0; q < m; q++, j = tokens[j + 1].next)
            if (lsn_jsonr_string_compare(buf, &tokens[j], &tokens[k]) == 0)
                return k;
    return 0;
}

enum lsn_jsonr_status lsn_jsonr_int64(const char *buf, const struct lsn_jsonr_token *tok,
                                      int64_t *out)
{
    const uchar *s = (const uchar *)buf;
    size_t i, end;
    int neg = 0;
    uint64_t v = 0, limit;
    *out = 0;
    if (!tok || tok->type != LSN_JSONR_NUMBER || buf == NULL || tok->start >= tok->end)
        return LSN_JSONR_NOT_INTEGER;
    i = tok->start;
    end = tok->end;
    if (s[i] == '-') {
        neg = 1;
        i++;
    }
    for (size_t k = i; k < end; k++)
        if (!is_digit(s[k]))
            return LSN_JSONR_NOT_INTEGER;
    if (i == end)
        return LSN_JSONR_NOT_INTEGER;
    limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    for (; i < end; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10u)
            return LSN_JSONR_OUT_OF_RANGE;
        v = v * 10u + d;
    }
    if (neg)
        *out = v == (uint64_t)INT64_MAX + 1u ? INT64_MIN : -(int64_t)v;
    else
        *out = (int64_t)v;
    return LSN_JSONR_OK;
}

const char *lsn_jsonr_status_text(enum lsn_jsonr_status status)
{
    switch (status) {
    case LSN_JSONR_OK: return "ok";
    case LSN_JSONR_EMPTY: return "no JSON value";
    case LSN_JSONR_TRUNCATED: return "input ends inside a value";
    case LSN_JSONR_BAD_SYNTAX: return "unexpected byte";
    case LSN_JSONR_TRAILING_COMMA: return "trailing comma";
    case LSN_JSONR_TRAILING_DATA: return "data after the JSON value";
    case LSN_JSONR_TOO_DEEP: return "nesting too deep";
    case LSN_JSONR_NO_TOKENS: return "too many values";
    case LSN_JSONR_BAD_NUMBER: return "malformed number";
    case LSN_JSONR_BAD_STRING: return "control byte in a string";
    case LSN_JSONR_BAD_ESCAPE: return "bad escape in a string";
    case LSN_JSONR_BAD_SURROGATE: return "unpaired surrogate escape";
    case LSN_JSONR_BAD_UTF8: return "invalid UTF-8 in a string";
    case LSN_JSONR_BAD_DEPTH: return "depth limit above the maximum";
    case LSN_JSONR_NOT_INTEGER: return "not an integer";
    case LSN_JSONR_OUT_OF_RANGE: return "integer out of range";
    case LSN_JSONR_NOT_STRING: return "not a string";
    case LSN_JSONR_NO_SPACE: return "buffer too small";
    }
    return "unknown status";
}
