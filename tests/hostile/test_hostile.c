/* test_hostile.c - hostile proc trees (issue 7). Every case runs the CLI as
 * a child under an address-space limit (hrun.h) and a 10 s wall-clock
 * limit, and must give valid contract JSON (exit 0) or a one-line error
 * naming the file (exit 1), in a few seconds with bounded memory. The
 * group teardown prints a table of exit status, wall time and peak RSS per
 * case for the issue note. Trees come from tests/collector/tree_builder. */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hrun.h"
#include "jcheck.h"
#include "listeners.h"
#include "tree_builder.h"

/* "within a few seconds" (the kill is at 10 s); sanitizer builds get 9 s */
#define MAX_TIME_MS (hrun_sanitized() ? 9000.0 : 5000.0)

/* ---- the table for the issue note ---- */

struct rec {
    char name[48];
    int status;
    double ms;
    long maxrss_kib;
    char outcome[64];
};
static struct rec recs[64];
static size_t nrec;

__attribute__((format(printf, 3, 4))) static void record(const char *name, const struct hrun *r,
                                                         const char *fmt, ...)
{
    struct rec *x;
    va_list ap;
    if (nrec == sizeof recs / sizeof recs[0])
        return;
    x = &recs[nrec++];
    snprintf(x->name, sizeof x->name, "%s", name);
    x->status = r->status;
    x->ms = r->ms;
    x->maxrss_kib = r->maxrss_kib;
    va_start(ap, fmt);
    vsnprintf(x->outcome, sizeof x->outcome, fmt, ap);
    va_end(ap);
}

static int print_table(void **state)
{
    size_t i;
    (void)state;
    print_message("hostile inputs: listeners CLI under %s, %u s kill; peak RSS is wait4 "
                  "ru_maxrss of the CLI\n",
                  hrun_sanitized() ? "no RLIMIT_AS (sanitizer build)" : "RLIMIT_AS 256 MiB",
                  HRUN_TIMEOUT_S);
    print_message("| %-40s | exit | time ms | maxrss KiB | outcome |\n", "case");
    print_message("|%s|------|---------|------------|---------|\n",
                  "------------------------------------------");
    for (i = 0; i < nrec; i++)
        print_message("| %-40s | %4d | %7.1f | %10ld | %s |\n", recs[i].name, recs[i].status,
                      recs[i].ms, recs[i].maxrss_kib, recs[i].outcome);
    return 0;
}

/* ---- helpers ---- */

static void run_tree(struct hrun *r, const char *root, const char *format)
{
    char *argv[8];
    int n = 0;
    argv[n++] = (char *)LISTENERS_CLI;
    argv[n++] = (char *)"--proc";
    argv[n++] = (char *)root;
    if (format) {
        argv[n++] = (char *)"--format";
        argv[n++] = (char *)format;
    }
    argv[n] = NULL;
    hrun_argv(r, argv);
    if (r->status == 128 + 14)
        fail_msg("%s: killed by the %u s wall-clock limit", root, HRUN_TIMEOUT_S);
    if (r->status >= 128)
        fail_msg("%s: killed by signal %d; stderr: %.400s", root, r->status - 128, r->err);
    if (r->ms > MAX_TIME_MS)
        fail_msg("%s: took %.0f ms", root, r->ms);
}

/* Exit 0 and the contract's JSON; rows into *rows (may be NULL). Returns
 * the number of rows. */
static size_t expect_json(const struct hrun *r, struct jrows *rows)
{
    char why[160];
    size_t n = 0;
    if (r->status != 0)
        fail_msg("exit %d, expected 0; stderr: %.400s", r->status, r->err);
    if (jcheck(r->out, r->out_len, rows, &n, why, sizeof why) != 0)
        fail_msg("stdout is not the contract's JSON: %s; first bytes: %.200s", why,
                 r->out_len ? r->out : "");
    return n;
}

/* reason is one text or several separated by '|': strerror's words differ
 * between libcs (ELOOP is "Too many levels of symbolic links" in glibc,
 * "Symbolic link loop" in musl), and the CLI under test may be either. */
