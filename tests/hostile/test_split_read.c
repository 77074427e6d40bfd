/* test_split_read.c - issue 15 item 4: a listener skipped by a split read
 * of /proc/net/tcp, or by a split NETLINK_SOCK_DIAG dump of it, is still
 * reported, and the re-read is bounded.
 *
 * /proc/net/tcp comes about one page (~27 lines) per read(); between two
 * read() calls the kernel resumes at (listening-hash bucket, offset in the
 * bucket) (net/ipv4/tcp_ipv4.c, tcp_seek_last_pos). The test makes that
 * happen on purpose, deterministically, in a network namespace of its own
 * (unshare(CLONE_NEWNET), lo up): the target, one SO_REUSEPORT listener on
 * 127.0.0.1:PORT held by a child, then K more on the same address and port
 * held by the test. lhash2 hashes by (netns, address, port), so all K + 1
 * share one bucket, and an IPv4 socket goes to the head of its bucket: the
 * target is printed last. The CLI runs under ptrace; when it enters its
 * second read() of net/tcp (the first returned about 26 of the K), the test
 * closes all K. The bucket now holds the target alone, at offset 0, and the
 * kernel resumes past it: that pass never prints the target. A collector
 * that reads the table once misses it (exit 0, nothing on stderr); one that
 * re-reads a table that took more than one read() finds it.
 *
 * every_pass: the test closes the K at the second read() of every pass and
 * binds K new ones at the first read() of the next: each pass misses the
 * target and adds new rows, so only the bound (LSN_TABLE_MAX_PASSES) ends the
 * passes. That is the residual race (a socket churned ahead of on every pass
 * is missed); the case checks that the passes stop at the bound and that the
 * run still ends with exit 0.
 *
 * netlink_skipped_row_found: the same race in a NETLINK_SOCK_DIAG dump
 * (--source netlink). Between two datagrams the kernel keeps (bucket,
 * offset in it) too (inet_diag_dump_icsk) and resumes by counting from the
 * bucket's head. It makes a dump's first datagram inside the request's
 * sendto() (~4 KiB) and each next one at the end of a recvmsg() (up to
 * 32 KiB, ~260 records of ~124 bytes). The test tells the net/tcp request
 * by its bytes at sendto() (AF_INET, IPPROTO_TCP), which also names the
 * sock_diag fd, and closes K_NL = 800 listeners at the entry of the second
 * recvmsg() on that fd: the third datagram resumes past the ~290 records of
 * the first two, in a bucket that now holds the target alone, and ends the
 * dump without it. A collector that dumps once misses it (exit 0); one that
 * dumps again a dump that took more than one datagram finds it, and --stats
 * says 2 dumps, 1 row added after the first. */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "skip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jcheck.h"
#include "listeners.h" /* LSN_TABLE_MAX_PASSES */

#define K 60 /* with the target: 61 lines in one bucket, over two reads */
#define PORT 20000
/* netlink: with the target 801 records (~124 bytes) in one bucket: a first
 * datagram of ~4 KiB, then 32 KiB ones (~260 records), 4 in all */
#define K_NL 800
#define AT_RECVMSG 2 /* the K_NL close at its entry: the 3rd datagram skips */

/* glibc 2.36's <sys/ptrace.h> lacks these (Linux 5.3); <linux/ptrace.h>
 * cannot be included with it. The layout is the kernel's ABI. */
#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e
#endif
#define SYSCALL_INFO_ENTRY 1
struct syscall_info {
    uint8_t op;
    uint8_t pad[3];
    uint32_t arch;
    uint64_t instruction_pointer;
    uint64_t stack_pointer;
    union {
        struct {
            uint64_t nr;
            uint64_t args[6];
        } entry;
        struct {
            int64_t rval;
            uint8_t is_error;
        } exit;
        struct {
            uint64_t nr;
            uint64_t args[6];
            uint32_t ret_data;
        } seccomp;
    } u;
};

/* A listener on 127.0.0.1:PORT with SO_REUSEPORT, or -1. */
static int listener(void)
{
    struct sockaddr_in a;
    int one = 1, s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(PORT);
    if (setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
        bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 8) != 0) {
        close(s);
        return -1;
    }
    return s;
}

static int lo_up(void)
{
    struct ifreq ifr;
    int rc = -1, s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
        ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP);
        rc = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
    return rc;
}

