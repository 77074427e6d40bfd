/* netns.c - LSN_OPT_ALL_NETNS: the other network namespaces' tables
 * (listeners.h, "Network namespaces"). */
#define _POSIX_C_SOURCE 200809L

#include "internal.h"
#include "procfs.h"

#include "decimal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

uint64_t lsn_host_netns(const struct lsn_run *run)
{
    char path[LSN_PROC_PATH_CAP], name[64];
    int err = 0;
    uint64_t inode = 0;
    const char *rel = lsn_proc_host(run->proc, "ns/net", name, sizeof name);
    if (rel)
        inode = lsn_proc_netns(run->proc, run->proc->fd, rel, &err, NULL);
    else
        err = errno;
    if (!inode)
        lsn_emit(run, LSN_DIAG_NAMESPACE,
                 lsn_proc_path(path, sizeof path, run->root, 0, "self/ns/net"), 0, err, -1, 0,
                 err ? "host namespace unknown: cannot read the link"
                     : "host namespace unknown: the link is not net:[inode]");
    return inode;
}

/* Adds namespace inode with member pid, keeping the lowest pid. 0 or -1. */
static int ns_put(struct lsn_inode_map *set, uint64_t inode, int32_t pid)
{
    int added;
    uint32_t *lowest = lsn_map_put(set, inode, &added);
    if (!lowest)
        return -1;
    if (added || pid < (int32_t)*lowest)
        *lowest = (uint32_t)pid;
    return 0;
}

/* One pass over the pid directories, any order: the set of namespaces
 * (inode -> lowest member pid). */
static enum lsn_status ns_scan(const struct lsn_run *run, uint64_t host_netns,
                               struct lsn_inode_map *set)
{
    char path[LSN_PROC_PATH_CAP];
    struct lsn_proc_pids it;
    int32_t pid;
    int err = lsn_proc_pids_open(run->proc, &it);

    if (err) {
        lsn_emit(run, LSN_DIAG_TABLE, run->root, 0, err, -1, host_netns,
                 "cannot read the proc directory");
        return LSN_OK;
    }
    while ((pid = lsn_proc_pids_next(&it)) > 0) {
        char rel[32];
        size_t n = lsn_decimal(rel, (uint32_t)pid);
        uint64_t inode;
        memcpy(rel + n, "/ns/net", sizeof "/ns/net");
        inode = lsn_proc_netns(run->proc, run->proc->fd, rel, &err, NULL);
        if (inode == 0) {
            run->stats->netns_no_link++;
            run->stats->netns_denied += (uint64_t)(err == EACCES || err == EPERM);
            lsn_emit(run, LSN_DIAG_NETNS_LINK, lsn_proc_path(path, sizeof path, run->root, 0, rel),
                     0, err, pid, host_netns,
                     err ? "cannot read the ns/net link" : "ns/net link is not net:[inode]");
            continue;
        }
        if (ns_put(set, inode, pid) != 0) {
            lsn_proc_pids_close(&it);
            return LSN_ERR_NOMEM;
        }
    }
    lsn_proc_pids_close(&it);
    return LSN_OK;
}

/* Is the process behind pidfd still in the namespace? Its ns/net read
 * through the held directory fd, so through the process the tables are
 * read from, not through its number. 1, or 0 after a diagnostic. */
static int still_member(const struct lsn_run *run, int pidfd, const struct lsn_origin *origin,
                        const char *when)
{
    char path[LSN_PROC_PATH_CAP];
    int err;
    uint64_t now = lsn_proc_netns(run->proc, pidfd, "ns/net", &err, NULL);
    if (now == origin->netns)
        return 1;
    run->stats->netns_skipped++;
    lsn_emit(run, LSN_DIAG_NAMESPACE,
             lsn_proc_path(path, sizeof path, run->root, origin->member, "ns/net"), 0, err,
             origin->member, origin->netns,
             now   ? when
             : err ? "cannot read the member's ns/net link"
                   : "the member's ns/net link is not net:[inode]");
    return 0;
}

/* Reads one other namespace's tables through its member's directory fd. A
 * namespace whose net/tcp fails is skipped: its rows are dropped. So is a
 * namespace whose member is no longer in it, before or after the read (its
 * pid was reused since the scan, or it called setns): the tables would be
 * another namespace's under this one's inode. Out of memory part way drops
 * the namespace's rows as well (they were not checked after the read) and
 * ends the namespaces: LSN_ERR_NOMEM. */
