/* test_fixtures.c - the listeners CLI on fixture proc trees: exact bytes. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tree_builder.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define LSN_TEST_SANITIZED 1
#endif
#endif
#ifndef LSN_TEST_SANITIZED
#define LSN_TEST_SANITIZED 0
#endif

#define HEAD "{\"listeners\":{\"listeners\":["
#define TAIL "]}}\n"

/* Runs the CLI on t with extra arguments and checks status, stdout, stderr.
 * "%R" in expected stderr stands for the tree's root. */
static void expect_run(struct tb *t, int status, const char *out, const char *err, const char *a1,
                       const char *a2)
{
    struct run r;
    char *want_err = NULL;
    if (err) {
        const char *m = strstr(err, "%R"), *k;
        size_t n = strlen(err) + 1;
        for (k = m; k; k = strstr(k + 2, "%R"))
            n += strlen(t->root);
        size_t w = 0, root_len = strlen(t->root), rest;
        want_err = malloc(n);
        assert_non_null(want_err);
        while (m) { /* replace every %R */
            size_t lead = (size_t)(m - err);
            memcpy(want_err + w, err, lead);
            w += lead;
            memcpy(want_err + w, t->root, root_len);
            w += root_len;
            err = m + 2;
            m = strstr(err, "%R");
        }
        rest = strlen(err);
        assert_true(w + rest < n);
        memcpy(want_err + w, err, rest + 1);
    }
    run_cli(&r, "--proc", t->root, a1, a2, (char *)NULL);
    int bad =
        r.status != status || strcmp(r.out, out) != 0 || (want_err && strcmp(r.err, want_err) != 0);
    if (bad)
        print_error("status %d (want %d)\nstdout: [%s]\nwant:   [%s]\nstderr: [%s]\nwant:   [%s]\n",
                    r.status, status, r.out, out, r.err, want_err ? want_err : "(any)");
    free(want_err);
    run_free(&r);
    if (bad)
        fail();
}

static void basic_tree(struct tb *t)
{
    tb_init(t);
    tb_tcp(t, "0.0.0.0", 22, 0x0A, 1001);
    tb_tcp(t, "127.0.0.1", 8080, 0x0A, 1003);
    tb_tcp(t, "127.0.0.1", 8080, 0x01, 0);  /* established: ignored */
    tb_tcp(t, "10.0.0.5", 22, 0x01, 1010);  /* established, has an inode: ignored */
    tb_tcp(t, "127.0.0.1", 40000, 0x06, 0); /* time-wait */
    tb_tcp6(t, "::", 22, 0x0A, 1002);
    tb_tcp6(t, "::1", 631, 0x0A, 1004);
    tb_tables(t);
    tb_process(t, 100, "sshd", (size_t)-1, "/usr/sbin/sshd", (size_t)-1);
    tb_fd(t, 100, 0, "/dev/null");
    tb_socket_fd(t, 100, 3, 1001);
    tb_socket_fd(t, 100, 4, 1002);
    tb_fd(t, 100, 5, "pipe:[777]");
    tb_process(t, 200, "nginx", (size_t)-1, "/usr/sbin/nginx", (size_t)-1);
    tb_socket_fd(t, 200, 6, 1003);
    tb_socket_fd(t, 200, 7, 1010); /* a connection, not a listener */
    tb_process(t, 300, "cupsd", (size_t)-1, "/usr/sbin/cupsd", (size_t)-1);
    tb_fd(t, 300, 1, "anon_inode:[eventfd]");
    tb_socket_fd(t, 300, 9, 1004);
    tb_process(t, 50, "bash", (size_t)-1, "/usr/bin/bash", (size_t)-1);
    tb_fd(t, 50, 0, "/dev/pts/0");
}

#define BASIC_JSON                                                                                 \
    HEAD "{\"port\":22,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":\"0.0.0.0\","     \
         "\"pid\":100,\"comm\":\"sshd\",\"exe\":\"/usr/sbin/sshd\"},"                              \
         "{\"port\":22,\"family\":\"ipv6\",\"protocol\":\"tcp\",\"bind_address\":\"::\","          \
         "\"pid\":100,\"comm\":\"sshd\",\"exe\":\"/usr/sbin/sshd\"},"                              \
         "{\"port\":631,\"family\":\"ipv6\",\"protocol\":\"tcp\",\"bind_address\":\"::1\","        \
         "\"pid\":300,\"comm\":\"cupsd\",\"exe\":\"/usr/sbin/cupsd\"},"                            \
         "{\"port\":8080,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"               \
         "\"127.0.0.1\",\"pid\":200,\"comm\":\"nginx\",\"exe\":\"/usr/sbin/nginx\"}" TAIL

static void basic_mix(void **state)
{
    struct tb t;
    (void)state;
    basic_tree(&t);
    expect_run(&t, 0, BASIC_JSON, "", NULL, NULL);
    expect_run(&t, 0, BASIC_JSON, "", "--format", "json");
    tb_destroy(&t);
}

static void basic_pretty(void **state)
{
    struct tb t;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 8080, 0x0A, 1003);
    tb_tcp(&t, "127.0.0.1", 9090, 0x0A, 1005);
    tb_tables(&t);
    tb_process(&t, 200, "nginx", (size_t)-1, "/usr/sbin/nginx", (size_t)-1);
    tb_socket_fd(&t, 200, 6, 1003);
    expect_run(&t, 0,
               "{\n  \"listeners\": {\n    \"listeners\": [\n      {\n        \"port\": 8080,\n"
               "        \"family\": \"ipv4\",\n        \"protocol\": \"tcp\",\n"
               "        \"bind_address\": \"127.0.0.1\",\n        \"pid\": 200,\n"
               "        \"comm\": \"nginx\",\n        \"exe\": \"/usr/sbin/nginx\"\n      },\n"
               "      {\n        \"port\": 9090,\n"
               "        \"family\": \"ipv4\",\n        \"protocol\": \"tcp\",\n"
               "        \"bind_address\": \"127.0.0.1\",\n        \"pid\": null,\n"
               "        \"comm\": null,\n        \"exe\": null\n      }\n    ]\n  }\n}\n",
               "", "--pretty", NULL);
    tb_destroy(&t);
}