static int in_netns; /* 1 once this process has its own network namespace */
static pid_t target = -1;

/* The namespace and the target's holder, once for both cases. */
static int setup(void **state)
{
    int p[2];
    char b;
    pid_t me = getpid();
    (void)state;
    if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0)
        return 0; /* the cases skip */
    if (lo_up() != 0)
        return -1;
    in_netns = 1;
    if (pipe2(p, O_CLOEXEC) != 0)
        return -1;
    target = fork();
    if (target < 0)
        return -1;
    if (target == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != me || listener() < 0)
            _exit(1);
        b = 'r';
        if (write(p[1], &b, 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(p[1]);
    if (read(p[0], &b, 1) != 1) {
        close(p[0]);
        return -1;
    }
    close(p[0]);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (target > 0) {
        kill(target, SIGKILL);
        waitpid(target, NULL, 0);
    }
    return 0;
}

/* Is fd of pid an open net/tcp? */
static int is_tcp_table(pid_t pid, uint64_t fd)
{
    char path[64], link[256];
    ssize_t n;
    size_t len;
    snprintf(path, sizeof path, "/proc/%d/fd/%llu", (int)pid, (unsigned long long)fd);
    n = readlink(path, link, sizeof link - 1);
    if (n <= 0)
        return 0;
    len = (size_t)n;
    link[len] = '\0';
    return len >= 8 && strcmp(link + len - 8, "/net/tcp") == 0;
}

struct run {
    int status;                                  /* exit status, or -1 */
    int net_tcp_reads[LSN_TABLE_MAX_PASSES + 2]; /* read() entries per pass seen */
    int passes_seen;                             /* passes whose 2nd read() we reached */
    int ptrace_refused;
    int tcp_dumps;                /* netlink: net/tcp dump requests seen (sendto) */
    int recvmsgs;                 /* netlink: recvmsg() entries of the first net/tcp dump seen */
    int closed;                   /* netlink: the K were closed */
    char out[1 << 20], err[8192]; /* out: the K_NL closed sockets may be rows */
};

static void read_all(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    ssize_t got;
    lseek(fd, 0, SEEK_SET);
    while (n + 1 < cap && (got = read(fd, buf + n, cap - 1 - n)) > 0)
        n += (size_t)got;
    buf[n] = '\0';
    close(fd);
}

/* Forks the CLI with --stats (and --source netlink with netlink), stopped
 * for ptrace with its stdout and stderr in *out and *err. Returns its pid,
 * or -1 when ptrace was refused (r->ptrace_refused). */
static pid_t start_traced(struct run *r, int netlink, int *out, int *err)
{
    int st;
    pid_t pid;

    memset(r, 0, sizeof *r);
    r->status = -1;
    *out = memfd_create("out", MFD_CLOEXEC);
    *err = memfd_create("err", MFD_CLOEXEC);
    assert_true(*out >= 0 && *err >= 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char *argv[] = {(char *)LISTENERS_CLI, (char *)"--stats", (char *)"--source",
                        (char *)"netlink", NULL};
        if (!netlink)
            argv[2] = NULL;
        /* An ASan build's leak check cannot run under ptrace (every_pass
         * traces to the end): it would fail the exit. The other sanitizers
         * and every other test still check the CLI. */
        setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
        dup2(*out, 1);
        dup2(*err, 2);
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0)
            _exit(99);
        raise(SIGSTOP);
        execv(argv[0], argv);
        _exit(98);
    }
    if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st)) {
        r->ptrace_refused = WIFEXITED(st) && WEXITSTATUS(st) == 99;
        if (!r->ptrace_refused)
            fail_msg("the CLI child did not stop for ptrace (status 0x%x)", st);
        close(*out);
        close(*err);
        return -1;
    }
    ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL));
    ptrace(PTRACE_SYSCALL, pid, NULL, NULL);
    return pid;
}

/* The CLI's exit status st, stdout and stderr into r. */
static void end_traced(struct run *r, int st, int out, int err)
{
    if (WIFEXITED(st))
        r->status = WEXITSTATUS(st);
    else
        r->status = 128 + WTERMSIG(st);
    read_all(out, r->out, sizeof r->out);
    read_all(err, r->err, sizeof r->err);
}

/* Runs the CLI with --stats under ptrace. At the second read() of net/tcp of
 * each pass (a pass starts at the first read() of a new fd), closes the K
 * listeners in fds[]; with every_pass, binds K new ones at the first read()
 * of each later pass; without, lets the CLI go after the first time. */
