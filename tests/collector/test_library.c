/* test_library.c - the collector's C API: rows as structs, structured
 * diagnostics, errors, bounds, the batched walk, fds released, threads. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listeners.h"
#include "tree_builder.h"

struct diags {
    int n;
    struct {
        enum lsn_diag_kind kind;
        char path[512];
        uint64_t line;
        int error;
        int32_t pid;
        char message[128];
    } d[16];
};

static void on_diag(void *ctx, const struct lsn_diag *d)
{
    struct diags *s = ctx;
    if (s->n < 16) {
        s->d[s->n].kind = d->kind;
        snprintf(s->d[s->n].path, sizeof s->d[s->n].path, "%s", d->path);
        s->d[s->n].line = d->line;
        s->d[s->n].error = d->error;
        s->d[s->n].pid = d->pid;
        snprintf(s->d[s->n].message, sizeof s->d[s->n].message, "%s", d->message);
    }
    s->n++;
}

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d)
        return -1;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

static void collect(const char *root, struct diags *dg, struct lsn_result *r, enum lsn_status want)
{
    struct lsn_options o;
    memset(&o, 0, sizeof o);
    o.proc_root = root;
    o.byte_order = LSN_ORDER_HOST;
    o.diag = dg ? on_diag : NULL;
    o.diag_ctx = dg;
    assert_int_equal(lsn_collect(&o, r), want);
}

/* Rows reach the caller as structs with raw comm/exe bytes; diagnostics are
 * structured; nothing is printed; every fd is closed. */
static void rows_and_diags(void **state)
{
    struct tb t;
    struct diags dg = {0};
    struct lsn_result r;
    static const char comm[] = "nul\0inside";
    char line[256], path[512];
    size_t n;
    int fds = open_fds();
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.9", 4321, 0x0A, 77);
    n = tb_tcp_line(line, 1, "127.0.0.1", 1, 0x0A, 78);
    line[16] = 'G'; /* local port */
    tb_tcp_raw(&t, line, n);
    tb_tcp6(&t, "::1", 4321, 0x0A, 79);
    tb_tables(&t);
    tb_process(&t, 42, comm, sizeof comm - 1, "/x", 2);
    tb_socket_fd(&t, 42, 3, 77);
    tb_socket_fd(&t, 42, 4, 79);
    tb_text(&t, "43", "not a directory");
    tb_process(&t, 44, "c", 1, "/c", 2);
    collect(t.root, &dg, &r, LSN_OK);
    assert_int_equal(r.count, 2);
    assert_int_equal(r.listeners[0].family, LSN_FAMILY_IPV4);
    assert_int_equal(r.listeners[0].port, 4321);
    assert_memory_equal(r.listeners[0].bind_address, "\x7f\0\0\x09", 4);
    assert_int_equal(r.listeners[0].inode, 77);
    assert_int_equal(r.listeners[0].pid, 42);
    assert_int_equal(r.listeners[0].comm_len, sizeof comm - 1);
    assert_memory_equal(r.listeners[0].comm, comm, sizeof comm - 1);
    assert_string_equal(r.listeners[0].exe, "/x");
    assert_int_equal(r.listeners[1].family, LSN_FAMILY_IPV6);
    assert_int_equal(r.listeners[1].inode, 79);
    assert_int_equal(r.stats.tcp.lines, 3);
    assert_int_equal(r.stats.tcp.malformed, 1);
    assert_int_equal(r.stats.attributed, 2);
    assert_int_equal(r.stats.streamed, 0);
    /* only the malformed line: 42 owns everything, so the walk stops before
     * it meets 43 (a file) */
    assert_int_equal(dg.n, 1);
    assert_int_equal(dg.d[0].kind, LSN_DIAG_MALFORMED_LINE);
    snprintf(path, sizeof path, "%s/net/tcp", t.root);
    assert_string_equal(dg.d[0].path, path);
    assert_int_equal(dg.d[0].line, 3);
    assert_int_equal(dg.d[0].error, 0);
    assert_string_equal(dg.d[0].message, "local port is not 4 hex digits");
    assert_int_equal(r.stats.stopped_early, 1);
    assert_int_equal(r.stats.pids_visited, 1);
    lsn_result_free(&r);
    assert_null(r.listeners);
    lsn_result_free(&r); /* twice is fine */

    /* a listener nobody holds: the walk meets 43, a file, and reports it */
    tb_destroy(&t);
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 1, 0x0A, 5);
    tb_tables(&t);
    tb_text(&t, "43", "not a directory");
    memset(&dg, 0, sizeof dg);
    collect(t.root, &dg, &r, LSN_OK);
    assert_int_equal(dg.n, 1);
    assert_int_equal(dg.d[0].kind, LSN_DIAG_PROCESS);
    assert_int_equal(dg.d[0].pid, 43);
    assert_int_equal(dg.d[0].error, ENOTDIR);
    snprintf(path, sizeof path, "%s/43", t.root);
    assert_string_equal(dg.d[0].path, path);
    assert_int_equal(r.stats.pids_unreadable, 1);
    assert_int_equal(r.listeners[0].pid, -1);
    lsn_result_free(&r);
    tb_destroy(&t);
    assert_int_equal(open_fds(), fds);
}

