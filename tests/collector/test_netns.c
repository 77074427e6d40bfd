/* test_netns.c - --all-netns: fixture trees with several network namespaces
 * (exact bytes), the library's rollback of a namespace that fails part way,
 * and real namespaces made with unshare(CLONE_NEWNET) (skipped without
 * CAP_SYS_ADMIN). Loopback only. */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "skip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "listeners.h"
#include "tree_builder.h"

#define HEAD "{\"listeners\":{\"listeners\":["
#define TAIL "]}}\n"
#define HOST_NS 4026531833u
#define NS_A 4026532001u
#define NS_B 4026532002u
#define NS_C 4026532003u

/* Appends n bytes of s to the string in buf (cap bytes), or fails the test. */
static void append(char *buf, size_t cap, const char *s, size_t n)
{
    size_t have = strlen(buf);
    assert_true(n < cap - have);
    memcpy(buf + have, s, n);
    buf[have + n] = '\0';
}

/* Runs the CLI on t with up to three extra arguments and checks status,
 * stdout and stderr ("%R" in err stands for the tree's root). */
static void expect_run(struct tb *t, int status, const char *out, const char *err, const char *a1,
                       const char *a2, const char *a3)
{
    struct run r;
    char want_err[2048];
    want_err[0] = '\0';
    if (err) {
        const char *m;
        while ((m = strstr(err, "%R")) != NULL) {
            append(want_err, sizeof want_err, err, (size_t)(m - err));
            append(want_err, sizeof want_err, t->root, strlen(t->root));
            err = m + 2;
        }
        append(want_err, sizeof want_err, err, strlen(err));
    }
    run_cli(&r, "--proc", t->root, a1, a2, a3, (char *)NULL);
    if (r.status != status || strcmp(r.out, out) != 0 || (err && strcmp(r.err, want_err) != 0)) {
        print_error("status %d (want %d)\nstdout: [%s]\nwant:   [%s]\nstderr: [%s]\nwant:   [%s]\n",
                    r.status, status, r.out, out, r.err, err ? want_err : "(any)");
        run_free(&r);
        fail();
    }
    run_free(&r);
}

/* The host part: root tables, its processes. */
static void host_part(struct tb *t, int with_namespaces)
{
    tb_tcp(t, "0.0.0.0", 22, 0x0A, 1002);
    tb_tcp(t, "127.0.0.1", 8080, 0x0A, 1001);
    tb_tcp(t, "127.0.0.1", 8080, 0x01, 1009); /* established */
    tb_tcp6(t, "::", 22, 0x0A, 1003);
    tb_tables(t);
    tb_tables_clear(t);
    tb_process(t, 1, "systemd", (size_t)-1, "/usr/lib/systemd/systemd", (size_t)-1);
    tb_socket_fd(t, 1, 40, 1001);
    tb_process(t, 100, "sshd", (size_t)-1, "/usr/sbin/sshd", (size_t)-1);
    tb_socket_fd(t, 100, 3, 1002);
    tb_socket_fd(t, 100, 4, 1003);
    tb_process(t, 120, "nginx", (size_t)-1, "/usr/sbin/nginx", (size_t)-1);
    tb_socket_fd(t, 120, 6, 1001);
    if (with_namespaces) {
        tb_self_netns(t, HOST_NS);
        tb_netns(t, 1, HOST_NS);
        tb_netns(t, 100, HOST_NS);
        tb_netns(t, 120, HOST_NS);
    }
}

/* Host, namespace A (members 200 and 201), B (300), C (500, no tables),
 * pid 150 without ns/net holding a socket of A, pid 600 with a bad link. */
