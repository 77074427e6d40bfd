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

/* The same archive from a tree held in memory (`snapshot --archive FILE`
 * without DIR), one entry at a time: type '0' a regular file whose content
 * is data[0..len), '5' a directory (path without its final '/'; data
 * unused), '2' a symbolic link to data[0..len). Entries must come in the
 * order lsn_tar_write_tree writes them, which sorting full paths with
 * lsn_tar_path_cmp gives; lsn_tar_end after the last. Returns 0, or -1 with
 * errno set. */
int lsn_tar_put(int out, const char *path, char type, unsigned mode, const void *data, size_t len,
                int64_t mtime);
int lsn_tar_end(int out);

/* strcmp, but '/' sorts before every other byte: a directory's entries
 * come right after it and before a sibling that extends its name ("a",
 * "a/b", "a-b"), as in the walk of lsn_tar_write_tree. */
int lsn_tar_path_cmp(const char *a, const char *b);

/* Writes all of buf[0..len) to fd, retrying short writes and EINTR.
 * Returns 0, or -1 with errno set (a write of 0 bytes counts as an error). */
int lsn_write_all(int fd, const void *buf, size_t len);

#endif