static void empty_tables(void **state)
{
    struct tb t;
    (void)state;
    tb_init(&t);
    tb_tcp_header(&t);
    tb_tcp(&t, "127.0.0.1", 5000, 0x01, 4242);
    tb_tcp6_header(&t);
    tb_tables(&t);
    expect_run(&t, 0, HEAD TAIL, "", NULL, NULL);
    expect_run(&t, 0, "{\n  \"listeners\": {\n    \"listeners\": []\n  }\n}\n", "", "--pretty",
               NULL);
    expect_run(&t, 0, "PORT  FAMILY  ADDRESS  PID  COMM  EXE\n", "", "--format", "table");
    tb_destroy(&t);
}

static void basic_table(void **state)
{
    struct tb t;
    (void)state;
    basic_tree(&t);
    tb_tcp6(&t, "2001:db8:1234:5678:9abc:def0:1234:5678", 65535, 0x0A, 1099);
    tb_tables(&t);
    expect_run(
        &t, 0,
        " PORT  FAMILY  ADDRESS                                 PID  COMM   EXE\n"
        "   22  ipv4    0.0.0.0                                 100  sshd   /usr/sbin/sshd\n"
        "   22  ipv6    ::                                      100  sshd   /usr/sbin/sshd\n"
        "  631  ipv6    ::1                                     300  cupsd  /usr/sbin/cupsd\n"
        " 8080  ipv4    127.0.0.1                               200  nginx  /usr/sbin/nginx\n"
        "65535  ipv6    2001:db8:1234:5678:9abc:def0:1234:5678    -  -      -\n",
        "", "--format", "table");
    tb_destroy(&t);
}

/* --verify-exe on a tree: exe_verified is null on every row, right after exe.
 * A tree's exe texts are of another host or time, so nothing is stat'ed:
 * an exe that names a real file here (/bin/sh) is not true, one marked
 * deleted is not false. */
#define VERIFY_ROW(port, fam, addr, rest)                                                          \
    "{\"port\":" #port ",\"family\":\"" fam "\",\"protocol\":\"tcp\",\"bind_address\":\"" addr     \
    "\",\"pid\":" rest ",\"exe_verified\":null}"

static void verify_exe_tree(void **state)
{
    struct tb t;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "0.0.0.0", 22, 0x0A, 1001);
    tb_tcp(&t, "127.0.0.1", 8080, 0x0A, 1003);
    tb_tcp(&t, "127.0.0.1", 9090, 0x0A, 1005);
    tb_tcp6(&t, "::1", 631, 0x0A, 1004);
    tb_tables(&t);
    tb_process(&t, 100, "sh", (size_t)-1, "/bin/sh", (size_t)-1);
    tb_socket_fd(&t, 100, 3, 1001);
    tb_process(&t, 200, "gone", (size_t)-1, "/usr/sbin/gone (deleted)", (size_t)-1);
    tb_socket_fd(&t, 200, 3, 1003);
    tb_process(&t, 300, "cupsd", (size_t)-1, NULL, 0);
    tb_text(&t, "300/exe", "/usr/sbin/cupsd"); /* not a link: exe null */
    tb_socket_fd(&t, 300, 3, 1004);
    expect_run(
        &t, 0,
        HEAD                                                                                 //
            VERIFY_ROW(22, "ipv4", "0.0.0.0", "100,\"comm\":\"sh\",\"exe\":\"/bin/sh\"") "," //
        VERIFY_ROW(631, "ipv6", "::1", "300,\"comm\":\"cupsd\",\"exe\":null") ","            //
        VERIFY_ROW(8080, "ipv4", "127.0.0.1",                                                //
                   "200,\"comm\":\"gone\",\"exe\":\"/usr/sbin/gone (deleted)\"") ","         //
        VERIFY_ROW(9090, "ipv4", "127.0.0.1", "null,\"comm\":null,\"exe\":null")             //
        TAIL,
        "listeners: %R/300/exe: exe is not a symbolic link\n", "--verify-exe", NULL);
    expect_run(&t, 0,
               "PORT  FAMILY  ADDRESS    PID  COMM   VERIFIED  EXE\n"
               "  22  ipv4    0.0.0.0    100  sh     -         /bin/sh\n"
               " 631  ipv6    ::1        300  cupsd  -         -\n"
               "8080  ipv4    127.0.0.1  200  gone   -         /usr/sbin/gone (deleted)\n"
               "9090  ipv4    127.0.0.1    -  -      -         -\n",
               "listeners: %R/300/exe: exe is not a symbolic link\n", "--verify-exe",
               "--format=table");
    tb_destroy(&t);
}

/* Early stop fallback: a fixture is not procfs, so a 0A line after
 * established and TIME_WAIT lines (a shape live Linux never prints) still
 * counts: the table is read to EOF, per file, and --stats says so. */
