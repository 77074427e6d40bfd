/* The CLI's seccomp filter refuses what the collector never needs and lets
 * through what it does. Each check runs in a child that entered the sandbox;
 * the child's exit status says which check failed. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "skip.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/kcmp.h>
#include <linux/netlink.h>
#include <signal.h>

#include "listeners.h"
#include "sandbox.h"

typedef int (*check_fn)(int pipe_write_end);

/* Runs check in a sandboxed child; returns its exit status (0 = the check
 * held), or -1 when this build has no sandbox. */
static int in_sandbox(check_fn check)
{
    int p[2];
    if (pipe(p) != 0)
        return 100;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        if (lsn_sandbox_enter() != 0)
            _exit(errno == ENOSYS || errno == EOPNOTSUPP ? 77 : 101);
        _exit(check(p[1]));
    }
    close(p[0]);
    close(p[1]);
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return 102;
    if (WIFSIGNALED(status))
        return 200 + WTERMSIG(status);
    return WEXITSTATUS(status) == 77 ? -1 : WEXITSTATUS(status);
}

static void expect_held(check_fn check)
{
    int r = in_sandbox(check);
    if (r == -1)
        LSN_SKIP(
            "no seccomp filter in this build (sanitizer build, or an architecture without one)");
    assert_int_equal(r, 0);
}

static int refused(long rc)
{
    return rc == -1 && errno == EPERM ? 0 : 1;
}

/* socket() is not refused but fatal: the process dies of SIGSYS (in_sandbox
 * returns 200 + SIGSYS), whatever the family; 50 if it survived. */
static int socket_inet(int fd)
{
    (void)fd;
    (void)socket(AF_INET, SOCK_STREAM, 0);
    return 50;
}

static int socket_unix(int fd)
{
    (void)fd;
    (void)socket(AF_UNIX, SOCK_DGRAM, 0);
    return 50;
}

static int socket_sock_diag(int fd)
{
    (void)fd;
    (void)socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG); /* opened before the filter only */
    return 50;
}

static int execs_nothing(int fd)
{
    (void)fd;
    char *const argv[] = {(char *)"/bin/true", NULL};
    char *const envp[] = {NULL};
    return refused(execve("/bin/true", argv, envp));
}

static int forks_nothing(int fd)
{
    (void)fd;
    pid_t pid = fork(); /* glibc uses clone */
    if (pid == 0)
        _exit(0);
    return refused(pid);
}

static int opens_nothing_for_writing(int fd)
{
    (void)fd;
    return refused(open("/tmp/lsn-sandbox-must-not-exist", O_WRONLY | O_CREAT, 0600)) |
           refused(open("/proc/self/comm", O_RDWR)) << 1 |
           refused(open("/proc/self/comm", O_RDONLY | O_APPEND)) << 2 |
           refused(open("/tmp/lsn-sandbox-must-not-exist", O_RDONLY | O_CREAT, 0600)) << 3
#ifdef SYS_open /* musl's open() uses this call; glibc's uses openat */
           | refused(syscall(SYS_open, "/tmp/lsn-sandbox-must-not-exist", O_WRONLY | O_CREAT, 0600))
                 << 4
#endif
        ;
}

static int writes_only_to_stdout_and_stderr(int fd)
{
    if (refused(write(fd, "x", 1)) != 0)
        return 1;
    if (write(1, "", 0) != 0 || write(2, "", 0) != 0)
        return 2;
    return 0;
}

/* After a compromise the process must not reach other processes or fds
 * through fcntl: F_SETOWN + F_SETSIG + O_ASYNC would send any signal (as
 * root: SIGKILL to anyone), F_DUPFD (or dup*) onto 1 or 2 after close(1)
 * would make "write to stdout" write to any inherited writable fd. Only
 * F_GETFD, F_SETFD and F_GETFL are allowed; fds 1 and 2 cannot be closed. */
