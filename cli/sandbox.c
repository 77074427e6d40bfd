/* sandbox.c - see sandbox.h. A hand-written BPF filter: no libseccomp. */
#define _GNU_SOURCE
#include "sandbox.h"

#include <errno.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define LSN_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define LSN_SANITIZED 1
#endif

#if defined(__linux__) && !defined(LSN_SANITIZED) && (defined(__x86_64__) || defined(__aarch64__))
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/kcmp.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <termios.h>

#if defined(__x86_64__)
#define LSN_AUDIT_ARCH AUDIT_ARCH_X86_64
#else
#define LSN_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#define NR_OFF offsetof(struct seccomp_data, nr)
#define ARCH_OFF offsetof(struct seccomp_data, arch)
#define ARG_LO(i) offsetof(struct seccomp_data, args[i]) /* little-endian low word */

#define LOAD(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define ALLOW RET(SECCOMP_RET_ALLOW)
#define DENY RET(SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
/* Jump offsets count instructions to skip; every block below starts with
 * the system call number in the accumulator (a block that loads an argument
 * always returns). IS(n): if nr == n run the next instruction (ALLOW), else
 * skip it. */
#define IS(n) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (n), 0, 1)

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* dirfd < 0: the collector's filter. dirfd >= 0: the snapshot's, which also
 * lets the process create under dirfd (see sandbox.h). nlfd >= 0: the
 * sock_diag socket opened before, the one fd send and receive calls may
 * name. outfd >= 0 (with dirfd < 0): write and writev may name it too. */
static int install(int dirfd, int nlfd, int outfd)
{
    const unsigned write_mask = O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND;
    const unsigned create_flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;
    const unsigned create_mask = O_ACCMODE | O_CREAT | O_EXCL | O_NOFOLLOW | O_TRUNC | O_APPEND;
    const unsigned fd = (unsigned)dirfd;
    const unsigned nl = (unsigned)nlfd;
    const unsigned outf = (unsigned)outfd;
    struct sock_filter head[] = {
        /* the right architecture, and on x86_64 no x32 system calls */
        LOAD(ARCH_OFF),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, LSN_AUDIT_ARCH, 1, 0),
        RET(SECCOMP_RET_KILL_PROCESS),
        LOAD(NR_OFF),
#if defined(__x86_64__)
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1),
        DENY,
#endif
        /* plain allows */
        IS(__NR_read),
        ALLOW,
        IS(__NR_pread64),
        ALLOW,
        IS(__NR_readlinkat),
        ALLOW,
        IS(__NR_getdents64),
        ALLOW,
        /* close, but not stdout or stderr: a closed 1 could be refilled */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_close, 0, 5),
        LOAD(ARG_LO(0)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 1, 0),
        ALLOW,
        DENY,
        /* fcntl: F_GETFD, F_SETFD, F_GETFL only (what fdopendir uses). Not
         * F_SETOWN/F_SETSIG/F_SETFL(O_ASYNC), which send signals to any
         * process, nor F_DUPFD*, which could put another fd at 1 or 2. dup,
         * dup2 and dup3 are not allowed at all. */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_fcntl, 0, 6),
        LOAD(ARG_LO(1)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, F_GETFD, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, F_SETFD, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, F_GETFL, 0, 1),
        ALLOW,
        DENY,
        /* kcmp: KCMP_FILES only (the task walk: does a thread share a fd
         * table read already?). Not KCMP_FILE, KCMP_EPOLL_TFD or the
         * others, which would let the process probe other processes' fds
         * and memory beyond the fd tables it reads anyway. */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_kcmp, 0, 4),
        LOAD(ARG_LO(2)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, KCMP_FILES, 0, 1),
        ALLOW,
        DENY,
        /* socket: never, not even EPERM: a socket() call from this
         * process is an attack (the sock_diag socket of --source netlink
         * and check is opened before the filter). The process dies. */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 1),
        RET(SECCOMP_RET_KILL_PROCESS),
        IS(__NR_fstat),
        ALLOW,
        IS(__NR_newfstatat),
        ALLOW,
        IS(__NR_statx),
        ALLOW,
        IS(__NR_fstatfs),
        ALLOW,
        IS(__NR_lseek),
        ALLOW,
        IS(__NR_brk),
        ALLOW,
        IS(__NR_munmap),
        ALLOW,
        IS(__NR_mremap),
        ALLOW,
        IS(__NR_madvise),
        ALLOW,
        IS(__NR_clock_gettime),
        ALLOW,
        /* listeners watch sleeps between ticks: glibc's nanosleep and
         * clock_nanosleep use clock_nanosleep(2); older libcs and musl
         * nanosleep(2). Neither reaches anything but the caller's clock. */
        IS(__NR_clock_nanosleep),
        ALLOW,
#if defined(__NR_nanosleep)
        IS(__NR_nanosleep),
        ALLOW,
