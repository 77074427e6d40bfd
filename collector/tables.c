/* tables.c - Method step 1: the listening sockets of a net/tcp or net/tcp6
 * table, into the row store. */
#define _POSIX_C_SOURCE 200809L

#include "internal.h"
#include "procfs.h"

#include "dgram_line.h"
#include "line_splitter.h"
#include "packet_line.h"
#include "tcp_line.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK 4096

/* Early stop (contract "Method" step 1). Linux prints /proc/net/tcp{,6} with
 * tcp_seq_*: the whole listening hash (lhash2) first, then the established
 * hash (ehash: ESTABLISHED, TIME_WAIT, FIN_WAIT*, SYN_RECV request socks on
 * kernels >= 4.4). A socket in the listening hash always prints 0A: the
 * state is stored LISTEN before inet_csk_listen_start hashes it, and
 * tcp_set_state(TCP_CLOSE) unhashes it before the state leaves LISTEN; the
 * established hash never holds a LISTEN socket. Kernels before 4.4 print
 * SYN_RECV (03) open requests under their listener, inside the listening
 * section. Reads are not atomic: between read() calls the kernel re-seeks
 * with tcp_seek_last_pos, which resumes in the phase it left off and never
 * goes back from the established phase to the listening phase. So on live
 * procfs, once a line is neither 0A nor 03, no later read of the same open
 * file can yield a 0A line: stopping there loses nothing a read to EOF would
 * give (a listener created after the read started may be missed either way;
 * that is the ordinary snapshot race, not the stop's).
 *
 * Fallback: the stop is armed only when the table lives on procfs
 * (fstatfs magic 0x9fa0) on Linux. Anything else -- fixtures, snapshots
 * copied to a regular filesystem, a --proc tree that is not procfs -- is
 * untrusted text whose order nobody promised, so it is read to EOF and a 0A
 * line after an established line still counts. Each file (tcp, tcp6) is
 * judged on its own. --stats says where each read stopped.
 *
 * Short read = EOF, also only on procfs: seq_read_iter fills the caller's
 * buffer until the iterator ends, the buffer is full, or the next record
 * does not fit in the seq buffer (>= 4 KiB). A tcp/tcp6 record is under
 * 256 bytes, so a read that returns 512 or more bytes short of the 4 KiB
 * asked for means the iterator ended: the EOF read is skipped. That saves
 * one pass over the established hash per table (~2 ms on this kind of host
 * even when the hash is empty), which is what an idle host pays.
 *
 * Split reads (issue 15). Within one read() the kernel walks each listening
 * bucket under the bucket's lock, but between two read() calls it keeps
 * only (bucket, offset in the bucket) and tcp_seek_last_pos resumes by
 * counting offset sockets from the head of that bucket again. A socket
 * ahead of the read position that closes in between moves every later one
 * a place towards the head: the first socket after the position is never
 * printed by that read of the file (one added ahead is printed twice: the
 * dedupe by inode takes care of that). lhash2 hashes by (netns, address,
 * port) and puts an IPv4 socket at the head of its bucket, so sockets on a
 * listener's own address and port (SO_REUSEPORT) precede it; an
 * unprivileged process can close and bind them at will. So when a pass made
 * more than one read() (the one that returned 0 at the end counts: it
 * resumed too) on live procfs, the table is read again from a new open and
 * the rows are the union (lsn_rows_add dedupes by inode); again while a pass
 * adds a row, at most LSN_TABLE_MAX_PASSES passes in all (reread). Each pass
 * has its own early stop, short-read end and size cap. A pass of one read()
 * saw every bucket under its lock: no further pass. Cost: none when the
 * first pass is one read() (an idle host, ~27 listening lines or fewer per
 * table); a second pass when it is not; up to LSN_TABLE_MAX_PASSES under
 * churn (each pass adds the churned sockets' new inodes). Residual race: a
 * listener skipped by every pass (its bucket disturbed at the read boundary
 * of every pass, tests/hostile/test_split_read.c "every_pass") is still
 * missed, silently; so is one made after its bucket was read (the snapshot
 * race). Rows found by a later pass may be gone already: like any row, one
 * means the socket listened at some moment of the run. The netlink view (a
 * later issue) is the cross-check. Fixtures and other non-procfs files are
 * read once: nothing moves in them. */

/* One table being read: where it goes and what it counts. */
struct table {
    const struct lsn_run *run;
    struct lsn_rows *rows;
    const struct lsn_origin *origin;
    const char *path;
    const struct lsn_table_kind *kind;
    struct lsn_table_stats *ts;
};