/* The diagnostics of a call: kind, errno and path of the first eight. */
struct diag_log {
    size_t n;
    enum lsn_diag_kind kind[8];
    int error[8];
    char path[8][512];
};

static void log_diag(void *ctx, const struct lsn_diag *d)
{
    struct diag_log *log = ctx;
    if (log->n < 8) {
        log->kind[log->n] = d->kind;
        log->error[log->n] = d->error;
        snprintf(log->path[log->n], sizeof log->path[0], "%s", d->path);
    }
    log->n++;
}

/* A table over the size cap is read up to the cap, not to its end: the
 * rows of the whole lines before the cut, LSN_PARTIAL, a diagnostic naming
 * the file. */
static void table_cap(void **state)
{
    struct tb t;
    struct lsn_options o;
    struct lsn_result r;
    struct diag_log log;
    char path[512];
    size_t k;
    int i, fds = open_fds();
    (void)state;
    tb_init(&t);
    for (i = 0; i < 100; i++)
        tb_tcp(&t, "127.0.0.1", (uint16_t)(1000 + i), 0x0A, 10 + (uint64_t)i);
    tb_tables(&t);
    memset(&o, 0, sizeof o);
    memset(&log, 0, sizeof log);
    o.proc_root = t.root;
    o.max_table_bytes = 4096;
    o.diag = log_diag;
    o.diag_ctx = &log;
    assert_int_equal(lsn_collect(&o, &r), LSN_PARTIAL);
    assert_int_equal(r.partial, LSN_PARTIAL_SIZE_CAP);
    assert_int_equal(r.reason, LSN_REASON_NONE);
    assert_null(r.error_path);
    assert_true(r.stats.tcp.truncated);
    assert_int_equal(r.stats.tcp.bytes, 4096);
    /* the header and 26 lines of 150 bytes fit in 4096; the 27th is cut */
    assert_int_equal(r.count, 26);
    for (k = 0; k < r.count; k++) {
        assert_int_equal(r.listeners[k].port, 1000 + k);
        assert_int_equal(r.listeners[k].inode, 10 + k);
    }
    snprintf(path, sizeof path, "%s/net/tcp", t.root);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.kind[0], LSN_DIAG_TABLE);
    assert_int_equal(log.error[0], EFBIG);
    assert_string_equal(log.path[0], path);
    lsn_result_free(&r);
    /* Missing net/tcp: the reason callers branch on, not the text. */
    snprintf(path, sizeof path, "%s/net/tcp", t.root);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(lsn_collect(&o, &r), LSN_ERR_TABLE);
    assert_int_equal(r.reason, LSN_REASON_OPEN);
    assert_int_equal(r.error, ENOENT);
    lsn_result_free(&r);
    tb_tables(&t);
    o.max_table_bytes = 0; /* default cap */
    assert_int_equal(lsn_collect(&o, &r), LSN_OK);
    assert_int_equal(r.count, 100);
    lsn_result_free(&r);
    tb_destroy(&t);
    assert_int_equal(open_fds(), fds);
}

/* More pids than one batch: several passes, ascending order kept, the
 * lowest holder wins across batches, the stop comes after the last owner. */