static void run_cli(struct run *r, int *fds, int every_pass)
{
    int out, err, st, pass = -1, n_in_pass = 0;
    uint64_t cur_fd = (uint64_t)-1;
    pid_t pid = start_traced(r, 0, &out, &err);

    if (pid < 0)
        return;
    for (;;) {
        int sig = 0;
        if (waitpid(pid, &st, 0) != pid)
            fail_msg("waitpid: %s", strerror(errno));
        if (WIFEXITED(st) || WIFSIGNALED(st))
            break;
        if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
            struct syscall_info si;
            memset(&si, 0, sizeof si);
            if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof si, &si) > 0 &&
                si.op == SYSCALL_INFO_ENTRY && si.u.entry.nr == SYS_read &&
                is_tcp_table(pid, si.u.entry.args[0])) {
                /* the pass's fd was closed (below), or none yet: a new pass */
                if (n_in_pass == 0) {
                    pass++;
                    cur_fd = si.u.entry.args[0];
                    if (every_pass && pass > 0)
                        for (int i = 0; i < K; i++)
                            assert_true((fds[i] = listener()) >= 0);
                }
                n_in_pass++;
                if (pass < LSN_TABLE_MAX_PASSES + 2)
                    r->net_tcp_reads[pass] = n_in_pass;
                if (n_in_pass == 2) {
                    r->passes_seen++;
                    for (int i = 0; i < K; i++)
                        if (fds[i] >= 0) {
                            close(fds[i]);
                            fds[i] = -1;
                        }
                    if (!every_pass) {
                        ptrace(PTRACE_DETACH, pid, NULL, NULL);
                        if (waitpid(pid, &st, 0) != pid)
                            fail_msg("waitpid: %s", strerror(errno));
                        break;
                    }
                }
            } else if (si.op == SYSCALL_INFO_ENTRY && si.u.entry.nr == SYS_close && n_in_pass > 0 &&
                       si.u.entry.args[0] == cur_fd) {
                n_in_pass = 0; /* the pass's fd is closed: the next read() starts one */
            }
        } else if (WSTOPSIG(st) != SIGTRAP && WSTOPSIG(st) != SIGSTOP) {
            sig = WSTOPSIG(st);
        }
        ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig);
    }
    end_traced(r, st, out, err);
}

/* Is the sendto() of pid with buffer buf, len bytes, a NETLINK_SOCK_DIAG
 * dump request for AF_INET, IPPROTO_TCP (net/tcp): a nlmsghdr (16 bytes),
 * then sdiag_family and sdiag_protocol? */
static int is_tcp_request(pid_t pid, uint64_t buf, uint64_t len)
{
    unsigned char head[18];
    struct iovec local = {head, sizeof head};
    struct iovec remote = {(void *)(uintptr_t)buf, sizeof head};
    if (len < sizeof head ||
        process_vm_readv(pid, &local, 1, &remote, 1, 0) != (ssize_t)sizeof head)
        return 0;
    return head[4] == 20 /* SOCK_DIAG_BY_FAMILY */ && head[5] == 0 && head[16] == AF_INET &&
           head[17] == IPPROTO_TCP;
}

/* Runs the CLI with --source netlink --stats under ptrace. A net/tcp dump
 * starts at its request's sendto() (the fd it is sent on is the sock_diag
 * socket); at the entry of the at_recvmsg-th recvmsg() on that fd in the
 * first net/tcp dump, closes the n listeners in fds[] and lets the CLI go.
 * The kernel made the datagram that recvmsg() returns at the end of the
 * previous recvmsg() (netlink_recvmsg -> netlink_dump), and makes the next
 * one at the end of this one: that one resumes in a bucket that the closes
 * emptied ahead of the resume point. */
