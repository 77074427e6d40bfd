/* collect.c - lsn_collect: tables, fd walk, owners. See listeners.h. */
#define _POSIX_C_SOURCE 200809L

#include "listeners.h"
#include "decimal.h"

#include "line_splitter.h"
#include "socket_link.h"
#include "tcp_line.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/vfs.h>
#define LSN_PROC_SUPER_MAGIC 0x9fa0
#endif

#define READ_CHUNK 4096
#define LINK_MAX_SOCKET 64 /* "socket:[18446744073709551615]" is 29 bytes */
#define LINK_MAX_NS 64     /* "net:[18446744073709551615]" is 26 bytes */

/* A map from a nonzero inode (a socket's, a network namespace's) to a 32-bit
 * value: open addressing, key 0 = empty, cap 0 or a power of two at least
 * twice n. */
struct inode_map {
    uint64_t *keys;
    uint32_t *vals;
    size_t n, cap;
};

struct ctx {
    const struct lsn_options *opts;
    struct lsn_result *r;
    const char *root;
    size_t root_len;
    int rootfd;
    char *path; /* root + "/" + a short relative name */
    size_t path_cap;
    /* rows */
    struct lsn_listener *v;
    size_t n, cap;
    struct inode_map rows_by_inode; /* socket inode -> row index */
    /* walk */
    uint32_t *cand; /* rows a pid may own, capacity n */
    size_t ncand;
    size_t unowned; /* rows with an inode and no owner yet */
    char *exe_buf;  /* LSN_EXE_MAX + 1 bytes */
    int nomem;
    /* LSN_OPT_ALL_NETNS: the namespace of the table being read (tags rows and
     * diagnostics), and the set of namespaces: inode -> lowest member pid. */
    uint64_t cur_netns;
    int cur_host;
    int32_t cur_member; /* the pid whose tables are being read, -1: the root's */
    struct inode_map namespaces;
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* c->path = root "/" rel. rel is short (< 48 bytes). */
static const char *make_path(struct ctx *c, const char *rel)
{
    size_t rl = strlen(rel), at = c->root_len;
    if (at + rl + 2 > c->path_cap)
        return "(path too long)"; /* cannot happen: path_cap = root_len + 64 */
    memcpy(c->path, c->root, c->root_len);
    if (at == 0 || c->path[at - 1] != '/')
        c->path[at++] = '/';
    memcpy(c->path + at, rel, rl + 1);
    return c->path;
}

static const char *pid_path(struct ctx *c, int32_t pid, const char *tail)
{
    char rel[48];
    size_t n = lsn_decimal(rel, (uint32_t)pid);
    if (tail) {
        rel[n++] = '/';
        memcpy(rel + n, tail, strlen(tail) + 1);
    }
    return make_path(c, rel);
}

static void diag(struct ctx *c, enum lsn_diag_kind kind, const char *path, uint64_t line, int error,
                 int32_t pid, const char *message)
{
    struct lsn_diag d;
    if (!c->opts->diag)
        return;
    d.kind = kind;
    d.path = path;
    d.line = line;
    d.error = error;
    d.pid = pid;
    d.message = message;
    d.netns = c->cur_netns;
    c->opts->diag(c->opts->diag_ctx, &d);
}

static void fail(struct ctx *c, enum lsn_status status, int error, const char *path,
                 enum lsn_reason reason)
{
    struct lsn_result *r = c->r;
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
}

/* ---- inode maps ---- */

static size_t map_slot(const struct inode_map *m, uint64_t inode)
{
    size_t mask = m->cap - 1, i;
    uint64_t h = inode * 0x9E3779B97F4A7C15u;
    for (i = (size_t)(h >> 29) & mask; m->keys[i] && m->keys[i] != inode; i = (i + 1) & mask)
        ;
    return i;
}

/* The value of inode, or NULL. */
static uint32_t *map_find(const struct inode_map *m, uint64_t inode)
{
    size_t i;
    if (!m->cap || inode == 0)
        return NULL;
    i = map_slot(m, inode);
    return m->keys[i] ? &m->vals[i] : NULL;
}

/* The value of nonzero inode, added (*added = 1, value 0) when absent;
 * NULL when out of memory. */
static uint32_t *map_put(struct inode_map *m, uint64_t inode, int *added)
{
    size_t i;
    if ((m->n + 1) * 2 > m->cap) {
        struct inode_map g = {NULL, NULL, 0, m->cap ? m->cap * 2 : 64};
        g.keys = calloc(g.cap, sizeof *g.keys);
        g.vals = calloc(g.cap, sizeof *g.vals);
        if (!g.keys || !g.vals) {
            free(g.keys);
            free(g.vals);
            return NULL;
        }
        for (i = 0; i < m->cap; i++) {
            if (m->keys[i]) {
                size_t j = map_slot(&g, m->keys[i]);
                g.keys[j] = m->keys[i];
                g.vals[j] = m->vals[i];
            }
        }
        g.n = m->n;
        free(m->keys);
        free(m->vals);
        *m = g;
    }
    i = map_slot(m, inode);
    *added = m->keys[i] == 0;
    if (*added) {
        m->keys[i] = inode;
        m->vals[i] = 0;
        m->n++;
    }
    return &m->vals[i];
}

static void map_free(struct inode_map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* Adds a listening line. Returns 1 added, 0 duplicate, -1 out of memory. */
static int add_listener(struct ctx *c, const struct lsn_tcp_line *t, enum lsn_family family)
{
    struct lsn_listener *l;
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 16;
        struct lsn_listener *nv;
        if (ncap > UINT32_MAX)
            return -1;
        nv = realloc(c->v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        c->v = nv;
        c->cap = ncap;
    }
    if (t->inode != 0) {
        int added;
        uint32_t *row = map_put(&c->rows_by_inode, t->inode, &added);
        if (!row)
            return -1;
        if (!added)
            return 0;
        *row = (uint32_t)c->n;
        c->unowned++;
    }
    l = &c->v[c->n];
    memset(l, 0, sizeof *l);
    l->port = t->local_port;
    l->family = family;
    memcpy(l->bind_address, t->local_address, 16);
    l->inode = t->inode;
    l->pid = -1;
    l->exe = NULL;
    l->netns = c->cur_netns;
    l->netns_host = c->cur_host;
    c->n++;
    return 1;
}

/* ---- tables ----
 *
 * Early stop (contract "Method" step 1). Linux prints /proc/net/tcp{,6} with
 * tcp_seq_*: the whole listening hash (lhash2) first, then the established
 * hash (ehash: ESTABLISHED, TIME_WAIT, FIN_WAIT*, SYN_RECV request socks on
 * kernels >= 4.4). A socket in the listening hash always prints 0A: the
 * state is stored LISTEN before inet_csk_listen_start hashes it, and
 * tcp_set_state(TCP_CLOSE) unhashes it before the state leaves LISTEN; the
 * established hash never holds a LISTEN socket. Kernels before 4.4 print
 * SYN_RECV (03) open requests under their listener, inside the listening
 * section. Reads are not atomic: between read() calls the kernel re-seeks
 * with tcp_seek_last_pos, which resumes in the phase it left off and never
 * goes back from the established phase to the listening phase. So on live
 * procfs, once a line is neither 0A nor 03, no later read of the same open
 * file can yield a 0A line: stopping there loses nothing a read to EOF would
 * give (a listener created after the read started may be missed either way;
 * that is the ordinary snapshot race, not the stop's).
 *
 * Fallback: the stop is armed only when the table lives on procfs
 * (fstatfs magic 0x9fa0) on Linux. Anything else -- fixtures, snapshots
 * copied to a regular filesystem, a --proc tree that is not procfs -- is
 * untrusted text whose order nobody promised, so it is read to EOF and a 0A
 * line after an established line still counts. Each file (tcp, tcp6) is
 * judged on its own. --stats says where each read stopped.
 *
 * Short read = EOF, also only on procfs: seq_read_iter fills the caller's
 * buffer until the iterator ends, the buffer is full, or the next record
 * does not fit in the seq buffer (>= 4 KiB). A tcp/tcp6 record is under
 * 256 bytes, so a read that returns 512 or more bytes short of the 4 KiB
 * asked for means the iterator ended: the EOF read is skipped. That saves
 * one pass over the established hash per table (~2 ms on this kind of host
 * even when the hash is empty), which is what an idle host pays. */

static int handle_line(struct ctx *c, const char *path, const char *line, size_t len,
                       enum lsn_family family, struct lsn_table_stats *ts, uint64_t lineno)
{
    struct lsn_tcp_line t;
    enum lsn_tcp_status st = lsn_parse_tcp_line(line, len, family, c->opts->byte_order, &t);
    ts->lines++;
    if (st == LSN_TCP_HEADER)
        return 0;
    if (st != LSN_TCP_OK) {
        ts->malformed++;
        diag(c, LSN_DIAG_MALFORMED_LINE, path, lineno, 0, -1, lsn_tcp_status_text(st, family));
        return 0;
    }
    if (t.state != LSN_TCP_LISTEN) {
        if (ts->stop_allowed && t.state != 0x03) {
            ts->stopped_early = 1;
            ts->stop_line = lineno;
            return 1;
        }
        return 0;
    }
    ts->listening++;
    switch (add_listener(c, &t, family)) {
    case 0: ts->duplicates++; return 0;
    case 1: return 0;
    default: return -1;
    }
}

/* Drains the splitter. Returns -1 out of memory, 1 when the early stop
 * fired (ts->stopped_early), else 0. */
static int drain(struct ctx *c, struct lsn_splitter *s, const char *path, enum lsn_family family,
                 struct lsn_table_stats *ts, enum lsn_split_status stop)
{
    const char *line;
    size_t len;
    enum lsn_split_status st;
    while ((st = lsn_splitter_next(s, &line, &len)) != stop) {
        uint64_t no = lsn_splitter_line_number(s);
        if (st == LSN_SPLIT_LINE || st == LSN_SPLIT_LAST_LINE) {
            int h = handle_line(c, path, line, len, family, ts, no);
            if (h != 0)
                return h;
        } else if (st == LSN_SPLIT_TOO_LONG) {
            ts->lines++;
            ts->malformed++;
            diag(c, LSN_DIAG_MALFORMED_LINE, path, no, 0, -1,
                 lsn_tcp_status_text(LSN_TCP_TOO_LONG, family));
        } else {
            break; /* NEED_MORE/END out of turn: nothing more to take */
        }
    }
    return 0;
}

enum table_need {
    TABLE_OPTIONAL = 0, /* net/tcp6: absent is fine, other errors are a diagnostic */
    TABLE_REQUIRED,     /* the host's net/tcp: errors are fatal */
    TABLE_NAMESPACE     /* another namespace's net/tcp: errors skip the namespace */
};

/* Reads one table: dirfd/name, shown as root "/" rel. Returns 0, -1 (fatal),
 * or 1 (TABLE_NAMESPACE only: the table failed and a LSN_DIAG_NAMESPACE
 * diagnostic was given; rows it added are still there). */
static int read_table_at(struct ctx *c, int dirfd, const char *name, const char *rel,
                         enum lsn_family family, enum table_need need, struct lsn_table_stats *ts)
{
    int required = need == TABLE_REQUIRED;
    char chunk[READ_CHUNK];
    char linebuf[LSN_TCP_LINE_MAX];
    struct lsn_splitter s;
    struct stat sb;
    uint64_t cap =
        c->opts->max_table_bytes ? c->opts->max_table_bytes : LSN_DEFAULT_MAX_TABLE_BYTES;
    uint64_t t0 = now_ns();
    const char *path = make_path(c, rel);
    enum lsn_reason why = LSN_REASON_NONE;
    int err = 0, fd;

    fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        err = errno;
        if (need == TABLE_OPTIONAL && err == ENOENT)
            return 0;
        why = LSN_REASON_OPEN;
        goto out;
    }
    if (fstat(fd, &sb) != 0) {
        err = errno;
        why = LSN_REASON_STAT;
        goto out;
    }
    if (!S_ISREG(sb.st_mode)) {
        why = LSN_REASON_NOT_REGULAR;
        goto out;
    }
    ts->read = 1;
#ifdef __linux__
    {
        struct statfs sf;
        if (fstatfs(fd, &sf) == 0 && sf.f_type == LSN_PROC_SUPER_MAGIC)
            ts->stop_allowed = 1;
    }
#endif
    lsn_splitter_init(&s, linebuf, sizeof linebuf);
    for (;;) {
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            why = LSN_REASON_READ;
            goto out;
        }
        if (got == 0)
            break;
        ts->bytes += (uint64_t)got;
        if (ts->bytes > cap) {
            err = EFBIG;
            why = LSN_REASON_TOO_LARGE;
            goto out;
        }
        lsn_splitter_feed(&s, chunk, (size_t)got);
        {
            int dr = drain(c, &s, path, family, ts, LSN_SPLIT_NEED_MORE);
            if (dr < 0)
                c->nomem = 1;
            if (dr != 0)
                break;
        }
        if (ts->stop_allowed && (size_t)got + 512 <= sizeof chunk) {
            ts->short_eof = 1;
            break;
        }
    }
    if (!c->nomem && !ts->stopped_early) {
        lsn_splitter_finish(&s);
        if (drain(c, &s, path, family, ts, LSN_SPLIT_END) < 0)
            c->nomem = 1;
    }
out:
    if (fd >= 0)
        close(fd);
    ts->nanoseconds = now_ns() - t0;
    if (c->nomem) {
        fail(c, LSN_ERR_NOMEM, ENOMEM, NULL, LSN_REASON_NOMEM);
        return -1;
    }
    if (why) {
        if (required) {
            fail(c, LSN_ERR_TABLE, err, path, why);
            return -1;
        }
        if (need == TABLE_NAMESPACE) {
            diag(c, LSN_DIAG_NAMESPACE, path, 0, err, c->cur_member, lsn_reason_text(why));
            return 1;
        }
        diag(c, LSN_DIAG_TABLE, path, 0, err, -1, lsn_reason_text(why));
    }
    return 0;
}