static void batched_walk(void **state)
{
    struct tb t;
    struct lsn_result r;
    int pid;
    char rel[32];
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 1, 0x0A, 900);
    tb_tcp(&t, "127.0.0.1", 2, 0x0A, 901);
    tb_tables(&t);
    for (pid = 2500 + 1024; pid >= 2; pid--) { /* 1024: walk.c PID_BATCH; descending order */
        snprintf(rel, sizeof rel, "%d/fd", pid);
        tb_dir(&t, rel);
    }
    tb_process(&t, 2400, "late", 4, "/late", 5);
    tb_socket_fd(&t, 2400, 3, 900);
    tb_process(&t, 1500, "early", 5, "/early", 6);
    tb_socket_fd(&t, 1500, 3, 900);
    tb_process(&t, 2499, "last", 4, "/last", 5);
    tb_socket_fd(&t, 2499, 3, 901);
    tb_process(&t, 3000, "after", 5, "/after", 6);
    tb_socket_fd(&t, 3000, 3, 901);
    collect(t.root, NULL, &r, LSN_OK);
    assert_int_equal(r.listeners[0].pid, 1500);
    assert_string_equal(r.listeners[0].comm, "early");
    assert_int_equal(r.listeners[1].pid, 2499);
    assert_int_equal(r.stats.stopped_early, 1);
    assert_int_equal(r.stats.last_pid, 2499);
    assert_int_equal(r.stats.pids_visited, 2498);
    assert_int_equal(r.stats.proc_scans, 3);
    lsn_result_free(&r);
    tb_destroy(&t);
}

/* Rows come back in contract order (port, ipv4 before ipv6, address bytes,
 * inode) whatever the table order: 3,000 listeners in a shuffled table, with
 * ports that differ only in the high or the low byte, ports shared by up to
 * 14 rows of several addresses and families, one port of 40 rows, and
 * address:port pairs with several inodes. */
static int contract_before(const struct lsn_listener *a, const struct lsn_listener *b)
{
    int m;
    if (a->port != b->port)
        return a->port < b->port;
    if (a->family != b->family)
        return a->family == LSN_FAMILY_IPV4;
    m = memcmp(a->bind_address, b->bind_address, 16);
    if (m)
        return m < 0;
    return a->inode < b->inode;
}

static void rows_in_contract_order(void **state)
{
    enum { ROWS = 3000 };
    static const char *const v4[] = {"127.0.0.2", "10.0.0.1", "127.0.0.1", "0.0.0.0"};
    static const char *const v6[] = {"::1", "::", "fe80::1"};
    struct tb t;
    struct lsn_result r;
    uint64_t inode[ROWS];
    unsigned seed = 12345;
    size_t i, ipv6 = 0;
    (void)state;
    for (i = 0; i < ROWS; i++)
        inode[i] = 1000 + i;
    for (i = ROWS - 1; i > 0; i--) { /* shuffle the inodes: the table order */
        size_t j;
        uint64_t x;
        seed = seed * 1103515245u + 12345u;
        j = (seed >> 8) % (i + 1);
        x = inode[i];
        inode[i] = inode[j];
        inode[j] = x;
    }
    tb_init(&t);
    for (i = 0; i < ROWS; i++) {
        uint64_t k = inode[i] - 1000;
        /* k/7 gives 429 ports, each up to 7 rows; 0x0100 steps the high byte */
        uint16_t port = (uint16_t)(k < 40        ? 7777 /* a run of 40 rows */
                                   : (k / 7) % 2 ? 0x0100 * (k / 14 % 200) + 1
                                                 : 40000 - k / 7);
        if (k % 7 < 4) {
            tb_tcp(&t, v4[k % 7 == 3 ? 2 : k % 7], port, 0x0A, inode[i]);
        } else {
            tb_tcp6(&t, v6[k % 7 - 4], port, 0x0A, inode[i]);
        }
    }
    tb_tables(&t);
    collect(t.root, NULL, &r, LSN_OK);
    assert_int_equal(r.count, ROWS);
    for (i = 0; i < r.count; i++)
        ipv6 += r.listeners[i].family == LSN_FAMILY_IPV6;
    assert_true(ipv6 > 0 && ipv6 < ROWS);
    for (i = 1; i < r.count; i++)
        if (!contract_before(&r.listeners[i - 1], &r.listeners[i]))
            fail_msg("rows %zu and %zu out of order: port %u inode %llu, port %u inode %llu", i - 1,
                     i, r.listeners[i - 1].port, (unsigned long long)r.listeners[i - 1].inode,
                     r.listeners[i].port, (unsigned long long)r.listeners[i].inode);
    lsn_result_free(&r);
    tb_destroy(&t);
}