static int no_fcntl_signals_or_dups(int fd)
{
    int r = 0;
    r |= refused(fcntl(fd, F_SETOWN, 1));
    r |= refused(fcntl(fd, F_SETSIG, SIGKILL)) << 1;
    r |= refused(fcntl(fd, F_SETFL, O_ASYNC | O_NONBLOCK)) << 2;
    r |= refused(fcntl(fd, F_DUPFD, 0)) << 3;
    r |= refused(fcntl(fd, F_DUPFD_CLOEXEC, 0)) << 4;
    r |= refused(fcntl(fd, F_SETLEASE, F_WRLCK)) << 5;
    r |= refused(dup(fd)) << 6;
    r |= refused(dup2(fd, 1)) << 7;
    r |= refused(dup3(fd, 2, O_CLOEXEC)) << 8;
    if (fcntl(fd, F_GETFL) < 0 || fcntl(fd, F_GETFD) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)
        r |= 1 << 9; /* what glibc's and musl's fdopendir use */
    return r;
}

/* kcmp: KCMP_FILES (the task walk's "is this thread's fd table one read
 * already?") and nothing else: KCMP_FILE and KCMP_EPOLL_TFD compare single
 * fds of other processes, KCMP_VM and the rest their other resources. */
static int kcmp_files_only(int fd)
{
    (void)fd;
    pid_t me = getpid();
    int r = 0;
    long same = syscall(SYS_kcmp, me, me, KCMP_FILES, 0, 0);
    if (same != 0 && !(same == -1 && errno == ENOSYS))
        r |= 1; /* allowed, and the same table */
    r |= refused(syscall(SYS_kcmp, me, me, KCMP_FILE, 0, 0)) << 1;
    r |= refused(syscall(SYS_kcmp, me, me, KCMP_VM, 0, 0)) << 2;
    r |= refused(syscall(SYS_kcmp, me, me, KCMP_EPOLL_TFD, 0, 0)) << 3;
    r |= refused(syscall(SYS_kcmp, me, me, KCMP_FILES | 0x100, 0, 0)) << 4;
    return r;
}

static int keeps_stdout_and_stderr(int fd)
{
    (void)fd;
    int r = refused(close(1)) | refused(close(2)) << 1;
    if (write(1, "", 0) != 0 || write(2, "", 0) != 0) /* still the same fds */
        r |= 1 << 2;
    int o = open("/proc/self/comm", O_RDONLY | O_CLOEXEC); /* other fds still close */
    if (o < 0 || close(o) != 0)
        r |= 1 << 3;
    return r;
}

static int maps_no_executable_memory(int fd)
{
    (void)fd;
    void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED || errno != EPERM)
        return 1;
    void *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED)
        return 2;
    return refused(mprotect(q, 4096, PROT_READ | PROT_EXEC)) << 2;
}

static int reads_procfs(int fd)
{
    (void)fd;
    char buf[64];
#ifdef SYS_open
    int o = (int)syscall(SYS_open, "/proc/self/comm", O_RDONLY | O_CLOEXEC);
    if (o < 0 || close(o) != 0)
        return 4;
#endif
    int c = open("/proc/self/comm", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (c < 0 || read(c, buf, sizeof buf) <= 0 || close(c) != 0)
        return 1;
    int d = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d < 0 || readlinkat(d, "exe", buf, sizeof buf) <= 0)
        return 2;
    return close(d) == 0 ? 0 : 3;
}

/* --verify-exe: stat through <pid>/exe and stat of the printed path in the
 * reader's mount namespace (fstatat, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT;
 * glibc and musl may use newfstatat or statx), no open. */
static int stats_exe_and_its_path(int fd)
{
    (void)fd;
    struct stat running, named;
    char path[4096];
    int d = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d < 0 || fstatat(d, "exe", &running, 0) != 0)
        return 1;
    ssize_t n = readlinkat(d, "exe", path, sizeof path - 1);
    if (n <= 0 || close(d) != 0)
        return 2;
    path[n] = '\0';
    if (fstatat(AT_FDCWD, path, &named, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT) != 0)
        return 3;
    return named.st_dev == running.st_dev && named.st_ino == running.st_ino ? 0 : 4;
}

