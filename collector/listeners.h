/* listeners.h - which process listens on which TCP port, read from procfs.
 *
 * The reference collector of the listeners contract (docs/contract.md). One
 * call reads <proc>/net/tcp and <proc>/net/tcp6, keeps the listening sockets
 * (state 0A, one per inode), walks <proc>/<pid>/fd/ to find each socket's
 * owner (the lowest pid other than 1; pid 1 only when it is the sole holder)
 * and reads the owner's comm and exe through the same <proc>/<pid> directory
 * fd. The rows come back as structs in a caller-freed result; malformed
 * lines and per-process errors come back through a diagnostics callback.
 *
 * Properties:
 *  - No global state: every call works on its own memory. Calls on different
 *    threads are safe. No locale, no signals, no chdir, no environment, no
 *    strerror, no printing: the library never writes to stdout or stderr.
 *  - Every fd it opens is O_CLOEXEC and is closed before the call returns;
 *    all memory is either released or owned by the result (lsn_result_free).
 *  - Memory grows with the number of listeners only. Tables are read through
 *    a fixed 4 KiB line buffer and a fixed 4 KiB read buffer; fd directories
 *    are streamed; the pid walk holds at most 1024 pids at a time (see
 *    "Walk order" below), never the whole process list. Per listener: a
 *    64-byte row (the array grows by a quarter past 65,536 rows), 8 to 16
 *    bytes of inode index (4-byte slots) and 8 bytes during the walk and the
 *    sort; comm and exe are stored once per owner; the rows of inodes two
 *    sockets share (rare) take 8 to 16 bytes more each. Measured:
 *    bench/memory.sh.
 *  - Never silent, never nothing: a table larger than the size cap, or
 *    running out of memory part way, gives the rows read so far as
 *    LSN_PARTIAL (result->partial says why), not an error and not a quiet
 *    success.
 *  - Pure procfs reads: no subprocess, no network, no name service.
 *
 * Walk order. Owners must be the lowest holder pid other than 1, and the walk
 * stops as soon as every listening inode has an owner, which is only right if
 * pids are visited in ascending order with pid 1 last. When the proc root is
 * a procfs mount (fstatfs), readdir already yields pids in ascending order
 * (the kernel's proc_pid_readdir walks tgids upwards): the walk streams it in
 * one pass. Elsewhere (fixture trees, copies) the walk reads the directory in
 * passes, each keeping the 1024 smallest pids above the last one
 * visited in a fixed array, visits them in order, and rereads the directory
 * only if it has not stopped yet. Either way an owner already found is only
 * ever replaced by a lower pid (pid 1 by any other), so even an out-of-order
 * directory gives the owners of a full walk; it only loses the early stop.
 *
 * Threads. <pid>/fd is the thread-group leader's fd table. A thread that
 * called unshare(CLONE_FILES) (or was cloned without CLONE_FILES) has its
 * own, and a leader that exited while other threads live (a zombie leader)
 * has none: their sockets are only in <pid>/task/<tid>/fd. So when rows are
 * left without an owner after the walk, and only then, the task walk reads
 * <pid>/task/<tid>/fd of every thread but the leader (tid == pid), pids in
 * the same order, pid 1 last, for those rows only (an owner found in a
 * <pid>/fd stays), with the same early stop. A socket found there is the
 * process's: the owner is the thread-group id, comm and exe are read
 * through <pid>; when <pid>/exe answers ENOENT or ESRCH but comm was read
 * (a zombie leader has no mm, so no exe link) exe is read through the
 * holding thread's task/<tid> directory instead, same program. A thread
 * whose fd table is one read already is not read again: on a live procfs of
 * the reader's own pid namespace, kcmp(2) KCMP_FILES against the leader
 * (whose <pid>/fd the first walk read) and against the first 8 threads of
 * that pid whose tables were read (task_tables_shared); where kcmp cannot
 * tell (a tree, another pid namespace, no ptrace access, no kcmp) the
 * thread is read. So the work is one readlinkat per fd per distinct table,
 * not per thread. And the task walk reads at most max(65536, 4 x the fd
 * links the first walk read) fd links (task_budget): past it it stops,
 * with one LSN_DIAG_PROCESS diagnostic naming the budget, and the rows
 * still without an owner stay null (task_budget_spent). Left: a listener
 * moved into a shared table (SCM_RIGHTS) after the first walk read it is
 * missed, as any fd moved behind the walk. A tree without task/ (a
 * snapshot) has no threads to read.
 *
 * Network namespaces (LSN_OPT_ALL_NETNS). <proc>/net/tcp{,6} show only the
 * reader's network namespace. With the option the collector also reads, for
 * every other network namespace that has a process, the tables of one member:
 *  1. The host namespace is the one <proc>/net/tcp{,6} shows: on procfs
 *     <proc>/net is a link to self/net, so it is the namespace of
 *     <proc>/self/ns/net, which is read for its inode. Those tables are read
 *     exactly as without the option (same errors, same early stop), so the
 *     rows are the same rows. If self/ns/net cannot be read (a fixture tree
 *     without self, a procfs of another pid namespace) the host inode is
 *     unknown: a LSN_DIAG_NAMESPACE diagnostic, and the host rows have
 *     netns 0 (JSON null) with netns_host set.
 *  2. One pass over the pid directories reads each <pid>/ns/net link. Its
 *     target is "net:[<inode>]": fs/nsfs.c ns_dname prints the nsfs inode
 *     number, which is what stat(2) (not lstat) of the link gives as st_ino;
 *     reading the text instead of calling stat lets fixture trees, which
 *     cannot choose inode numbers, name namespaces (lsn_parse_ns_link). A
 *     pid whose link is missing or malformed belongs to no namespace: its
 *     tables are not read, its fds still count in the walk. The pass keeps
 *     one entry per distinct namespace (inode, lowest member pid): memory
 *     grows with the number of namespaces, not of pids.
 *  3. For each namespace other than the host's, in ascending inode order,
 *     <pid>/net/tcp and <pid>/net/tcp6 of its lowest member are read through
 *     that pid's directory fd with the same rules as the host tables (size
 *     cap, regular files only, non-blocking opens, the early stop on
 *     procfs). A namespace whose net/tcp cannot be read, or whose table
 *     fails part way, is reported (LSN_DIAG_NAMESPACE, with its inode and
 *     member pid) and skipped: its rows are dropped, never fatal. A tcp6
 *     error is a diagnostic only, as for the host. The member is opened by
 *     number after the scan, so its pid may have been reused since (or it
 *     called setns): its ns/net is read again through that held directory
 *     fd, the process the tables come from, before and after its tables
 *     are read, and a namespace whose member is not in it both times is
 *     reported and skipped the same way, never labelled with another
 *     namespace's rows. No fd is held from the scan to the read (one per
 *     namespace could be thousands against RLIMIT_NOFILE); the cost of the
 *     race is a reported skip. Left: a member that leaves and re-enters
 *     the namespace between the two checks (setns twice, its own doing).
 *  4. One walk attributes every row, whatever its namespace, by socket
 *     inode (sockfs inode numbers are global, and a socket passed to or
 *     inherited by a process of another namespace is still held by it),
 *     with the same owner rule and the same early stop. Rows of different
 *     namespaces are never merged by inode: the same inode on another
 *     socket (another namespace, table, port or address) is two sockets with
 *     one number, after the 32-bit inode counter wrapped; both rows stay,
 *     neither is matched (LSN_DIAG_INODE). The same socket printed again
 *     (a split read) is a duplicate, never a second row. One exception:
 *     when the host namespace is unknown (netns 0, step 1), a namespace row
 *     with the inode, table, port and address of a host row is taken for
 *     that host row printed again (the unknown host namespace is then also
 *     read as an "other" one, and its sockets must not all become shared
 *     inodes); a different socket with all four equal, possible only after
 *     a wrap, is then dropped as a duplicate.
 * Rows keep the contract's order (port, family, address, inode); each one
 * carries its namespace's inode and whether that is the host's.
 * Blind spots: a namespace with no process (kept alive by a bind mount such
 * as /run/netns/NAME, or by a socket fd held elsewhere) is not found, nor a
 * thread that entered a namespace its thread group leader is not in (the
 * scan reads <pid>/ns/net, the leader's).
 *
 * Exe verification (LSN_OPT_VERIFY_EXE). The exe text is what the kernel
 * prints for the running file, as seen from that process's mount namespace:
 * a process in a mount namespace of its own (unshare -Urm, any unprivileged
 * user where user namespaces are allowed) can bind-mount any binary over
 * /usr/bin/sleep and run it, and its exe reads "/usr/bin/sleep". With the
 * option, on a live procfs, each owner's exe is checked once:
 *  1. stat through <pid>/exe (fstatat on the pid directory fd, following the
 *     link): the dev and inode of the file that runs;
 *  2. the exe link is read again: if its text changed (an exec since the
 *     text was read), the result is unknown;
 *  3. stat of the exe text as a path in the collector's own mount namespace
 *     (fstatat(AT_FDCWD), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT: a stat, no
 *     open; directories on the way are resolved as any lookup does, the last
 *     component is not followed, as the kernel never prints a link there).
 * exe_verified is LSN_EXE_VERIFIED when both give the same st_dev and st_ino,
 * LSN_EXE_MISMATCH when the path names another file, no file (ENOENT,
 * ENOTDIR, ELOOP, ENAMETOOLONG), is not absolute, or ends in " (deleted)"
 * (the kernel's mark of an unlinked file; a file really named so is
 * refused too), and LSN_EXE_UNKNOWN when it cannot be told: exe null, the
 * stat through the link or of the path failed otherwise (a diagnostic says
 * why), the exe changed during the check, or the root is not a procfs mount
 * (a fixture or a snapshot: paths of another host or time mean nothing
 * here; nothing is stat'ed). Every MISMATCH gives a LSN_DIAG_PROCESS
 * diagnostic (path <root>/<pid>/exe, error 0) that says which case it is
 * and, when <pid>/ns/mnt and the reader's own ns/mnt (read as "mnt:[inode]")
 * differ, that the process is in another mount namespace, which is what
 * tells a container's binary (a path of its own root) from a spoof in the
 * host's. The namespaces do not change the result: it only says whether the
 * printed path, here, is the running file.
 * What VERIFIED does not say: that the file is the one its name suggests
 * (a bind mount in the reader's own namespace, made by root, moves dev:ino
 * with it), nor that its bytes are those that were executed (a file
 * rewritten in place keeps dev:ino). On overlayfs both stats see the
 * overlay's file, so a container's path verifies only when the host sees
 * the same overlay at the same path. The stats go to the filesystems on the
 * path: a FUSE or NFS server that does not answer stalls the call (without
 * the option no path outside the proc root is looked up).
 *
 * Errors of one process (ENOENT, ESRCH, EACCES, ENOTDIR, ELOOP, ENAMETOOLONG,
 * a non-regular comm, ...) affect that process only. A holder whose comm or
 * exe answers ENOENT or ESRCH has exited (or is exiting): it is not an owner
 * and the search for another holder goes on. Other comm/exe errors give a
 * null comm or exe for that owner.
 */