static int has_reason(const char *line, const char *reason)
{
    char one[200];
    while (*reason) {
        size_t n = strcspn(reason, "|");
        if (n >= sizeof one)
            n = sizeof one - 1;
        memcpy(one, reason, n);
        one[n] = '\0';
        if (strstr(line, one))
            return 1;
        reason += n;
        if (*reason == '|')
            reason++;
    }
    return 0;
}

/* Exit 1, nothing on stdout, and a last stderr line "listeners: PATH: ..."
 * that contains reason; earlier lines (diagnostics of lines read before the
 * error) must name the same file as "PATH:LINE: ". */
static void expect_error(const struct hrun *r, const char *path, const char *reason)
{
    char prefix[600], diag_prefix[600];
    const char *last, *p;
    snprintf(prefix, sizeof prefix, "listeners: %s: ", path);
    snprintf(diag_prefix, sizeof diag_prefix, "%s:", path);
    if (r->status != 1)
        fail_msg("exit %d, expected 1 naming %s; stderr: %.400s", r->status, path, r->err);
    assert_int_equal(r->out_len, 0);
    if (r->err_len == 0 || r->err[r->err_len - 1] != '\n')
        fail_msg("stderr should end with a line naming %s: '%.400s'", path, r->err);
    for (last = r->err + r->err_len - 1; last > r->err && last[-1] != '\n'; last--)
        ;
    if (strncmp(last, prefix, strlen(prefix)) != 0 || !has_reason(last, reason))
        fail_msg("stderr should end '%s...%s': %.400s", prefix, reason, r->err);
    for (p = r->err; p < last; p = strchr(p, '\n') + 1)
        if (strncmp(p, diag_prefix, strlen(diag_prefix)) != 0)
            fail_msg("stderr line not about %s: %.200s", path, p);
}

static const char *tree_path(const struct tb *t, const char *rel)
{
    static char buf[4][600];
    static int k;
    k = (k + 1) & 3;
    snprintf(buf[k], sizeof buf[k], "%s/%s", t->root, rel);
    return buf[k];
}

/* A listener 127.0.0.1:8080 inode 1001 held by pid 300 "srv" /usr/bin/srv. */
static void one_listener(struct tb *t)
{
    tb_tcp(t, "127.0.0.1", 8080, 0x0A, 1001);
    tb_process(t, 300, "srv", (size_t)-1, "/usr/bin/srv", (size_t)-1);
    tb_socket_fd(t, 300, 3, 1001);
}

static void expect_one_row(const struct jrows *rows, long pid)
{
    assert_int_equal(rows->n, 1);
    assert_int_equal(rows->v[0].port, 8080);
    assert_string_equal(rows->v[0].addr, "127.0.0.1");
    assert_int_equal(rows->v[0].pid, pid);
}

