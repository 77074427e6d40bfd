/* procfs.h - the one procfs layer (private to collector/ and cli/).
 *
 * Every read of a proc tree that the collector, `listeners snapshot` and
 * `listeners diff` make goes through these functions, so the snapshot
 * copies what the collector reads by construction: the same pid names, the
 * same fd names, the same socket links, the same bounded comm, the same exe
 * and ns/net links, the same table checks. As util-linux's lib/procfs.c.
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

/* A pid directory name: decimal digits, no leading zero, 1..INT32_MAX; -1
 * for anything else ("0", "01", "self", "4294967296"). */
int32_t lsn_proc_pid(const char *name);

/* 1 when fd is on a procfs mount (fstatfs magic, Linux), else 0. */
int lsn_proc_is_procfs(int fd);

/* <dirfd>/<name> as a directory fd, or -1 with errno. */
int lsn_proc_open_dir(int dirfd, const char *name);

/* <rootfd>/<pid> as a directory fd, or -1 with errno. */
int lsn_proc_open_pid(int rootfd, int32_t pid);

/* The pid directories of a root, in readdir order. */
struct lsn_proc_pids {
    DIR *dir;
};
int lsn_proc_pids_open(int rootfd, struct lsn_proc_pids *it);
/* The next pid (1 included), or 0 at the end. */
int32_t lsn_proc_pids_next(struct lsn_proc_pids *it);
void lsn_proc_pids_rewind(struct lsn_proc_pids *it);
void lsn_proc_pids_close(struct lsn_proc_pids *it);

/* One socket fd of a process: the fd's name in fd/, its link text
 * (socket:[inode], NUL-terminated) and the inode. Return nonzero to stop. */
typedef int (*lsn_proc_socket_fn)(void *ctx, const char *fd_name, const char *link, uint64_t inode);

/* Calls fn for each socket link in <pidfd>/fd (names that start with '.'
 * are skipped; a link that cannot be read or is longer than
 * LSN_PROC_LINK_MAX - 1 bytes is not a socket). Adds the links read and the
 * socket links to *links_read and *sockets (may be NULL). 0, or the errno of
 * opening fd/. */
int lsn_proc_each_socket(int pidfd, lsn_proc_socket_fn fn, void *ctx, uint64_t *links_read,
                         uint64_t *sockets);

/* <pidfd>/comm: at most LSN_COMM_MAX bytes, one trailing '\n' dropped, NUL
 * added; *len the bytes kept. A comm that is not a regular file is EINVAL.
 * On error *why says which step failed ("cannot open comm", ...). */
int lsn_proc_read_comm(int pidfd, char out[LSN_COMM_MAX + 1], size_t *len, const char **why);

/* <pidfd>/exe into buf (cap bytes, no NUL added): readlinkat's result. */
ssize_t lsn_proc_read_exe(int pidfd, char *buf, size_t cap);

/* The network namespace of a "ns/net" link (<dirfd>/<rel>): its inode, or 0
 * with *err an errno value, or 0 when the target is not "net:[N]". The
 * target's text, NUL-terminated, goes to text when not NULL. */
uint64_t lsn_proc_netns(int dirfd, const char *rel, int *err, char text[LSN_PROC_LINK_MAX]);

/* Opens the table <dirfd>/<name> for reading: a regular file, opened
 * O_NONBLOCK. Returns the fd, or -1 with *reason (LSN_REASON_OPEN,
 * LSN_REASON_STAT, LSN_REASON_NOT_REGULAR) and *err (the errno; 0 for
 * LSN_REASON_NOT_REGULAR). */
int lsn_proc_open_table(int dirfd, const char *name, enum lsn_reason *reason, int *err);

/* root "/" rel into buf (cap bytes), cut short if it does not fit; returns
 * buf. With pid > 0: root "/" pid ["/" rel]. */
const char *lsn_proc_path(char *buf, size_t cap, const char *root, int32_t pid, const char *rel);

/* A path buffer that lsn_proc_path fills for any root up to PATH_MAX. */
#define LSN_PROC_PATH_CAP (4096 + 64)

#endif