static int read_table(struct ctx *c, const char *rel, enum lsn_family family, int required,
                      struct lsn_table_stats *ts)
{
    return read_table_at(c, c->rootfd, rel, rel, family, required ? TABLE_REQUIRED : TABLE_OPTIONAL,
                         ts);
}

/* ---- per process ---- */

/* A pid directory name: decimal digits, no leading zero, 1..INT32_MAX. */
static int32_t parse_pid(const char *name)
{
    uint32_t v = 0;
    size_t i;
    if (name[0] < '1' || name[0] > '9')
        return -1;
    for (i = 0; name[i]; i++) {
        if (name[i] < '0' || name[i] > '9' || i >= 10)
            return -1;
        v = v * 10u + (uint32_t)(name[i] - '0');
        if (i == 9 && (name[0] > '2' || v > INT32_MAX))
            return -1;
    }
    return (int32_t)v;
}

/* May pid become the owner of a row now owned by cur? Lowest pid other
 * than 1; pid 1 only when there is no other holder. */
static int better(int32_t cur, int32_t pid)
{
    if (cur < 0)
        return 1;
    if (pid == 1)
        return 0;
    return cur == 1 || pid < cur;
}

/* Returns 0, or an errno value. */
static int read_comm(int pidfd, char out[LSN_COMM_MAX + 1], size_t *len, const char **why)
{
    struct stat sb;
    size_t have = 0;
    int fd = openat(pidfd, "comm", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY), err = 0;
    *why = "cannot open comm";
    if (fd < 0)
        return errno;
    if (fstat(fd, &sb) != 0) {
        err = errno;
        *why = "cannot stat comm";
    } else if (!S_ISREG(sb.st_mode)) {
        err = EINVAL;
        *why = "comm is not a regular file";
    }
    while (!err && have < LSN_COMM_MAX) {
        ssize_t got = read(fd, out + have, LSN_COMM_MAX - have);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            *why = "cannot read comm";
        } else if (got == 0) {
            break;
        } else {
            have += (size_t)got;
        }
    }
    close(fd);
    if (err)
        return err;
    if (have && out[have - 1] == '\n')
        have--;
    out[have] = '\0';
    *len = have;
    return 0;
}

