/* procfs.c - the one procfs layer. See procfs.h. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* syscall: kcmp */

#include "procfs.h"
#include "decimal.h"

#include "socket_link.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/syscall.h>
#include <sys/vfs.h>
#define LSN_PROC_SUPER_MAGIC 0x9fa0
#define LSN_KCMP_FILES 2 /* <linux/kcmp.h> KCMP_FILES */
#endif

/* Appends s to buf at *at, keeping room for the NUL. */
static void put(char *buf, size_t cap, size_t *at, const char *s)
{
    size_t n = strlen(s);
    if (*at + n >= cap)
        n = cap - 1 - *at;
    memcpy(buf + *at, s, n);
    *at += n;
    buf[*at] = '\0';
}

int32_t lsn_proc_pid(const char *name)
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

int lsn_proc_is_procfs(int fd)
{
#ifdef __linux__
    struct statfs sf;
    return fstatfs(fd, &sf) == 0 && sf.f_type == LSN_PROC_SUPER_MAGIC;
#else
    (void)fd;
    return 0;
#endif
}

int lsn_proc_root_open(struct lsn_proc_root *root, const char *path)
{
    struct stat sb;
    char link[16];
    ssize_t n;
    memset(root, 0, sizeof *root);
    root->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root->fd < 0)
        return errno;
    if (fstat(root->fd, &sb) != 0) {
        int err = errno;
        close(root->fd);
        root->fd = -1;
        return err;
    }
    root->dev = sb.st_dev;
    root->procfs = lsn_proc_is_procfs(root->fd);
    if (root->procfs) {
        n = readlinkat(root->fd, "self", link, sizeof link - 1);
        if (n > 0) {
            link[n] = '\0';
            if (lsn_proc_pid(link) > 0) {
                memcpy(root->self, link, (size_t)n + 1);
                root->own_pids = lsn_proc_pid(link) == (int32_t)getpid();
            } else
                root->self_err = ENOENT;
        } else {
            /* A procfs of another pid namespace (a container's, seen
             * through /proc/<pid>/root/proc): the reader has no pid there,
             * so its "self" is nobody. Its init, pid 1, stands for it. */
            root->self_err = n < 0 ? errno : ENOENT;
            memcpy(root->self, "1", 2);
        }
    }
    return 0;
}

void lsn_proc_root_close(struct lsn_proc_root *root)
{
    if (root->fd >= 0)
        close(root->fd);
    root->fd = -1;
}

/* A tree's fd must be on the root's filesystem. 0, or -1 with EXDEV. */
static int same_fs(const struct lsn_proc_root *root, int fd)
{
    struct stat sb;
    if (root->procfs)
        return 0;
    if (fstat(fd, &sb) != 0)
        return -1;
    if (sb.st_dev != root->dev) {
        errno = EXDEV;
        return -1;
    }
    return 0;
}

int lsn_proc_open_beneath(const struct lsn_proc_root *root, int dirfd, const char *rel, int flags)
{
    char part[256];
    const char *at = rel;
    int cur = dirfd;
    for (;;) {
        size_t n = strcspn(at, "/");
        int last, fd;
        if (n == 0 || n >= sizeof part || (n == 1 && at[0] == '.') ||
            (n == 2 && at[0] == '.' && at[1] == '.')) {
            if (cur != dirfd)
                close(cur);
            errno = EINVAL;
            return -1;
        }
        memcpy(part, at, n);
        part[n] = '\0';
        last = strchr(at, '/') == NULL;
        fd = openat(cur, part,
                    last ? flags | O_NOFOLLOW | O_CLOEXEC
                         : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && (errno == ENOTDIR || errno == ELOOP || errno == EMLINK)) {
            struct stat sb; /* say "a link" for a link, whatever openat said */
            if (fstatat(cur, part, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode))
                errno = ELOOP;
            else if (errno == ENOTDIR || errno == EMLINK)
                errno = ENOTDIR;
        }
        if (cur != dirfd) {
            int e = errno;
            close(cur);
            errno = e;
        }
        if (fd < 0)
            return -1;
        if (same_fs(root, fd) != 0) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
        if (last)
            return fd;
        cur = fd;
        at += n + 1;
    }
}

const char *lsn_proc_host(const struct lsn_proc_root *root, const char *rel, char *buf, size_t cap)
{
    size_t at = 0;
    if (root->procfs && root->self[0] == '\0') {
        errno = root->self_err ? root->self_err : ENOENT;
        return NULL;
    }
    buf[0] = '\0';
    if (root->procfs) {
        put(buf, cap, &at, root->self);
        put(buf, cap, &at, "/");
    } else if (strncmp(rel, "net/", 4) != 0) {
        put(buf, cap, &at, "self/");
    }
    put(buf, cap, &at, rel);
    return buf;
}

int lsn_proc_open_pid(const struct lsn_proc_root *root, int32_t pid)
{
    char name[16];
    lsn_decimal(name, (uint32_t)pid);
    return lsn_proc_open_beneath(root, root->fd, name, O_RDONLY | O_DIRECTORY);
}

