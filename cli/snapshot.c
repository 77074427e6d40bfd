/* snapshot.c - see snapshot.h. */
#define _POSIX_C_SOURCE 200809L

#include "snapshot.h"

#include "listeners.h"
#include "manifest.h"
#include "options.h"
#include "procfs.h"
#include "sandbox.h"
#include "tar.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifndef LISTENERS_VERSION
#define LISTENERS_VERSION "0.0.0"
#endif

#define CREATE (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC)
#define LINK_CAP 4096

const char lsn_snapshot_help[] =
    "Copies net/tcp, net/tcp6, net/udp, net/udp6, net/raw, net/raw6, net/packet,\n"
    "the interfaces' sys/class/net/NAME/ifindex and, for every process holding a\n"
    "socket, its socket fd links, comm and exe link into the new directory DIR,\n"
    "which `listeners --proc DIR` replays (any --protocols); --archive FILE also\n"
    "writes it as a tar. Without DIR, --archive FILE is the only output: the\n"
    "snapshot is held in memory and written to FILE, no directory is made.\n"
    "Names that are not UTF-8 get pax hdrcharset=BINARY records. --all-netns\n"
    "also copies, for every other network namespace, the ns/net link and net\n"
    "tables of its lowest pid, and self/ns/net, which\n"
    "`listeners --all-netns --proc DIR` replays. --proc SOURCE: copy SOURCE\n"
    "instead of /proc. DIR must not exist; it is made 0700 with files 0600\n"
    "(the archive too), or --mode MODE (0600 to 0666; directories get x where\n"
    "r), whatever the umask. From a live procfs it also stores the kernel's\n"
    "NETLINK_SOCK_DIAG dumps of those kinds as netlink/tcp, ... (in this host's\n"
    "byte order; a kind the kernel has no handler for is named in the MANIFEST),\n"
    "which `listeners check --proc DIR` compares with the tables offline.\n"
    "The MANIFEST records the source's byte order (byte_order=), kernel release\n"
    "and machine; `listeners --proc DIR` decodes the tables in that order.\n";

/* --all-netns: the lowest pid seen in each network namespace. */
struct ns_member {
    uint64_t netns;
    uint32_t pid;
};

/* One entry of a snapshot held in memory (--archive FILE without DIR):
 * type '0' a file of data[0..len), '5' a directory, '2' a symbolic link to
 * data[0..len). */
struct mem_entry {
    char *path;
    char *data;
    size_t len;
    unsigned mode;
    char type;
};

struct snap {
    struct lsn_proc_root src; /* the source root, read through procfs.c */
    int dst;                  /* DIR's fd; -1 in memory */
    int in_memory;            /* no DIR: the entries below, then the archive */
    struct mem_entry *mem;
    size_t mem_count, mem_cap;
    mode_t file_mode, dir_mode; /* 0600/0700 unless --mode */
    const char *dir;
    uint64_t processes, links, skipped, namespaces, interfaces;
    uint64_t unreadable; /* holders' comm or exe recorded as unreadable */
    int failed;
    int all_netns;
    uint64_t host_netns;       /* 0: unknown */
    struct ns_member *members; /* grows with the number of namespaces */
    size_t member_count, member_cap;
};

static void fail(struct snap *s, const char *rel, int err);

/* Reads <dirfd>/<rel> as a "net:[N]" link (procfs.c, as the collector
 * does): the text in link (NUL-ended) and the inode, or 0 when it is
 * missing or malformed. */
static uint64_t read_netns(const struct snap *s, int dirfd, const char *rel,
                           char link[LSN_PROC_LINK_MAX])
{
    int err;
    return lsn_proc_netns(&s->src, dirfd, rel, &err, link);
}

/* Records pid as a member of netns, keeping the lowest pid of each. */
static void note_member(struct snap *s, uint64_t netns, uint32_t pid)
{
    for (size_t i = 0; i < s->member_count; i++) {
        if (s->members[i].netns == netns) {
            if (pid < s->members[i].pid)
                s->members[i].pid = pid;
            return;
        }
    }
    if (s->member_count == s->member_cap) {
        size_t cap = s->member_cap ? 2 * s->member_cap : 16;
        struct ns_member *m = realloc(s->members, cap * sizeof *m);
        if (!m) {
            fail(s, "namespaces", ENOMEM);
            return;
        }
        s->members = m;
        s->member_cap = cap;
    }
    s->members[s->member_count].netns = netns;
    s->members[s->member_count].pid = pid;
    s->member_count++;
}