/* The writers go through the caller's sink and stop when it says so. */
static int count_sink(void *ctx, const char *buf, size_t len)
{
    (void)buf;
    *(size_t *)ctx += len;
    return 0;
}

static int failing_sink(void *ctx, const char *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return 7;
}

struct cap {
    char buf[256];
    size_t len;
};

static int cap_sink(void *ctx, const char *buf, size_t len)
{
    struct cap *c = ctx;
    if (c->len + len >= sizeof c->buf)
        return 1;
    memcpy(c->buf + c->len, buf, len);
    c->len += len;
    c->buf[c->len] = '\0';
    return 0;
}

static void writers(void **state)
{
    struct lsn_result r;
    struct cap c = {{0}, 0};
    size_t n = 0;
    (void)state;
    memset(&r, 0, sizeof r);
    r.status = LSN_UNSUPPORTED;
    assert_int_equal(lsn_write_json(&r, 0, cap_sink, &c), 0);
    assert_string_equal(c.buf, "{\"listeners\":null}\n");
    c.len = 0;
    assert_int_equal(lsn_write_json(&r, 1, cap_sink, &c), 0);
    assert_string_equal(c.buf, "{\n  \"listeners\": null\n}\n");
    r.status = LSN_OK;
    c.len = 0;
    assert_int_equal(lsn_write_json(&r, 0, cap_sink, &c), 0);
    assert_string_equal(c.buf, "{\"listeners\":{\"listeners\":[]}}\n");
    assert_int_equal(lsn_write_json(&r, 0, failing_sink, NULL), 7);
    assert_int_equal(lsn_write_table(&r, failing_sink, NULL), 7);
    assert_int_equal(lsn_write_table(&r, count_sink, &n), 0);
    assert_int_equal(n, strlen("PORT  FAMILY  ADDRESS  PID  COMM  EXE\n"));
    assert_string_equal(lsn_family_name(LSN_FAMILY_IPV6), "ipv6");
}

/* Calls on several threads at once give the same rows. */
struct job {
    const char *root;
    char *json;
    size_t len;
};

static int grow_sink(void *ctx, const char *buf, size_t len)
{
    struct job *j = ctx;
    char *n = realloc(j->json, j->len + len + 1);
    if (!n)
        return 1;
    memcpy(n + j->len, buf, len);
    j->len += len;
    n[j->len] = '\0';
    j->json = n;
    return 0;
}

/* The JSON writer escapes a repeated comm or exe once and reuses it: rows of
 * owners that alternate, names of the same length, a comm shared by two
 * exes and null names must each still print their own text. */
static void json_names_of_alternating_owners(void **state)
{
    static const struct {
        int32_t pid;
        const char *comm, *exe;
    } rows[] = {
        {10, "aa", "/x/a"}, {11, "bb", "/x/b"}, {10, "aa", "/x/a"},     {12, "aa", "/y/a"},
        {-1, NULL, NULL},   {13, NULL, NULL},   {14, "a\"", "/x/\x01"}, {10, "aa", "/x/a"},
    };
    struct lsn_listener v[sizeof rows / sizeof rows[0]];
    char exes[sizeof rows / sizeof rows[0]][8], comms[sizeof rows / sizeof rows[0]][8];
    struct lsn_result r;
    struct job out = {NULL, NULL, 0};
    size_t i;
    (void)state;
    memset(&r, 0, sizeof r);
    memset(v, 0, sizeof v);
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        v[i].port = (uint16_t)(i + 1);
        v[i].family = LSN_FAMILY_IPV4;
        v[i].pid = rows[i].pid;
        if (rows[i].comm) { /* each row its own copy, as for exe */
            size_t len = strlen(rows[i].comm);
            assert_true(len < sizeof comms[i]);
            memcpy(comms[i], rows[i].comm, len + 1);
            v[i].comm = comms[i];
            v[i].comm_len = (uint16_t)len;
        }
        if (rows[i].exe) { /* each row its own copy, as lsn_collect gives them */
            size_t len = strlen(rows[i].exe);
            assert_true(len < sizeof exes[i]);
            memcpy(exes[i], rows[i].exe, len + 1);
            v[i].exe = exes[i];
            v[i].exe_len = (uint16_t)len;
        }
    }
    r.status = LSN_OK;
    r.listeners = v;
    r.count = sizeof rows / sizeof rows[0];
    assert_int_equal(lsn_write_json(&r, 0, grow_sink, &out), 0);