static void early_stop_fallback(void **state)
{
    struct tb t;
    struct run r;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 8080, 0x0A, 1003);
    tb_tcp(&t, "127.0.0.1", 8080, 0x01, 0);
    tb_tcp(&t, "127.0.0.1", 40000, 0x06, 0);
    tb_tcp(&t, "127.0.0.2", 9090, 0x0A, 1005);
    tb_tcp(&t, "127.0.0.1", 9090, 0x03, 0);
    tb_tcp6(&t, "::1", 5000, 0x01, 4242);
    tb_tcp6(&t, "::1", 631, 0x0A, 1099);
    tb_tables(&t);
    expect_run(&t, 0,
               HEAD "{\"port\":631,\"family\":\"ipv6\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"::1\",\"pid\":null,\"comm\":null,\"exe\":null},"
                    "{\"port\":8080,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":null,\"comm\":null,\"exe\":null},"
                    "{\"port\":9090,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.2\",\"pid\":null,\"comm\":null,\"exe\":null}" TAIL,
               "", NULL, NULL);
    run_cli(&r, "--proc", t.root, "--stats", (char *)NULL);
    assert_int_equal(r.status, 0);
    if (!strstr(r.err, "/net/tcp: read to the end (not procfs: early stop off)") ||
        !strstr(r.err, "/net/tcp6: read to the end (not procfs: early stop off)") ||
        strstr(r.err, "stopped at line")) {
        print_error("stderr: [%s]\n", r.err);
        run_free(&r);
        fail();
    }
    run_free(&r);
    tb_destroy(&t);
}

/* --stats tells, from /proc/self/status, whether the kernel holds the run
 * under the seccomp filter: on by default where the build has one (Linux
 * x86_64 or aarch64, no sanitizer: the CLI under test may be the static
 * musl build, which must have it too), off with --no-sandbox. */
static void stats_tell_the_sandbox(void **state)
{
    struct tb t;
    struct run r;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 8080, 0x0A, 1001);
    tb_tables(&t);
#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__)) &&                         \
    !defined(__SANITIZE_ADDRESS__) && !LSN_TEST_SANITIZED
    const char *on = "stats: sandbox: seccomp filter installed (/proc/self/status Seccomp: 2)\n";
#else
    const char *on = "stats: sandbox: none (/proc/self/status Seccomp: 0)\n";
#endif
    run_cli(&r, "--proc", t.root, "--stats", (char *)NULL);
    assert_int_equal(r.status, 0);
    if (!strstr(r.err, on)) {
        print_error("wanted [%s] in stderr: [%s]\n", on, r.err);
        fail();
    }
    run_free(&r);
    run_cli(&r, "--proc", t.root, "--stats", "--no-sandbox", (char *)NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "stats: sandbox: none (/proc/self/status Seccomp: 0)\n"));
    run_free(&r);
    tb_destroy(&t);
}

/* A prefork server: the master (lowest pid) owns the socket its workers share. */
static void shared_socket(void **state)
{
    struct tb t;
    int w;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "0.0.0.0", 80, 0x0A, 2001);
    tb_tcp(&t, "0.0.0.0", 443, 0x0A, 2002);
    tb_tables(&t);
    /* workers first in creation order, with higher pids; one worker below the
     * master holds only 443: the lowest pid wins whoever is the master */
    for (w = 0; w < 4; w++) {
        tb_process(&t, 1201 + w, "nginx", (size_t)-1, "/usr/sbin/nginx", (size_t)-1);
        tb_socket_fd(&t, 1201 + w, 6, 2001);
        tb_socket_fd(&t, 1201 + w, 7, 2002);
    }
    tb_process(&t, 1200, "nginx-master", (size_t)-1, "/usr/sbin/nginx", (size_t)-1);
    tb_socket_fd(&t, 1200, 6, 2001);
    tb_socket_fd(&t, 1200, 7, 2002);
    tb_socket_fd(&t, 1200, 8, 2002); /* dup of the same socket */
    tb_process(&t, 1199, "helper", (size_t)-1, "/usr/bin/helper", (size_t)-1);
    tb_socket_fd(&t, 1199, 3, 2002);
    expect_run(&t, 0,
               HEAD "{\"port\":80,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"0.0.0.0\",\"pid\":1200,\"comm\":\"nginx-master\",\"exe\":\"/usr/sbin/"
                    "nginx\"},{\"port\":443,\"family\":\"ipv4\",\"protocol\":\"tcp\","
                    "\"bind_address\":\"0.0.0.0\",\"pid\":1199,\"comm\":\"helper\",\"exe\":"
                    "\"/usr/bin/helper\"}" TAIL,
               "", NULL, NULL);
    tb_destroy(&t);
}

/* systemd (pid 1) holds activated sockets: the service is the owner; pid 1
 * only when it is alone. */
static void pid1_rule(void **state)
{
    struct tb t;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "0.0.0.0", 631, 0x0A, 3001);  /* systemd + cupsd */
    tb_tcp(&t, "0.0.0.0", 5355, 0x0A, 3002); /* systemd alone */
    tb_tcp6(&t, "::", 631, 0x0A, 3003);      /* systemd + cupsd, cupsd pid > everything */
    tb_tables(&t);
    tb_process(&t, 1, "systemd", (size_t)-1, "/usr/lib/systemd/systemd", (size_t)-1);
    tb_socket_fd(&t, 1, 40, 3001);
    tb_socket_fd(&t, 1, 41, 3002);
    tb_socket_fd(&t, 1, 42, 3003);
    tb_process(&t, 98765, "cupsd", (size_t)-1, "/usr/sbin/cupsd", (size_t)-1);
    tb_socket_fd(&t, 98765, 0, 3001);
    tb_socket_fd(&t, 98765, 1, 3003);
    tb_process(&t, 2, "kthreadd", (size_t)-1, NULL, 0);
    expect_run(&t, 0,
               HEAD "{\"port\":631,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"0.0.0.0\",\"pid\":98765,\"comm\":\"cupsd\",\"exe\":\"/usr/sbin/cupsd\"},"
                    "{\"port\":631,\"family\":\"ipv6\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"::\",\"pid\":98765,\"comm\":\"cupsd\",\"exe\":\"/usr/sbin/cupsd\"},"
                    "{\"port\":5355,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"0.0.0.0\",\"pid\":1,\"comm\":\"systemd\",\"exe\":\"/usr/lib/systemd/"
                    "systemd\"}" TAIL,
               "", NULL, NULL);
    tb_destroy(&t);
}