/* Keeps an entry of an in-memory snapshot (copies of rel and data).
 * Duplicates are resolved when the archive is written (write_memory). */
static int mem_add(struct snap *s, const char *rel, char type, unsigned mode, const void *data,
                   size_t len)
{
    struct mem_entry *e;
    if (s->mem_count == s->mem_cap) {
        size_t cap = s->mem_cap ? 2 * s->mem_cap : 64;
        e = realloc(s->mem, cap * sizeof *e);
        if (!e)
            goto nomem;
        s->mem = e;
        s->mem_cap = cap;
    }
    e = &s->mem[s->mem_count];
    e->path = strdup(rel);
    e->data = len ? malloc(len) : NULL;
    if (!e->path || (len && !e->data)) {
        free(e->path);
        free(e->data);
        goto nomem;
    }
    if (len)
        memcpy(e->data, data, len);
    e->len = len;
    e->mode = mode;
    e->type = type;
    s->mem_count++;
    return 0;
nomem:
    fail(s, rel, ENOMEM);
    return -1;
}

/* mkdirat that accepts a directory made earlier in the same snapshot. */
static int make_dir(struct snap *s, const char *rel)
{
    if (s->in_memory)
        return mem_add(s, rel, '5', s->dir_mode, NULL, 0);
    if (mkdirat(s->dst, rel, s->dir_mode) != 0 && errno != EEXIST) {
        fail(s, rel, errno);
        return -1;
    }
    return 0;
}

/* symlinkat(target, DIR, rel); again: the same link may have been made
 * earlier in the snapshot (EEXIST is not an error). */
static int put_link(struct snap *s, const char *target, const char *rel, int again)
{
    if (s->in_memory)
        return mem_add(s, rel, '2', 0777, target, strlen(target));
    if (symlinkat(target, s->dst, rel) != 0 && !(again && errno == EEXIST)) {
        fail(s, rel, errno);
        return -1;
    }
    return 0;
}

/* <pid>/ns/net in the snapshot, as the link text it had. */
static int put_netns_link(struct snap *s, const char *pid, const char *link)
{
    char rel[300];
    snprintf(rel, sizeof rel, "%s/ns", pid);
    if (make_dir(s, pid) != 0 || make_dir(s, rel) != 0)
        return -1;
    snprintf(rel, sizeof rel, "%s/ns/net", pid);
    return put_link(s, link, rel, 1);
}

static void fail(struct snap *s, const char *rel, int err)
{
    fprintf(stderr, "listeners: snapshot: %s/%s: %s\n", s->dir, rel, strerror(err));
    s->failed = 1;
}

static int put_file(struct snap *s, const char *rel, const void *data, size_t len)
{
    if (s->in_memory)
        return mem_add(s, rel, '0', s->file_mode, data, len);
    int fd = openat(s->dst, rel, CREATE, s->file_mode);
    if (fd < 0 || lsn_write_all(fd, data, len) != 0) {
        fail(s, rel, errno);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    if (close(fd) != 0) {
        fail(s, rel, errno);
        return -1;
    }
    return 0;
}

/* Reads the table open as in (closed here) whole, then keeps it as rel:
 * its size must be known before its tar header is written. 1 or -1, as
 * copy_table. */
static int table_to_memory(struct snap *s, const char *rel, int in)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int rc = -1, e = 0;
    for (;;) {
        if (len == cap) {
            char *nb =
                cap < LSN_DEFAULT_MAX_TABLE_BYTES ? realloc(buf, cap ? 2 * cap : 65536) : NULL;
            if (!nb) {
                e = cap < LSN_DEFAULT_MAX_TABLE_BYTES ? ENOMEM : EFBIG;
                break;
            }
            buf = nb;
            cap = cap ? 2 * cap : 65536;
        }
        ssize_t n = read(in, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            e = errno;
            break;
        }
        if (n == 0) {
            rc = mem_add(s, rel, '0', s->file_mode, buf, len) == 0 ? 1 : -1;
            break;
        }
        len += (size_t)n;
        if (len > LSN_DEFAULT_MAX_TABLE_BYTES) {
            e = EFBIG;
            break;
        }
    }
    free(buf);
    close(in);
    if (e)
        errno = e;
    return rc;
}

