/* Tests for json_reader.h: the strict, bounded JSON reader for untrusted documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_reader.h"
#include "test_support.h"

#define S(lit) lit, sizeof(lit) - 1
#define CAP 64

struct row {
    const char *in;
    size_t len;
    enum lsn_jsonr_status want;
    size_t where; /* failure offset (ignored for OK) */
};

static enum lsn_jsonr_status read_doc(const char *in, size_t len, size_t *n, size_t *where)
{
    static struct lsn_jsonr_token tokens[CAP];
    return lsn_json_read(in, len, tokens, CAP, 0, n, where);
}

/* Every row read from a guard-page copy, so reading one byte past len faults. */
static void check_rows(const struct row *rows, size_t count)
{
    struct test_guard g;
    int bad = 0;
    test_guard_init(&g, 4096);
    for (size_t i = 0; i < count; i++) {
        size_t n = 99, where = 99;
        const char *p = test_guard_place(&g, rows[i].in, rows[i].len);
        enum lsn_jsonr_status st = read_doc(p, rows[i].len, &n, &where);
        if (st != rows[i].want || (st != LSN_JSONR_OK && where != rows[i].where) ||
            (st != LSN_JSONR_OK && n != 0)) {
            print_error("row %zu [%.*s]: status %d (%s) at %zu, want %d (%s) at %zu\n", i,
                        (int)rows[i].len, rows[i].in, st, lsn_jsonr_status_text(st), where,
                        rows[i].want, lsn_jsonr_status_text(rows[i].want), rows[i].where);
            bad = 1;
        }
    }
    test_guard_free(&g);
    assert_false(bad);
}

static void valid_documents(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {S("0"), LSN_JSONR_OK, 0},
        {S("-0"), LSN_JSONR_OK, 0},
        {S("-12.5e+3"), LSN_JSONR_OK, 0},
        {S("1E-2"), LSN_JSONR_OK, 0},
        {S("0.0"), LSN_JSONR_OK, 0},
        {S(" \t\r\n true \n"), LSN_JSONR_OK, 0},
        {S("false"), LSN_JSONR_OK, 0},
        {S("null"), LSN_JSONR_OK, 0},
        {S("\"\""), LSN_JSONR_OK, 0},
        {S("\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\""), LSN_JSONR_OK, 0},
        {S("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\xed\x9f\xbf\""), LSN_JSONR_OK,
         0},
        {S("[]"), LSN_JSONR_OK, 0},
        {S("{}"), LSN_JSONR_OK, 0},
        {S("[ 1 , [ ] , { } , \"x\" ]"), LSN_JSONR_OK, 0},
        {S("{\"a\":{\"b\":[null,true]},\"c\":1}"), LSN_JSONR_OK, 0},
        {S("\"\\u0000\""), LSN_JSONR_OK, 0},
        /* huge numbers are valid JSON; lsn_jsonr_int64 judges their range */
        {S("123456789012345678901234567890e999999999999"), LSN_JSONR_OK, 0},
    };
    check_rows(rows, sizeof rows / sizeof rows[0]);
}

