/* collect.c - lsn_collect: the contract's Method as stages (internal.h),
 * and the result. See listeners.h. */
#define _POSIX_C_SOURCE 200809L

#include "internal.h"
#include "procfs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t lsn_now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Counts pid in pids_denied unless it is in run->denied already. Out of
 * memory for the set, it is counted anyway: at worst a pid twice, never a
 * refusal left out. */
static void count_denied(const struct lsn_run *run, int32_t pid)
{
    struct lsn_pid_set *set = run->denied;
    size_t lo = 0, hi = set->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (set->v[mid] == pid)
            return;
        if (set->v[mid] < pid)
            lo = mid + 1;
        else
            hi = mid;
    }
    run->stats->pids_denied++;
    if (set->n == set->cap) {
        size_t ncap = set->cap ? set->cap * 2 : 64;
        int32_t *nv = realloc(set->v, ncap * sizeof *nv);
        if (!nv)
            return;
        set->v = nv;
        set->cap = ncap;
    }
    memmove(set->v + lo + 1, set->v + lo, (set->n - lo) * sizeof *set->v);
    set->v[lo] = pid;
    set->n++;
}

void lsn_emit(const struct lsn_run *run, enum lsn_diag_kind kind, const char *path, uint64_t line,
              int error, int32_t pid, uint64_t netns, const char *message)
{
    struct lsn_diag d;
    if (kind == LSN_DIAG_PROCESS && (error == EACCES || error == EPERM) && pid > 0)
        count_denied(run, pid);
    if (!run->opts->diag)
        return;
    d.kind = kind;
    d.path = path;
    d.line = line;
    d.error = error;
    d.pid = pid;
    d.message = message;
    d.netns = netns;
    run->opts->diag(run->opts->diag_ctx, &d);
}

/* Sets the result's error: status, reason, errno and a copy of the path. */
static enum lsn_status fail(struct lsn_result *r, enum lsn_status status, enum lsn_reason reason,
                            int error, const char *path)
{
    r->status = status;
    r->reason = reason;
    r->error = error;
    r->error_message = lsn_reason_text(reason);
    free(r->error_path);
    r->error_path = NULL;
    if (path) {
        size_t len = strlen(path);
        r->error_path = malloc(len + 1);
        if (r->error_path)
            memcpy(r->error_path, path, len + 1);
    }
    return status;
}

/* The stats of table kind k (lsn_table_kinds order). */
struct lsn_table_stats *lsn_table_stats_of(struct lsn_stats *st, size_t k)
{
    switch (k) {
    case 0: return &st->tcp;
    case 1: return &st->tcp6;
    case 2: return &st->udp;
    case 3: return &st->udp6;
    case 4: return &st->raw;
    case 5: return &st->raw6;
    default: return &st->packet;
    }
}

/* How much a table of the host must be there: the IPv4 table of a protocol
 * asked for (tcp, udp, raw) is required, as net/tcp always was; the IPv6
 * ones (IPv6 off) and net/packet (CONFIG_PACKET off) may be absent. */
enum lsn_table_need lsn_table_need_of(const struct lsn_table_kind *kind)
{
    return kind->family == LSN_FAMILY_IPV4 && kind->protocol != LSN_PROTO_PACKET
               ? LSN_TABLE_REQUIRED
               : LSN_TABLE_OPTIONAL;
}