static void run_cli_netlink(struct run *r, int *fds, int n, int at_recvmsg)
{
    int out, err, st;
    uint64_t nl_fd = (uint64_t)-1;
    pid_t pid = start_traced(r, 1, &out, &err);

    if (pid < 0)
        return;
    for (;;) {
        int sig = 0;
        if (waitpid(pid, &st, 0) != pid)
            fail_msg("waitpid: %s", strerror(errno));
        if (WIFEXITED(st) || WIFSIGNALED(st))
            break;
        if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
            struct syscall_info si;
            memset(&si, 0, sizeof si);
            if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof si, &si) <= 0 ||
                si.op != SYSCALL_INFO_ENTRY) {
                /* a syscall exit */
            } else if (si.u.entry.nr == SYS_sendto &&
                       is_tcp_request(pid, si.u.entry.args[1], si.u.entry.args[2])) {
                r->tcp_dumps++;
                nl_fd = si.u.entry.args[0];
            } else if (si.u.entry.nr == SYS_recvmsg && r->tcp_dumps == 1 &&
                       si.u.entry.args[0] == nl_fd && ++r->recvmsgs == at_recvmsg) {
                for (int i = 0; i < n; i++)
                    if (fds[i] >= 0) {
                        close(fds[i]);
                        fds[i] = -1;
                    }
                r->closed = 1;
                ptrace(PTRACE_DETACH, pid, NULL, NULL);
                if (waitpid(pid, &st, 0) != pid)
                    fail_msg("waitpid: %s", strerror(errno));
                break;
            }
        } else if (WSTOPSIG(st) != SIGTRAP && WSTOPSIG(st) != SIGSTOP) {
            sig = WSTOPSIG(st);
        }
        ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig);
    }
    end_traced(r, st, out, err);
}

/* The target's row (pid of its holder), or NULL. */
static const struct jrow *find_target(const struct jrows *rows)
{
    for (size_t i = 0; i < rows->n; i++)
        if (rows->v[i].pid == (long)target && rows->v[i].port == PORT)
            return &rows->v[i];
    return NULL;
}

static void check_json(const struct run *r, struct jrows *rows)
{
    char why[160];
    if (jcheck(r->out, strlen(r->out), rows, NULL, why, sizeof why) != 0)
        fail_msg("not the contract's JSON: %s", why);
}

static void skip_unless_ready(const struct run *r)
{
    if (r && r->ptrace_refused)
        LSN_SKIP("ptrace(PTRACE_TRACEME) refused (Yama ptrace_scope 3?)");
}

