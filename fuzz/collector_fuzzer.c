/* collector_fuzzer.c - lsn_collect over a synthesized /proc tree.
 *
 * Input: sections separated by "\n--\n":
 *   0   net/tcp (always written, possibly empty)
 *   1   net/tcp6 (written only when the section exists)
 *   2.. one process each (at most 8), pids 1, 2, 10, 99, 100, 1000, 31337,
 *       4194303 in that order; fields separated by 0x01: comm file bytes
 *       (at most 64), the exe link target, then fd link targets (fd 0, 1,
 *       ...). Link targets stop at a NUL; an empty one is not created (an
 *       empty exe means no exe link: the process looks exited).
 * The tree lives in a fresh mkdtemp directory, removed afterwards.
 *
 * Properties (abort() when one breaks):
 *  - lsn_collect returns LSN_OK and lsn_write_json writes exactly the JSON
 *    the harness builds from its own model: one row per 0A line the harness
 *    can parse (lsn_parse_tcp_line, host order, lines split at '\n', at most
 *    LSN_TCP_LINE_MAX), non-zero inodes deduplicated (first seen wins),
 *    rows sorted by port, family, address bytes, inode; owner the lowest
 *    holder pid other than 1 among processes with an exe link (pid 1 only as
 *    the sole holder), comm without one trailing '\n', exe verbatim;
 *  - with LSN_OPT_ALL_NETNS (no namespace links in the tree) the same rows,
 *    each the host's with an unknown (0) namespace inode;
 *  - diagnostics have a path and a message; no fd is left open; no leak
 *    (LeakSanitizer, in libFuzzer's -detect_leaks mode).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "address_text.h"
#include "json_string.h"
#include "listeners.h"
#include "socket_link.h"
#include "tcp_line.h"

#define MAX_PROCS 8
#define MAX_LINKS 16
static const int32_t pids[MAX_PROCS] = {1, 2, 10, 99, 100, 1000, 31337, 4194303};

struct span {
    const uint8_t *p;
    size_t n;
};

struct proc {
    int32_t pid;
    struct span comm, exe;
    struct span links[MAX_LINKS];
    size_t nlinks;
};

struct row {
    enum lsn_family family;
    uint16_t port;
    uint8_t addr[16];
    uint64_t inode;
    const struct proc *owner;
};

struct buf {
    char *p;
    size_t n, cap;
};

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

/* Up to the first NUL. */
static struct span until_nul(struct span s)
{
    const uint8_t *z = memchr(s.p, 0, s.n);
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

static void write_file(int dirfd, const char *name, const uint8_t *p, size_t n)
{
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

static void make_link(int dirfd, const char *name, struct span target)
{
    char t[LSN_EXE_MAX + 1];
    memcpy(t, target.p, target.n);
    t[target.n] = '\0';
    if (symlinkat(t, dirfd, name) != 0)
        abort();
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
            int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (sub < 0)
                abort();
            remove_tree(sub);
            if (unlinkat(dirfd, e->d_name, AT_REMOVEDIR) != 0)
                abort();
        } else if (unlinkat(dirfd, e->d_name, 0) != 0) {
            abort();
        }
    }
    closedir(d); /* closes dirfd */
}

static int holds(const struct proc *p, uint64_t inode)
{
    for (size_t i = 0; i < p->nlinks; i++) {
        uint64_t v;
        if (lsn_parse_socket_link((const char *)p->links[i].p, p->links[i].n, &v) ==
                LSN_LINK_SOCKET &&
            v == inode)
            return 1;
    }
    return 0;
}

static int row_cmp(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    if (x->family != y->family)
        return x->family == LSN_FAMILY_IPV4 ? -1 : 1;
    int c = memcmp(x->addr, y->addr, 16);
    if (c)
        return c;
    return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static void add_rows(struct span table, enum lsn_family family, struct row **rows, size_t *nrows,
                     size_t *cap)
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
            int dup = 0;
            for (size_t i = 0; t.inode && i < *nrows; i++)
                dup |= (*rows)[i].inode == t.inode;
            if (!dup) {
                if (*nrows == *cap) {
                    *cap = *cap ? *cap * 2 : 16;
                    *rows = realloc(*rows, *cap * sizeof **rows);
                    if (!*rows)
                        abort();
                }
                struct row *r = &(*rows)[(*nrows)++];
                memset(r, 0, sizeof *r);
                r->family = family;
                r->port = t.local_port;
                memcpy(r->addr, t.local_address, 16);
                r->inode = t.inode;
            }
        }
        start = end;
    }
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

static void diag_check(void *ctx, const struct lsn_diag *d)
{
    (void)ctx;
    if (!d || !d->path || !d->message)
        abort();
}