#define ROW(port, rest)                                                                            \
    "{\"port\":" #port ",\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":\"0.0.0.0\","   \
    "\"pid\":" rest "}"
    assert_string_equal(out.json,
                        "{\"listeners\":{\"listeners\":["                          //
                        ROW(1, "10,\"comm\":\"aa\",\"exe\":\"/x/a\"") ","          //
                        ROW(2, "11,\"comm\":\"bb\",\"exe\":\"/x/b\"") ","          //
                        ROW(3, "10,\"comm\":\"aa\",\"exe\":\"/x/a\"") ","          //
                        ROW(4, "12,\"comm\":\"aa\",\"exe\":\"/y/a\"") ","          //
                        ROW(5, "null,\"comm\":null,\"exe\":null") ","              //
                        ROW(6, "13,\"comm\":null,\"exe\":null") ","                //
                        ROW(7, "14,\"comm\":\"a\\\"\",\"exe\":\"/x/\\u0001\"") "," //
                        ROW(8, "10,\"comm\":\"aa\",\"exe\":\"/x/a\"") "]}}\n");
#undef ROW
    free(out.json);
}

/* LSN_OPT_VERIFY_EXE in the writers: "exe_verified" right after exe (before
 * the --all-netns keys), true/false/null; null for a row without an owner or
 * without an exe whatever the field holds; a VERIFIED column yes/NO/-. */
static void json_exe_verified(void **state)
{
    static const struct {
        const char *exe;
        int32_t pid;
        int8_t verified;
    } rows[] = {
        {"/x/a", 10, LSN_EXE_VERIFIED}, {"/x/b", 11, LSN_EXE_MISMATCH},
        {"/x/c", 12, LSN_EXE_UNKNOWN},  {NULL, 13, LSN_EXE_VERIFIED},
        {NULL, -1, LSN_EXE_MISMATCH},
    };
    struct lsn_listener v[sizeof rows / sizeof rows[0]];
    char exes[sizeof rows / sizeof rows[0]][8];
    struct lsn_result r;
    struct job out = {NULL, NULL, 0};
    size_t i;
    (void)state;
    memset(&r, 0, sizeof r);
    memset(v, 0, sizeof v);
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        v[i].port = (uint16_t)(i + 1);
        v[i].family = LSN_FAMILY_IPV4;
        v[i].pid = rows[i].pid;
        v[i].exe_verified = rows[i].verified;
        v[i].netns = 7;
        if (rows[i].exe) {
            size_t len = strlen(rows[i].exe);
            memcpy(exes[i], rows[i].exe, len + 1);
            v[i].exe = exes[i];
            v[i].exe_len = (uint16_t)len;
        }
    }
    r.status = LSN_OK;
    r.listeners = v;
    r.count = sizeof rows / sizeof rows[0];
    r.verify_exe = 1;