const struct lsn_table_kind lsn_table_kinds[LSN_TABLE_KINDS] = {
    {"net/tcp", LSN_PROTO_TCP, LSN_FAMILY_IPV4},       {"net/tcp6", LSN_PROTO_TCP, LSN_FAMILY_IPV6},
    {"net/udp", LSN_PROTO_UDP, LSN_FAMILY_IPV4},       {"net/udp6", LSN_PROTO_UDP, LSN_FAMILY_IPV6},
    {"net/raw", LSN_PROTO_RAW, LSN_FAMILY_IPV4},       {"net/raw6", LSN_PROTO_RAW, LSN_FAMILY_IPV6},
    {"net/packet", LSN_PROTO_PACKET, LSN_FAMILY_IPV4},
};

/* A malformed line: counted and reported. Returns 0. */
static int malformed(const struct table *t, uint64_t lineno, const char *why)
{
    t->ts->malformed++;
    lsn_emit(t->run, LSN_DIAG_MALFORMED_LINE, t->path, lineno, 0, -1, t->origin->netns, why);
    return 0;
}

/* A datagram table line (udp, raw): 1 and *sock when it is a row, 0 when
 * not (the header, a malformed line, a connected udp socket). A udp socket
 * receives from anyone when it is bound and not connected: st 07 (TCP_CLOSE)
 * and a zero remote address and port (udp4_format_sock prints the connected
 * peer there; __ip4_datagram_connect sets both). Every raw socket receives
 * its IP protocol's packets (a connected one only from its peer, but still
 * off the network): every line is a row. */
static int dgram_socket(const struct table *t, const char *line, size_t len, uint64_t lineno,
                        struct lsn_socket *sock)
{
    static const uint8_t zero[16];
    struct lsn_dgram_line dl;
    enum lsn_family family = t->kind->family;
    enum lsn_dgram_status st =
        lsn_parse_dgram_line(line, len, family, t->run->opts->byte_order, &dl);
    if (st == LSN_DGRAM_HEADER)
        return 0;
    if (st != LSN_DGRAM_OK)
        return malformed(t, lineno, lsn_dgram_status_text(st, family));
    if (t->kind->protocol == LSN_PROTO_UDP &&
        (dl.state != LSN_DGRAM_UNCONNECTED || dl.remote_port != 0 ||
         memcmp(dl.remote_address, zero, 16) != 0))
        return 0;
    sock->port = dl.local_port;
    memcpy(sock->address, dl.local_address, 16);
    sock->inode = dl.inode;
    sock->uid = dl.uid;
    return 1;
}

/* A packet table line: every AF_PACKET socket is a row (one of protocol 0
 * receives nothing, but it is there to be bound). */
static int packet_socket(const struct table *t, const char *line, size_t len, uint64_t lineno,
                         struct lsn_socket *sock)
{
    struct lsn_packet_line pl;
    enum lsn_packet_status st = lsn_parse_packet_line(line, len, &pl);
    if (st == LSN_PACKET_HEADER)
        return 0;
    if (st != LSN_PACKET_OK)
        return malformed(t, lineno, lsn_packet_status_text(st));
    sock->port = pl.protocol;
    sock->ifindex = pl.ifindex;
    sock->inode = pl.inode;
    sock->uid = pl.uid;
    return 1;
}

/* 0 go on, 1 the early stop fired, -1 out of memory. */
static int handle_line(const struct table *t, const char *line, size_t len, uint64_t lineno)
{
    struct lsn_socket sock;
    memset(&sock, 0, sizeof sock);
    sock.family = (uint8_t)t->kind->family;
    sock.protocol = (uint8_t)t->kind->protocol;
    t->ts->lines++;
    if (t->kind->protocol == LSN_PROTO_TCP) {
        struct lsn_tcp_line tl;
        enum lsn_tcp_status st =
            lsn_parse_tcp_line(line, len, t->kind->family, t->run->opts->byte_order, &tl);
        if (st == LSN_TCP_HEADER)
            return 0;
        if (st != LSN_TCP_OK)
            return malformed(t, lineno, lsn_tcp_status_text(st, t->kind->family));
        if (tl.state != LSN_TCP_LISTEN) {
            if (t->ts->stop_allowed && tl.state != 0x03) {
                t->ts->stopped_early = 1;
                t->ts->stop_line = lineno;
                return 1;
            }
            return 0;
        }
        sock.port = tl.local_port;
        memcpy(sock.address, tl.local_address, 16);
        sock.inode = tl.inode;
        sock.uid = tl.uid;
    } else if (t->kind->protocol == LSN_PROTO_PACKET) {
        if (!packet_socket(t, line, len, lineno, &sock))
            return 0;
    } else if (!dgram_socket(t, line, len, lineno, &sock)) {
        return 0;
    }
    t->ts->listening++;
    switch (lsn_rows_add(t->rows, &sock, t->origin->netns, t->origin->host)) {
    case 0: t->ts->duplicates++; return 0;
    case 1: return 0;
    case 2:
        t->run->stats->inodes_shared++;
        lsn_emit(t->run, LSN_DIAG_INODE, t->path, lineno, 0, -1, t->origin->netns,
                 "socket inode already seen on another socket (the kernel's 32-bit inode "
                 "counter wrapped): neither row gets an owner");
        return 0;
    default: return -1;
    }
}