static void pid1_alone(void **state)
{
    struct tb t;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "0.0.0.0", 22, 0x0A, 3101);
    tb_tables(&t);
    tb_process(&t, 1, "systemd", (size_t)-1, "/usr/lib/systemd/systemd", (size_t)-1);
    tb_socket_fd(&t, 1, 40, 3101);
    expect_run(&t, 0,
               HEAD "{\"port\":22,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"0.0.0.0\",\"pid\":1,\"comm\":\"systemd\",\"exe\":\"/usr/lib/systemd/"
                    "systemd\"}" TAIL,
               "", NULL, NULL);
    tb_destroy(&t);
}

/* SO_REUSEPORT: two sockets, same address and port: two rows, inode order. */
static void reuseport(void **state)
{
    struct tb t;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 9000, 0x0A, 4002);
    tb_tcp(&t, "127.0.0.1", 9000, 0x0A, 4001);
    tb_tables(&t);
    tb_process(&t, 41, "b", (size_t)-1, "/bin/b", (size_t)-1);
    tb_socket_fd(&t, 41, 3, 4001);
    tb_process(&t, 40, "a", (size_t)-1, "/bin/a", (size_t)-1);
    tb_socket_fd(&t, 40, 3, 4002);
    expect_run(&t, 0,
               HEAD "{\"port\":9000,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":41,\"comm\":\"b\",\"exe\":\"/bin/b\"},"
                    "{\"port\":9000,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":40,\"comm\":\"a\",\"exe\":\"/bin/a\"}" TAIL,
               "", NULL, NULL);
    tb_destroy(&t);
}

/* A socket printed twice (the kernel re-seeks between reads): one row. */
static void duplicated_line(void **state)
{
    struct tb t;
    struct run r;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 7000, 0x0A, 5001);
    tb_tcp(&t, "127.0.0.1", 7001, 0x0A, 5002);
    tb_tcp(&t, "127.0.0.1", 7000, 0x0A, 5001);
    tb_tcp6(&t, "::1", 7000, 0x0A, 5003);
    tb_tcp6(&t, "::1", 7000, 0x0A, 5003);
    tb_tables(&t);
    expect_run(&t, 0,
               HEAD "{\"port\":7000,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":null,\"comm\":null,\"exe\":null},"
                    "{\"port\":7000,\"family\":\"ipv6\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"::1\",\"pid\":null,\"comm\":null,\"exe\":null},"
                    "{\"port\":7001,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":null,\"comm\":null,\"exe\":null}" TAIL,
               "", NULL, NULL);
    run_cli(&r, "--proc", t.root, "--stats", (char *)NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.err, "/net/tcp: 4 lines read, "));
    assert_non_null(strstr(r.err, " 3 listening, 1 duplicates, 0 malformed"));
    assert_non_null(strstr(r.err, "/net/tcp6: 3 lines read, "));
    assert_non_null(strstr(r.err, " 2 listening, 1 duplicates, 0 malformed"));
    run_free(&r);
    tb_destroy(&t);
}

/* A pid without fd/, with exe or comm missing, a comm that is a FIFO or a
 * directory, an exe that is not a link, a pid dir that is a file, a
 * non-digit or zero-padded name: each affects that process only. */