int lsn_proc_pids_open(const struct lsn_proc_root *root, struct lsn_proc_pids *it)
{
    int fd = openat(root->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    it->dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!it->dir) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        return err;
    }
    return 0;
}

int32_t lsn_proc_pids_next(struct lsn_proc_pids *it)
{
    struct dirent *e;
    while ((e = readdir(it->dir)) != NULL) {
        int32_t pid = lsn_proc_pid(e->d_name);
        if (pid > 0)
            return pid;
    }
    return 0;
}

void lsn_proc_pids_rewind(struct lsn_proc_pids *it)
{
    rewinddir(it->dir);
}

void lsn_proc_pids_close(struct lsn_proc_pids *it)
{
    if (it->dir)
        closedir(it->dir);
    it->dir = NULL;
}

int lsn_proc_tasks_open(const struct lsn_proc_root *root, int pidfd, struct lsn_proc_pids *it)
{
    int fd = lsn_proc_open_beneath(root, pidfd, "task", O_RDONLY | O_DIRECTORY);
    it->dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!it->dir) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        return err;
    }
    return 0;
}

int lsn_proc_open_task(const struct lsn_proc_root *root, const struct lsn_proc_pids *tasks,
                       int32_t tid)
{
    char name[16];
    lsn_decimal(name, (uint32_t)tid);
    return lsn_proc_open_beneath(root, dirfd(tasks->dir), name, O_RDONLY | O_DIRECTORY);
}

int lsn_proc_each_socket(const struct lsn_proc_root *root, int pidfd, lsn_proc_socket_fn fn,
                         void *ctx, uint64_t *links_read, uint64_t *sockets)
{
    uint64_t n = 0;
    int err = lsn_proc_each_socket_max(root, pidfd, fn, ctx, &n, sockets, UINT64_MAX);
    if (links_read)
        *links_read += n;
    return err;
}

int lsn_proc_same_files(const struct lsn_proc_root *root, int32_t pid, int32_t tid)
{
#if defined(__linux__) && defined(SYS_kcmp)
    long r;
    if (!root->own_pids || pid <= 0 || tid <= 0)
        return -1;
    r = syscall(SYS_kcmp, (pid_t)pid, (pid_t)tid, LSN_KCMP_FILES, 0UL, 0UL);
    if (r < 0 || r > 3)
        return -1;
    return r == 0;
#else
    (void)root;
    (void)pid;
    (void)tid;
    return -1;
#endif
}

int lsn_proc_each_socket_max(const struct lsn_proc_root *root, int pidfd, lsn_proc_socket_fn fn,
                             void *ctx, uint64_t *links_read, uint64_t *sockets, uint64_t max_links)
{
    char link[LSN_PROC_LINK_MAX];
    struct dirent *e;
    DIR *d;
    int fdfd = lsn_proc_open_beneath(root, pidfd, "fd", O_RDONLY | O_DIRECTORY);
    if (fdfd < 0 || (d = fdopendir(fdfd)) == NULL) {
        int err = errno;
        if (fdfd >= 0)
            close(fdfd);
        return err;
    }
    while ((e = readdir(d)) != NULL) {
        uint64_t inode;
        ssize_t got;
        if (e->d_name[0] == '.')
            continue;
        if (*links_read >= max_links)
            break;
        got = readlinkat(fdfd, e->d_name, link, sizeof link);
        (*links_read)++;
        if (got < 0 && (errno == EACCES || errno == EPERM)) {
            /* The directory could be listed (CAP_DAC_READ_SEARCH, or a
             * tree's permissions) but its links cannot be read (procfs
             * checks ptrace access per link: every link of this pid
             * fails alike). Said as the pid's, not skipped in silence. */
            int err = errno;
            closedir(d);
            return err;
        }
        if (got <= 0 || (size_t)got >= sizeof link)
            continue;
        if (lsn_parse_socket_link(link, (size_t)got, &inode) != LSN_LINK_SOCKET)
            continue;
        link[got] = '\0';
        if (sockets)
            (*sockets)++;
        if (fn(ctx, e->d_name, link, inode) != 0)
            break;
    }
    closedir(d);
    return 0;
}

