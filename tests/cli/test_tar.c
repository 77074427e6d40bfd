/* The tar writer of `listeners snapshot --archive` (cli/tar.c): its error
 * paths close every fd they open (counted in /proc/self/fd), and names and
 * link targets that are not UTF-8 get a pax hdrcharset=BINARY record. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tar.h"

static char g_dir[64];

static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n - 1; /* opendir's own */
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/lsn-tar-XXXXXX");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return nftw(g_dir, rm_one, 64, FTW_DEPTH | FTW_PHYS);
}

static int open_dir(void)
{
    int fd = open(g_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(fd >= 0);
    return fd;
}

/* Reads fd from its start into buf; the length. */
static size_t slurp(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    ssize_t r;
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    while (n < cap && (r = read(fd, buf + n, cap - n)) > 0)
        n += (size_t)r;
    return n;
}

/* A tree deeper than the walk's limit: ELOOP, and no fd of the walk left open. */
static void test_too_deep_closes_every_fd(void **state)
{
    (void)state;
    char path[512];
    size_t at = (size_t)snprintf(path, sizeof path, "%s", g_dir);
    for (int i = 0; i < 20; i++) {
        at += (size_t)snprintf(path + at, sizeof path - at, "/d");
        assert_int_equal(mkdir(path, 0700), 0);
    }
    int dir = open_dir(), out = open("/dev/null", O_WRONLY | O_CLOEXEC);
    assert_true(out >= 0);
    int before = open_fds();
    errno = 0;
    assert_int_equal(lsn_tar_write_tree(out, dir, 0), -1);
    assert_int_equal(errno, ELOOP);
    assert_int_equal(open_fds(), before);
    close(out);
    close(dir);
}

/* A directory entry whose header cannot be written (out is read-only): the
 * directory opened for the walk below it is closed too. */
static void test_failed_directory_header_closes_every_fd(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/sub", g_dir);
    assert_int_equal(mkdir(path, 0700), 0);
    int dir = open_dir(), out = open("/dev/null", O_RDONLY | O_CLOEXEC);
    assert_true(out >= 0);
    int before = open_fds();
    assert_int_equal(lsn_tar_write_tree(out, dir, 0), -1);
    assert_int_equal(open_fds(), before);
    close(out);
    close(dir);
}

/* A file whose header cannot be written: the file is closed. */
static void test_failed_file_header_closes_every_fd(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/file", g_dir);
    int f = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(f >= 0);
    close(f);
    int dir = open_dir(), out = open("/dev/null", O_RDONLY | O_CLOEXEC);
    assert_true(out >= 0);
    int before = open_fds();
    assert_int_equal(lsn_tar_write_tree(out, dir, 0), -1);
    assert_int_equal(open_fds(), before);
    close(out);
    close(dir);
}

static int has(const char *buf, size_t len, const char *text)
{
    return memmem(buf, len, text, strlen(text)) != NULL;
}

static int count(const char *buf, size_t len, const char *text)
{
    int k = 0;
    for (const char *p = buf; (p = memmem(p, len - (size_t)(p - buf), text, strlen(text))) != NULL;
         p++)
        k++;
    return k;
}

/* A name and a link target with bytes that are not UTF-8 (and a newline)
 * get pax path= and linkpath= records with hdrcharset=BINARY; UTF-8 ones
 * that fit the ustar fields get no pax header at all. */
static void test_non_utf8_names_get_hdrcharset_binary(void **state)
{
    (void)state;
    char path[128], buf[16384];
    snprintf(path, sizeof path, "%s/caf\xc3\xa9", g_dir); /* "café": UTF-8 */
    assert_int_equal(symlinkat("/usr/bin/caf\xc3\xa9", AT_FDCWD, path), 0);
    int dir = open_dir(), out = open(g_dir, O_RDWR | O_TMPFILE, 0600);
    assert_true(out >= 0);
    assert_int_equal(lsn_tar_write_tree(out, dir, 0), 0);
    size_t n = slurp(out, buf, sizeof buf);
    assert_false(has(buf, n, "hdrcharset"));
    assert_false(has(buf, n, "PaxHeaders"));
    close(out);

    snprintf(path, sizeof path, "%s/bad\xff\nname", g_dir);
    assert_int_equal(symlinkat("/tmp/x\xfe\n\xc3(", AT_FDCWD, path), 0);
    out = open(g_dir, O_RDWR | O_TMPFILE, 0600);
    assert_true(out >= 0);
    assert_int_equal(lsn_tar_write_tree(out, dir, 0), 0);
    n = slurp(out, buf, sizeof buf);
    assert_true(has(buf, n, "hdrcharset=BINARY\n"));
    assert_true(has(buf, n, " path=bad\xff\nname\n"));
    assert_true(has(buf, n, " linkpath=/tmp/x\xfe\n\xc3(\n"));
    /* one pax header, one hdrcharset: for the bad entry only */
    assert_int_equal(count(buf, n, "PaxHeaders"), 1);
    assert_int_equal(count(buf, n, "hdrcharset"), 1);
    close(out);
    close(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_too_deep_closes_every_fd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_directory_header_closes_every_fd, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_file_header_closes_every_fd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_non_utf8_names_get_hdrcharset_binary, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