static void broken_processes(void **state)
{
    struct tb t;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 1, 0x0A, 6001); /* 60 (no fd/) and 70 */
    tb_tcp(&t, "127.0.0.1", 2, 0x0A, 6002); /* 61 (exe missing: exited) alone */
    tb_tcp(&t, "127.0.0.1", 3, 0x0A, 6003); /* 62 (comm missing: exited), then 71 */
    tb_tcp(&t, "127.0.0.1", 4, 0x0A, 6004); /* 63: comm is a FIFO -> null comm */
    tb_tcp(&t, "127.0.0.1", 5, 0x0A, 6005); /* 64: exe is a regular file -> null exe */
    tb_tcp(&t, "127.0.0.1", 6, 0x0A, 6006); /* "0065" and "66x" and "self": not pids */
    tb_tcp(&t, "127.0.0.1", 7, 0x0A, 6007); /* 65: comm is a directory */
    tb_tables(&t);
    tb_text(&t, "60/comm", "nofd\n");
    tb_symlink(&t, "60/exe", "/bin/nofd", 9);
    tb_text(&t, "60/fd", "not a directory\n");
    tb_process(&t, 70, "second", (size_t)-1, "/bin/second", (size_t)-1);
    tb_socket_fd(&t, 70, 3, 6001);
    tb_process(&t, 61, "noexe", (size_t)-1, NULL, 0);
    tb_socket_fd(&t, 61, 3, 6002);
    tb_process(&t, 62, NULL, 0, "/bin/nocomm", (size_t)-1);
    tb_socket_fd(&t, 62, 3, 6003);
    tb_process(&t, 71, "backup", (size_t)-1, "/bin/backup", (size_t)-1);
    tb_socket_fd(&t, 71, 3, 6003);
    tb_process(&t, 63, NULL, 0, "/bin/fifo", (size_t)-1);
    tb_fifo(&t, "63/comm");
    tb_socket_fd(&t, 63, 3, 6004);
    tb_process(&t, 64, "plainexe", (size_t)-1, NULL, 0);
    tb_text(&t, "64/exe", "/bin/plainexe");
    tb_socket_fd(&t, 64, 3, 6005);
    tb_process(&t, 65, NULL, 0, "/bin/dircomm", (size_t)-1);
    tb_dir(&t, "65/comm");
    tb_socket_fd(&t, 65, 3, 6007);
    tb_process(&t, 0, "zero", (size_t)-1, "/bin/zero", (size_t)-1);
    tb_socket_fd(&t, 0, 3, 6006);
    tb_dir(&t, "0066/fd");
    tb_text(&t, "0066/comm", "padded\n");
    tb_symlink(&t, "0066/fd/3", "socket:[6006]", 13);
    tb_dir(&t, "66x/fd");
    tb_symlink(&t, "66x/fd/3", "socket:[6006]", 13);
    tb_dir(&t, "self/fd");
    tb_symlink(&t, "self/fd/3", "socket:[6006]", 13);
    tb_text(&t, "67", "a file where a pid dir should be\n");
    tb_symlink(&t, "68", "/nonexistent", 12);
    tb_process(&t, 66, "sixtysix", (size_t)-1, "/bin/66", (size_t)-1);
    expect_run(&t, 0,
               HEAD "{\"port\":1,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":70,\"comm\":\"second\",\"exe\":\"/bin/second\"},"
                    "{\"port\":2,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":null,\"comm\":null,\"exe\":null},"
                    "{\"port\":3,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":71,\"comm\":\"backup\",\"exe\":\"/bin/backup\"},"
                    "{\"port\":4,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":63,\"comm\":null,\"exe\":\"/bin/fifo\"},"
                    "{\"port\":5,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":64,\"comm\":\"plainexe\",\"exe\":null},"
                    "{\"port\":6,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":null,\"comm\":null,\"exe\":null},"
                    "{\"port\":7,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":65,\"comm\":null,\"exe\":\"/bin/dircomm\"}" TAIL,
               /* every process error but "exited" (61's missing exe, 62's comm) is said */
               "listeners: %R/60/fd: cannot open fd directory: Not a directory\n"
               "listeners: %R/63/comm: comm is not a regular file\n"
               "listeners: %R/64/exe: exe is not a symbolic link\n"
               "listeners: %R/65/comm: comm is not a regular file\n"
               "listeners: %R/67: cannot open process directory: Not a directory\n"
               "listeners: %R/68: process directory is a symbolic link, not followed\n",
               NULL, NULL);
    tb_destroy(&t);
}

/* Hostile comm and exe bytes: JSON escapes them, the table shows them
 * escaped, nothing raw reaches a terminal. */
static void hostile_names(void **state)
{
    struct tb t;
    static const char comm1[] = "a\"b\\c\x1b[31m\x7f\xff"; /* 13 bytes */
    static const char comm2[] = "two\nlines\t\x01";        /* newline inside */
    static const char exe1[] = "/tmp/x\"y\\z\r\x08\x0c (deleted)";
    static const char exe2[] = "/opt/caf\xc3\xa9/\xc3\x28\xe2\x82/\xed\xa0\x80\xf4\x90\x80\x80"
                               "\xc2\x85";
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 1111, 0x0A, 7001);
    tb_tcp(&t, "127.0.0.1", 2222, 0x0A, 7002);
    tb_tables(&t);
    tb_process(&t, 31, comm1, sizeof comm1 - 1, exe1, sizeof exe1 - 1);
    tb_socket_fd(&t, 31, 3, 7001);
    tb_process(&t, 32, comm2, sizeof comm2 - 1, exe2, sizeof exe2 - 1);
    tb_socket_fd(&t, 32, 3, 7002);
    expect_run(&t, 0,
               HEAD
               "{\"port\":1111,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
               "\"127.0.0.1\",\"pid\":31,\"comm\":\"a\\\"b\\\\c\\u001b[31m\\u007f\xef\xbf\xbd\","
               "\"exe\":\"/tmp/x\\\"y\\\\z\\r\\b\\f (deleted)\"},"
               "{\"port\":2222,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
               "\"127.0.0.1\",\"pid\":32,\"comm\":\"two\\nlines\\t\\u0001\",\"exe\":"
               "\"/opt/caf\xc3\xa9/\xef\xbf\xbd(\xef\xbf\xbd/\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
               "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\\u0085\"}" TAIL, /* NEL, C1 */
               "", NULL, NULL);
    expect_run(&t, 0,
               "PORT  FAMILY  ADDRESS    PID  COMM                    EXE\n"
               "1111  ipv4    127.0.0.1   31  a\"b\\\\c\\x1b[31m\\x7f\\xff  "
               "/tmp/x\"y\\\\z\\r\\x08\\x0c (deleted)\n"
               "2222  ipv4    127.0.0.1   32  two\\nlines\\t\\x01        "
               "/opt/caf\xc3\xa9/\\xc3(\\xe2\\x82/\\xed\\xa0\\x80\\xf4\\x90\\x80\\x80\\xc2\\x85\n",
               "", "--format", "table");
    tb_destroy(&t);
}