enum lsn_status lsn_read_kind(const struct lsn_run *run, struct lsn_rows *rows,
                              const struct lsn_origin *origin, const struct lsn_table_kind *kind,
                              struct lsn_table_stats *ts, int netlink, enum lsn_reason *why,
                              int *err)
{
    char name[64];
    const char *open_as;
    if (netlink) {
        enum lsn_status st = lsn_read_netlink(run, rows, origin, kind, ts, why, err);
        if (st != LSN_ERR_TABLE || *why != LSN_REASON_NETLINK || *err != ENOENT) {
            if (st == LSN_ERR_TABLE && lsn_table_need_of(kind) == LSN_TABLE_OPTIONAL) {
                char path[LSN_PROC_PATH_CAP];
                snprintf(path, sizeof path, "netlink sock_diag dump of %s", kind->name);
                lsn_emit(run, LSN_DIAG_TABLE, path, 0, *err, -1, 0, lsn_reason_text(*why));
                st = LSN_OK;
            }
            return st;
        }
        /* A tree's dump that was read (reads) is there and says ENOENT. */
        lsn_emit(run, LSN_DIAG_TABLE, kind->name, 0, 0, -1, 0,
                 run->proc->procfs ? "the kernel has no sock_diag handler for this table (a "
                                     "module not loaded?): read from procfs instead"
                 : (run->opts->flags & LSN_OPT_NO_STORED_DUMPS)
                     ? "the tree's stored netlink dumps are in another byte order than this "
                       "host's (its MANIFEST): not read, the table is read from its procfs copy "
                       "instead"
                 : ts->reads ? "the tree's stored netlink dump says its kernel had no "
                               "sock_diag handler for this table: read from its procfs copy "
                               "instead"
                             : "the tree has no stored netlink dump of this table: read "
                               "from its procfs copy instead");
        /* The stats are the procfs table's, without the stored dump's
         * ENOENT record, bytes and read() added to them. */
        memset(ts, 0, sizeof *ts);
    }
    /* On procfs "net" is a link to self/net: the reader's own pid
     * directory, named, not followed (procfs.h, "Confinement"). */
    *why = LSN_REASON_OPEN;
    open_as = lsn_proc_host(run->proc, kind->name, name, sizeof name);
    *err = errno;
    if (!open_as)
        return LSN_ERR_TABLE;
    return lsn_read_table(run, rows, origin, run->proc->fd, open_as, kind->name, kind,
                          lsn_table_need_of(kind), ts, why, err);
}

/* Step 1: the host's tables of the protocols asked for (net/tcp required
 * and net/tcp6 optional for the trait), then with LSN_OPT_ALL_NETNS every
 * other namespace's. */
static enum lsn_status read_tables(const struct lsn_run *run, struct lsn_rows *rows,
                                   struct lsn_result *result)
{
    struct lsn_origin origin = {0, 0, -1};
    int all = (run->opts->flags & LSN_OPT_ALL_NETNS) != 0;

    if (all && (run->opts->flags & (LSN_OPT_NETLINK | LSN_OPT_CHECK)))
        return fail(result, LSN_ERR_TABLE, LSN_REASON_NETLINK_NETNS, 0, "--all-netns");
    if (all) {
        result->all_netns = 1;
        result->host_netns = lsn_host_netns(run);
        origin.netns = result->host_netns;
        origin.host = 1;
    }
    for (size_t k = 0; k < LSN_TABLE_KINDS; k++) {
        const struct lsn_table_kind *kind = &lsn_table_kinds[k];
        struct lsn_table_stats *ts = lsn_table_stats_of(&result->stats, k);
        enum lsn_reason why;
        int err;
        enum lsn_status st;
        if (!(run->protocols & (1u << kind->protocol)))
            continue;
        if (run->opts->flags & LSN_OPT_CHECK)
            st = lsn_check_kind(run, rows, &origin, kind, ts, &why, &err);
        else
            st = lsn_read_kind(run, rows, &origin, kind, ts,
                               (run->opts->flags & LSN_OPT_NETLINK) != 0, &why, &err);
        if (st == LSN_ERR_NOMEM) { /* keep what was read: partial */
            result->partial |= LSN_PARTIAL_NOMEM;
            return LSN_OK;
        }
        if (st != LSN_OK) {
            char path[LSN_PROC_PATH_CAP];
            if (why == LSN_REASON_NETLINK || why == LSN_REASON_NETLINK_NETNS)
                snprintf(path, sizeof path, "netlink sock_diag dump of %s", kind->name);
            else
                lsn_proc_path(path, sizeof path, run->root, 0, kind->name);
            return fail(result, st, why, err, path);
        }
    }
    if (all && lsn_read_namespaces(run, rows, result->host_netns) != LSN_OK)
        result->partial |= LSN_PARTIAL_NOMEM;
    return LSN_OK;
}

