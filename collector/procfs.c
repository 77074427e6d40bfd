/* procfs.c - the one procfs layer. See procfs.h. */
#define _POSIX_C_SOURCE 200809L

#include "procfs.h"
#include "decimal.h"

#include "socket_link.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/vfs.h>
#define LSN_PROC_SUPER_MAGIC 0x9fa0
#endif

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

int lsn_proc_open_dir(int dirfd, const char *name)
{
    return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int lsn_proc_open_pid(int rootfd, int32_t pid)
{
    char name[16];
    lsn_decimal(name, (uint32_t)pid);
    return lsn_proc_open_dir(rootfd, name);
}

int lsn_proc_pids_open(int rootfd, struct lsn_proc_pids *it)
{
    int fd = lsn_proc_open_dir(rootfd, ".");
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

int lsn_proc_each_socket(int pidfd, lsn_proc_socket_fn fn, void *ctx, uint64_t *links_read,
                         uint64_t *sockets)
{
    char link[LSN_PROC_LINK_MAX];
    struct dirent *e;
    DIR *d;
    int fdfd = lsn_proc_open_dir(pidfd, "fd");
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
        got = readlinkat(fdfd, e->d_name, link, sizeof link);
        if (links_read)
            (*links_read)++;
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

int lsn_proc_read_comm(int pidfd, char out[LSN_COMM_MAX + 1], size_t *len, const char **why)
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

ssize_t lsn_proc_read_exe(int pidfd, char *buf, size_t cap)
{
    return readlinkat(pidfd, "exe", buf, cap);
}

uint64_t lsn_proc_netns(int dirfd, const char *rel, int *err, char text[LSN_PROC_LINK_MAX])
{
    char link[LSN_PROC_LINK_MAX];
    uint64_t inode = 0;
    ssize_t got = readlinkat(dirfd, rel, link, sizeof link);
    *err = 0;
    if (got < 0) {
        *err = errno;
        return 0;
    }
    if ((size_t)got >= sizeof link || lsn_parse_ns_link(link, (size_t)got, "net", &inode) != 0)
        return 0;
    if (text) {
        memcpy(text, link, (size_t)got);
        text[got] = '\0';
    }
    return inode;
}

int lsn_proc_open_table(int dirfd, const char *name, enum lsn_reason *reason, int *err)
{
    struct stat sb;
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        *err = errno;
        *reason = LSN_REASON_OPEN;
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