/* IPv6 text per RFC 5952, IPv4-mapped stays ipv6, port order, family order. */
static void ipv6_text(void **state)
{
    struct tb t;
    (void)state;
    tb_init(&t);
    tb_tcp6(&t, "::ffff:127.0.0.1", 10, 0x0A, 8001);
    tb_tcp6(&t, "::7f00:1", 10, 0x0A, 8002);
    tb_tcp6(&t, "2001:db8:0:0:1:0:0:1", 10, 0x0A, 8003); /* first run of a tie */
    tb_tcp6(&t, "2001:db8:0:1:1:1:1:1", 10, 0x0A, 8004); /* single zero group */
    tb_tcp6(&t, "fe80:0:0:1:0:0:0:1", 10, 0x0A, 8005);   /* longest run wins */
    tb_tcp6(&t, "2001:DB8::ABCD", 10, 0x0A, 8006);
    tb_tcp6(&t, "::", 10, 0x0A, 8007);
    tb_tcp6(&t, "1::", 10, 0x0A, 8008);
    tb_tcp(&t, "255.255.255.255", 10, 0x0A, 8009);
    tb_tables(&t);
#define R6(a)                                                                                      \
    "{\"port\":10,\"family\":\"ipv6\",\"protocol\":\"tcp\",\"bind_address\":\"" a                  \
    "\",\"pid\":null,\"comm\":null,\"exe\":null}"
    expect_run(
        &t, 0,
        HEAD
        "{\"port\":10,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
        "\"255.255.255.255\",\"pid\":null,\"comm\":null,\"exe\":null}," R6("::") "," R6(
            "::"
            "7f00:"
            "1") "," R6("::ffff:127.0.0.1") "," R6("1::") "," R6("2001:db8::abcd") "," R6("2001:"
                                                                                          "db8::1:"
                                                                                          "0:"
                                                                                          "0:1") "," R6("2"
                                                                                                        "0"
                                                                                                        "0"
                                                                                                        "1"
                                                                                                        ":"
                                                                                                        "d"
                                                                                                        "b"
                                                                                                        "8"
                                                                                                        ":"
                                                                                                        "0"
                                                                                                        ":"
                                                                                                        "1"
                                                                                                        ":"
                                                                                                        "1"
                                                                                                        ":"
                                                                                                        "1"
                                                                                                        ":"
                                                                                                        "1"
                                                                                                        ":"
                                                                                                        "1") "," R6("fe80:0:0:1::1")
            TAIL,
        "", NULL, NULL);
#undef R6
    tb_destroy(&t);
}

static void missing_tcp6(void **state)
{
    struct tb t;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 25, 0x0A, 9001);
    tb_tables(&t);
    tb_process(&t, 9, "smtpd", (size_t)-1, "/usr/sbin/smtpd", (size_t)-1);
    tb_socket_fd(&t, 9, 3, 9001);
    expect_run(&t, 0,
               HEAD "{\"port\":25,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":9,\"comm\":\"smtpd\",\"exe\":\"/usr/sbin/smtpd\"}" TAIL,
               "", NULL, NULL);
    tb_destroy(&t);
}

static void missing_tcp(void **state)
{
    struct tb t;
    (void)state;
    tb_init(&t);
    tb_tcp6(&t, "::1", 25, 0x0A, 9002);
    tb_tables(&t);
    expect_run(&t, 1, "", "listeners: %R/net/tcp: No such file or directory\n", NULL, NULL);
    expect_run(&t, 1, "", "listeners: %R/net/tcp: No such file or directory\n", "--format",
               "table");
    tb_destroy(&t);
}

static void missing_root(void **state)
{
    struct run r;
    (void)state;
    run_cli(&r, "--proc", "/nonexistent/proc", (char *)NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "listeners: /nonexistent/proc: cannot open the proc directory: "
                               "No such file or directory\n");
    run_free(&r);
}

/* A FIFO where net/tcp should be: an error for that file, no hang. A
 * directory as net/tcp6: reported, the rest still printed. */
static void non_regular_tables(void **state)
{
    struct tb t;
    (void)state;
    tb_init(&t);
    tb_fifo(&t, "net/tcp");
    expect_run(&t, 1, "", "listeners: %R/net/tcp: not a regular file\n", NULL, NULL);
    tb_destroy(&t);
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 25, 0x0A, 9001);
    tb_tables(&t);
    tb_dir(&t, "net/tcp6");
    expect_run(&t, 0,
               HEAD "{\"port\":25,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":null,\"comm\":null,\"exe\":null}" TAIL,
               "listeners: %R/net/tcp6: not a regular file\n", NULL, NULL);
    tb_destroy(&t);
}

/* Malformed lines are skipped, each reported with file:line and the reason;
 * the rest of the table counts and the exit status stays 0. */
static void malformed_lines(void **state)
{
    struct tb t;
    char line[256], *longline;
    size_t n;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 100, 0x0A, 9101); /* line 2 */
    n = tb_tcp_line(line, 1, "127.0.0.1", 101, 0x0A, 9102);
    memmove(line + 6, line + 7, n - 7);       /* 7 hex digits */
    tb_tcp_raw(&t, line, n - 1);              /* line 3 */
    tb_tcp(&t, "127.0.0.1", 102, 0x0A, 9103); /* line 4 */
    tb_tcp_raw(&t, "\n", 1);                  /* line 5: blank */
    longline = malloc(5001);
    assert_non_null(longline);
    memset(longline, 'x', 5000);
    longline[4999] = '\n';
    tb_tcp_raw(&t, longline, 5000); /* line 6 */
    free(longline);
    n = tb_tcp_line(line, 6, "127.0.0.1", 103, 0x0A, 9104);
    line[n - 1] = '\0';
    tb_tcp_raw(&t, line, n - 1); /* line 7: no newline at the end of the file */
    n = tb_tcp_line(line, 0, "::1", 104, 0x0A, 9105);
    line[8] = 'Z';                       /* in the local address */
    tb_tcp6_raw(&t, line, n);            /* tcp6 line 2 */
    tb_tcp6(&t, "::1", 105, 0x0A, 9106); /* tcp6 line 3 */
    tb_tables(&t);
    expect_run(&t, 0,
               HEAD "{\"port\":100,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":null,\"comm\":null,\"exe\":null},"
                    "{\"port\":102,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":null,\"comm\":null,\"exe\":null},"
                    "{\"port\":105,\"family\":\"ipv6\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"::1\",\"pid\":null,\"comm\":null,\"exe\":null}" TAIL,
               "%R/net/tcp:3: local address is not 8 hex digits\n"
               "%R/net/tcp:5: line is blank\n"
               "%R/net/tcp:6: line is longer than 4096 bytes\n"
               "%R/net/tcp:7: line is not terminated by a newline (truncated)\n"
               "%R/net/tcp6:2: local address is not 32 hex digits\n",
               NULL, NULL);
    tb_destroy(&t);
}

