/* test_support.c - see test_support.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "test_support.h"

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must be defined (the tests/data directory)"
#endif

const char *test_data_dir(void)
{
    const char *env = getenv("LISTENERS_TEST_DATA_DIR");
    if (env != NULL && env[0] != '\0')
        return env;
    return TEST_DATA_DIR;
}

char *test_read_data(const char *rel, size_t *len)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", test_data_dir(), rel);
    assert_true(n > 0 && (size_t)n < sizeof path);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    size_t cap = 1 << 16, used = 0;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    for (;;) {
        if (used == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap + 1);
            assert_non_null(nb);
            buf = nb;
        }
        size_t got = fread(buf + used, 1, cap - used, f);
        used += got;
        if (got == 0)
            break;
    }
    assert_int_equal(ferror(f), 0);
    fclose(f);
    buf[used] = '\0';
    *len = used;
    return buf;
}

void test_guard_init(struct test_guard *g, size_t max_len)
{
    long ps = sysconf(_SC_PAGESIZE);
    assert_true(ps > 0);
    size_t page = (size_t)ps;
    size_t pages = (max_len + page - 1) / page;
    if (pages == 0)
        pages = 1;
    g->map_len = (pages + 1) * page;
    void *p = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(p != MAP_FAILED);
    g->base = p;
    g->usable = pages * page;
    assert_int_equal(mprotect(g->base + g->usable, page, PROT_NONE), 0);
}

const char *test_guard_place(struct test_guard *g, const void *src, size_t len)
{
    assert_true(len <= g->usable);
    unsigned char *dst = g->base + (g->usable - len);
    if (len > 0)
        memcpy(dst, src, len);
    return (const char *)dst;
}

void test_guard_free(struct test_guard *g)
{
    if (g->base != NULL)
        munmap(g->base, g->map_len);
    g->base = NULL;
}