#ifndef LISTENERS_LISTENERS_H
#define LISTENERS_LISTENERS_H

#include <stddef.h>
#include <stdint.h>

#include "hex_address.h" /* enum lsn_byte_order */
#include "tcp_line.h"    /* enum lsn_family */

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header (CMakeLists.txt's project version; CMake
 * refuses to configure when they differ). lsn_version() is the library's,
 * which differs from the header's when a program runs against another
 * build of liblisteners.so.0 than it was compiled with. What stays stable
 * within one SOVERSION, and what bumps it: docs/abi.md. */
#define LISTENERS_VERSION_MAJOR 0
#define LISTENERS_VERSION_MINOR 1
#define LISTENERS_VERSION_PATCH 0
#define LISTENERS_VERSION_STRING "0.1.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH, for #if comparisons */
#define LISTENERS_VERSION_NUMBER                                                                   \
    (LISTENERS_VERSION_MAJOR * 10000 + LISTENERS_VERSION_MINOR * 100 + LISTENERS_VERSION_PATCH)

/* The library's version: "0.1.0" (static text), and its number as
 * LISTENERS_VERSION_NUMBER. */
const char *lsn_version(void);
int lsn_version_number(void);

#define LSN_COMM_MAX 64                          /* bytes of comm read at most */
#define LSN_EXE_MAX 4095                         /* longest exe kept (PATH_MAX - 1) */
#define LSN_DEFAULT_MAX_TABLE_BYTES (256u << 20) /* a table is read up to this (LSN_PARTIAL) */