/* Drains the splitter. -1 out of memory, 1 when the early stop fired, else 0. */
static int drain(const struct table *t, struct lsn_splitter *s, enum lsn_split_status stop)
{
    const char *line;
    size_t len;
    enum lsn_split_status st;
    while ((st = lsn_splitter_next(s, &line, &len)) != stop) {
        uint64_t no = lsn_splitter_line_number(s);
        if (st == LSN_SPLIT_LINE || st == LSN_SPLIT_LAST_LINE) {
            int h = handle_line(t, line, len, no);
            if (h != 0)
                return h;
        } else if (st == LSN_SPLIT_TOO_LONG) {
            t->ts->lines++;
            t->ts->malformed++;
            lsn_emit(t->run, LSN_DIAG_MALFORMED_LINE, t->path, no, 0, -1, t->origin->netns,
                     lsn_tcp_status_text(LSN_TCP_TOO_LONG, t->kind->family));
        } else {
            break; /* NEED_MORE/END out of turn: nothing more to take */
        }
    }
    return 0;
}

/* read(2), and one more in ts->reads when it did not fail: a read() that
 * returns 0 after a full one is a resume of the kernel's iterator too. */
static ssize_t counted_read(struct lsn_table_stats *ts, int fd, char *buf, size_t len)
{
    ssize_t got = read(fd, buf, len);
    if (got >= 0)
        ts->reads++;
    return got;
}

/* Reads the open table fd to its end (or the early stop). LSN_OK, or
 * LSN_ERR_TABLE with *why and *err, or LSN_ERR_NOMEM. */
static enum lsn_status read_lines(const struct table *t, int fd, enum lsn_reason *why, int *err)
{
    char chunk[READ_CHUNK];
    char linebuf[LSN_TCP_LINE_MAX];
    struct lsn_splitter s;
    uint64_t cap =
        t->run->opts->max_table_bytes ? t->run->opts->max_table_bytes : LSN_DEFAULT_MAX_TABLE_BYTES;
    struct lsn_table_stats *ts = t->ts;

    lsn_splitter_init(&s, linebuf, sizeof linebuf);
    for (;;) {
        ssize_t got = counted_read(ts, fd, chunk, sizeof chunk);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            *err = errno;
            *why = LSN_REASON_READ;
            return LSN_ERR_TABLE;
        }
        if (got == 0)
            break;
        if (ts->bytes + (uint64_t)got > cap) {
            /* Never silent, never nothing: the rows of the lines read so far
             * stay, the line cut at the cap is not one, and the result is
             * LSN_PARTIAL (collect.c). */
            ts->truncated = 1;
            return LSN_OK;
        }
        ts->bytes += (uint64_t)got;
        lsn_splitter_feed(&s, chunk, (size_t)got);
        int dr = drain(t, &s, LSN_SPLIT_NEED_MORE);
        if (dr < 0)
            return LSN_ERR_NOMEM;
        if (dr != 0)
            break;
        if (ts->stop_allowed && (size_t)got + 512 <= sizeof chunk) {
            ts->short_eof = 1;
            break;
        }
    }
    if (!ts->stopped_early) {
        lsn_splitter_finish(&s);
        if (drain(t, &s, LSN_SPLIT_END) < 0)
            return LSN_ERR_NOMEM;
    }
    return LSN_OK;
}

/* One pass: opens <dirfd>/<name> and reads it into the rows, counting in
 * t->ts (its read, stop_allowed and passes too). */