/* An owner's exe text, shared by the rows it owns: the number of rows that
 * point at it, then the bytes and a NUL. A row's exe points at text. */
struct shared_exe {
    size_t rows;
    char text[];
};

static void release_exe(char *text)
{
    struct shared_exe *e;
    if (!text)
        return;
    e = (struct shared_exe *)(void *)(text - offsetof(struct shared_exe, text));
    if (--e->rows == 0)
        free(e);
}

/* Reads comm and exe of the holder pid and gives it the candidate rows. */
static void claim(struct ctx *c, int pidfd, int32_t pid)
{
    char comm[LSN_COMM_MAX + 1];
    struct shared_exe *exe = NULL;
    size_t comm_len = 0, exe_len = 0, i;
    const char *why = NULL;
    int has_comm = 0, has_exe = 0, err;
    uint64_t t0 = now_ns();
    ssize_t got;

    err = read_comm(pidfd, comm, &comm_len, &why);
    if (err == ENOENT || err == ESRCH)
        goto exited;
    if (err)
        diag(c, LSN_DIAG_PROCESS, pid_path(c, pid, "comm"), 0, err, pid, why);
    else
        has_comm = 1;

    got = readlinkat(pidfd, "exe", c->exe_buf, LSN_EXE_MAX + 1);
    if (got < 0) {
        err = errno;
        if (err == ENOENT || err == ESRCH)
            goto exited;
        diag(c, LSN_DIAG_PROCESS, pid_path(c, pid, "exe"), 0, err, pid, "cannot read exe link");
    } else if (got == 0 || got > LSN_EXE_MAX) {
        diag(c, LSN_DIAG_PROCESS, pid_path(c, pid, "exe"), 0, 0, pid,
             got ? "exe link is longer than 4095 bytes" : "exe link is empty");
    } else {
        has_exe = 1;
        exe_len = (size_t)got;
    }
    c->r->stats.names_nanoseconds += now_ns() - t0;

    for (i = 0; i < c->ncand; i++) {
        struct lsn_listener *l = &c->v[c->cand[i]];
        if (!better(l->pid, pid))
            continue;
        if (has_exe && !exe) { /* one copy for all the rows this pid gets */
            exe = malloc(sizeof *exe + exe_len + 1);
            if (!exe) {
                c->nomem = 1;
                return;
            }
            exe->rows = 0;
            memcpy(exe->text, c->exe_buf, exe_len);
            exe->text[exe_len] = '\0';
        }
        if (l->pid < 0)
            c->unowned--;
        else
            c->r->stats.attributed--;
        c->r->stats.attributed++;
        l->pid = pid;
        l->has_comm = has_comm;
        l->comm_len = has_comm ? comm_len : 0;
        memcpy(l->comm, comm, has_comm ? comm_len + 1 : 1);
        if (!has_comm)
            l->comm[0] = '\0';
        release_exe(l->exe);
        l->exe = NULL;
        l->exe_len = 0;
        if (exe) {
            exe->rows++;
            l->exe = exe->text;
            l->exe_len = exe_len;
        }
    }
    return;
exited:
    c->r->stats.names_nanoseconds += now_ns() - t0;
    c->r->stats.pids_exited++;
    diag(c, LSN_DIAG_PROCESS, pid_path(c, pid, NULL), 0, err, pid,
         "process exited before its comm and exe were read");
}

