/* collector_fuzzer.c - lsn_collect over a synthesized /proc tree.
 *
 * Input: 8 header bytes, then sections separated by "\n--\n":
 *   0   net/tcp
 *   1   net/tcp6 (a regular-file kind is written only when the section exists)
 *   2.. one process each (at most 8), pids 1, 2, 10, 99, 100, 1000, 31337,
 *       4194303 in that order.
 * Bytes missing at the end read as 0; fields missing read as absent.
 * Table kinds (3 bits): 0 and 7 a regular file with the bytes (absent when
 * there are no bytes), 1 absent, 2 a directory, 3 a FIFO, 4 a symlink loop,
 * 5 a dangling symlink, 6 a symlink to a regular file with the bytes.
 * Header:
 *   h0  bit 0: run A has no diagnostics callback; bit 1: run C (below);
 *       bit 2: run C with LSN_OPT_ALL_NETNS; bits 3-4 proc_root: 0 the tree,
 *       1 the tree and a trailing '/', 2 a missing path, 3 a regular file;
 *       bit 5: proc_root is /proc/self (procfs, but not a proc root);
 *       bit 6: run L on the live /proc (below);
 *       bit 7: 1000 + h5 pids 40000, 40001, ... that are not directories
 *       (hard links to one empty file: cheap), for more than one batch of
 *       1024 pids in walk.c.
 *   h1  bits 0-2 kind of net/tcp, bits 3-5 kind of net/tcp6.
 *   h2  self/ns/net: 0 no self, 1 "net:[H]", 2 "mnt:[H]", 3 a regular file,
 *       4 self is a regular file; H = 4026531840 + h3.
 *   h4  max_table_bytes = 64 * h4 (0: the default).
 *   h6  junk root entries, one per bit: files "0", "1a", "4294967296", "-1",
 *       directories "01", "12345678901", "2147483648" and "2147483647" (a pid
 *       with an empty directory).
 *   h7  run C's change: on the diagnostic number bits 2-4 (from 0) of kind
 *       bits 0-1, the directory of process bits 5-7 is renamed away.
 * Process: 5 attribute bytes a0..a4, then fields separated by 0x01: comm
 * bytes (at most 256 written), exe target, ns/net target, net/tcp,
 * net/tcp6, fd link targets (fd 0, 1, ...).
 *   a0 bits 0-2 comm kind: 0/7 a file with the comm bytes, 1 missing,
 *      2 directory, 3 FIFO, 4 symlink loop, 5 dangling symlink, 6 symlink to
 *      a file with the bytes; bits 3-5 exe kind: 0/5/6/7 link to the target
 *      (none when empty), 1 regular file, 2 directory, 3 link of 4095 bytes
 *      (the target repeated), 4 missing; bits 6-7 fd/ kind: 0 directory,
 *      1 missing, 2 regular file, 3 symlink to a directory.
 *   a1 bits 0-1 net/ kind: 0 none, 1 a directory with the process's net/tcp
 *      and net/tcp6, 2 a regular file, 3 a symlink to the root's net/;
 *      bits 2-4 kind of its net/tcp, bits 5-7 of its net/tcp6.
 *   a2 bit 0: the pid is a regular file, else bit 3: a symlink to the
 *      root's net/ (nothing else is made for it either); bits 1-2
 *      ns/net kind: 0 link to the target (none when empty; one byte b
 *      stands for "net:[4026531840 + b]"), 1 regular file, 2 ns is a
 *      regular file, 3 a directory.
 *   a3 bit k: fd k (k < 8) is named ".k".  a4 bit k: fd k is a file.
 * Link targets stop at a NUL; an empty one is not created.
 * The tree lives in a fresh mkdtemp directory under $TMPDIR, removed after.
 *
 * The root's net/udp, net/raw and net/packet hold section 0's bytes again,
 * net/udp6 and net/raw6 section 1's (when it exists), for run P; its
 * netlink/tcp, udp, raw and packet (stored sock_diag dumps) section 0's and
 * netlink/tcp6, udp6, raw6 section 1's, for run N.
 *
 * Runs: A without options, B with LSN_OPT_ALL_NETNS, both against the
 * harness's model; C (h0 bit 1) with a diagnostics callback that renames a
 * process directory away mid-call (a process exiting during the walk), with
 * the general checks only; L (h0 bit 6, where unshare(CLONE_NEWNET) is
 * allowed: root) on the live /proc, from a network namespace of the
 * harness's own whose only sockets are a listener on 127.0.0.1 and one
 * connection to it: exactly that row, owned by this process, with the
 * streamed walk and net/tcp's early stop (procfs-only code); P with
 * --protocols all --holders --uid (and --all-netns when h0 bit 2), general
 * properties only (run_protocols).
 *
 * Properties (abort() when one breaks):
 *  - A and B: the status, reason, errno and error_path the model predicts
 *    (the host's net/tcp unreadable, the root unusable; LSN_PARTIAL with
 *    LSN_PARTIAL_SIZE_CAP when any table read is over the size cap);
 *    on LSN_OK and LSN_PARTIAL lsn_write_json writes exactly the model's
 *    JSON ("partial":true after the array for LSN_PARTIAL): one row per
 *    0A line the harness parses (lsn_parse_tcp_line, host order, lines
 *    split at '\n', at most LSN_TCP_LINE_MAX), of any table only the whole
 *    lines read before the size cap, non-zero inodes deduplicated (first
 *    seen wins: host tcp, tcp6, then other namespaces by inode), rows sorted
 *    by port, family, address, inode (and namespace: ties are put in that
 *    order first); namespaces from ns/net links (lsn_parse_ns_link), each
 *    read through its lowest member, skipped when its net/tcp fails; no
 *    symbolic link on the way to a file is followed (a table, comm, fd/,
 *    net/ or pid directory that is a link cannot be opened); owner the
 *    lowest holder pid other than 1 (pid 1 only as the sole holder) among
 *    processes whose directory and fd/ open and whose comm and exe are not
 *    ENOENT, fd names starting with '.' skipped, link targets under 64
 *    bytes; comm its first 64 bytes without one trailing '\n', null when it
 *    cannot be read as a regular file; exe verbatim, null when not a link;
 *  - the proc root /proc/self: LSN_ERR_TABLE, its "1/net/tcp" missing;
 *  - every run: status LSN_OK, LSN_PARTIAL or LSN_ERR_TABLE (error_path under the proc
 *    root, message = lsn_reason_text); rows in contract order, non-zero
 *    inodes unique, pids -1 or a pid of the tree, stats agree with the rows;
 *    compact and pretty JSON read back (json_reader) with the trait shape
 *    and the rows' values, and are the same document; the table has one
 *    line per row and no control byte but '\n'; a sink that stops makes the
 *    writers return its value; diagnostics have a path under the root and a
 *    message, a line number only for malformed lines, a tree pid or -1;
 *  - no fd is left open (/proc/self/fd listed before and after); no leak
 *    (LeakSanitizer).
 */
#define _GNU_SOURCE /* unshare */

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "address_text.h"
#include "json_reader.h"
#include "json_string.h"
#include "listeners.h"
#include "socket_link.h"
#include "tcp_line.h"

#define HEADER 8
#define MAX_PROCS 8
#define MAX_LINKS 16
#define ATTRS 5
#define FIXED_FIELDS 5
#define COMM_WRITE_MAX 256
#define LINK_MAX 64     /* collector/procfs.h LSN_PROC_LINK_MAX */
#define READ_CHUNK 4096 /* collector/tables.c */
#define FILLER_BASE 40000
#define JUNK_PID 2147483647
#define NS_BASE 4026531840u

static const int32_t pids[MAX_PROCS] = {1, 2, 10, 99, 100, 1000, 31337, 4194303};
static const uint8_t nothing[1];

enum kind { K_FILE, K_ABSENT, K_DIR, K_FIFO, K_LOOP, K_DANGLING, K_SYMLINK, K_FILE2 };

struct span {
    const uint8_t *p;
    size_t n;
};

struct table {
    unsigned kind;
    int present;
    struct span text;
};

struct proc {
    int32_t pid;
    int pid_kind; /* 0 a directory, 1 a regular file, 2 a symlink */
    unsigned comm_kind, exe_kind, fd_kind, net_kind, ns_kind, dots, files;
    struct span comm, exe, ns;
    struct table tcp, tcp6;
    char *long_exe;
    char ns_buf[40];
    /* the model */
    struct span seen[MAX_LINKS]; /* links readlinkat gives the collector */
    size_t nseen;
    int exited, comm_null, exe_null;
    uint64_t netns;
};