static void several_tree(struct tb *t)
{
    tb_init(t);
    host_part(t, 1);
    /* A: the lowest member's tables are read, 201's never */
    tb_tcp(t, "127.0.0.1", 8080, 0x0A, 2001);
    tb_tcp(t, "10.0.0.2", 8080, 0x01, 2005);
    tb_tcp6(t, "::1", 9090, 0x0A, 2002);
    tb_tables_at(t, "200");
    tb_tcp(t, "127.0.0.1", 7000, 0x0A, 2999);
    tb_tables_at(t, "201");
    tb_process(t, 200, "app-a", (size_t)-1, "/usr/bin/app-a", (size_t)-1);
    tb_netns(t, 200, NS_A);
    tb_socket_fd(t, 200, 3, 2001);
    tb_socket_fd(t, 200, 4, 2002);
    tb_process(t, 201, "app-a", (size_t)-1, "/usr/bin/app-a", (size_t)-1);
    tb_netns(t, 201, NS_A);
    tb_socket_fd(t, 201, 3, 2001); /* prefork child: 200 stays the owner */
    tb_socket_fd(t, 201, 5, 2999);
    /* B: tcp only (a missing tcp6 is fine) */
    tb_tcp(t, "127.0.0.1", 8080, 0x0A, 3001);
    tb_tables_at(t, "300");
    tb_process(t, 300, "app-b", (size_t)-1, "/usr/bin/app-b", (size_t)-1);
    tb_netns(t, 300, NS_B);
    tb_socket_fd(t, 300, 3, 3001);
    /* C: no readable member (no 500/net/tcp) */
    tb_process(t, 500, "app-c", (size_t)-1, "/usr/bin/app-c", (size_t)-1);
    tb_netns(t, 500, NS_C);
    /* 150: no ns/net link: its tables are never read, its fds count */
    tb_tcp(t, "127.0.0.1", 1500, 0x0A, 1500);
    tb_tables_at(t, "150");
    tb_process(t, 150, "helper", (size_t)-1, "/usr/bin/helper", (size_t)-1);
    tb_socket_fd(t, 150, 7, 2002);
    /* 600: a link that is not net:[N] */
    tb_tcp(t, "127.0.0.1", 1600, 0x0A, 1600);
    tb_tables_at(t, "600");
    tb_process(t, 600, "odd", (size_t)-1, "/usr/bin/odd", (size_t)-1);
    tb_symlink(t, "600/ns/net", "net:[0]", 7);
}

#define ROW(port, fam, addr, pid, comm, exe)                                                       \
    "{\"port\":" #port ",\"family\":\"" fam "\",\"protocol\":\"tcp\",\"bind_address\":\"" addr     \
    "\",\"pid\":" #pid ",\"comm\":\"" comm "\",\"exe\":\"" exe "\""
#define NS(inode, host) ",\"netns\":" #inode ",\"netns_host\":" host "}"

#define DEFAULT_JSON                                                                               \
    HEAD ROW(22, "ipv4", "0.0.0.0", 100, "sshd", "/usr/sbin/sshd") "}," ROW(                       \
        22, "ipv6", "::", 100, "sshd", "/usr/sbin/sshd") "}," ROW(8080, "ipv4", "127.0.0.1", 120,  \
                                                                  "nginx",                         \
                                                                  "/usr/sbin/nginx") "}" TAIL

#define ALL_JSON                                                                                   \
    HEAD ROW(22, "ipv4", "0.0.0.0", 100, "sshd", "/usr/sbin/sshd") NS(4026531833, "true") "," ROW( \
        22, "ipv6", "::", 100, "sshd", "/usr/sbin/sshd")                                           \
        NS(4026531833, "true") "," ROW(8080, "ipv4", "127.0.0.1", 120, "nginx", "/usr/sbin/nginx") \
            NS(4026531833, "true") "," ROW(8080, "ipv4", "127.0.0.1", 200, "app-a",                \
                                           "/usr/bin/app-a")                                       \
                NS(4026532001, "false") "," ROW(8080, "ipv4", "127.0.0.1", 300, "app-b",           \
                                                "/usr/bin/app-b")                                  \
                    NS(4026532002, "false") "," ROW(9090, "ipv6", "::1", 150, "helper",            \
                                                    "/usr/bin/helper") NS(4026532001, "false")     \
                        TAIL

#define SKIP_C                                                                                     \
    "listeners: namespace 4026532003 skipped: %R/500/net/tcp: cannot open: "                       \
    "No such file or directory\n"

static void several_namespaces(void **state)
{
    struct tb t;
    (void)state;
    several_tree(&t);
    expect_run(&t, 0, ALL_JSON, SKIP_C, "--all-netns", NULL, NULL);
    expect_run(&t, 0, ALL_JSON, SKIP_C, "--all-netns", "--no-sandbox", NULL);
    tb_destroy(&t);
}