static void syntax_errors(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {S(""), LSN_JSONR_EMPTY, 0},
        {S("  \n"), LSN_JSONR_EMPTY, 3},
        {S("["), LSN_JSONR_TRUNCATED, 1},
        {S("[1"), LSN_JSONR_TRUNCATED, 2},
        {S("{\"a\""), LSN_JSONR_TRUNCATED, 4},
        {S("{\"a\":"), LSN_JSONR_TRUNCATED, 5},
        {S("\"abc"), LSN_JSONR_TRUNCATED, 4},
        {S("\"\\"), LSN_JSONR_TRUNCATED, 2},
        {S("\"\\u12"), LSN_JSONR_TRUNCATED, 5},
        {S("tru"), LSN_JSONR_TRUNCATED, 3},
        {S("[1,]"), LSN_JSONR_TRAILING_COMMA, 3},
        {S("{\"a\":1,}"), LSN_JSONR_TRAILING_COMMA, 7},
        {S("[,1]"), LSN_JSONR_BAD_SYNTAX, 1},
        {S("[1 2]"), LSN_JSONR_BAD_SYNTAX, 3},
        {S("{\"a\" 1}"), LSN_JSONR_BAD_SYNTAX, 5},
        {S("{a:1}"), LSN_JSONR_BAD_SYNTAX, 1},
        {S("{1:1}"), LSN_JSONR_BAD_SYNTAX, 1},
        {S("['a']"), LSN_JSONR_BAD_SYNTAX, 1},
        {S("[1}"), LSN_JSONR_BAD_SYNTAX, 2},
        {S("{\"a\":1]"), LSN_JSONR_BAD_SYNTAX, 6},
        {S("NaN"), LSN_JSONR_BAD_SYNTAX, 0},
        {S("Infinity"), LSN_JSONR_BAD_SYNTAX, 0},
        {S("-Infinity"), LSN_JSONR_BAD_NUMBER, 1},
        {S("nul1"), LSN_JSONR_BAD_SYNTAX, 3},
        {S("True"), LSN_JSONR_BAD_SYNTAX, 0},
        {S("\xef\xbb\xbf{}"), LSN_JSONR_BAD_SYNTAX, 0}, /* byte order mark */
        {S("/* c */ 1"), LSN_JSONR_BAD_SYNTAX, 0},
        {S("1 2"), LSN_JSONR_TRAILING_DATA, 2},
        {S("{} x"), LSN_JSONR_TRAILING_DATA, 3},
        {S("1\f"), LSN_JSONR_TRAILING_DATA, 1}, /* form feed is not JSON whitespace */
        {S("\x00"), LSN_JSONR_BAD_SYNTAX, 0},
        {S("[\x0b]"), LSN_JSONR_BAD_SYNTAX, 1},
    };
    check_rows(rows, sizeof rows / sizeof rows[0]);
}

static void numbers(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {S("01"), LSN_JSONR_BAD_NUMBER, 1},      {S("-01"), LSN_JSONR_BAD_NUMBER, 2},
        {S("00"), LSN_JSONR_BAD_NUMBER, 1},      {S("-"), LSN_JSONR_BAD_NUMBER, 1},
        {S("+1"), LSN_JSONR_BAD_SYNTAX, 0},      {S("1."), LSN_JSONR_BAD_NUMBER, 2},
        {S(".5"), LSN_JSONR_BAD_SYNTAX, 0},      {S("1.e3"), LSN_JSONR_BAD_NUMBER, 2},
        {S("1e"), LSN_JSONR_BAD_NUMBER, 2},      {S("1e+"), LSN_JSONR_BAD_NUMBER, 3},
        {S("0x10"), LSN_JSONR_TRAILING_DATA, 1}, {S("[1.5.5]"), LSN_JSONR_BAD_SYNTAX, 4},
    };
    check_rows(rows, sizeof rows / sizeof rows[0]);
}

