/* test_live.c - the collector on the real /proc: the test opens listeners on
 * loopback only and checks each row against what it made. */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "listeners.h"
#include "rows.h"
#include "tree_builder.h"

static const char self_comm[] = "lsn-live";
/* a hostile name, set by a child with prctl: tab, ESC, quote, backslash */
static const char child_comm[] = "c\t\x1b]0;\"\\x";

struct made { /* widest members first: no padding */
    uint64_t inode;
    const char *comm;
    size_t comm_len;
    int fd;
    int family; /* 4 or 6 */
    pid_t owner;
    uint16_t port;
    unsigned char addr[16];
};

static struct made made[16];
static int nmade;
static int have_ipv6;
static char exe_path[4096];
static size_t exe_len;
static pid_t children[4];
static int made_before[4]; /* sockets made before each child: it holds them too */
static int nchildren;

static uint64_t inode_of(int fd)
{
    struct stat sb;
    assert_int_equal(fstat(fd, &sb), 0);
    return (uint64_t)sb.st_ino;
}

/* A listener on ip (text) port (0: any free port). Returns the fd, or -1
 * with errno when the address is not available. */
static int listener(const char *ip, uint16_t port, int v6only, int reuseport, uint16_t *bound)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int v6 = strchr(ip, ':') != NULL, one = 1, fd;
    memset(&ss, 0, sizeof ss);
    fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (reuseport)
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        inet_pton(AF_INET6, ip, &a->sin6_addr);
        len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons(port);
        inet_pton(AF_INET, ip, &a->sin_addr);
        len = sizeof *a;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 8) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *bound =
        ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

static void remember(int fd, const char *ip, uint16_t port, pid_t owner, const char *comm,
                     size_t comm_len)
{
    struct made *m = &made[nmade++];
    m->fd = fd;
    m->family = strchr(ip, ':') ? 6 : 4;
    memset(m->addr, 0, 16);
    inet_pton(m->family == 6 ? AF_INET6 : AF_INET, ip, m->addr);
    m->port = port;
    m->inode = inode_of(fd);
    m->owner = owner;
    m->comm = comm;
    m->comm_len = comm_len;
}

/* A child that sets its name, optionally opens its own listener on ip and
 * reports the port, then waits until killed. */
static pid_t child(const char *name, const char *ip, uint16_t *port, uint64_t *inode)
{
    int p[2];
    pid_t pid;
    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct {
            uint16_t port;
            uint64_t inode;
        } msg = {0, 0};
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        close(p[0]);
        prctl(PR_SET_NAME, name, 0, 0, 0);
        if (ip) {
            int fd = listener(ip, 0, 1, 0, &msg.port);
            if (fd < 0)
                _exit(1);
            msg.inode = inode_of(fd);
        }
        if (write(p[1], &msg, sizeof msg) != (ssize_t)sizeof msg)
            _exit(1);
        for (;;)
            pause();
    }
    close(p[1]);
    {
        struct {
            uint16_t port;
            uint64_t inode;
        } msg;
        assert_int_equal(read(p[0], &msg, sizeof msg), (ssize_t)sizeof msg);
        if (port)
            *port = msg.port;
        if (inode)
            *inode = msg.inode;
    }
    close(p[0]);
    made_before[nchildren] = nmade;
    children[nchildren++] = pid;
    return pid;
}

static int setup(void **state)
{
    uint16_t port, p2;
    int fd, fd2;
    pid_t pid, c;
    ssize_t n;
    (void)state;
    prctl(PR_SET_NAME, self_comm, 0, 0, 0);
    n = readlink("/proc/self/exe", exe_path, sizeof exe_path - 1);
    if (n <= 0)
        return -1;
    exe_len = (size_t)n;
    pid = getpid();

    fd = listener("127.0.0.1", 0, 1, 0, &port);
    if (fd < 0)
        return -1;
    remember(fd, "127.0.0.1", port, pid, self_comm, strlen(self_comm));
    fd = listener("127.0.0.2", 0, 1, 0, &port);
    if (fd < 0)
        return -1;
    remember(fd, "127.0.0.2", port, pid, self_comm, strlen(self_comm));

    /* SO_REUSEPORT: two sockets, same address and port */
    fd = listener("127.0.0.1", 0, 1, 1, &port);
    fd2 = fd < 0 ? -1 : listener("127.0.0.1", port, 1, 1, &p2);
    if (fd2 < 0)
        return -1;
    remember(fd, "127.0.0.1", port, pid, self_comm, strlen(self_comm));
    remember(fd2, "127.0.0.1", port, pid, self_comm, strlen(self_comm));

    fd = listener("::1", 0, 1, 0, &port);
    have_ipv6 = fd >= 0;
    if (have_ipv6) {
        remember(fd, "::1", port, pid, self_comm, strlen(self_comm));
        fd = listener("::ffff:127.0.0.1", 0, 0, 0, &port); /* IPv4-mapped, V6ONLY=0 */
        if (fd < 0)
            return -1;
        remember(fd, "::ffff:127.0.0.1", port, pid, self_comm, strlen(self_comm));
    } else {
        fprintf(stderr, "live: IPv6 unavailable (%s): IPv6 rows not tested\n", strerror(errno));
    }

    /* a socket shared with a forked child: the owner is the lower pid */
    fd = listener("127.0.0.1", 0, 1, 0, &port);
    if (fd < 0)
        return -1;
    (void)child("lsn-worker", NULL, NULL, NULL); /* its pid is children[0] */
    remember(fd, "127.0.0.1", port, pid, self_comm, strlen(self_comm));

    /* a child's own listener, under a hostile name */
    c = child(child_comm, "127.0.0.3", &port, NULL);
    {
        struct made *m = &made[nmade++];
        uint64_t inode;
        memset(m, 0, sizeof *m);
        m->fd = -1;
        m->family = 4;
        inet_pton(AF_INET, "127.0.0.3", m->addr);
        m->port = port;
        m->owner = c;
        m->comm = child_comm;
        m->comm_len = strlen(child_comm);
        (void)inode;
    }
    /* a forked child holds every socket made before it: the lowest pid owns
     * (children normally have higher pids, but pids wrap) */
    for (int k = 0; k < nchildren; k++)
        for (int i = 0; i < made_before[k]; i++)
            if (made[i].fd >= 0 && children[k] < made[i].owner) {
                made[i].owner = children[k];
                made[i].comm = k == 0 ? "lsn-worker" : child_comm;
                made[i].comm_len = strlen(made[i].comm);
            }
    return 0;
}