struct tree {
    uint8_t h[HEADER];
    char path[4096];
    char root[4096 + 32];
    size_t rootlen;
    int dirfd;
    int root_mode;
    struct table tcp, tcp6;
    struct proc procs[MAX_PROCS];
    size_t nprocs;
    size_t nfillers;
    uint64_t host_netns, cap;
    int live; /* the live run: any pid of the system */
};

struct row {
    enum lsn_family family;
    uint16_t port;
    uint8_t addr[16];
    uint64_t inode, netns;
    int host;
    const struct proc *owner;
};

struct rows {
    struct row *v;
    size_t n, cap;
};

struct buf {
    char *p;
    size_t n, cap;
};

/* ---- small helpers ---- */

static void put(struct buf *b, const void *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->n + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (!p)
            abort();
        b->p = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static int sink(void *ctx, const char *s, size_t n)
{
    put(ctx, s, n);
    return 0;
}

static int stop_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    (void)s;
    (void)n;
    return 7;
}

static struct span span_or_empty(struct span s)
{
    if (!s.p || !s.n)
        return (struct span){nothing, 0};
    return s;
}

/* Up to the first NUL. */
static struct span until_nul(struct span s)
{
    const uint8_t *z;
    s = span_or_empty(s);
    z = memchr(s.p, 0, s.n);
    if (z)
        s.n = (size_t)(z - s.p);
    return s;
}

static size_t split(const uint8_t *p, size_t n, const char *sep, size_t seplen, struct span *out,
                    size_t max)
{
    size_t count = 0, start = 0;
    for (size_t i = 0; count + 1 < max && i + seplen <= n;) {
        if (memcmp(p + i, sep, seplen) == 0) {
            out[count++] = (struct span){p + start, i - start};
            i += seplen;
            start = i;
        } else {
            i++;
        }
    }
    out[count++] = (struct span){p + start, n - start};
    return count;
}

static void write_file(int dirfd, const char *name, struct span s)
{
    const uint8_t *p = s.p;
    size_t n = s.n;
    int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        abort();
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            abort();
        p += w;
        n -= (size_t)w;
    }
    close(fd);
}

static void xmkdir(int dirfd, const char *name)
{
    if (mkdirat(dirfd, name, 0755) != 0)
        abort();
}

static int xopendir(int dirfd, const char *name)
{
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        abort();
    return fd;
}

static void xsymlink(const char *target, int dirfd, const char *name)
{
    if (symlinkat(target, dirfd, name) != 0)
        abort();
}

/* A link to target (1..LSN_EXE_MAX bytes, no NUL). */
static void make_link(int dirfd, const char *name, struct span target)
{
    char t[LSN_EXE_MAX + 1];
    if (target.n == 0 || target.n > LSN_EXE_MAX)
        abort();
    memcpy(t, target.p, target.n);
    t[target.n] = '\0';
    xsymlink(t, dirfd, name);
}

static void remove_tree(int dirfd)
{
    DIR *d = fdopendir(dirfd);
    if (!d)
        abort();
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            abort();
        if (S_ISDIR(st.st_mode)) {
            remove_tree(xopendir(dirfd, e->d_name));
            if (unlinkat(dirfd, e->d_name, AT_REMOVEDIR) != 0)
                abort();
        } else if (unlinkat(dirfd, e->d_name, 0) != 0) {
            abort();
        }
    }
    closedir(d); /* closes dirfd */
}

/* The process's open fds: how many /proc/self/fd lists and the sum of
 * their numbers (-1: /proc/self/fd cannot be read now, so no comparison). */
static int64_t open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int64_t n = 0, sum = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') {
            n++;
            sum += (int)strtol(e->d_name, NULL, 10); /* fd names: decimal */
        }
    }
    closedir(d);
    return n << 32 | sum;
}

static void pid_name(char *name, size_t cap, int32_t pid)
{
    snprintf(name, cap, "%" PRId32, pid);
}

/* ---- building the tree ---- */

static void make_table(int dirfd, const char *name, const struct table *t)
{
    char real[32];
    switch (t->kind) {
    case K_ABSENT: return;
    case K_DIR: xmkdir(dirfd, name); return;
    case K_FIFO:
        if (mkfifoat(dirfd, name, 0644) != 0)
            abort();
        return;
    case K_LOOP: xsymlink(name, dirfd, name); return;
    case K_DANGLING: xsymlink("nowhere", dirfd, name); return;
    case K_SYMLINK:
        snprintf(real, sizeof real, "%s.real", name);
        write_file(dirfd, real, t->text);
        xsymlink(real, dirfd, name);
        return;
    default:
        if (t->present)
            write_file(dirfd, name, t->text);
    }
}

/* The ns/net target field: one byte b stands for "net:[4026531840 + b]". */
static struct span ns_target(struct span f, char *tmp, size_t cap)
{
    f = until_nul(f);
    if (f.n == 1) {
        int k = snprintf(tmp, cap, "net:[%" PRIu64 "]", (uint64_t)NS_BASE + f.p[0]);
        return (struct span){(const uint8_t *)tmp, (size_t)k};
    }
    if (f.n > LSN_EXE_MAX)
        f.n = LSN_EXE_MAX;
    return f;
}

static void build_proc(struct tree *t, struct proc *p, struct span sec)
{
    struct span f[FIXED_FIELDS + MAX_LINKS];
    uint8_t a[ATTRS] = {0, 0, 0, 0, 0};
    size_t nf = 0;
    char name[32];
    int pfd;

    sec = span_or_empty(sec);
    for (size_t i = 0; i < ATTRS && i < sec.n; i++)
        a[i] = sec.p[i];
    if (sec.n > ATTRS)
        nf = split(sec.p + ATTRS, sec.n - ATTRS, "\x01", 1, f, FIXED_FIELDS + MAX_LINKS);
    for (size_t i = nf; i < FIXED_FIELDS; i++)
        f[i] = (struct span){nothing, 0};
    p->comm_kind = a[0] & 7u;
    p->exe_kind = (a[0] >> 3) & 7u;
    p->fd_kind = (a[0] >> 6) & 3u;
    p->net_kind = a[1] & 3u;
    p->tcp = (struct table){(a[1] >> 2) & 7u, nf > 3, span_or_empty(f[3])};
    p->tcp6 = (struct table){(a[1] >> 5) & 7u, nf > 4, span_or_empty(f[4])};
    p->pid_kind = (a[2] & 1) ? 1 : (a[2] & 8) ? 2 : 0;
    p->ns_kind = (a[2] >> 1) & 3u;
    p->dots = a[3];
    p->files = a[4];
    p->comm = span_or_empty(f[0]);
    if (p->comm.n > COMM_WRITE_MAX)
        p->comm.n = COMM_WRITE_MAX;
    p->exe = until_nul(f[1]);
    if (p->exe.n > LSN_EXE_MAX)
        p->exe.n = LSN_EXE_MAX;
    if (p->exe_kind == 3) {
        struct span src = p->exe.n ? p->exe : (struct span){(const uint8_t *)"/", 1};
        p->long_exe = malloc(LSN_EXE_MAX);
        if (!p->long_exe)
            abort();
        for (size_t i = 0; i < LSN_EXE_MAX; i++)
            p->long_exe[i] = (char)src.p[i % src.n];
        p->exe = (struct span){(const uint8_t *)p->long_exe, LSN_EXE_MAX};
    }
    p->ns = ns_target(f[2], p->ns_buf, sizeof p->ns_buf);

    pid_name(name, sizeof name, p->pid);
    if (p->pid_kind == 1) {
        write_file(t->dirfd, name, (struct span){nothing, 0});
        return;
    }
    if (p->pid_kind == 2) {
        xsymlink("net", t->dirfd, name);
        return;
    }
    xmkdir(t->dirfd, name);
    pfd = xopendir(t->dirfd, name);

    switch (p->comm_kind) {
    case 1: break;
    case 2: xmkdir(pfd, "comm"); break;
    case 3:
        if (mkfifoat(pfd, "comm", 0644) != 0)
            abort();
        break;
    case 4: xsymlink("comm", pfd, "comm"); break;
    case 5: xsymlink("nowhere", pfd, "comm"); break;
    case 6:
        write_file(pfd, "comm.real", p->comm);
        xsymlink("comm.real", pfd, "comm");
        break;
    default: write_file(pfd, "comm", p->comm);
    }

    switch (p->exe_kind) {
    case 1: write_file(pfd, "exe", p->exe); break;
    case 2: xmkdir(pfd, "exe"); break;
    case 4: break;
    default:
        if (p->exe.n)
            make_link(pfd, "exe", p->exe);
    }

    switch (p->ns_kind) {
    case 0:
        if (p->ns.n) {
            xmkdir(pfd, "ns");
            int nsfd = xopendir(pfd, "ns");
            make_link(nsfd, "net", p->ns);
            close(nsfd);
        }
        break;
    case 1: {
        xmkdir(pfd, "ns");
        int nsfd = xopendir(pfd, "ns");
        write_file(nsfd, "net", p->ns);
        close(nsfd);
        break;
    }
    case 2: write_file(pfd, "ns", p->ns); break;
    default: {
        xmkdir(pfd, "ns");
        int nsfd = xopendir(pfd, "ns");
        xmkdir(nsfd, "net");
        close(nsfd);
    }
    }

    switch (p->net_kind) {
    case 1: {
        xmkdir(pfd, "net");
        int nfd = xopendir(pfd, "net");
        make_table(nfd, "tcp", &p->tcp);
        make_table(nfd, "tcp6", &p->tcp6);
        close(nfd);
        break;
    }
    case 2: write_file(pfd, "net", (struct span){nothing, 0}); break;
    case 3: xsymlink("../net", pfd, "net"); break;
    default: break;
    }

    if (p->fd_kind == 0 || p->fd_kind == 3) {
        const char *dir = p->fd_kind == 0 ? "fd" : "fd.real";
        xmkdir(pfd, dir);
        if (p->fd_kind == 3)
            xsymlink("fd.real", pfd, "fd");
        int ffd = xopendir(pfd, dir);
        for (size_t k = FIXED_FIELDS; k < nf; k++) {
            struct span s = until_nul(f[k]);
            size_t i = k - FIXED_FIELDS;
            int dot = i < 8 && (p->dots >> i) & 1, file = i < 8 && (p->files >> i) & 1;
            if (s.n == 0 || s.n > LSN_EXE_MAX)
                continue;
            snprintf(name, sizeof name, "%s%zu", dot ? "." : "", i);
            if (file)
                write_file(ffd, name, s);
            else
                make_link(ffd, name, s);
            if (!dot && !file && s.n < LINK_MAX)
                p->seen[p->nseen++] = s;
        }
        close(ffd);
    } else if (p->fd_kind == 2) {
        write_file(pfd, "fd", (struct span){nothing, 0});
    }
    close(pfd);
}

