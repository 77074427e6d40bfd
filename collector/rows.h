/* rows.h - private to collector/: the row store of one lsn_collect call.
 *
 * Rows in the order their table lines came, one per socket inode (a line
 * whose inode is already a row is a duplicate), an index from inode to row,
 * and the count of rows that have an inode and no owner yet. An owner's comm
 * and exe texts are shared by the rows it owns (counted). */
#ifndef LISTENERS_ROWS_H
#define LISTENERS_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "listeners.h"

/* A map from a nonzero inode (a socket's, a network namespace's) to a 32-bit
 * value: open addressing, key 0 = empty, cap 0 or a power of two at least
 * twice n. */
struct lsn_inode_map {
    uint64_t *keys;
    uint32_t *vals;
    size_t n, cap;
};

/* The value of inode, or NULL. */
uint32_t *lsn_map_find(const struct lsn_inode_map *m, uint64_t inode);
/* The value of nonzero inode, added (*added = 1, value 0) when absent; NULL
 * when out of memory. */
uint32_t *lsn_map_put(struct lsn_inode_map *m, uint64_t inode, int *added);
void lsn_map_free(struct lsn_inode_map *m);

/* The rows, and an index from socket inode to row: open addressing over
 * row numbers (row + 1 in the low 31 bits; 0 empty), compared through
 * v[row].inode, so a slot is 4 bytes, not the 12 of a lsn_inode_map: 8 to
 * 16 bytes per listener. Bit 31 of a slot marks an inode that two or more
 * rows (different sockets) have: it matches no row. The rows of such shared
 * inodes, and only they, are also in a second open-addressing set keyed by
 * the whole socket (inode, family, port, address, namespace), so that a
 * socket printed again is found among them in constant time. */
struct lsn_rows {
    struct lsn_listener *v;
    size_t n, cap; /* cap < 2^31 - 1 */
    uint32_t *index;
    size_t indexed, index_cap;  /* inodes in the index; 0 or a power of two >= 2 * indexed */
    size_t unowned;             /* rows with a matchable inode and no owner yet */
    uint32_t *shared;           /* row + 1 of the rows of shared inodes (0 empty) */
    size_t nshared, shared_cap; /* 0 or a power of two >= 2 * nshared */
    struct lsn_holder *holders; /* LSN_OPT_HOLDERS */
    size_t nholders, holders_cap;
};

/* The row of nonzero socket inode: 1 and *row, or 0 when it has none. Valid
 * until the rows are sorted. */
int lsn_rows_find(const struct lsn_rows *rows, uint64_t inode, uint32_t *row);

/* Adds a listening socket. 1 added; 0 a duplicate (a row has its inode,
 * family, port, address and namespace: the same socket printed again); 2
 * added, but a row of another socket has its inode (the kernel's 32-bit
 * inode counter wrapped): from then on that inode matches no row, and both
 * rows stay without an owner; -1 out of memory. The row has no owner (pid
 * -1). */
/* What one table line says of a socket. */
struct lsn_socket {
    uint64_t inode;
    uint32_t uid;
    int32_t ifindex;  /* packet; else 0 */
    uint16_t port;    /* raw: the IP protocol; packet: the ethertype */
    uint8_t family;   /* enum lsn_family */
    uint8_t protocol; /* enum lsn_protocol */
    uint8_t address[16];
};

int lsn_rows_add(struct lsn_rows *rows, const struct lsn_socket *sock, uint64_t netns,
                 int netns_host);

/* Drops the rows from index n0 on (a skipped namespace) and rebuilds the
 * inode index without them. */
void lsn_rows_rollback(struct lsn_rows *rows, size_t n0);

/* Sorts the rows into the contract's order (port, family, address, inode). */
void lsn_rows_sort(struct lsn_rows *rows);

/* A counted copy of a comm or exe text for the rows of one owner: len bytes
 * and a NUL, held by no row yet; NULL when out of memory. Each row that
 * takes it calls lsn_text_hold (at least one must); lsn_text_release drops
 * one hold and frees the copy with the last. NULL is fine for both. */
char *lsn_text_copy(const char *text, size_t len);
void lsn_text_hold(const char *text);
void lsn_text_release(const char *text);

/* Drops a copy that no row or holder took (frees it); one that some took
 * stays theirs. NULL is fine. */
void lsn_text_drop(const char *text);

/* A socket fd of a visited pid that is a row's (LSN_OPT_HOLDERS). */
struct lsn_held {
    uint64_t inode;
    int32_t fd;
};

/* Appends a holder; it takes a hold on h->comm and h->exe. -1 out of memory. */
int lsn_rows_add_holder(struct lsn_rows *rows, const struct lsn_holder *h);

/* Sorts the holders by inode, pid, fd. */
void lsn_rows_sort_holders(struct lsn_rows *rows);

/* Releases holders v[0..n-1] and the array. */
void lsn_holders_release(struct lsn_holder *v, size_t n);

/* Releases rows v[0..n-1] and the array. */
void lsn_rows_release(struct lsn_listener *v, size_t n);

/* Releases everything the store holds. */
void lsn_rows_free(struct lsn_rows *rows);

#endif
