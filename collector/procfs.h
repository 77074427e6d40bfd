/* procfs.h - the one procfs layer (private to collector/ and cli/).
 *
 * Every read of a proc tree that the collector, `listeners snapshot` and
 * `listeners diff` make goes through these functions, so the snapshot
 * copies what the collector reads by construction: the same pid names, the
 * same fd names, the same socket links, the same bounded comm, the same exe
 * and ns/net links, the same table checks. As util-linux's lib/procfs.c.
 *
 * Confinement. Nothing in the root is followed out of it: every path is
 * opened one component at a time with O_NOFOLLOW (a symbolic link anywhere
 * on the way, absolute or relative, is ELOOP), "." and ".." are refused, and
 * in a tree that is not procfs (a fixture, a snapshot, a copy) every
 * directory and file opened must be on the root's filesystem (st_dev; EXDEV
 * otherwise), so a bind mount or a mounted filesystem inside the tree is
 * not read either. Links that are data (fd/N, exe, ns/net) are read with
 * readlinkat and never followed. On procfs, whose "net" and "self" are
 * links, the host's tables and namespace are opened through the reader's
 * own pid directory, named by reading "self" (lsn_proc_host). This is the
 * component-by-component form of openat2's RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS, chosen because openat2's flags live in memory where
 * the seccomp filter cannot check them, while openat's can be.
 *
 * Every fd opened here is O_CLOEXEC; files are opened O_NONBLOCK|O_NOCTTY
 * (a FIFO or a tty in a --proc tree must not hang or become the terminal).
 * Functions that can fail return 0 or an errno value, unless said. */
#ifndef LISTENERS_PROCFS_H
#define LISTENERS_PROCFS_H

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "listeners.h" /* LSN_COMM_MAX, LSN_EXE_MAX, enum lsn_reason */

/* The longest link target read from fd/ and ns/ ("socket:[18446744073709551615]"
 * is 29 bytes, "net:[...]" 26): a longer target is not a socket or namespace. */
#define LSN_PROC_LINK_MAX 64

/* An open proc root. */
struct lsn_proc_root {
    int fd;        /* the root directory */
    int procfs;    /* 1: a procfs mount (Linux); 0: a tree */
    dev_t dev;     /* the root's st_dev: a tree's files must all be on it */
    char self[16]; /* procfs: the reader's tgid there; "1" (that procfs's init) when
                      the reader has no pid in its pid namespace */
    int self_err;  /* why self could not be read (0: it could) */
    int own_pids;  /* 1: procfs whose self is the reader's getpid(): its pids are the
                      reader's own pid namespace's, which system calls take */
};

/* Opens the root directory path (following links in path itself: it is the
 * caller's choice). 0 or an errno value. */
int lsn_proc_root_open(struct lsn_proc_root *root, const char *path);
void lsn_proc_root_close(struct lsn_proc_root *root);

/* Opens rel (no empty, "." or ".." component) beneath dirfd, which lies in
 * root, without following any link; flags apply to the last component.
 * Returns the fd, or -1 with errno (ELOOP for a link, EXDEV for another
 * filesystem in a tree, EINVAL for a bad path). */
int lsn_proc_open_beneath(const struct lsn_proc_root *root, int dirfd, const char *rel, int flags);

/* The path, relative to the root, of the host's own entry rel ("net/tcp",
 * "net/tcp6", "ns/net"): in a tree "net/tcp" and "self/ns/net", on procfs
 * "<tgid>/net/tcp" and "<tgid>/ns/net" (the reader's tgid there; pid 1's in
 * a procfs of another pid namespace, such as a container's). NULL with errno
 * when it cannot be named. */
const char *lsn_proc_host(const struct lsn_proc_root *root, const char *rel, char *buf, size_t cap);

/* A pid directory name: decimal digits, no leading zero, 1..INT32_MAX; -1
 * for anything else ("0", "01", "self", "4294967296"). */
int32_t lsn_proc_pid(const char *name);

/* 1 when fd is on a procfs mount (fstatfs magic, Linux), else 0. */
int lsn_proc_is_procfs(int fd);

/* <root>/<pid> as a directory fd, or -1 with errno. */
int lsn_proc_open_pid(const struct lsn_proc_root *root, int32_t pid);

/* The pid directories of a root, in readdir order. */
struct lsn_proc_pids {
    DIR *dir;
};
int lsn_proc_pids_open(const struct lsn_proc_root *root, struct lsn_proc_pids *it);
/* The next pid (1 included), or 0 at the end. */
int32_t lsn_proc_pids_next(struct lsn_proc_pids *it);
void lsn_proc_pids_rewind(struct lsn_proc_pids *it);
void lsn_proc_pids_close(struct lsn_proc_pids *it);

/* The tasks (threads) of a process: the tid directories of <pidfd>/task, in
 * readdir order, through the same iterator (lsn_proc_pids_next gives tids).
 * 0 or the errno of opening task/. */