#endif
        IS(__NR_gettid),
        ALLOW,
        IS(__NR_getpid),
        ALLOW,
        IS(__NR_getrandom),
        ALLOW,
        IS(__NR_futex),
        ALLOW,
        IS(__NR_rt_sigprocmask),
        ALLOW,
        IS(__NR_rt_sigreturn),
        ALLOW,
        IS(__NR_exit),
        ALLOW,
        IS(__NR_exit_group),
        ALLOW,
    };
    /* collector: openat read-only (no write access, create, truncate, append) */
    struct sock_filter open_ro[] = {
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 4),
        LOAD(ARG_LO(2)),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, write_mask, 0, 1),
        DENY,
        ALLOW,
    };
    /* snapshot: openat read-only anywhere, or exactly O_WRONLY|O_CREAT|O_EXCL|
     * O_NOFOLLOW (plus O_CLOEXEC etc.) relative to dirfd; mkdirat relative to
     * dirfd; symlinkat with newdirfd == dirfd; write, writev to any fd (only
     * fds opened for writing, here or before the filter, accept them) */
    struct sock_filter open_snap[] = {
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_openat, 0, 10),
        LOAD(ARG_LO(2)),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, write_mask, 1, 0),
        ALLOW,
        BPF_STMT(BPF_ALU | BPF_AND | BPF_K, create_mask),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, create_flags, 1, 0),
        DENY,
        LOAD(ARG_LO(0)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, fd, 0, 1),
        ALLOW,
        DENY,
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mkdirat, 0, 4),
        LOAD(ARG_LO(0)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, fd, 0, 1),
        ALLOW,
        DENY,
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_symlinkat, 0, 4),
        LOAD(ARG_LO(1)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, fd, 0, 1),
        ALLOW,
        DENY,
        IS(__NR_write),
        ALLOW,
        IS(__NR_writev),
        ALLOW,
    };
    /* netlink: sendto, sendmsg, recvfrom, recvmsg on the sock_diag fd
     * only (without one, the tail refuses them all) */
    struct sock_filter netlink[] = {
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendto, 3, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sendmsg, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_recvfrom, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_recvmsg, 0, 4),
        LOAD(ARG_LO(0)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nl, 0, 1),
        ALLOW,
        DENY,
    };
    /* the snapshot's archive without DIR: write, writev to outfd, 1 or 2 */
    struct sock_filter out_write[] = {
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_write, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_writev, 0, 6),
        LOAD(ARG_LO(0)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, outf, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
        ALLOW,
        DENY,
    };
    struct sock_filter tail[] = {
#if defined(__NR_open)
        /* open (musl's open() on x86_64): read-only, as openat */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_open, 0, 4),
        LOAD(ARG_LO(1)),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, write_mask, 0, 1),
        DENY,
        ALLOW,
#endif
        /* mmap, mprotect: never executable memory */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mmap, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_mprotect, 0, 4),
        LOAD(ARG_LO(2)),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, PROT_EXEC, 0, 1),
        DENY,
        ALLOW,
        /* write, writev: stdout and stderr only (the snapshot allowed them above) */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_write, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_writev, 0, 5),
        LOAD(ARG_LO(0)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
        ALLOW,
        DENY,
        /* ioctl: only the terminal queries stdio makes of stdout (glibc
         * TCGETS, musl TIOCGWINSZ) */
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0, 5),
        LOAD(ARG_LO(1)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TCGETS, 1, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCGWINSZ, 0, 1),
        ALLOW,
        DENY,
        /* everything else */
        DENY,
    };
    struct sock_filter filter[N(head) + N(open_snap) + N(out_write) + N(netlink) + N(tail)];
    size_t n = 0;

    memcpy(filter, head, sizeof head);
    n += N(head);
    if (nlfd >= 0) {
        memcpy(filter + n, netlink, sizeof netlink);
        n += N(netlink);
    }
    if (dirfd < 0) {
        memcpy(filter + n, open_ro, sizeof open_ro);
        n += N(open_ro);
        if (outfd >= 0) {
            memcpy(filter + n, out_write, sizeof out_write);
            n += N(out_write);
        }
    } else {
        memcpy(filter + n, open_snap, sizeof open_snap);
        n += N(open_snap);
    }
    memcpy(filter + n, tail, sizeof tail);
    n += N(tail);
    struct sock_fprog prog = {(unsigned short)n, filter};

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return -1;
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0)
        return -1;
    return 0;
}

int lsn_sandbox_enter(void)
{
    return install(-1, -1, -1);
}

int lsn_sandbox_enter_netlink(int netlink_fd)
{
    if (netlink_fd < 0) {
        errno = EBADF;
        return -1;
    }
    return install(-1, netlink_fd, -1);
}

int lsn_sandbox_enter_snapshot(int dirfd, int netlink_fd)
{
    if (dirfd < 0) {
        errno = EBADF;
        return -1;
    }
    return install(dirfd, netlink_fd, -1);
}

int lsn_sandbox_enter_archive(int archive_fd, int netlink_fd)
{
    if (archive_fd < 0) {
        errno = EBADF;
        return -1;
    }
    return install(-1, netlink_fd, archive_fd);
}

#else

int lsn_sandbox_enter(void)
{
#if defined(LSN_SANITIZED)
    errno = EOPNOTSUPP;
#else
    errno = ENOSYS;
#endif
    return -1;
}

int lsn_sandbox_enter_netlink(int netlink_fd)
{
    (void)netlink_fd;
    return lsn_sandbox_enter();
}

int lsn_sandbox_enter_snapshot(int dirfd, int netlink_fd)
{
    (void)dirfd;
    (void)netlink_fd;
    return lsn_sandbox_enter();
}

int lsn_sandbox_enter_archive(int archive_fd, int netlink_fd)
{
    (void)archive_fd;
    (void)netlink_fd;
    return lsn_sandbox_enter();
}

#endif