/* A line with a CR before its '\n' (a table copied through a CRLF tool) or a
 * tab between its fields is reported as that, not as the field the stray
 * byte happens to end up in ("ssthresh is not ...", "sl is not ..."). */
static void malformed_line_ends(void **state)
{
    struct tb t;
    char line[256];
    size_t n;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 100, 0x0A, 9101); /* line 2 */
    n = tb_tcp_line(line, 1, "127.0.0.1", 101, 0x0A, 9102);
    line[n - 1] = '\r';
    line[n] = '\n';
    tb_tcp_raw(&t, line, n + 1); /* line 3: CRLF */
    n = tb_tcp_line(line, 2, "127.0.0.1", 102, 0x0A, 9103);
    for (size_t i = 0; i < n; i++)
        if (line[i] == ' ' && i > 0 && line[i - 1] == ':')
            line[i] = '\t';                   /* after "2:" */
    tb_tcp_raw(&t, line, n);                  /* line 4: a tab */
    tb_tcp_raw(&t, "\r\n", 2);                /* line 5: a blank line with a CR */
    tb_tcp(&t, "127.0.0.1", 103, 0x0A, 9104); /* line 6 */
    n = tb_tcp_line(line, 0, "::1", 104, 0x0A, 9105);
    line[n - 1] = '\r';
    line[n] = '\n';
    tb_tcp6_raw(&t, line, n + 1); /* tcp6 line 2: CRLF */
    tb_tables(&t);
    expect_run(&t, 0,
               HEAD "{\"port\":100,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":null,\"comm\":null,\"exe\":null},"
                    "{\"port\":103,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":"
                    "\"127.0.0.1\",\"pid\":null,\"comm\":null,\"exe\":null}" TAIL,
               "%R/net/tcp:3: line ends in CR (a CRLF line end)\n"
               "%R/net/tcp:4: tab between fields (the kernel separates them with spaces)\n"
               "%R/net/tcp:5: line ends in CR (a CRLF line end)\n"
               "%R/net/tcp6:2: line ends in CR (a CRLF line end)\n",
               NULL, NULL);
    tb_destroy(&t);
}

/* The walk stops once every listener has an owner: 3 owners in the first
 * pids, then 200 processes with 50 other sockets each (10,000 links). */
static void short_circuit_tree(struct tb *t, int unattributed)
{
    int p, f;
    tb_init(t);
    tb_tcp(t, "127.0.0.1", 8001, 0x0A, 100001);
    tb_tcp(t, "127.0.0.1", 8002, 0x0A, 100002);
    tb_tcp6(t, "::1", 8003, 0x0A, 100003);
    if (unattributed)
        tb_tcp(t, "127.0.0.1", 8004, 0x0A, 100004);
    for (p = 0; p < 200; p++)
        tb_tcp(t, "127.0.0.1", (uint16_t)(20000 + p), 0x01, 200000 + (uint64_t)p);
    tb_tables(t);
    for (p = 0; p < 3; p++) {
        tb_process(t, 10 + p, "owner", (size_t)-1, "/bin/owner", (size_t)-1);
        tb_fd(t, 10 + p, 0, "/dev/null");
        tb_socket_fd(t, 10 + p, 3, 100001 + (uint64_t)p);
    }
    for (p = 0; p < 200; p++) {
        int pid = 1000 + p;
        tb_process(t, pid, "busy", (size_t)-1, "/bin/busy", (size_t)-1);
        for (f = 0; f < 50; f++)
            tb_socket_fd(t, pid, 3 + f, 300000 + (uint64_t)p * 50 + (uint64_t)f);
    }
}

static void short_circuit(void **state)
{
    struct tb t;
    struct run r;
    (void)state;
    short_circuit_tree(&t, 0);
    run_cli(&r, "--proc", t.root, "--stats", (char *)NULL);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "\"port\":8003,\"family\":\"ipv6\",\"protocol\":\"tcp\","
                                  "\"bind_address\":\"::1\",\"pid\":12,"));
    if (!strstr(r.err, "stats: walk: 6 fd links read, 3 socket links\n") ||
        !strstr(r.err, " 3 pids visited,") ||
        !strstr(r.err, "stats: walk: stopped early after pid 12: every listener has an owner\n")) {
        print_error("stderr: %s\n", r.err);
        fail();
    }
    run_free(&r);
    tb_destroy(&t);

    /* one listener nobody holds: the walk must read everything */
    short_circuit_tree(&t, 1);
    run_cli(&r, "--proc", t.root, "--stats", (char *)NULL);
    assert_int_equal(r.status, 0);
    if (!strstr(r.err, "stats: walk: 10006 fd links read, 10003 socket links\n") ||
        !strstr(r.err, " 203 pids visited,") ||
        !strstr(r.err, "stats: walk: read every pid (last visited 1199)\n")) {
        print_error("stderr: %s\n", r.err);
        fail();
    }
    run_free(&r);
    tb_destroy(&t);
}

