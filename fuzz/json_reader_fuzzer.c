/* json_reader_fuzzer.c - the strict JSON reader for untrusted documents
 * (json_reader.h).
 *
 * The whole input is the document. The first byte also picks the limits:
 * depth 1 + (byte % 40) and a token capacity of 1 + (byte * 7) (so both
 * limit statuses are reached), then the document is read a second time with
 * generous limits.
 *
 * Properties (abort() when one breaks):
 *  - the status is in the enum and has a text; *where <= size; 0 tokens
 *    unless OK;
 *  - on OK: every token lies inside the input, containers span '{'..'}' or
 *    '['..']', strings sit between quotes, `next` walks each container's
 *    children exactly `size` times and lands on the container's `next`,
 *    keys are strings, and the walk from token 0 covers every token;
 *  - round trip: the tokens written back as compact JSON (strings decoded
 *    with lsn_jsonr_string and re-escaped by lsn_json_string, which must
 *    not replace anything because decoded text is valid UTF-8; numbers
 *    copied) read again to the same types, sizes and decoded strings;
 *  - lsn_jsonr_int64 on a number without '.', 'e' or 'E' either gives a
 *    value whose decimal text is the number (modulo "-0") or says
 *    OUT_OF_RANGE for text longer than 18 digits only;
 *  - a document OK under small limits is OK, with the same tokens, under
 *    large ones; TOO_DEEP and NO_TOKENS under small limits never become a
 *    syntax error under large ones at an earlier offset.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_reader.h"
#include "json_string.h"

struct out {
    char *p;
    size_t n, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->n + n > o->cap)
        abort();
    memcpy(o->p + o->n, s, n);
    o->n += n;
}

/* Writes tokens[i] (and its subtree) compactly; returns the next index. */
static size_t emit(const char *doc, const struct lsn_jsonr_token *t, size_t i, struct out *o,
                   char *tmp, size_t tmp_cap, char *esc, size_t esc_cap)
{
    size_t k, m, len = 0, elen = 0;
    switch (t[i].type) {
    case LSN_JSONR_OBJECT:
    case LSN_JSONR_ARRAY:
        put(o, t[i].type == LSN_JSONR_OBJECT ? "{" : "[", 1);
        for (k = i + 1, m = 0; m < t[i].size; m++) {
            if (m)
                put(o, ",", 1);
            if (t[i].type == LSN_JSONR_OBJECT) {
                k = emit(doc, t, k, o, tmp, tmp_cap, esc, esc_cap);
                put(o, ":", 1);
            }
            k = emit(doc, t, k, o, tmp, tmp_cap, esc, esc_cap);
        }
        if (k != t[i].next)
            abort();
        put(o, t[i].type == LSN_JSONR_OBJECT ? "}" : "]", 1);
        return k;
    case LSN_JSONR_STRING:
        if (lsn_jsonr_string(doc, &t[i], tmp, tmp_cap, &len) != LSN_JSONR_OK)
            abort();
        if (lsn_json_string(tmp, len, esc, esc_cap, &elen) != LSN_JSON_OK)
            abort();
        if (memmem(esc, elen, "\xEF\xBF\xBD", 3) && !memmem(tmp, len, "\xEF\xBF\xBD", 3))
            abort(); /* a replacement the decoded text did not have: invalid UTF-8 */
        put(o, esc, elen);
        return i + 1;
    case LSN_JSONR_NUMBER: put(o, doc + t[i].start, t[i].end - t[i].start); return i + 1;
    case LSN_JSONR_TRUE: put(o, "true", 4); return i + 1;
    case LSN_JSONR_FALSE: put(o, "false", 5); return i + 1;
    case LSN_JSONR_NULL: put(o, "null", 4); return i + 1;
    }
    abort();
}