/* Copies the table src/rel to dst/rel. 1: copied, 0: absent, -1: error. */
static int copy_table(struct snap *s, const char *rel, const char *src_rel)
{
    char buf[8192];
    uint64_t total = 0;
    enum lsn_reason why;
    int err, out, in = lsn_proc_open_table(&s->src, s->src.fd, src_rel, &why, &err);
    if (in < 0) { /* the collector's checks: a regular file, opened non-blocking */
        errno = why == LSN_REASON_NOT_REGULAR ? EINVAL : err;
        return why == LSN_REASON_OPEN && err == ENOENT ? 0 : -1;
    }
    if (s->in_memory)
        return table_to_memory(s, rel, in);
    out = openat(s->dst, rel, CREATE, s->file_mode);
    if (out < 0) {
        int e = errno;
        close(in);
        fail(s, rel, e);
        return -1;
    }
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        if (n == 0) {
            close(in);
            if (close(out) != 0) {
                fail(s, rel, errno);
                return -1;
            }
            return 1;
        }
        total += (uint64_t)n;
        if (total > LSN_DEFAULT_MAX_TABLE_BYTES) {
            errno = EFBIG;
            break;
        }
        if (lsn_write_all(out, buf, (size_t)n) != 0) {
            int e = errno;
            close(in);
            close(out);
            fail(s, rel, e);
            return -1;
        }
    }
    int e = errno;
    close(in);
    close(out);
    errno = e;
    return -1;
}

/* One socket fd link of a process being copied. */
struct copy_links {
    struct snap *s;
    const char *pid;
    uint64_t links;
};

/* <pid>/fd/<name> -> socket:[inode] in the snapshot; the directories with
 * the first link. Nonzero stops the walk of fd/ (the snapshot failed). */
static int copy_link(void *ctx, const char *fd_name, const char *link, uint64_t inode)
{
    struct copy_links *c = ctx;
    char rel[2 * 256 + 8]; /* "<pid>/fd/<fd>": two d_names at most */
    (void)inode;
    if (c->links == 0) {
        snprintf(rel, sizeof rel, "%s/fd", c->pid);
        if (make_dir(c->s, c->pid) != 0 || make_dir(c->s, rel) != 0)
            return 1;
    }
    snprintf(rel, sizeof rel, "%s/fd/%s", c->pid, fd_name);
    if (put_link(c->s, link, rel, 0) != 0)
        return 1;
    c->links++;
    return 0;
}

/* What the collector reads of one process, through the same procfs.c
 * calls: its socket fd links, and for a holder its comm (as the collector
 * keeps it: at most LSN_COMM_MAX bytes, written back with one '\n'), its
 * exe link, and with --all-netns its ns/net link. */