static void strings(void **state)
{
    (void)state;
    static const struct row rows[] = {
        {S("\"a\nb\""), LSN_JSONR_BAD_STRING, 2},
        {S("\"\t\""), LSN_JSONR_BAD_STRING, 1},
        {S("\"\x1f\""), LSN_JSONR_BAD_STRING, 1},
        {S("\"\x00\""), LSN_JSONR_BAD_STRING, 1},
        {S("\"\x7f\""), LSN_JSONR_OK, 0}, /* DEL is not a control byte to RFC 8259 */
        {S("\"\\x41\""), LSN_JSONR_BAD_ESCAPE, 1},
        {S("\"\\'\""), LSN_JSONR_BAD_ESCAPE, 1},
        {S("\"\\u00g0\""), LSN_JSONR_BAD_ESCAPE, 1},
        {S("\"\\U0041\""), LSN_JSONR_BAD_ESCAPE, 1},
        /* surrogates */
        {S("\"\\uD800\""), LSN_JSONR_BAD_SURROGATE, 1},
        {S("\"\\uDBFF x\""), LSN_JSONR_BAD_SURROGATE, 1},
        {S("\"\\uDC00\""), LSN_JSONR_BAD_SURROGATE, 1},
        {S("\"\\uDFFF\\uD800\""), LSN_JSONR_BAD_SURROGATE, 1},
        {S("\"\\uD800\\u0041\""), LSN_JSONR_BAD_SURROGATE, 1},
        {S("\"\\uD800\\uD800\""), LSN_JSONR_BAD_SURROGATE, 1},
        {S("\"\\uD800\\uzzzz\""), LSN_JSONR_BAD_ESCAPE, 7},
        {S("\"\\uD83D\\uDE00\\uDE00\""), LSN_JSONR_BAD_SURROGATE, 13},
        {S("\"\\ud83d\\ude00\""), LSN_JSONR_OK, 0},
        /* invalid UTF-8 */
        {S("\"\x80\""), LSN_JSONR_BAD_UTF8, 1},
        {S("\"\xc0\x80\""), LSN_JSONR_BAD_UTF8, 1},
        {S("\"\xc1\xbf\""), LSN_JSONR_BAD_UTF8, 1},
        {S("\"\xe0\x80\x80\""), LSN_JSONR_BAD_UTF8, 1},
        {S("\"\xed\xa0\x80\""), LSN_JSONR_BAD_UTF8, 1}, /* encoded surrogate */
        {S("\"\xf0\x80\x80\x80\""), LSN_JSONR_BAD_UTF8, 1},
        {S("\"\xf4\x90\x80\x80\""), LSN_JSONR_BAD_UTF8, 1}, /* above U+10FFFF */
        {S("\"\xf5\x80\x80\x80\""), LSN_JSONR_BAD_UTF8, 1},
        {S("\"\xff\""), LSN_JSONR_BAD_UTF8, 1},
        {S("\"ab\xc3\""), LSN_JSONR_BAD_UTF8, 3},
        {S("\"ab\xe2\x82"), LSN_JSONR_BAD_UTF8, 3},
        {S("{\"\xc3\x28\":1}"), LSN_JSONR_BAD_UTF8, 2},
    };
    check_rows(rows, sizeof rows / sizeof rows[0]);
}

static void deep_nesting(void **state)
{
    (void)state;
    static char buf[2 * 300 + 1];
    static struct lsn_jsonr_token tokens[600];
    size_t n, where;
    for (size_t d = 1; d <= 300; d++) {
        memset(buf, '[', d);
        memset(buf + d, ']', d);
        enum lsn_jsonr_status st = lsn_json_read(buf, 2 * d, tokens, 600, 0, &n, &where);
        if (d <= LSN_JSONR_DEFAULT_DEPTH) {
            assert_int_equal(st, LSN_JSONR_OK);
            assert_int_equal(n, d);
            assert_int_equal(tokens[0].next, d);
            assert_int_equal(tokens[d - 1].end, d + 1);
        } else {
            assert_int_equal(st, LSN_JSONR_TOO_DEEP);
            assert_int_equal(where, LSN_JSONR_DEFAULT_DEPTH);
        }
    }
    /* objects count too, and the limit is the caller's */
    const char obj[] = "{\"a\":{\"a\":{\"a\":1}}}";
    assert_int_equal(lsn_json_read(obj, sizeof obj - 1, tokens, 600, 3, &n, &where), LSN_JSONR_OK);
    assert_int_equal(lsn_json_read(obj, sizeof obj - 1, tokens, 600, 2, &n, &where),
                     LSN_JSONR_TOO_DEEP);
    assert_int_equal(where, 10);
    memset(buf, '[', 256);
    memset(buf + 256, ']', 256);
    assert_int_equal(lsn_json_read(buf, 512, tokens, 600, LSN_JSONR_MAX_DEPTH, &n, &where),
                     LSN_JSONR_OK);
    assert_int_equal(lsn_json_read(buf, 512, tokens, 600, LSN_JSONR_MAX_DEPTH + 1, &n, &where),
                     LSN_JSONR_BAD_DEPTH);
    /* a million '[' costs nothing: it stops at the limit */
    size_t big = 1u << 20;
    char *deep = malloc(big);
    assert_non_null(deep);
    memset(deep, '[', big);
    assert_int_equal(lsn_json_read(deep, big, tokens, 600, 0, &n, &where), LSN_JSONR_TOO_DEEP);
    free(deep);
}