/* The default output is the trait, byte for byte the same with and without
 * other namespaces in the tree. */
static void default_unchanged(void **state)
{
    struct tb t, plain;
    struct run a, b;
    (void)state;
    several_tree(&t);
    tb_init(&plain);
    host_part(&plain, 0);
    expect_run(&t, 0, DEFAULT_JSON, "", NULL, NULL, NULL);
    expect_run(&plain, 0, DEFAULT_JSON, "", NULL, NULL, NULL);
    run_cli(&a, "--proc", t.root, "--format", "table", (char *)NULL);
    run_cli(&b, "--proc", plain.root, "--format", "table", (char *)NULL);
    assert_int_equal(a.status, 0);
    assert_string_equal(a.out, b.out);
    assert_null(strstr(a.out, "NETNS"));
    run_free(&a);
    run_free(&b);
    tb_destroy(&plain);
    tb_destroy(&t);
}

static void table_and_pretty(void **state)
{
    struct tb t;
    (void)state;
    several_tree(&t);
    expect_run(&t, 0,
               "PORT  FAMILY  ADDRESS    NETNS             PID  COMM    EXE\n"
               "  22  ipv4    0.0.0.0    4026531833(host)  100  sshd    /usr/sbin/sshd\n"
               "  22  ipv6    ::         4026531833(host)  100  sshd    /usr/sbin/sshd\n"
               "8080  ipv4    127.0.0.1  4026531833(host)  120  nginx   /usr/sbin/nginx\n"
               "8080  ipv4    127.0.0.1  4026532001        200  app-a   /usr/bin/app-a\n"
               "8080  ipv4    127.0.0.1  4026532002        300  app-b   /usr/bin/app-b\n"
               "9090  ipv6    ::1        4026532001        150  helper  /usr/bin/helper\n",
               SKIP_C, "--all-netns", "--format", "table");
    tb_destroy(&t);

    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 80, 0x0A, 11);
    tb_tables(&t);
    tb_tables_clear(&t);
    tb_self_netns(&t, HOST_NS);
    tb_tcp(&t, "127.0.0.1", 80, 0x0A, 12);
    tb_tables_at(&t, "7");
    tb_process(&t, 7, "web", (size_t)-1, "/web", (size_t)-1);
    tb_netns(&t, 7, NS_A);
    expect_run(&t, 0,
               "{\n  \"listeners\": {\n    \"listeners\": [\n      {\n        \"port\": 80,\n"
               "        \"family\": \"ipv4\",\n        \"protocol\": \"tcp\",\n"
               "        \"bind_address\": \"127.0.0.1\",\n        \"pid\": null,\n"
               "        \"comm\": null,\n        \"exe\": null,\n"
               "        \"netns\": 4026531833,\n        \"netns_host\": true\n      },\n"
               "      {\n        \"port\": 80,\n"
               "        \"family\": \"ipv4\",\n        \"protocol\": \"tcp\",\n"
               "        \"bind_address\": \"127.0.0.1\",\n        \"pid\": null,\n"
               "        \"comm\": null,\n        \"exe\": null,\n"
               "        \"netns\": 4026532001,\n        \"netns_host\": false\n      }\n"
               "    ]\n  }\n}\n",
               "", "--all-netns", "--pretty", NULL);
    tb_destroy(&t);
}

/* No self/ns/net: the host's inode is unknown (null), its rows still are the
 * host's; a member of the (unrecognised) host namespace gives only
 * duplicates of the root tables, never second rows. */