/* What a row's socket is (lsn_options.protocols, JSON "protocol"). */
enum lsn_protocol {
    LSN_PROTO_TCP = 0, /* net/tcp{,6}: a LISTEN socket */
    LSN_PROTO_UDP,     /* net/udp{,6}: bound, not connected (st 07, remote zero) */
    LSN_PROTO_RAW,     /* net/raw{,6}: every raw IP socket; port is the IP protocol */
    LSN_PROTO_PACKET,  /* net/packet: every AF_PACKET socket; port is the ethertype */
    LSN_PROTO_COUNT
};
#define LSN_PROTOS_TCP (1u << LSN_PROTO_TCP)
#define LSN_PROTOS_ALL ((1u << LSN_PROTO_COUNT) - 1)

/* One socket that can receive traffic: 72 bytes on LP64 (memory per
 * listener matters: a user may open 500,000 of them; see "Properties" above).
 * comm and exe are owned by the result and shared by the rows of one owner:
 * read them, do not free or change them. */
struct lsn_listener {
    uint64_t inode;      /* socket inode (0: the line had none; never matched) */
    uint64_t netns;      /* LSN_OPT_ALL_NETNS: the namespace's inode (0: unknown) */
    const char *comm;    /* NULL: comm is null; else comm_len raw bytes (may hold NULs) + NUL */
    const char *exe;     /* NULL: exe is null; else exe_len raw bytes + NUL */
    int32_t pid;         /* owner, or -1 when no holder was found (JSON null) */
    uint32_t uid;        /* the table's uid column: the socket's owner uid (LSN_OPT_UID) */
    int32_t ifindex;     /* packet: the bound interface, 0 all, -1 gone; else 0 */
    uint16_t port;       /* host order; raw: the IP protocol; packet: the ethertype */
    uint16_t comm_len;   /* at most LSN_COMM_MAX */
    uint16_t exe_len;    /* at most LSN_EXE_MAX */
    uint8_t family;      /* enum lsn_family: IPV4 for net/tcp, udp, raw, IPV6 for the *6
                            tables; IPV4 (unused) for packet */
    uint8_t protocol;    /* enum lsn_protocol */
    uint8_t netns_host;  /* LSN_OPT_ALL_NETNS: 1 for a row of the host's tables */
    int8_t exe_verified; /* LSN_OPT_VERIFY_EXE: LSN_EXE_*, as the owner's exe */
    uint8_t bind_address[16]; /* network order; IPv4 uses the first 4 bytes; packet: zero */
    uint8_t reserved[2];      /* zero; the rest of the 72 bytes (docs/abi.md) */
};

/* One holder of a row's socket (LSN_OPT_HOLDERS): a process and one of its
 * fds. result->holders is sorted by inode, pid, fd; comm and exe are shared
 * like the rows'. */
struct lsn_holder {
    uint64_t inode;
    int32_t pid;
    int32_t fd;
    const char *comm; /* NULL: null */
    const char *exe;  /* NULL: null */
    uint16_t comm_len, exe_len;
};

enum lsn_diag_kind {
    LSN_DIAG_MALFORMED_LINE = 0, /* a table line was skipped; path, line, message */
    LSN_DIAG_TABLE,      /* net/tcp6 (or the proc dir) could not be read; path, error/message */
    LSN_DIAG_PROCESS,    /* one process could not be read fully; path, pid, error, message */
    LSN_DIAG_NAMESPACE,  /* LSN_OPT_ALL_NETNS: a namespace was skipped (its tables) or the host
                            namespace is unknown (netns 0); path, netns, pid, error, message */
    LSN_DIAG_NETNS_LINK, /* LSN_OPT_ALL_NETNS: one pid's ns/net link could not be read or is not
                           net:[inode] (its tables are not read, its fds still count); path,
                           pid, error, message. Counted in stats.netns_no_link. */
    LSN_DIAG_INODE       /* a table line's socket inode is another row's, on another socket (other
                            port, address, table or namespace): the kernel's 32-bit inode counter
                            wrapped. Both rows stay, neither gets an owner; path, line, netns,
                            message. Counted in stats.inodes_shared. */
};

/* A diagnostic. Pointers are valid only during the callback. */
struct lsn_diag {
    enum lsn_diag_kind kind;
    const char *path;    /* "/proc/net/tcp", "/proc/42/fd", ... (proc root + name) */
    uint64_t line;       /* 1-based table line number, 0 when not a line */
    int error;           /* errno value, 0 when the reason is not an errno */
    int32_t pid;         /* the process concerned, -1 when none */
    const char *message; /* short English reason, never NULL, no errno text */
    uint64_t netns;      /* LSN_OPT_ALL_NETNS: the namespace whose table or member this is
                            about (0: not known, or the host's when its inode is unknown) */
};

typedef void (*lsn_diag_fn)(void *ctx, const struct lsn_diag *diag);

struct lsn_options {
    const char *proc_root;          /* NULL: "/proc" (and "not supported" off Linux) */
    enum lsn_byte_order byte_order; /* of the tables; LSN_ORDER_HOST for a live procfs */
    lsn_diag_fn diag;               /* may be NULL */
    void *diag_ctx;
    uint64_t max_table_bytes; /* 0: LSN_DEFAULT_MAX_TABLE_BYTES */
    unsigned flags;           /* LSN_OPT_* */
    unsigned protocols;       /* bits 1 << LSN_PROTO_*; 0: LSN_PROTOS_TCP (the trait) */
    int netlink_fd;           /* LSN_OPT_NETLINK_FD: the sock_diag socket to use */
    uint64_t reserved[8];     /* must be zero (zero the whole struct): room for new options,
                                 whose zero is the old behaviour (docs/abi.md) */
};

/* Read every network namespace that has a process (see "Network namespaces"). */
#define LSN_OPT_ALL_NETNS 1u
/* Check that each owner's exe path names the running file (see "Exe verification"). */
#define LSN_OPT_VERIFY_EXE 2u
/* Every holder of every row (result->holders): a full walk, no early stop. */
#define LSN_OPT_HOLDERS 4u
/* The writers add each row's "uid" (the table's uid column). */
#define LSN_OPT_UID 8u
/* The table step reads NETLINK_SOCK_DIAG instead of <proc>/net (see
 * "Netlink source"). */
#define LSN_OPT_NETLINK 16u
/* With LSN_OPT_NETLINK: dump through opts->netlink_fd (lsn_netlink_open,
 * called before a sandbox that allows no socket()); it stays open. */
#define LSN_OPT_NETLINK_FD 32u