static void token_capacity(void **state)
{
    (void)state;
    struct lsn_jsonr_token tokens[4];
    size_t n = 7, where = 7;
    const char doc[] = "[1,2,3]";
    assert_int_equal(lsn_json_read(S(doc), tokens, 4, 0, &n, &where), LSN_JSONR_OK);
    assert_int_equal(n, 4);
    assert_int_equal(lsn_json_read(S(doc), tokens, 3, 0, &n, &where), LSN_JSONR_NO_TOKENS);
    assert_int_equal(n, 0);
    assert_int_equal(where, 5);
    assert_int_equal(lsn_json_read(S(doc), tokens, 0, 0, &n, &where), LSN_JSONR_NO_TOKENS);
    assert_int_equal(lsn_json_read(S("1"), NULL, 0, 0, &n, &where), LSN_JSONR_NO_TOKENS);
}

static void token_layout(void **state)
{
    (void)state;
    struct lsn_jsonr_token t[16];
    size_t n;
    const char doc[] = " {\"a\" : [1, {\"b\":null}], \"c\":\"x\"} ";
    assert_int_equal(lsn_json_read(S(doc), t, 16, 0, &n, NULL), LSN_JSONR_OK);
    assert_int_equal(n, 9);
    assert_int_equal(t[0].type, LSN_JSONR_OBJECT);
    assert_int_equal(t[0].size, 2);
    assert_int_equal(t[0].start, 1);
    assert_int_equal(t[0].end, sizeof doc - 2);
    assert_int_equal(t[0].next, 9);
    assert_int_equal(t[1].type, LSN_JSONR_STRING); /* key "a" */
    assert_true(lsn_jsonr_string_equals(doc, &t[1], S("a")));
    assert_int_equal(t[2].type, LSN_JSONR_ARRAY);
    assert_int_equal(t[2].size, 2);
    assert_int_equal(t[2].next, 7);
    assert_int_equal(t[3].type, LSN_JSONR_NUMBER);
    assert_int_equal(t[4].type, LSN_JSONR_OBJECT);
    assert_int_equal(t[4].size, 1);
    assert_int_equal(t[6].type, LSN_JSONR_NULL);
    assert_true(lsn_jsonr_string_equals(doc, &t[7], S("c")));
    assert_true(lsn_jsonr_string_equals(doc, &t[8], S("x")));
    /* sibling walk of the object */
    size_t k = 1, members = 0;
    for (size_t m = 0; m < t[0].size; m++, k = t[k + 1].next)
        members++;
    assert_int_equal(members, 2);
    assert_int_equal(k, 9);
}