static void host_unknown(void **state)
{
    struct tb t;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 80, 0x0A, 11);
    tb_tables(&t);
    tb_tables_clear(&t);
    tb_tcp(&t, "127.0.0.1", 80, 0x0A, 11);
    tb_tables_at(&t, "5");
    tb_process(&t, 5, "web", (size_t)-1, "/web", (size_t)-1);
    tb_netns(&t, 5, HOST_NS);
    tb_socket_fd(&t, 5, 3, 11);
    tb_tcp(&t, "127.0.0.1", 80, 0x0A, 21);
    tb_tables_at(&t, "6");
    tb_process(&t, 6, "web", (size_t)-1, "/web", (size_t)-1);
    tb_netns(&t, 6, NS_A);
    tb_socket_fd(&t, 6, 3, 21);
    expect_run(&t, 0,
               HEAD ROW(80, "ipv4", "127.0.0.1", 5, "web",
                        "/web") ",\"netns\":null,"
                                "\"netns_host\":true}," ROW(80, "ipv4", "127.0.0.1", 6, "web",
                                                            "/web") NS(4026532001, "false") TAIL,
               "listeners: %R/self/ns/net: host namespace unknown: cannot read the link: "
               "No such file or directory\n",
               "--all-netns", NULL, NULL);
    tb_destroy(&t);
}

/* Hostile namespace parts: links that are not net:[N], a directory or a FIFO
 * as a namespace's net/tcp, malformed lines, a pid dir that is a file. */
static void hostile_namespaces(void **state)
{
    struct tb t;
    char big[200];
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 80, 0x0A, 11);
    tb_tables(&t);
    tb_tables_clear(&t);
    tb_self_netns(&t, HOST_NS);
    tb_process(&t, 10, "a", (size_t)-1, "/a", (size_t)-1);
    tb_symlink(&t, "10/ns/net", "net:[01]", 8);
    tb_process(&t, 11, "b", (size_t)-1, "/b", (size_t)-1);
    tb_symlink(&t, "11/ns/net", "socket:[4026532001]", 19);
    tb_process(&t, 12, "c", (size_t)-1, "/c", (size_t)-1);
    tb_dir(&t, "12/ns/net");
    tb_process(&t, 13, "d", (size_t)-1, "/d", (size_t)-1);
    memset(big, '9', sizeof big);
    memcpy(big, "net:[", sizeof "net:[" - 1); /* the digits follow */
    big[sizeof big - 1] = ']';
    tb_symlink(&t, "13/ns/net", big, sizeof big);
    tb_process(&t, 14, "e", (size_t)-1, "/e", (size_t)-1);
    tb_symlink(&t, "14/ns/net", "net:[18446744073709551616]", 26);
    /* each of these pids' tables would add port 1 if read */
    tb_tcp(&t, "127.0.0.1", 1, 0x0A, 99);
    tb_tables_at(&t, "10");
    tb_tcp(&t, "127.0.0.1", 1, 0x0A, 99);
    tb_tables_at(&t, "11");
    /* A: net/tcp is a directory; B: a FIFO (never blocks); C: a malformed
     * line is skipped, the rest counts */
    tb_process(&t, 20, "f", (size_t)-1, "/f", (size_t)-1);
    tb_netns(&t, 20, NS_A);
    tb_dir(&t, "20/net/tcp");
    tb_process(&t, 30, "g", (size_t)-1, "/g", (size_t)-1);
    tb_netns(&t, 30, NS_B);
    tb_fifo(&t, "30/net/tcp");
    tb_process(&t, 40, "h", (size_t)-1, "/h", (size_t)-1);
    tb_netns(&t, 40, NS_C);
    tb_tcp_raw(&t, "   0: nonsense\n", 15);
    tb_tcp(&t, "127.0.0.1", 80, 0x0A, 41);
    tb_tables_at(&t, "40");
    tb_socket_fd(&t, 40, 3, 41);
    /* a pid entry that is a regular file */
    tb_text(&t, "50", "not a directory\n");
    expect_run(&t, 0,
               HEAD "{\"port\":80,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":null,\"comm\":null,\"exe\":null" NS(
                        4026531833, "true") "," ROW(80, "ipv4", "127.0.0.1", 40, "h", "/h")
                        NS(4026532003, "false") TAIL,
               "listeners: namespace 4026532001 skipped: %R/20/net/tcp: not a regular file\n"
               "listeners: namespace 4026532002 skipped: %R/30/net/tcp: not a regular file\n"
               "%R/40/net/tcp:2: local address is not 8 hex digits\n"
               "listeners: %R/50: cannot open process directory: Not a directory\n",
               "--all-netns", NULL, NULL);
    tb_destroy(&t);
}