/* Both views, compared (see "Cross-view check"): result->findings. */
#define LSN_OPT_CHECK 64u
/* On a tree, its stored netlink dumps are not read: they are binary in the
 * byte order of the host that made them, and the caller knows it is not
 * this host's (the CLI reads it from the snapshot's MANIFEST). Each kind
 * then comes from the tree's procfs copy, with a LSN_DIAG_TABLE diagnostic
 * saying why; LSN_OPT_CHECK does not compare it (result->compared). No
 * effect on a live procfs. */
#define LSN_OPT_NO_STORED_DUMPS 128u

/* Netlink source (LSN_OPT_NETLINK). The table step asks the kernel for the
 * sockets of each table kind through NETLINK_SOCK_DIAG (the view of `ss`):
 * tcp with the LISTEN state only (the kernel walks the listening hash, not
 * the established one), udp, raw, and packet. The rows are the ones the
 * tables give: same rule per protocol (udp: state 7 and no peer), same
 * fields, and everything after the table step (walk, owners, order) is
 * unchanged, so the output is byte-identical to the procfs source's for the
 * same sockets. On a live procfs root the dump goes to the running kernel
 * (the reader's network namespace: LSN_OPT_ALL_NETNS is refused with
 * LSN_REASON_NETLINK_NETNS, and so is a procfs of another pid namespace,
 * where the reader has no pid and the tables are its init's); on a tree, the stored dumps
 * <root>/netlink/tcp, tcp6, udp, udp6, raw, raw6, packet (a snapshot's, in its host's byte order)
 * are read instead. A kind the kernel has no sock_diag handler for (raw_diag is a module: ENOENT),
 * or a tree without its dump, is read from its procfs table, with a LSN_DIAG_TABLE diagnostic; its
 * stats say which (lsn_table_stats.netlink). Replies from any sender but the kernel (port id 0) are
 * dropped.
 *
 * Cross-view check (LSN_OPT_CHECK). The table step reads every kind asked
 * from both views, procfs first and netlink at once after, and compares the
 * sockets (inode, family, port, address). A socket in one view and not the
 * other may be churn (made or closed between the two reads) or hiding (a
 * hook on one view: tcp4_seq_show, a read() filter): so each difference is
 * read again, both views, LSN_CHECK_ROUNDS more times, the view that lacked
 * it first. It is churn, and no finding, as soon as the view that lacked it
 * shows it or the view that had it no longer does; a finding when neither
 * happens in any round. The rows are both views' sockets of the first
 * round; the walk and owners run once over them, so a finding's socket has
 * its owner (a process holding a socket that one view hides). Kinds without
 * a netlink dump (fallback, above) are not compared (result->compared). A
 * packet socket with a BPF filter attached (PACKET_DIAG_FILTER, what
 * BPFDoor-style backdoors use and tcpdump, dhclient too) is a finding of its
 * own kind, for a person to judge. */
#define LSN_CHECK_ROUNDS 2

enum lsn_finding_kind {
    LSN_FINDING_NETLINK_ONLY = 0, /* netlink shows it, procfs does not: hidden from procfs */
    LSN_FINDING_PROCFS_ONLY,      /* procfs shows it, netlink does not */
    LSN_FINDING_PACKET_FILTER     /* a packet socket with a BPF filter attached */
};

struct lsn_finding {
    enum lsn_finding_kind kind;
    uint64_t inode;
    uint8_t protocol;      /* enum lsn_protocol */
    uint8_t family;        /* enum lsn_family */
    uint16_t port;         /* as the row's */
    uint8_t address[16];   /* as the row's bind_address */
    uint32_t filter_insns; /* LSN_FINDING_PACKET_FILTER: the filter's BPF instructions */
};

/* Values of lsn_listener.exe_verified (JSON "exe_verified"). Zero is unknown,
 * so rows without an owner or without the option read as unknown. */
#define LSN_EXE_UNKNOWN 0     /* null: cannot be told, or not checked */
#define LSN_EXE_VERIFIED 1    /* true: the path, here, is the file that runs */
#define LSN_EXE_MISMATCH (-1) /* false: the path names another file or none */

/* Most passes over one table. On live procfs a table that took more than
 * one read() is read again, and again while a pass adds a row, and the rows
 * are the union of the passes: between two read() calls the kernel resumes
 * at (hash bucket, offset in it), so sockets closed ahead of a listener in
 * its bucket make that listener skipped by that pass (collector/tables.c,
 * "Split reads"). */
#define LSN_TABLE_MAX_PASSES 4

/* Per table. Counts of every pass: lines, bytes, reads, malformed. Of the
 * first pass only: listening, duplicates and the early stop's fields. */
struct lsn_table_stats {
    int read;       /* 1 when the table was read (tcp6 may be absent) */
    uint64_t lines; /* lines read, header included */
    uint64_t bytes;
    uint64_t listening;  /* 0A lines of the first pass */
    uint64_t duplicates; /* 0A lines of the first pass whose inode was already seen */
    uint64_t malformed;  /* lines skipped with a diagnostic */
    int stop_allowed;    /* 1: live procfs, the early stop was armed (see tables.c) */
    int stopped_early;   /* 1: the first pass stopped at the end of the listening section */
    uint64_t stop_line;  /* line number of the first line past that section (0: none) */
    int short_eof;       /* 1: a short procfs read was taken as the end (no EOF read) */
    int truncated;       /* 1: the table was larger than the size cap: the rows past it are
                            missing (LSN_PARTIAL_SIZE_CAP) */
    uint64_t reads;      /* read() calls, every pass (a last one that returned 0 too) */
    uint64_t passes;     /* passes over the table: 1, up to LSN_TABLE_MAX_PASSES (0: not read) */
    uint64_t added_on_reread; /* rows the passes after the first added: sockets the first
                                 missed, or made after it read their bucket */
    uint64_t nanoseconds;
    int netlink; /* LSN_OPT_NETLINK: the rows came from a sock_diag dump (lines: its
                    records), 1 live (reads: its datagrams), 2 stored in a tree (reads: the
                    file's read() calls); 0 from the table (fallback) */
    /* zero: room for new counters (docs/abi.md) */
    uint64_t reserved[4];
};

