/* Tests for line_splitter.h: the same results whatever the chunking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "line_splitter.h"
#include "tcp_line.h"
#include "test_support.h"

struct rec {
    enum lsn_split_status st;
    size_t off; /* into the input, for LINE / LAST_LINE */
    size_t len;
    uint64_t line_number;
};

struct recs {
    struct rec *r;
    size_t n, cap;
};

static void push(struct recs *v, struct rec r)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->r = realloc(v->r, v->cap * sizeof *v->r);
        assert_non_null(v->r);
    }
    v->r[v->n++] = r;
}

/* What the header promises, computed on the whole input. */
static struct recs reference(const char *in, size_t n, size_t cap)
{
    struct recs v = {0};
    uint64_t no = 0;
    size_t pos = 0;
    while (pos < n) {
        const char *nl = memchr(in + pos, '\n', n - pos);
        size_t l = nl ? (size_t)(nl - (in + pos)) + 1 : n - pos;
        no++;
        enum lsn_split_status st = l > cap ? LSN_SPLIT_TOO_LONG
                                   : nl    ? LSN_SPLIT_LINE
                                           : LSN_SPLIT_LAST_LINE;
        push(&v, (struct rec){st, st == LSN_SPLIT_TOO_LONG ? 0 : pos,
                              st == LSN_SPLIT_TOO_LONG ? 0 : l, no});
        pos += l;
    }
    push(&v, (struct rec){LSN_SPLIT_END, 0, 0, no});
    return v;
}

/* Feeds in chunks of `chunk` bytes, each in its own exact-size heap copy (so ASan sees any read
 * past it), with a zero-length feed after every chunk. Compares against the reference as it goes.
 */
static void run_chunked(const char *name, const char *in, size_t n, size_t cap, size_t chunk)
{
    struct recs want = reference(in, n, cap);
    char *buf = malloc(cap);
    assert_non_null(buf);
    struct lsn_splitter s;
    lsn_splitter_init(&s, buf, cap);
    assert_int_equal(lsn_splitter_line_number(&s), 0);
    size_t k = 0;
    const char *line;
    size_t len;
    enum lsn_split_status st;
    for (size_t pos = 0;; pos += chunk) {
        int last = pos >= n;
        if (!last) {
            size_t c = n - pos < chunk ? n - pos : chunk;
            char *copy = malloc(c);
            assert_non_null(copy);
            memcpy(copy, in + pos, c);
            lsn_splitter_feed(&s, copy, c);
            while ((st = lsn_splitter_next(&s, &line, &len)) != LSN_SPLIT_NEED_MORE) {
                if (k >= want.n || st != want.r[k].st || st == LSN_SPLIT_END ||
                    st == LSN_SPLIT_LAST_LINE)
                    fail_msg("%s cap %zu chunk %zu: result %zu is %d, want %d", name, cap, chunk, k,
                             (int)st, k < want.n ? (int)want.r[k].st : -1);
                if (st == LSN_SPLIT_LINE) {
                    if (len != want.r[k].len || memcmp(line, in + want.r[k].off, len) != 0)
                        fail_msg("%s cap %zu chunk %zu: line %zu differs (len %zu, want %zu)", name,
                                 cap, chunk, k, len, want.r[k].len);
                    if (chunk >= n) /* a line wholly inside a chunk is not copied */
                        assert_true(line >= copy && line + len <= copy + c);
                } else {
                    assert_null(line);
                    assert_int_equal(len, 0);
                }
                if (lsn_splitter_line_number(&s) != want.r[k].line_number)
                    fail_msg("%s cap %zu chunk %zu: line_number %llu, want %llu", name, cap, chunk,
                             (unsigned long long)lsn_splitter_line_number(&s),
                             (unsigned long long)want.r[k].line_number);
                k++;
            }
            assert_null(line);
            assert_int_equal(len, 0);
            free(copy);
            /* a zero-length chunk changes nothing */
            static const char empty[1] = {'x'};
            lsn_splitter_feed(&s, empty, 0);
            assert_int_equal(lsn_splitter_next(&s, &line, &len), LSN_SPLIT_NEED_MORE);
            continue;
        }
        lsn_splitter_finish(&s);
        while ((st = lsn_splitter_next(&s, &line, &len)) != LSN_SPLIT_END) {
            if (k >= want.n || st != want.r[k].st || st == LSN_SPLIT_NEED_MORE)
                fail_msg("%s cap %zu chunk %zu: after finish result %zu is %d, want %d", name, cap,
                         chunk, k, (int)st, k < want.n ? (int)want.r[k].st : -1);
            if (st == LSN_SPLIT_LINE || st == LSN_SPLIT_LAST_LINE) {
                if (len != want.r[k].len || memcmp(line, in + want.r[k].off, len) != 0)
                    fail_msg("%s cap %zu chunk %zu: final line %zu differs", name, cap, chunk, k);
            }
            assert_int_equal(lsn_splitter_line_number(&s), want.r[k].line_number);
            k++;
        }
        assert_null(line);
        assert_int_equal(len, 0);
        break;
    }
    if (k + 1 != want.n || want.r[k].st != LSN_SPLIT_END)
        fail_msg("%s cap %zu chunk %zu: %zu results, want %zu", name, cap, chunk, k + 1, want.n);
    assert_int_equal(lsn_splitter_line_number(&s), want.r[k].line_number);
    /* END stays END */
    assert_int_equal(lsn_splitter_next(&s, &line, &len), LSN_SPLIT_END);
    free(buf);
    free(want.r);
}

