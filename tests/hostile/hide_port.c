/* hide_port.c - an LD_PRELOAD library that hides one listening port the way a
 * userland rootkit of the Symbiote class does (issue 17): a test fixture for
 * tests/hostile/preload_hiding.sh, never a part of listeners.
 *
 * LSN_HIDE_PORT=N (decimal, 1..65535) names the port; unset or invalid, the
 * library changes nothing. With it:
 *   - /proc/.../net/tcp and tcp6 (a file named tcp or tcp6 whose first line is
 *     the table header), opened by open/openat (and their 64 variants), are
 *     read whole at open; the lines whose local port is N are dropped, and
 *     read/__read_chk/pread/readv/lseek on that fd are served from the
 *     filtered copy (the real fd stays open, so fstat and fstatfs still see a
 *     procfs file). fopen of such a file returns a tmpfile() holding the
 *     filtered copy (netstat reads the tables with fopen and fgets; glibc's
 *     stdio reads through its own internal read, which no preload reaches);
 *   - recvmsg/recv/recvfrom on a NETLINK_SOCK_DIAG socket (one socket()
 *     made, or getsockopt says so) drop the
 *     SOCK_DIAG_BY_FAMILY records whose inet_diag_msg sport is N and close
 *     the gap (ss). A reply left empty is received again, so that the caller
 *     never sees a 0-byte datagram it would take for the end.
 * LSN_HIDE_VIEW narrows it to one view: "procfs" hooks only the table reads
 * (a rootkit that filters /proc/net/tcp and leaves sock_diag alone, which
 * `listeners check` must report as netlink_only), "netlink" only the
 * sock_diag replies; unset or anything else, both.
 * Not thread-safe (at most 16 tracked fds, a static table): the programs it
 * is preloaded into here are single-threaded. */
#undef _FORTIFY_SOURCE /* the fortified inline read() would clash with ours */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* The next definition of NAME (libc's), as a function pointer of TYPE. A
 * memcpy, since ISO C has no cast from an object to a function pointer. */
#define NEXT(var, name)                                                                            \
    do {                                                                                           \
        if ((var) == NULL) {                                                                       \
            void *sym_ = dlsym(RTLD_NEXT, (name));                                                 \
            if (sym_ == NULL)                                                                      \
                abort();                                                                           \
            memcpy(&(var), &sym_, sizeof(var));                                                    \
        }                                                                                          \
    } while (0)

static int hidden_port(void)
{
    static int port = -1;
    if (port < 0) {
        const char *s = getenv("LSN_HIDE_PORT");
        char *end = NULL;
        long v = s != NULL ? strtol(s, &end, 10) : 0;
        port = (s != NULL && *s != '\0' && end != NULL && *end == '\0' && v > 0 && v < 65536)
                   ? (int)v
                   : 0;
    }
    return port;
}

/* Is the view ("procfs" or "netlink") hooked? LSN_HIDE_VIEW, when it names
 * one of them, leaves the other alone. */
static int hides_view(const char *view)
{
    const char *v = getenv("LSN_HIDE_VIEW");
    if (v == NULL || (strcmp(v, "procfs") != 0 && strcmp(v, "netlink") != 0))
        return 1;
    return strcmp(v, view) == 0;
}

/* ---- /proc/net/tcp{,6} ---- */

struct tracked {
    int fd;
    char *buf;
    size_t len, off;
};
static struct tracked tracked_fds[16];

static struct tracked *find_tracked(int fd)
{
    for (size_t i = 0; i < sizeof(tracked_fds) / sizeof(tracked_fds[0]); i++)
        if (tracked_fds[i].buf != NULL && tracked_fds[i].fd == fd)
            return &tracked_fds[i];
    return NULL;
}

static int is_table_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    return strcmp(base, "tcp") == 0 || strcmp(base, "tcp6") == 0;
}