static void string_decoding(void **state)
{
    (void)state;
    struct lsn_jsonr_token t[2];
    char out[64];
    size_t n, len;
    const char doc[] = "\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC\\uD83D\\uDE00\\u0000z\"";
    const char want[] = "a\"\\/\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\0z";
    assert_int_equal(lsn_json_read(S(doc), t, 2, 0, &n, NULL), LSN_JSONR_OK);
    assert_int_equal(lsn_jsonr_string(doc, &t[0], out, sizeof out, &len), LSN_JSONR_OK);
    assert_int_equal(len, sizeof want - 1);
    assert_memory_equal(out, want, sizeof want);
    assert_true(lsn_jsonr_string_equals(doc, &t[0], want, sizeof want - 1));
    assert_false(lsn_jsonr_string_equals(doc, &t[0], want, sizeof want - 2));
    /* exact fit, one short */
    assert_int_equal(lsn_jsonr_string(doc, &t[0], out, sizeof want, &len), LSN_JSONR_OK);
    assert_int_equal(lsn_jsonr_string(doc, &t[0], out, sizeof want - 1, &len), LSN_JSONR_NO_SPACE);
    assert_int_equal(len, 0);
    assert_int_equal(out[0], '\0');
    assert_int_equal(lsn_jsonr_string(doc, &t[0], out, 0, &len), LSN_JSONR_NO_SPACE);
    /* span + 1 always suffices */
    assert_true(sizeof want <= t[0].end - t[0].start + 1);
    /* not a string */
    assert_int_equal(lsn_json_read(S("12"), t, 2, 0, &n, NULL), LSN_JSONR_OK);
    assert_int_equal(lsn_jsonr_string("12", &t[0], out, sizeof out, &len), LSN_JSONR_NOT_STRING);
    assert_false(lsn_jsonr_string_equals("12", &t[0], S("12")));
    /* empty string */
    assert_int_equal(lsn_json_read(S("\"\""), t, 2, 0, &n, NULL), LSN_JSONR_OK);
    assert_int_equal(lsn_jsonr_string("\"\"", &t[0], out, 1, &len), LSN_JSONR_OK);
    assert_int_equal(len, 0);
}

static void duplicate_keys(void **state)
{
    (void)state;
    struct lsn_jsonr_token t[16];
    size_t n;
    const char ok[] = "{\"a\":1,\"b\":{\"a\":2},\"ab\":3}";
    assert_int_equal(lsn_json_read(S(ok), t, 16, 0, &n, NULL), LSN_JSONR_OK);
    assert_int_equal(lsn_jsonr_duplicate_key(ok, t, 0), 0);
    const char dup[] = "{\"a\":1,\"b\":[1,2],\"a\":3}";
    assert_int_equal(lsn_json_read(S(dup), t, 16, 0, &n, NULL), LSN_JSONR_OK);
    assert_int_equal(lsn_jsonr_duplicate_key(dup, t, 0), 7);
    assert_true(lsn_jsonr_string_equals(dup, &t[7], S("a")));
    /* the same key spelt with an escape is the same key */
    const char esc[] = "{\"port\":1,\"\\u0070ort\":2}";
    assert_int_equal(lsn_json_read(S(esc), t, 16, 0, &n, NULL), LSN_JSONR_OK);
    assert_int_equal(lsn_jsonr_duplicate_key(esc, t, 0), 3);
    const char sur[] = "{\"\\uD83D\\uDE00\":1,\"\xf0\x9f\x98\x80\":2}";
    assert_int_equal(lsn_json_read(S(sur), t, 16, 0, &n, NULL), LSN_JSONR_OK);
    assert_int_equal(lsn_jsonr_duplicate_key(sur, t, 0), 3);
    /* not an object */
    assert_int_equal(lsn_json_read(S("[1,1]"), t, 16, 0, &n, NULL), LSN_JSONR_OK);
    assert_int_equal(lsn_jsonr_duplicate_key("[1,1]", t, 0), 0);
    /* compare orders decoded bytes */
    const char cmp[] = "[\"a\",\"\\u0062\",\"ab\",\"a\"]";
    assert_int_equal(lsn_json_read(S(cmp), t, 16, 0, &n, NULL), LSN_JSONR_OK);
    assert_true(lsn_jsonr_string_compare(cmp, &t[1], &t[2]) < 0);
    assert_true(lsn_jsonr_string_compare(cmp, &t[2], &t[3]) > 0);
    assert_true(lsn_jsonr_string_compare(cmp, &t[1], &t[3]) < 0);
    assert_int_equal(lsn_jsonr_string_compare(cmp, &t[1], &t[4]), 0);
}