static void usage(void **state)
{
    struct run r;
    static const char usage_line[] =
        "usage: listeners [--proc DIR] [--byte-order host|little|big] [--format "
        "json|ndjson|table|openmetrics] [--output FILE] [--pretty] [--stats[=text|json]] "
        "[--all-netns] "
        "[--max-table-size BYTES] "
        "[--verify-exe] [--protocols LIST] [--source procfs|netlink] [--holders] [--uid] [--host]"
        " [--port N[,N...]] [--pid N[,N...]] [--comm PATTERN] [--exe PATTERN] [--address "
        "ADDR[,ADDR...]] [--no-headings] [--columns LIST] [--help] [--no-sandbox] [--version]\n";
    (void)state;
    run_cli(&r, "--version", (char *)NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "listeners " LISTENERS_VERSION "\n");
    run_free(&r);
    run_cli(&r, "--help", (char *)NULL);
    assert_int_equal(r.status, 0);
    assert_memory_equal(r.out, usage_line, sizeof usage_line - 1);
    assert_non_null(strstr(r.out, "--format table"));
    assert_string_equal(r.err, "");
    run_free(&r);
    run_cli(&r, "--bogus", (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_string_equal(
        r.err,
        "listeners: unknown option '--bogus'\n"
        "usage: listeners [--proc DIR] [--byte-order host|little|big] [--format "
        "json|ndjson|table|openmetrics] [--output FILE] [--pretty] [--stats[=text|json]] "
        "[--all-netns] "
        "[--max-table-size BYTES] "
        "[--verify-exe] [--protocols LIST] [--source procfs|netlink] [--holders] [--uid] [--host]"
        " [--port N[,N...]] [--pid N[,N...]] [--comm PATTERN] [--exe PATTERN] [--address "
        "ADDR[,ADDR...]] [--no-headings] [--columns LIST] [--help] [--no-sandbox] [--version]\n");
    run_free(&r);
    run_cli(&r, "--format", "xml", (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    run_free(&r);
    run_cli(&r, "--proc", (char *)NULL);
    assert_int_equal(r.status, 2);
    run_free(&r);
    run_cli(&r, "--format", "table", "--pretty", (char *)NULL);
    assert_int_equal(r.status, 2);
    run_free(&r);
    run_cli(&r, "extra", (char *)NULL);
    assert_int_equal(r.status, 2);
    run_free(&r);
    /* One option table, one format, for every command (cli/options.c). */
    run_cli(&r, "-V", (char *)NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "listeners " LISTENERS_VERSION "\n");
    run_free(&r);
    run_cli(&r, "-h", (char *)NULL);
    assert_int_equal(r.status, 0);
    assert_memory_equal(r.out, usage_line, sizeof usage_line - 1);
    assert_non_null(
        strstr(r.out, "\nlisteners snapshot [DIR] [--proc SOURCE] [--archive FILE] [--mode MODE] "
                      "[--all-netns] [--help] [--no-sandbox] [--version]\n"));
    run_free(&r);
    run_cli(&r, "--", "--pretty", (char *)NULL); /* after --, an operand */
    assert_int_equal(r.status, 2);
    assert_string_equal(
        r.err,
        "listeners: unexpected argument '--pretty'\n"
        "usage: listeners [--proc DIR] [--byte-order host|little|big] [--format "
        "json|ndjson|table|openmetrics] [--output FILE] [--pretty] [--stats[=text|json]] "
        "[--all-netns] "
        "[--max-table-size BYTES] "
        "[--verify-exe] [--protocols LIST] [--source procfs|netlink] [--holders] [--uid] [--host]"
        " [--port N[,N...]] [--pid N[,N...]] [--comm PATTERN] [--exe PATTERN] [--address "
        "ADDR[,ADDR...]] [--no-headings] [--columns LIST] [--help] [--no-sandbox] [--version]\n");
    run_free(&r);
    run_cli(&r, "snapshot", "--pretty", "/nonexistent/x", (char *)NULL); /* not snapshot's */
    assert_int_equal(r.status, 2);
    assert_string_equal(
        r.err, "listeners: snapshot: unknown option '--pretty'\n"
               "usage: listeners snapshot [DIR] [--proc SOURCE] [--archive FILE] [--mode MODE] "
               "[--all-netns] [--help] [--no-sandbox] [--version]\n");
    run_free(&r);
    run_cli(&r, "diff", "a.json", (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "listeners: diff: needs OURS.json and THEIRS.json\n"
                               "usage: listeners diff OURS.json THEIRS.json [--proc SNAPSHOT] "
                               "[--format text|json] [--ignore KEY] [--help] [--no-sandbox] "
                               "[--version]\n");
    run_free(&r);
    run_cli(&r, "diff", "-V", (char *)NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "listeners " LISTENERS_VERSION "\n");
    run_free(&r);
    run_cli(&r, "--proc", (char *)NULL);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "listeners: missing argument for '--proc'\n"));
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(basic_mix),
        cmocka_unit_test(stats_tell_the_sandbox),
        cmocka_unit_test(basic_pretty),
        cmocka_unit_test(basic_table),
        cmocka_unit_test(verify_exe_tree),
        cmocka_unit_test(empty_tables),
        cmocka_unit_test(early_stop_fallback),
        cmocka_unit_test(shared_socket),
        cmocka_unit_test(pid1_rule),
        cmocka_unit_test(pid1_alone),
        cmocka_unit_test(reuseport),
        cmocka_unit_test(duplicated_line),
        cmocka_unit_test(broken_processes),
        cmocka_unit_test(hostile_names),
        cmocka_unit_test(ipv6_text),
        cmocka_unit_test(missing_tcp6),
        cmocka_unit_test(missing_tcp),
        cmocka_unit_test(missing_root),
        cmocka_unit_test(non_regular_tables),
        cmocka_unit_test(malformed_lines),
        cmocka_unit_test(malformed_line_ends),
        cmocka_unit_test(short_circuit),
        cmocka_unit_test(usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