static void build(struct tree *t, const uint8_t *data, size_t size)
{
    struct span sec[2 + MAX_PROCS];
    const uint8_t *rest = size > HEADER ? data + HEADER : nothing;
    size_t nrest = size > HEADER ? size - HEADER : 0, nsec;
    const char *tmp = getenv("TMPDIR");
    int netfd;

    for (size_t i = 0; i < HEADER; i++)
        t->h[i] = i < size ? data[i] : 0;
    nsec = split(rest, nrest, "\n--\n", 4, sec, 2 + MAX_PROCS);

    snprintf(t->path, sizeof t->path, "%s/lsn-collector-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t->path))
        abort();
    t->dirfd = xopendir(AT_FDCWD, t->path);
    t->root_mode = (t->h[0] & 0x20) ? 4 : (t->h[0] >> 3) & 3;
    if (t->root_mode == 4)
        snprintf(t->root, sizeof t->root, "/proc/self");
    else
        snprintf(t->root, sizeof t->root, "%s%s", t->path,
                 t->root_mode == 1   ? "/"
                 : t->root_mode == 2 ? "/missing"
                 : t->root_mode == 3 ? "/rootfile"
                                     : "");
    t->rootlen = strlen(t->root);
    if (t->root_mode == 3)
        write_file(t->dirfd, "rootfile", (struct span){nothing, 0});
    t->cap = (uint64_t)t->h[4] * 64u;

    /* host tables */
    t->tcp = (struct table){t->h[1] & 7u, 1, span_or_empty(sec[0])};
    t->tcp6 = (struct table){(t->h[1] >> 3) & 7u, nsec > 1,
                             nsec > 1 ? span_or_empty(sec[1]) : (struct span){nothing, 0}};
    xmkdir(t->dirfd, "net");
    netfd = xopendir(t->dirfd, "net");
    make_table(netfd, "tcp", &t->tcp);
    make_table(netfd, "tcp6", &t->tcp6);
    /* run P's tables (--protocols all): the sections' bytes again, read
     * with the udp, raw and packet grammars */
    write_file(netfd, "udp", span_or_empty(sec[0]));
    write_file(netfd, "raw", span_or_empty(sec[0]));
    write_file(netfd, "packet", span_or_empty(sec[0]));
    if (nsec > 1) {
        write_file(netfd, "udp6", span_or_empty(sec[1]));
        write_file(netfd, "raw6", span_or_empty(sec[1]));
    }
    close(netfd);
    /* run N's stored netlink dumps: the same bytes, read as netlink records */
    xmkdir(t->dirfd, "netlink");
    netfd = xopendir(t->dirfd, "netlink");
    write_file(netfd, "tcp", span_or_empty(sec[0]));
    write_file(netfd, "udp", span_or_empty(sec[0]));
    write_file(netfd, "raw", span_or_empty(sec[0]));
    write_file(netfd, "packet", span_or_empty(sec[0]));
    if (nsec > 1) {
        write_file(netfd, "tcp6", span_or_empty(sec[1]));
        write_file(netfd, "udp6", span_or_empty(sec[1]));
        write_file(netfd, "raw6", span_or_empty(sec[1]));
    }
    close(netfd);

    /* self/ns/net */
    {
        char link[64];
        unsigned self = t->h[2] & 7u;
        uint64_t h = (uint64_t)NS_BASE + t->h[3];
        if (self >= 1 && self <= 3) {
            xmkdir(t->dirfd, "self");
            int sfd = xopendir(t->dirfd, "self");
            xmkdir(sfd, "ns");
            int nsfd = xopendir(sfd, "ns");
            snprintf(link, sizeof link, "%s:[%" PRIu64 "]", self == 2 ? "mnt" : "net", h);
            if (self == 3)
                write_file(nsfd, "net", (struct span){(const uint8_t *)link, strlen(link)});
            else
                xsymlink(link, nsfd, "net");
            close(nsfd);
            close(sfd);
        } else if (self == 4) {
            write_file(t->dirfd, "self", (struct span){nothing, 0});
        }
        t->host_netns = self == 1 ? h : 0;
    }

    /* junk entries of the root */
    {
        static const char *const junk[8] = {"0",  "1a",          "4294967296", "-1",
                                            "01", "12345678901", "2147483648", "2147483647"};
        for (unsigned i = 0; i < 8; i++) {
            if (!((t->h[6] >> i) & 1))
                continue;
            if (i < 4)
                write_file(t->dirfd, junk[i], (struct span){nothing, 0});
            else
                xmkdir(t->dirfd, junk[i]);
        }
    }

    /* filler pids */
    if (t->h[0] & 0x80) {
        char name[32];
        t->nfillers = 1000u + t->h[5];
        write_file(t->dirfd, "filler", (struct span){nothing, 0});
        for (size_t i = 0; i < t->nfillers; i++) {
            pid_name(name, sizeof name, (int32_t)(FILLER_BASE + i));
            if (linkat(t->dirfd, "filler", t->dirfd, name, 0) != 0)
                abort();
        }
    }

    t->nprocs = nsec > 2 ? nsec - 2 : 0;
    for (size_t i = 0; i < t->nprocs; i++) {
        t->procs[i].pid = pids[i];
        build_proc(t, &t->procs[i], sec[2 + i]);
    }
}

static int tree_pid(const struct tree *t, int32_t pid)
{
    if (t->live)
        return pid > 0;
    for (size_t i = 0; i < t->nprocs; i++)
        if (t->procs[i].pid == pid)
            return 1;
    if (t->nfillers && pid >= FILLER_BASE && (size_t)(pid - FILLER_BASE) < t->nfillers)
        return 1;
    return pid == JUNK_PID && (t->h[6] & 0x80);
}

/* ---- the model ---- */

/* What reading a table gives: a reason (NONE: read) and errno, and the
 * bytes whose lines become rows (all of them, or those read before the
 * size cap stopped the read). */
struct outcome {
    enum lsn_reason why;
    int err;
    struct span text;
};

static struct outcome table_outcome(const struct table *t, uint64_t cap)
{
    struct outcome o = {LSN_REASON_NONE, 0, {nothing, 0}};
    switch (t->kind) {
    case K_ABSENT:
        o.why = LSN_REASON_OPEN;
        o.err = ENOENT;
        return o;
    case K_DIR:
    case K_FIFO: o.why = LSN_REASON_NOT_REGULAR; return o;
    case K_LOOP:
    case K_DANGLING:
    case K_SYMLINK: o.why = LSN_REASON_LINK; return o; /* never followed */
    default:
        if (!t->present) {
            o.why = LSN_REASON_OPEN;
            o.err = ENOENT;
            return o;
        }
    }
    o.text = span_or_empty(t->text);
    if (cap && o.text.n > cap) {
        size_t fed = (size_t)(cap - cap % READ_CHUNK), keep = 0;
        for (size_t i = 0; i < fed && i < o.text.n; i++)
            if (o.text.p[i] == '\n')
                keep = i + 1;
        o.text.n = keep;
        o.why = LSN_REASON_TOO_LARGE;
        o.err = EFBIG;
    }
    return o;
}

static void add_rows(struct rows *rows, struct span table, enum lsn_family family, uint64_t netns,
                     int host)
{
    size_t start = 0;
    while (start < table.n) {
        const uint8_t *nl = memchr(table.p + start, '\n', table.n - start);
        size_t end = nl ? (size_t)(nl - table.p) + 1 : table.n;
        struct lsn_tcp_line t;
        if (end - start <= LSN_TCP_LINE_MAX &&
            lsn_parse_tcp_line((const char *)table.p + start, end - start, family, LSN_ORDER_HOST,
                               &t) == LSN_TCP_OK &&
            t.state == LSN_TCP_LISTEN) {
            /* a row of the inode that is this socket (dropped: printed
             * again), or only other sockets with its number (both stay,
             * unowned). Namespace 0 (unknown) matches any: its lines come
             * before any of a known namespace. */
            int dup = 0;
            for (size_t i = 0; t.inode && i < rows->n && !dup; i++) {
                const struct row *f = &rows->v[i];
                dup = f->inode == t.inode && f->family == family && f->port == t.local_port &&
                      memcmp(f->addr, t.local_address, 16) == 0 &&
                      (f->netns == netns || f->netns == 0 || netns == 0);
            }
            if (!dup) {
                if (rows->n == rows->cap) {
                    rows->cap = rows->cap ? rows->cap * 2 : 16;
                    rows->v = realloc(rows->v, rows->cap * sizeof *rows->v);
                    if (!rows->v)
                        abort();
                }
                struct row *r = &rows->v[rows->n++];
                memset(r, 0, sizeof *r);
                r->family = family;
                r->port = t.local_port;
                memcpy(r->addr, t.local_address, 16);
                r->inode = t.inode;
                r->netns = netns;
                r->host = host;
            }
        }
        start = end;
    }
}

/* An optional table (tcp6): absent is fine, the rows read before an error
 * stay. 1 when the size cap cut it (the result is partial). */
static int add_optional(struct rows *rows, const struct table *t, uint64_t cap, uint64_t netns,
                        int host)
{
    struct outcome o = table_outcome(t, cap);
    add_rows(rows, o.text, LSN_FAMILY_IPV6, netns, host);
    return o.why == LSN_REASON_TOO_LARGE;
}

/* What the collector sees of each process. Links in the tree are never
 * followed: a comm that is a link (ELOOP) or not a regular file gives a
 * null comm, fd/ as a link gives no fds, a pid that is a link or a file is
 * not a process. ENOENT from comm or exe means the holder has exited. */
static void model_procs(struct tree *t)
{
    for (size_t i = 0; i < t->nprocs; i++) {
        struct proc *p = &t->procs[i];
        p->exited = p->pid_kind || p->comm_kind == 1 || p->exe_kind == 4 ||
                    ((p->exe_kind == 0 || p->exe_kind >= 5) && p->exe.n == 0);
        p->comm_null = p->comm_kind >= 2 && p->comm_kind <= 6;
        p->exe_null = p->exe_kind == 1 || p->exe_kind == 2;
        p->netns = 0;
        if (!p->pid_kind && p->ns_kind == 0 && p->ns.n && p->ns.n < LINK_MAX &&
            lsn_parse_ns_link((const char *)p->ns.p, p->ns.n, "net", &p->netns) != 0)
            p->netns = 0;
        if (p->pid_kind || p->fd_kind != 0)
            p->nseen = 0;
    }
}

static int holds(const struct proc *p, uint64_t inode)
{
    for (size_t i = 0; i < p->nseen; i++) {
        uint64_t v;
        if (lsn_parse_socket_link((const char *)p->seen[i].p, p->seen[i].n, &v) ==
                LSN_LINK_SOCKET &&
            v == inode)
            return 1;
    }
    return 0;
}

static int ns_cmp(const void *a, const void *b)
{
    const struct proc *const *x = a, *const *y = b;
    if ((*x)->netns != (*y)->netns)
        return (*x)->netns < (*y)->netns ? -1 : 1;
    return (*x)->pid < (*y)->pid ? -1 : (*x)->pid > (*y)->pid;
}

/* The rows of the host's tables (and with all, of every other namespace),
 * with their owners. Returns the expected status; *fail the host net/tcp's
 * outcome. */
static enum lsn_status model(const struct tree *t, int all, struct rows *rows, struct outcome *fail)
{
    uint64_t host = all ? t->host_netns : 0;
    struct outcome o = table_outcome(&t->tcp, t->cap);
    int cut = o.why == LSN_REASON_TOO_LARGE; /* the rows before the cap stay: partial */
    *fail = o;
    if (o.why != LSN_REASON_NONE && !cut)
        return LSN_ERR_TABLE;
    add_rows(rows, o.text, LSN_FAMILY_IPV4, host, all);
    cut |= add_optional(rows, &t->tcp6, t->cap, host, all);

    if (all) {
        /* members by namespace, lowest pid first */
        const struct proc *m[MAX_PROCS];
        size_t nm = 0;
        for (size_t i = 0; i < t->nprocs; i++)
            if (t->procs[i].netns)
                m[nm++] = &t->procs[i];
        if (nm > 1)
            qsort(m, nm, sizeof(const struct proc *), ns_cmp);
        for (size_t i = 0; i < nm; i++) {
            const struct proc *p = m[i];
            const struct table *tcp = &p->tcp, *tcp6 = &p->tcp6;
            if ((i && m[i - 1]->netns == p->netns) || p->netns == t->host_netns)
                continue;
            if (p->net_kind != 1)
                continue; /* net/tcp: ENOENT, ENOTDIR, a link (not followed) */
            o = table_outcome(tcp, t->cap);
            if (o.why != LSN_REASON_NONE && o.why != LSN_REASON_TOO_LARGE)
                continue;
            cut |= o.why == LSN_REASON_TOO_LARGE;
            add_rows(rows, o.text, LSN_FAMILY_IPV4, p->netns, 0);
            cut |= add_optional(rows, tcp6, t->cap, p->netns, 0);
        }
    }

    for (size_t r = 0; r < rows->n; r++) {
        size_t same = 0;
        if (rows->v[r].inode == 0)
            continue;
        for (size_t i = 0; i < rows->n; i++)
            same += rows->v[i].inode == rows->v[r].inode;
        if (same > 1)
            continue; /* a shared inode matches no fd */
        for (size_t i = 0; i < t->nprocs; i++) {
            const struct proc *p = &t->procs[i];
            if (p->exited || !holds(p, rows->v[r].inode))
                continue;
            const struct proc *cur = rows->v[r].owner;
            if (!cur || cur->pid == 1 || (p->pid != 1 && p->pid < cur->pid))
                rows->v[r].owner = p;
        }
    }
    return cut ? LSN_PARTIAL : LSN_OK;
}

static int key_cmp(uint16_t port1, enum lsn_family f1, const uint8_t *a1, uint64_t i1,
                   uint16_t port2, enum lsn_family f2, const uint8_t *a2, uint64_t i2)
{
    if (port1 != port2)
        return port1 < port2 ? -1 : 1;
    if (f1 != f2)
        return f1 == LSN_FAMILY_IPV4 ? -1 : 1;
    int c = memcmp(a1, a2, 16);
    if (c)
        return c;
    return i1 < i2 ? -1 : i1 > i2;
}

static int row_cmp(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    int c = key_cmp(x->port, x->family, x->addr, x->inode, y->port, y->family, y->addr, y->inode);
    if (c)
        return c;
    return x->netns < y->netns ? -1 : x->netns > y->netns;
}

static int listener_cmp(const struct lsn_listener *x, const struct lsn_listener *y)
{
    return key_cmp(x->port, x->family, x->bind_address, x->inode, y->port, y->family,
                   y->bind_address, y->inode);
}

static void put_json_string(struct buf *b, const uint8_t *s, size_t n)
{
    size_t cap = LSN_JSON_STRING_SIZE(n), len;
    char *tmp = malloc(cap);
    if (!tmp || lsn_json_string((const char *)s, n, tmp, cap, &len) != LSN_JSON_OK)
        abort();
    put(b, tmp, len);
    free(tmp);
}

static void model_json(struct buf *want, const struct rows *rows, int all, int partial)
{
    puts_(want, "{\"listeners\":{\"listeners\":[");
    for (size_t r = 0; r < rows->n; r++) {
        const struct row *w = &rows->v[r];
        char text[128], addr[LSN_IPV6_TEXT_SIZE];
        if (w->family == LSN_FAMILY_IPV6)
            lsn_ipv6_text(w->addr, addr, sizeof addr, NULL);
        else
            lsn_ipv4_text(w->addr, addr, sizeof addr, NULL);
        snprintf(text, sizeof text, "%s{\"port\":%u,\"family\":\"%s\",\"protocol\":\"tcp\",",
                 r ? "," : "", (unsigned)w->port, w->family == LSN_FAMILY_IPV6 ? "ipv6" : "ipv4");
        puts_(want, text);
        puts_(want, "\"bind_address\":\"");
        puts_(want, addr);
        if (!w->owner) {
            puts_(want, "\",\"pid\":null,\"comm\":null,\"exe\":null");
        } else {
            const struct proc *p = w->owner;
            snprintf(text, sizeof text, "\",\"pid\":%d,\"comm\":", (int)p->pid);
            puts_(want, text);
            if (p->comm_null) {
                puts_(want, "null");
            } else {
                struct span c = p->comm;
                if (c.n > LSN_COMM_MAX)
                    c.n = LSN_COMM_MAX;
                if (c.n && c.p[c.n - 1] == '\n')
                    c.n--;
                put_json_string(want, c.p, c.n);
            }
            puts_(want, ",\"exe\":");
            if (p->exe_null)
                puts_(want, "null");
            else
                put_json_string(want, p->exe.p, p->exe.n);
        }
        if (all) {
            if (w->netns)
                snprintf(text, sizeof text, ",\"netns\":%" PRIu64, w->netns);
            else
                snprintf(text, sizeof text, ",\"netns\":null");
            puts_(want, text);
            puts_(want, w->host ? ",\"netns_host\":true" : ",\"netns_host\":false");
        }
        puts_(want, "}");
    }
    puts_(want, partial ? "],\"partial\":true}}\n" : "]}}\n");
}

/* ---- checks of any result ---- */

struct diag_ctx {
    const struct tree *t;
    int mutate, done;
    unsigned kind, nth, seen;
    size_t victim;
    uint64_t count;
};

static void on_diag(void *ctx, const struct lsn_diag *d)
{
    struct diag_ctx *c = ctx;
    if (!d || !d->path || !d->message || !*d->message || (unsigned)d->kind > LSN_DIAG_INODE)
        abort();
    if (strncmp(d->path, c->t->root, c->t->rootlen) != 0)
        abort();
    if ((d->kind == LSN_DIAG_MALFORMED_LINE || d->kind == LSN_DIAG_INODE) != (d->line != 0))
        abort();
    if (d->pid != -1 && !tree_pid(c->t, d->pid))
        abort();
    c->count++;
    if (c->mutate && !c->done && (unsigned)d->kind == c->kind && c->seen++ == c->nth) {
        /* The victim exits: its directory goes away under the collector. */
        char name[32], gone[48];
        c->done = 1;
        if (c->victim < c->t->nprocs) {
            pid_name(name, sizeof name, c->t->procs[c->victim].pid);
            snprintf(gone, sizeof gone, ".gone-%s", name);
            (void)renameat(c->t->dirfd, name, c->t->dirfd, gone);
        }
    }
}

static int u64_cmp(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    return *x < *y ? -1 : *x > *y;
}

static void check_result(const struct tree *t, const struct lsn_result *r, int all)
{
    size_t owned = 0, matchable = 0, k = 0;
    uint64_t *inodes;

    if (!r->error_message || strcmp(r->error_message, lsn_reason_text(r->reason)) != 0)
        abort();
    if (r->status == LSN_ERR_TABLE) {
        if (!r->error_path || strncmp(r->error_path, t->root, t->rootlen) != 0 || r->count ||
            r->listeners || r->reason == LSN_REASON_NONE || !*r->error_message ||
            r->stats.attributed)
            abort();
        return;
    }
    if ((r->status != LSN_OK && r->status != LSN_PARTIAL) ||
        r->partial != (r->status == LSN_PARTIAL ? LSN_PARTIAL_SIZE_CAP : 0u) || r->error_path ||
        r->reason != LSN_REASON_NONE || r->error || r->all_netns != all ||
        (!all && r->host_netns) || (r->count && !r->listeners))
        abort();
    inodes = malloc((r->count + 1) * sizeof *inodes);
    if (!inodes)
        abort();
    for (size_t i = 0; i < r->count; i++) {
        const struct lsn_listener *l = &r->listeners[i];
        if (l->family != LSN_FAMILY_IPV4 && l->family != LSN_FAMILY_IPV6)
            abort();
        if (l->pid != -1 && !tree_pid(t, l->pid))
            abort();
        if (l->pid < 0 && (l->comm || l->exe))
            abort();
        if (l->inode == 0 && l->pid != -1)
            abort();
        if (l->comm ? l->comm_len > LSN_COMM_MAX || l->comm[l->comm_len] != '\0' : l->comm_len != 0)
            abort();
        if (l->exe_verified != LSN_EXE_UNKNOWN ||
            l->netns_host > 1) /* no LSN_OPT_VERIFY_EXE here */
            abort();
        if (l->exe && (l->exe_len == 0 || l->exe_len > LSN_EXE_MAX || l->exe[l->exe_len] != '\0' ||
                       memchr(l->exe, 0, l->exe_len)))
            abort();
        if (!all && (l->netns || l->netns_host))
            abort();
        if (all && l->netns_host != (l->netns == r->host_netns))
            abort();
        if (i && listener_cmp(&r->listeners[i - 1], l) > 0)
            abort();
        owned += l->pid >= 0;
        if (l->inode)
            inodes[k++] = l->inode;
    }
    /* An inode on two rows is two sockets with one number: neither owned,
     * neither matchable, each a LSN_DIAG_INODE (stats.inodes_shared). */
    matchable = k;
    if (k > 1) {
        size_t shared = 0;
        qsort(inodes, k, sizeof *inodes, u64_cmp);
        for (size_t i = 0, j; i < k; i = j) {
            for (j = i + 1; j < k && inodes[j] == inodes[i]; j++)
                ;
            if (j - i == 1)
                continue;
            matchable -= j - i;
            shared += j - i - 1;
            for (size_t w = 0; w < r->count; w++)
                if (r->listeners[w].inode == inodes[i] && r->listeners[w].pid != -1)
                    abort();
        }
        if (r->stats.inodes_shared < shared)
            abort();
    }
    free(inodes);
    if (r->stats.listeners != r->count || r->stats.attributed != owned ||
        r->stats.matchable != matchable)
        abort();
}

/* Ties of the contract's order (same port, family, address, inode: inode 0
 * rows of several namespaces) in namespace order, as the model has them. */
static void canonical_ties(struct lsn_result *r)
{
    for (size_t i = 1; i < r->count; i++) {
        struct lsn_listener hold = r->listeners[i];
        size_t k = i;
        while (k > 0 && listener_cmp(&r->listeners[k - 1], &hold) == 0 &&
               r->listeners[k - 1].netns > hold.netns) {
            r->listeners[k] = r->listeners[k - 1];
            k--;
        }
        r->listeners[k] = hold;
    }
}

static int tok_is(const char *s, const struct lsn_jsonr_token *tok, enum lsn_jsonr_type type,
                  const char *text)
{
    size_t n = text ? strlen(text) : 0;
    if (tok->type != type)
        return 0;
    return !text || (tok->end - tok->start == n && memcmp(s + tok->start, text, n) == 0);
}

static struct lsn_jsonr_token *read_json(const struct buf *b, size_t cap, size_t *ntok)
{
    struct lsn_jsonr_token *tok = malloc(cap * sizeof *tok);
    if (!tok || lsn_json_read(b->p, b->n, tok, cap, 0, ntok, NULL) != LSN_JSONR_OK)
        abort();
    return tok;
}

/* The trait's shape with the rows' values; pretty is the same document. */
static void check_json(const struct lsn_result *r, const struct buf *compact,
                       const struct buf *pretty)
{
    static const char *const keys[9] = {"port", "family", "protocol", "bind_address", "pid",
                                        "comm", "exe",    "netns",    "netns_host"};
    size_t cap = 20 * r->count + 8, n1, n2, i;
    struct lsn_jsonr_token *t = read_json(compact, cap, &n1);
    struct lsn_jsonr_token *u = read_json(pretty, cap, &n2);
    const char *s = compact->p;
    size_t nkeys = r->all_netns ? 9 : 7;

    if (compact->n == 0 || compact->p[compact->n - 1] != '\n' || pretty->p[pretty->n - 1] != '\n')
        abort();
    if (n1 < 5 || !tok_is(s, &t[0], LSN_JSONR_OBJECT, NULL) || t[0].size != 1 ||
        !tok_is(s, &t[1], LSN_JSONR_STRING, "listeners") ||
        !tok_is(s, &t[2], LSN_JSONR_OBJECT, NULL) ||
        t[2].size != (r->status == LSN_PARTIAL ? 2u : 1u) ||
        !tok_is(s, &t[3], LSN_JSONR_STRING, "listeners") ||
        !tok_is(s, &t[4], LSN_JSONR_ARRAY, NULL) || t[4].size != r->count)
        abort();
    i = 5;
    for (size_t row = 0; row < r->count; row++) {
        const struct lsn_listener *l = &r->listeners[row];
        char num[32], addr[LSN_IPV6_TEXT_SIZE];
        size_t next = t[i].next;
        if (!tok_is(s, &t[i], LSN_JSONR_OBJECT, NULL) || t[i].size != nkeys)
            abort();
        for (size_t k = 0; k < nkeys; k++)
            if (!tok_is(s, &t[i + 1 + 2 * k], LSN_JSONR_STRING, keys[k]))
                abort();
#define VAL(k) (&t[i + 2 + 2 * (size_t)(k)])
        snprintf(num, sizeof num, "%u", (unsigned)l->port);
        if (!tok_is(s, VAL(0), LSN_JSONR_NUMBER, num) ||
            !tok_is(s, VAL(1), LSN_JSONR_STRING, lsn_family_name(l->family)) ||
            !tok_is(s, VAL(2), LSN_JSONR_STRING, "tcp"))
            abort();
        if (l->family == LSN_FAMILY_IPV6)
            lsn_ipv6_text(l->bind_address, addr, sizeof addr, NULL);
        else
            lsn_ipv4_text(l->bind_address, addr, sizeof addr, NULL);
        if (!tok_is(s, VAL(3), LSN_JSONR_STRING, addr))
            abort();
        snprintf(num, sizeof num, "%" PRId32, l->pid);
        if (l->pid < 0 ? !tok_is(s, VAL(4), LSN_JSONR_NULL, NULL)
                       : !tok_is(s, VAL(4), LSN_JSONR_NUMBER, num))
            abort();
        if (!tok_is(s, VAL(5), l->pid >= 0 && l->comm ? LSN_JSONR_STRING : LSN_JSONR_NULL, NULL) ||
            !tok_is(s, VAL(6), l->pid >= 0 && l->exe ? LSN_JSONR_STRING : LSN_JSONR_NULL, NULL))
            abort();
        if (r->all_netns) {
            snprintf(num, sizeof num, "%" PRIu64, l->netns);
            if ((l->netns ? !tok_is(s, VAL(7), LSN_JSONR_NUMBER, num)
                          : !tok_is(s, VAL(7), LSN_JSONR_NULL, NULL)) ||
                !tok_is(s, VAL(8), l->netns_host ? LSN_JSONR_TRUE : LSN_JSONR_FALSE, NULL))
                abort();
        }
#undef VAL
        if (next != i + 1 + 2 * nkeys)
            abort();
        i = next;
    }
    if (r->status == LSN_PARTIAL) { /* outside the trait, after the array */
        if (i + 2 > n1 || !tok_is(s, &t[i], LSN_JSONR_STRING, "partial") ||
            !tok_is(s, &t[i + 1], LSN_JSONR_TRUE, NULL))
            abort();
        i += 2;
    }
    if (i != n1)
        abort();
    /* pretty: the same tokens, the same scalar bytes */
    if (n2 != n1)
        abort();
    for (i = 0; i < n1; i++) {
        if (t[i].type != u[i].type || t[i].size != u[i].size || t[i].next != u[i].next)
            abort();
        if (t[i].type != LSN_JSONR_OBJECT && t[i].type != LSN_JSONR_ARRAY &&
            (t[i].end - t[i].start != u[i].end - u[i].start ||
             memcmp(s + t[i].start, pretty->p + u[i].start, t[i].end - t[i].start) != 0))
            abort();
    }
    free(t);
    free(u);
}

static void check_table(const struct lsn_result *r, const struct buf *b)
{
    size_t lines = 0;
    if (b->n == 0 || b->p[b->n - 1] != '\n')
        abort();
    for (size_t i = 0; i < b->n; i++) {
        unsigned char c = (unsigned char)b->p[i];
        if (c == '\n')
            lines++;
        else if (c < 0x20 || c == 0x7f)
            abort();
    }
    /* the header line: NETNS only with --all-netns */
    const char *nl = memchr(b->p, '\n', b->n), *netns = strstr(b->p, "NETNS");
    if (lines != r->count + 1 || (netns != NULL && netns < nl) != (r->all_netns != 0))
        abort();
}

/* Writes r every way; returns the compact JSON (caller frees). */
static struct buf write_all(const struct lsn_result *r)
{
    struct buf compact = {0}, pretty = {0}, table = {0};
    if (lsn_write_json(r, 0, sink, &compact) != 0 || lsn_write_json(r, 1, sink, &pretty) != 0 ||
        lsn_write_table(r, sink, &table) != 0)
        abort();
    check_json(r, &compact, &pretty);
    check_table(r, &table);
    if (lsn_write_json(r, 0, stop_sink, NULL) != 7 || lsn_write_table(r, stop_sink, NULL) != 7)
        abort();
    free(pretty.p);
    free(table.p);
    return compact;
}

/* Run A (all = 0) or B (all = 1): exactly the model. */
static void run_model(const struct tree *t, int all)
{
    struct diag_ctx dc;
    struct lsn_options opts;
    struct lsn_result res;
    struct rows rows = {NULL, 0, 0};
    struct outcome fail;
    enum lsn_status want;

    memset(&dc, 0, sizeof dc);
    dc.t = t;
    memset(&opts, 0, sizeof opts);
    opts.proc_root = t->root;
    opts.byte_order = LSN_ORDER_HOST;
    opts.diag = !all && (t->h[0] & 1) ? NULL : on_diag;
    opts.diag_ctx = &dc;
    opts.max_table_bytes = t->cap;
    opts.flags = all ? LSN_OPT_ALL_NETNS : 0;
    if (lsn_collect(&opts, &res) != res.status)
        abort();
    check_result(t, &res, all);

    if (t->root_mode == 4) {
        /* /proc/self: procfs, but not a proc root: no "self" in it, so the
         * host's tables would be those of its pid 1 (procfs.h), which it
         * does not have either. */
        if (res.status != LSN_ERR_TABLE || (res.reason != LSN_REASON_OPEN_ROOT &&
                                            (res.reason != LSN_REASON_OPEN || res.error != ENOENT ||
                                             strcmp(res.error_path, "/proc/self/net/tcp") != 0)))
            abort();
        lsn_result_free(&res);
        return;
    }
    if (t->root_mode >= 2) {
        if (res.status != LSN_ERR_TABLE || res.reason != LSN_REASON_OPEN_ROOT ||
            res.error != (t->root_mode == 2 ? ENOENT : ENOTDIR) ||
            strcmp(res.error_path, t->root) != 0)
            abort();
        lsn_result_free(&res);
        return;
    }
    want = model(t, all, &rows, &fail);
    if (res.status != want)
        abort();
    if (want == LSN_ERR_TABLE) {
        char path[4096 + 64];
        snprintf(path, sizeof path, "%s/net/tcp", t->path);
        if (res.reason != fail.why || res.error != fail.err || strcmp(res.error_path, path) != 0)
            abort();
    } else {
        struct buf want_json = {0}, got;
        if (res.count != rows.n || res.host_netns != (all ? t->host_netns : 0))
            abort();
        if (rows.n > 1)
            qsort(rows.v, rows.n, sizeof *rows.v, row_cmp);
        model_json(&want_json, &rows, all, want == LSN_PARTIAL);
        canonical_ties(&res);
        got = write_all(&res);
        if (got.n != want_json.n || memcmp(got.p, want_json.p, got.n) != 0)
            abort();
        free(got.p);
        free(want_json.p);
    }
    free(rows.v);
    lsn_result_free(&res);
}

/* Run C: a process exits under the collector; general checks only. */
static void run_changing(const struct tree *t)
{
    struct diag_ctx dc;
    struct lsn_options opts;
    struct lsn_result res;

    memset(&dc, 0, sizeof dc);
    dc.t = t;
    dc.mutate = 1;
    dc.kind = t->h[7] & 3u;
    dc.nth = (t->h[7] >> 2) & 7u;
    dc.victim = (size_t)(t->h[7] >> 5);
    memset(&opts, 0, sizeof opts);
    opts.proc_root = t->root;
    opts.byte_order = LSN_ORDER_HOST;
    opts.diag = on_diag;
    opts.diag_ctx = &dc;
    opts.max_table_bytes = t->cap;
    opts.flags = (t->h[0] & 4) ? LSN_OPT_ALL_NETNS : 0;
    if (lsn_collect(&opts, &res) != res.status)
        abort();
    check_result(t, &res, (t->h[0] & 4) != 0);
    if (res.status == LSN_OK || res.status == LSN_PARTIAL) {
        struct buf got = write_all(&res);
        free(got.p);
    }
    lsn_result_free(&res);
}

/* The live /proc, in a network namespace of the harness's own (unshare:
 * root only) where the only TCP sockets are a listener on 127.0.0.1 and one
 * connection to it: the tables are known, and the lowest holder of the
 * listener is this process. Set up once per process. */
static struct {
    int state; /* -1 not tried, 0 not possible here, 1 ready */
    int fds[3];
    uint16_t port;
    uint64_t inode;
} live = {-1, {-1, -1, -1}, 0, 0};

static void live_setup(void)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    struct ifreq ifr;
    struct stat sb;
    int s;

    live.state = 0;
    if (unshare(CLONE_NEWNET) != 0)
        return;
    s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
        abort();
    ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP);
    if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
        abort();
    close(s);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    live.fds[0] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    live.fds[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (live.fds[0] < 0 || live.fds[1] < 0 ||
        bind(live.fds[0], (struct sockaddr *)&a, sizeof a) != 0 || listen(live.fds[0], 4) != 0 ||
        getsockname(live.fds[0], (struct sockaddr *)&a, &alen) != 0 ||
        connect(live.fds[1], (struct sockaddr *)&a, sizeof a) != 0 ||
        (live.fds[2] = accept4(live.fds[0], NULL, NULL, SOCK_CLOEXEC)) < 0 ||
        fstat(live.fds[0], &sb) != 0)
        abort();
    live.port = ntohs(a.sin_port);
    live.inode = (uint64_t)sb.st_ino;
    live.state = 1;
}

