/* manifest.c - see manifest.h. */
#define _POSIX_C_SOURCE 200809L

#include "manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST_MAX 65536 /* a snapshot writes about 1 KiB */

const char *lsn_byte_order_word(enum lsn_byte_order order)
{
    return lsn_byte_order_resolve(order) == LSN_ORDER_BIG ? "big-endian" : "little-endian";
}

/* Opens dir/rel for reading, no link followed, without blocking (a FIFO
 * put there must not hang the reader); -1 with errno, EINVAL for a file
 * that is not regular. */
static int open_regular(const char *dir, const char *rel, char *path, size_t cap)
{
    struct stat st;
    int fd;
    snprintf(path, cap, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", rel);
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        errno = EINVAL;
        return -1;
    }
    return fd;
}

/* Up to cap bytes of fd; -1 with errno on a read error. */
static ssize_t read_upto(int fd, char *buf, size_t cap)
{
    size_t have = 0;
    while (have < cap) {
        ssize_t n = read(fd, buf + have, cap - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        have += (size_t)n;
    }
    return (ssize_t)have;
}

/* The first line of text (len bytes) into buf, control bytes as '?'. */
static void copy_line(char *buf, size_t cap, const char *text, size_t len)
{
    size_t n = 0;
    while (n < len && text[n] != '\n' && n + 1 < cap) {
        unsigned char c = (unsigned char)text[n];
        buf[n] = (char)(c < 0x20 || c == 0x7f ? '?' : c);
        n++;
    }
    buf[n] = '\0';
}

int lsn_read_short_text(const char *dir, const char *rel, char *buf, size_t cap)
{
    char path[4096], text[256];
    int fd = open_regular(dir, rel, path, sizeof path);
    ssize_t n;
    if (fd < 0)
        return -1;
    n = read_upto(fd, text, sizeof text);
    close(fd);
    if (n <= 0)
        return -1;
    copy_line(buf, cap, text, (size_t)n);
    return buf[0] ? 0 : -1;
}

/* value is "little-endian" or "big-endian", then the end (exact) or, when
 * note is allowed, a space and anything. 0 with *order, or -1. */
static int order_word(const char *value, size_t len, int note, enum lsn_byte_order *order)
{
    static const struct {
        const char *word;
        enum lsn_byte_order order;
    } words[] = {{"little-endian", LSN_ORDER_LITTLE}, {"big-endian", LSN_ORDER_BIG}};
    for (size_t i = 0; i < 2; i++) {
        size_t w = strlen(words[i].word);
        if (len >= w && memcmp(value, words[i].word, w) == 0 &&
            (len == w || (note && value[w] == ' '))) {
            *order = words[i].order;
            return 0;
        }
    }
    return -1;
}

int lsn_manifest_read(const char *dir, const char *prefix, struct lsn_manifest *m)
{
    char path[4096], *text;
    int fd;
    ssize_t got;
    size_t at = 0, line = 0;

    memset(m, 0, sizeof *m);
    fd = open_regular(dir, "MANIFEST", path, sizeof path);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        fprintf(stderr, "%s: %s: cannot read the snapshot's MANIFEST: %s\n", prefix, path,
                errno == EINVAL ? "not a regular file" : strerror(errno));
        return -1;
    }
    text = malloc(MANIFEST_MAX + 1);
    if (!text) {
        close(fd);
        fprintf(stderr, "%s: %s: %s\n", prefix, path, strerror(ENOMEM));
        return -1;
    }
    got = read_upto(fd, text, MANIFEST_MAX + 1);
    int e = errno;
    close(fd);
    if (got < 0 || got > MANIFEST_MAX) {
        fprintf(stderr, "%s: %s: cannot read the snapshot's MANIFEST: %s\n", prefix, path,
                got < 0 ? strerror(e) : "larger than 64 KiB");
        free(text);
        return -1;
    }
    m->present = 1;
    while (at < (size_t)got) {
        const char *l = text + at, *nl = memchr(l, '\n', (size_t)got - at);
        size_t len = nl ? (size_t)(nl - l) : (size_t)got - at;
        const char *eq = memchr(l, '=', len);
        size_t key = eq ? (size_t)(eq - l) : len, vlen = eq ? len - key - 1 : 0;
        at += len + 1;
        line++;
        if (key == 10 && memcmp(l, "byte_order", 10) == 0) {
            if (!eq || m->has_order || order_word(eq + 1, vlen, 0, &m->order) != 0) {
                fprintf(stderr,
                        "%s: %s:%zu: %s: the tables' byte order must be written "
                        "byte_order=little-endian or byte_order=big-endian, once\n",
                        prefix, path, line,
                        m->has_order ? "a second byte_order line" : "unknown byte order");
                free(text);
                return -1;
            }
            m->has_order = 1;
        } else if (key == 18 && memcmp(l, "netlink_byte_order", 18) == 0) {
            if (!eq || m->has_dumps_order || order_word(eq + 1, vlen, 1, &m->dumps) != 0) {
                fprintf(stderr,
                        "%s: %s:%zu: %s: the stored dumps' byte order must be written "
                        "netlink_byte_order=little-endian or =big-endian, once\n",
                        prefix, path, line,
                        m->has_dumps_order ? "a second netlink_byte_order line"
                                           : "unknown byte order");
                free(text);
                return -1;
            }
            m->has_dumps_order = 1;
        } else if (eq && key == 14 && memcmp(l, "kernel_release", 14) == 0) {
            copy_line(m->kernel_release, sizeof m->kernel_release, eq + 1, vlen);
        } else if (eq && key == 7 && memcmp(l, "machine", 7) == 0) {
            copy_line(m->machine, sizeof m->machine, eq + 1, vlen);
        }
    }
    free(text);
    if (!m->has_order && m->has_dumps_order) { /* an older snapshot of a live procfs */
        m->has_order = 1;
        m->order = m->dumps;
    }
    return 0;
}