/* ---- the library: rollback of a namespace whose table fails part way ---- */

struct seen {
    int namespace_diags, table_diags;
    uint64_t netns;
    int32_t pid;
    int error;
};

static void on_diag(void *ctx, const struct lsn_diag *d)
{
    struct seen *s = ctx;
    if (d->kind == LSN_DIAG_NAMESPACE || d->kind == LSN_DIAG_TABLE) {
        if (d->kind == LSN_DIAG_NAMESPACE)
            s->namespace_diags++;
        else
            s->table_diags++;
        s->netns = d->netns;
        s->pid = d->pid;
        s->error = d->error;
    }
}

/* Two sockets with one inode number: after the kernel's 32-bit inode counter
 * wraps, an fd "socket:[4242]" cannot say which one it is. Both rows stay
 * (before, the second was dropped as a duplicate: an attacker's namespace
 * listener could hide behind a host one's number, and the first row took
 * the holder of either), neither gets an owner, and each extra one is a
 * diagnostic naming the table line. The same socket printed twice (a split
 * read re-seeks) is still one row, silently. */
#define NULL_ROW(port, addr)                                                                       \
    "{\"port\":" #port ",\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":\"" addr        \
    "\",\"pid\":null,\"comm\":null,\"exe\":null"
#define SHARED_DIAG                                                                                \
    ": socket inode already seen on another socket (the kernel's 32-bit inode counter wrapped): "  \
    "neither row gets an owner\n"
static void inode_shared(void **state)
{
    struct tb t;
    (void)state;
    /* one table: 4242 on :80 and on :81; :90 printed twice is one socket,
     * and so is :81 printed three times (a re-read pass prints the second
     * socket of a shared number again: one row, one diagnostic) */
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 80, 0x0A, 4242);
    tb_tcp(&t, "127.0.0.1", 90, 0x0A, 4243);
    tb_tcp(&t, "127.0.0.1", 81, 0x0A, 4242);
    tb_tcp(&t, "127.0.0.1", 90, 0x0A, 4243);
    tb_tcp(&t, "127.0.0.1", 81, 0x0A, 4242);
    tb_tcp(&t, "127.0.0.1", 81, 0x0A, 4242);
    tb_tables(&t);
    tb_tables_clear(&t);
    tb_process(&t, 100, "victim", (size_t)-1, "/usr/bin/victim", (size_t)-1);
    tb_socket_fd(&t, 100, 3, 4242);
    tb_socket_fd(&t, 100, 4, 4243);
    expect_run(&t, 0,
               HEAD NULL_ROW(80, "127.0.0.1") "}," NULL_ROW(81, "127.0.0.1") "}," ROW(
                   90, "ipv4", "127.0.0.1", 100, "victim", "/usr/bin/victim") "}" TAIL,
               "%R/net/tcp:4" SHARED_DIAG, NULL, NULL, NULL);
    /* two namespaces: the host's :80 and namespace B's :8080, one number */
    tb_self_netns(&t, HOST_NS);
    tb_netns(&t, 100, HOST_NS);
    tb_tcp(&t, "127.0.0.1", 8080, 0x0A, 4242);
    tb_tables_at(&t, "300");
    tb_process(&t, 300, "other", (size_t)-1, "/usr/bin/other", (size_t)-1);
    tb_netns(&t, 300, NS_B);
    tb_socket_fd(&t, 300, 3, 4242);
    expect_run(
        &t, 0,
        HEAD NULL_ROW(80, "127.0.0.1") NS(4026531833, "true") "," NULL_ROW(81, "127.0.0.1") NS(
            4026531833, "true") "," ROW(90, "ipv4", "127.0.0.1", 100, "victim", "/usr/bin/victim")
            NS(4026531833, "true") "," NULL_ROW(8080, "127.0.0.1") NS(4026532002, "false") TAIL,
        "%R/net/tcp:4" SHARED_DIAG "%R/300/net/tcp:2" SHARED_DIAG, "--all-netns", NULL, NULL);
    tb_destroy(&t);
}