static void check_shape(const char *doc, size_t size, const struct lsn_jsonr_token *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i].start > t[i].end || t[i].end > size || t[i].next <= i || t[i].next > n)
            abort();
        switch (t[i].type) {
        case LSN_JSONR_OBJECT:
        case LSN_JSONR_ARRAY: {
            char open = t[i].type == LSN_JSONR_OBJECT ? '{' : '[';
            char close = t[i].type == LSN_JSONR_OBJECT ? '}' : ']';
            if (doc[t[i].start] != open || doc[t[i].end - 1] != close)
                abort();
            size_t k = i + 1;
            for (size_t m = 0; m < t[i].size; m++) {
                if (k >= t[i].next)
                    abort();
                if (t[i].type == LSN_JSONR_OBJECT) {
                    if (t[k].type != LSN_JSONR_STRING || k + 1 >= t[i].next)
                        abort();
                    k = t[k + 1].next;
                } else {
                    k = t[k].next;
                }
            }
            if (k != t[i].next)
                abort();
            break;
        }
        case LSN_JSONR_STRING:
            if (t[i].start == 0 || doc[t[i].start - 1] != '"' || t[i].end >= size ||
                doc[t[i].end] != '"' || t[i].size != 0 || t[i].next != i + 1)
                abort();
            break;
        case LSN_JSONR_NUMBER:
        case LSN_JSONR_TRUE:
        case LSN_JSONR_FALSE:
        case LSN_JSONR_NULL:
            if (t[i].size != 0 || t[i].next != i + 1 || t[i].start == t[i].end)
                abort();
            break;
        default: abort();
        }
    }
    if (n == 0 || t[0].next != n)
        abort();
}