static int teardown(void **state)
{
    int i;
    (void)state;
    for (i = 0; i < nchildren; i++) {
        kill(children[i], SIGKILL);
        waitpid(children[i], NULL, 0);
    }
    for (i = 0; i < nmade; i++)
        if (made[i].fd >= 0)
            close(made[i].fd);
    return 0;
}

static const struct lsn_listener *find(const struct lsn_result *r, const struct made *m, int *count)
{
    const struct lsn_listener *hit = NULL;
    size_t i;
    *count = 0;
    for (i = 0; i < r->count; i++) {
        const struct lsn_listener *l = &r->listeners[i];
        if (l->port == m->port &&
            (int)l->family == (m->family == 6 ? LSN_FAMILY_IPV6 : LSN_FAMILY_IPV4) &&
            memcmp(l->bind_address, m->addr, 16) == 0 && (m->fd < 0 || l->inode == m->inode)) {
            (*count)++;
            hit = l;
        }
    }
    return hit;
}

/* Every socket the test made is one row with the family, address, port,
 * inode, owner, comm and exe it made. */
static void library_rows(void **state)
{
    struct lsn_result r;
    int i;
    (void)state;
    assert_int_equal(lsn_collect(NULL, &r), LSN_OK);
    assert_int_equal(r.stats.streamed, 1);
    for (i = 0; i < nmade; i++) {
        const struct made *m = &made[i];
        int count;
        const struct lsn_listener *l = find(&r, m, &count);
        if (count != 1 || !l) {
            print_error("socket %d (port %u): %d rows\n", i, m->port, count);
            fail();
            continue; /* not reached: fail() ends the test */
        }
        assert_int_equal(l->pid, m->owner);
        assert_non_null(l->comm);
        assert_int_equal(l->comm_len, m->comm_len);
        assert_memory_equal(l->comm, m->comm, m->comm_len);
        assert_non_null(l->exe);
        assert_int_equal(l->exe_len, exe_len);
        assert_memory_equal(l->exe, exe_path, exe_len);
    }
    /* the SO_REUSEPORT pair is two rows on one port */
    {
        size_t k, same = 0;
        for (k = 0; k < r.count; k++)
            if (r.listeners[k].port == made[2].port && r.listeners[k].family == LSN_FAMILY_IPV4)
                same++;
        assert_int_equal(same, 2);
    }
    lsn_result_free(&r);
}

/* The CLI prints the same rows as the contract's JSON text. */
static void cli_rows(void **state)
{
    struct run run;
    int i;
    char *exe_json = tb_json(exe_path, exe_len);
    (void)state;
    run_cli(&run, (char *)NULL);
    assert_int_equal(run.status, 0);
    for (i = 0; i < nmade; i++) {
        const struct made *m = &made[i];
        char addr[64], want[8192];
        const char *comm = m->comm == child_comm ? "\"c\\t\\u001b]0;\\\"\\\\x\"" : NULL;
        char *comm_json = comm ? NULL : tb_json(m->comm, m->comm_len);
        if (m->family == 6 && m->addr[10] == 0xff && m->addr[11] == 0xff)
            snprintf(addr, sizeof addr, "::ffff:%u.%u.%u.%u", m->addr[12], m->addr[13], m->addr[14],
                     m->addr[15]);
        else
            inet_ntop(m->family == 6 ? AF_INET6 : AF_INET, m->addr, addr, sizeof addr);
        snprintf(want, sizeof want,
                 "{\"port\":%u,\"family\":\"ipv%d\",\"protocol\":\"tcp\",\"bind_address\":\"%s\","
                 "\"pid\":%ld,\"comm\":%s,\"exe\":%s}",
                 m->port, m->family, addr, (long)m->owner, comm ? comm : comm_json, exe_json);
        free(comm_json);
        if (!strstr(run.out, want)) {
            print_error("missing %s\nin %s\n", want, run.out);
            fail();
        }
    }
    free(exe_json);
    run_free(&run);
}

/* A socket closed disappears; the table format shows the hostile comm
 * escaped, never raw. */
static void table_escapes(void **state)
{
    struct run run;
    (void)state;
    run_cli(&run, "--format", "table", (char *)NULL);
    assert_int_equal(run.status, 0);
    assert_non_null(strstr(run.out, "c\\t\\x1b]0;\"\\\\x"));
    assert_null(strchr(run.out, '\x1b'));
    run_free(&run);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(library_rows),
        cmocka_unit_test(cli_rows),
        cmocka_unit_test(table_escapes),
    };
    if (access("/proc/net/tcp", R_OK) != 0) {
        fprintf(stderr, "live: /proc/net/tcp not readable: skipped\n");
        return 77;
    }
    return cmocka_run_group_tests(tests, setup, teardown);
}