/* Appends len bytes, repeat times, to root/rel (created if needed). */
static void append_file(const struct tb *t, const char *rel, const void *bytes, size_t len,
                        size_t repeat)
{
    int fd = open(tree_path(t, rel), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    assert_true(fd >= 0);
    while (repeat--)
        assert_int_equal(write(fd, bytes, len), (ssize_t)len);
    close(fd);
}

static size_t count_in(const char *s, const char *needle)
{
    size_t n = 0;
    while ((s = strstr(s, needle)) != NULL) {
        n++;
        s += strlen(needle);
    }
    return n;
}

/* ---- baseline ---- */

static void baseline(void **state)
{
    struct tb t;
    struct hrun r;
    struct jrows rows = {0};
    (void)state;
    tb_init(&t);
    one_listener(&t);
    tb_tables(&t);
    run_tree(&r, t.root, NULL);
    expect_json(&r, &rows);
    expect_one_row(&rows, 300);
    record("baseline: one listener", &r, "JSON, 1 row");
    jrows_free(&rows);
    hrun_free(&r);
    tb_destroy(&t);
}

/* ---- net/tcp that is not a regular file ---- */

static void tcp_not_regular(const char *name, const char *what, void (*make)(struct tb *))
{
    struct tb t;
    struct hrun r;
    tb_init(&t);
    make(&t);
    run_tree(&r, t.root, NULL);
    expect_error(&r, tree_path(&t, "net/tcp"), what);
    record(name, &r, "error naming net/tcp: %s", what);
    hrun_free(&r);
    tb_destroy(&t);
}

static void mk_zero(struct tb *t)
{
    tb_symlink(t, "net/tcp", "/dev/zero", 9);
}
static void mk_urandom(struct tb *t)
{
    tb_symlink(t, "net/tcp", "/dev/urandom", 12);
}
static void mk_fifo(struct tb *t)
{
    tb_fifo(t, "net/tcp");
}
static void mk_dir(struct tb *t)
{
    tb_dir(t, "net/tcp");
}

static void tcp_dev_zero(void **state)
{
    (void)state;
    tcp_not_regular("net/tcp -> /dev/zero", "a symbolic link on the way, not followed",
                    mk_zero); /* never followed */
}

static void tcp_dev_urandom(void **state)
{
    (void)state;
    tcp_not_regular("net/tcp -> /dev/urandom", "a symbolic link on the way, not followed",
                    mk_urandom);
}

static void tcp_fifo(void **state)
{
    (void)state;
    tcp_not_regular("net/tcp a FIFO with no writer", "not a regular file", mk_fifo);
}

static void tcp_directory(void **state)
{
    (void)state;
    tcp_not_regular("net/tcp a directory", "not a regular file", mk_dir);
}

/* net/tcp6 is optional: the same files there are a diagnostic naming it,
 * and net/tcp still counts. */
static void tcp6_not_regular(const char *name, int fifo)
{
    struct tb t;
    struct hrun r;
    struct jrows rows = {0};
    char want[600];
    tb_init(&t);
    one_listener(&t);
    tb_tables(&t);
    if (fifo)
        tb_fifo(&t, "net/tcp6");
    else
        tb_symlink(&t, "net/tcp6", "/dev/zero", 9);
    run_tree(&r, t.root, NULL);
    expect_json(&r, &rows);
    expect_one_row(&rows, 300);
    snprintf(want, sizeof want, "listeners: %s: %s\n", tree_path(&t, "net/tcp6"),
             fifo ? "not a regular file" : "a symbolic link on the way, not followed");
    assert_string_equal(r.err, want);
    record(name, &r, "JSON, 1 row; stderr names net/tcp6");
    jrows_free(&rows);
    hrun_free(&r);
    tb_destroy(&t);
}

static void tcp6_fifo(void **state)
{
    (void)state;
    tcp6_not_regular("net/tcp6 a FIFO with no writer", 1);
}

static void tcp6_dev_zero(void **state)
{
    (void)state;
    tcp6_not_regular("net/tcp6 -> /dev/zero", 0);
}

static void net_loop(void **state)
{
    struct tb t;
    struct hrun r;
    (void)state;
    tb_init(&t);
    tb_symlink(&t, "net", "net", 3);
    run_tree(&r, t.root, NULL);
    expect_error(&r, tree_path(&t, "net/tcp"), "a symbolic link on the way, not followed");
    record("net -> net (symlink loop)", &r, "error naming net/tcp: ELOOP");
    hrun_free(&r);
    tb_destroy(&t);
}

static void root_fifo(void **state)
{
    struct tb t;
    struct hrun r;
    (void)state;
    tb_init(&t);
    tb_fifo(&t, "p");
    run_tree(&r, tree_path(&t, "p"), NULL);
    expect_error(&r, tree_path(&t, "p"), "Not a directory");
    record("--proc DIR a FIFO", &r, "error naming DIR: ENOTDIR");
    hrun_free(&r);
    tb_destroy(&t);
}

/* ---- long lines and big tables ---- */

static void line_8mib(const char *name, int newline_then_listener)
{
    static char junk[1 << 16];
    struct tb t;
    struct hrun r;
    struct jrows rows = {0};
    char line[256], want[600];
    size_t n;
    tb_init(&t);
    memset(junk, 'A', sizeof junk);
    if (newline_then_listener) {
        tb_tcp_header(&t);
        tb_tables(&t);
        append_file(&t, "net/tcp", junk, sizeof junk, (8u << 20) / sizeof junk);
        append_file(&t, "net/tcp", "\n", 1, 1);
        n = tb_tcp_line(line, 0, "127.0.0.1", 8080, 0x0A, 1001);
        append_file(&t, "net/tcp", line, n, 1);
        tb_process(&t, 300, "srv", (size_t)-1, "/usr/bin/srv", (size_t)-1);
        tb_socket_fd(&t, 300, 3, 1001);
    } else {
        one_listener(&t);
        tb_tables(&t);
        append_file(&t, "net/tcp", junk, sizeof junk, (8u << 20) / sizeof junk);
    }
    run_tree(&r, t.root, NULL);
    expect_json(&r, &rows);
    expect_one_row(&rows, 300);
    snprintf(want, sizeof want, "%s:%d: ", tree_path(&t, "net/tcp"), newline_then_listener ? 2 : 3);
    if (strncmp(r.err, want, strlen(want)) != 0 || count_in(r.err, "\n") != 1)
        fail_msg("expected one diagnostic '%s...', got: %.400s", want, r.err);
    record(name, &r, "JSON, 1 row; the line is malformed");
    jrows_free(&rows);
    hrun_free(&r);
    tb_destroy(&t);
}

static void line_8mib_at_end(void **state)
{
    (void)state;
    line_8mib("8 MiB line, no newline, at the end", 0);
}

static void line_8mib_then_listener(void **state)
{
    (void)state;
    line_8mib("8 MiB line, then a listener", 1);
}

/* n listening lines 10.a.b.c:port, unique inodes, streamed to net/tcp. */
static uint64_t write_listening(struct tb *t, size_t lines)
{
    char path[600], line[256];
    FILE *f;
    size_t i;
    uint64_t bytes = 0;
    struct stat sb;
    tb_tcp_header(t);
    tb_tables(t);
    snprintf(path, sizeof path, "%s", tree_path(t, "net/tcp"));
    f = fopen(path, "ae");
    assert_non_null(f);
    for (i = 0; i < lines; i++) {
        char ip[32];
        size_t n;
        snprintf(ip, sizeof ip, "10.%u.%u.%u", (unsigned)(i >> 16 & 255), (unsigned)(i >> 8 & 255),
                 (unsigned)(i & 255));
        n = tb_tcp_line(line, (unsigned)(i + 0), ip, (uint16_t)(1 + i % 65535), 0x0A,
                        1000000 + (uint64_t)i);
        assert_int_equal(fwrite(line, 1, n, f), n);
    }
    assert_int_equal(fclose(f), 0);
    assert_int_equal(stat(path, &sb), 0);
    bytes = (uint64_t)sb.st_size;
    return bytes;
}

static void lines_400k(void **state)
{
    struct tb t;
    struct hrun r;
    uint64_t bytes;
    size_t n;
    (void)state;
    tb_init(&t);
    bytes = write_listening(&t, 400000);
    /* ~60 MB: under the 64 MiB cap, so the contract wants every row */
    assert_true(bytes < LSN_DEFAULT_MAX_TABLE_BYTES);
    run_tree(&r, t.root, NULL);
    n = expect_json(&r, NULL);
    assert_int_equal(n, 400000);
    assert_int_equal(r.err_len, 0);
    record("400,000 listening lines (60 MB table)", &r, "JSON, 400000 rows (table < 64 MiB cap)");
    hrun_free(&r);
    tb_destroy(&t);
}

/* Exit 3: the rows before the size cap (nrows of them, -1: any number), the
 * document ending "partial":true, stderr naming path and saying why. */
static void expect_partial(const struct hrun *r, const char *path, long nrows)
{
    static const char tail[] = ",\"partial\":true}}\n";
    char line[700];
    long rows = 0;
    const char *p;
    if (r->status != 3)
        fail_msg("exit %d, expected 3 (partial) naming %s; stderr: %.400s", r->status, path,
                 r->err);
    if (r->out_len < sizeof tail - 1 ||
        memcmp(r->out + r->out_len - (sizeof tail - 1), tail, sizeof tail - 1) != 0)
        fail_msg("stdout does not end with %s", tail);
    for (p = r->out; (p = memmem(p, r->out_len - (size_t)(p - r->out), "\"port\":", 7)); p += 7)
        rows++;
    if (nrows >= 0 && rows != nrows)
        fail_msg("%ld rows, expected %ld", rows, nrows);
    snprintf(line, sizeof line, "listeners: %s: table is larger than the size cap", path);
    if (!strstr(r->err, line) ||
        !strstr(r->err, "listeners: the output is partial (exit status 3)"))
        fail_msg("stderr should name %s and say the output is partial: %.400s", path, r->err);
}

static void lines_over_cap(void **state)
{
    struct tb t;
    struct hrun r;
    uint64_t bytes;
    char *argv[] = {(char *)LISTENERS_CLI,      (char *)"--proc", NULL,
                    (char *)"--max-table-size", (char *)"16M",    NULL};
    (void)state;
    tb_init(&t);
    bytes = write_listening(&t, 150000);
    assert_true(bytes > (16u << 20));
    argv[2] = t.root;
    hrun_argv(&r, argv);
    /* 16 MiB of 150-byte lines after a 150-byte header */
    expect_partial(&r, tree_path(&t, "net/tcp"), (16L << 20) / 150 - 1);
    record("150,000 listening lines (22.5 MB > --max-table-size 16M)", &r,
           "the rows before the cap, \"partial\":true, exit 3");
    hrun_free(&r);
    tb_destroy(&t);
}

static void tcp_sparse_huge(void **state)
{
    struct tb t;
    struct hrun r;
    int fd;
    (void)state;
    tb_init(&t);
    tb_tcp_header(&t);
    tb_tables(&t);
    fd = open(tree_path(&t, "net/tcp"), O_WRONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    if (ftruncate(fd, (off_t)1 << 40) != 0)
        assert_int_equal(ftruncate(fd, (off_t)1 << 32), 0);
    close(fd);
    run_tree(&r, t.root, NULL);
    expect_partial(&r, tree_path(&t, "net/tcp"), 0);
    record("net/tcp sparse 1 TiB of NULs", &r, "no rows, \"partial\":true, exit 3: size cap");
    hrun_free(&r);
    tb_destroy(&t);
}

/* ---- comm and exe ---- */

static void comm_case(const char *name, int kind)
{
    struct tb t;
    struct hrun r;
    struct jrows rows = {0};
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 8080, 0x0A, 1001);
    tb_socket_fd(&t, 300, 3, 1001);
    tb_symlink(&t, "300/exe", "/usr/bin/srv", 12);
    if (kind == 0) {
        tb_fifo(&t, "300/comm");
    } else if (kind == 1) {
        tb_symlink(&t, "300/comm", "/dev/zero", 9);
    } else {
        static char big[1 << 16];
        memset(big, 'c', sizeof big);
        append_file(&t, "300/comm", big, sizeof big, 16); /* 1 MiB, no newline */
    }
    tb_tables(&t);
    run_tree(&r, t.root, NULL);
    expect_json(&r, &rows);
    expect_one_row(&rows, 300);
    assert_non_null(rows.v[0].exe);
    assert_string_equal(rows.v[0].exe, "/usr/bin/srv");
    if (kind < 2) {
        assert_null(rows.v[0].comm);
        record(name, &r, "JSON, comm null");
    } else {
        char want[LSN_COMM_MAX + 1];
        memset(want, 'c', LSN_COMM_MAX);
        want[LSN_COMM_MAX] = '\0';
        assert_non_null(rows.v[0].comm);
        assert_string_equal(rows.v[0].comm, want);
        record(name, &r, "JSON, comm = first %d bytes", LSN_COMM_MAX);
    }
    jrows_free(&rows);
    hrun_free(&r);
    tb_destroy(&t);
}

static void comm_fifo(void **state)
{
    (void)state;
    comm_case("comm a FIFO with no writer", 0);
}

static void comm_dev_zero(void **state)
{
    (void)state;
    comm_case("comm -> /dev/zero", 1);
}

static void comm_1mib(void **state)
{
    (void)state;
    comm_case("comm 1 MiB long", 2);
}

/* 4,000 bytes of terminal escapes, C1 controls, bidi overrides, quotes,
 * backslashes and invalid UTF-8 (lone bytes, each its own maximal subpart). */
static size_t hostile_exe(char *dst, size_t want, char *expect, size_t *expect_len)
{
    static const char seg[] = "/\x1b[2J\x1b[31m\x9b"
                              "6n\r\b\a\x7f\"\\\xe2\x80\xae\xff\xc0"
                              "\n\t\x1b]0;pwned\a\xc2\x9b\xf0\x9f\x92\xa9\x01";
    size_t n = 0, e = 0, i;
    while (want - n >= sizeof seg - 1) { /* whole segments, then ASCII padding */
        memcpy(dst + n, seg, sizeof seg - 1);
        n += sizeof seg - 1;
    }
    while (n < want)
        dst[n++] = 'Z';
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)dst[i];
        int lone = c == 0x9b && !(i > 0 && (unsigned char)dst[i - 1] == 0xc2);
        if (c == 0xff || c == 0xc0 || lone) {
            memcpy(expect + e, "\xef\xbf\xbd", sizeof "\xef\xbf\xbd" - 1); /* U+FFFD */
            e += 3;
        } else {
            expect[e++] = (char)c;
        }
    }
    *expect_len = e;
    return n;
}

