/* internal.h - private to collector/: what the stages of lsn_collect share.
 *
 * lsn_collect (collect.c) runs the contract's Method as stages, each a
 * function that takes the row store and a run context explicitly and
 * returns an enum lsn_status (LSN_OK, LSN_ERR_TABLE, LSN_ERR_NOMEM):
 *   1. tables.c   the listening sockets of net/tcp and net/tcp6
 *      netlink.c  or, with LSN_OPT_NETLINK, of sock_diag dumps
 *      netns.c    --all-netns: the other namespaces' tables
 *   2. walk.c     one walk of <pid>/fd/ in pid order, until every row has
 *                 an owner; then, only for rows still without one, the
 *                 task walk of <pid>/task/<tid>/fd/ (threads' own tables)
 *   3. owner.c    the owner rule, and the owner's comm and exe
 *   4. rows.c     the contract's order
 * procfs.c is the one layer that reads the proc tree; rows.c holds the rows. */
#ifndef LISTENERS_INTERNAL_H
#define LISTENERS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "listeners.h"
#include "procfs.h"
#include "rows.h"

/* The pids counted in pids_denied so far, ascending: each pid once, over
 * the walk and the task walk (lsn_emit adds them). */
struct lsn_pid_set {
    int32_t *v;
    size_t n, cap;
};

/* What every stage is given: the caller's options, the open proc root,
 * and where the counts go. Stages change nothing here but *stats and
 * *denied. */
struct lsn_run {
    const struct lsn_options *opts;
    const char *root;                 /* as given, for paths in messages */
    const struct lsn_proc_root *proc; /* the open root (procfs.h) */
    struct lsn_stats *stats;
    struct lsn_pid_set *denied; /* see lsn_emit */
    unsigned protocols;         /* bits 1 << LSN_PROTO_*, never 0 */
    int verify_exe;             /* LSN_OPT_VERIFY_EXE on a procfs root: owners' exe are checked */
    uint64_t self_mntns;        /* then the reader's mount namespace inode (0: unknown) */
    struct lsn_result *result;  /* LSN_OPT_CHECK: where the findings go */
};

/* Which tables rows and diagnostics come from (--all-netns). */
struct lsn_origin {
    uint64_t netns; /* the namespace's inode; 0: unknown, or no --all-netns */
    int host;       /* 1: the host's tables */
    int32_t member; /* the pid whose tables these are; -1: the root's own */
};

uint64_t lsn_now_ns(void);

/* Gives one diagnostic to the caller's callback, if any. A
 * LSN_DIAG_PROCESS diagnostic whose error is EACCES or EPERM counts its pid
 * in pids_denied, once per run, callback or not: no refusal goes uncounted,
 * wherever it is met (the walk, the task walk, comm, exe, --verify-exe). */
void lsn_emit(const struct lsn_run *run, enum lsn_diag_kind kind, const char *path, uint64_t line,
              int error, int32_t pid, uint64_t netns, const char *message);

/* The tables a protocol's rows come from. */
struct lsn_table_kind {
    const char *name; /* "net/tcp", ... relative to a pid directory or the root */
    enum lsn_protocol protocol;
    enum lsn_family family;
};
#define LSN_TABLE_KINDS 7
/* tcp, tcp6, udp, udp6, raw, raw6, packet: the order they are read in. */
extern const struct lsn_table_kind lsn_table_kinds[LSN_TABLE_KINDS];

/* The stats of lsn_table_kinds[k]; how much the host's table of a kind must
 * be there. See collect.c. */
struct lsn_table_stats *lsn_table_stats_of(struct lsn_stats *stats, size_t k);

/* 1. Reads <dirfd>/<name> (shown as root "/" rel) into rows; see tables.c. */
enum lsn_table_need {
    LSN_TABLE_OPTIONAL = 0, /* net/tcp6: absent is fine, other errors are a diagnostic */
    LSN_TABLE_REQUIRED,     /* the host's net/tcp: errors are fatal */
    LSN_TABLE_NAMESPACE     /* another namespace's net/tcp: errors skip the namespace */
};
enum lsn_table_need lsn_table_need_of(const struct lsn_table_kind *kind);
/* LSN_OK; LSN_ERR_TABLE (required: *result's error set by the caller from
 * *why and *err; namespace: a LSN_DIAG_NAMESPACE diagnostic was given);
 * LSN_ERR_NOMEM. */