#define ROW(port, rest)                                                                            \
    "{\"port\":" #port ",\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":\"0.0.0.0\","   \
    "\"pid\":" rest "}"
    assert_int_equal(lsn_write_json(&r, 0, grow_sink, &out), 0);
    assert_string_equal(out.json,
                        "{\"listeners\":{\"listeners\":["                                      //
                        ROW(1, "10,\"comm\":null,\"exe\":\"/x/a\",\"exe_verified\":true") ","  //
                        ROW(2, "11,\"comm\":null,\"exe\":\"/x/b\",\"exe_verified\":false") "," //
                        ROW(3, "12,\"comm\":null,\"exe\":\"/x/c\",\"exe_verified\":null") ","  //
                        ROW(4, "13,\"comm\":null,\"exe\":null,\"exe_verified\":null") ","      //
                        ROW(5, "null,\"comm\":null,\"exe\":null,\"exe_verified\":null") "]}}\n");
    free(out.json);
    out.json = NULL;
    out.len = 0;
    r.count = 1;
    r.all_netns = 1;
    assert_int_equal(lsn_write_json(&r, 0, grow_sink, &out), 0);
    assert_string_equal(out.json, "{\"listeners\":{\"listeners\":[" ROW(
                                      1, "10,\"comm\":null,\"exe\":\"/x/a\",\"exe_verified\":true,"
                                         "\"netns\":7,\"netns_host\":false") "]}}\n");
#undef ROW
    free(out.json);
    out.json = NULL;
    out.len = 0;
    r.count = 3;
    r.all_netns = 0;
    assert_int_equal(lsn_write_json(&r, 1, grow_sink, &out), 0);
    assert_non_null(
        strstr(out.json, "\"exe\": \"/x/b\",\n        \"exe_verified\": false\n      }"));
    free(out.json);
    out.json = NULL;
    out.len = 0;
    r.count = sizeof rows / sizeof rows[0];
    assert_int_equal(lsn_write_table(&r, grow_sink, &out), 0);
    assert_string_equal(out.json, "PORT  FAMILY  ADDRESS  PID  COMM  VERIFIED  EXE\n"
                                  "   1  ipv4    0.0.0.0   10  -     yes       /x/a\n"
                                  "   2  ipv4    0.0.0.0   11  -     NO        /x/b\n"
                                  "   3  ipv4    0.0.0.0   12  -     -         /x/c\n"
                                  "   4  ipv4    0.0.0.0   13  -     -         -\n"
                                  "   5  ipv4    0.0.0.0    -  -     -         -\n");
    free(out.json);
}

static void *worker(void *arg)
{
    struct job *j = arg;
    struct lsn_options o;
    struct lsn_result r;
    int k;
    memset(&o, 0, sizeof o);
    o.proc_root = j->root;
    for (k = 0; k < 20; k++) {
        if (lsn_collect(&o, &r) != LSN_OK)
            return NULL;
        free(j->json);
        j->json = NULL;
        j->len = 0;
        lsn_write_json(&r, 0, grow_sink, j);
        lsn_result_free(&r);
    }
    return NULL;
}

