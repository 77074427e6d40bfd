/* Tests for json_string.h: JSON string escaping with U+FFFD per maximal subpart, and the
 * terminal-safe text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_string.h"
#include "test_support.h"

#define S(lit) lit, sizeof(lit) - 1
#define FFFD "\xEF\xBF\xBD"

/* Lower-cases the four hex digits of every \uXXXX so either case of A-F passes. */
static void fold_u_escapes(char *s)
{
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] == '\\') {
            s++;
            continue;
        }
        if (s[0] == '\\' && s[1] == 'u')
            for (int i = 2; i < 6 && s[i]; i++)
                if (s[i] >= 'A' && s[i] <= 'F')
                    s[i] = (char)(s[i] - 'A' + 'a');
    }
}

struct json_row {
    const char *in;
    size_t len;
    const char *out; /* with quotes; \u escapes in lower case */
};

static const struct json_row ROWS[] = {
    {S(""), "\"\""},
    {S("sshd"), "\"sshd\""},
    {S("/usr/sbin/sshd (deleted)"), "\"/usr/sbin/sshd (deleted)\""},
    {S("\""), "\"\\\"\""},
    {S("\\"), "\"\\\\\""},
    {S("a\"b\\c"), "\"a\\\"b\\\\c\""},
    {S("/"), "\"/\""},
    {S("\n"), "\"\\n\""},
    {S("\t"), "\"\\t\""},
    {S("\b"), "\"\\b\""},
    {S("\f"), "\"\\f\""},
    {S("\r"), "\"\\r\""},
    {S("\x01"), "\"\\u0001\""},
    {S("\x1f"), "\"\\u001f\""},
    {S("\x7f"), "\"\\u007f\""},
    {S("\x0b"), "\"\\u000b\""},
    {S("\x1b[31m"), "\"\\u001b[31m\""},
    {S("a\0b"), "\"a\\u0000b\""},
    {S("new\nline (deleted)"), "\"new\\nline (deleted)\""},
    /* valid UTF-8 is kept: 2, 3 and 4 bytes, the edges of each range */
    {S("caf\xC3\xA9"), "\"caf\xC3\xA9\""},
    {S("\xE2\x82\xAC"), "\"\xE2\x82\xAC\""},
    {S("\xF0\x9D\x84\x9E"), "\"\xF0\x9D\x84\x9E\""},
    {S("\xC2\xA0"), "\"\xC2\xA0\""}, /* U+00A0, just past the C1 controls */
    {S("\xDF\xBF"), "\"\xDF\xBF\""},
    /* C1 controls and the characters that reorder or break a line: \uXXXX,
     * so a consumer printing the string raw gets no CSI and no bidi override */
    {S("\xC2\x80"), "\"\\u0080\""},
    {S("\xC2\x9B[2J"), "\"\\u009b[2J\""}, /* CSI: clear screen */
    {S("\xC2\x9F"), "\"\\u009f\""},
    {S("\xD8\x9C"), "\"\\u061c\""}, /* Arabic letter mark */
    {S("a\xE2\x80\x8E"
       "b\xE2\x80\x8F"),
     "\"a\\u200eb\\u200f\""},                              /* LRM, RLM */
    {S("\xE2\x80\xA8\xE2\x80\xA9"), "\"\\u2028\\u2029\""}, /* line, paragraph separators */
    {S("evil\xE2\x80\xAE"
       "exe.txt"),
     "\"evil\\u202eexe.txt\""}, /* RLO */
    {S("\xE2\x80\xAA\xE2\x80\xAD"), "\"\\u202a\\u202d\""},
    {S("\xE2\x81\xA6\xE2\x81\xA9"), "\"\\u2066\\u2069\""},           /* isolates */
    {S("\xE2\x80\x8D\xE2\x81\xAA"), "\"\xE2\x80\x8D\xE2\x81\xAA\""}, /* ZWJ, U+206A: kept */
    {S("\xE0\xA0\x80"), "\"\xE0\xA0\x80\""},
    {S("\xED\x9F\xBF"), "\"\xED\x9F\xBF\""},
    {S("\xEE\x80\x80"), "\"\xEE\x80\x80\""},
    {S("\xEF\xBF\xBD"), "\"\xEF\xBF\xBD\""},
    {S("\xEF\xBF\xBF"), "\"\xEF\xBF\xBF\""},
    {S("\xF0\x90\x80\x80"), "\"\xF0\x90\x80\x80\""},
    {S("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\""},
    /* Unicode 3.9, table 3-8: U+FFFD per maximal subpart */
    {S("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64"),
     "\"a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d\""},
    {S("\xC0\xAF"), "\"" FFFD FFFD "\""}, /* overlong '/' */
    {S("\xC1\xBF"), "\"" FFFD FFFD "\""},
    {S("\xE0\x80\xAF"), "\"" FFFD FFFD FFFD "\""}, /* overlong 3-byte */
    {S("\xE0\x9F\xBF"), "\"" FFFD FFFD FFFD "\""},
    {S("\xF0\x80\x80\xAF"), "\"" FFFD FFFD FFFD FFFD "\""},
    {S("\xF0\x8F\xBF\xBF"), "\"" FFFD FFFD FFFD FFFD "\""},
    {S("\xED\xA0\x80"), "\"" FFFD FFFD FFFD "\""},          /* surrogate U+D800 */
    {S("\xED\xBF\xBF"), "\"" FFFD FFFD FFFD "\""},          /* surrogate U+DFFF */
    {S("\xF4\x90\x80\x80"), "\"" FFFD FFFD FFFD FFFD "\""}, /* U+110000 */
    {S("\xF5\x80\x80\x80"), "\"" FFFD FFFD FFFD FFFD "\""},
    {S("\xFE"), "\"" FFFD "\""},
    {S("\xFF"), "\"" FFFD "\""},
    {S("\x80"), "\"" FFFD "\""},
    {S("\xBF\x80"), "\"" FFFD FFFD "\""},
    {S("\xE2\x82"), "\"" FFFD "\""}, /* truncated at the end */
    {S("\xE2\x82x"), "\"" FFFD "x\""},
    {S("\xF0\x9F\x98"), "\"" FFFD "\""},
    {S("\xF0\x9F\x98\""), "\"" FFFD "\\\"\""},
    {S("\xC3"), "\"" FFFD "\""},
    {S("\xC3\n"), "\"" FFFD "\\n\""},
    {S("\xE2\x82\xE2\x82\xAC"), "\"" FFFD "\xE2\x82\xAC\""},
    {S("\xF4\x8F\xBF"), "\"" FFFD "\""},
};

static void check_row(const struct json_row *r, size_t i)
{
    char out[512];
    memset(out, '#', sizeof out);
    size_t ol = 999;
    assert_true(LSN_JSON_STRING_SIZE(r->len) <= sizeof out);
    enum lsn_json_status st =
        lsn_json_string(r->in, r->len, out, LSN_JSON_STRING_SIZE(r->len), &ol);
    if (st != LSN_JSON_OK)
        fail_msg("row %zu: status %d", i, (int)st);
    assert_int_equal(ol, strlen(out));
    fold_u_escapes(out);
    if (strcmp(out, r->out) != 0)
        fail_msg("row %zu: got %s want %s", i, out, r->out);
}

static void test_json_string_escapes_and_replacements_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++)
        check_row(&ROWS[i], i);
}

