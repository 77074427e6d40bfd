/* walk.c - Method step 2: one walk of <pid>/fd/ in ascending pid order, pid
 * 1 last, until every row with an inode has an owner (listeners.h, "Walk
 * order"). */
#define _POSIX_C_SOURCE 200809L

#include "internal.h"
#include "procfs.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

/* Pids held at once by a batched walk. */
#define PID_BATCH 1024

/* The walk's own state, apart from the rows. */
struct walk {
    const struct lsn_run *run;
    struct lsn_rows *rows;
    uint32_t *cand; /* rows the visited pid may own (capacity rows->n) */
    int32_t *mark;  /* per row: the last pid that listed it as a candidate */
    char *exe_buf;  /* LSN_EXE_MAX + 1 bytes */
    size_t ncand;
    int32_t pid; /* the pid being visited */
    enum lsn_status status;
};

static int on_socket(void *ctx, const char *fd_name, const char *link, uint64_t inode)
{
    struct walk *w = ctx;
    uint32_t row;
    (void)fd_name;
    (void)link;
    if (!lsn_rows_find(w->rows, inode, &row) || w->mark[row] == w->pid)
        return 0;
    w->mark[row] = w->pid;
    if (lsn_owner_better(w->rows->v[row].pid, w->pid))
        w->cand[w->ncand++] = row;
    return 0;
}

static void visit(struct walk *w, int32_t pid)
{
    const struct lsn_run *run = w->run;
    struct lsn_stats *st = run->stats;
    char path[LSN_PROC_PATH_CAP];
    int pidfd, err;

    st->pids_visited++;
    st->last_pid = pid;
    pidfd = lsn_proc_open_pid(run->proc, pid);
    if (pidfd < 0) { /* ELOOP: a link in a tree, named as such, not by libc's text */
        err = errno;
        st->pids_unreadable++;
        lsn_emit(run, LSN_DIAG_PROCESS, lsn_proc_path(path, sizeof path, run->root, pid, NULL), 0,
                 err == ELOOP ? 0 : err, pid, 0,
                 err == ELOOP ? "process directory is a symbolic link, not followed"
                              : "cannot open process directory");
        return;
    }
    w->ncand = 0;
    w->pid = pid;
    err =
        lsn_proc_each_socket(run->proc, pidfd, on_socket, w, &st->fd_links_read, &st->socket_links);
    if (err) {
        st->pids_unreadable++;
        lsn_emit(run, LSN_DIAG_PROCESS, lsn_proc_path(path, sizeof path, run->root, pid, "fd"), 0,
                 err == ELOOP ? 0 : err, pid, 0,
                 err == ELOOP ? "fd directory is a symbolic link, not followed"
                              : "cannot open fd directory");
    } else if (w->ncand) {
        w->status = lsn_owner_claim(run, w->rows, pidfd, pid, w->cand, w->ncand, w->exe_buf);
    }
    close(pidfd);
}

/* A live procfs root: readdir yields pids in ascending order, one pass. */
static void walk_streamed(struct walk *w, struct lsn_proc_pids *it, int *saw1)
{
    struct lsn_stats *st = w->run->stats;
    int32_t prev = 0, pid;
    int ordered = 1;

    st->proc_scans++;
    while (w->status == LSN_OK && (pid = lsn_proc_pids_next(it)) > 0) {
        if (pid == 1) {
            *saw1 = 1;
            continue;
        }
        if (pid <= prev)
            ordered = 0; /* not procfs order after all: no early stop */
        if (ordered && w->rows->unowned == 0) {
            st->stopped_early = 1;
            return;
        }
        if (pid > prev)
            prev = pid;
        visit(w, pid);
    }
}

static void sift_down(int32_t *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        int32_t t;
        if (l < n && h[l] > h[m])
            m = l;
        if (r < n && h[r] > h[m])
            m = r;
        if (m == i)
            return;
        t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void sift_up(int32_t *h, size_t i)
{
    while (i) {
        size_t p = (i - 1) / 2;
        int32_t t;
        if (h[p] >= h[i])
            return;
        t = h[p];
        h[p] = h[i];
        h[i] = t;
        i = p;
    }
}

/* Any other root: passes over the directory, each keeping the PID_BATCH
 * smallest pids above the last one visited, visited in order. */
static void walk_batched(struct walk *w, struct lsn_proc_pids *it, int *saw1)
{
    struct lsn_stats *st = w->run->stats;
    int32_t heap[PID_BATCH];
    int32_t last = 1, pid;

    for (;;) {
        size_t nb = 0, i;
        int more = 0;
        if (st->proc_scans)
            lsn_proc_pids_rewind(it);
        st->proc_scans++;
        while ((pid = lsn_proc_pids_next(it)) > 0) {
            if (pid == 1) {
                *saw1 = 1;
                continue;
            }
            if (pid <= last)
                continue;
            if (nb < PID_BATCH) {
                heap[nb] = pid;
                sift_up(heap, nb++);
            } else {
                more = 1;
                if (pid < heap[0]) {
                    heap[0] = pid;
                    sift_down(heap, nb, 0);
                }
            }
        }
        /* heap sort: ascending */
        for (i = nb; i > 1; i--) {
            int32_t t = heap[0];
            heap[0] = heap[i - 1];
            heap[i - 1] = t;
            sift_down(heap, i - 1, 0);
        }
        for (i = 0; i < nb; i++) {
            if (w->rows->unowned == 0 || w->status != LSN_OK) {
                st->stopped_early = w->rows->unowned == 0;
                return;
            }
            visit(w, heap[i]);
        }
        if (!more || nb == 0)
            return;
        last = heap[nb - 1];
        if (w->rows->unowned == 0) {
            st->stopped_early = 1;
            return;
        }
    }
}

enum lsn_status lsn_walk(const struct lsn_run *run, struct lsn_rows *rows)
{
    struct lsn_stats *st = run->stats;
    struct lsn_proc_pids it;
    struct walk w = {run, rows, NULL, NULL, NULL, 0, 0, LSN_OK};
    uint64_t t0 = lsn_now_ns();
    int saw1 = 0, err;

    if (rows->unowned == 0) {
        st->walk_nanoseconds = lsn_now_ns() - t0;
        return LSN_OK; /* nothing to attribute */
    }
    w.cand = malloc(rows->n * sizeof *w.cand);
    w.mark = calloc(rows->n, sizeof *w.mark);
    w.exe_buf = malloc(LSN_EXE_MAX + 1);
    if (!w.cand || !w.mark || !w.exe_buf) {
        w.status = LSN_ERR_NOMEM;
        goto out;
    }
    err = lsn_proc_pids_open(run->proc, &it);
    if (err) {
        lsn_emit(run, LSN_DIAG_TABLE, run->root, 0, err, -1, 0, "cannot read the proc directory");
        goto out;
    }
    st->streamed = run->proc->procfs;
    if (st->streamed)
        walk_streamed(&w, &it, &saw1);
    else
        walk_batched(&w, &it, &saw1);
    lsn_proc_pids_close(&it);
    if (!st->stopped_early && saw1 && w.status == LSN_OK) {
        if (rows->unowned > 0)
            visit(&w, 1);
        else
            st->stopped_early = 1; /* pid 1 not needed */
    }
out:
    st->walk_nanoseconds = lsn_now_ns() - t0;
    free(w.cand);
    free(w.mark);
    free(w.exe_buf);
    return w.status;
}
