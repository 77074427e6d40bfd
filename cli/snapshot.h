/* snapshot.h - `listeners snapshot DIR [--archive FILE]`.
 *
 * Copies, in one pass, exactly the procfs subset the collector reads into a
 * new directory DIR that `listeners --proc DIR` replays:
 *   DIR/net/tcp, DIR/net/tcp6       the tables, whole (tcp6 when present)
 *   DIR/<pid>/fd/<n> -> socket:[i]  every socket fd link of every process
 *                                   holding at least one socket (other fd
 *                                   links are not copied)
 *   DIR/<pid>/comm                  the bytes read from comm
 *   DIR/<pid>/exe -> target         the exe link target, verbatim
 *   DIR/netlink/<kind>              from a live procfs: the NETLINK_SOCK_DIAG
 *                                   dump of each table kind (tcp, tcp6, udp,
 *                                   udp6, raw, raw6, packet), its datagrams
 *                                   one after another, host byte order; for
 *                                   `listeners check --proc DIR`
 *   DIR/MANIFEST                    kernel release, machine, byte order of
 *                                   the tables (manifest.h), time, version,
 *                                   source, counts, the dumps stored and why
 *                                   a kind has none (key=value lines)
 * Nothing else: no cmdline, environ, maps or memory. A process whose fd/ is
 * unreadable is skipped (a live run cannot attribute to it either); comm or
 * exe that cannot be read is left out (the replay then sees ENOENT).
 *
 * DIR must not exist. Every file is created with O_CREAT|O_EXCL|O_NOFOLLOW
 * relative to an O_DIRECTORY fd of DIR, and the process runs under
 * lsn_sandbox_enter_snapshot (sandbox.h) once DIR, the source and the
 * archive are open. --archive FILE (must not exist either) also writes the
 * tree as a tar stream (tar.h) for a bug report; `tar -xf FILE -C NEW` and
 * `listeners --proc NEW` replay it.
 *
 * Exit status: 0 done, 1 the source's net/tcp or a write failed, 2 usage.
 */
#ifndef LISTENERS_SNAPSHOT_H
#define LISTENERS_SNAPSHOT_H

/* argv[0] is "snapshot". Returns the exit status. */
#include "options.h"

/* The text of `listeners snapshot --help` after its usage line. */
extern const char lsn_snapshot_help[];

/* Runs `listeners snapshot` with parsed arguments; returns the exit status. */
int lsn_snapshot_run(const struct lsn_args *args);

#endif