static enum lsn_status read_pass(const struct table *t, int dirfd, const char *name,
                                 enum lsn_reason *why, int *err)
{
    enum lsn_status st;
    int fd = lsn_proc_open_table(t->run->proc, dirfd, name, why, err);
    if (fd < 0)
        return LSN_ERR_TABLE;
    t->ts->read = 1;
    t->ts->passes++;
    t->ts->stop_allowed = lsn_proc_is_procfs(fd);
    st = read_lines(t, fd, why, err);
    close(fd);
    return st;
}

void lsn_table_stats_add_pass(struct lsn_table_stats *ts, const struct lsn_table_stats *pass,
                              size_t added)
{
    ts->passes += pass->passes ? pass->passes : 1;
    ts->reads += pass->reads;
    ts->lines += pass->lines;
    ts->bytes += pass->bytes;
    ts->malformed += pass->malformed;
    ts->added_on_reread += added;
}

/* The passes after the first ("Split reads" above). While the last pass was
 * on live procfs and needed more than one read(), and (after the second)
 * added a row, reads the table again into the same rows, up to
 * LSN_TABLE_MAX_PASSES passes in all. A later pass counts its own bytes
 * against the size cap and runs the early stop and the short-read end on
 * its own; into *first->ts go its reads, lines, bytes, malformed lines and
 * the rows it added, never its listening or duplicate lines (nearly every
 * line of a later pass is a row already). A later pass that fails ends the
 * passes: the rows so far stand, and a LSN_DIAG_TABLE diagnostic says why.
 * LSN_OK or LSN_ERR_NOMEM. */
static enum lsn_status reread(const struct table *first, int dirfd, const char *name)
{
    struct lsn_table_stats *ts = first->ts, p = *ts;
    struct table t = *first;
    size_t added = 1;

    t.ts = &p;
    /* A pass cut at the size cap ends the passes: the first one's cut makes
     * the result partial (its rows stand); a later one's loses nothing the
     * first pass did not already give. */
    while (ts->passes < LSN_TABLE_MAX_PASSES && p.stop_allowed && p.reads > 1 && added > 0 &&
           !p.truncated) {
        size_t n0 = first->rows->n;
        enum lsn_reason why = LSN_REASON_NONE;
        int err = 0;
        enum lsn_status st;

        memset(&p, 0, sizeof p);
        st = read_pass(&t, dirfd, name, &why, &err);
        added = first->rows->n - n0;
        lsn_table_stats_add_pass(ts, &p, added);
        if (st == LSN_ERR_NOMEM)
            return st;
        if (st == LSN_ERR_TABLE) {
            lsn_emit(first->run, LSN_DIAG_TABLE, first->path, 0, err, -1, first->origin->netns,
                     lsn_reason_text(why));
            return LSN_OK;
        }
    }
    return LSN_OK;
}

enum lsn_status lsn_read_table(const struct lsn_run *run, struct lsn_rows *rows,
                               const struct lsn_origin *origin, int dirfd, const char *name,
                               const char *rel, const struct lsn_table_kind *kind,
                               enum lsn_table_need need, struct lsn_table_stats *ts,
                               enum lsn_reason *why, int *err)
{
    char path[LSN_PROC_PATH_CAP];
    struct table t = {run, rows, origin, path, kind, ts};
    uint64_t t0 = lsn_now_ns();
    enum lsn_status st;

    *why = LSN_REASON_NONE;
    *err = 0;
    lsn_proc_path(path, sizeof path, run->root, 0, rel);
    st = read_pass(&t, dirfd, name, why, err);
    if (st == LSN_ERR_TABLE && !ts->read && need == LSN_TABLE_OPTIONAL && *why == LSN_REASON_OPEN &&
        *err == ENOENT) {
        *why = LSN_REASON_NONE;
        *err = 0;
        ts->nanoseconds = lsn_now_ns() - t0;
        return LSN_OK;
    }
    if (st == LSN_OK)
        st = reread(&t, dirfd, name);
    ts->nanoseconds = lsn_now_ns() - t0;
    if (st == LSN_OK && ts->truncated)
        lsn_emit(run, LSN_DIAG_TABLE, path, 0, EFBIG, origin->member, origin->netns,
                 "table is larger than the size cap: the lines past it are missing");
    if (st != LSN_ERR_TABLE || need == LSN_TABLE_REQUIRED)
        return st;
    if (need == LSN_TABLE_NAMESPACE) {
        lsn_emit(run, LSN_DIAG_NAMESPACE, path, 0, *err, origin->member, origin->netns,
                 lsn_reason_text(*why));
        return LSN_ERR_TABLE;
    }
    lsn_emit(run, LSN_DIAG_TABLE, path, 0, *err, -1, origin->netns, lsn_reason_text(*why));
    return LSN_OK;
}