enum lsn_status lsn_read_table(const struct lsn_run *run, struct lsn_rows *rows,
                               const struct lsn_origin *origin, int dirfd, const char *name,
                               const char *rel, const struct lsn_table_kind *kind,
                               enum lsn_table_need need, struct lsn_table_stats *ts,
                               enum lsn_reason *why, int *err);

/* A pass after the first (a re-read table, a re-made dump) into the
 * table's stats: its passes (at least 1), reads, lines, bytes, malformed
 * lines, and the rows it added; never its listening or duplicate lines
 * (nearly every line of a later pass is a row already). */
void lsn_table_stats_add_pass(struct lsn_table_stats *ts, const struct lsn_table_stats *pass,
                              size_t added);

/* 1 from the netlink view (LSN_OPT_NETLINK): the sockets of kind, from a
 * live dump on a procfs root or the stored <root>/netlink/<kind> on a tree;
 * see netlink.c. LSN_OK; LSN_ERR_TABLE with *why and *err (why
 * LSN_REASON_NETLINK and err ENOENT: no handler in the kernel, or no stored
 * dump: the caller reads the procfs table instead); LSN_ERR_NOMEM. */
enum lsn_status lsn_read_netlink(const struct lsn_run *run, struct lsn_rows *rows,
                                 const struct lsn_origin *origin, const struct lsn_table_kind *kind,
                                 struct lsn_table_stats *ts, enum lsn_reason *why, int *err);

/* The host's sockets of one table kind: with netlink from the netlink
 * view, falling back to the procfs table (with a diagnostic) where it has
 * no dump; else from the table. As lsn_read_table; see collect.c. */
enum lsn_status lsn_read_kind(const struct lsn_run *run, struct lsn_rows *rows,
                              const struct lsn_origin *origin, const struct lsn_table_kind *kind,
                              struct lsn_table_stats *ts, int netlink, enum lsn_reason *why,
                              int *err);

/* LSN_OPT_CHECK: one table kind from both views, compared (check.c): the
 * rows get both views' sockets, run->check the findings. As lsn_read_kind. */
enum lsn_status lsn_check_kind(const struct lsn_run *run, struct lsn_rows *rows,
                               const struct lsn_origin *origin, const struct lsn_table_kind *kind,
                               struct lsn_table_stats *ts, enum lsn_reason *why, int *err);

/* A packet socket with a BPF filter, from a netlink dump read under
 * LSN_OPT_CHECK (netlink.c calls it). -1 out of memory. */
int lsn_check_filter(const struct lsn_run *run, uint64_t inode, uint16_t ethertype, uint32_t insns);

/* --all-netns: the host's namespace inode from self/ns/net (0: unknown, with
 * a diagnostic), then every other namespace's tables; see netns.c. */
uint64_t lsn_host_netns(const struct lsn_run *run);
enum lsn_status lsn_read_namespaces(const struct lsn_run *run, struct lsn_rows *rows,
                                    uint64_t host_netns);

/* 2 and 3. Attributes the rows: the walk of <pid>/fd, then, for rows still
 * without an owner, the task walk of <pid>/task/<tid>/fd; see walk.c and
 * owner.c. */
enum lsn_status lsn_walk(const struct lsn_run *run, struct lsn_rows *rows);

/* The owner rule: may pid take a row now owned by cur (-1: none)? */
int lsn_owner_better(int32_t cur, int32_t pid);

/* Reads pid's comm and exe through pidfd and makes it the owner of the rows
 * rows->v[cand[0..ncand-1]] it may take (lsn_owner_better), and with
 * LSN_OPT_HOLDERS a holder of held[0..nheld-1] (the socket fds it has);
 * exe_buf holds LSN_EXE_MAX + 1 bytes. taskfd: -1, or the task/<tid>
 * directory of the thread whose own fd table held them (the task walk),
 * whose exe stands in when the leader's is gone (owner.c). */
enum lsn_status lsn_owner_claim(const struct lsn_run *run, struct lsn_rows *rows, int pidfd,
                                int taskfd, int32_t pid, const uint32_t *cand, size_t ncand,
                                const struct lsn_held *held, size_t nheld, char *exe_buf);

/* The interface names for packet rows (procfs.h lsn_proc_each_interface):
 * an unreadable directory is a diagnostic and no names. 0, or -1 out of
 * memory (the names so far are kept). See collect.c. */
int lsn_read_ifnames(const struct lsn_run *run, struct lsn_ifname **names, size_t *n);

#endif