int lsn_proc_tasks_open(const struct lsn_proc_root *root, int pidfd, struct lsn_proc_pids *it);

/* task/<tid> of an iterator of lsn_proc_tasks_open as a directory fd, or -1
 * with errno. */
int lsn_proc_open_task(const struct lsn_proc_root *root, const struct lsn_proc_pids *tasks,
                       int32_t tid);

/* One socket fd of a process: the fd's name in fd/, its link text
 * (socket:[inode], NUL-terminated) and the inode. Return nonzero to stop. */
typedef int (*lsn_proc_socket_fn)(void *ctx, const char *fd_name, const char *link, uint64_t inode);

/* Calls fn for each socket link in <pidfd>/fd (names that start with '.'
 * are skipped; a link that is gone or longer than LSN_PROC_LINK_MAX - 1
 * bytes is not a socket). Adds the links read and the socket links to
 * *links_read and *sockets (may be NULL). 0, or the errno of opening fd/,
 * or EACCES/EPERM when a link cannot be read for lack of permission (fd/
 * listed with CAP_DAC_READ_SEARCH but no ptrace access: every link of the
 * pid is refused alike; the walk stops there, fn may have been called). */
int lsn_proc_each_socket(const struct lsn_proc_root *root, int pidfd, lsn_proc_socket_fn fn,
                         void *ctx, uint64_t *links_read, uint64_t *sockets);

/* The same, reading at most until *links_read reaches max_links (links_read
 * must not be NULL): the budget of the task walk. */
int lsn_proc_each_socket_max(const struct lsn_proc_root *root, int pidfd, lsn_proc_socket_fn fn,
                             void *ctx, uint64_t *links_read, uint64_t *sockets,
                             uint64_t max_links);

/* Do threads (or processes) pid and tid share one fd table? kcmp(2)
 * KCMP_FILES: 1 yes, 0 no, -1 cannot be told (not a root with own_pids,
 * no kcmp in the kernel, no ptrace access, a thread gone). Linux only. */
int lsn_proc_same_files(const struct lsn_proc_root *root, int32_t pid, int32_t tid);

/* <pidfd>/comm: at most LSN_COMM_MAX bytes, one trailing '\n' dropped, NUL
 * added; *len the bytes kept. A comm that is not a regular file is EINVAL.
 * On error *why says which step failed ("cannot open comm", ...). */
int lsn_proc_read_comm(const struct lsn_proc_root *root, int pidfd, char out[LSN_COMM_MAX + 1],
                       size_t *len, const char **why);

/* <pidfd>/exe into buf (cap bytes, no NUL added): readlinkat's result. */
ssize_t lsn_proc_read_exe(int pidfd, char *buf, size_t cap);

/* The network namespace of a "ns/net" link (<dirfd>/<rel>, its directories
 * opened beneath the root): its inode, or 0
 * with *err an errno value, or 0 when the target is not "net:[N]". The
 * target's text, NUL-terminated, goes to text when not NULL. */
uint64_t lsn_proc_netns(const struct lsn_proc_root *root, int dirfd, const char *rel, int *err,
                        char text[LSN_PROC_LINK_MAX]);

/* The same for a namespace link of another type ("mnt" for "ns/mnt",
 * "mnt:[N]"); lsn_proc_netns is lsn_proc_ns with "net". */
uint64_t lsn_proc_ns(const struct lsn_proc_root *root, int dirfd, const char *rel, const char *type,
                     int *err, char text[LSN_PROC_LINK_MAX]);

/* Opens the table <dirfd>/<name> (beneath the root) for reading: a regular
 * file, opened O_NONBLOCK. Returns the fd, or -1 with *reason (LSN_REASON_OPEN,
 * LSN_REASON_STAT, LSN_REASON_NOT_REGULAR) and *err (the errno; 0 for
 * LSN_REASON_NOT_REGULAR). */
int lsn_proc_open_table(const struct lsn_proc_root *root, int dirfd, const char *name,
                        enum lsn_reason *reason, int *err);

/* root "/" rel into buf (cap bytes), cut short if it does not fit; returns
 * buf. With pid > 0: root "/" pid ["/" rel]. */
const char *lsn_proc_path(char *buf, size_t cap, const char *root, int32_t pid, const char *rel);

/* A path buffer that lsn_proc_path fills for any root up to PATH_MAX. */
#define LSN_PROC_PATH_CAP (4096 + 64)

/* The interfaces of a root's network namespace, for packet rows: on a
 * procfs root the reader's sysfs /sys/class/net (sysfs shows the namespace
 * of whoever mounted it), in a tree <root>/sys/class/net (a snapshot's copy
 * of it), each <name>/ifindex read as "%d\n". fn gets the ifindex and the
 * name (at most 15 bytes); nonzero stops. 0, or the errno of opening the
 * directory. */
typedef int (*lsn_proc_interface_fn)(void *ctx, int32_t ifindex, const char *name);
int lsn_proc_each_interface(const struct lsn_proc_root *root, lsn_proc_interface_fn fn, void *ctx);

#endif