static void exe_escapes(void **state)
{
    static char exe[4001], expect[4001 * 3];
    struct tb t;
    struct hrun r;
    struct jrows rows = {0};
    size_t n, elen, i;
    (void)state;
    n = hostile_exe(exe, 4000, expect, &elen);
    assert_true(jcheck_utf8((const unsigned char *)expect, elen));
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 8080, 0x0A, 1001);
    tb_process(&t, 300, "\x1b[2J\x9b", (size_t)-1, exe, n);
    tb_socket_fd(&t, 300, 3, 1001);
    tb_tables(&t);

    run_tree(&r, t.root, NULL);
    expect_json(&r, &rows);
    expect_one_row(&rows, 300);
    assert_non_null(rows.v[0].exe);
    assert_int_equal(rows.v[0].exe_len, elen);
    assert_memory_equal(rows.v[0].exe, expect, elen);
    assert_non_null(rows.v[0].comm);
    assert_string_equal(rows.v[0].comm, "\x1b[2J\xef\xbf\xbd");
    record("exe 4,000 B of escapes (--format json)", &r, "JSON, exe escaped, U+FFFD");
    jrows_free(&rows);
    hrun_free(&r);

    /* the people's table: nothing a terminal would act on */
    run_tree(&r, t.root, "table");
    assert_int_equal(r.status, 0);
    assert_true(jcheck_utf8((const unsigned char *)r.out, r.out_len));
    for (i = 0; i < r.out_len; i++) {
        unsigned char c = (unsigned char)r.out[i];
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            fail_msg("control byte 0x%02x at %zu of the table output", c, i);
        if (c == 0xc2 && i + 1 < r.out_len && (unsigned char)r.out[i + 1] >= 0x80 &&
            (unsigned char)r.out[i + 1] <= 0x9f)
            fail_msg("C1 control at %zu of the table output", i);
        if (c == 0xe2 && i + 2 < r.out_len && (unsigned char)r.out[i + 1] == 0x80 &&
            (unsigned char)r.out[i + 2] == 0xae)
            fail_msg("U+202E at %zu of the table output", i);
    }
    assert_int_equal(count_in(r.out, "\n") >= 2 ? 0 : 1, 0);
    record("exe 4,000 B of escapes (--format table)", &r, "no control/C1/bidi bytes out");
    hrun_free(&r);
    tb_destroy(&t);
}