static void test_json_string_unicode_table_3_8_example(void **state)
{
    (void)state;
    const char in[] = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
    char out[128];
    size_t ol;
    assert_int_equal(lsn_json_string(in, sizeof in - 1, out, sizeof out, &ol), LSN_JSON_OK);
    assert_string_equal(out, "\"a" FFFD FFFD FFFD "b" FFFD "c" FFFD FFFD "d\"");
}

/* cap = needed - 1 is NO_SPACE (dst[0] = '\0', *out_len 0), cap = needed is OK. */
static void test_json_no_space_one_short_and_ok_at_exact_size(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        const struct json_row *r = &ROWS[i];
        size_t needed = strlen(r->out) + 1;
        char out[512];
        size_t ol;
        for (size_t cap = 0; cap < needed; cap++) {
            memset(out, '#', sizeof out);
            ol = 999;
            enum lsn_json_status st = lsn_json_string(r->in, r->len, out, cap, &ol);
            if (st != LSN_JSON_NO_SPACE)
                fail_msg("row %zu cap %zu (needed %zu): status %d", i, cap, needed, (int)st);
            assert_int_equal(ol, 0);
            assert_int_equal(out[0], cap > 0 ? '\0' : '#');
            for (size_t k = cap; k < sizeof out; k++)
                if (out[k] != '#')
                    fail_msg("row %zu cap %zu: wrote byte %zu", i, cap, k);
        }
        memset(out, '#', sizeof out);
        assert_int_equal(lsn_json_string(r->in, r->len, out, needed, &ol), LSN_JSON_OK);
        assert_int_equal(ol, needed - 1);
        assert_int_equal(out[needed - 1], '\0');
        assert_int_equal(out[needed], '#');
        /* out_len may be NULL */
        assert_int_equal(lsn_json_string(r->in, r->len, out, needed, NULL), LSN_JSON_OK);
    }
    /* the worst case: all control bytes need exactly LSN_JSON_STRING_SIZE */
    char in[50];
    memset(in, 1, sizeof in);
    size_t need = LSN_JSON_STRING_SIZE(sizeof in);
    char *out = malloc(need);
    assert_non_null(out);
    size_t ol;
    assert_int_equal(lsn_json_string(in, sizeof in, out, need, &ol), LSN_JSON_OK);
    assert_int_equal(ol, need - 1);
    assert_int_equal(lsn_json_string(in, sizeof in, out, need - 1, &ol), LSN_JSON_NO_SPACE);
    free(out);
}