struct lsn_stats {
    struct lsn_table_stats tcp, tcp6;
    struct lsn_table_stats udp, udp6, raw, raw6, packet; /* when their protocol is asked */
    uint64_t listeners;                                  /* rows */
    uint64_t matchable;       /* rows with an inode other than 0 that no other row has
                                 (the rows of shared inodes are never matched) */
    uint64_t attributed;      /* rows with an owner */
    uint64_t proc_scans;      /* readdir passes over the proc root (the first walk) */
    int streamed;             /* 1: one ascending pass (procfs); 0: batched passes */
    uint64_t pids_visited;    /* pids whose fd/ the walk tried to read */
    uint64_t pids_unreadable; /* pid dir or fd/ could not be opened */
    uint64_t pids_denied;     /* pids whose directory, fd/ (its listing or its links), comm,
                                 exe, a thread's task/ or fd/ (the task walk) or the exe
                                 checks of LSN_OPT_VERIFY_EXE were refused for lack of
                                 privilege (EACCES, EPERM), each pid once over both walks:
                                 without root, other users' processes (the pid of every
                                 LSN_DIAG_PROCESS diagnostic with that error) */
    uint64_t pids_exited;     /* holders that were gone when comm/exe were read */
    uint64_t fd_links_read;   /* readlinkat calls on <pid>/fd entries (the first walk) */
    uint64_t socket_links;    /* of which socket:[inode] targets (the first walk) */
    int stopped_early;        /* 1: every listener had an owner before the end */
    int32_t last_pid;         /* the last pid visited (-1: none) */
    uint64_t walk_nanoseconds;
    uint64_t names_nanoseconds; /* comm + exe reads (part of the walk) */
    uint64_t sort_nanoseconds;
    uint64_t total_nanoseconds;
    /* LSN_OPT_ALL_NETNS */
    uint64_t netns_found;       /* distinct namespaces of the pids, the host's included */
    uint64_t netns_read;        /* other namespaces whose tables were read */
    uint64_t netns_skipped;     /* other namespaces skipped (tables unreadable) */
    uint64_t netns_listening;   /* rows from other namespaces' tables */
    uint64_t netns_no_link;     /* pids whose ns/net link was missing or malformed */
    uint64_t netns_denied;      /* of which refused for lack of privilege (EACCES, EPERM: the
                                   ptrace access check): the namespaces of those pids are
                                   unknown, and not read unless another pid shows them */
    uint64_t netns_truncated;   /* other namespaces' tables cut at the size cap */
    uint64_t inodes_shared;     /* table lines whose inode was another socket's (LSN_DIAG_INODE) */
    uint64_t netns_nanoseconds; /* the namespace pass and the other namespaces' tables */
    /* The task walk (see "Threads"): only when rows had no owner after the walk */
    int task_walk;                  /* 1: it ran */
    int task_stopped_early;         /* 1: it stopped once those rows all had an owner */
    uint64_t task_pids_visited;     /* pids whose task/ it opened */
    uint64_t tasks_visited;         /* threads (the leaders left out) whose fd/ it tried */
    uint64_t task_tables_shared;    /* threads not read: their fd table is one read already
                                       (kcmp KCMP_FILES, live procfs only) */
    uint64_t task_fd_links_read;    /* readlinkat calls on their fd/ entries (not in
                                       fd_links_read) */
    uint64_t task_proc_scans;       /* its readdir passes over the proc root (not in
                                       proc_scans) */
    uint64_t task_budget;           /* the most fd links it may read: max(65536, 4 x
                                       fd_links_read) */
    int task_budget_spent;          /* 1: it stopped there (a LSN_DIAG_PROCESS diagnostic);
                                       rows still without an owner stay null */
    uint64_t task_attributed;       /* rows it gave an owner */
    uint64_t task_walk_nanoseconds; /* part of walk_nanoseconds */
    uint64_t reserved[16];          /* zero: room for new counters (docs/abi.md) */
};

enum lsn_status {
    LSN_OK = 0,
    LSN_UNSUPPORTED, /* not Linux and no proc_root: no procfs to read (JSON null) */
    LSN_ERR_TABLE,   /* net/tcp (or the proc root) missing or unreadable */
    LSN_ERR_NOMEM,   /* not returned by lsn_collect (out of memory gives LSN_PARTIAL with
                        LSN_PARTIAL_NOMEM); the value stays so the others keep theirs */
    LSN_PARTIAL      /* rows, but not all of them: see result->partial */
};

/* Why a result is LSN_PARTIAL (bits of result->partial). The rows it has
 * are right; some are missing, or some owners are. */
#define LSN_PARTIAL_SIZE_CAP                                                                       \
    1u /* a table was larger than max_table_bytes: its lines past                                  \
          the cap are not rows, nor those of the last 4 KiB read()                                 \
          chunk, which crossed it: up to 4 KiB of lines before the cap                             \
          are lost too (stats: truncated, bytes = what was taken; a                                \
          LSN_DIAG_TABLE or LSN_DIAG_NAMESPACE diagnostic names it) */
#define LSN_PARTIAL_NOMEM                                                                          \
    2u /* out of memory: the tables (or namespaces) after it were not                              \
          read, or the walk stopped and later owners are null */

/* Why a call failed (LSN_ERR_*, LSN_UNSUPPORTED): branch on this, never on
 * the text. lsn_reason_text gives the short English text, which is also
 * result->error_message. */
enum lsn_reason {
    LSN_REASON_NONE = 0,
    LSN_REASON_UNSUPPORTED,  /* "no procfs on this platform" */
    LSN_REASON_OPEN_ROOT,    /* "cannot open the proc directory" */
    LSN_REASON_OPEN,         /* "cannot open" (the table; error is the errno) */
    LSN_REASON_STAT,         /* "cannot stat" */
    LSN_REASON_NOT_REGULAR,  /* "not a regular file" */
    LSN_REASON_READ,         /* "read failed" */
    LSN_REASON_TOO_LARGE,    /* "table is larger than the size cap" */
    LSN_REASON_NOMEM,        /* "out of memory" */
    LSN_REASON_LINK,         /* "a symbolic link on the way, not followed" (ELOOP) */
    LSN_REASON_OTHER_FS,     /* "on another filesystem than the proc root" (EXDEV) */
    LSN_REASON_NETLINK,      /* "netlink sock_diag dump failed" (error is the errno) */
    LSN_REASON_NETLINK_NETNS /* "netlink sees only the reader's network namespace" */
};

/* The text of a reason; "" for LSN_REASON_NONE and unknown values. */
const char *lsn_reason_text(enum lsn_reason reason);