/* A namespace's table over the size cap: its rows before the cut stay, the
 * result is partial and a diagnostic names the table, its namespace and
 * member (before, the namespace's rows were dropped as if it had failed). */
static void namespace_cap_partial(void **state)
{
    struct tb t;
    struct lsn_options o;
    struct lsn_result r;
    struct seen seen;
    size_t i, from_a = 0;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 80, 0x0A, 11);
    tb_tables(&t);
    tb_tables_clear(&t);
    tb_self_netns(&t, HOST_NS);
    for (i = 0; i < 40; i++) /* 40 lines of 150 bytes: past the 5000 byte cap */
        tb_tcp(&t, "127.0.0.1", (uint16_t)(1000 + i), 0x0A, 5000 + (uint64_t)i);
    tb_tables_at(&t, "20");
    tb_process(&t, 20, "big", (size_t)-1, "/big", (size_t)-1);
    tb_netns(&t, 20, NS_A);
    tb_socket_fd(&t, 20, 3, 5000);
    tb_socket_fd(&t, 20, 4, 11);
    tb_tcp(&t, "127.0.0.1", 81, 0x0A, 31);
    tb_tables_at(&t, "30");
    tb_process(&t, 30, "ok", (size_t)-1, "/ok", (size_t)-1);
    tb_netns(&t, 30, NS_B);
    tb_socket_fd(&t, 30, 3, 31);

    memset(&o, 0, sizeof o);
    memset(&seen, 0, sizeof seen);
    o.proc_root = t.root;
    o.byte_order = LSN_ORDER_HOST;
    o.diag = on_diag;
    o.diag_ctx = &seen;
    o.max_table_bytes = 5000; /* one 4 KiB read: the header and 26 whole lines */
    o.flags = LSN_OPT_ALL_NETNS;
    assert_int_equal(lsn_collect(&o, &r), LSN_PARTIAL);
    assert_int_equal(r.partial, LSN_PARTIAL_SIZE_CAP);
    assert_int_equal(r.all_netns, 1);
    assert_int_equal(r.host_netns, HOST_NS);
    for (i = 0; i < r.count; i++) {
        const struct lsn_listener *l = &r.listeners[i];
        if (l->netns != NS_A)
            continue;
        from_a++;
        assert_int_equal(l->inode, 5000 + (uint64_t)(l->port - 1000));
        assert_int_equal(l->pid, l->inode == 5000 ? 20 : -1);
    }
    assert_int_equal(from_a, 26);
    assert_int_equal(r.count, 2 + from_a);
    assert_int_equal(r.listeners[0].port, 80);
    assert_int_equal(r.listeners[0].pid, 20);
    assert_int_equal(r.listeners[1].port, 81);
    assert_int_equal(r.listeners[1].pid, 30);
    assert_int_equal(r.listeners[1].netns, NS_B);
    assert_int_equal(r.stats.netns_found, 2);
    assert_int_equal(r.stats.netns_read, 2);
    assert_int_equal(r.stats.netns_skipped, 0);
    assert_int_equal(r.stats.netns_truncated, 1);
    assert_int_equal(r.stats.netns_listening, 1 + from_a);
    assert_int_equal(seen.namespace_diags, 0);
    assert_int_equal(seen.table_diags, 1);
    assert_int_equal(seen.netns, NS_A);
    assert_int_equal(seen.pid, 20);
    assert_int_equal(seen.error, EFBIG);
    lsn_result_free(&r);

    /* without the flag: the trait's rows only, no namespace fields */
    o.flags = 0;
    memset(&seen, 0, sizeof seen);
    assert_int_equal(lsn_collect(&o, &r), LSN_OK);
    assert_int_equal(r.all_netns, 0);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.listeners[0].netns, 0);
    assert_int_equal(seen.namespace_diags, 0);
    lsn_result_free(&r);
    tb_destroy(&t);
}

/* ---- real namespaces ---- */

struct ns_child {
    pid_t pid;
    uint64_t netns;
    uint64_t inode;
};

static int lo_up(void)
{
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;
    if (s < 0)
        return -1;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    rc = ioctl(s, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP;
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
    return rc;
}

static int listen_on(uint16_t port, uint16_t *bound)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    *bound = 0; /* 0 when this fails */
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 8) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        close(fd);
        return -1;
    }
    *bound = ntohs(a.sin_port);
    return fd;
}