/* Run L: lsn_collect of the live /proc (proc_root NULL): one row, this
 * process's listener, owned by this process; the streamed walk, and the
 * early stop of net/tcp at the connection's line. */
static void run_live(const struct tree *t)
{
    static struct tree lt;
    struct diag_ctx dc;
    struct lsn_options opts;
    struct lsn_result res;
    char comm[LSN_COMM_MAX + 2], exe[LSN_EXE_MAX + 1];
    ssize_t exe_len = readlink("/proc/self/exe", exe, sizeof exe);
    size_t comm_len = 0;
    int fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
    static const uint8_t loopback[16] = {127, 0, 0, 1};

    if (fd < 0 || exe_len <= 0)
        abort();
    for (ssize_t got; (got = read(fd, comm + comm_len, sizeof comm - 1 - comm_len)) > 0;)
        comm_len += (size_t)got;
    close(fd);
    if (comm_len && comm[comm_len - 1] == '\n')
        comm_len--;
    lt = *t;
    snprintf(lt.root, sizeof lt.root, "/proc");
    lt.rootlen = strlen(lt.root);
    lt.live = 1;
    memset(&dc, 0, sizeof dc);
    dc.t = &lt;
    memset(&opts, 0, sizeof opts);
    opts.byte_order = LSN_ORDER_HOST;
    opts.diag = on_diag;
    opts.diag_ctx = &dc;
    if (lsn_collect(&opts, &res) != LSN_OK)
        abort();
    check_result(&lt, &res, 0);
    const struct lsn_listener *l = &res.listeners[0];
    if (res.count != 1 || l->port != live.port || l->family != LSN_FAMILY_IPV4 ||
        memcmp(l->bind_address, loopback, 16) != 0 || l->inode != live.inode ||
        l->pid != (int32_t)getpid() || !l->comm || l->comm_len != comm_len ||
        memcmp(l->comm, comm, comm_len) != 0 || !l->exe || l->exe_len != (size_t)exe_len ||
        memcmp(l->exe, exe, l->exe_len) != 0)
        abort();
    if (!res.stats.streamed || !res.stats.tcp.stop_allowed || !res.stats.tcp.stopped_early)
        abort();
    struct buf got = write_all(&res);
    free(got.p);
    lsn_result_free(&res);
}

