/* tar.h - a small POSIX tar (ustar + pax) writer for `listeners snapshot
 * --archive`: directories, regular files and symbolic links only.
 *
 * Entries are written in byte order of their names, depth first, each
 * directory before its contents, with the mode of each directory and file
 * (links 0777), uid/gid 0, no
 * user or group names and the given mtime, so the same tree gives the same
 * bytes. A name or link target that does not fit the ustar fields (more than
 * 100 bytes) gets a pax 'x' header (path=, linkpath=) before it; so does one
 * that is not valid UTF-8, with hdrcharset=BINARY first (both names go into
 * the records then), so that readers keep its bytes as they are. Other file
 * types (FIFOs, devices, sockets) are errors (EINVAL): a snapshot has none.
 */
#ifndef LISTENERS_TAR_H
#define LISTENERS_TAR_H

#include <stddef.h>
#include <stdint.h>

/* Writes every entry below the directory dirfd (names relative to it, no
 * leading "./") to out, then the two zero blocks that end an archive.
 * Returns 0, or -1 with errno set. */
int lsn_tar_write_tree(int out, int dirfd, int64_t mtime);

/* Writes all of buf[0..len) to fd, retrying short writes and EINTR.
 * Returns 0, or -1 with errno set (a write of 0 bytes counts as an error). */
int lsn_write_all(int fd, const void *buf, size_t len);

#endif