/* The local port of a table line "  sl: ADDR:PORT ...", or -1. */
static long line_port(const char *line, const char *end)
{
    const char *p = memchr(line, ':', (size_t)(end - line));
    if (p == NULL)
        return -1;
    p++;
    while (p < end && *p == ' ')
        p++;
    const char *tok = p;
    while (p < end && *p != ' ')
        p++;
    const char *colon = NULL;
    for (const char *q = tok; q < p; q++)
        if (*q == ':')
            colon = q;
    if (colon == NULL || colon + 1 == p)
        return -1;
    long v = 0;
    for (const char *q = colon + 1; q < p; q++) {
        int c = (unsigned char)*q;
        int d = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                         : -1;
        if (d < 0 || v > 0xFFFF)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Drops the lines of BUF (after the header) whose local port is the hidden
 * one; returns the new length. Not a table (no header): unchanged. */
static size_t filter_table(char *buf, size_t len)
{
    static const char header[] = "  sl  local_address";
    if (len < sizeof(header) - 1 || memcmp(buf, header, sizeof(header) - 1) != 0)
        return len;
    char *nl = memchr(buf, '\n', len);
    if (nl == NULL)
        return len;
    size_t in = (size_t)(nl - buf) + 1, out = in;
    while (in < len) {
        char *e = memchr(buf + in, '\n', len - in);
        size_t n = e != NULL ? (size_t)(e - (buf + in)) + 1 : len - in;
        if (line_port(buf + in, buf + in + n) != hidden_port()) {
            memmove(buf + out, buf + in, n);
            out += n;
        }
        in += n;
    }
    return out;
}

static ssize_t (*next_read)(int, void *, size_t);

/* The whole file on FD (read with libc's read), filtered; NULL on error. */
static char *slurp(int fd, size_t *len)
{
    NEXT(next_read, "read");
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL)
                break;
            buf = bigger;
            cap *= 2;
        }
        ssize_t r = next_read(fd, buf + n, cap - n);
        if (r == 0) {
            *len = filter_table(buf, n);
            return buf;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        n += (size_t)r;
    }
    free(buf);
    return NULL;
}

static int track(int fd, const char *path)
{
    if (fd < 0 || hidden_port() == 0 || !hides_view("procfs") || !is_table_name(path))
        return fd;
    struct tracked *slot = NULL;
    for (size_t i = 0; slot == NULL && i < sizeof(tracked_fds) / sizeof(tracked_fds[0]); i++)
        if (tracked_fds[i].buf == NULL)
            slot = &tracked_fds[i];
    int saved = errno;
    size_t len = 0;
    char *buf = slot != NULL ? slurp(fd, &len) : NULL;
    if (buf != NULL)
        *slot = (struct tracked){.fd = fd, .buf = buf, .len = len, .off = 0};
    errno = saved;
    return fd;
}

static size_t serve(struct tracked *t, size_t off, void *dst, size_t n)
{
    size_t left = off < t->len ? t->len - off : 0;
    if (n > left)
        n = left;
    memcpy(dst, t->buf + off, n);
    return n;
}

static mode_t open_mode(int flags, va_list ap)
{
    return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, mode_t) : 0;
}

static int (*next_open)(const char *, int, ...);
static int (*next_open64)(const char *, int, ...);
static int (*next_openat)(int, const char *, int, ...);
static int (*next_openat64)(int, const char *, int, ...);

int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = open_mode(flags, ap);
    va_end(ap);
    NEXT(next_open, "open");
    return track(next_open(path, flags, mode), path);
}

int open64(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = open_mode(flags, ap);
    va_end(ap);
    NEXT(next_open64, "open64");
    return track(next_open64(path, flags, mode), path);
}

int openat(int dir, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = open_mode(flags, ap);
    va_end(ap);
    NEXT(next_openat, "openat");
    return track(next_openat(dir, path, flags, mode), path);
}

int openat64(int dir, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = open_mode(flags, ap);
    va_end(ap);
    NEXT(next_openat64, "openat64");
    return track(next_openat64(dir, path, flags, mode), path);
}

/* _FORTIFY_SOURCE builds call these for an open whose flags are not a
 * constant (the collector's are not): a rootkit wraps them too. */
static int (*next_open_2)(const char *, int);
static int (*next_openat_2)(int, const char *, int);

int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dir, const char *path, int flags);
int __openat64_2(int dir, const char *path, int flags);

int __open_2(const char *path, int flags)
{
    NEXT(next_open_2, "__open_2");
    return track(next_open_2(path, flags), path);
}

int __open64_2(const char *path, int flags)
{
    return __open_2(path, flags);
}

int __openat_2(int dir, const char *path, int flags)
{
    NEXT(next_openat_2, "__openat_2");
    return track(next_openat_2(dir, path, flags), path);
}

int __openat64_2(int dir, const char *path, int flags)
{
    return __openat_2(dir, path, flags);
}

