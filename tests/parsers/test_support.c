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

static uint32_t le32_at(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16_at(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static void put_host32(unsigned char *p)
{
    uint32_t v = le32_at(p);
    memcpy(p, &v, 4);
}

static void put_host16(unsigned char *p)
{
    uint16_t v = le16_at(p);
    memcpy(p, &v, 2);
}

/* Attributes of one message, from little-endian to host order; words: the
 * attribute types whose payload is an array of u32, filter: the type whose
 * payload is struct sock_filter[] (u16 code, u8 jt, u8 jf, u32 k), -1 none. */
static void attrs_to_host(unsigned char *a, size_t len, const int *words, size_t nwords, int filter)
{
    size_t off = 0;
    while (len - off >= 4) {
        size_t alen = le16_at(a + off);
        int type = le16_at(a + off + 2) & 0x3fff;
        assert_true(alen >= 4 && alen <= len - off);
        put_host16(a + off);
        put_host16(a + off + 2);
        unsigned char *pl = a + off + 4;
        size_t plen = alen - 4;
        for (size_t w = 0; w < nwords; w++)
            if (type == words[w])
                for (size_t i = 0; i + 4 <= plen; i += 4)
                    put_host32(pl + i);
        if (type == filter)
            for (size_t i = 0; i + 8 <= plen; i += 8) {
                put_host16(pl + i);
                put_host32(pl + i + 4);
            }
        off += (alen + 3) & ~(size_t)3;
        if (off > len)
            off = len;
    }
}

char *test_read_sock_diag(const char *rel, size_t *len)
{
    char *d = test_read_data(rel, len);
    const uint16_t one = 1;
    unsigned char first;
    memcpy(&first, &one, 1);
    if (first == 1)
        return d; /* little-endian: the dump is already in host order */
    unsigned char *b = (unsigned char *)d;
    size_t off = 0;
    while (off < *len) {
        assert_true(*len - off >= 16);
        size_t rlen = le32_at(b + off);
        uint16_t type = le16_at(b + off + 4);
        assert_true(rlen >= 16 && rlen <= *len - off);
        unsigned char *h = b + off;
        put_host32(h);
        put_host16(h + 4);
        put_host16(h + 6);
        put_host32(h + 8);
        put_host32(h + 12);
        unsigned char *pl = h + 16;
        size_t plen = rlen - 16;
        if ((type == 2 || type == 3) && plen >= 4) { /* ERROR, DONE: int error */
            put_host32(pl);
            if (type == 2 && plen >= 20) { /* the echoed request header */
                put_host32(pl + 4);
                put_host16(pl + 8);
                put_host16(pl + 10);
                put_host32(pl + 12);
                put_host32(pl + 16);
            }
        } else if (type == 20 && plen >= 16 && pl[0] == 17) { /* packet_diag_msg */
            put_host16(pl + 2);
            put_host32(pl + 4);
            put_host32(pl + 8);
            put_host32(pl + 12);
            static const int words[] = {0 /* INFO */, 5 /* UID */, 6 /* MEMINFO */};
            attrs_to_host(pl + 16, plen - 16, words, 3, 7 /* FILTER */);
        } else if (type == 20 && plen >= 72) { /* inet_diag_msg */
            for (size_t i = 40; i < 72; i += 4)
                put_host32(pl + i);
            static const int words[] = {1 /* MEMINFO */, 7 /* SKMEMINFO */};
            attrs_to_host(pl + 72, plen - 72, words, 2, -1);
        }
        off += (rlen + 3) & ~(size_t)3;
    }
    return d;
}