static void one_process(struct snap *s, int32_t pid_number)
{
    char pid[16], rel[64], link[LINK_CAP], nslink[LSN_PROC_LINK_MAX];
    struct copy_links c;
    int pidfd;

    snprintf(pid, sizeof pid, "%d", (int)pid_number);
    pidfd = lsn_proc_open_pid(&s->src, pid_number);
    if (pidfd < 0) {
        s->skipped++;
        return;
    }
    /* --all-netns: the collector reads every pid's ns/net link (its
     * namespace scan), so every pid's is copied, holder or not. */
    uint64_t netns = s->all_netns ? read_netns(s, pidfd, "ns/net", nslink) : 0;
    if (netns) {
        note_member(s, netns, (uint32_t)pid_number);
        snprintf(rel, sizeof rel, "%s/fd", pid); /* so the replay visits it too */
        if (put_netns_link(s, pid, nslink) != 0 || make_dir(s, rel) != 0) {
            close(pidfd);
            return;
        }
    }
    c.s = s;
    c.pid = pid;
    c.links = 0;
    if (lsn_proc_each_socket(&s->src, pidfd, copy_link, &c, NULL, NULL) != 0) {
        close(pidfd);
        s->skipped++;
        return;
    }
    if (c.links > 0 && !s->failed) {
        char comm[LSN_COMM_MAX + 2];
        const char *why;
        size_t len;
        /* A name that cannot be read, while the process is still there
         * (EACCES, not a link, too long), is recorded as such: the live
         * run keeps such a holder, with a null name (owner.c), while a
         * missing file reads as an exited process on replay, which moves
         * ownership to another holder. A directory for comm and a regular
         * file for exe read back as "not a regular file" and "not a
         * link": the same null name, the same owner. The file says why. */
        int cerr = lsn_proc_read_comm(&s->src, pidfd, comm, &len, &why);
        snprintf(rel, sizeof rel, "%s/comm", pid);
        if (cerr == 0) {
            comm[len] = '\n';
            put_file(s, rel, comm, len + 1);
        } else if (cerr != ENOENT && cerr != ESRCH) {
            make_dir(s, rel);
            s->unreadable++;
        }
        ssize_t n = lsn_proc_read_exe(pidfd, link, sizeof link);
        int eerr = n < 0 ? errno : 0;
        snprintf(rel, sizeof rel, "%s/exe", pid);
        if (n > 0 && (size_t)n < sizeof link && !memchr(link, '\0', (size_t)n)) {
            link[n] = '\0';
            put_link(s, link, rel, 0);
        } else if (n >= 0 || (eerr != ENOENT && eerr != ESRCH)) {
            char note[128];
            int k = snprintf(note, sizeof note, "exe unreadable when the snapshot was taken: %s\n",
                             n < 0    ? strerror(eerr)
                             : n == 0 ? "an empty link"
                                      : "a link too long or with a NUL byte");
            put_file(s, rel, note, (size_t)k < sizeof note ? (size_t)k : sizeof note - 1);
            s->unreadable++;
        }
        s->processes++;
        s->links += c.links;
    }
    close(pidfd);
}

/* The tables the collector may read (every --protocols): net/tcp first,
 * required; the others are copied when they are there. */
static const char *const net_tables[] = {"net/tcp", "net/tcp6", "net/udp",   "net/udp6",
                                         "net/raw", "net/raw6", "net/packet"};

/* sys/class/net/<name>/ifindex for each interface (procfs.h
 * lsn_proc_each_interface): the packet rows' names on replay. */
static int copy_interface(void *ctx, int32_t ifindex, const char *name)
{
    struct snap *s = ctx;
    char rel[64], text[16];
    int n;
    snprintf(rel, sizeof rel, "sys/class/net/%s", name);
    if (make_dir(s, rel) != 0)
        return 1;
    snprintf(rel, sizeof rel, "sys/class/net/%s/ifindex", name);
    n = snprintf(text, sizeof text, "%d\n", (int)ifindex);
    if (put_file(s, rel, text, (size_t)n) != 0)
        return 1;
    s->interfaces++;
    return 0;
}

static void copy_interfaces(struct snap *s)
{
    if (make_dir(s, "sys") != 0 || make_dir(s, "sys/class") != 0 ||
        make_dir(s, "sys/class/net") != 0)
        return;
    (void)lsn_proc_each_interface(&s->src, copy_interface, s); /* none: no names */
}

/* --all-netns: for each namespace other than the host's, its lowest member's
 * ns/net link and net/tcp{,6}, which is what `listeners --all-netns --proc`
 * reads. A member whose tables cannot be copied fails the snapshot (a live
 * run would skip that namespace; a partial copy would replay differently). */
static void copy_namespaces(struct snap *s)
{
    char pid[16], rel[64], link[LSN_PROC_LINK_MAX];
    for (size_t i = 0; i < s->member_count && !s->failed; i++) {
        const struct ns_member *m = &s->members[i];
        if (m->netns == s->host_netns)
            continue;
        snprintf(pid, sizeof pid, "%u", (unsigned)m->pid);
        snprintf(rel, sizeof rel, "%s/ns/net", pid);
        if (read_netns(s, s->src.fd, rel, link) != m->netns)
            continue; /* exited, or moved to another namespace: as a live run */
        snprintf(rel, sizeof rel, "%s/net", pid);
        if (put_netns_link(s, pid, link) != 0 || make_dir(s, rel) != 0)
            return;
        for (size_t t = 0; t < sizeof net_tables / sizeof net_tables[0] && !s->failed; t++) {
            snprintf(rel, sizeof rel, "%s/%s", pid, net_tables[t]);
            if (copy_table(s, rel, rel) < 0 && !s->failed) {
                fprintf(stderr, "listeners: snapshot: namespace %" PRIu64 ": %s: %s\n", m->netns,
                        rel, strerror(errno));
                s->failed = 1;
            }
        }
        s->namespaces++;
    }
}