static void skipped_row_found(void **state)
{
    int fds[K];
    struct run *r;
    struct jrows rows = {0};
    (void)state;
    if (!in_netns)
        LSN_SKIP("needs root to make a network namespace (unshare CLONE_NEWNET)");
    for (int i = 0; i < K; i++)
        assert_true((fds[i] = listener()) >= 0);
    r = calloc(1, sizeof *r);
    assert_non_null(r);
    run_cli(r, fds, 0);
    skip_unless_ready(r);
    for (int i = 0; i < K; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    if (r->passes_seen != 1)
        fail_msg("net/tcp took one read(): the race was not set up (%d reads of pass 1); "
                 "stderr: %.400s",
                 r->net_tcp_reads[0], r->err);
    if (r->status != 0)
        fail_msg("exit %d; stderr: %.400s", r->status, r->err);
    check_json(r, &rows);
    if (!find_target(&rows))
        fail_msg("the target listener 127.0.0.1:%d (pid %d) is missing: the kernel resumed "
                 "past it after the %d sockets ahead of it closed, and nothing re-read the "
                 "table (%zu rows); stderr: %.600s",
                 PORT, (int)target, K, rows.n, r->err);
    /* the first pass took 2 reads, the second 1 (it adds the target) */
    if (!strstr(r->err,
                "/net/tcp: 3 reads in 2 passes (at most 4), 1 listening added after the first\n"))
        fail_msg("--stats does not say 3 reads in 2 passes, 1 added: %.800s", r->err);
    jrows_free(&rows);
    free(r);
}

static void every_pass(void **state)
{
    int fds[K];
    struct run *r;
    struct jrows rows = {0};
    char want[160];
    (void)state;
    if (!in_netns)
        LSN_SKIP("needs root to make a network namespace (unshare CLONE_NEWNET)");
    for (int i = 0; i < K; i++)
        assert_true((fds[i] = listener()) >= 0);
    r = calloc(1, sizeof *r);
    assert_non_null(r);
    run_cli(r, fds, 1);
    skip_unless_ready(r);
    for (int i = 0; i < K; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    if (r->status != 0)
        fail_msg("exit %d; stderr: %.400s", r->status, r->err);
    check_json(r, &rows);
    if (r->passes_seen != LSN_TABLE_MAX_PASSES)
        fail_msg("%d passes disturbed, want %d (the bound); stderr: %.800s", r->passes_seen,
                 LSN_TABLE_MAX_PASSES, r->err);
    snprintf(want, sizeof want, " in %d passes (at most %d)", LSN_TABLE_MAX_PASSES,
             LSN_TABLE_MAX_PASSES);
    if (!strstr(r->err, want))
        fail_msg("--stats does not say%s: %.800s", want, r->err);
    print_message("every_pass: %d passes, target %s (the residual race)\n", r->passes_seen,
                  find_target(&rows) ? "found" : "missed");
    jrows_free(&rows);
    free(r);
}

/* "stats: netlink dump of net/tcp: P dumps (at most M), A rows added after
 * the first": P and A, or -1 when the line is not there. */
static void netlink_passes(const char *err, long *dumps, long *added)
{
    static const char line[] = "stats: netlink dump of net/tcp: ";
    *dumps = *added = -1;
    for (const char *at = strstr(err, line); at; at = strstr(at + 1, line)) {
        char *end;
        const char *paren;
        long p = strtol(at + sizeof line - 1, &end, 10), a;
        if (strncmp(end, " dump", 5) != 0 || !(paren = strstr(end, "), ")) ||
            paren > end + strcspn(end, "\n"))
            continue;
        a = strtol(paren + 3, &end, 10);
        if (strncmp(end, " rows added after the first\n", 28) == 0) {
            *dumps = p;
            *added = a;
            return;
        }
    }
}

/* The netlink twin of skipped_row_found: K_NL + 1 sockets in one bucket
 * would make net/tcp's dump 4 datagrams; the K_NL close at the entry of the
 * AT_RECVMSG-th recvmsg(), so the dump's next datagram resumes past the
 * target. The CLI dumps again and finds it. */
static void netlink_skipped_row_found(void **state)
{
    int fds[K_NL];
    struct run *r;
    struct jrows rows = {0};
    struct rlimit nofile;
    long dumps, added;
    (void)state;
    if (!in_netns)
        LSN_SKIP("needs root to make a network namespace (unshare CLONE_NEWNET)");
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &nofile), 0);
    if (nofile.rlim_cur != RLIM_INFINITY && nofile.rlim_cur < K_NL + 64) {
        nofile.rlim_cur = K_NL + 64;
        if (nofile.rlim_max != RLIM_INFINITY && nofile.rlim_max < nofile.rlim_cur)
            nofile.rlim_max = nofile.rlim_cur;
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &nofile), 0);
    }
    for (int i = 0; i < K_NL; i++)
        assert_true((fds[i] = listener()) >= 0);
    r = calloc(1, sizeof *r);
    assert_non_null(r);
    run_cli_netlink(r, fds, K_NL, AT_RECVMSG);
    skip_unless_ready(r);
    for (int i = 0; i < K_NL; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    if (!r->closed)
        fail_msg("the net/tcp dump took %d recvmsg() (%d dumps), fewer than %d: the race was "
                 "not set up; stderr: %.600s",
                 r->recvmsgs, r->tcp_dumps, AT_RECVMSG, r->err);
    if (r->status != 0)
        fail_msg("exit %d; stderr: %.400s", r->status, r->err);
    check_json(r, &rows);
    for (const char *at = strstr(r->err, "stats: netlink dump of net/tcp: "); at;
         at = strstr(at + 1, "stats: netlink dump of net/tcp: "))
        print_message("%.*s\n", (int)strcspn(at, "\n"), at);
    if (!find_target(&rows))
        fail_msg("the target listener 127.0.0.1:%d (pid %d) is missing: the kernel resumed the "
                 "net/tcp dump past it after the %d sockets ahead of it closed, and nothing "
                 "dumped again (%zu rows); stderr: %.600s",
                 PORT, (int)target, K_NL, rows.n, r->err);
    netlink_passes(r->err, &dumps, &added);
    if (dumps < 2 || added < 1)
        fail_msg("--stats does not say 2 or more dumps of net/tcp, 1 or more rows added "
                 "(%ld dumps, %ld added): %.800s",
                 dumps, added, r->err);
    jrows_free(&rows);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(skipped_row_found),
                                       cmocka_unit_test(every_pass),
                                       cmocka_unit_test(netlink_skipped_row_found)};
    return lsn_test_exit(cmocka_run_group_tests_name("split_read", tests, setup, teardown));
}