static void exe_directory(void **state)
{
    struct tb t;
    struct hrun r;
    struct jrows rows = {0};
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 8080, 0x0A, 1001);
    tb_process(&t, 300, "srv", (size_t)-1, NULL, 0);
    tb_dir(&t, "300/exe");
    tb_socket_fd(&t, 300, 3, 1001);
    tb_tables(&t);
    run_tree(&r, t.root, NULL);
    expect_json(&r, &rows);
    expect_one_row(&rows, 300);
    assert_null(rows.v[0].exe);
    assert_string_equal(rows.v[0].comm, "srv");
    record("exe a directory (not a link)", &r, "JSON, exe null");
    jrows_free(&rows);
    hrun_free(&r);
    tb_destroy(&t);
}

/* ---- fd entries ---- */

static void fd_entries(void **state)
{
    static char digits[4100], trailing[4100];
    struct tb t;
    struct hrun r;
    struct jrows rows = {0};
    (void)state;
    tb_init(&t);
    one_listener(&t); /* inode 1001, held by pid 300 */
    tb_tables(&t);
    tb_process(&t, 200, "decoy", (size_t)-1, "/usr/bin/decoy", (size_t)-1);
    tb_fd(&t, 200, 3, "4"); /* 3 -> 4 -> 3: a loop */
    tb_fd(&t, 200, 4, "3");
    tb_fd(&t, 200, 5, "5");                                    /* itself */
    tb_dir(&t, "200/fd/6");                                    /* a directory */
    tb_text(&t, "200/fd/7", "socket:[1001]");                  /* a regular file saying it */
    memcpy(digits, "socket:[1001", sizeof "socket:[1001" - 1); /* 4,000 digits starting 1001 */
    memset(digits + 12, '0', 3996);
    memcpy(digits + 4008, "]", 2);
    tb_fd(&t, 200, 8, digits);
    memcpy(trailing, "socket:[1001]",
           sizeof "socket:[1001]" - 1); /* the right text, then 3,987 more bytes */
    memset(trailing + 13, 'x', 3987);
    trailing[4000] = '\0';
    tb_fd(&t, 200, 9, trailing);
    tb_fd(&t, 200, 10, "socket:[18446744073709552617]"); /* 2^64 + 1001 */
    tb_fd(&t, 200, 11, "socket:[-1001]");
    tb_fd(&t, 200, 12, "socket:[1001] ");
    tb_fd(&t, 200, 13, "/");
    tb_fd(&t, 200, 14, "/proc/self/fd/14");
    run_tree(&r, t.root, NULL);
    expect_json(&r, &rows);
    expect_one_row(&rows, 300); /* not the decoy 200 */
    assert_string_equal(rows.v[0].comm, "srv");
    record("fd: loops, dirs, 4,000-digit and 2^64+n inodes", &r, "JSON, decoy not matched");
    jrows_free(&rows);
    hrun_free(&r);
    tb_destroy(&t);
}

