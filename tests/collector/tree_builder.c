/* tree_builder.c - see tree_builder.h. */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700

#include "tree_builder.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what, const char *path)
{
    fprintf(stderr, "tree_builder: %s %s: %s\n", what, path, strerror(errno));
    abort();
}

static void full(const struct tb *t, const char *rel, char *dst, size_t cap)
{
    int n = snprintf(dst, cap, "%s/%s", t->root, rel);
    if (n < 0 || (size_t)n >= cap) {
        fprintf(stderr, "tree_builder: path too long: %s\n", rel);
        abort();
    }
}

static void mkparents(char *path)
{
    char *p;
    for (p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            die("mkdir", path);
        *p = '/';
    }
}

void tb_init(struct tb *t)
{
    const char *tmp = getenv("TMPDIR");
    memset(t, 0, sizeof *t);
    snprintf(t->root, sizeof t->root, "%s/lsn-tree-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t->root))
        die("mkdtemp", t->root);
    /* readable by everyone: the unprivileged test runs the CLI as nobody */
    chmod(t->root, 0755);
    /* The tables are this host's (above): said as a snapshot says it, so
     * that the CLI does not warn that the tree records no byte order. */
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    tb_text(t, "MANIFEST", first ? "byte_order=little-endian\n" : "byte_order=big-endian\n");
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void tb_destroy(struct tb *t)
{
    if (t->root[0])
        nftw(t->root, rm_one, 64, FTW_DEPTH | FTW_PHYS);
    free(t->tcp);
    free(t->tcp6);
    memset(t, 0, sizeof *t);
}

void tb_file(struct tb *t, const char *rel, const void *data, size_t len)
{
    char path[1024];
    int fd;
    full(t, rel, path, sizeof path);
    mkparents(path);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        die("open", path);
    if (len && write(fd, data, len) != (ssize_t)len)
        die("write", path);
    close(fd);
}

void tb_text(struct tb *t, const char *rel, const char *text)
{
    tb_file(t, rel, text, strlen(text));
}

void tb_dir(struct tb *t, const char *rel)
{
    char path[1024];
    size_t n;
    full(t, rel, path, sizeof path - 1); /* room for the '/' */
    n = strlen(path);
    path[n] = '/';
    path[n + 1] = '\0';
    mkparents(path);
}

void tb_symlink(struct tb *t, const char *rel, const void *target, size_t len)
{
    char path[1024], *tg = malloc(len + 1);
    if (!tg)
        abort();
    memcpy(tg, target, len);
    tg[len] = '\0';
    full(t, rel, path, sizeof path);
    mkparents(path);
    if (symlink(tg, path) != 0)
        die("symlink", path);
    free(tg);
}

void tb_fifo(struct tb *t, const char *rel)
{
    char path[1024];
    full(t, rel, path, sizeof path);
    mkparents(path);
    if (mkfifo(path, 0644) != 0)
        die("mkfifo", path);
}

void tb_process(struct tb *t, int pid, const char *comm, size_t comm_len, const char *exe,
                size_t exe_len)
{
    char rel[64];
    snprintf(rel, sizeof rel, "%d/fd", pid);
    tb_dir(t, rel);
    if (comm) {
        char *c;
        if (comm_len == (size_t)-1)
            comm_len = strlen(comm);
        c = malloc(comm_len + 1);
        if (!c)
            abort();
        memcpy(c, comm, comm_len);
        c[comm_len] = '\n';
        snprintf(rel, sizeof rel, "%d/comm", pid);
        tb_file(t, rel, c, comm_len + 1);
        free(c);
    }
    if (exe) {
        if (exe_len == (size_t)-1)
            exe_len = strlen(exe);
        snprintf(rel, sizeof rel, "%d/exe", pid);
        tb_symlink(t, rel, exe, exe_len);
    }
}

void tb_fd(struct tb *t, int pid, int fd, const char *target)
{
    char rel[64];
    snprintf(rel, sizeof rel, "%d/fd/%d", pid, fd);
    tb_symlink(t, rel, target, strlen(target));
}

void tb_socket_fd(struct tb *t, int pid, int fd, uint64_t inode)
{
    char target[64];
    snprintf(target, sizeof target, "socket:[%llu]", (unsigned long long)inode);
    tb_fd(t, pid, fd, target);
}

static void append(char **buf, size_t *len, const char *bytes, size_t n)
{
    char *nb = realloc(*buf, *len + n + 1);
    if (!nb)
        abort();
    memcpy(nb + *len, bytes, n);
    *len += n;
    nb[*len] = '\0';
    *buf = nb;
}

static const char tcp_header[] = "  sl  local_address rem_address   st tx_queue rx_queue tr "
                                 "tm->when retrnsmt   uid  timeout inode";
static const char tcp6_header[] =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

void tb_tcp_header(struct tb *t)
{
    char line[256];
    if (t->tcp)
        return;
    snprintf(line, sizeof line, "%-149s\n", tcp_header);
    append(&t->tcp, &t->tcp_len, line, strlen(line));
}

void tb_tcp6_header(struct tb *t)
{
    if (t->tcp6)
        return;
    append(&t->tcp6, &t->tcp6_len, tcp6_header, strlen(tcp6_header));
}

/* %08X of each 32-bit word as this machine reads it: the kernel's output. */
static void hex_words(char *dst, const unsigned char *addr, size_t words)
{
    size_t i;
    for (i = 0; i < words; i++) {
        uint32_t w;
        memcpy(&w, addr + 4 * i, 4);
        sprintf(dst + 8 * i, "%08X", w);
    }
}

size_t tb_tcp_line(char *dst, unsigned sl, const char *ip, uint16_t port, unsigned state,
                   uint64_t inode)
{
    unsigned char a[16];
    char local[33], remote[33], body[256];
    int v6 = strchr(ip, ':') != NULL, n;
    unsigned char zero[16] = {0};
    if (inet_pton(v6 ? AF_INET6 : AF_INET, ip, a) != 1) {
        fprintf(stderr, "tree_builder: bad address %s\n", ip);
        abort();
    }
    hex_words(local, a, v6 ? 4u : 1u);
    hex_words(remote, zero, v6 ? 4u : 1u);
    n = snprintf(body, sizeof body,
                 "%4u: %s:%04X %s:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %llu %d "
                 "%016llx %lu %lu %u %u %d",
                 sl, local, (unsigned)port, remote, state == 0x0A ? 0u : 40000u, state, 0u, 0u, 0u,
                 0ul, 0u, 0u, 0, (unsigned long long)inode, 1, 0xffff88810a2b3c00ull, 100ul, 0ul,
                 0u, 10u, state == 0x0A ? 0 : -1);
    if (n < 0)
        abort();
    if (v6)
        return (size_t)sprintf(dst, "%s\n", body);
    return (size_t)sprintf(dst, "%-149s\n", body);
}

void tb_tcp(struct tb *t, const char *ip, uint16_t port, unsigned state, uint64_t inode)
{
    char line[256];
    size_t n;
    tb_tcp_header(t);
    n = tb_tcp_line(line, t->sl4++, ip, port, state, inode);
    append(&t->tcp, &t->tcp_len, line, n);
}

void tb_tcp6(struct tb *t, const char *ip, uint16_t port, unsigned state, uint64_t inode)
{
    char line[256];
    size_t n;
    tb_tcp6_header(t);
    n = tb_tcp_line(line, t->sl6++, ip, port, state, inode);
    append(&t->tcp6, &t->tcp6_len, line, n);
}

void tb_tcp_raw(struct tb *t, const char *bytes, size_t len)
{
    tb_tcp_header(t);
    t->sl4++;
    append(&t->tcp, &t->tcp_len, bytes, len);
}

void tb_tcp6_raw(struct tb *t, const char *bytes, size_t len)
{
    tb_tcp6_header(t);
    t->sl6++;
    append(&t->tcp6, &t->tcp6_len, bytes, len);
}

void tb_tables(struct tb *t)
{
    if (t->tcp)
        tb_file(t, "net/tcp", t->tcp, t->tcp_len);
    if (t->tcp6)
        tb_file(t, "net/tcp6", t->tcp6, t->tcp6_len);
}

void tb_netns(struct tb *t, int pid, uint64_t inode)
{
    char rel[64], target[64];
    snprintf(rel, sizeof rel, "%d/ns/net", pid);
    snprintf(target, sizeof target, "net:[%llu]", (unsigned long long)inode);
    tb_symlink(t, rel, target, strlen(target));
}

void tb_self_netns(struct tb *t, uint64_t inode)
{
    char target[64];
    snprintf(target, sizeof target, "net:[%llu]", (unsigned long long)inode);
    tb_symlink(t, "self/ns/net", target, strlen(target));
}

void tb_tables_at(struct tb *t, const char *dir)
{
    char rel[256];
    if (t->tcp) {
        snprintf(rel, sizeof rel, "%s/net/tcp", dir);
        tb_file(t, rel, t->tcp, t->tcp_len);
    }
    if (t->tcp6) {
        snprintf(rel, sizeof rel, "%s/net/tcp6", dir);
        tb_file(t, rel, t->tcp6, t->tcp6_len);
    }
    tb_tables_clear(t);
}

void tb_tables_clear(struct tb *t)
{
    free(t->tcp);
    free(t->tcp6);
    t->tcp = t->tcp6 = NULL;
    t->tcp_len = t->tcp6_len = 0;
    t->sl4 = t->sl6 = 0;
}

/* ---- running ---- */

static char *slurp(int fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *b = malloc(cap + 1);
    ssize_t got;
    if (!b)
        abort();
    lseek(fd, 0, SEEK_SET);
    while ((got = read(fd, b + n, cap - n)) > 0) {
        n += (size_t)got;
        if (n == cap) {
            cap *= 2;
            b = realloc(b, cap + 1);
            if (!b)
                abort();
        }
    }
    b[n] = '\0';
    *len = n;
    return b;
}

static int temp_fd(void)
{
    char name[] = "/tmp/lsn-run-XXXXXX";
    int fd = mkstemp(name);
    if (fd < 0)
        die("mkstemp", name);
    unlink(name);
    return fd;
}

void run_argv(struct run *r, char *const argv[])
{
    int out = temp_fd(), err = temp_fd(), st;
    pid_t pid = fork();
    if (pid < 0)
        die("fork", argv[0]);
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(126);
        for (int fd = 3; fd < 4096; fd++) /* only stdin, stdout, stderr reach the program */
            close(fd);
        execv(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            die("waitpid", argv[0]);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->out = slurp(out, &r->out_len);
    r->err = slurp(err, &r->err_len);
    close(out);
    close(err);
}

void run_cli(struct run *r, ...)
{
    char *argv[32];
    int n = 0;
    va_list ap;
    argv[n++] = (char *)LISTENERS_CLI;
    va_start(ap, r);
    while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
        n++;
    va_end(ap);
    argv[n] = NULL;
    run_argv(r, argv);
}

void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

char *tb_json(const char *s, size_t len)
{
    char *d = malloc(len * 6 + 3), *p = d;
    size_t i;
    if (!d)
        abort();
    *p++ = '"';
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *p++ = '\\';
            *p++ = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            p += sprintf(p, "\\u%04x", c);
        } else {
            *p++ = (char)c;
        }
    }
    *p++ = '"';
    *p = '\0';
    return d;
}