static uint64_t ino(const char *path, int fd)
{
    struct stat sb;
    if ((path ? stat(path, &sb) : fstat(fd, &sb)) != 0)
        return 0;
    return (uint64_t)sb.st_ino;
}

/* A child in a new network namespace with a listener on 127.0.0.1:port.
 * Returns 0, or -1 with *why when namespaces cannot be made here. */
static int ns_child(const char *name, uint16_t port, int host_fd, struct ns_child *out,
                    const char **why)
{
    struct {
        int err;
        uint64_t netns, inode;
    } msg;
    int p[2];
    pid_t pid;
    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        uint16_t got;
        int fd;
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        prctl(PR_SET_NAME, name, 0, 0, 0);
        close(p[0]);
        close(host_fd);
        memset(&msg, 0, sizeof msg);
        if (unshare(CLONE_NEWNET) != 0)
            msg.err = 1;
        else if (lo_up() != 0)
            msg.err = 2;
        else if ((fd = listen_on(port, &got)) < 0)
            msg.err = 3;
        else {
            msg.netns = ino("/proc/self/ns/net", -1);
            msg.inode = ino(NULL, fd);
        }
        if (write(p[1], &msg, sizeof msg) != (ssize_t)sizeof msg)
            _exit(1);
        for (;;)
            pause();
    }
    close(p[1]);
    assert_int_equal(read(p[0], &msg, sizeof msg), (ssize_t)sizeof msg);
    close(p[0]);
    out->pid = pid;
    out->netns = msg.netns;
    out->inode = msg.inode;
    if (msg.err) {
        *why = msg.err == 1   ? "unshare(CLONE_NEWNET) refused (no CAP_SYS_ADMIN?)"
               : msg.err == 2 ? "cannot bring lo up in the new namespace"
                              : "cannot listen on 127.0.0.1 in the new namespace";
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return -1;
    }
    return 0;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    const char *p = hay;
    while ((p = strstr(p, needle)) != NULL) {
        n++;
        p += strlen(needle);
    }
    return n;
}

/* The --all-netns document with the other namespaces' rows dropped and the
 * extension keys removed from the host's: the default document. */
static char *host_only(const char *all, uint64_t host)
{
    char tail_host[96], *out = malloc(strlen(all) + 1), *w = out;
    const char *p = all, *sep = "},{\"port\":";
    size_t head = strlen(HEAD);
    int first = 1;
    assert_non_null(out);
    snprintf(tail_host, sizeof tail_host, ",\"netns\":%" PRIu64 ",\"netns_host\":true", host);
    assert_memory_equal(all, HEAD, head);
    memcpy(w, HEAD, head);
    w += head;
    p += head;
    while (*p == '{') {
        /* one row: up to the next row separator or the document's end */
        const char *end = strstr(p, sep), *key;
        size_t len;
        if (!end) {
            end = strstr(p, "}" TAIL);
            assert_non_null(end);
        }
        len = (size_t)(end - p);
        key = strstr(p, ",\"netns\":");
        assert_true(key && key < end);
        if (strncmp(key, tail_host, strlen(tail_host)) == 0 && key + strlen(tail_host) == end) {
            if (!first)
                *w++ = ',';
            memcpy(w, p, (size_t)(key - p));
            w += key - p;
            *w++ = '}';
            first = 0;
        }
        p += len + 1;
        if (*p == ',')
            p++;
    }
    memcpy(w, TAIL, sizeof TAIL); /* with its NUL */
    return out;
}