/* Reference: U+FFFD per maximal subpart (Unicode table 3-7 well-formed sequences). Returns the
 * length of the valid sequence at s[0..n) or, negated, the length of the maximal subpart
 * to replace. */
static long ref_seq(const unsigned char *s, size_t n)
{
    unsigned char b = s[0];
    if (b < 0x80)
        return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF)
        need = 1;
    else if (b == 0xE0)
        need = 2, lo = 0xA0;
    else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF)
        need = 2;
    else if (b == 0xED)
        need = 2, hi = 0x9F;
    else if (b == 0xF0)
        need = 3, lo = 0x90;
    else if (b >= 0xF1 && b <= 0xF3)
        need = 3;
    else if (b == 0xF4)
        need = 3, hi = 0x8F;
    else
        return -1;
    size_t i = 1;
    for (; i <= need; i++) {
        if (i >= n)
            return -(long)i;
        unsigned char c = s[i];
        unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;
        if (c < l || c > h)
            return -(long)i;
    }
    return (long)i;
}

static size_t ref_replace(const unsigned char *s, size_t n, unsigned char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        long r = ref_seq(s + i, n - i);
        if (r > 0) {
            memcpy(out + o, s + i, (size_t)r);
            o += (size_t)r;
            i += (size_t)r;
        } else {
            memcpy(out + o, FFFD, sizeof FFFD - 1);
            o += 3;
            i += (size_t)-r;
        }
    }
    return o;
}

static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        long r = ref_seq(s + i, n - i);
        if (r < 0)
            return 0;
        i += (size_t)r;
    }
    return 1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A strict JSON string decoder for the writer's output: \uXXXX only for the
 * controls, DEL, the C1 controls and the format characters, written back as
 * UTF-8. */
static size_t json_decode(const char *j, size_t n, unsigned char *out)
{
    assert_true(n >= 2);
    assert_int_equal(j[0], '"');
    assert_int_equal(j[n - 1], '"');
    size_t o = 0;
    for (size_t i = 1; i + 1 < n; i++) {
        unsigned char c = (unsigned char)j[i];
        if (c < 0x20 || c == 0x7F || c == '"')
            fail_msg("raw byte 0x%02x at %zu in JSON output", c, i);
        if (c != '\\') {
            out[o++] = c;
            continue;
        }
        assert_true(i + 2 < n);
        char e = j[++i];
        switch (e) {
        case '"': out[o++] = '"'; break;
        case '\\': out[o++] = '\\'; break;
        case '/': out[o++] = '/'; break;
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'u': {
            assert_true(i + 5 < n);
            int v = 0;
            for (int k = 1; k <= 4; k++) {
                int h = hexval(j[i + (size_t)k]);
                assert_true(h >= 0);
                v = v * 16 + h;
            }
            assert_true(v < 0x20 || v == 0x7F || (v >= 0x80 && v <= 0x9F) || v == 0x061C ||
                        (v >= 0x200E && v <= 0x200F) || (v >= 0x2028 && v <= 0x202E) ||
                        (v >= 0x2066 && v <= 0x2069));
            if (v < 0x80) {
                out[o++] = (unsigned char)v;
            } else if (v < 0x800) {
                out[o++] = (unsigned char)(0xC0 | v >> 6);
                out[o++] = (unsigned char)(0x80 | (v & 0x3F));
            } else {
                out[o++] = (unsigned char)(0xE0 | v >> 12);
                out[o++] = (unsigned char)(0x80 | (v >> 6 & 0x3F));
                out[o++] = (unsigned char)(0x80 | (v & 0x3F));
            }
            i += 4;
            break;
        }
        default: fail_msg("bad escape \\%c", e);
        }
    }
    return o;
}

