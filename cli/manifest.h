/* manifest.h - what `listeners snapshot` records about the host it copied
 * (DIR/MANIFEST, key=value lines), read back for a replay.
 *
 * /proc/net/tcp prints each address word "%08X" of a __be32 read as a
 * native integer: the text depends on the byte order of the host that
 * printed it (127.0.0.1 is 0100007F on x86_64 and 7F000001 on s390x). The
 * stored netlink dumps (DIR/netlink/<kind>) are that host's order too, as
 * binary. A snapshot therefore records
 *
 *   kernel_release=6.18.44        uname -r of the source (its
 *                                 sys/kernel/osrelease, or uname())
 *   machine=x86_64                uname -m
 *   byte_order=little-endian      the tables' order: little-endian or
 *                                 big-endian, nothing else
 *   netlink_byte_order=...        with stored dumps: their order (the same
 *                                 word first, then a note)
 *
 * and `listeners --proc DIR` (DIR not a procfs mount) decodes the tables
 * in the recorded order. A MANIFEST of an older snapshot has no byte_order
 * line: its netlink_byte_order (a snapshot of a live procfs) stands for
 * both. */
#ifndef LISTENERS_CLI_MANIFEST_H
#define LISTENERS_CLI_MANIFEST_H

#include "hex_address.h" /* enum lsn_byte_order */

#define LSN_MANIFEST_TEXT_MAX 128 /* kernel_release and machine, NUL included */

struct lsn_manifest {
    int present;               /* DIR/MANIFEST exists */
    int has_order;             /* a byte_order line (or netlink_byte_order for both) */
    int has_dumps_order;       /* a netlink_byte_order line */
    enum lsn_byte_order order; /* the tables' (LITTLE or BIG) when has_order */
    enum lsn_byte_order dumps; /* the dumps' when has_dumps_order */
    char kernel_release[LSN_MANIFEST_TEXT_MAX]; /* "" when not recorded */
    char machine[LSN_MANIFEST_TEXT_MAX];        /* "" when not recorded */
};

/* Reads DIR/MANIFEST into *m. 0: read, or absent (m->present 0); -1: the
 * file cannot be read (not a regular file, too large, a read error) or a
 * byte_order or netlink_byte_order line is not one of the two words, said
 * on stderr as "listeners: DIR/MANIFEST:LINE: reason" (prefix: "listeners"
 * or "listeners: check" ...). */
int lsn_manifest_read(const char *dir, const char *prefix, struct lsn_manifest *m);

/* "little-endian" or "big-endian" (LSN_ORDER_HOST resolved). */
const char *lsn_byte_order_word(enum lsn_byte_order order);

/* Reads a short text file DIR/REL (sys/kernel/osrelease) into buf: the
 * first line, control bytes as '?'. 0, or -1 when it is not there or not a
 * regular file. */
int lsn_read_short_text(const char *dir, const char *rel, char *buf, size_t cap);

#endif