ssize_t read(int fd, void *buf, size_t n)
{
    struct tracked *t = find_tracked(fd);
    if (t == NULL) {
        NEXT(next_read, "read");
        return next_read(fd, buf, n);
    }
    size_t got = serve(t, t->off, buf, n);
    t->off += got;
    return (ssize_t)got;
}

ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen);
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
    if (n > buflen)
        abort();
    return read(fd, buf, n);
}

static ssize_t (*next_pread)(int, void *, size_t, off_t);
static ssize_t (*next_pread64)(int, void *, size_t, off64_t);

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    struct tracked *t = find_tracked(fd);
    if (t == NULL) {
        NEXT(next_pread, "pread");
        return next_pread(fd, buf, n, off);
    }
    if (off < 0) {
        errno = EINVAL;
        return -1;
    }
    return (ssize_t)serve(t, (size_t)off, buf, n);
}

ssize_t pread64(int fd, void *buf, size_t n, off64_t off)
{
    if (find_tracked(fd) != NULL)
        return pread(fd, buf, n, (off_t)off);
    NEXT(next_pread64, "pread64");
    return next_pread64(fd, buf, n, off);
}

static ssize_t (*next_readv)(int, const struct iovec *, int);

ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
    struct tracked *t = find_tracked(fd);
    if (t == NULL) {
        NEXT(next_readv, "readv");
        return next_readv(fd, iov, iovcnt);
    }
    size_t total = 0;
    for (int i = 0; i < iovcnt; i++) {
        size_t got = serve(t, t->off, iov[i].iov_base, iov[i].iov_len);
        t->off += got;
        total += got;
    }
    return (ssize_t)total;
}

static off_t (*next_lseek)(int, off_t, int);
static off64_t (*next_lseek64)(int, off64_t, int);

off_t lseek(int fd, off_t off, int whence)
{
    struct tracked *t = find_tracked(fd);
    if (t == NULL) {
        NEXT(next_lseek, "lseek");
        return next_lseek(fd, off, whence);
    }
    off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (off_t)t->off : (off_t)t->len;
    if ((whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) || base + off < 0) {
        errno = EINVAL;
        return -1;
    }
    t->off = (size_t)(base + off);
    return base + off;
}

off64_t lseek64(int fd, off64_t off, int whence)
{
    if (find_tracked(fd) != NULL)
        return lseek(fd, (off_t)off, whence);
    NEXT(next_lseek64, "lseek64");
    return next_lseek64(fd, off, whence);
}

static int (*next_close)(int);
static void forget_diag_fd(int fd);

int close(int fd)
{
    struct tracked *t = find_tracked(fd);
    if (t != NULL) {
        free(t->buf);
        *t = (struct tracked){.fd = -1, .buf = NULL, .len = 0, .off = 0};
    }
    forget_diag_fd(fd);
    NEXT(next_close, "close");
    return next_close(fd);
}

static FILE *(*next_fopen)(const char *, const char *);
static FILE *(*next_fopen64)(const char *, const char *);

/* F, opened on PATH for reading: a tmpfile() with the filtered table, or F. */
static FILE *filtered_stream(FILE *f, const char *path, const char *mode)
{
    if (f == NULL || hidden_port() == 0 || !hides_view("procfs") || !is_table_name(path) ||
        mode[0] != 'r' || strchr(mode, '+') != NULL)
        return f;
    size_t len = 0;
    char *buf = slurp(fileno(f), &len);
    FILE *copy = buf != NULL ? tmpfile() : NULL;
    if (copy == NULL || fwrite(buf, 1, len, copy) != len || fseek(copy, 0, SEEK_SET) != 0) {
        if (copy != NULL)
            fclose(copy);
        free(buf);
        return f; /* read part way: the caller sees what is left, as a fixture may */
    }
    free(buf);
    fclose(f);
    return copy;
}