static size_t random_input(uint64_t *rng, unsigned char *in, size_t max)
{
    static const unsigned char alphabet[] = {
        'a',  'Z',  ' ',  '"',  '\\', '/',  0,    1,    8,    9,    10,   12,   13,   27,   31,
        0x7F, 0x80, 0x8F, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xDF, 0xE0, 0xE1, 0xEC, 0xED,
        0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFE, 0xFF, 0x90, 0xA9, 0x82, 0xAC};
    size_t n = (size_t)(test_xorshift64(rng) % (max + 1));
    for (size_t i = 0; i < n; i++) {
        uint64_t r = test_xorshift64(rng);
        in[i] = (r & 0x100) ? alphabet[(r >> 16) % sizeof alphabet] : (unsigned char)(r >> 24);
    }
    return n;
}

static void test_json_string_size_suffices_and_output_decodes_to_replaced_input(void **state)
{
    (void)state;
    uint64_t rng = 0xC0FFEE1234567u;
    unsigned char in[64], want[64 * 3], got[64 * 3];
    for (int n = 0; n < 50000; n++) {
        size_t len = random_input(&rng, in, sizeof in);
        size_t cap = LSN_JSON_STRING_SIZE(len);
        char *out = malloc(cap); /* exact size: ASan reports any write past it */
        assert_non_null(out);
        size_t ol = 0;
        assert_int_equal(lsn_json_string((const char *)in, len, out, cap, &ol), LSN_JSON_OK);
        assert_true(ol < cap);
        assert_int_equal(out[ol], '\0');
        assert_true(valid_utf8((const unsigned char *)out, ol));
        size_t wl = ref_replace(in, len, want);
        size_t gl = json_decode(out, ol, got);
        if (gl != wl || memcmp(got, want, wl) != 0)
            fail_msg("input %d (%zu bytes): decoded output differs from the reference", n, len);
        free(out);
    }
}

/* Terminal text: no control byte, DEL, ESC or C1 control reaches the terminal. */
static void assert_terminal_safe(const char *t, size_t n)
{
    const unsigned char *u = (const unsigned char *)t;
    for (size_t i = 0; i < n; i++) {
        if (u[i] < 0x20 || u[i] == 0x7F)
            fail_msg("control byte 0x%02x at %zu", u[i], i);
        if (u[i] == 0xC2 && i + 1 < n && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F)
            fail_msg("C1 control at %zu", i);
    }
    assert_true(valid_utf8(u, n));
}

static int ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return *a == *b;
}