static const size_t CHUNKS[] = {1, 2, 3, 7, 64, 4095, 4096, 4097, SIZE_MAX};

static void run_all_chunkings(const char *name, const char *in, size_t n, size_t cap)
{
    for (size_t i = 0; i < sizeof CHUNKS / sizeof CHUNKS[0]; i++)
        run_chunked(name, in, n, cap, CHUNKS[i] == SIZE_MAX ? (n ? n : 1) : CHUNKS[i]);
}

static void test_real_capture_splits_the_same_for_every_chunking(void **state)
{
    (void)state;
    static const char *const files[] = {
        "real/tcp-thismachine-6.18.44-x86_64-full.txt",
        "real/tcp-jc-fixture-x86_64-listen-closewait-timewait-finwait1.txt"};
    for (size_t f = 0; f < 2; f++) {
        size_t n;
        char *d = test_read_data(files[f], &n);
        run_all_chunkings(files[f], d, n, LSN_TCP_LINE_MAX);
        struct recs want = reference(d, n, LSN_TCP_LINE_MAX);
        if (f == 0) /* 2621 lines, all LINE */
            assert_int_equal(want.n, 2622);
        free(want.r);
        free(d);
    }
}

static void test_real_lines_from_splitter_all_parse(void **state)
{
    (void)state;
    size_t n;
    char *d = test_read_data("real/tcp6-thismachine-6.18.44-x86_64-full.txt", &n);
    char buf[LSN_TCP_LINE_MAX];
    struct lsn_splitter s;
    lsn_splitter_init(&s, buf, sizeof buf);
    unsigned ok = 0, other = 0;
    for (size_t pos = 0; pos < n; pos += 1000) {
        lsn_splitter_feed(&s, d + pos, n - pos < 1000 ? n - pos : 1000);
        const char *line;
        size_t len;
        while (lsn_splitter_next(&s, &line, &len) == LSN_SPLIT_LINE) {
            struct lsn_tcp_line l;
            if (lsn_parse_tcp_line(line, len, LSN_FAMILY_IPV6, LSN_ORDER_LITTLE, &l) == LSN_TCP_OK)
                ok++;
            else
                other++;
        }
    }
    assert_int_equal(ok, 1129);
    assert_int_equal(other, 1);
    free(d);
}

/* Builds lines of the given lengths (each including its '\n'; a length of 0 means an unterminated
 * tail of `tail` bytes) into a heap buffer. */
static char *make_input(const size_t *lens, size_t nlens, size_t tail, size_t *out_n)
{
    size_t n = tail;
    for (size_t i = 0; i < nlens; i++)
        n += lens[i];
    char *in = malloc(n + 1);
    assert_non_null(in);
    size_t pos = 0;
    for (size_t i = 0; i < nlens; i++) {
        for (size_t j = 0; j + 1 < lens[i]; j++)
            in[pos++] = (char)('a' + (i + j) % 26);
        in[pos++] = '\n';
    }
    for (size_t j = 0; j < tail; j++)
        in[pos++] = (char)('A' + j % 26);
    *out_n = n;
    return in;
}

static void test_over_long_lines_reported_once_and_splitting_resumes(void **state)
{
    (void)state;
    const size_t cap = LSN_TCP_LINE_MAX;
    const size_t lens[] = {10, cap - 1, cap, cap + 1, 1, 2 * cap, 3 * cap, 150, cap + 2, 1, 1, 20};
    size_t n;
    char *in = make_input(lens, sizeof lens / sizeof lens[0], 0, &n);
    struct recs want = reference(in, n, cap);
    unsigned too_long = 0;
    for (size_t i = 0; i < want.n; i++)
        too_long += want.r[i].st == LSN_SPLIT_TOO_LONG;
    assert_int_equal(too_long, 4); /* cap+1, 2*cap, 3*cap, cap+2 */
    free(want.r);
    run_all_chunkings("long lines", in, n, cap);
    free(in);
}

static void test_unterminated_last_line_is_last_line(void **state)
{
    (void)state;
    const size_t cap = LSN_TCP_LINE_MAX;
    const size_t lens[] = {5, 149};
    size_t n;
    char *in = make_input(lens, 2, 37, &n);
    run_all_chunkings("unterminated tail", in, n, cap);
    free(in);
    /* a tail of exactly cap bytes still fits; cap + 1 is too long */
    in = make_input(lens, 2, cap, &n);
    run_all_chunkings("tail of cap bytes", in, n, cap);
    free(in);
    in = make_input(lens, 2, cap + 1, &n);
    run_all_chunkings("tail of cap+1 bytes", in, n, cap);
    free(in);
    in = make_input(lens, 0, 1, &n);
    run_all_chunkings("one byte, no newline", in, n, cap);
    free(in);
}