static enum lsn_status read_namespace(const struct lsn_run *run, struct lsn_rows *rows,
                                      const struct lsn_origin *origin)
{
    struct lsn_stats *st = run->stats;
    struct lsn_table_stats ts;
    char name[16], rel[48], path[LSN_PROC_PATH_CAP];
    size_t n0 = rows->n, k;
    enum lsn_reason why;
    enum lsn_status rc;
    int pidfd, err;

    k = lsn_decimal(name, (uint32_t)origin->member);
    memcpy(rel, name, k);
    pidfd = lsn_proc_open_pid(run->proc, origin->member);
    if (pidfd < 0) {
        st->netns_skipped++;
        lsn_emit(run, LSN_DIAG_NAMESPACE, lsn_proc_path(path, sizeof path, run->root, 0, name), 0,
                 errno, origin->member, origin->netns,
                 "cannot open the member's process directory");
        return LSN_OK;
    }
    if (!still_member(run, pidfd, origin,
                      "the member is in another namespace than the scan saw (pid reused, or "
                      "setns): tables not read")) {
        close(pidfd);
        return LSN_OK;
    }
    /* Each table of a protocol asked for: the required ones (net/tcp, ...)
     * skip the namespace when they fail, the optional ones give a
     * diagnostic. */
    rc = LSN_OK;
    for (size_t t = 0; t < LSN_TABLE_KINDS && rc == LSN_OK; t++) {
        const struct lsn_table_kind *kind = &lsn_table_kinds[t];
        enum lsn_table_need need = lsn_table_need_of(kind);
        if (!(run->protocols & (1u << kind->protocol)))
            continue;
        rel[k] = '/';
        memcpy(rel + k + 1, kind->name, strlen(kind->name) + 1);
        memset(&ts, 0, sizeof ts);
        rc = lsn_read_table(run, rows, origin, pidfd, kind->name, rel, kind,
                            need == LSN_TABLE_REQUIRED ? LSN_TABLE_NAMESPACE : need, &ts, &why,
                            &err);
        st->netns_truncated += (uint64_t)ts.truncated;
    }
    if (rc == LSN_OK &&
        !still_member(run, pidfd, origin,
                      "the member left the namespace while its tables were read: rows dropped"))
        rc = LSN_ERR_TABLE; /* counted and reported */
    else if (rc == LSN_ERR_TABLE)
        st->netns_skipped++;
    close(pidfd);
    if (rc == LSN_ERR_NOMEM) {
        /* the rows read so far were never checked against the member
         * after the read: drop them too (rollback allocates nothing) */
        lsn_rows_rollback(rows, n0);
        return rc;
    }
    if (rc == LSN_ERR_TABLE) {
        lsn_rows_rollback(rows, n0);
        return LSN_OK;
    }
    st->netns_read++;
    st->netns_listening += rows->n - n0;
    return LSN_OK;
}

static int ns_cmp(const void *pa, const void *pb)
{
    const uint64_t *a = pa, *b = pb;
    return a[0] < b[0] ? -1 : a[0] > b[0];
}

enum lsn_status lsn_read_namespaces(const struct lsn_run *run, struct lsn_rows *rows,
                                    uint64_t host_netns)
{
    struct lsn_stats *st = run->stats;
    struct lsn_inode_map set = {NULL, NULL, 0, 0};
    uint64_t t0 = lsn_now_ns(), *list = NULL;
    enum lsn_status rc;
    size_t i, k = 0;

    rc = ns_scan(run, host_netns, &set);
    st->netns_found = set.n;
    if (rc != LSN_OK || set.n == 0)
        goto out;
    /* compact the set into (inode, pid) pairs, the host's left out */
    list = malloc(set.n * 2 * sizeof *list);
    if (!list) {
        rc = LSN_ERR_NOMEM;
        goto out;
    }
    for (i = 0; i < set.cap; i++) {
        if (!set.keys[i] || set.keys[i] == host_netns)
            continue;
        list[2 * k] = set.keys[i];
        list[2 * k + 1] = set.vals[i];
        k++;
    }
    lsn_map_free(&set);
    if (k > 1)
        qsort(list, k, 2 * sizeof *list, ns_cmp);
    for (i = 0; i < k && rc == LSN_OK; i++) {
        struct lsn_origin origin = {list[2 * i], 0, (int32_t)list[2 * i + 1]};
        rc = read_namespace(run, rows, &origin);
    }
out:
    free(list);
    lsn_map_free(&set);
    st->netns_nanoseconds = lsn_now_ns() - t0;
    return rc;
}