/* ---- proc entries ---- */

static void proc_entries(void **state)
{
    struct tb t;
    struct hrun r;
    struct jrows rows = {0};
    (void)state;
    tb_init(&t);
    one_listener(&t);                          /* 8080 inode 1001, pid 300 */
    tb_tcp(&t, "127.0.0.1", 9090, 0x0A, 1002); /* nobody: forces a full walk */
    tb_tables(&t);
    tb_text(&t, "100", "not a directory\n");
    tb_symlink(&t, "101", "101", 3); /* a loop */
    tb_symlink(&t, "102", "/", 1);   /* the real root */
    tb_symlink(&t, "103", ".", 1);   /* the tree itself */
    tb_symlink(&t, "104", "/proc/self", 10);
    tb_fifo(&t, "105");
    tb_text(&t, "106/fd", "a file where fd/ should be\n");
    tb_symlink(&t, "107/fd", "/", 1); /* fd/ is the real root */
    tb_symlink(&t, "108/fd", "108/fd", 6);
    tb_dir(&t, "0");
    tb_dir(&t, "0300");        /* not a pid: leading zero */
    tb_dir(&t, "99999999999"); /* not a pid: too large */
    run_tree(&r, t.root, NULL);
    expect_json(&r, &rows);
    assert_int_equal(rows.n, 2);
    assert_int_equal(rows.v[0].port, 8080);
    assert_int_equal(rows.v[0].pid, 300);
    assert_int_equal(rows.v[1].port, 9090);
    assert_int_equal(rows.v[1].pid, -1);
    record("proc: files, loops, links to / and self, FIFO", &r, "JSON, right owner");
    jrows_free(&rows);
    hrun_free(&r);
    tb_destroy(&t);
}