static void live_namespaces(void **state)
{
    struct ns_child a, b;
    struct run all, def;
    char want[8192], self_exe[4096];
    const char *why = NULL;
    uint16_t port;
    uint64_t host = ino("/proc/self/ns/net", -1), host_inode;
    ssize_t n;
    int host_fd, attempt, ok = 0;
    (void)state;

    prctl(PR_SET_NAME, "lsn-netns-host", 0, 0, 0);
    host_fd = listen_on(0, &port);
    assert_true(host_fd >= 0);
    host_inode = ino(NULL, host_fd);
    if (ns_child("lsn-ns-a", port, host_fd, &a, &why) != 0) {
        close(host_fd);
        LSN_SKIP(why);
    }
    if (ns_child("lsn-ns-b", port, host_fd, &b, &why) != 0) {
        kill(a.pid, SIGKILL);
        waitpid(a.pid, NULL, 0);
        close(host_fd);
        LSN_SKIP(why);
    }
    assert_true(a.netns != host && b.netns != host && a.netns != b.netns);
    n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    assert_true(n > 0);
    self_exe[n] = '\0';
    print_message("host %" PRIu64 " (pid %d, socket %" PRIu64 "), a %" PRIu64
                  " (pid %d), b %" PRIu64 " (pid %d), port %u\n",
                  host, (int)getpid(), host_inode, a.netns, (int)a.pid, b.netns, (int)b.pid,
                  (unsigned)port);

    /* A live host may change between the two runs: a few attempts. */
    for (attempt = 0; attempt < 5 && !ok; attempt++) {
        char rowkey[96], *stripped;
        run_cli(&all, "--all-netns", (char *)NULL);
        run_cli(&def, (char *)NULL);
        assert_int_equal(all.status, 0);
        assert_int_equal(def.status, 0);
        assert_null(strstr(def.out, "\"netns\":"));
        snprintf(rowkey, sizeof rowkey, "{\"port\":%u,\"family\":\"ipv4\",", (unsigned)port);
        assert_int_equal(count(all.out, rowkey), 3);
        assert_int_equal(count(def.out, rowkey), 1);
        /* each namespace's row, once, with its pid and namespace */
        snprintf(want, sizeof want,
                 "{\"port\":%u,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                 "\"127.0.0.1\",\"pid\":%d,\"comm\":\"lsn-ns-a\",\"exe\":\"%s\",\"netns\":%" PRIu64
                 ",\"netns_host\":false}",
                 (unsigned)port, (int)a.pid, self_exe, a.netns);
        assert_int_equal(count(all.out, want), 1);
        snprintf(want, sizeof want,
                 "{\"port\":%u,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                 "\"127.0.0.1\",\"pid\":%d,\"comm\":\"lsn-ns-b\",\"exe\":\"%s\",\"netns\":%" PRIu64
                 ",\"netns_host\":false}",
                 (unsigned)port, (int)b.pid, self_exe, b.netns);
        assert_int_equal(count(all.out, want), 1);
        snprintf(
            want, sizeof want,
            "{\"port\":%u,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
            "\"127.0.0.1\",\"pid\":%d,\"comm\":\"lsn-netns-host\",\"exe\":\"%s\",\"netns\":%" PRIu64
            ",\"netns_host\":true}",
            (unsigned)port, (int)getpid(), self_exe, host);
        assert_int_equal(count(all.out, want), 1);
        /* the default document is the --all-netns one, host rows only */
        stripped = host_only(all.out, host);
        ok = strcmp(stripped, def.out) == 0;
        if (!ok)
            print_message("attempt %d: host changed between runs\n%s%s", attempt, stripped,
                          def.out);
        free(stripped);
        run_free(&all);
        run_free(&def);
    }
    assert_true(ok);

    run_cli(&all, "--all-netns", "--format", "table", (char *)NULL);
    assert_int_equal(all.status, 0);
    assert_non_null(strstr(all.out, "NETNS"));
    assert_non_null(strstr(all.out, "lsn-ns-a"));
    run_free(&all);

    kill(a.pid, SIGKILL);
    kill(b.pid, SIGKILL);
    waitpid(a.pid, NULL, 0);
    waitpid(b.pid, NULL, 0);
    close(host_fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(several_namespaces), cmocka_unit_test(default_unchanged),
        cmocka_unit_test(table_and_pretty),   cmocka_unit_test(host_unknown),
        cmocka_unit_test(hostile_namespaces), cmocka_unit_test(namespace_cap_partial),
        cmocka_unit_test(inode_shared),       cmocka_unit_test(live_namespaces),
    };
    return lsn_test_exit(cmocka_run_group_tests_name("netns", tests, NULL, NULL));
}
