/* walk.c - Method step 2: one walk of <pid>/fd/ in ascending pid order, pid
 * 1 last, until every row with an inode has an owner (listeners.h, "Walk
 * order"); then, only if rows are left without one, the task walk: the same
 * pass over <pid>/task/<tid>/fd/, the tables of threads that do not share
 * the leader's (listeners.h, "Threads"). */
#define _POSIX_C_SOURCE 200809L

#include "internal.h"
#include "procfs.h"

#include "decimal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Pids held at once by a batched walk. */
#define PID_BATCH 1024

/* The task walk: threads of one process whose fd tables were read, kept to
 * tell a thread that shares one of them (kcmp) without reading it again. */
#define READ_TABLES_KEPT 8

/* The task walk reads at most max(TASK_BUDGET_MIN, TASK_BUDGET_FACTOR x the
 * fd links the first walk read) fd links. */
#define TASK_BUDGET_MIN 65536u
#define TASK_BUDGET_FACTOR 4u

/* The walk's own state, apart from the rows. */
struct walk {
    const struct lsn_run *run;
    struct lsn_rows *rows;
    uint32_t *cand;      /* rows the visited pid may own (capacity rows->n) */
    int32_t *mark;       /* per row: the last pid that listed it as a candidate */
    char *exe_buf;       /* LSN_EXE_MAX + 1 bytes */
    unsigned char *open; /* task walk: per row, 1 if it had no owner when it began */
    int *stopped;        /* where the pass says it stopped early */
    size_t ncand;
    int32_t pid; /* the pid being visited */
    enum lsn_status status;
    int holders;           /* LSN_OPT_HOLDERS: every pid, every socket fd of a row */
    struct lsn_held *held; /* the visited pid's socket fds of rows */
    size_t nheld, held_cap;
    int halted; /* the task walk spent its budget: no more pids */
};

/* May the walk stop here? When every row has an owner, unless every holder
 * is wanted. */
static int may_stop(const struct walk *w)
{
    return !w->holders && w->rows->unowned == 0;
}

/* An fd directory entry's number: decimal, or -1 (a tree may name it
 * anything). */
static int32_t fd_number(const char *name)
{
    int32_t v = 0;
    size_t i;
    for (i = 0; name[i]; i++) {
        if (name[i] < '0' || name[i] > '9' || i >= 9)
            return -1;
        v = v * 10 + (name[i] - '0');
    }
    return i ? v : -1;
}

/* Records one held socket fd of the visited pid; 0, or -1 out of memory. */
static int hold(struct walk *w, uint64_t inode, const char *fd_name)
{
    if (w->nheld == w->held_cap) {
        size_t ncap = w->held_cap ? w->held_cap * 2 : 16;
        struct lsn_held *nv = realloc(w->held, ncap * sizeof *nv);
        if (!nv)
            return -1;
        w->held = nv;
        w->held_cap = ncap;
    }
    w->held[w->nheld].inode = inode;
    w->held[w->nheld].fd = fd_number(fd_name);
    w->nheld++;
    return 0;
}

static int on_socket(void *ctx, const char *fd_name, const char *link, uint64_t inode)
{
    struct walk *w = ctx;
    uint32_t row;
    (void)link;
    if (!lsn_rows_find(w->rows, inode, &row) || (w->open && !w->open[row]))
        return 0;
    if (w->holders && !w->open && hold(w, inode, fd_name) != 0) {
        w->status = LSN_ERR_NOMEM;
        return 1;
    }
    if (w->mark[row] == w->pid)
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
        st->pids_unreadable++; /* EACCES, EPERM: lsn_emit counts pids_denied */
        lsn_emit(run, LSN_DIAG_PROCESS, lsn_proc_path(path, sizeof path, run->root, pid, NULL), 0,
                 err == ELOOP ? 0 : err, pid, 0,
                 err == ELOOP ? "process directory is a symbolic link, not followed"
                              : "cannot open process directory");
        return;
    }
    w->ncand = 0;
    w->nheld = 0;
    w->pid = pid;
    err =
        lsn_proc_each_socket(run->proc, pidfd, on_socket, w, &st->fd_links_read, &st->socket_links);
    if (w->status != LSN_OK) { /* out of memory recording a holder */
        close(pidfd);
        return;
    }
    if (err) {
        st->pids_unreadable++; /* EACCES, EPERM: lsn_emit counts pids_denied */
        lsn_emit(run, LSN_DIAG_PROCESS, lsn_proc_path(path, sizeof path, run->root, pid, "fd"), 0,
                 err == ELOOP ? 0 : err, pid, 0,
                 err == ELOOP ? "fd directory is a symbolic link, not followed"
                              : "cannot open fd directory");
    } else if (w->ncand || w->nheld) {
        w->status = lsn_owner_claim(run, w->rows, pidfd, -1, pid, w->cand, w->ncand, w->held,
                                    w->nheld, w->exe_buf);
    }
    close(pidfd);
}

