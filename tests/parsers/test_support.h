/* test_support.h - helpers shared by the parser tests (tests may allocate and do I/O). */
#ifndef LISTENERS_TEST_SUPPORT_H
#define LISTENERS_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/* The test data directory: $LISTENERS_TEST_DATA_DIR if set, else the compile-time
 * TEST_DATA_DIR (CMake passes tests/data of the source tree). */
const char *test_data_dir(void);

/* Reads TEST_DATA_DIR/rel whole into a malloc'd buffer (NUL appended, not counted).
 * Fails the current test when the file cannot be read. */
char *test_read_data(const char *rel, size_t *len);

/* Reads a sock_diag dump of tests/data/real (captured on little-endian x86_64)
 * and puts it in this host's order, as the host's own kernel would have sent it:
 * netlink and attribute headers, the DONE/ERROR ints, inet_diag_msg's u32 fields
 * (if, cookie, expires, rqueue, wqueue, uid, inode), packet_diag_msg's num,
 * inode and cookie, and the u32/sock_filter payloads of PACKET_DIAG_INFO, UID,
 * MEMINFO and FILTER. Network-order fields (ports, addresses) stay. On a
 * little-endian host it is test_read_data(). Fails the test on a dump it
 * cannot walk. */
char *test_read_sock_diag(const char *rel, size_t *len);

/* A guard page: an anonymous mapping whose last page is PROT_NONE. test_guard_place()
 * copies src so that its last byte is the last readable byte: reading one byte past
 * len faults. */
struct test_guard {
    unsigned char *base;
    size_t map_len;
    size_t usable; /* readable bytes before the guard page */
};

void test_guard_init(struct test_guard *g, size_t max_len);
const char *test_guard_place(struct test_guard *g, const void *src, size_t len);
void test_guard_free(struct test_guard *g);

/* A deterministic xorshift64 generator. */
static inline uint64_t test_xorshift64(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

#endif