static void threads(void **state)
{
    struct tb t;
    struct job jobs[4];
    pthread_t th[4];
    int i, p;
    (void)state;
    tb_init(&t);
    for (p = 0; p < 30; p++) {
        tb_tcp(&t, "127.0.0.1", (uint16_t)(100 + p), 0x0A, 500 + (uint64_t)p);
        tb_process(&t, 10 + p, "w", 1, "/w", 2);
        tb_socket_fd(&t, 10 + p, 3, 500 + (uint64_t)p);
    }
    tb_tables(&t);
    for (i = 0; i < 4; i++) {
        jobs[i].root = t.root;
        jobs[i].json = NULL;
        jobs[i].len = 0;
        assert_int_equal(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
    }
    for (i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (i = 0; i < 4; i++) {
        assert_non_null(jobs[i].json);
        assert_non_null(strstr(jobs[i].json, "{\"port\":129,\"family\":\"ipv4\",\"protocol\":"
                                             "\"tcp\",\"bind_address\":\"127.0.0.1\",\"pid\":39,"));
        assert_string_equal(jobs[i].json, jobs[0].json);
    }
    for (i = 0; i < 4; i++)
        free(jobs[i].json);
    tb_destroy(&t);
}

/* The --host envelope's text: collected_at in RFC 3339 UTC across the
 * epoch, leap days and centuries (no libc time zone code), null fields,
 * hostile bytes escaped, a field cut at LSN_HOST_FIELD_MAX; and the NDJSON
 * writer's partial line with the envelope. */
static void host_envelope(void **state)
{
    static const struct {
        int64_t t;
        const char *text;
    } times[] = {{0, "1970-01-01T00:00:00Z"},           {-1, "1969-12-31T23:59:59Z"},
                 {951782400, "2000-02-29T00:00:00Z"},   {1709210096, "2024-02-29T12:34:56Z"},
                 {4107542400, "2100-03-01T00:00:00Z"},  {253402300799, "9999-12-31T23:59:59Z"},
                 {253402300800, "9999-12-31T23:59:59Z"}};
    struct lsn_host h;
    struct lsn_result r;
    (void)state;
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        struct job j = {NULL, NULL, 0};
        char want[256];
        memset(&h, 0, sizeof h);
        h.collected_at = times[i].t;
        assert_int_equal(lsn_write_host(&h, grow_sink, &j), 0);
        snprintf(want, sizeof want,
                 "{\"schema_version\":1,\"hostname\":null,\"boot_id\":null,\"machine_id\":null,"
                 "\"kernel_release\":null,\"collected_at\":\"%s\",\"listeners_version\":null}",
                 times[i].text);
        assert_string_equal(j.json, want);
        free(j.json);
    }
    struct job j = {NULL, NULL, 0};
    memset(&h, 0, sizeof h);
    h.hostname.has = 1;
    memcpy(h.hostname.text, "a\"\x1b\xff\n", 5);
    h.hostname.len = 5;
    h.version = "1.2";
    memset(&r, 0, sizeof r);
    r.status = LSN_PARTIAL;
    r.protocols = LSN_PROTOS_TCP;
    assert_int_equal(lsn_write_ndjson(&r, &h, grow_sink, &j), 0);
    assert_string_equal(j.json,
                        "{\"partial\":true,\"host\":{\"schema_version\":1,\"hostname\":"
                        "\"a\\\"\\u001b\xef\xbf\xbd\\n\",\"boot_id\":null,\"machine_id\":null,"
                        "\"kernel_release\":null,\"collected_at\":\"1970-01-01T00:00:00Z\","
                        "\"listeners_version\":\"1.2\"}}\n");
    free(j.json);
}

/* lsn_write_stats_json gives its object whole, in one sink call, even one
 * larger than the writers' 8 KiB buffer (long paths to escape): so out of
 * memory part way can leave nothing half-written in the sink for the CLI
 * to append its keys to (the writer could not be made to fail here; that
 * the sink sees nothing before the end is what makes it safe). */
struct calls {
    size_t calls, len;
    char head[37], tail[3]; /* the first 36 bytes, the last 2 */
};

static int calls_sink(void *ctx, const char *buf, size_t len)
{
    struct calls *c = ctx;
    if (c->calls++ == 0)
        memcpy(c->head, buf, len < sizeof c->head - 1 ? len : sizeof c->head - 1);
    if (len >= 2)
        memcpy(c->tail, buf + len - 2, 2);
    c->len += len;
    return 0;
}

static void stats_json_whole(void **state)
{
    struct lsn_result r;
    struct calls c;
    static char root[9001], path[9001];
    (void)state;
    memset(root, 'a', sizeof root - 1);
    memset(path, '"', sizeof path - 1);
    memset(&r, 0, sizeof r);
    r.status = LSN_ERR_TABLE;
    r.error_message = "cannot open";
    r.error_path = path;
    r.protocols = LSN_PROTOS_TCP;
    memset(&c, 0, sizeof c);
    assert_int_equal(lsn_write_stats_json(&r, root, calls_sink, &c), 0);
    assert_int_equal(c.calls, 1);
    assert_true(c.len > 9000 + 2 * 9000); /* every '"' escaped */
    assert_string_equal(c.head, "{\"stats_version\":1,\"proc_root\":\"aaaa");
    assert_string_equal(c.tail, "}}");
    assert_int_equal(lsn_write_stats_json(&r, root, failing_sink, NULL), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_and_diags),    cmocka_unit_test(table_cap),
        cmocka_unit_test(batched_walk),      cmocka_unit_test(rows_in_contract_order),
        cmocka_unit_test(writers),           cmocka_unit_test(json_names_of_alternating_owners),
        cmocka_unit_test(json_exe_verified), cmocka_unit_test(threads),
        cmocka_unit_test(host_envelope),     cmocka_unit_test(stats_json_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