/* One table kind's NETLINK_SOCK_DIAG dump, kept whole in memory so that
 * DIR/netlink/<kind> is written only when the dump is complete (a file
 * there is always a whole dump, NLMSG_DONE included). */
struct nl_dump {
    unsigned char *buf;
    size_t len, cap;
    int err; /* EFBIG over the size cap, ENOMEM */
};

static int keep_datagram(void *ctx, const void *datagram, size_t len)
{
    struct nl_dump *d = ctx;
    if (len > LSN_DEFAULT_MAX_TABLE_BYTES - d->len) {
        d->err = EFBIG;
        return 1;
    }
    if (d->len + len > d->cap) {
        size_t cap = d->cap ? d->cap : 65536;
        while (cap < d->len + len)
            cap *= 2;
        unsigned char *nb = realloc(d->buf, cap);
        if (!nb) {
            d->err = ENOMEM;
            return 1;
        }
        d->buf = nb;
        d->cap = cap;
    }
    memcpy(d->buf + d->len, datagram, len);
    d->len += len;
    return 0;
}

/* Stores the dump of the table kind net/<kind> as netlink/<kind>: every
 * datagram as lsn_netlink_dump gives it, one after the other, which is what
 * the collector reads from a tree. What is stored, or why not, goes to the
 * MANIFEST lines in dumps and notes. A kind without a sock_diag handler
 * (ENOENT) gets no file; another failure is also said on stderr. Neither
 * fails the snapshot (`check --proc DIR` reads that kind from its table and
 * says "not compared"); a write that fails does. */
static void store_dump(struct snap *s, int fd, const char *table, char *dumps, size_t dcap,
                       char *notes, size_t ncap)
{
    struct nl_dump d = {NULL, 0, 0, 0};
    char rel[64];
    size_t at;
    int e = lsn_netlink_dump(fd, table, keep_datagram, &d);
    snprintf(rel, sizeof rel, "netlink/%s", table + 4);
    if (e == ECANCELED && d.err)
        e = d.err;
    if (e == 0) {
        if (make_dir(s, "netlink") == 0 && put_file(s, rel, d.buf, d.len) == 0) {
            at = strlen(dumps);
            snprintf(dumps + at, dcap - at, "%s%s", at ? " " : "", rel);
        }
    } else {
        at = strlen(notes);
        if (e == ENOENT) {
            snprintf(notes + at, ncap - at,
                     "%s=not stored: the kernel has no sock_diag handler for it (ENOENT)\n", rel);
        } else {
            fprintf(stderr,
                    "listeners: snapshot: netlink sock_diag dump of %s: %s (errno %d): %s not "
                    "stored\n",
                    table, strerror(e), e, rel);
            snprintf(notes + at, ncap - at, "%s=not stored: the dump failed: %s (errno %d)\n", rel,
                     strerror(e), e);
        }
    }
    free(d.buf);
}

/* Makes DIR so that it cannot be swapped: mkdirat in its parent, then
 * openat with O_NOFOLLOW|O_DIRECTORY, and the directory opened must be the
 * one made: a directory owned by this user. The owner of DIR's
 * parent can rename entries between the two calls; a directory of theirs
 * (or a link) put in its place is refused, so nothing is written where they
 * point. Then the mode is set exactly. Returns the fd, or -1 (reported). */