static void visit(struct ctx *c, int32_t pid)
{
    struct lsn_stats *st = &c->r->stats;
    char name[16], link[LINK_MAX_SOCKET];
    struct dirent *e;
    DIR *d;
    int pidfd, fdfd;

    st->pids_visited++;
    st->last_pid = pid;
    lsn_decimal(name, (uint32_t)pid);
    pidfd = openat(c->rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pidfd < 0) {
        st->pids_unreadable++;
        diag(c, LSN_DIAG_PROCESS, pid_path(c, pid, NULL), 0, errno, pid,
             "cannot open process directory");
        return;
    }
    fdfd = openat(pidfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fdfd < 0 || (d = fdopendir(fdfd)) == NULL) {
        int err = errno;
        if (fdfd >= 0)
            close(fdfd);
        st->pids_unreadable++;
        diag(c, LSN_DIAG_PROCESS, pid_path(c, pid, "fd"), 0, err, pid, "cannot open fd directory");
        close(pidfd);
        return;
    }
    c->ncand = 0;
    while ((e = readdir(d)) != NULL) {
        uint64_t inode;
        ssize_t got;
        const uint32_t *row;
        uint32_t idx;
        if (e->d_name[0] == '.')
            continue;
        got = readlinkat(fdfd, e->d_name, link, sizeof link);
        st->fd_links_read++;
        if (got <= 0 || (size_t)got >= sizeof link)
            continue;
        if (lsn_parse_socket_link(link, (size_t)got, &inode) != LSN_LINK_SOCKET)
            continue;
        st->socket_links++;
        row = map_find(&c->rows_by_inode, inode);
        if (!row || c->v[*row].mark_ == pid)
            continue;
        idx = *row;
        c->v[idx].mark_ = pid;
        if (better(c->v[idx].pid, pid))
            c->cand[c->ncand++] = idx;
    }
    closedir(d);
    if (c->ncand)
        claim(c, pidfd, pid);
    close(pidfd);
}