/* ---- many pids ---- */

static void pids_20000(void **state)
{
    struct tb t;
    struct hrun r;
    struct jrows rows = {0};
    char path[600];
    int pid;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 8080, 0x0A, 1001);
    tb_tcp(&t, "127.0.0.1", 9090, 0x0A, 1002); /* nobody: the walk reads every pid */
    tb_tables(&t);
    for (pid = 2; pid <= 20000; pid++) {
        snprintf(path, sizeof path, "%s/%d", t.root, pid);
        assert_int_equal(mkdir(path, 0755), 0);
    }
    tb_fd(&t, 5000, 0, "/dev/null");
    tb_fd(&t, 10000, 3, "pipe:[77]");
    tb_fd(&t, 15000, 4, "socket:[4242]");
    tb_process(&t, 20001, "last", (size_t)-1, "/usr/bin/last", (size_t)-1); /* 20,000th */
    tb_socket_fd(&t, 20001, 3, 1001);
    run_tree(&r, t.root, NULL);
    expect_json(&r, &rows);
    assert_int_equal(rows.n, 2);
    assert_int_equal(rows.v[0].pid, 20001);
    assert_string_equal(rows.v[0].comm, "last");
    assert_int_equal(rows.v[1].pid, -1);
    record("20,000 pid directories", &r, "JSON, owner = the last pid");
    jrows_free(&rows);
    hrun_free(&r);
    tb_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(baseline),
        cmocka_unit_test(tcp_dev_zero),
        cmocka_unit_test(tcp_dev_urandom),
        cmocka_unit_test(tcp_fifo),
        cmocka_unit_test(tcp_directory),
        cmocka_unit_test(tcp6_fifo),
        cmocka_unit_test(tcp6_dev_zero),
        cmocka_unit_test(net_loop),
        cmocka_unit_test(root_fifo),
        cmocka_unit_test(line_8mib_at_end),
        cmocka_unit_test(line_8mib_then_listener),
        cmocka_unit_test(lines_400k),
        cmocka_unit_test(lines_over_cap),
        cmocka_unit_test(tcp_sparse_huge),
        cmocka_unit_test(comm_fifo),
        cmocka_unit_test(comm_dev_zero),
        cmocka_unit_test(comm_1mib),
        cmocka_unit_test(exe_escapes),
        cmocka_unit_test(exe_directory),
        cmocka_unit_test(fd_entries),
        cmocka_unit_test(proc_entries),
        cmocka_unit_test(pids_20000),
    };
    const char *tmp = getenv("TMPDIR");
    struct stat sb;
    /* ~200 MB of trees and output are written and removed: tmpfs when there
     * is one (a disk-backed /tmp makes the suite I/O bound) */
    if ((!tmp || !*tmp) && stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) &&
        access("/dev/shm", W_OK) == 0)
        setenv("TMPDIR", "/dev/shm", 1);
    return cmocka_run_group_tests_name("hostile", tests, NULL, print_table);
}