/* The task walk's visit: the fd tables of pid's threads other than the
 * leader (whose table is <pid>/fd, already read; a zombie leader has none).
 * The sockets found are the process's: pid, the thread-group id, becomes
 * the owner, its comm and exe read through <pid> (exe through the holding
 * thread when the leader's is gone, owner.c). Errors the first walk already
 * gave for <pid> are not given again; a process or thread that is gone is
 * the ordinary race, a tree without task/ (a snapshot) has no threads. */
/* 1 when thread tid's fd table is one already read for pid: the leader's
 * (<pid>/fd, read by the first walk) or that of a thread read before
 * (read[0..nread-1]). kcmp KCMP_FILES on a live procfs of the reader's own
 * pid namespace; anything it cannot tell is read. */
static int table_read_already(const struct lsn_run *run, int32_t pid, int32_t tid,
                              const int32_t *read, size_t nread)
{
    size_t i;
    if (lsn_proc_same_files(run->proc, pid, tid) == 1)
        return 1;
    for (i = 0; i < nread; i++)
        if (lsn_proc_same_files(run->proc, read[i], tid) == 1)
            return 1;
    return 0;
}

/* The budget is spent: one diagnostic, and the walk stops. */
static void budget_spent(struct walk *w, int32_t pid)
{
    const struct lsn_run *run = w->run;
    struct lsn_stats *st = run->stats;
    char path[LSN_PROC_PATH_CAP], msg[200];
    snprintf(msg, sizeof msg,
             "task walk stopped: its budget of %llu fd links (max(%u, %u x the %llu the first "
             "walk read)) is spent; rows still without an owner stay null",
             (unsigned long long)st->task_budget, TASK_BUDGET_MIN, TASK_BUDGET_FACTOR,
             (unsigned long long)st->fd_links_read);
    st->task_budget_spent = 1;
    w->halted = 1;
    lsn_emit(run, LSN_DIAG_PROCESS, lsn_proc_path(path, sizeof path, run->root, pid, "task"), 0, 0,
             pid, 0, msg);
}

static void visit_tasks(struct walk *w, int32_t pid)
{
    const struct lsn_run *run = w->run;
    struct lsn_stats *st = run->stats;
    char path[LSN_PROC_PATH_CAP], rel[48];
    struct lsn_proc_pids tasks;
    int pidfd, holder = -1, err;
    int32_t tid, read[READ_TABLES_KEPT];
    size_t nread = 0;

    pidfd = lsn_proc_open_pid(run->proc, pid);
    if (pidfd < 0)
        return;
    st->task_pids_visited++;
    err = lsn_proc_tasks_open(run->proc, pidfd, &tasks);
    if (err) {
        if (err != ENOENT && err != ESRCH)
            lsn_emit(run, LSN_DIAG_PROCESS,
                     lsn_proc_path(path, sizeof path, run->root, pid, "task"), 0,
                     err == ELOOP ? 0 : err, pid, 0,
                     err == ELOOP ? "task directory is a symbolic link, not followed"
                                  : "cannot open task directory");
        close(pidfd);
        return;
    }
    w->ncand = 0;
    w->pid = pid;
    while ((tid = lsn_proc_pids_next(&tasks)) > 0) {
        size_t before = w->ncand;
        int tidfd;
        if (tid == pid)
            continue;
        if (table_read_already(run, pid, tid, read, nread)) {
            st->task_tables_shared++;
            continue;
        }
        st->tasks_visited++;
        memcpy(rel, "task/", sizeof "task/");
        lsn_decimal(rel + 5, (uint32_t)tid);
        tidfd = lsn_proc_open_task(run->proc, &tasks, tid);
        err = tidfd < 0 ? errno
                        : lsn_proc_each_socket_max(run->proc, tidfd, on_socket, w,
                                                   &st->task_fd_links_read, NULL, st->task_budget);
        if (tidfd >= 0 && !err && nread < READ_TABLES_KEPT)
            read[nread++] = tid;
        if (err && err != ENOENT && err != ESRCH) {
            const char *why = "cannot open task directory";
            if (tidfd >= 0) {
                memcpy(rel + strlen(rel), "/fd", sizeof "/fd");
                why = err == ELOOP ? "fd directory is a symbolic link, not followed"
                                   : "cannot open fd directory";
            } else if (err == ELOOP) {
                why = "task directory is a symbolic link, not followed";
            }
            lsn_emit(run, LSN_DIAG_PROCESS, lsn_proc_path(path, sizeof path, run->root, pid, rel),
                     0, err == ELOOP ? 0 : err, pid, 0, why);
        }
        if (tidfd >= 0 && holder < 0 && w->ncand > before)
            holder = tidfd; /* the first thread that holds one: its exe may stand in */
        else if (tidfd >= 0)
            close(tidfd);
        if (st->task_fd_links_read >= st->task_budget) {
            budget_spent(w, pid); /* what this pid's threads gave is still claimed */
            break;
        }
    }
    lsn_proc_pids_close(&tasks);
    if (w->ncand)
        w->status = lsn_owner_claim(run, w->rows, pidfd, holder, pid, w->cand, w->ncand, NULL, 0,
                                    w->exe_buf);
    if (holder >= 0)
        close(holder);
    close(pidfd);
}