/* What the API promises whatever the tree. */
static void check_api(void)
{
    struct lsn_result u;
    struct buf b = {0};
    static const struct {
        enum lsn_reason reason;
        const char *text;
    } texts[] = {{LSN_REASON_NONE, ""},
                 {LSN_REASON_UNSUPPORTED, "no procfs on this platform"},
                 {LSN_REASON_OPEN_ROOT, "cannot open the proc directory"},
                 {LSN_REASON_OPEN, "cannot open"},
                 {LSN_REASON_STAT, "cannot stat"},
                 {LSN_REASON_NOT_REGULAR, "not a regular file"},
                 {LSN_REASON_READ, "read failed"},
                 {LSN_REASON_TOO_LARGE, "table is larger than the size cap"},
                 {LSN_REASON_NOMEM, "out of memory"},
                 {LSN_REASON_LINK, "a symbolic link on the way, not followed"},
                 {LSN_REASON_OTHER_FS, "on another filesystem than the proc root"},
                 {(enum lsn_reason)15, ""}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const char *s = lsn_reason_text(texts[i].reason);
        if (!s || strcmp(s, texts[i].text) != 0)
            abort();
    }
    memset(&u, 0, sizeof u);
    u.status = LSN_UNSUPPORTED;
    u.reason = LSN_REASON_UNSUPPORTED;
    if (lsn_write_json(&u, 0, sink, &b) != 0 || strcmp(b.p, "{\"listeners\":null}\n") != 0)
        abort();
    b.n = 0;
    if (lsn_write_json(&u, 1, sink, &b) != 0 || strcmp(b.p, "{\n  \"listeners\": null\n}\n") != 0)
        abort();
    b.n = 0;
    if (lsn_write_table(&u, sink, &b) != 0 || b.n != 0)
        abort();
    free(b.p);
    lsn_result_free(&u);
    lsn_result_free(NULL);
}