/* ---- walk ---- */

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

static void walk_streamed(struct ctx *c, DIR *d, int *saw1)
{
    struct lsn_stats *st = &c->r->stats;
    struct dirent *e;
    int32_t prev = 0;
    int ordered = 1;

    st->proc_scans++;
    while (!c->nomem && (e = readdir(d)) != NULL) {
        int32_t pid = parse_pid(e->d_name);
        if (pid < 0)
            continue;
        if (pid == 1) {
            *saw1 = 1;
            continue;
        }
        if (pid <= prev)
            ordered = 0; /* not procfs order after all: no early stop */
        if (ordered && c->unowned == 0) {
            st->stopped_early = 1;
            return;
        }
        if (pid > prev)
            prev = pid;
        visit(c, pid);
    }
}

static void walk_batched(struct ctx *c, DIR *d, int *saw1)
{
    struct lsn_stats *st = &c->r->stats;
    int32_t heap[LSN_PID_BATCH];
    int32_t last = 1;

    for (;;) {
        struct dirent *e;
        size_t nb = 0, i;
        int more = 0;
        if (st->proc_scans)
            rewinddir(d);
        st->proc_scans++;
        while ((e = readdir(d)) != NULL) {
            int32_t pid = parse_pid(e->d_name);
            if (pid < 0)
                continue;
            if (pid == 1) {
                *saw1 = 1;
                continue;
            }
            if (pid <= last)
                continue;
            if (nb < LSN_PID_BATCH) {
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
            if (c->unowned == 0 || c->nomem) {
                st->stopped_early = c->unowned == 0;
                return;
            }
            visit(c, heap[i]);
        }
        if (!more || nb == 0)
            return;
        last = heap[nb - 1];
        if (c->unowned == 0) {
            st->stopped_early = 1;
            return;
        }
    }
}

static void walk(struct ctx *c)
{
    struct lsn_stats *st = &c->r->stats;
    uint64_t t0 = now_ns();
    int saw1 = 0, dfd;
    DIR *d;

    if (c->unowned == 0) {
        st->walk_nanoseconds = now_ns() - t0;
        return; /* nothing to attribute */
    }
    c->cand = malloc(c->n * sizeof *c->cand);
    c->exe_buf = malloc(LSN_EXE_MAX + 1);
    if (!c->cand || !c->exe_buf) {
        c->nomem = 1;
        return;
    }
    dfd = openat(c->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || (d = fdopendir(dfd)) == NULL) {
        int err = errno;
        if (dfd >= 0)
            close(dfd);
        diag(c, LSN_DIAG_TABLE, c->root, 0, err, -1, "cannot read the proc directory");
        st->walk_nanoseconds = now_ns() - t0;
        return;
    }
#ifdef __linux__
    {
        struct statfs sf;
        if (fstatfs(c->rootfd, &sf) == 0 && sf.f_type == LSN_PROC_SUPER_MAGIC)
            st->streamed = 1;
    }
#endif
    if (st->streamed)
        walk_streamed(c, d, &saw1);
    else
        walk_batched(c, d, &saw1);
    closedir(d);
    if (!st->stopped_early && saw1 && !c->nomem) {
        if (c->unowned > 0)
            visit(c, 1);
        else
            st->stopped_early = 1; /* pid 1 not needed */
    }
    st->walk_nanoseconds = now_ns() - t0;
}

/* ---- network namespaces (LSN_OPT_ALL_NETNS, see listeners.h) ---- */

/* Adds namespace inode with member pid, keeping the lowest pid. 0 or -1. */
static int ns_put(struct ctx *c, uint64_t inode, int32_t pid)
{
    int added;
    uint32_t *lowest = map_put(&c->namespaces, inode, &added);
    if (!lowest)
        return -1;
    if (added || pid < (int32_t)*lowest)
        *lowest = (uint32_t)pid;
    return 0;
}

/* The namespace of a "<rel>/ns/net" link under the root: its inode, or 0
 * with *err (an errno value, or 0 when the link is not "net:[N]"). The
 * link's text is the namespace inode that stat(2) would give (listeners.h). */
static uint64_t netns_of(struct ctx *c, const char *rel, int *err)
{
    char link[LINK_MAX_NS];
    uint64_t inode = 0;
    ssize_t got = readlinkat(c->rootfd, rel, link, sizeof link);
    *err = 0;
    if (got < 0) {
        *err = errno;
        return 0;
    }
    if ((size_t)got >= sizeof link || lsn_parse_ns_link(link, (size_t)got, "net", &inode) != 0)
        return 0;
    return inode;
}

/* One pass over the pid directories, any order: the set of namespaces. */
static void ns_scan(struct ctx *c)
{
    struct lsn_stats *st = &c->r->stats;
    struct dirent *e;
    DIR *d;
    int dfd = openat(c->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (dfd < 0 || (d = fdopendir(dfd)) == NULL) {
        int err = errno;
        if (dfd >= 0)
            close(dfd);
        diag(c, LSN_DIAG_TABLE, c->root, 0, err, -1, "cannot read the proc directory");
        return;
    }
    while (!c->nomem && (e = readdir(d)) != NULL) {
        char rel[32];
        int32_t pid = parse_pid(e->d_name);
        uint64_t inode;
        size_t n;
        int err;
        if (pid < 0)
            continue;
        n = lsn_decimal(rel, (uint32_t)pid);
        memcpy(rel + n, "/ns/net", sizeof "/ns/net");
        inode = netns_of(c, rel, &err);
        if (inode == 0) {
            st->netns_no_link++;
            diag(c, LSN_DIAG_PROCESS, make_path(c, rel), 0, err, pid,
                 err ? "cannot read the ns/net link" : "ns/net link is not net:[inode]");
            continue;
        }
        if (ns_put(c, inode, pid) != 0)
            c->nomem = 1;
    }
    closedir(d);
}

/* Drops the rows from index n0 on (a skipped namespace) and rebuilds the
 * inode index without them. */
static void rollback_rows(struct ctx *c, size_t n0)
{
    size_t i;
    for (i = n0; i < c->n; i++)
        if (c->v[i].inode != 0)
            c->unowned--;
    c->n = n0;
    if (c->rows_by_inode.cap) { /* same capacity: putting back cannot fail */
        struct inode_map *m = &c->rows_by_inode;
        int added;
        memset(m->keys, 0, m->cap * sizeof *m->keys);
        m->n = 0;
        for (i = 0; i < c->n; i++)
            if (c->v[i].inode != 0)
                *map_put(m, c->v[i].inode, &added) = (uint32_t)i;
    }
}

static int ns_cmp(const void *pa, const void *pb)
{
    const uint64_t *a = pa, *b = pb;
    return a[0] < b[0] ? -1 : a[0] > b[0];
}

/* Reads one other namespace's tables through its member's directory fd. */
static void read_namespace(struct ctx *c, uint64_t inode, int32_t pid)
{
    struct lsn_stats *st = &c->r->stats;
    struct lsn_table_stats ts;
    char name[16], rel[48];
    size_t n0 = c->n, k;
    int pidfd, rc;

    c->cur_netns = inode;
    c->cur_host = 0;
    c->cur_member = pid;
    k = lsn_decimal(name, (uint32_t)pid);
    memcpy(rel, name, k);
    pidfd = openat(c->rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pidfd < 0) {
        st->netns_skipped++;
        diag(c, LSN_DIAG_NAMESPACE, make_path(c, name), 0, errno, pid,
             "cannot open the member's process directory");
        return;
    }
    memcpy(rel + k, "/net/tcp", sizeof "/net/tcp");
    memset(&ts, 0, sizeof ts);
    rc = read_table_at(c, pidfd, "net/tcp", rel, LSN_FAMILY_IPV4, TABLE_NAMESPACE, &ts);
    if (rc == 0) {
        memcpy(rel + k, "/net/tcp6", sizeof "/net/tcp6");
        memset(&ts, 0, sizeof ts);
        rc = read_table_at(c, pidfd, "net/tcp6", rel, LSN_FAMILY_IPV6, TABLE_OPTIONAL, &ts);
    }
    close(pidfd);
    if (rc < 0)
        return; /* out of memory: fatal */
    if (rc > 0) {
        rollback_rows(c, n0);
        st->netns_skipped++;
        return;
    }
    st->netns_read++;
    st->netns_listening += c->n - n0;
}

/* The other namespaces: found, then read in ascending inode order. */
static void read_namespaces(struct ctx *c)
{
    struct lsn_stats *st = &c->r->stats;
    uint64_t t0 = now_ns(), *list;
    size_t i, k = 0;

    ns_scan(c);
    st->netns_found = c->namespaces.n;
    if (c->nomem || c->namespaces.n == 0)
        goto out;
    /* compact the set into (inode, pid) pairs */
    list = malloc(c->namespaces.n * 2 * sizeof *list);
    if (!list) {
        c->nomem = 1;
        goto out;
    }
    for (i = 0; i < c->namespaces.cap; i++) {
        if (!c->namespaces.keys[i] || c->namespaces.keys[i] == c->r->host_netns)
            continue;
        list[2 * k] = c->namespaces.keys[i];
        list[2 * k + 1] = c->namespaces.vals[i];
        k++;
    }
    map_free(&c->namespaces);
    if (k > 1)
        qsort(list, k, 2 * sizeof *list, ns_cmp);
    for (i = 0; i < k && !c->nomem; i++)
        read_namespace(c, list[2 * i], (int32_t)list[2 * i + 1]);
    free(list);
out:
    c->cur_netns = 0;
    c->cur_host = 0;
    c->cur_member = -1;
    st->netns_nanoseconds = now_ns() - t0;
}

/* ---- result ---- */

static int row_cmp(const void *pa, const void *pb)
{
    const struct lsn_listener *a = pa, *b = pb;
    int m;
    if (a->port != b->port)
        return a->port < b->port ? -1 : 1;
    if (a->family != b->family)
        return a->family == LSN_FAMILY_IPV4 ? -1 : 1;
    m = memcmp(a->bind_address, b->bind_address, 16);
    if (m)
        return m;
    if (a->inode != b->inode)
        return a->inode < b->inode ? -1 : 1;
    return 0;
}

/* Contract order (row_cmp). Rows are large and their ports mostly distinct:
 * a two-pass radix sort of row numbers by port, one in-place permutation of
 * the rows, then an insertion sort within a run of one port (qsort past 16
 * rows). Without memory for the row numbers it falls back to qsort of the
 * whole array. */
static void sort_rows(struct lsn_listener *v, size_t n)
{
    uint32_t *at, *tmp;
    size_t count[256], i, run;
    unsigned shift;

    if (n < 2)
        return;
    at = n <= UINT32_MAX ? malloc(2 * n * sizeof *at) : NULL;
    if (!at) {
        qsort(v, n, sizeof *v, row_cmp);
        return;
    }
    tmp = at + n;
    for (i = 0; i < n; i++)
        at[i] = (uint32_t)i;
    for (shift = 0; shift <= 8; shift += 8) { /* low byte, then high byte: stable */
        size_t sum = 0;
        memset(count, 0, sizeof count);
        for (i = 0; i < n; i++)
            count[(v[at[i]].port >> shift) & 0xFF]++;
        for (i = 0; i < 256; i++) {
            size_t k = count[i];
            count[i] = sum;
            sum += k;
        }
        for (i = 0; i < n; i++)
            tmp[count[(v[at[i]].port >> shift) & 0xFF]++] = at[i];
        memcpy(at, tmp, n * sizeof *at);
    }
    /* at[k] is the row that belongs at k: move the rows cycle by cycle. */
    for (i = 0; i < n; i++) {
        struct lsn_listener hold;
        size_t k = i, from;
        if (at[i] == i)
            continue;
        hold = v[i];
        while ((from = at[k]) != i) {
            v[k] = v[from];
            at[k] = (uint32_t)k;
            k = from;
        }
        v[k] = hold;
        at[k] = (uint32_t)k;
    }
    free(at);
    for (i = 0; i < n; i = run) {
        for (run = i + 1; run < n && v[run].port == v[i].port; run++)
            ;
        if (run - i > 16) {
            qsort(v + i, run - i, sizeof *v, row_cmp);
        } else { /* a port's few addresses: insertion sort */
            size_t j, k;
            for (j = i + 1; j < run; j++) {
                struct lsn_listener hold = v[j];
                for (k = j; k > i && row_cmp(&v[k - 1], &hold) > 0; k--)
                    v[k] = v[k - 1];
                v[k] = hold;
            }
        }
    }
}

static void release_rows(struct lsn_listener *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        release_exe(v[i].exe);
    free(v);
}

enum lsn_status lsn_collect(const struct lsn_options *opts, struct lsn_result *result)
{
    static const struct lsn_options defaults = {NULL, LSN_ORDER_HOST, NULL, NULL, 0, 0};
    struct ctx c;
    uint64_t t0 = now_ns(), t1;
    size_t i;

    memset(result, 0, sizeof *result);
    result->error_message = "";
    result->stats.last_pid = -1;
    memset(&c, 0, sizeof c);
    c.opts = opts ? opts : &defaults;
    c.r = result;
    c.rootfd = -1;
    c.cur_member = -1;
    c.root = c.opts->proc_root;
#ifndef __linux__
    if (!c.root) {
        result->status = LSN_UNSUPPORTED;
        result->reason = LSN_REASON_UNSUPPORTED;
        result->error_message = lsn_reason_text(LSN_REASON_UNSUPPORTED);
        return result->status;
    }
#endif
    if (!c.root)
        c.root = "/proc";
    c.root_len = strlen(c.root);
    c.path_cap = c.root_len + 64;
    c.path = malloc(c.path_cap);
    if (!c.path) {
        fail(&c, LSN_ERR_NOMEM, ENOMEM, NULL, LSN_REASON_NOMEM);
        goto done;
    }
    c.rootfd = open(c.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c.rootfd < 0) {
        fail(&c, LSN_ERR_TABLE, errno, c.root, LSN_REASON_OPEN_ROOT);
        goto done;
    }
    if (c.opts->flags & LSN_OPT_ALL_NETNS) {
        int err;
        result->all_netns = 1;
        result->host_netns = netns_of(&c, "self/ns/net", &err);
        c.cur_netns = result->host_netns;
        c.cur_host = 1;
        if (!result->host_netns)
            diag(&c, LSN_DIAG_NAMESPACE, make_path(&c, "self/ns/net"), 0, err, -1,
                 err ? "host namespace unknown: cannot read the link"
                     : "host namespace unknown: the link is not net:[inode]");
    }
    if (read_table(&c, "net/tcp", LSN_FAMILY_IPV4, 1, &result->stats.tcp) != 0)
        goto done;
    if (read_table(&c, "net/tcp6", LSN_FAMILY_IPV6, 0, &result->stats.tcp6) != 0)
        goto done;
    if (c.opts->flags & LSN_OPT_ALL_NETNS) {
        read_namespaces(&c);
        if (c.nomem) {
            fail(&c, LSN_ERR_NOMEM, ENOMEM, NULL, LSN_REASON_NOMEM);
            goto done;
        }
    }
    result->stats.listeners = c.n;
    result->stats.matchable = c.unowned;
    walk(&c);
    if (c.nomem) {
        fail(&c, LSN_ERR_NOMEM, ENOMEM, NULL, LSN_REASON_NOMEM);
        goto done;
    }
    t1 = now_ns();
    for (i = 0; i < c.n; i++)
        c.v[i].mark_ = 0;
    sort_rows(c.v, c.n);
    result->stats.sort_nanoseconds = now_ns() - t1;
    result->listeners = c.v;
    result->count = c.n;
    c.v = NULL;
    c.n = 0;
    result->status = LSN_OK;
done:
    if (result->status != LSN_OK) {
        release_rows(c.v, c.n);
        result->stats.attributed = 0;
    }
    if (c.rootfd >= 0)
        close(c.rootfd);
    free(c.path);
    map_free(&c.rows_by_inode);
    free(c.cand);
    free(c.exe_buf);
    map_free(&c.namespaces);
    result->stats.total_nanoseconds = now_ns() - t0;
    return result->status;
}

void lsn_result_free(struct lsn_result *result)
{
    if (!result)
        return;
    release_rows(result->listeners, result->count);
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
    }
    return "";
}

const char *lsn_family_name(enum lsn_family family)
{
    return family == LSN_FAMILY_IPV6 ? "ipv6" : "ipv4";
}
