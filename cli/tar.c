/* tar.c - see tar.h. */
#define _POSIX_C_SOURCE 200809L

#include "tar.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK 512
#define LINK_CAP 4096

int lsn_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int pad(int out, uint64_t size)
{
    static const char zeros[BLOCK];
    size_t r = (size_t)(size % BLOCK);
    return r ? lsn_write_all(out, zeros, BLOCK - r) : 0;
}

static void octal(char *field, size_t width, uint64_t v)
{
    /* width - 1 digits and a NUL */
    field[width - 1] = '\0';
    for (size_t i = width - 1; i-- > 0;) {
        field[i] = (char)('0' + (v & 7u));
        v >>= 3;
    }
}

static int header(int out, const char *name, size_t name_len, char type, unsigned mode,
                  uint64_t size, int64_t mtime, const char *link, size_t link_len)
{
    unsigned char h[BLOCK];
    unsigned sum = 0;
    memset(h, 0, sizeof h);
    memcpy(h, name, name_len < 100 ? name_len : 100);
    octal((char *)h + 100, 8, mode);
    octal((char *)h + 108, 8, 0);
    octal((char *)h + 116, 8, 0);
    octal((char *)h + 124, 12, size);
    octal((char *)h + 136, 12, mtime > 0 ? (uint64_t)mtime : 0);
    memset(h + 148, ' ', 8);
    h[156] = (unsigned char)type;
    if (link)
        memcpy(h + 157, link, link_len < 100 ? link_len : 100);
    memcpy(h + 257, "ustar", 6);
    /* ustar version: two characters without a NUL, by the format */
    memcpy(h + 263, "00", 2); /* NOLINT(bugprone-not-null-terminated-result) */
    for (size_t i = 0; i < BLOCK; i++)
        sum += h[i];
    octal((char *)h + 148, 7, sum);
    h[155] = ' ';
    return lsn_write_all(out, h, BLOCK);
}

/* One pax record "LEN key=value\n" appended to buf at *n (cap checked). */
static int pax_record(char *buf, size_t cap, size_t *n, const char *key, const char *v, size_t vlen)
{
    size_t body = 1 + strlen(key) + 1 + vlen + 1, len = body, digits;
    for (;;) { /* the length counts its own digits */
        char tmp[24];
        digits = (size_t)snprintf(tmp, sizeof tmp, "%zu", len);
        if (body + digits == len)
            break;
        len = body + digits;
    }
    if (cap - *n < len)
        return -1;
    *n += (size_t)snprintf(buf + *n, cap - *n, "%zu %s=", len, key);
    memcpy(buf + *n, v, vlen);
    *n += vlen;
    buf[(*n)++] = '\n';
    return 0;
}

/* 1 when s[0..n) is UTF-8 (shortest forms, no surrogates, at most
 * U+10FFFF), which is what a pax reader assumes of path and linkpath unless
 * told otherwise. */
static int is_utf8(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < n;) {
        unsigned char b = s[i];
        size_t need;
        unsigned char lo = 0x80, hi = 0xBF; /* the second byte's range */
        if (b < 0x80) {
            i++;
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            need = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need = 3;
            lo = b == 0xE0 ? 0xA0 : 0x80;
            hi = b == 0xED ? 0x9F : 0xBF;
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 4;
            lo = b == 0xF0 ? 0x90 : 0x80;
            hi = b == 0xF4 ? 0x8F : 0xBF;
        } else {
            return 0;
        }
        if (n - i < need || s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t k = 2; k < need; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return 0;
        i += need;
    }
    return 1;
}

/* A pax 'x' header comes first when the name or link target does not fit
 * its ustar field, or is not UTF-8: then the name and the link target go
 * into path= and linkpath= records after hdrcharset=BINARY, so that a
 * reader takes their bytes as they are (bsdtar would otherwise try to
 * convert them from UTF-8, and fail or alter them). */