/* lsn_changes' callback for run P: counts each kind, and writes the
 * change as an event line that must read back as one JSON document. */
struct change_count {
    size_t n[4];
};

static int count_change(void *ctx, const struct lsn_change *c)
{
    struct change_count *cc = ctx;
    struct buf line = {0};
    size_t ntok;
    if ((unsigned)c->kind > LSN_CHANGE_EXE)
        abort();
    if ((c->kind == LSN_CHANGE_ADDED) != (c->before == NULL) ||
        (c->kind == LSN_CHANGE_REMOVED) != (c->after == NULL))
        abort();
    cc->n[c->kind]++;
    if (lsn_write_change(c, 1767225600, NULL, sink, &line) != 0 || line.n == 0 ||
        line.p[line.n - 1] != '\n' || memchr(line.p, '\n', line.n) != line.p + line.n - 1)
        abort();
    free(read_json(&line, 64, &ntok));
    free(line.p);
    return 0;
}

/* Run P: --protocols all --holders --uid over the same tree, whose net/udp,
 * raw and packet hold section 0's bytes and udp6, raw6 section 1's. No model:
 * the general properties. A status the model's runs know; rows in the
 * contract's order (protocol first) with each protocol's shape (raw: no
 * port meaning but the IP protocol; packet: no address, ifindex >= -1);
 * holders sorted by inode, pid and fd, each a pid of the tree holding an
 * inode that is a row's, and a row's owner one of its holders (a tree has no
 * thread tables); stats agree; compact and pretty JSON read back as one
 * document of the same tokens; the table one line per row; lsn_changes
 * from and to an empty result gives every row added or removed, and none
 * against itself, each event line one JSON document; the stats JSON is one
 * document. */
