/* The tar writer of `listeners snapshot --archive` (cli/tar.c): its error
 * paths close every fd they open (counted in /proc/self/fd). */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_too_deep_closes_every_fd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_directory_header_closes_every_fd, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_file_header_closes_every_fd, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