static void integers(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        enum lsn_jsonr_status want;
        int64_t value;
    } rows[] = {
        {"0", LSN_JSONR_OK, 0},
        {"-0", LSN_JSONR_OK, 0},
        {"65535", LSN_JSONR_OK, 65535},
        {"-1", LSN_JSONR_OK, -1},
        {"9223372036854775807", LSN_JSONR_OK, INT64_MAX},
        {"-9223372036854775808", LSN_JSONR_OK, INT64_MIN},
        {"9223372036854775808", LSN_JSONR_OUT_OF_RANGE, 0},
        {"-9223372036854775809", LSN_JSONR_OUT_OF_RANGE, 0},
        {"18446744073709551616", LSN_JSONR_OUT_OF_RANGE, 0},
        {"99999999999999999999999999999999999999", LSN_JSONR_OUT_OF_RANGE, 0},
        {"1.0", LSN_JSONR_NOT_INTEGER, 0},
        {"1e2", LSN_JSONR_NOT_INTEGER, 0},
        {"\"1\"", LSN_JSONR_NOT_INTEGER, 0},
        {"null", LSN_JSONR_NOT_INTEGER, 0},
    };
    struct lsn_jsonr_token t[2];
    size_t n;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int64_t v = 42;
        assert_int_equal(lsn_json_read(rows[i].in, strlen(rows[i].in), t, 2, 0, &n, NULL),
                         LSN_JSONR_OK);
        enum lsn_jsonr_status st = lsn_jsonr_int64(rows[i].in, &t[0], &v);
        if (st != rows[i].want || v != rows[i].value) {
            print_error("[%s]: %d %lld\n", rows[i].in, st, (long long)v);
            fail();
        }
    }
}

static void status_texts(void **state)
{
    (void)state;
    for (int s = LSN_JSONR_OK; s <= LSN_JSONR_NO_SPACE; s++)
        assert_string_not_equal(lsn_jsonr_status_text((enum lsn_jsonr_status)s), "unknown status");
    assert_string_equal(lsn_jsonr_status_text((enum lsn_jsonr_status)99), "unknown status");
}

/* Random bytes from a small alphabet never crash the reader, and every token
 * it returns lies inside the input with a subtree end after itself. */
static void random_documents(void **state)
{
    (void)state;
    static const char alphabet[] = "{}[],:\"\\u0123456789abcdefDE-+.eEtrnl \n\x80\xc3\xed\xf0";
    struct lsn_jsonr_token t[32];
    char buf[48];
    uint64_t seed = 0x9e3779b97f4a7c15u;
    unsigned ok = 0;
    for (int iter = 0; iter < 200000; iter++) {
        size_t len = (size_t)(test_xorshift64(&seed) % sizeof buf);
        for (size_t i = 0; i < len; i++)
            buf[i] = alphabet[test_xorshift64(&seed) % (sizeof alphabet - 1)];
        size_t n = 0, where = 0;
        enum lsn_jsonr_status st = lsn_json_read(buf, len, t, 32, 4, &n, &where);
        assert_true(where <= len);
        if (st != LSN_JSONR_OK)
            continue;
        ok++;
        for (size_t i = 0; i < n; i++) {
            assert_true(t[i].start <= t[i].end && t[i].end <= len);
            assert_true(t[i].next > i && t[i].next <= n);
        }
    }
    assert_true(ok > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_documents), cmocka_unit_test(syntax_errors),
        cmocka_unit_test(numbers),         cmocka_unit_test(strings),
        cmocka_unit_test(deep_nesting),    cmocka_unit_test(token_capacity),
        cmocka_unit_test(token_layout),    cmocka_unit_test(string_decoding),
        cmocka_unit_test(duplicate_keys),  cmocka_unit_test(integers),
        cmocka_unit_test(status_texts),    cmocka_unit_test(random_documents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