static void run_protocols(const struct tree *t)
{
    struct lsn_options opts;
    struct lsn_result r;
    memset(&opts, 0, sizeof opts);
    opts.proc_root = t->root;
    opts.byte_order = LSN_ORDER_HOST;
    opts.max_table_bytes = t->cap;
    opts.flags = LSN_OPT_HOLDERS | LSN_OPT_UID | ((t->h[0] & 4) ? LSN_OPT_ALL_NETNS : 0u);
    opts.protocols = LSN_PROTOS_ALL;
    if (lsn_collect(&opts, &r) != r.status)
        abort();
    if (r.status != LSN_OK && r.status != LSN_PARTIAL && r.status != LSN_ERR_TABLE)
        abort();
    if (r.protocols != LSN_PROTOS_ALL || (r.status == LSN_ERR_TABLE && (r.count || r.nholders)))
        abort();
    for (size_t i = 0; i < r.count; i++) {
        const struct lsn_listener *l = &r.listeners[i];
        if (l->protocol >= LSN_PROTO_COUNT || l->family > LSN_FAMILY_IPV6)
            abort();
        if (i) {
            const struct lsn_listener *p = &r.listeners[i - 1];
            if (p->protocol > l->protocol || (p->protocol == l->protocol && p->port > l->port))
                abort();
        }
        if (l->protocol == LSN_PROTO_PACKET) {
            static const uint8_t zero[16];
            if (l->ifindex < -1 || memcmp(l->bind_address, zero, 16) != 0)
                abort();
        } else if (l->ifindex != 0) {
            abort();
        }
        if (l->pid >= 0) {
            size_t n, k;
            const struct lsn_holder *h = lsn_holders_of(&r, l, &n);
            for (k = 0; k < n && h[k].pid != l->pid; k++)
                ;
            if (k == n)
                abort(); /* the owner is a holder */
        }
    }
    for (size_t i = 0; i < r.nholders; i++) {
        const struct lsn_holder *h = &r.holders[i];
        if (!tree_pid(t, h->pid) || h->inode == 0)
            abort();
        if (i && (r.holders[i - 1].inode > h->inode ||
                  (r.holders[i - 1].inode == h->inode &&
                   (r.holders[i - 1].pid > h->pid ||
                    (r.holders[i - 1].pid == h->pid && r.holders[i - 1].fd > h->fd)))))
            abort();
        size_t k;
        for (k = 0; k < r.count && r.listeners[k].inode != h->inode; k++)
            ;
        if (k == r.count)
            abort(); /* a holder of no row */
    }
    if (r.status != LSN_ERR_TABLE) {
        struct buf compact = {0}, pretty = {0}, table = {0};
        size_t cap = 64 * r.count + 64 * r.nholders + 16, n1, n2, lines = 0;
        struct lsn_jsonr_token *a, *b;
        if (r.stats.listeners != r.count || lsn_write_json(&r, 0, sink, &compact) != 0 ||
            lsn_write_json(&r, 1, sink, &pretty) != 0 || lsn_write_table(&r, sink, &table) != 0)
            abort();
        a = read_json(&compact, cap, &n1);
        b = read_json(&pretty, cap, &n2);
        if (n1 != n2)
            abort();
        for (size_t i = 0; i < n1; i++)
            if (a[i].type != b[i].type || a[i].size != b[i].size)
                abort();
        for (size_t i = 0; i < table.n; i++)
            lines += table.p[i] == '\n';
        if (lines != r.count + 1)
            abort();
        free(a);
        free(b);
        free(compact.p);
        free(pretty.p);
        free(table.p);
        /* the change API: from nothing every row is added, to nothing
         * every row removed, and a result against itself has no change;
         * each event line is one JSON document */
        {
            struct lsn_result none;
            struct change_count add = {{0}}, del = {{0}}, same = {{0}};
            memset(&none, 0, sizeof none);
            if (lsn_changes(&none, &r, count_change, &add) != 0 ||
                lsn_changes(&r, &none, count_change, &del) != 0 ||
                lsn_changes(&r, &r, count_change, &same) != 0)
                abort();
            if (add.n[LSN_CHANGE_ADDED] != r.count || add.n[1] + add.n[2] + add.n[3] != 0 ||
                del.n[LSN_CHANGE_REMOVED] != r.count || del.n[0] + del.n[2] + del.n[3] != 0 ||
                same.n[0] + same.n[1] + same.n[2] + same.n[3] != 0)
                abort();
        }
    }
    { /* --stats=json's library part: one JSON document, whatever the status */
        struct buf stats = {0};
        size_t ntok;
        if (lsn_write_stats_json(&r, t->root, sink, &stats) != 0)
            abort();
        free(read_json(&stats, 512, &ntok));
        free(stats.p);
    }
    lsn_result_free(&r);
}