/* nftw callback for rm -rf: children first (FTW_DEPTH), links not followed (FTW_PHYS). */
static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *at)
{
    (void)sb;
    (void)type;
    (void)at;
    return remove(path);
}

/* The snapshot filter: creates only relative to its directory fd, only as
 * new files (O_EXCL, O_NOFOLLOW), mkdirat/symlinkat only there. */
static char snap_dir[64];

static int snapshot_rules(int pipe_fd)
{
    int dir = open(snap_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int other = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const int create = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    if (dir < 0 || other < 0)
        return 1;
    if (lsn_sandbox_enter_snapshot(dir, -1) != 0)
        return errno == ENOSYS || errno == EOPNOTSUPP ? 77 : 2;
    int f = openat(dir, "new", create, 0600);
    if (f < 0 || write(f, "x", 1) != 1 || close(f) != 0)
        return 3;
    if (mkdirat(dir, "d", 0700) != 0 || symlinkat("socket:[1]", dir, "d/l") != 0)
        return 4;
    int r = 0;
    r |= refused(openat(dir, "new", O_WRONLY | O_CREAT | O_NOFOLLOW, 0600)) << 1; /* no O_EXCL */
    r |= refused(openat(dir, "t", O_WRONLY | O_CREAT | O_EXCL, 0600)) << 2; /* no O_NOFOLLOW */
    r |= refused(openat(dir, "new", O_WRONLY | O_TRUNC)) << 3;
    r |= refused(openat(dir, "new", O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600)) << 4;
    r |= refused(openat(other, "lsn-x", create, 0600)) << 5;
    r |= refused(openat(AT_FDCWD, "/tmp/lsn-sandbox-must-not-exist", create, 0600)) << 6;
    r |= refused(mkdirat(other, "lsn-x", 0700)) << 7;
    r |= refused(mkdirat(AT_FDCWD, "/tmp/lsn-x", 0700)) << 8;
    r |= refused(symlinkat("x", other, "lsn-x")) << 9;
    char *const argv[] = {(char *)"/bin/true", NULL};
    char *const envp[] = {NULL};
    r |= refused(execve("/bin/true", argv, envp)) << 11;
    (void)pipe_fd;
    int rd = openat(dir, "new", O_RDONLY | O_CLOEXEC); /* reads stay allowed */
    if (rd < 0)
        r |= 1 << 12;
    return r;
}

static void test_sandbox_snapshot_writes_only_under_its_dir(void **state)
{
    (void)state;
    strcpy(snap_dir, "/tmp/lsn-sandbox-snap-XXXXXX");
    assert_non_null(mkdtemp(snap_dir));
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    if (pid == 0)
        _exit(snapshot_rules(p[1]));
    close(p[0]);
    close(p[1]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (nftw(snap_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        print_error("could not remove %s: %s\n", snap_dir, strerror(errno));
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77)
        LSN_SKIP(
            "no seccomp filter in this build (sanitizer build, or an architecture without one)");
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* The filter of `snapshot --archive FILE` without DIR: writes to the
 * archive fd (and stdout, stderr), nothing created anywhere, no write to
 * another fd open for writing. */
static int archive_rules(int pipe_fd)
{
    char path[sizeof snap_dir + 8];
    snprintf(path, sizeof path, "%s/a.tar", snap_dir);
    int out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    int dir = open(snap_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const int create = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    if (out < 0 || dir < 0)
        return 1;
    if (lsn_sandbox_enter_archive(out, -1) != 0)
        return errno == ENOSYS || errno == EOPNOTSUPP ? 77 : 2;
    if (write(out, "x", 1) != 1)
        return 3;
    struct iovec v = {(void *)"y", 1};
    if (writev(out, &v, 1) != 1)
        return 4;
    int r = 0;
    r |= refused(write(pipe_fd, "x", 1)) << 1; /* another fd open for writing */
    r |= refused(openat(dir, "new", create, 0600)) << 2;
    r |= refused(openat(AT_FDCWD, "/tmp/lsn-sandbox-must-not-exist", create, 0600)) << 3;
    r |= refused(mkdirat(dir, "d", 0700)) << 4;
    r |= refused(symlinkat("x", dir, "l")) << 5;
    r |= refused(unlinkat(dir, "a.tar", 0)) << 6;
    if (openat(dir, "a.tar", O_RDONLY | O_CLOEXEC) < 0) /* reads stay allowed */
        r |= 1 << 7;
    return r;
}

static void test_sandbox_archive_writes_only_its_archive(void **state)
{
    (void)state;
    strcpy(snap_dir, "/tmp/lsn-sandbox-arch-XXXXXX");
    assert_non_null(mkdtemp(snap_dir));
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        _exit(archive_rules(p[1]));
    }
    close(p[1]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    char got[4];
    ssize_t n = read(p[0], got, sizeof got);
    close(p[0]);
    char path[sizeof snap_dir + 8], data[4] = "";
    snprintf(path, sizeof path, "%s/a.tar", snap_dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t len = fd >= 0 ? read(fd, data, sizeof data) : -1;
    if (fd >= 0)
        close(fd);
    int only = access(path, F_OK) == 0;
    if (nftw(snap_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        print_error("could not remove %s: %s\n", snap_dir, strerror(errno));
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) == 77)
        LSN_SKIP(
            "no seccomp filter in this build (sanitizer build, or an architecture without one)");
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(n, 0); /* nothing reached the pipe */
    assert_true(only);
    assert_int_equal(len, 2);
    assert_memory_equal(data, "xy", 2);
}

static void expect_killed(check_fn check)
{
    int r = in_sandbox(check);
    if (r == -1)
        LSN_SKIP(
            "no seccomp filter in this build (sanitizer build, or an architecture without one)");
    assert_int_equal(r, 200 + SIGSYS);
}

static void test_sandbox_kills_on_socket(void **state)
{
    (void)state;
    expect_killed(socket_inet);
    expect_killed(socket_unix);
    expect_killed(socket_sock_diag);
}
static void test_sandbox_refuses_execve(void **state)
{
    (void)state;
    expect_held(execs_nothing);
}
static void test_sandbox_refuses_fork(void **state)
{
    (void)state;
    expect_held(forks_nothing);
}
static void test_sandbox_refuses_opening_for_writing_or_creating(void **state)
{
    (void)state;
    expect_held(opens_nothing_for_writing);
}
static void test_sandbox_refuses_writes_to_other_fds(void **state)
{
    (void)state;
    expect_held(writes_only_to_stdout_and_stderr);
}
static void test_sandbox_refuses_fcntl_signals_and_dups(void **state)
{
    (void)state;
    expect_held(no_fcntl_signals_or_dups);
}
static void test_sandbox_allows_kcmp_files_only(void **state)
{
    (void)state;
    expect_held(kcmp_files_only);
}
static void test_sandbox_keeps_stdout_and_stderr_open(void **state)
{
    (void)state;
    expect_held(keeps_stdout_and_stderr);
}
static void test_sandbox_refuses_executable_memory(void **state)
{
    (void)state;
    expect_held(maps_no_executable_memory);
}
static void test_sandbox_allows_procfs_reads(void **state)
{
    (void)state;
    expect_held(reads_procfs);
}

static void test_sandbox_allows_stat_of_exe_and_its_path(void **state)
{
    (void)state;
    expect_held(stats_exe_and_its_path);
}

/* ---- lsn_sandbox_enter_netlink: send and receive on the sock_diag fd only ---- */

typedef int (*netlink_check_fn)(int nlfd, int other_nlfd, int pair_fd);

/* Runs check in a child that opened a NETLINK_SOCK_DIAG socket (nlfd), a
 * second one (other_nlfd) and a socketpair (pair_fd: one end), all before
 * lsn_sandbox_enter_netlink(nlfd). Returns as in_sandbox: the exit status,
 * 200 + signal, -1 when this build has no filter. */
static int in_netlink_sandbox(netlink_check_fn check)
{
    pid_t pid = fork();
    if (pid == 0) {
        int sp[2];
        int nl = lsn_netlink_open(), other = lsn_netlink_open();
        /* Where there is no filter (qemu-user, which also has no
         * NETLINK_SOCK_DIAG sockets) the skip is said, not a failure. */
        if (nl < 0 || other < 0)
            _exit(lsn_sandbox_enter() != 0 && (errno == ENOSYS || errno == EOPNOTSUPP) ? 77 : 103);
        if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) != 0)
            _exit(104);
        if (lsn_sandbox_enter_netlink(nl) != 0)
            _exit(errno == ENOSYS || errno == EOPNOTSUPP ? 77 : 101);
        _exit(check(nl, other, sp[0]));
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return 102;
    if (WIFSIGNALED(status))
        return 200 + WTERMSIG(status);
    return WEXITSTATUS(status) == 77 ? -1 : WEXITSTATUS(status);
}

struct dump_seen {
    size_t datagrams, bytes;
};

static int count_datagram(void *ctx, const void *datagram, size_t len)
{
    struct dump_seen *seen = ctx;
    (void)datagram;
    seen->datagrams++;
    seen->bytes += len;
    return 0;
}

/* The dump works on the fd the filter names: net/tcp (LISTEN) and
 * net/packet, each at least one datagram (the last one holds NLMSG_DONE);
 * tcp_diag is what --source netlink needs, packet_diag may be a module. */
static int dumps_on_its_fd(int nlfd, int other_nlfd, int pair_fd)
{
    (void)other_nlfd;
    (void)pair_fd;
    struct dump_seen tcp = {0, 0}, packet = {0, 0};
    if (lsn_netlink_dump(nlfd, "net/tcp", count_datagram, &tcp) != 0)
        return 1;
    if (tcp.datagrams == 0 || tcp.bytes < 20) /* at least NLMSG_DONE */
        return 2;
    /* ENOENT (no packet_diag on this kernel) is the kernel's reply too:
     * the send and the receive got through. */
    int e = lsn_netlink_dump(nlfd, "net/packet", count_datagram, &packet);
    if (e != 0 && e != ENOENT)
        return 3;
    if (e == 0 && (packet.datagrams == 0 || packet.bytes < 20))
        return 4;
    return 0;
}

/* Every other fd: sendto, sendmsg, recvfrom, recvmsg fail with EPERM, on a
 * socketpair and on a second sock_diag socket opened before the filter. */
static int sends_and_receives_nowhere_else(int nlfd, int other_nlfd, int pair_fd)
{
    (void)nlfd;
    char byte = 'x';
    struct iovec iov = {&byte, 1};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    int r = 0;
    r |= refused(sendto(pair_fd, &byte, 1, 0, NULL, 0));
    r |= refused(send(pair_fd, &byte, 1, 0)) << 1;
    r |= refused(sendmsg(pair_fd, &msg, 0)) << 2;
    r |= refused(recvfrom(pair_fd, &byte, 1, MSG_DONTWAIT, NULL, NULL)) << 3;
    r |= refused(recvmsg(pair_fd, &msg, MSG_DONTWAIT)) << 4;
    r |= refused(sendmsg(other_nlfd, &msg, 0)) << 5;
    r |= refused(recvmsg(other_nlfd, &msg, MSG_DONTWAIT)) << 6;
    struct dump_seen seen = {0, 0};
    if (lsn_netlink_dump(other_nlfd, "net/tcp", count_datagram, &seen) != EPERM ||
        seen.datagrams != 0)
        r |= 1 << 7;
    return r;
}

/* socket() still kills, the sock_diag fd notwithstanding. */
static int netlink_socket_inet(int nlfd, int other_nlfd, int pair_fd)
{
    (void)nlfd;
    (void)other_nlfd;
    (void)pair_fd;
    (void)socket(AF_INET, SOCK_STREAM, 0);
    return 50;
}

static int netlink_socket_sock_diag(int nlfd, int other_nlfd, int pair_fd)
{
    (void)nlfd;
    (void)other_nlfd;
    (void)pair_fd;
    (void)lsn_netlink_open();
    return 50;
}

static void test_sandbox_netlink_dumps_on_its_fd(void **state)
{
    (void)state;
    int r = in_netlink_sandbox(dumps_on_its_fd);
    if (r == -1)
        LSN_SKIP(
            "no seccomp filter in this build (sanitizer build, or an architecture without one)");
    assert_int_equal(r, 0);
}

static void test_sandbox_netlink_refuses_other_fds(void **state)
{
    (void)state;
    int r = in_netlink_sandbox(sends_and_receives_nowhere_else);
    if (r == -1)
        LSN_SKIP(
            "no seccomp filter in this build (sanitizer build, or an architecture without one)");
    assert_int_equal(r, 0);
}

static void test_sandbox_netlink_kills_on_socket(void **state)
{
    (void)state;
    int r = in_netlink_sandbox(netlink_socket_inet);
    if (r == -1)
        LSN_SKIP(
            "no seccomp filter in this build (sanitizer build, or an architecture without one)");
    assert_int_equal(r, 200 + SIGSYS);
    assert_int_equal(in_netlink_sandbox(netlink_socket_sock_diag), 200 + SIGSYS);
}

/* The collector's plain filter (lsn_sandbox_enter): a sock_diag fd opened
 * before it, inherited, dumps nothing (EPERM from sendto). */
static int plain_nlfd = -1;

static int plain_filter_refuses_netlink(int fd)
{
    (void)fd;
    if (plain_nlfd < 0)
        return 103; /* a filter, but no sock_diag socket before it */
    struct dump_seen seen = {0, 0};
    int e = lsn_netlink_dump(plain_nlfd, "net/tcp", count_datagram, &seen);
    return e == EPERM && seen.datagrams == 0 ? 0 : 1;
}

static void test_sandbox_plain_filter_refuses_netlink(void **state)
{
    (void)state;
    plain_nlfd = lsn_netlink_open(); /* checked in the child: see in_netlink_sandbox */
    int r = in_sandbox(plain_filter_refuses_netlink);
    if (plain_nlfd >= 0)
        close(plain_nlfd);
    if (r == -1)
        LSN_SKIP(
            "no seccomp filter in this build (sanitizer build, or an architecture without one)");
    assert_int_equal(r, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sandbox_kills_on_socket),
        cmocka_unit_test(test_sandbox_refuses_execve),
        cmocka_unit_test(test_sandbox_refuses_fork),
        cmocka_unit_test(test_sandbox_refuses_opening_for_writing_or_creating),
        cmocka_unit_test(test_sandbox_refuses_writes_to_other_fds),
        cmocka_unit_test(test_sandbox_refuses_executable_memory),
        cmocka_unit_test(test_sandbox_refuses_fcntl_signals_and_dups),
        cmocka_unit_test(test_sandbox_allows_kcmp_files_only),
        cmocka_unit_test(test_sandbox_keeps_stdout_and_stderr_open),
        cmocka_unit_test(test_sandbox_allows_procfs_reads),
        cmocka_unit_test(test_sandbox_allows_stat_of_exe_and_its_path),
        cmocka_unit_test(test_sandbox_snapshot_writes_only_under_its_dir),
        cmocka_unit_test(test_sandbox_archive_writes_only_its_archive),
        cmocka_unit_test(test_sandbox_netlink_dumps_on_its_fd),
        cmocka_unit_test(test_sandbox_netlink_refuses_other_fds),
        cmocka_unit_test(test_sandbox_netlink_kills_on_socket),
        cmocka_unit_test(test_sandbox_plain_filter_refuses_netlink),
    };
    return lsn_test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
