/* test_changes.c - lsn_changes (the changes between two results, in key
 * order) and the event writers lsn_write_change and lsn_write_heartbeat,
 * on results made by hand: every kind, an unowned socket, execve under the
 * same pid, no change, the first tick, the callback's stop, and the lines
 * byte for byte. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "listeners.h"

/* A tcp IPv4 row on 0.0.0.0:port; pid -1 is unowned (comm and exe NULL). */
static struct lsn_listener row(uint64_t inode, uint16_t port, int32_t pid, const char *comm,
                               const char *exe)
{
    struct lsn_listener l;
    memset(&l, 0, sizeof l);
    l.inode = inode;
    l.port = port;
    l.pid = pid;
    l.family = LSN_FAMILY_IPV4;
    l.protocol = LSN_PROTO_TCP;
    l.comm = comm;
    l.comm_len = comm ? (uint16_t)strlen(comm) : 0;
    l.exe = exe;
    l.exe_len = exe ? (uint16_t)strlen(exe) : 0;
    return l;
}

static struct lsn_result result(struct lsn_listener *rows, size_t n)
{
    struct lsn_result r;
    memset(&r, 0, sizeof r);
    r.listeners = rows;
    r.count = n;
    return r;
}

/* What the callback saw. */
struct seen {
    size_t n;
    struct lsn_change c[16];
    size_t stop_at; /* return stop_value at this call (1-based); 0: never */
    int stop_value;
};

static int record(void *ctx, const struct lsn_change *c)
{
    struct seen *s = ctx;
    if (s->n < 16)
        s->c[s->n] = *c;
    s->n++;
    return s->n == s->stop_at ? s->stop_value : 0;
}

static void every_kind_in_key_order(void **state)
{
    (void)state;
    struct lsn_listener a[] = {row(1003, 22, 300, "app", "/opt/app"),
                               row(1001, 80, 100, "sshd", "/usr/sbin/sshd"),
                               row(1002, 443, 200, "nginx", "/usr/sbin/nginx")};
    struct lsn_listener b[] = {row(1004, 8080, 400, "new", "/opt/new"),
                               row(1001, 80, 101, "sshd", "/usr/sbin/sshd"),
                               row(1003, 22, 300, "app", "/opt/app-2")};
    struct lsn_result before = result(a, 3), after = result(b, 3);
    struct seen s = {0};
    assert_int_equal(lsn_changes(&before, &after, record, &s), 0);
    assert_int_equal(s.n, 4);
    assert_int_equal(s.c[0].kind, LSN_CHANGE_OWNER);
    assert_ptr_equal(s.c[0].before, &a[1]);
    assert_ptr_equal(s.c[0].after, &b[1]);
    assert_int_equal(s.c[1].kind, LSN_CHANGE_REMOVED);
    assert_ptr_equal(s.c[1].before, &a[2]);
    assert_null(s.c[1].after);
    assert_int_equal(s.c[2].kind, LSN_CHANGE_EXE);
    assert_ptr_equal(s.c[2].before, &a[0]);
    assert_ptr_equal(s.c[2].after, &b[2]);
    assert_int_equal(s.c[3].kind, LSN_CHANGE_ADDED);
    assert_null(s.c[3].before);
    assert_ptr_equal(s.c[3].after, &b[0]);
    for (size_t i = 0; i < s.n; i++)
        assert_null(s.c[i].reserved[0]);
}

/* A sink into a string. */
struct text {
    char s[4096];
    size_t len;
    int fail; /* return this */
};

static int into(void *ctx, const char *buf, size_t len)
{
    struct text *t = ctx;
    if (t->fail)
        return t->fail;
    assert_true(t->len + len < sizeof t->s);
    memcpy(t->s + t->len, buf, len);
    t->len += len;
    t->s[t->len] = '\0';
    return 0;
}

static void write_all(const struct seen *s, struct text *t)
{
    for (size_t i = 0; i < s->n; i++)
        assert_int_equal(lsn_write_change(&s->c[i], 0, NULL, into, t), 0);
}