static int make_snapshot_dir(const char *dir, mode_t mode)
{
    char parent[4096];
    const char *slash = strrchr(dir, '/'), *name = slash ? slash + 1 : dir;
    struct stat st;
    int pfd, fd = -1;

    if (slash == dir) {
        memcpy(parent, "/", 2);
    } else if (slash) {
        size_t n = (size_t)(slash - dir);
        if (n >= sizeof parent) {
            fprintf(stderr, "listeners: snapshot: %s: %s\n", dir, strerror(ENAMETOOLONG));
            return -1;
        }
        memcpy(parent, dir, n);
        parent[n] = '\0';
    } else {
        memcpy(parent, ".", 2);
    }
    if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        fprintf(stderr, "listeners: snapshot: %s: not a new directory name\n", dir);
        return -1;
    }
    pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pfd < 0 || mkdirat(pfd, name, 0700) != 0) {
        fprintf(stderr, "listeners: snapshot: %s: %s\n", pfd < 0 ? parent : dir, strerror(errno));
        if (pfd >= 0)
            close(pfd);
        return -1;
    }
    fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    close(pfd);
    if (fd < 0) {
        fprintf(stderr, "listeners: snapshot: %s: %s (swapped after it was made?)\n", dir,
                strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
        fprintf(stderr,
                "listeners: snapshot: %s: not the directory this run made (owner %ld): refused\n",
                dir, (long)st.st_uid);
        close(fd);
        return -1;
    }
    if (fchmod(fd, mode) != 0) {
        fprintf(stderr, "listeners: snapshot: %s: %s\n", dir, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* The MANIFEST's netlink_byte_order: the dumps' netlink headers and most
 * record fields are in the capturing host's order, and the collector reads
 * a stored dump in the reader's. */
static const char *byte_order_note(void)
{
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    return first ? "little-endian (the capturing host's; replay on a little-endian host)\n"
                 : "big-endian (the capturing host's; replay on a big-endian host)\n";
}

static int cmp_entries(const void *a, const void *b)
{
    return lsn_tar_path_cmp(((const struct mem_entry *)a)->path,
                            ((const struct mem_entry *)b)->path);
}

/* The in-memory snapshot as a tar on out: the entries in the order the
 * archive of a DIR has (so the two archives list the same), a directory made
 * twice once. Two entries of one name otherwise are an error, as the second
 * O_EXCL create or symlinkat would be in DIR (EEXIST). 0, or -1 with errno. */
static int write_memory(struct snap *s, int out, int64_t mtime)
{
    if (s->mem_count > 1)
        qsort(s->mem, s->mem_count, sizeof *s->mem, cmp_entries);
    for (size_t i = 0; i < s->mem_count; i++) {
        const struct mem_entry *e = &s->mem[i];
        if (i > 0 && strcmp(e->path, s->mem[i - 1].path) == 0) {
            const struct mem_entry *p = &s->mem[i - 1];
            if (e->type == p->type && e->len == p->len &&
                (e->len == 0 || memcmp(e->data, p->data, e->len) == 0) && e->type != '0')
                continue; /* mkdirat, or a symlinkat allowed EEXIST, made twice */
            errno = EEXIST;
            return -1;
        }
        if (lsn_tar_put(out, e->path, e->type, e->mode, e->data, e->len, mtime) != 0)
            return -1;
    }
    return lsn_tar_end(out);
}

int lsn_snapshot_run(const struct lsn_args *args)
{
    const char *dir = args->operand[0], *archive = args->archive;
    const char *source = args->proc ? args->proc : "/proc";
    int sandbox = !args->no_sandbox, archive_fd = -1, netlink_fd = -1, rc = 1;
    struct snap s;
    struct utsname u;
    struct timespec now;
    struct tm tm;
    char stamp[64], manifest[8192], tables[128] = "";
    char dumps[160] = "", notes[1024] = "";
    char release[LSN_MANIFEST_TEXT_MAX];
    struct lsn_manifest from; /* a tree source's MANIFEST */
    struct lsn_proc_pids pids = {NULL};

    memset(&s, 0, sizeof s);
    s.src.fd = s.dst = -1;
    s.file_mode = args->mode ? (mode_t)strtoul(args->mode, NULL, 8) : 0600;
    s.dir_mode = s.file_mode | ((s.file_mode & 0444) >> 2); /* x where r */
    umask(0); /* the modes are exact, whatever the invoker's umask */
    s.all_netns = args->all_netns;
    s.in_memory = dir == NULL; /* --archive FILE alone: no directory at all */
    s.dir = dir ? dir : archive;

    /* Everything that needs more than the snapshot filter allows happens
     * first: the source, DIR, the archive, uname, the clock. */
    int serr = lsn_proc_root_open(&s.src, source);
    if (serr) {
        fprintf(stderr, "listeners: snapshot: %s: %s\n", source, strerror(serr));
        return 1;
    }
    /* What the replay needs to know of the host whose tables these are: a
     * procfs is this host's; a tree (a snapshot of a snapshot) says it in its
     * MANIFEST, which is carried on, or is taken as this host's (said). */
    memset(&from, 0, sizeof from);
    if (!s.src.procfs) {
        if (lsn_manifest_read(source, "listeners: snapshot", &from) != 0)
            goto out;
        if (!from.has_order)
            fprintf(stderr,
                    "listeners: snapshot: %s/MANIFEST: %s: its tables are recorded as this "
                    "host's byte order (%s)\n",
                    source, from.present ? "records no byte order" : "no such file",
                    lsn_byte_order_word(LSN_ORDER_HOST));
    }
    if (uname(&u) != 0)
        memset(&u, 0, sizeof u);
    if (from.kernel_release[0])
        memcpy(release, from.kernel_release, sizeof release);
    else if (lsn_read_short_text(source, "sys/kernel/osrelease", release, sizeof release) != 0)
        snprintf(release, sizeof release, "%s", u.release);
    /* The archive first: when it cannot be made, no DIR is left behind. */
    if (archive) {
        archive_fd = open(archive, CREATE, s.file_mode);
        if (archive_fd < 0) {
            fprintf(stderr, "listeners: snapshot: %s: %s\n", archive, strerror(errno));
            goto out;
        }
    }
    if (dir && (s.dst = make_snapshot_dir(dir, s.dir_mode)) < 0)
        goto out;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int perr = lsn_proc_pids_open(&s.src, &pids);
    if (perr) {
        fprintf(stderr, "listeners: snapshot: %s: %s\n", source, strerror(perr));
        goto out;
    }
    /* The kernel's sock_diag view of the same sockets, for `check --proc
     * DIR`: from the running kernel only (a live procfs where the reader
     * has a pid: its tables are the reader's network namespace, as the
     * dump), through a socket opened before the filter, which allows no
     * socket(). */
    if (s.src.procfs && s.src.self_err) {
        /* A procfs of another pid namespace (a container's): its tables are
         * its init's network namespace, a dump would be the reader's. */
        snprintf(notes, sizeof notes,
                 "netlink=not stored: the source is a procfs of another pid namespace, whose "
                 "network namespace a dump here would not show\n");
    } else if (s.src.procfs) {
        netlink_fd = lsn_netlink_open();
        if (netlink_fd < 0) {
            int e = errno;
            fprintf(stderr,
                    "listeners: snapshot: cannot open a NETLINK_SOCK_DIAG socket: %s: no "
                    "netlink dumps stored\n",
                    strerror(e));
            snprintf(notes, sizeof notes,
                     "netlink=not stored: cannot open a NETLINK_SOCK_DIAG socket: %s (errno %d)\n",
                     strerror(e), e);
        }
    } else {
        snprintf(notes, sizeof notes, "netlink=not stored: the source is not a live procfs\n");
    }
    /* In memory, nothing is created after this point: the collector's
     * read-only filter, plus writes to the archive. */
    if (sandbox &&
        (s.in_memory ? lsn_sandbox_enter_archive(archive_fd, netlink_fd)
                     : lsn_sandbox_enter_snapshot(s.dst, netlink_fd)) != 0 &&
        errno != ENOSYS && errno != EOPNOTSUPP)
        fputs("listeners: running without the seccomp sandbox: prctl refused it\n", stderr);

    if (make_dir(&s, "net") != 0)
        goto out;
    /* tables first, then the walk: the order of a live run */
    /* On procfs, the reader's own net/ (procfs.h, "Confinement"). */
    for (size_t t = 0; t < sizeof net_tables / sizeof net_tables[0]; t++) {
        char src_rel[64];
        int got;
        if (!lsn_proc_host(&s.src, net_tables[t], src_rel, sizeof src_rel)) {
            fprintf(stderr, "listeners: snapshot: %s/%s: %s\n", source, net_tables[t],
                    strerror(errno));
            goto out;
        }
        got = copy_table(&s, net_tables[t], src_rel);
        if (got < 0 || (got == 0 && t == 0)) { /* net/tcp must be there */
            if (!s.failed)
                fprintf(stderr, "listeners: snapshot: %s/%s: %s\n", source, net_tables[t],
                        strerror(got == 0 ? ENOENT : errno));
            goto out;
        }
        if (got == 1) {
            size_t len = strlen(tables);
            snprintf(tables + len, sizeof tables - len, "%s%s", len ? " " : "", net_tables[t]);
        }
        /* Its dump at once after the table: the two views as close in
         * time as `listeners check` reads them. */
        if (netlink_fd >= 0)
            store_dump(&s, netlink_fd, net_tables[t], dumps, sizeof dumps, notes, sizeof notes);
        if (s.failed)
            goto out;
    }
    copy_interfaces(&s);
    if (s.failed)
        goto out;
    if (s.all_netns) {
        char link[LSN_PROC_LINK_MAX];
        char self_ns[64];
        const char *rel = lsn_proc_host(&s.src, "ns/net", self_ns, sizeof self_ns);
        s.host_netns = rel ? read_netns(&s, s.src.fd, rel, link) : 0;
        if (s.host_netns && put_netns_link(&s, "self", link) != 0)
            goto out;
    }
    for (int32_t pid; !s.failed && (pid = lsn_proc_pids_next(&pids)) > 0;)
        one_process(&s, pid);
    if (s.all_netns && !s.failed)
        copy_namespaces(&s);
    if (s.failed)
        goto out;

    int n =
        snprintf(manifest, sizeof manifest,
                 "format=listeners-snapshot 1\n"
                 "collector=listeners " LISTENERS_VERSION "\n"
                 "kernel_release=%s\n"
                 "machine=%s\n"
                 "byte_order=%s\n"
                 "time=%s\n"
                 "unix_time=%lld\n"
                 "source=%s\n"
                 "tables=%s\n"
                 "interfaces=%" PRIu64 "\n"
                 "processes=%" PRIu64 "\n"
                 "socket_links=%" PRIu64 "\n"
                 "processes_unreadable=%" PRIu64 "\n"
                 "names_unreadable=%" PRIu64 "\n"
                 "all_netns=%d\n"
                 "other_namespaces=%" PRIu64 "\n"
                 "netlink_dumps=%s\n"
                 "%s%s%s",
                 release, from.machine[0] ? from.machine : u.machine,
                 lsn_byte_order_word(from.has_order ? from.order : LSN_ORDER_HOST), stamp,
                 (long long)now.tv_sec, source, tables, s.interfaces, s.processes, s.links,
                 s.skipped, s.unreadable, s.all_netns, s.namespaces, dumps,
                 dumps[0] ? "netlink_byte_order=" : "", dumps[0] ? byte_order_note() : "", notes);
    if (n < 0 || (size_t)n >= sizeof manifest || put_file(&s, "MANIFEST", manifest, (size_t)n) != 0)
        goto out;
    if (archive_fd >= 0) {
        if ((s.in_memory ? write_memory(&s, archive_fd, (int64_t)now.tv_sec)
                         : lsn_tar_write_tree(archive_fd, s.dst, (int64_t)now.tv_sec)) != 0) {
            fprintf(stderr, "listeners: snapshot: %s: %s\n", archive, strerror(errno));
            goto out;
        }
        if (close(archive_fd) != 0) {
            archive_fd = -1;
            fprintf(stderr, "listeners: snapshot: %s: %s\n", archive, strerror(errno));
            goto out;
        }
        archive_fd = -1;
    }
    printf("snapshot%s%s: %" PRIu64 " processes holding sockets, %" PRIu64 " socket links%s%s\n",
           dir ? " " : "", dir ? dir : "", s.processes, s.links, archive ? ", archive " : "",
           archive ? archive : "");
    rc = fflush(stdout) == 0 ? 0 : 1;
out:
    for (size_t i = 0; i < s.mem_count; i++) {
        free(s.mem[i].path);
        free(s.mem[i].data);
    }
    free(s.mem);
    free(s.members);
    lsn_proc_pids_close(&pids);
    if (netlink_fd >= 0)
        close(netlink_fd);
    if (archive_fd >= 0)
        close(archive_fd);
    if (s.dst >= 0)
        close(s.dst);
    lsn_proc_root_close(&s.src);
    return rc;
}