int lsn_proc_read_comm(const struct lsn_proc_root *root, int pidfd, char out[LSN_COMM_MAX + 1],
                       size_t *len, const char **why)
{
    struct stat sb;
    size_t have = 0;
    int fd = lsn_proc_open_beneath(root, pidfd, "comm", O_RDONLY | O_NONBLOCK | O_NOCTTY), err = 0;
    *why = "cannot open comm";
    if (fd < 0) {
        if (errno == ELOOP)
            *why = "comm is a symbolic link, not followed";
        return errno;
    }
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

ssize_t lsn_proc_read_exe(int pidfd, char *buf, size_t cap)
{
    return readlinkat(pidfd, "exe", buf, cap);
}

uint64_t lsn_proc_netns(const struct lsn_proc_root *root, int dirfd, const char *rel, int *err,
                        char text[LSN_PROC_LINK_MAX])
{
    return lsn_proc_ns(root, dirfd, rel, "net", err, text);
}

uint64_t lsn_proc_ns(const struct lsn_proc_root *root, int dirfd, const char *rel, const char *type,
                     int *err, char text[LSN_PROC_LINK_MAX])
{
    char link[LSN_PROC_LINK_MAX], parent[64];
    const char *slash = strrchr(rel, '/'), *name = slash ? slash + 1 : rel;
    uint64_t inode = 0;
    ssize_t got;
    int pfd = dirfd;
    *err = 0;
    if (slash) { /* the directories on the way, beneath the root */
        size_t n = (size_t)(slash - rel);
        if (n >= sizeof parent) {
            *err = ENAMETOOLONG;
            return 0;
        }
        memcpy(parent, rel, n);
        parent[n] = '\0';
        pfd = lsn_proc_open_beneath(root, dirfd, parent, O_RDONLY | O_DIRECTORY);
        if (pfd < 0) {
            *err = errno;
            return 0;
        }
    }
    got = readlinkat(pfd, name, link, sizeof link);
    if (got < 0)
        *err = errno;
    if (pfd != dirfd)
        close(pfd);
    if (got < 0)
        return 0;
    if ((size_t)got >= sizeof link || lsn_parse_ns_link(link, (size_t)got, type, &inode) != 0)
        return 0;
    if (text) {
        memcpy(text, link, (size_t)got);
        text[got] = '\0';
    }
    return inode;
}

int lsn_proc_open_table(const struct lsn_proc_root *root, int dirfd, const char *name,
                        enum lsn_reason *reason, int *err)
{
    struct stat sb;
    int fd = lsn_proc_open_beneath(root, dirfd, name, O_RDONLY | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        *err = errno;
        *reason = LSN_REASON_OPEN;
        if (*err == ELOOP || *err == EXDEV) { /* the reason says it all */
            *reason = *err == ELOOP ? LSN_REASON_LINK : LSN_REASON_OTHER_FS;
            *err = 0;
        }
        return -1;
    }
    if (fstat(fd, &sb) != 0) {
        *err = errno;
        *reason = LSN_REASON_STAT;
        close(fd);
        return -1;
    }
    if (!S_ISREG(sb.st_mode)) {
        *err = 0;
        *reason = LSN_REASON_NOT_REGULAR;
        close(fd);
        return -1;
    }
    *err = 0;
    *reason = LSN_REASON_NONE;
    return fd;
}

const char *lsn_proc_path(char *buf, size_t cap, const char *root, int32_t pid, const char *rel)
{
    size_t at = 0;
    size_t rl = strlen(root);
    buf[0] = '\0';
    put(buf, cap, &at, root);
    if (rl == 0 || root[rl - 1] != '/')
        put(buf, cap, &at, "/");
    if (pid > 0) {
        char num[16];
        lsn_decimal(num, (uint32_t)pid);
        put(buf, cap, &at, num);
        if (rel)
            put(buf, cap, &at, "/");
    }
    if (rel)
        put(buf, cap, &at, rel);
    return buf;
}

/* ---- interfaces (packet rows) ---- */

int lsn_proc_each_interface(const struct lsn_proc_root *root, lsn_proc_interface_fn fn, void *ctx)
{
    struct dirent *e;
    DIR *d;
    int fd;

    /* sysfs is the kernel's own: its class/net entries are links into
     * devices/ and are followed there. A tree is not: its copy is read like
     * the rest of it, beneath the root, no link followed. */
    if (root->procfs)
        fd = open("/sys/class/net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    else
        fd = lsn_proc_open_beneath(root, root->fd, "sys/class/net", O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return errno;
    d = fdopendir(fd);
    if (!d) {
        int err = errno;
        close(fd);
        return err;
    }
    while ((e = readdir(d)) != NULL) {
        char rel[16 + sizeof "/ifindex"], buf[24];
        size_t len = strlen(e->d_name), i;
        uint64_t ifindex = 0;
        ssize_t got;
        int f;
        if (e->d_name[0] == '.' || len > 15)
            continue;
        memcpy(rel, e->d_name, len);
        memcpy(rel + len, "/ifindex", sizeof "/ifindex");
        f = root->procfs ? openat(dirfd(d), rel, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
                         : lsn_proc_open_beneath(root, dirfd(d), rel, O_RDONLY);
        if (f < 0)
            continue; /* going away, or not an interface */
        got = read(f, buf, sizeof buf - 1);
        close(f);
        if (got <= 0)
            continue;
        /* "%d\n": an ifindex is positive */
        for (i = 0; i < (size_t)got && buf[i] >= '0' && buf[i] <= '9' && i < 10; i++)
            ifindex = ifindex * 10 + (uint64_t)(buf[i] - '0');
        if (i == 0 || i >= (size_t)got || buf[i] != '\n' || ifindex == 0 || ifindex > INT32_MAX)
            continue;
        if (fn(ctx, (int32_t)ifindex, e->d_name) != 0)
            break;
    }
    closedir(d);
    return 0;
}