static void unowned_before_is_null_never_minus_one(void **state)
{
    (void)state;
    struct lsn_listener a[] = {row(7, 80, -1, NULL, NULL), row(8, 81, 5, "x", "/x")};
    struct lsn_listener b[] = {row(7, 80, 42, "app", "/opt/app"), row(8, 81, -1, NULL, NULL)};
    struct lsn_result before = result(a, 2), after = result(b, 2);
    struct seen s = {0};
    struct text t = {{0}, 0, 0};
    assert_int_equal(lsn_changes(&before, &after, record, &s), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.c[0].kind, LSN_CHANGE_OWNER);
    assert_int_equal(s.c[0].before->pid, -1);
    assert_int_equal(s.c[1].kind, LSN_CHANGE_OWNER);
    assert_int_equal(s.c[1].after->pid, -1);
    write_all(&s, &t);
    assert_string_equal(
        t.s, "{\"event\":\"owner_changed\",\"at\":\"1970-01-01T00:00:00Z\",\"protocol\":\"tcp\","
             "\"family\":\"ipv4\",\"address\":\"0.0.0.0\",\"port\":80,\"inode\":7,"
             "\"before\":{\"pid\":null,\"comm\":null,\"exe\":null},"
             "\"after\":{\"pid\":42,\"comm\":\"app\",\"exe\":\"/opt/app\"}}\n"
             "{\"event\":\"owner_changed\",\"at\":\"1970-01-01T00:00:00Z\",\"protocol\":\"tcp\","
             "\"family\":\"ipv4\",\"address\":\"0.0.0.0\",\"port\":81,\"inode\":8,"
             "\"before\":{\"pid\":5,\"comm\":\"x\",\"exe\":\"/x\"},"
             "\"after\":{\"pid\":null,\"comm\":null,\"exe\":null}}\n");
    assert_null(strstr(t.s, "-1"));
}

static void same_pid_other_exe_or_comm(void **state)
{
    (void)state;
    /* 1: another exe; 2: another comm; 3: exe gone (NULL); 4: unowned both */
    struct lsn_listener a[] = {row(1, 1, 9, "sshd", "/usr/sbin/sshd"),
                               row(2, 2, 9, "sshd", "/usr/sbin/sshd"),
                               row(3, 3, 9, "sshd", "/usr/sbin/sshd"), row(4, 4, -1, NULL, NULL)};
    struct lsn_listener b[] = {row(1, 1, 9, "sshd", "/usr/sbin/sshd-new"),
                               row(2, 2, 9, "sshd-new", "/usr/sbin/sshd"),
                               row(3, 3, 9, "sshd", NULL), row(4, 4, -1, NULL, NULL)};
    struct lsn_result before = result(a, 4), after = result(b, 4);
    struct seen s = {0};
    struct text t = {{0}, 0, 0};
    assert_int_equal(lsn_changes(&before, &after, record, &s), 0);
    assert_int_equal(s.n, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(s.c[i].kind, LSN_CHANGE_EXE);
        assert_int_equal(s.c[i].after->inode, i + 1);
    }
    write_all(&s, &t);
    assert_non_null(strstr(
        t.s, "{\"event\":\"exe_changed\",\"at\":\"1970-01-01T00:00:00Z\",\"protocol\":\"tcp\","
             "\"family\":\"ipv4\",\"address\":\"0.0.0.0\",\"port\":2,\"inode\":2,"
             "\"before\":{\"pid\":9,\"comm\":\"sshd\",\"exe\":\"/usr/sbin/sshd\"},"
             "\"after\":{\"pid\":9,\"comm\":\"sshd-new\",\"exe\":\"/usr/sbin/sshd\"}}\n"));
}

static void identical_results_no_change(void **state)
{
    (void)state;
    /* equal bytes at other addresses: compared by content */
    char comm[] = "nginx", exe[] = "/usr/sbin/nginx";
    struct lsn_listener a[] = {row(5, 80, 200, "nginx", "/usr/sbin/nginx"),
                               row(6, 81, -1, NULL, NULL)};
    struct lsn_listener b[] = {row(5, 80, 200, comm, exe), row(6, 81, -1, NULL, NULL)};
    struct lsn_result before = result(a, 2), after = result(b, 2), none = result(NULL, 0);
    struct seen s = {0};
    assert_int_equal(lsn_changes(&before, &after, record, &s), 0);
    assert_int_equal(lsn_changes(&after, &after, record, &s), 0);
    assert_int_equal(lsn_changes(&none, &none, record, &s), 0);
    assert_int_equal(s.n, 0);
}

static void empty_before_adds_every_row_in_key_order(void **state)
{
    (void)state;
    /* contract order (port first); key order is inode, protocol, family,
     * port, netns, address */
    struct lsn_listener b[] = {row(30, 22, 1, "a", "/a"),  row(10, 80, 1, "a", "/a"),
                               row(20, 443, 1, "a", "/a"), row(10, 79, 1, "a", "/a"),
                               row(10, 79, 1, "a", "/a"),  row(10, 79, 1, "a", "/a")};
    struct lsn_result before, after = result(b, 6);
    struct seen s = {0};
    b[4].bind_address[0] = 127;
    b[5].protocol = LSN_PROTO_UDP;
    memset(&before, 0, sizeof before); /* a zeroed result: the first tick */
    assert_int_equal(lsn_changes(&before, &after, record, &s), 0);
    assert_int_equal(s.n, 6);
    const struct lsn_listener *want[] = {&b[3], &b[4], &b[1], &b[5], &b[2], &b[0]};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(s.c[i].kind, LSN_CHANGE_ADDED);
        assert_ptr_equal(s.c[i].after, want[i]);
    }
}