struct lsn_result {
    enum lsn_status status;
    enum lsn_reason reason;         /* why, for LSN_ERR_* and LSN_UNSUPPORTED */
    int error;                      /* errno for LSN_ERR_*, 0 when the reason is not an errno */
    char *error_path;               /* the path that failed (owned), or NULL */
    const char *error_message;      /* lsn_reason_text(reason): static, never NULL */
    struct lsn_listener *listeners; /* count rows in contract order, owned */
    size_t count;
    struct lsn_stats stats;
    unsigned partial;    /* LSN_PARTIAL: LSN_PARTIAL_* bits; else 0 */
    int all_netns;       /* collected with LSN_OPT_ALL_NETNS: the writers add netns */
    uint64_t host_netns; /* its host namespace inode (0: unknown) */
    int verify_exe;      /* collected with LSN_OPT_VERIFY_EXE: the writers add exe_verified */
    unsigned flags;      /* the options' LSN_OPT_* (LSN_OPT_UID, LSN_OPT_HOLDERS: the writers) */
    unsigned protocols;  /* the protocols read (never 0) */
    int procfs;          /* 1: the proc root is a live procfs mount (fstatfs), 0: a tree (or
                            it could not be opened) */
    struct lsn_holder *holders; /* LSN_OPT_HOLDERS: nholders, sorted by inode, pid, fd; owned */
    size_t nholders;
    struct lsn_ifname *ifnames; /* packet rows of the host's tables: interface names, owned */
    size_t nifnames;
    /* LSN_OPT_CHECK: the findings in table-kind order, owned; the row of a
     * finding (its owner) is the row with its inode, protocol and family */
    struct lsn_finding *findings;
    size_t nfindings;
    unsigned compared;          /* protocols whose every kind both views gave */
    uint64_t check_differences; /* differences of the first round */
    uint64_t check_churn;       /* of which churn (no finding) */
    uint64_t check_reads;       /* reads of a view in all (2 per kind and round) */
    uint64_t reserved[16];      /* zero: room for new fields (docs/abi.md) */
};

/* An interface of the host's network namespace (sysfs /sys/class/net). */
struct lsn_ifname {
    int32_t ifindex;
    char name[16]; /* at most IFNAMSIZ - 1 bytes and a NUL */
};

/* The name of a packet row's interface, or NULL: ifindex 0 (all) or -1
 * (gone), a row of another namespace (sysfs shows the host's), or a name
 * that could not be read. */
const char *lsn_interface_name(const struct lsn_result *result, const struct lsn_listener *row);

/* The holders of row (LSN_OPT_HOLDERS): *n entries from the returned one,
 * in pid order; NULL and 0 without the option or for an unmatched row. */
const struct lsn_holder *lsn_holders_of(const struct lsn_result *result,
                                        const struct lsn_listener *row, size_t *n);

/* "tcp", "udp", "raw" or "packet". */
const char *lsn_protocol_name(enum lsn_protocol protocol);

/* Collects the listeners. opts may be NULL (live /proc, host order, no
 * diagnostics). Always fills *result (even on error: status says what
 * happened, stats what was done) and returns result->status. Release with
 * lsn_result_free whatever the status. */
enum lsn_status lsn_collect(const struct lsn_options *opts, struct lsn_result *result);

/* Releases what *result owns and zeroes it. NULL and zeroed results are fine. */
void lsn_result_free(struct lsn_result *result);

/* Output. The writers produce bytes through a sink: it returns 0 to go on,
 * anything else to stop, and the writer then returns that value. Writers
 * return 0 on success, -1 when out of memory. */
typedef int (*lsn_sink_fn)(void *ctx, const char *buf, size_t len);

/* The contract's JSON: compact on one line (pretty = 0) or indented with two
 * spaces (pretty = 1), same content, a final '\n'. A LSN_UNSUPPORTED result
 * gives {"listeners":null}. Call only for LSN_OK, LSN_PARTIAL and
 * LSN_UNSUPPORTED. A result of LSN_OPT_VERIFY_EXE adds
 * "exe_verified":true|false|null right after "exe" (LSN_EXE_VERIFIED,
 * LSN_EXE_MISMATCH, LSN_EXE_UNKNOWN; null for a row without an owner); one
 * of LSN_OPT_ALL_NETNS then adds two keys, "netns":<inode or null>,
 * "netns_host":true|false. Both are extensions outside the trait. A
 * LSN_PARTIAL result has the rows it has and one more key after the array,
 * outside the trait: {"listeners":{"listeners":[...],"partial":true}}, so
 * that no consumer takes it for the whole picture. */
int lsn_write_json(const struct lsn_result *result, int pretty, lsn_sink_fn sink, void *ctx);

/* Aligned columns PORT FAMILY ADDRESS PID COMM EXE for people; null is "-";
 * with LSN_OPT_ALL_NETNS a NETNS column after ADDRESS (the inode, "?" when
 * unknown, "(host)" after the host's); with LSN_OPT_VERIFY_EXE a VERIFIED
 * column before EXE ("yes", "NO", "-" for unknown);
 * comm and exe with every control byte, backslash and invalid UTF-8 escaped
 * (lsn_terminal_text). A LSN_UNSUPPORTED result writes nothing; a
 * LSN_PARTIAL one its rows (the caller says that it is partial). */
int lsn_write_table(const struct lsn_result *result, lsn_sink_fn sink, void *ctx);

/* The report of a LSN_OPT_CHECK result: json 0, a line per finding
 * ("CATEGORY PROTO FAMILY ADDRESS:PORT, inode N, held by pid P comm "C" exe
 * "E": why") then a summary line "check: N findings; ..."; json 1, one
 * line {"check":{"compared":[...],"not_compared":[...],"differences":N,
 * "churn":N,"findings":[{"category","protocol","family","port" (raw:
 * "ip_protocol"; packet: "ethertype","filter_insns" instead of family to
 * address),"bind_address","inode","pid","comm","exe"},...]}}. comm and exe
 * escaped as in the other writers. Same return as lsn_write_json. */
int lsn_write_check(const struct lsn_result *result, int json, lsn_sink_fn sink, void *ctx);

/* ---- the host envelope (--host) ---- */

#define LSN_HOST_SCHEMA 1      /* "schema_version" of the envelope */
#define LSN_HOST_FIELD_MAX 256 /* bytes of a field read at most (the rest is cut) */

/* One field of the envelope: has 0 is JSON null (the file is absent or
 * unreadable); else len raw bytes (untrusted: the writers JSON-escape
 * them), one trailing '\n' removed. */
struct lsn_host_field {
    int has;
    size_t len;
    char text[LSN_HOST_FIELD_MAX + 1];
};

/* Where and when a result was collected: outside the trait. */
struct lsn_host {
    struct lsn_host_field hostname;       /* <root>/sys/kernel/hostname */
    struct lsn_host_field boot_id;        /* <root>/sys/kernel/random/boot_id */
    struct lsn_host_field machine_id;     /* see lsn_host_read */
    struct lsn_host_field kernel_release; /* <root>/sys/kernel/osrelease */
    int64_t collected_at;                 /* seconds since the epoch (UTC) */
    const char *version;                  /* the tool's version text, or NULL (null) */
};