enum lsn_status lsn_collect(const struct lsn_options *opts, struct lsn_result *result)
{
    static const struct lsn_options defaults = {.byte_order = LSN_ORDER_HOST, .netlink_fd = -1};
    struct lsn_rows rows;
    struct lsn_run run;
    struct lsn_proc_root proc;
    struct lsn_pid_set denied = {NULL, 0, 0};
    int err;
    uint64_t t0 = lsn_now_ns(), t1;

    memset(result, 0, sizeof *result);
    memset(&rows, 0, sizeof rows);
    result->error_message = "";
    result->stats.last_pid = -1;
    run.opts = opts ? opts : &defaults;
    run.root = run.opts->proc_root;
    run.proc = &proc;
    proc.fd = -1;
    run.stats = &result->stats;
    run.denied = &denied;
    run.verify_exe = 0;
    run.self_mntns = 0;
    run.result = result;
    run.protocols = run.opts->protocols & LSN_PROTOS_ALL;
    if (!run.protocols)
        run.protocols = LSN_PROTOS_TCP;
    result->protocols = run.protocols;
    if (run.opts->flags & LSN_OPT_CHECK)
        result->compared = run.protocols;
    result->flags = run.opts->flags;
#ifndef __linux__
    if (!run.root) {
        result->status = LSN_UNSUPPORTED;
        result->reason = LSN_REASON_UNSUPPORTED;
        result->error_message = lsn_reason_text(LSN_REASON_UNSUPPORTED);
        return result->status;
    }
#endif
    if (!run.root)
        run.root = "/proc";
    err = lsn_proc_root_open(&proc, run.root);
    if (err) {
        fail(result, LSN_ERR_TABLE, LSN_REASON_OPEN_ROOT, err, run.root);
        goto done;
    }
    result->procfs = proc.procfs;
    if (run.opts->flags & LSN_OPT_VERIFY_EXE) {
        /* Paths are only looked up against a live procfs: a tree's exe
         * texts are of another host or time (all unknown, nothing stat'ed). */
        result->verify_exe = 1;
        run.verify_exe = proc.procfs;
        if (run.verify_exe) {
            char name[64];
            const char *rel = lsn_proc_host(&proc, "ns/mnt", name, sizeof name);
            if (rel && proc.self_err == 0)
                run.self_mntns = lsn_proc_ns(&proc, proc.fd, rel, "mnt", &err, NULL);
        }
    }
    /* 1. tables */
    if (read_tables(&run, &rows, result) != LSN_OK)
        goto done;
    result->stats.listeners = rows.n;
    result->stats.matchable = rows.unowned;
    for (size_t k = 0; k < LSN_TABLE_KINDS; k++)
        if (lsn_table_stats_of(&result->stats, k)->truncated)
            result->partial |= LSN_PARTIAL_SIZE_CAP;
    if (result->stats.netns_truncated)
        result->partial |= LSN_PARTIAL_SIZE_CAP;
    /* 2 and 3. walk and owners: out of memory leaves later owners null */
    if (lsn_walk(&run, &rows) != LSN_OK)
        result->partial |= LSN_PARTIAL_NOMEM;
    /* 4. order */
    t1 = lsn_now_ns();
    lsn_rows_sort(&rows);
    result->stats.sort_nanoseconds = lsn_now_ns() - t1;
    result->listeners = rows.v;
    result->count = rows.n;
    rows.v = NULL;
    rows.n = 0;
    result->holders = rows.holders;
    result->nholders = rows.nholders;
    rows.holders = NULL;
    rows.nholders = 0;
    if ((run.protocols & (1u << LSN_PROTO_PACKET)) &&
        lsn_read_ifnames(&run, &result->ifnames, &result->nifnames) != 0)
        result->partial |= LSN_PARTIAL_NOMEM;
    result->status = result->partial ? LSN_PARTIAL : LSN_OK;
done:
    if (result->status != LSN_OK && result->status != LSN_PARTIAL)
        result->stats.attributed = 0;
    lsn_proc_root_close(&proc);
    lsn_rows_free(&rows);
    free(denied.v);
    result->stats.total_nanoseconds = lsn_now_ns() - t0;
    return result->status;
}

void lsn_result_free(struct lsn_result *result)
{
    if (!result)
        return;
    lsn_rows_release(result->listeners, result->count);
    lsn_holders_release(result->holders, result->nholders);
    free(result->ifnames);
    free(result->findings);
    free(result->error_path);
    memset(result, 0, sizeof *result);
}