static int entry(int out, const char *name, char type, unsigned mode, uint64_t size, int64_t mtime,
                 const char *link, size_t link_len)
{
    size_t name_len = strlen(name);
    int binary = !is_utf8(name, name_len) || (link && !is_utf8(link, link_len));
    if (binary || name_len >= 100 || (link && link_len >= 100)) {
        char pax[2 * LINK_CAP + 160];
        size_t n = 0;
        if ((binary && pax_record(pax, sizeof pax, &n, "hdrcharset", "BINARY", 6) != 0) ||
            ((binary || name_len >= 100) &&
             pax_record(pax, sizeof pax, &n, "path", name, name_len) != 0) ||
            (link && (binary || link_len >= 100) &&
             pax_record(pax, sizeof pax, &n, "linkpath", link, link_len) != 0)) {
            errno = ENAMETOOLONG;
            return -1;
        }
        if (header(out, "PaxHeaders/entry", 16, 'x', 0644, n, mtime, NULL, 0) != 0 ||
            lsn_write_all(out, pax, n) != 0 || pad(out, n) != 0)
            return -1;
    }
    return header(out, name, name_len, type, mode, size, mtime, link, link_len);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int copy_file(int out, int dirfd, const char *name, const char *path, uint64_t size,
                     unsigned mode, int64_t mtime)
{
    char buf[8192];
    uint64_t done = 0;
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    if (entry(out, path, '0', mode, size, mtime, NULL, 0) != 0)
        goto fail;
    while (done < size) {
        size_t want = size - done < sizeof buf ? (size_t)(size - done) : sizeof buf;
        ssize_t n = read(fd, buf, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) { /* the file shrank under us: the archive would be corrupt */
            errno = n == 0 ? EIO : errno;
            goto fail;
        }
        if (lsn_write_all(out, buf, (size_t)n) != 0)
            goto fail;
        done += (size_t)n;
    }
    close(fd);
    return pad(out, size);
fail:
    close(fd);
    return -1;
}

/* Writes the entries of directory dfd whose archive prefix is prefix. */
static int walk(int out, int dfd, const char *prefix, int64_t mtime, int depth)
{
    DIR *d;
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    if (depth > 16) {
        close(dfd); /* owned here, as on every other path */
        errno = ELOOP;
        return -1;
    }
    d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == cap) {
            char **p = realloc(names, (cap = cap ? cap * 2 : 32) * sizeof *p);
            if (!p) {
                rc = -1;
                break;
            }
            names = p;
        }
        if ((names[n] = strdup(e->d_name)) == NULL) {
            rc = -1;
            break;
        }
        n++;
    }
    if (rc == 0 && n > 1)
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct stat st;
        size_t plen = strlen(prefix), nlen = strlen(names[i]);
        char *path = malloc(plen + nlen + 2);
        if (!path) {
            rc = -1;
            break;
        }
        memcpy(path, prefix, plen);
        memcpy(path + plen, names[i], nlen + 1);
        if (fstatat(dirfd(d), names[i], &st, AT_SYMLINK_NOFOLLOW) != 0) {
            rc = -1;
        } else if (S_ISDIR(st.st_mode)) {
            path[plen + nlen] = '/';
            path[plen + nlen + 1] = '\0';
            int sub = openat(dirfd(d), names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) {
                rc = -1;
            } else if (entry(out, path, '5', st.st_mode & 0777u, 0, mtime, NULL, 0) != 0) {
                int err = errno;
                close(sub);
                errno = err;
                rc = -1;
            } else {
                rc = walk(out, sub, path, mtime, depth + 1); /* closes sub */
            }
            if (sub >= 0 && rc != 0 && errno == 0)
                errno = EIO;
        } else if (S_ISREG(st.st_mode)) {
            rc = copy_file(out, dirfd(d), names[i], path, (uint64_t)st.st_size, st.st_mode & 0777u,
                           mtime);
        } else if (S_ISLNK(st.st_mode)) {
            char link[LINK_CAP];
            ssize_t len = readlinkat(dirfd(d), names[i], link, sizeof link);
            if (len <= 0 || (size_t)len >= sizeof link) {
                if (len >= 0)
                    errno = ENAMETOOLONG;
                rc = -1;
            } else {
                rc = entry(out, path, '2', 0777, 0, mtime, link, (size_t)len);
            }
        } else {
            errno = EINVAL;
            rc = -1;
        }
        free(path);
    }
    int e2 = errno;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    errno = e2;
    return rc;
}

int lsn_tar_end(int out)
{
    static const char zeros[2 * BLOCK];
    return lsn_write_all(out, zeros, sizeof zeros);
}

int lsn_tar_write_tree(int out, int dirfd, int64_t mtime)
{
    int d = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (d < 0)
        return -1;
    if (walk(out, d, "", mtime, 0) != 0)
        return -1;
    return lsn_tar_end(out);
}

int lsn_tar_put(int out, const char *path, char type, unsigned mode, const void *data, size_t len,
                int64_t mtime)
{
    if (type == '0')
        return entry(out, path, '0', mode, len, mtime, NULL, 0) != 0 ||
                       lsn_write_all(out, data, len) != 0 || pad(out, len) != 0
                   ? -1
                   : 0;
    if (type == '2') {
        if (len >= LINK_CAP) {
            errno = ENAMETOOLONG;
            return -1;
        }
        return entry(out, path, '2', 0777, 0, mtime, data, len);
    }
    if (type != '5') {
        errno = EINVAL;
        return -1;
    }
    size_t n = strlen(path);
    char *dir = malloc(n + 2);
    if (!dir)
        return -1;
    snprintf(dir, n + 2, "%s/", path);
    int rc = entry(out, dir, '5', mode, 0, mtime, NULL, 0);
    free(dir);
    return rc;
}

int lsn_tar_path_cmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned x = *a == '/' ? 1u : *a ? (unsigned char)*a + 1u : 0u;
        unsigned y = *b == '/' ? 1u : *b ? (unsigned char)*b + 1u : 0u;
        if (x != y)
            return x < y ? -1 : 1;
        if (!x)
            return 0;
    }
}