/* Run N: --source netlink (the tree's stored dumps) and check, --protocols
 * all. General properties: a known status; rows in order; with check on a
 * tree (nothing moves between its reads) no difference is churn, every
 * netlink_only or procfs_only finding is a difference and has its row, and
 * the report (text and JSON) is written, the JSON one document. */
static void run_netlink(const struct tree *t)
{
    for (int check = 0; check < 2; check++) {
        struct lsn_options opts;
        struct lsn_result r;
        memset(&opts, 0, sizeof opts);
        opts.proc_root = t->root;
        opts.byte_order = LSN_ORDER_HOST;
        opts.max_table_bytes = t->cap;
        opts.flags = check ? LSN_OPT_CHECK : LSN_OPT_NETLINK;
        opts.protocols = LSN_PROTOS_ALL;
        opts.netlink_fd = -1;
        if (lsn_collect(&opts, &r) != r.status)
            abort();
        if (r.status != LSN_OK && r.status != LSN_PARTIAL && r.status != LSN_ERR_TABLE)
            abort();
        if (r.status == LSN_ERR_TABLE && (r.count || r.nfindings))
            abort();
        for (size_t i = 1; i < r.count; i++) {
            const struct lsn_listener *p = &r.listeners[i - 1], *l = &r.listeners[i];
            if (p->protocol > l->protocol || (p->protocol == l->protocol && p->port > l->port))
                abort();
        }
        if (!check && (r.nfindings || r.check_differences))
            abort();
        if (check && r.status == LSN_OK) {
            size_t diffs = 0;
            struct buf text = {0}, json = {0};
            size_t n;
            if (r.check_churn != 0 || (r.compared & ~r.protocols) != 0)
                abort();
            for (size_t i = 0; i < r.nfindings; i++) {
                const struct lsn_finding *f = &r.findings[i];
                size_t k;
                if (f->kind == LSN_FINDING_PACKET_FILTER) {
                    if (f->protocol != LSN_PROTO_PACKET || f->filter_insns == 0)
                        abort();
                    continue;
                }
                diffs++;
                for (k = 0; k < r.count; k++)
                    if (r.listeners[k].inode == f->inode &&
                        r.listeners[k].protocol == f->protocol &&
                        r.listeners[k].family == f->family && r.listeners[k].port == f->port)
                        break;
                if (k == r.count)
                    abort(); /* a finding's socket is a row */
            }
            if (diffs != r.check_differences)
                abort();
            if (lsn_write_check(&r, 0, sink, &text) != 0 ||
                lsn_write_check(&r, 1, sink, &json) != 0)
                abort();
            free(read_json(&json, 32 * r.nfindings + 64, &n));
            free(text.p);
            free(json.p);
        }
        lsn_result_free(&r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tree t;
    int64_t fds, after;

    if (size && (data[0] & 0x40) && live.state < 0)
        live_setup(); /* before counting: its fds stay open */
    fds = open_fds();

    memset(&t, 0, sizeof t);
    build(&t, data, size);
    model_procs(&t);
    check_api();
    run_model(&t, 0);
    run_model(&t, 1);
    if (t.h[0] & 2)
        run_changing(&t);
    if ((t.h[0] & 0x40) && live.state == 1)
        run_live(&t);
    run_protocols(&t);
    run_netlink(&t);

    for (size_t i = 0; i < t.nprocs; i++)
        free(t.procs[i].long_exe);
    remove_tree(t.dirfd);
    if (rmdir(t.path) != 0)
        abort();
    after = open_fds();
    if (fds >= 0 && after >= 0 && after != fds)
        abort();
    return 0;
}