/* Fills *host for the proc root proc_root (NULL: "/proc"): the three
 * <root>/sys/kernel files read through the procfs layer (confined to the
 * root, no link followed, regular files only, non-blocking opens, at most
 * LSN_HOST_FIELD_MAX bytes each); machine_id from /etc/machine-id when
 * proc_root is NULL, else from <root>/etc/machine-id (a fixture or a
 * snapshot may store one there; the reader's own /etc would be another
 * host's), null when absent. collected_at is now (time(2)); version is
 * left NULL for the caller. Never fails: a field that cannot be read is
 * null. No subprocess, no name service. */
void lsn_host_read(const char *proc_root, struct lsn_host *host);

/* The envelope as one compact JSON object, without a newline:
 * {"schema_version":1,"hostname":S|null,"boot_id":S|null,
 * "machine_id":S|null,"kernel_release":S|null,
 * "collected_at":"YYYY-MM-DDTHH:MM:SSZ","listeners_version":S|null}
 * (RFC 3339, UTC, second precision; strings escaped as the rows' comm).
 * Same return as lsn_write_json. */
int lsn_write_host(const struct lsn_host *host, lsn_sink_fn sink, void *ctx);

/* lsn_write_json with an envelope: host NULL is exactly lsn_write_json;
 * else {"host":{...},"listeners":<what lsn_write_json puts there>}\n
 * (pretty: the same, indented by two spaces, "host" on one line).
 * Outside the trait. */
int lsn_write_json_host(const struct lsn_result *result, int pretty, const struct lsn_host *host,
                        lsn_sink_fn sink, void *ctx);

/* NDJSON: one compact row object per line, each the row lsn_write_json
 * writes in the array (same keys, same order, the extensions' keys
 * included), then '\n'; no rows, no lines. With host (not NULL) every line
 * gains a last key "host":{the envelope}, so each line stands alone. A
 * LSN_PARTIAL result ends with one more line {"partial":true} (with
 * "host" after it when host is given), so that a consumer that reads to
 * the end learns that rows are missing. A LSN_UNSUPPORTED result writes
 * nothing. Same return as lsn_write_json. */
int lsn_write_ndjson(const struct lsn_result *result, const struct lsn_host *host, lsn_sink_fn sink,
                     void *ctx);

/* ---- the changes between two results (listeners watch) ---- */

/* A socket is a row's key: inode, protocol, family, port, netns and
 * bind_address. Two SO_REUSEPORT sockets on one port are two keys, and a row
 * with the port and address of an earlier one but another inode is another
 * socket (closed and opened again): one removed, one added. */
enum lsn_change_kind {
    LSN_CHANGE_ADDED = 0, /* a key only the later result has: after set, before NULL */
    LSN_CHANGE_REMOVED,   /* a key only the earlier result has: before set, after NULL */
    LSN_CHANGE_OWNER,     /* both have it; the pid differs: another process owns the socket, or
                             none now (after->pid -1), or one where there was none (before->pid
                             -1) */
    LSN_CHANGE_EXE        /* both have it; the same pid (not -1) with another exe or comm (bytes
                             and NULL-ness compared): an execve that kept the socket open. One
                             of the same file with the same comm cannot be seen */
};

/* One change. before and after point into the two results given to
 * lsn_changes (valid while those are). ABI (docs/abi.md): a caller may make
 * one (to write a change of its own with lsn_write_change), so its size and
 * members are fixed within a SOVERSION; a later version may give meaning
 * only to reserved[], which must be NULL (memset the struct to zero). A
 * callback must treat a kind it does not know as possible (new kinds are
 * appended). The rows are struct lsn_listener, whose size is ABI too. */
struct lsn_change {
    enum lsn_change_kind kind;
    const struct lsn_listener *before; /* NULL for LSN_CHANGE_ADDED */
    const struct lsn_listener *after;  /* NULL for LSN_CHANGE_REMOVED */
    const void *reserved[2];           /* NULL; not read by this version */
};

/* Gets one change; 0 to go on, anything else stops lsn_changes, which then
 * returns that value. */
typedef int (*lsn_change_fn)(void *ctx, const struct lsn_change *change);

/* Calls fn for every socket that changed from before to after (the rows of
 * two results, whatever their status: the caller decides whether to compare
 * a LSN_PARTIAL result; watch does not, its missing rows would read as
 * removed). At most one change per key (of results from lsn_collect, which
 * keeps one row per socket), in ascending key order: inode, then
 * protocol, family, port, netns, and bind_address byte by byte; so the
 * same input always gives the same changes in the same order. A row in both
 * with the same pid (or -1 in both) and the same exe and comm is no change.
 * An empty before (count 0: a zeroed result, the first collection) gives
 * every row of after as LSN_CHANGE_ADDED, in key order. Rows of one result
 * with the same key (the collector keeps one row per socket; a result put
 * together by hand may not) are paired with the other's in their row order.
 * Cost: an array of row pointers per result (8 bytes a row on LP64), sorted
 * (O(n log n)) and merged (O(n)), allocated before the first call and freed
 * before the return; the results are only read. Returns 0, -1 when out of
 * memory (then fn was not called), or the nonzero value fn returned (no
 * call after it): a callback that stops should return a value other than
 * -1 to be told from out of memory. */
int lsn_changes(const struct lsn_result *before, const struct lsn_result *after, lsn_change_fn fn,
                void *ctx);

/* One change as one line of `listeners watch` (docs/contract.md):
 *   {"event":E,"at":"YYYY-MM-DDTHH:MM:SSZ",<identity>,<owner>}\n
 * E is "added", "removed", "owner_changed" or "exe_changed". at is seconds
 * since the epoch, written in UTC at second precision (as the envelope's
 * collected_at). <identity> is "protocol":S,"family":S|null,
 * "address":S|null,"port":N|null,"inode":N (family and address null for a
 * packet row, port null for raw and packet; the row's key but for netns).
 * <owner> is "pid":N|null,"comm":S|null,"exe":S|null for added (after's
 * row) and removed (before's), and "before":{"pid","comm","exe"},
 * "after":{...} for the other two: a pid of -1 is null with comm and exe
 * null, never -1. comm and exe are JSON-escaped as in lsn_write_json. With
 * host (not NULL) the line gains a last key "host":{the envelope}. Same
 * return as lsn_write_json; -1 too, with nothing written, for an unknown
 * kind or a row the kind needs that is NULL. */
