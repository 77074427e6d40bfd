/* sandbox.h - the CLI's self-imposed seccomp filter (Linux).
 *
 * After start-up the listeners CLI only reads procfs and writes its output.
 * lsn_sandbox_enter() installs a seccomp BPF filter (with no_new_privs) that
 * allows exactly that: read-only openat, read, readlinkat, getdents64, stat
 * calls, close, memory management without PROT_EXEC, write/writev to fds 1
 * and 2 only, and exit. Every other system call (socket, connect, execve,
 * fork, ptrace, an openat for writing, a write to any other fd, ...) fails
 * with EPERM. It is a process-wide side effect, so it lives in the CLI, never
 * in the library.
 *
 * Returns 0 when the filter is in place; -1 with errno set otherwise
 * (ENOSYS: not Linux or an architecture without a filter here; EOPNOTSUPP:
 * a sanitizer build, whose runtime needs system calls of its own).
 */
#ifndef LISTENERS_SANDBOX_H
#define LISTENERS_SANDBOX_H

int lsn_sandbox_enter(void);

#endif