FILE *fopen(const char *path, const char *mode)
{
    NEXT(next_fopen, "fopen");
    return filtered_stream(next_fopen(path, mode), path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
    NEXT(next_fopen64, "fopen64");
    return filtered_stream(next_fopen64(path, mode), path, mode);
}

/* ---- NETLINK_SOCK_DIAG ---- */

/* The sock_diag sockets this process made, as socket() returned them: a
 * rootkit knows its sockets from their birth, and so it works in a process
 * that cannot call getsockopt afterwards (the listeners CLI's seccomp
 * filter refuses it). Others are asked with getsockopt. */
static int diag_fds[16] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
static int (*next_socket)(int, int, int);

int socket(int domain, int type, int protocol)
{
    NEXT(next_socket, "socket");
    int fd = next_socket(domain, type, protocol);
    if (fd >= 0 && domain == AF_NETLINK && protocol == NETLINK_SOCK_DIAG)
        for (size_t i = 0; i < sizeof(diag_fds) / sizeof(diag_fds[0]); i++)
            if (diag_fds[i] < 0) {
                diag_fds[i] = fd;
                break;
            }
    return fd;
}

static void forget_diag_fd(int fd)
{
    for (size_t i = 0; i < sizeof(diag_fds) / sizeof(diag_fds[0]); i++)
        if (diag_fds[i] == fd)
            diag_fds[i] = -1;
}

static int is_sock_diag(int fd)
{
    for (size_t i = 0; i < sizeof(diag_fds) / sizeof(diag_fds[0]); i++)
        if (diag_fds[i] == fd)
            return 1;
    int v = 0;
    socklen_t l = sizeof(v);
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) != 0 || v != AF_NETLINK)
        return 0;
    l = sizeof(v);
    return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &l) == 0 && v == NETLINK_SOCK_DIAG;
}

/* Drops the inet_diag records of the hidden port from the N bytes of
 * netlink messages at BUF; returns the new length. */
static size_t filter_diag(unsigned char *buf, size_t n)
{
    size_t in = 0, out = 0;
    while (n - in >= sizeof(struct nlmsghdr)) {
        struct nlmsghdr h;
        memcpy(&h, buf + in, sizeof(h));
        if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > n - in)
            break;
        size_t step = NLMSG_ALIGN((size_t)h.nlmsg_len);
        if (step > n - in)
            step = n - in;
        int drop = 0;
        if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY &&
            h.nlmsg_len >= NLMSG_LENGTH(sizeof(struct inet_diag_msg))) {
            struct inet_diag_msg m;
            memcpy(&m, buf + in + NLMSG_HDRLEN, sizeof(m));
            drop = (m.idiag_family == AF_INET || m.idiag_family == AF_INET6) &&
                   ntohs(m.id.idiag_sport) == hidden_port();
        }
        if (!drop) {
            memmove(buf + out, buf + in, step);
            out += step;
        }
        in += step;
    }
    if (in < n) { /* a tail that is not a whole message: kept as it came */
        memmove(buf + out, buf + in, n - in);
        out += n - in;
    }
    return out;
}

static ssize_t (*next_recvmsg)(int, struct msghdr *, int);
static ssize_t (*next_recvfrom)(int, void *, size_t, int, __SOCKADDR_ARG, socklen_t *);

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
    NEXT(next_recvmsg, "recvmsg");
    int filter = hidden_port() != 0 && hides_view("netlink") && (flags & MSG_PEEK) == 0 &&
                 msg->msg_iovlen >= 1 && is_sock_diag(fd);
    socklen_t namelen = msg->msg_namelen;
    size_t controllen = msg->msg_controllen;
    for (;;) {
        ssize_t r = next_recvmsg(fd, msg, flags);
        if (!filter || r <= 0 || (size_t)r > msg->msg_iov[0].iov_len)
            return r;
        size_t kept = filter_diag(msg->msg_iov[0].iov_base, (size_t)r);
        if (kept > 0)
            return (ssize_t)kept;
        msg->msg_namelen = namelen; /* all hidden: the next datagram */
        msg->msg_controllen = controllen;
    }
}

ssize_t recvfrom(int fd, void *buf, size_t n, int flags, __SOCKADDR_ARG addr, socklen_t *alen)
{
    NEXT(next_recvfrom, "recvfrom");
    int filter =
        hidden_port() != 0 && hides_view("netlink") && (flags & MSG_PEEK) == 0 && is_sock_diag(fd);
    socklen_t len0 = alen != NULL ? *alen : 0;
    for (;;) {
        ssize_t r = next_recvfrom(fd, buf, n, flags, addr, alen);
        if (!filter || r <= 0 || (size_t)r > n)
            return r;
        size_t kept = filter_diag(buf, (size_t)r);
        if (kept > 0)
            return (ssize_t)kept;
        if (alen != NULL)
            *alen = len0;
    }
}

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
    return recvfrom(fd, buf, n, flags, (struct sockaddr *)NULL, NULL);
}
