/* sandbox.h - the CLI's self-imposed seccomp filter (Linux).
 *
 * After start-up the listeners CLI only reads procfs and writes its output.
 * lsn_sandbox_enter() installs a seccomp BPF filter (with no_new_privs) that
 * allows exactly that: read-only openat, read, readlinkat, getdents64, stat
 * calls, close, memory management without PROT_EXEC, write/writev to fds 1
 * and 2 only, and exit. socket() kills the process (SIGSYS). Every other
 * system call (connect, execve, fork, ptrace, an openat for writing, a write
 * to any other fd, ...) fails with EPERM. It is a process-wide side effect,
 * so it lives in the CLI, never in the library.
 *
 * Returns 0 when the filter is in place; -1 with errno set otherwise
 * (ENOSYS: not Linux or an architecture without a filter here; EOPNOTSUPP:
 * a sanitizer build, whose runtime needs system calls of its own).
 */
#ifndef LISTENERS_SANDBOX_H
#define LISTENERS_SANDBOX_H

int lsn_sandbox_enter(void);

/* The same filter, plus sendto, sendmsg, recvfrom and recvmsg on netlink_fd
 * only: the NETLINK_SOCK_DIAG socket of --source netlink and check, opened
 * (lsn_netlink_open) before the filter, since socket() is never allowed
 * after it. A subverted process can ask the kernel for socket dumps through
 * it (what /proc/net already shows) and nothing else: no other socket, no
 * send on an inherited fd. */
int lsn_sandbox_enter_netlink(int netlink_fd);

/* The filter of `listeners snapshot DIR`, with dirfd an O_DIRECTORY fd of DIR
 * opened before: the same filter, plus exactly these ways to write:
 *  - openat(dirfd, ..., O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW [|O_CLOEXEC...]):
 *    a new file, never an existing one, never through a final symlink, only
 *    with dirfd itself as the directory argument (not AT_FDCWD, not another
 *    fd); every other open is read-only as before;
 *  - mkdirat(dirfd, ...) and symlinkat(target, dirfd, ...);
 *  - write and writev to any fd (only fds opened for writing accept them: the
 *    creates above, and what was open before the filter, e.g. --archive FILE).
 * The limit: seccomp BPF sees the dirfd number, not the path string, so an
 * absolute path or one with ".." given with dirfd would still escape DIR.
 * The snapshot code only ever passes names it built from decimal pids and fd
 * numbers ("123/fd/4", "net/tcp"); the filter keeps a subverted process from
 * writing through any other fd or AT_FDCWD, from truncating or appending to
 * existing files and from following a planted symlink. (Landlock would close
 * the path gap; it is not used here.) Same return values as
 * lsn_sandbox_enter; where there is no filter, nothing is installed.
 * netlink_fd >= 0: also the sends and receives of lsn_sandbox_enter_netlink
 * (the snapshot stores the netlink dumps); -1: none. */
int lsn_sandbox_enter_snapshot(int dirfd, int netlink_fd);

/* The filter of `listeners snapshot --archive FILE` without DIR, with
 * archive_fd the archive opened before: the collector's filter (read-only
 * opens, nothing created), plus write and writev to archive_fd; netlink_fd
 * as in lsn_sandbox_enter_snapshot. The snapshot is kept in memory and
 * written to archive_fd as a tar. Same return values as lsn_sandbox_enter. */
int lsn_sandbox_enter_archive(int archive_fd, int netlink_fd);

/* `listeners --output FILE` (and `--format openmetrics --output FILE` for
 * node_exporter's textfile collector, which needs the file replaced
 * atomically) adds nothing to these filters. Before any of them, main.c
 * creates the temporary file ".NAME.tmp.PID" in FILE's directory
 * (O_CREAT|O_EXCL|O_NOFOLLOW, 0644 less the umask) and forks. The child
 * dup2()s it onto fd 1 and runs as without --output: the collector's
 * filter above, writes to fds 1 and 2 only, no rename, no unlink. The
 * parent reads nothing untrusted (no procfs, no table, no name): it waits
 * for the child, then fsync()s the file and renameat()s it over FILE when
 * the child exited 0 or 3, or unlinkat()s it otherwise (SIGINT, SIGTERM,
 * SIGHUP and SIGPIPE blocked meanwhile, so no temporary file stays behind).
 * Why not allow renameat in the filter: seccomp sees the directory fd, not
 * the path strings, so a subverted process could rename any file it can
 * reach by an absolute path; the fork keeps the filter as tight as without
 * --output, at the cost of one process. */

#endif