const char *lsn_reason_text(enum lsn_reason reason)
{
    switch (reason) {
    case LSN_REASON_NONE: return "";
    case LSN_REASON_UNSUPPORTED: return "no procfs on this platform";
    case LSN_REASON_OPEN_ROOT: return "cannot open the proc directory";
    case LSN_REASON_OPEN: return "cannot open";
    case LSN_REASON_STAT: return "cannot stat";
    case LSN_REASON_NOT_REGULAR: return "not a regular file";
    case LSN_REASON_READ: return "read failed";
    case LSN_REASON_TOO_LARGE: return "table is larger than the size cap";
    case LSN_REASON_NOMEM: return "out of memory";
    case LSN_REASON_LINK: return "a symbolic link on the way, not followed";
    case LSN_REASON_OTHER_FS: return "on another filesystem than the proc root";
    case LSN_REASON_NETLINK: return "netlink sock_diag dump failed";
    case LSN_REASON_NETLINK_NETNS:
        return "netlink sees only the reader's network namespace (--all-netns reads the others' "
               "procfs tables)";
    }
    return "";
}

const char *lsn_protocol_name(enum lsn_protocol protocol)
{
    switch (protocol) {
    case LSN_PROTO_UDP: return "udp";
    case LSN_PROTO_RAW: return "raw";
    case LSN_PROTO_PACKET: return "packet";
    default: return "tcp";
    }
}

const struct lsn_holder *lsn_holders_of(const struct lsn_result *r, const struct lsn_listener *row,
                                        size_t *n)
{
    size_t lo = 0, hi = r->nholders, end;
    *n = 0;
    if (!r->holders || row->inode == 0)
        return NULL;
    while (lo < hi) { /* the first holder of the inode */
        size_t mid = lo + (hi - lo) / 2;
        if (r->holders[mid].inode < row->inode)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (end = lo; end < r->nholders && r->holders[end].inode == row->inode; end++)
        ;
    *n = end - lo;
    return end > lo ? &r->holders[lo] : NULL;
}

const char *lsn_family_name(enum lsn_family family)
{
    return family == LSN_FAMILY_IPV6 ? "ipv6" : "ipv4";
}

/* ---- interface names (packet rows) ---- */

struct ifname_list {
    struct lsn_ifname *v;
    size_t n, cap;
    int nomem;
};

static int add_ifname(void *ctx, int32_t ifindex, const char *name)
{
    struct ifname_list *l = ctx;
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        struct lsn_ifname *nv = realloc(l->v, ncap * sizeof *nv);
        if (!nv) {
            l->nomem = 1;
            return 1;
        }
        l->v = nv;
        l->cap = ncap;
    }
    l->v[l->n].ifindex = ifindex;
    memcpy(l->v[l->n].name, name, strlen(name) + 1); /* at most 15 bytes (procfs.c) */
    l->n++;
    return 0;
}

int lsn_read_ifnames(const struct lsn_run *run, struct lsn_ifname **names, size_t *n)
{
    struct ifname_list l = {NULL, 0, 0, 0};
    int err = lsn_proc_each_interface(run->proc, add_ifname, &l);
    if (err && err != ENOENT) {
        char path[LSN_PROC_PATH_CAP];
        lsn_emit(run, LSN_DIAG_TABLE,
                 run->proc->procfs
                     ? "/sys/class/net"
                     : lsn_proc_path(path, sizeof path, run->root, 0, "sys/class/net"),
                 0, err, -1, 0, "cannot read the interface names: packet rows have none");
    }
    *names = l.v;
    *n = l.n;
    return l.nomem ? -1 : 0;
}

const char *lsn_interface_name(const struct lsn_result *r, const struct lsn_listener *row)
{
    size_t i;
    if (row->protocol != LSN_PROTO_PACKET || row->ifindex <= 0 ||
        (r->all_netns && !row->netns_host))
        return NULL;
    for (i = 0; i < r->nifnames; i++)
        if (r->ifnames[i].ifindex == row->ifindex)
            return r->ifnames[i].name;
    return NULL;
}
