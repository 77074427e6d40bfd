/* floor.c - the yardstick: the fewest syscalls the contract's method needs,
 * no output formatting (prints one line of counts).
 *
 * 1. read /proc/net/tcp then tcp6 in 4 KiB reads (seq_file gives one page
 *    per read anyway), keep 0A lines' inodes, stop at the first line whose
 *    state is neither 0A nor 03 (the listening section; no fallback: the
 *    floor is a lower bound, not a tool);
 *    a table that took more than one read() is read once more (the
 *    method's re-read of split reads, collector/tables.c: on a quiet host
 *    the second pass adds nothing and is the last);
 * 2. walk /proc with getdents64 (ascending pids, pid 1 last), for each pid
 *    open /proc/<pid>, then fd/, getdents64, one readlinkat per fd;
 * 3. for an owner: read comm and readlinkat exe through the pid dir fd;
 * stop the walk as soon as every listener has an owner.
 * Usage: floor [--full]  (--full: read tables to EOF, no early stops).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HCAP (1u << 16)
static uint64_t hkey[HCAP];
static int32_t hown[HCAP];
static size_t nlisten, unowned, owners;
static int full;

static size_t slot(uint64_t k)
{
    return (size_t)((k * 0x9E3779B97F4A7C15u) >> 48) & (HCAP - 1);
}

static void add(uint64_t ino)
{
    size_t i;
    if (!ino || nlisten >= HCAP / 2)
        return;
    for (i = slot(ino); hkey[i]; i = (i + 1) & (HCAP - 1))
        if (hkey[i] == ino)
            return;
    hkey[i] = ino;
    hown[i] = -1;
    nlisten++;
    unowned++;
}

static long find(uint64_t ino)
{
    size_t i;
    for (i = slot(ino); hkey[i]; i = (i + 1) & (HCAP - 1))
        if (hkey[i] == ino)
            return (long)i;
    return -1;
}

/* Returns 1 when the line ends the listening section. */
static int line(const char *s, size_t n)
{
    /* "  sl  local rem st tx:rx tr:when retrnsmt uid timeout inode" */
    const char *p = s, *e = s + n;
    int field = 0;
    char st[3] = {0};
    uint64_t ino = 0;
    while (p < e) {
        while (p < e && *p == ' ')
            p++;
        if (p >= e)
            break;
        const char *t = p;
        while (p < e && *p != ' ')
            p++;
        if (field == 0 && (p - t < 2 || t[p - t - 1] != ':'))
            return 0; /* header */
        if (field == 3 && p - t == 2) {
            st[0] = t[0];
            st[1] = t[1];
        }
        if (field == 9) {
            for (; t < p && *t >= '0' && *t <= '9'; t++)
                ino = ino * 10 + (uint64_t)(*t - '0');
            break;
        }
        field++;
    }
    if (st[0] == '0' && st[1] == 'A') {
        add(ino);
        return 0;
    }
    if (st[0] == '0' && st[1] == '3')
        return 0;
    return !full;
}

/* One pass over a table; returns its read() calls. */
static int table_pass(const char *path)
{
    static char buf[4096 + 4096];
    size_t have = 0;
    int reads = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    for (;;) {
        ssize_t got = read(fd, buf + have, 4096);
        size_t start = 0, i;
        reads++;
        if (got <= 0)
            break;
        have += (size_t)got;
        for (i = 0; i < have; i++)
            if (buf[i] == '\n') {
                if (line(buf + start, i - start)) {
                    close(fd);
                    return reads;
                }
                start = i + 1;
            }
        memmove(buf, buf + start, have - start);
        have -= start;
        if (have > 4096)
            have = 0; /* absurd line: drop */
        if (!full && got + 512 <= 4096)
            break; /* short seq_file read: the iterator ended (see collect.c) */
    }
    close(fd);
    return reads;
}

static void table(const char *path)
{
    if (table_pass(path) > 1)
        table_pass(path);
}

struct d64 {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
};

static uint64_t links;

static void visit(int proc, const char *name, int32_t pid)
{
    static char dbuf[32768];
    char link[64];
    int pfd = openat(proc, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ffd, mine = 0;
    long n;
    if (pfd < 0)
        return;
    ffd = openat(pfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (ffd < 0) {
        close(pfd);
        return;
    }
    while ((n = syscall(SYS_getdents64, ffd, dbuf, sizeof dbuf)) > 0) {
        long off = 0;
        while (off < n) {
            struct d64 *d = (struct d64 *)(dbuf + off);
            off += d->reclen;
            if (d->name[0] == '.')
                continue;
            ssize_t got = readlinkat(ffd, d->name, link, sizeof link);
            links++;
            if (got < 10 || memcmp(link, "socket:[", 8) != 0 || link[got - 1] != ']')
                continue;
            uint64_t ino = 0;
            for (ssize_t k = 8; k < got - 1; k++)
                ino = ino * 10 + (uint64_t)(link[k] - '0');
            long h = find(ino);
            if (h >= 0 && (hown[h] < 0 || hown[h] == 1)) {
                if (hown[h] < 0)
                    unowned--;
                hown[h] = pid;
                mine = 1;
            }
        }
    }
    close(ffd);
    if (mine) {
        char comm[64], exe[4096];
        int cfd = openat(pfd, "comm", O_RDONLY | O_CLOEXEC);
        if (cfd >= 0) {
            if (read(cfd, comm, sizeof comm) < 0)
                comm[0] = 0;
            close(cfd);
        }
        if (readlinkat(pfd, "exe", exe, sizeof exe) < 0)
            exe[0] = 0;
        owners++;
    }
    close(pfd);
}

int main(int argc, char **argv)
{
    static char dbuf[65536];
    int proc, saw1 = 0;
    long n;
    full = argc > 1 && strcmp(argv[1], "--full") == 0;
    table("/proc/net/tcp");
    table("/proc/net/tcp6");
    proc = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (proc < 0)
        return 1;
    while ((full || unowned) && (n = syscall(SYS_getdents64, proc, dbuf, sizeof dbuf)) > 0) {
        long off = 0;
        while (off < n) {
            struct d64 *d = (struct d64 *)(dbuf + off);
            off += d->reclen;
            if (d->name[0] < '1' || d->name[0] > '9')
                continue;
            char *end;
            long v = strtol(d->name, &end, 10);
            if (*end != '\0' || v <= 0 || v > INT32_MAX)
                continue; /* not a pid directory */
            int32_t pid = (int32_t)v;
            if (pid == 1) {
                saw1 = 1;
                continue;
            }
            if (!full && !unowned)
                goto done;
            visit(proc, d->name, pid);
        }
    }
    if (saw1 && unowned)
        visit(proc, "1", 1);
done:
    printf("floor: %zu listeners, %zu unowned, %zu owners, %llu links\n", nlisten, unowned, owners,
           (unsigned long long)links);
    return 0;
}