static void test_terminal_text_escapes_controls_and_keeps_utf8(void **state)
{
    (void)state;
    static const struct json_row rows[] = {
        {S("sshd"), "sshd"},
        {S("caf\xC3\xA9"), "caf\xC3\xA9"},
        {S("\xE2\x82\xAC \xF0\x9D\x84\x9E"), "\xE2\x82\xAC \xF0\x9D\x84\x9E"},
        {S("\x1b[2J"), "\\x1b[2J"},
        {S("\xC2\x9B"
           "31m"),
         "\\xc2\\x9b"
         "31m"},
        {S("\xC2\x80"), "\\xc2\\x80"},
        {S("\xC2\xA0"), "\xC2\xA0"},
        {S("\xD8\x9C"), "\\u061c"}, /* Arabic letter mark: reorders like LRM/RLM */
        {S("a\xE2\x80\xAE"
           "b"),
         "a\\u202e"
         "b"},
        {S("a\\b"), "a\\\\b"}, /* backslash doubled, as the header says */
        {S("\x7f"), "\\x7f"},
        {S("\x01"), "\\x01"},
        {S("\xFF"), "\\xff"},
        {S("\xE2\x82"), "\\xe2\\x82"},
        {S("\n\t\r"), "\\n\\t\\r"},
        {S(""), ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char out[128];
        size_t ol = 999;
        assert_int_equal(lsn_terminal_text(rows[i].in, rows[i].len, out, rows[i].len * 4 + 1, &ol),
                         LSN_JSON_OK);
        assert_int_equal(ol, strlen(out));
        assert_terminal_safe(out, ol);
        if (!ieq(out, rows[i].out))
            fail_msg("row %zu: got \"%s\" want \"%s\"", i, out, rows[i].out);
        /* one byte short of the text is NO_SPACE */
        memset(out, '#', sizeof out);
        assert_int_equal(lsn_terminal_text(rows[i].in, rows[i].len, out, ol, NULL),
                         LSN_JSON_NO_SPACE);
        if (ol > 0)
            assert_int_equal(out[0], '\0');
    }
}

static void test_terminal_text_random_inputs_are_safe(void **state)
{
    (void)state;
    uint64_t rng = 77;
    unsigned char in[64];
    for (int n = 0; n < 50000; n++) {
        size_t len = random_input(&rng, in, sizeof in);
        size_t cap = len * 4 + 1;
        char *out = malloc(cap);
        assert_non_null(out);
        size_t ol = 0;
        assert_int_equal(lsn_terminal_text((const char *)in, len, out, cap, &ol), LSN_JSON_OK);
        assert_true(ol < cap);
        assert_int_equal(out[ol], '\0');
        assert_null(memchr(out, 0x1B, ol));
        assert_terminal_safe(out, ol);
        free(out);
    }
}

/* The Prometheus label value: only \\, \" and \n escaped, invalid UTF-8 as
 * U+FFFD per maximal subpart, everything else kept; the exact size check. */
static void test_label_value_escapes_and_replacements(void **state)
{
    static const struct json_row rows[] = {
        {S("sshd"), "sshd"},
        {S("a\"b\\c\nd"), "a\\\"b\\\\c\\nd"},
        {S("tab\there\r"), "tab\there\r"},
        {S("x\xff"), "x" FFFD},
        {S("\xe2\x82"), FFFD},               /* a cut 3-byte sequence: one maximal subpart */
        {S("\xed\xa0\x80"), FFFD FFFD FFFD}, /* a surrogate: three */
        {S("caf\xc3\xa9 \xe2\x80\xae"), "caf\xc3\xa9 \xe2\x80\xae"},
        {S("nul\0in"), "nul\0in"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char out[64];
        size_t n = 99, want = i == 7 ? 6 : strlen(rows[i].out);
        assert_int_equal(lsn_label_value(rows[i].in, rows[i].len, out, sizeof out, &n),
                         LSN_JSON_OK);
        assert_int_equal(n, want);
        assert_memory_equal(out, rows[i].out, want);
        assert_int_equal(out[n], '\0');
    }
    {
        char out[16];
        size_t n = 99;
        /* "a\"b" is 4 bytes: a cap of 4 has no room for the NUL, 5 is exact */
        assert_int_equal(lsn_label_value(S("a\"b"), out, 4, &n), LSN_JSON_NO_SPACE);
        assert_int_equal(n, 0);
        assert_int_equal(out[0], '\0');
        assert_int_equal(lsn_label_value(S("a\"b"), out, 5, &n), LSN_JSON_OK);
        assert_int_equal(n, 4);
        /* the worst case: every byte invalid, 3 bytes each */
        assert_int_equal(
            lsn_label_value(S("\xff\xff\xff\xff\xff"), out, LSN_LABEL_VALUE_SIZE(5), &n),
            LSN_JSON_OK);
        assert_int_equal(n, 15);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_string_escapes_and_replacements_table),
        cmocka_unit_test(test_json_string_unicode_table_3_8_example),
        cmocka_unit_test(test_json_no_space_one_short_and_ok_at_exact_size),
        cmocka_unit_test(test_json_string_size_suffices_and_output_decodes_to_replaced_input),
        cmocka_unit_test(test_terminal_text_escapes_controls_and_keeps_utf8),
        cmocka_unit_test(test_terminal_text_random_inputs_are_safe),
        cmocka_unit_test(test_label_value_escapes_and_replacements),
    };
    return cmocka_run_group_tests_name("json_string", tests, NULL, NULL);
}