int lsn_write_change(const struct lsn_change *change, int64_t at, const struct lsn_host *host,
                     lsn_sink_fn sink, void *ctx);

/* {"event":"heartbeat","at":"...","count":N}\n (count: what the caller
 * counts; watch gives the rows of the last compared result), with
 * "host":{...} last when host is not NULL. Same return as lsn_write_json. */
int lsn_write_heartbeat(uint64_t count, int64_t at, const struct lsn_host *host, lsn_sink_fn sink,
                        void *ctx);

/* ---- table columns (-o/--columns) ---- */

enum lsn_column {
    LSN_COL_PORT = 0,
    LSN_COL_PROTO,
    LSN_COL_FAMILY,
    LSN_COL_ADDRESS,
    LSN_COL_NETNS,
    LSN_COL_PID,
    LSN_COL_UID,
    LSN_COL_HOLDERS,
    LSN_COL_COMM,
    LSN_COL_VERIFIED,
    LSN_COL_EXE,
    LSN_COL_COUNT
};

/* "PORT", "PROTO", ... as the table's headings; NULL for unknown values. */
const char *lsn_column_name(enum lsn_column column);

/* The columns lsn_write_table writes for result, in its order, into
 * cols[0..LSN_COL_COUNT); returns how many. */
size_t lsn_table_columns(const struct lsn_result *result, enum lsn_column cols[LSN_COL_COUNT]);

/* The table of lsn_write_table with the columns cols[0..n) in that order
 * (the same cells, widths and escapes; PORT, PID and UID right-aligned, the
 * last column not padded) and the heading line only when headings is
 * nonzero. With lsn_table_columns' columns and headings 1 the bytes are
 * lsn_write_table's. Same return as lsn_write_table. */
int lsn_write_table_columns(const struct lsn_result *result, const enum lsn_column *cols, size_t n,
                            int headings, lsn_sink_fn sink, void *ctx);

/* The Prometheus text exposition format (0.0.4, what node_exporter's
 * textfile collector and promtool read; valid OpenMetrics label and name
 * syntax), for `--format openmetrics`:
 *  - listeners_listener_info{protocol,family,address,port,comm,exe} N, a
 *    gauge, one series per distinct label set, N the rows that have it
 *    (usually 1: two SO_REUSEPORT sockets of one program are one series
 *    with 2). No pid label (pids change on every restart: a new series
 *    each time). raw rows have ip_protocol instead of port; packet rows
 *    protocol, ethertype, ifindex, interface, comm, exe. A null value
 *    (comm, exe, interface) is no label, as an empty one is in Prometheus.
 *    Label values: lsn_label_value (\\, \" and \n escaped; invalid UTF-8
 *    as U+FFFD), so that two names that read the same are one series.
 *  - listeners_unattributed (rows with pid null), listeners_partial (1 for
 *    a LSN_PARTIAL result), listeners_collect_duration_seconds
 *    (stats.total_nanoseconds) and listeners_last_success_timestamp_seconds
 *    (unix_nanoseconds, the caller's clock, in milliseconds), gauges.
 * Each with # HELP and # TYPE lines; no timestamps (the textfile collector
 * refuses them). A LSN_UNSUPPORTED result has no listener series and 0
 * unattributed. Same return as lsn_write_json. */
int lsn_write_openmetrics(const struct lsn_result *result, uint64_t unix_nanoseconds,
                          lsn_sink_fn sink, void *ctx);

/* The ports trait: {"ports":[22,443]} and a newline, the sorted, unique
 * port numbers of the tcp and udp rows (raw and packet rows have none); a
 * LSN_UNSUPPORTED result gives {"ports":null}. A LSN_PARTIAL result gives
 * the ports of its rows (the caller says that it is partial). Same return
 * as lsn_write_json. */
int lsn_write_ports(const struct lsn_result *result, lsn_sink_fn sink, void *ctx);

/* What the collection did (struct lsn_stats and the result's status), as
 * one compact JSON object without a newline, for agents:
 * {"stats_version":1,"proc_root":S,"procfs":B,"status":"ok"|"partial"|
 * "unsupported"|"error_table"|"error_nomem","partial":{"size_cap":B,
 * "out_of_memory":B},"error":null|{"message":S,"path":S|null,"errno":N},
 * "protocols":[...],"tables":{"net/tcp":{...},... all seven},
 * "listeners":N,"matchable":N,"attributed":N,"unattributed":N,
 * "inodes_shared":N,"holder_fds":N|null,"walk":{...},"netns":null|{...},
 * "tasks":{...},"nanoseconds":{"walk","names","sort","total"}}: every key,
 * always present, is in docs/contract.md ("--stats=json"); counts and
 * nanoseconds are JSON integers. proc_root is the root as given (NULL:
 * "/proc"). Any status. The object is made whole in memory first and
 * given to the sink in one call: out of memory (-1) the sink has had
 * nothing. Same return as lsn_write_json. */
int lsn_write_stats_json(const struct lsn_result *result, const char *proc_root, lsn_sink_fn sink,
                         void *ctx);

/* "ipv4" or "ipv6". */
const char *lsn_family_name(enum lsn_family family);

/* ---- netlink sock_diag (see "Netlink source") ---- */

/* Opens a NETLINK_SOCK_DIAG socket (SOCK_RAW, close-on-exec): the fd, or -1
 * with errno. */
int lsn_netlink_open(void);

/* Gets one datagram of a dump, as the kernel sent it; nonzero stops the dump
 * (lsn_netlink_dump returns ECANCELED). */
typedef int (*lsn_dump_fn)(void *ctx, const void *datagram, size_t len);

/* Dumps the sockets of one table kind ("net/tcp", "net/tcp6", "net/udp",
 * "net/udp6", "net/raw", "net/raw6", "net/packet") through fd: tcp asks for
 * LISTEN only, udp for state 7 (unconnected), raw and packet for all;
 * packet with PACKET_SHOW_INFO | PACKET_SHOW_FILTER. fn gets every datagram
 * up to and including the one with NLMSG_DONE. 0; ENOENT when the kernel
 * has no sock_diag handler for it (NLMSG_DONE or NLMSG_ERROR -ENOENT, raw
 * without raw_diag), EINVAL for an unknown kind, EPROTO for a reply that is
 * not whole records or comes from another sender, else the errno of
 * send/recv or the kernel's error. */
int lsn_netlink_dump(int fd, const char *table, lsn_dump_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
