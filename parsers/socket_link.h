/* socket_link.h - the target of a /proc/<pid>/fd/N link, as readlink(2)
 * returns it (no NUL), tested for being a socket.
 *
 * The kernel names a socket's file "socket:[<inode>]" (sockfs_dname, "%lu"),
 * where <inode> is column 10 of /proc/net/tcp. Only that exact shape is a
 * socket: "pipe:[1]", "anon_inode:[eventfd]", "net:[4026531833]", a path such
 * as "/tmp/socket:[1]" (a regular file may be named like that, but its target
 * starts with '/'), a sign, a space, a leading zero, an empty or overflowing
 * number, or anything after ']' are not.
 *
 * Pure function: no allocation, no I/O, no globals, no locale.
 */
#ifndef LISTENERS_SOCKET_LINK_H
#define LISTENERS_SOCKET_LINK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum lsn_link_status {
    LSN_LINK_SOCKET = 0,     /* "socket:[<inode>]"; *inode is set */
    LSN_LINK_NOT_SOCKET,     /* does not start with "socket:[" (pipe, file, anon_inode...) */
    LSN_LINK_NO_INODE,       /* "socket:[" followed by ']' or by nothing */
    LSN_LINK_BAD_INODE,      /* a byte other than 0-9 before ']', or a leading zero */
    LSN_LINK_INODE_OVERFLOW, /* the number does not fit in 64 bits */
    LSN_LINK_NO_CLOSE,       /* the digits are not followed by ']' */
    LSN_LINK_TRAILING        /* bytes after the ']' */
};

/* Parses a link target buf[0..len). On LSN_LINK_SOCKET stores the inode in
 * *inode; on every other status *inode is 0. "socket:[0]" is a socket with
 * inode 0 (the kernel never hands one out, but the text is well formed). */
enum lsn_link_status lsn_parse_socket_link(const char *buf, size_t len, uint64_t *inode);

/* A namespace link target, /proc/<pid>/ns/<type> as readlink(2) returns it:
 * "<type>:[<inode>]" (fs/nsfs.c ns_dname prints "%s:[%lu]" of the nsfs
 * inode's i_ino, the namespace's inum: the st_ino that stat(2), not lstat(2), gives
 * for the link). type is a short name such as "net" (1..LSN_NS_TYPE_MAX
 * bytes). The number follows the socket link's rules (decimal, no sign, no
 * leading zero, fits in 64 bits, nothing after ']'), and must not be 0 (no
 * namespace has inode 0). Returns 0 and sets *inode, or -1 with *inode = 0. */
#define LSN_NS_TYPE_MAX 16
int lsn_parse_ns_link(const char *buf, size_t len, const char *type, uint64_t *inode);

/* A short English reason for a status ("not a socket link", ...). Never NULL. */
const char *lsn_link_status_text(enum lsn_link_status status);

#ifdef __cplusplus
}
#endif
#endif