static void callback_stops_it(void **state)
{
    (void)state;
    struct lsn_listener b[] = {row(1, 1, 1, "a", "/a"), row(2, 2, 1, "a", "/a"),
                               row(3, 3, 1, "a", "/a")};
    struct lsn_result before = result(NULL, 0), after = result(b, 3);
    struct seen s = {0};
    s.stop_at = 2;
    s.stop_value = 7;
    assert_int_equal(lsn_changes(&before, &after, record, &s), 7);
    assert_int_equal(s.n, 2);
}

static void same_port_and_address_other_inode_is_another_socket(void **state)
{
    (void)state;
    struct lsn_listener a[] = {row(100, 22, 9, "sshd", "/usr/sbin/sshd")};
    struct lsn_listener b[] = {row(101, 22, 9, "sshd", "/usr/sbin/sshd")};
    struct lsn_result before = result(a, 1), after = result(b, 1);
    struct seen s = {0};
    assert_int_equal(lsn_changes(&before, &after, record, &s), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.c[0].kind, LSN_CHANGE_REMOVED);
    assert_int_equal(s.c[0].before->inode, 100);
    assert_int_equal(s.c[1].kind, LSN_CHANGE_ADDED);
    assert_int_equal(s.c[1].after->inode, 101);
}

static void repeated_keys_pair_in_row_order(void **state)
{
    (void)state;
    struct lsn_listener a[] = {row(0, 5, 1, "a", "/a"), row(0, 5, 2, "b", "/b")};
    struct lsn_listener b[] = {row(0, 5, 2, "b", "/b"), row(0, 5, 1, "a", "/a")};
    struct lsn_result before = result(a, 2), after = result(b, 2);
    struct seen s = {0};
    assert_int_equal(lsn_changes(&before, &after, record, &s), 0);
    assert_int_equal(s.n, 2);
    assert_ptr_equal(s.c[0].before, &a[0]);
    assert_ptr_equal(s.c[0].after, &b[0]);
    assert_ptr_equal(s.c[1].before, &a[1]);
    assert_ptr_equal(s.c[1].after, &b[1]);
}

static void writer_lines(void **state)
{
    (void)state;
    struct lsn_listener l = row(9, 0x0800, 3, "d\"\x01", "/bin/d"), p = l;
    struct lsn_change c;
    struct lsn_host host;
    struct text t = {{0}, 0, 0};
    p.protocol = LSN_PROTO_PACKET;
    memset(&c, 0, sizeof c);
    memset(&host, 0, sizeof host);
    host.hostname.has = 1;
    host.hostname.len = 1;
    memcpy(host.hostname.text, "h", 2);
    c.kind = LSN_CHANGE_REMOVED;
    c.before = &p;
    assert_int_equal(lsn_write_change(&c, 86400, &host, into, &t), 0);
    assert_int_equal(lsn_write_heartbeat(12, 86401, NULL, into, &t), 0);
    assert_string_equal(
        t.s, "{\"event\":\"removed\",\"at\":\"1970-01-02T00:00:00Z\",\"protocol\":\"packet\","
             "\"family\":null,\"address\":null,\"port\":null,\"inode\":9,\"pid\":3,"
             "\"comm\":\"d\\\"\\u0001\",\"exe\":\"/bin/d\",\"host\":{\"schema_version\":1,"
             "\"hostname\":\"h\",\"boot_id\":null,\"machine_id\":null,\"kernel_release\":null,"
             "\"collected_at\":\"1970-01-01T00:00:00Z\",\"listeners_version\":null}}\n"
             "{\"event\":\"heartbeat\",\"at\":\"1970-01-02T00:00:01Z\",\"count\":12}\n");
    /* a kind without the row it needs, an unknown kind: -1, nothing written */
    t.len = 0;
    c.kind = LSN_CHANGE_ADDED; /* after is NULL */
    assert_int_equal(lsn_write_change(&c, 0, NULL, into, &t), -1);
    c.kind = LSN_CHANGE_OWNER; /* after is NULL */
    assert_int_equal(lsn_write_change(&c, 0, NULL, into, &t), -1);
    c.kind = (enum lsn_change_kind)9;
    c.after = &l;
    assert_int_equal(lsn_write_change(&c, 0, NULL, into, &t), -1);
    assert_int_equal(t.len, 0);
    /* the sink's error is returned */
    t.fail = 5;
    c.kind = LSN_CHANGE_ADDED;
    assert_int_equal(lsn_write_change(&c, 0, NULL, into, &t), 5);
    assert_int_equal(lsn_write_heartbeat(0, 0, NULL, into, &t), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_in_key_order),
        cmocka_unit_test(unowned_before_is_null_never_minus_one),
        cmocka_unit_test(same_pid_other_exe_or_comm),
        cmocka_unit_test(identical_results_no_change),
        cmocka_unit_test(empty_before_adds_every_row_in_key_order),
        cmocka_unit_test(callback_stops_it),
        cmocka_unit_test(same_port_and_address_other_inode_is_another_socket),
        cmocka_unit_test(repeated_keys_pair_in_row_order),
        cmocka_unit_test(writer_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