static void check_integers(const char *doc, const struct lsn_jsonr_token *t, size_t n)
{
    char text[32];
    for (size_t i = 0; i < n; i++) {
        if (t[i].type != LSN_JSONR_NUMBER) {
            int64_t v = 1;
            if (lsn_jsonr_int64(doc, &t[i], &v) != LSN_JSONR_NOT_INTEGER || v != 0)
                abort();
            continue;
        }
        const char *s = doc + t[i].start;
        size_t len = t[i].end - t[i].start;
        int64_t v = 1;
        enum lsn_jsonr_status st = lsn_jsonr_int64(doc, &t[i], &v);
        if (memchr(s, '.', len) || memchr(s, 'e', len) || memchr(s, 'E', len)) {
            if (st != LSN_JSONR_NOT_INTEGER || v != 0)
                abort();
            continue;
        }
        if (st == LSN_JSONR_OUT_OF_RANGE) {
            size_t digits = len - (s[0] == '-');
            if (digits < 19 || v != 0)
                abort();
            continue;
        }
        if (st != LSN_JSONR_OK)
            abort();
        int w = snprintf(text, sizeof text, "%" PRId64, v);
        int neg_zero = len == 2 && s[0] == '-' && s[1] == '0';
        if (neg_zero ? v != 0 : ((size_t)w != len || memcmp(text, s, len) != 0))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *doc = (const char *)data;
    size_t cap = size + 2, n = 0, where = 0, n2 = 0, where2 = 0;
    struct lsn_jsonr_token *t = malloc(cap * sizeof *t);
    struct lsn_jsonr_token *t2 = malloc(cap * sizeof *t2);
    if (!t || !t2)
        abort();

    /* small limits from the first byte */
    unsigned depth = size ? 1u + data[0] % 40u : 1u;
    size_t small_cap = size ? 1u + (size_t)data[0] * 7u : 1u;
    if (small_cap > cap)
        small_cap = cap;
    enum lsn_jsonr_status s1 = lsn_json_read(doc, size, t2, small_cap, depth, &n2, &where2);
    enum lsn_jsonr_status st = lsn_json_read(doc, size, t, cap, LSN_JSONR_MAX_DEPTH, &n, &where);
    if (where > size || where2 > size || (st != LSN_JSONR_OK && n != 0) ||
        (s1 != LSN_JSONR_OK && n2 != 0) ||
        strcmp(lsn_jsonr_status_text(st), "unknown status") == 0 ||
        strcmp(lsn_jsonr_status_text(s1), "unknown status") == 0 || st > LSN_JSONR_BAD_DEPTH ||
        s1 > LSN_JSONR_BAD_DEPTH || st == LSN_JSONR_BAD_DEPTH)
        abort();
    if (s1 == LSN_JSONR_OK) {
        if (st != LSN_JSONR_OK || n != n2)
            abort();
        for (size_t i = 0; i < n; i++) /* field by field: padding is not written */
            if (t[i].type != t2[i].type || t[i].start != t2[i].start || t[i].end != t2[i].end ||
                t[i].size != t2[i].size || t[i].next != t2[i].next)
                abort();
    } else if (s1 == LSN_JSONR_TOO_DEEP || s1 == LSN_JSONR_NO_TOKENS) {
        if (st != LSN_JSONR_OK && st != LSN_JSONR_TOO_DEEP && where < where2)
            abort();
    } else if (s1 != st || where != where2) {
        abort(); /* a syntax error does not depend on the limits */
    }

    /* max_depth 0 is the default depth; above the maximum is refused before
     * reading anything; every status has its own text */
    size_t n4 = 0, where4 = 0;
    if (lsn_json_read(doc, size, t2, cap, 0, &n4, &where4) !=
            lsn_json_read(doc, size, t2, cap, LSN_JSONR_DEFAULT_DEPTH, NULL, NULL) ||
        lsn_json_read(doc, size, t2, cap, LSN_JSONR_MAX_DEPTH + 1, &n4, &where4) !=
            LSN_JSONR_BAD_DEPTH ||
        n4 != 0 || where4 != 0)
        abort();
    for (int k = LSN_JSONR_OK; k <= LSN_JSONR_NO_SPACE; k++)
        for (int j = LSN_JSONR_OK; j < k; j++)
            if (strcmp(lsn_jsonr_status_text((enum lsn_jsonr_status)k),
                       lsn_jsonr_status_text((enum lsn_jsonr_status)j)) == 0)
                abort();

    if (st == LSN_JSONR_OK) {
        check_shape(doc, size, t, n);
        check_integers(doc, t, n);
        for (size_t i = 0; i < n; i++) {
            size_t d = lsn_jsonr_duplicate_key(doc, t, i);
            if (d != 0 && (t[i].type != LSN_JSONR_OBJECT || d <= i || d >= t[i].next ||
                           t[d].type != LSN_JSONR_STRING))
                abort();
        }

        /* round trip */
        size_t tmp_cap = size + 1, esc_cap = LSN_JSON_STRING_SIZE(size), out_cap = 8 * size + 16;
        char *tmp = malloc(tmp_cap), *esc = malloc(esc_cap);
        struct out o = {malloc(out_cap), 0, out_cap};
        if (!tmp || !esc || !o.p)
            abort();
        if (emit(doc, t, 0, &o, tmp, tmp_cap, esc, esc_cap) != n)
            abort();
        size_t n3 = 0;
        struct lsn_jsonr_token *t3 = malloc(n * sizeof *t3);
        if (!t3 || lsn_json_read(o.p, o.n, t3, n, LSN_JSONR_MAX_DEPTH, &n3, NULL) != LSN_JSONR_OK ||
            n3 != n)
            abort();
        for (size_t i = 0; i < n; i++) {
            if (t3[i].type != t[i].type || t3[i].size != t[i].size || t3[i].next != t[i].next)
                abort();
            if (t[i].type == LSN_JSONR_STRING) {
                size_t a = 0, z = 1;
                if (lsn_jsonr_string(doc, &t[i], tmp, tmp_cap, &a) != LSN_JSONR_OK ||
                    !lsn_jsonr_string_equals(o.p, &t3[i], tmp, a) ||
                    lsn_jsonr_string_compare(o.p, &t3[i], &t3[i]) != 0)
                    abort();
                /* one byte short of text + NUL: NO_SPACE, an empty dst, length 0 */
                if (lsn_jsonr_string(doc, &t[i], tmp, a, &z) != LSN_JSONR_NO_SPACE || z != 0 ||
                    (a > 0 && tmp[0] != '\0'))
                    abort();
            } else {
                size_t z = 1;
                tmp[0] = 'x';
                if (lsn_jsonr_string(doc, &t[i], tmp, tmp_cap, &z) != LSN_JSONR_NOT_STRING ||
                    z != 0 || tmp[0] != '\0')
                    abort();
            }
        }
        free(t3);
        free(o.p);
        free(tmp);
        free(esc);
    }
    free(t);
    free(t2);
    return 0;
}