static void test_empty_input_ends_at_once(void **state)
{
    (void)state;
    char buf[16];
    struct lsn_splitter s;
    const char *line = "x";
    size_t len = 9;
    lsn_splitter_init(&s, buf, sizeof buf);
    lsn_splitter_finish(&s);
    assert_int_equal(lsn_splitter_next(&s, &line, &len), LSN_SPLIT_END);
    assert_null(line);
    assert_int_equal(len, 0);
    assert_int_equal(lsn_splitter_line_number(&s), 0);

    lsn_splitter_init(&s, buf, sizeof buf);
    assert_int_equal(lsn_splitter_next(&s, &line, &len), LSN_SPLIT_NEED_MORE);
    lsn_splitter_feed(&s, "", 0);
    assert_int_equal(lsn_splitter_next(&s, &line, &len), LSN_SPLIT_NEED_MORE);
    lsn_splitter_finish(&s);
    assert_int_equal(lsn_splitter_next(&s, &line, &len), LSN_SPLIT_END);
}

static void test_empty_lines_are_lines(void **state)
{
    (void)state;
    const char *in = "\n\n\nx\n\n";
    run_all_chunkings("empty lines", in, strlen(in), 16);
    struct recs want = reference(in, strlen(in), 16);
    assert_int_equal(want.n, 6); /* 5 lines + END */
    assert_int_equal(want.r[0].len, 1);
    free(want.r);
}

/* Small cap, every chunk size, every mix of short/exact/long lines. */
static void test_small_cap_every_chunk_size(void **state)
{
    (void)state;
    const size_t cap = 8;
    const size_t lens[] = {1, 7, 8, 9, 3, 16, 17, 2, 24, 8, 1};
    for (size_t tail = 0; tail <= 10; tail += 5) {
        size_t n;
        char *in = make_input(lens, sizeof lens / sizeof lens[0], tail, &n);
        for (size_t chunk = 1; chunk <= n; chunk++)
            run_chunked("small cap", in, n, cap, chunk);
        free(in);
    }
    /* cap 1: only empty lines fit */
    const char *in = "\na\n\nbb";
    for (size_t chunk = 1; chunk <= strlen(in); chunk++)
        run_chunked("cap 1", in, strlen(in), 1, chunk);
}

static void test_line_number_counts_lines_and_too_long_reports(void **state)
{
    (void)state;
    char buf[4];
    struct lsn_splitter s;
    lsn_splitter_init(&s, buf, sizeof buf);
    const char *in = "ab\ntoolong\nc\nd";
    lsn_splitter_feed(&s, in, strlen(in));
    const char *line;
    size_t len;
    assert_int_equal(lsn_splitter_next(&s, &line, &len), LSN_SPLIT_LINE);
    assert_int_equal(lsn_splitter_line_number(&s), 1);
    assert_int_equal(len, 3);
    assert_int_equal(lsn_splitter_next(&s, &line, &len), LSN_SPLIT_TOO_LONG);
    assert_int_equal(lsn_splitter_line_number(&s), 2);
    assert_int_equal(lsn_splitter_next(&s, &line, &len), LSN_SPLIT_LINE);
    assert_int_equal(lsn_splitter_line_number(&s), 3);
    assert_memory_equal(line, "c\n", 2);
    assert_int_equal(lsn_splitter_next(&s, &line, &len), LSN_SPLIT_NEED_MORE);
    assert_int_equal(lsn_splitter_line_number(&s), 3);
    lsn_splitter_finish(&s);
    assert_int_equal(lsn_splitter_next(&s, &line, &len), LSN_SPLIT_LAST_LINE);
    assert_int_equal(len, 1);
    assert_memory_equal(line, "d", 1);
    assert_int_equal(lsn_splitter_line_number(&s), 4);
    assert_int_equal(lsn_splitter_next(&s, &line, &len), LSN_SPLIT_END);
    assert_int_equal(lsn_splitter_line_number(&s), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_capture_splits_the_same_for_every_chunking),
        cmocka_unit_test(test_real_lines_from_splitter_all_parse),
        cmocka_unit_test(test_over_long_lines_reported_once_and_splitting_resumes),
        cmocka_unit_test(test_unterminated_last_line_is_last_line),
        cmocka_unit_test(test_empty_input_ends_at_once),
        cmocka_unit_test(test_empty_lines_are_lines),
        cmocka_unit_test(test_small_cap_every_chunk_size),
        cmocka_unit_test(test_line_number_counts_lines_and_too_long_reports),
    };
    return cmocka_run_group_tests_name("line_splitter", tests, NULL, NULL);
}