static int lowest_free_fd(void)
{
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        abort();
    close(fd);
    return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct span sec[2 + MAX_PROCS];
    size_t nsec = split(data, size, "\n--\n", 4, sec, 2 + MAX_PROCS);
    struct proc procs[MAX_PROCS];
    size_t nprocs = nsec > 2 ? nsec - 2 : 0;

    int fd_before = lowest_free_fd();
    const char *tmp = getenv("TMPDIR");
    char root[4096];
    snprintf(root, sizeof root, "%s/lsn-collector-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(root))
        abort();
    int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0 || mkdirat(rootfd, "net", 0755) != 0)
        abort();
    int netfd = openat(rootfd, "net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (netfd < 0)
        abort();
    write_file(netfd, "tcp", sec[0].p, sec[0].n);
    if (nsec > 1)
        write_file(netfd, "tcp6", sec[1].p, sec[1].n);
    close(netfd);

    for (size_t i = 0; i < nprocs; i++) {
        struct proc *p = &procs[i];
        struct span f[2 + MAX_LINKS];
        size_t nf = split(sec[2 + i].p, sec[2 + i].n, "\x01", 1, f, 2 + MAX_LINKS);
        memset(p, 0, sizeof *p);
        p->pid = pids[i];
        p->comm = f[0];
        if (p->comm.n > LSN_COMM_MAX)
            p->comm.n = LSN_COMM_MAX;
        p->exe = nf > 1 ? until_nul(f[1]) : (struct span){NULL, 0};
        if (p->exe.n > LSN_EXE_MAX)
            p->exe.n = LSN_EXE_MAX;
        char name[32];
        snprintf(name, sizeof name, "%d", (int)p->pid);
        if (mkdirat(rootfd, name, 0755) != 0)
            abort();
        int pfd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (pfd < 0 || mkdirat(pfd, "fd", 0755) != 0)
            abort();
        write_file(pfd, "comm", p->comm.p, p->comm.n);
        if (p->exe.n)
            make_link(pfd, "exe", p->exe);
        int ffd = openat(pfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (ffd < 0)
            abort();
        for (size_t k = 2; k < nf; k++) {
            struct span t = until_nul(f[k]);
            if (t.n == 0 || t.n > LSN_EXE_MAX)
                continue;
            snprintf(name, sizeof name, "%zu", k - 2);
            make_link(ffd, name, t);
            p->links[p->nlinks++] = t;
        }
        close(ffd);
        close(pfd);
    }

    /* The model. */
    struct row *rows = NULL;
    size_t nrows = 0, cap = 0;
    add_rows(sec[0], LSN_FAMILY_IPV4, &rows, &nrows, &cap);
    if (nsec > 1)
        add_rows(sec[1], LSN_FAMILY_IPV6, &rows, &nrows, &cap);
    for (size_t r = 0; r < nrows; r++) {
        if (rows[r].inode == 0)
            continue;
        for (size_t i = 0; i < nprocs; i++) {
            const struct proc *p = &procs[i];
            if (p->exe.n == 0 || !holds(p, rows[r].inode))
                continue;
            const struct proc *o = rows[r].owner;
            if (!o || o->pid == 1 || (p->pid != 1 && p->pid < o->pid))
                rows[r].owner = p;
        }
    }
    if (nrows)
        qsort(rows, nrows, sizeof *rows, row_cmp);

    struct buf want = {0};
    puts_(&want, "{\"listeners\":{\"listeners\":[");
    for (size_t r = 0; r < nrows; r++) {
        const struct row *w = &rows[r];
        char text[64], addr[LSN_IPV6_TEXT_SIZE];
        if (w->family == LSN_FAMILY_IPV6)
            lsn_ipv6_text(w->addr, addr, sizeof addr, NULL);
        else
            lsn_ipv4_text(w->addr, addr, sizeof addr, NULL);
        snprintf(text, sizeof text, "%s{\"port\":%u,\"family\":\"%s\",\"protocol\":\"tcp\",",
                 r ? "," : "", (unsigned)w->port, w->family == LSN_FAMILY_IPV6 ? "ipv6" : "ipv4");
        puts_(&want, text);
        puts_(&want, "\"bind_address\":\"");
        puts_(&want, addr);
        if (!w->owner) {
            puts_(&want, "\",\"pid\":null,\"comm\":null,\"exe\":null}");
            continue;
        }
        snprintf(text, sizeof text, "\",\"pid\":%d,\"comm\":", (int)w->owner->pid);
        puts_(&want, text);
        struct span c = w->owner->comm;
        if (c.n && c.p[c.n - 1] == '\n')
            c.n--;
        put_json_string(&want, c.p, c.n);
        puts_(&want, ",\"exe\":");
        put_json_string(&want, w->owner->exe.p, w->owner->exe.n);
        puts_(&want, "}");
    }
    puts_(&want, "]}}\n");

    /* The collector. */
    struct lsn_options opts;
    memset(&opts, 0, sizeof opts);
    opts.proc_root = root;
    opts.byte_order = LSN_ORDER_HOST;
    opts.diag = diag_check;
    struct lsn_result result;
    if (lsn_collect(&opts, &result) != LSN_OK || result.status != LSN_OK || result.count != nrows)
        abort();
    struct buf got = {0};
    if (lsn_write_json(&result, 0, sink, &got) != 0)
        abort();
    if (got.n != want.n || memcmp(got.p, want.p, want.n) != 0)
        abort();
    struct buf table = {0};
    if (lsn_write_table(&result, sink, &table) != 0)
        abort();

    /* --all-netns on a tree without self/ns/net or <pid>/ns/net links: the
     * host's inode is unknown, no other namespace exists, and the rows are
     * the same rows, each marked as the host's with netns 0. */
    struct lsn_result all;
    opts.flags = LSN_OPT_ALL_NETNS;
    if (lsn_collect(&opts, &all) != LSN_OK || all.count != result.count || !all.all_netns ||
        all.host_netns != 0)
        abort();
    for (size_t k = 0; k < all.count; k++) {
        const struct lsn_listener *a = &all.listeners[k], *b = &result.listeners[k];
        if (a->inode != b->inode || a->port != b->port || a->pid != b->pid || a->netns != 0 ||
            !a->netns_host)
            abort();
    }
    struct buf all_json = {0};
    if (lsn_write_json(&all, 0, sink, &all_json) != 0)
        abort();
    free(all_json.p);
    lsn_result_free(&all);
    lsn_result_free(&result);

    free(got.p);
    free(want.p);
    free(table.p);
    free(rows);
    remove_tree(rootfd);
    if (rmdir(root) != 0)
        abort();
    if (lowest_free_fd() != fd_before)
        abort();
    return 0;
}