static void visit_any(struct walk *w, int32_t pid)
{
    if (w->open)
        visit_tasks(w, pid);
    else
        visit(w, pid);
}

/* A live procfs root: readdir yields pids in ascending order, one pass. */
static void walk_streamed(struct walk *w, struct lsn_proc_pids *it, int *saw1)
{
    struct lsn_stats *st = w->run->stats;
    int32_t prev = 0, pid;
    int ordered = 1;

    if (w->open)
        st->task_proc_scans++;
    else
        st->proc_scans++;
    while (w->status == LSN_OK && !w->halted && (pid = lsn_proc_pids_next(it)) > 0) {
        if (pid == 1) {
            *saw1 = 1;
            continue;
        }
        if (pid <= prev)
            ordered = 0; /* not procfs order after all: no early stop */
        if (ordered && may_stop(w)) {
            *w->stopped = 1;
            return;
        }
        if (pid > prev)
            prev = pid;
        visit_any(w, pid);
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
        uint64_t *scans = w->open ? &st->task_proc_scans : &st->proc_scans;
        if (*scans)
            lsn_proc_pids_rewind(it);
        (*scans)++;
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
            if (may_stop(w) || w->status != LSN_OK || w->halted) {
                *w->stopped = may_stop(w);
                return;
            }
            visit_any(w, heap[i]);
        }
        if (!more || nb == 0 || w->halted)
            return;
        last = heap[nb - 1];
        if (may_stop(w)) {
            *w->stopped = 1;
            return;
        }
    }
}

/* One pass of the walk (visit or visit_tasks per pid), pid 1 last. */
static void walk_pass(struct walk *w)
{
    const struct lsn_run *run = w->run;
    struct lsn_stats *st = run->stats;
    struct lsn_proc_pids it;
    int saw1 = 0, err = lsn_proc_pids_open(run->proc, &it);

    if (err) {
        lsn_emit(run, LSN_DIAG_TABLE, run->root, 0, err, -1, 0, "cannot read the proc directory");
        return;
    }
    st->streamed = run->proc->procfs;
    if (run->proc->procfs)
        walk_streamed(w, &it, &saw1);
    else
        walk_batched(w, &it, &saw1);
    lsn_proc_pids_close(&it);
    if (!*w->stopped && saw1 && w->status == LSN_OK && !w->halted) {
        if (!may_stop(w))
            visit_any(w, 1);
        else
            *w->stopped = 1; /* pid 1 not needed */
    }
}

/* The task walk, for the rows the first walk left without an owner: only
 * they may be taken (an owner found in a <pid>/fd stays), so the pass may
 * stop as soon as they all have one, with the same order argument. */
static void task_walk(struct walk *w)
{
    struct lsn_stats *st = w->run->stats;
    uint64_t t0 = lsn_now_ns(), before = w->rows->unowned;
    size_t i;

    w->open = malloc(w->rows->n);
    if (!w->open) {
        w->status = LSN_ERR_NOMEM;
        return;
    }
    for (i = 0; i < w->rows->n; i++)
        w->open[i] = w->rows->v[i].pid < 0;
    memset(w->mark, 0, w->rows->n * sizeof *w->mark);
    st->task_walk = 1;
    st->task_budget = TASK_BUDGET_FACTOR * st->fd_links_read;
    if (st->task_budget < TASK_BUDGET_MIN)
        st->task_budget = TASK_BUDGET_MIN;
    w->stopped = &st->task_stopped_early;
    walk_pass(w);
    st->task_attributed = before - w->rows->unowned;
    free(w->open);
    w->open = NULL;
    st->task_walk_nanoseconds = lsn_now_ns() - t0;
}

enum lsn_status lsn_walk(const struct lsn_run *run, struct lsn_rows *rows)
{
    struct lsn_stats *st = run->stats;
    struct walk w;
    uint64_t t0 = lsn_now_ns();

    memset(&w, 0, sizeof w);
    w.run = run;
    w.rows = rows;
    w.stopped = &st->stopped_early;
    w.status = LSN_OK;
    w.holders = (run->opts->flags & LSN_OPT_HOLDERS) != 0;

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
    walk_pass(&w);
    if (w.status == LSN_OK && rows->unowned > 0)
        task_walk(&w);
out:
    st->walk_nanoseconds = lsn_now_ns() - t0;
    free(w.cand);
    free(w.mark);
    free(w.exe_buf);
    free(w.held);
    lsn_rows_sort_holders(rows);
    return w.status;
}
