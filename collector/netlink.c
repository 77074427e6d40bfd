/* netlink.c - Method step 1 from the kernel's second view: the sockets of a
 * table kind from a NETLINK_SOCK_DIAG dump (live) or from a stored dump (a
 * snapshot's <root>/netlink/<kind>), into the row store. See listeners.h,
 * "Netlink source"; the records are read by parsers/sock_diag.h. */
#define _GNU_SOURCE

#include "internal.h"
#include "procfs.h"

#include "sock_diag.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/socket.h>
#include <linux/netlink.h>
#endif

#define SOCK_DIAG_BY_FAMILY 20u
#define NL_F_REQUEST 0x1u
#define NL_F_DUMP 0x300u /* NLM_F_ROOT | NLM_F_MATCH */
#define AF_INET_ 2u
#define AF_INET6_ 10u
#define AF_PACKET_ 17u
#define IPPROTO_TCP_ 6u
#define IPPROTO_UDP_ 17u
#define IPPROTO_RAW_ 255u
#define STATE_LISTEN 10u
#define STATE_CLOSE 7u
#define PACKET_SHOW_INFO 0x1u
#define PACKET_SHOW_FILTER 0x20u
/* A reply datagram: the kernel sizes dump skbs up to 32 KiB for a reader
 * whose buffers are that large (netlink_dump, max_recvmsg_len); more is
 * never sent in one. Larger would be MSG_TRUNC, which fails the dump. */
#define RECV_BUF 32768u
/* A stored dump is read in chunks this large; a record longer than that is
 * malformed (the kernel's are under 1 KiB). */
#define STORED_BUF 65536u

/* The request of one table kind: a nlmsghdr and an inet_diag_req_v2 (56
 * bytes) or a packet_diag_req (20 bytes), host order. Returns its length,
 * 0 for an unknown kind. */
static size_t request(const char *table, uint32_t seq, unsigned char *req)
{
    static const struct {
        const char *name;
        uint8_t family, protocol;
        uint32_t states;
    } kinds[] = {
        {"net/tcp", AF_INET_, IPPROTO_TCP_, 1u << STATE_LISTEN},
        {"net/tcp6", AF_INET6_, IPPROTO_TCP_, 1u << STATE_LISTEN},
        {"net/udp", AF_INET_, IPPROTO_UDP_, 1u << STATE_CLOSE},
        {"net/udp6", AF_INET6_, IPPROTO_UDP_, 1u << STATE_CLOSE},
        {"net/raw", AF_INET_, IPPROTO_RAW_, 0xffffffffu},
        {"net/raw6", AF_INET6_, IPPROTO_RAW_, 0xffffffffu},
        {"net/packet", AF_PACKET_, 0, 0},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(kinds[i].name, table) != 0)
            continue;
        uint32_t len = kinds[i].family == AF_PACKET_ ? 16u + 20u : 16u + 56u;
        uint16_t type = SOCK_DIAG_BY_FAMILY, flags = NL_F_REQUEST | NL_F_DUMP;
        uint32_t zero = 0;
        memset(req, 0, len);
        memcpy(req, &len, 4);
        memcpy(req + 4, &type, 2);
        memcpy(req + 6, &flags, 2);
        memcpy(req + 8, &seq, 4);
        memcpy(req + 12, &zero, 4);
        req[16] = kinds[i].family;
        req[17] = kinds[i].protocol;
        if (kinds[i].family == AF_PACKET_) {
            uint32_t show = PACKET_SHOW_INFO | PACKET_SHOW_FILTER;
            memcpy(req + 16 + 8, &show, 4); /* pdiag_ino at +4 is 0: every socket */
        } else {
            memcpy(req + 16 + 4, &kinds[i].states, 4); /* ext, pad: 0; sockid: 0 */
        }
        return len;
    }
    return 0;
}

#ifdef __linux__
int lsn_netlink_open(void)
{
    return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
}

#define OTHER_DUMP 2

/* The status a datagram's records end the dump with: 0 go on, 1 done,
 * OTHER_DUMP a datagram of an earlier request (a dump abandoned on an
 * error), or -errno. A dump must be whole records of this request (seq). */
static int dump_end(const unsigned char *buf, size_t len, uint32_t seq)
{
    size_t off = 0;
    struct lsn_nlmsg m;
    enum lsn_nl_status st;
    while ((st = lsn_nlmsg_next(buf, len, &off, &m)) != LSN_NL_END) {
        if (st != LSN_NL_OK && st != LSN_NL_DONE && st != LSN_NL_ERROR)
            return -EPROTO;
        if (m.seq != seq)
            return off == m.len ? OTHER_DUMP : -EPROTO;
        if (st == LSN_NL_DONE)
            return m.error < 0 ? m.error : 1;
        if (st == LSN_NL_ERROR && m.error != 0)
            return m.error < 0 ? m.error : -EPROTO;
        if (m.type == LSN_NLMSG_OVERRUN)
            return -ENOBUFS;
    }
    return 0;
}

int lsn_netlink_dump(int fd, const char *table, lsn_dump_fn fn, void *ctx)
{
    static uint32_t next_seq = 1;
    unsigned char req[16 + 56];
    unsigned char buf[RECV_BUF];
    struct sockaddr_nl kernel;
    uint32_t seq = next_seq++;
    int cancelled = 0;
    size_t rlen = request(table, seq, req);
    if (rlen == 0)
        return EINVAL;
    memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    for (;;) {
        ssize_t sent = sendto(fd, req, rlen, 0, (struct sockaddr *)&kernel, sizeof kernel);
        if (sent >= 0)
            break;
        if (errno != EINTR)
            return errno;
    }
    for (;;) {
        struct sockaddr_nl from;
        struct iovec iov = {buf, sizeof buf};
        struct msghdr msg;
        memset(&msg, 0, sizeof msg);
        memset(&from, 0, sizeof from);
        msg.msg_name = &from;
        msg.msg_namelen = sizeof from;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        ssize_t got = recvmsg(fd, &msg, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (msg.msg_flags & MSG_TRUNC)
            return EPROTO;
        /* Any process may unicast to our port id: only the kernel's
         * datagrams are the dump. */
        if (msg.msg_namelen < sizeof from || from.nl_family != AF_NETLINK || from.nl_pid != 0)
            continue;
        if (got == 0)
            return EPROTO;
        int end = dump_end(buf, (size_t)got, seq);
        if (end == OTHER_DUMP)
            continue;
        if (end < 0)
            return -end;
        /* After a stop the rest of the dump is still read, so that the
         * socket is clean for the next one. */
        if (!cancelled && fn(ctx, buf, (size_t)got) != 0)
            cancelled = 1;
        if (end == 1)
            return cancelled ? ECANCELED : 0;
    }
}
#else
int lsn_netlink_open(void)
{
    errno = ENOSYS;
    return -1;
}

int lsn_netlink_dump(int fd, const char *table, lsn_dump_fn fn, void *ctx)
{
    (void)fd;
    (void)table;
    (void)fn;
    (void)ctx;
    return ENOSYS;
}
#endif

/* ---- the table step ---- */

/* One dump being read into the rows. */
struct dump {
    const struct lsn_run *run;
    struct lsn_rows *rows;
    const struct lsn_origin *origin;
    const struct lsn_table_kind *kind;
    struct lsn_table_stats *ts;
    const char *path;    /* for messages: "netlink:net/tcp" or the stored file */
    uint64_t cap;        /* the size cap */
    int done;            /* NLMSG_DONE seen */
    uint64_t data_grams; /* live: datagrams that held a record other than DONE */
    int error;           /* the kernel's error (DONE or ERROR), positive errno */
    int nomem;
};

static void bad_record(struct dump *d, const char *why)
{
    d->ts->malformed++;
    lsn_emit(d->run, LSN_DIAG_MALFORMED_LINE, d->path, d->ts->lines, 0, -1, d->origin->netns, why);
}

/* A SOCK_DIAG_BY_FAMILY record: a row when the procfs table would have had
 * one for this socket (the same rule as tables.c). */
static void data_record(struct dump *d, const struct lsn_nlmsg *m)
{
    static const uint8_t zero[16];
    const struct lsn_table_kind *kind = d->kind;
    struct lsn_socket sock;
    memset(&sock, 0, sizeof sock);
    sock.family = (uint8_t)kind->family;
    sock.protocol = (uint8_t)kind->protocol;
    if (kind->protocol == LSN_PROTO_PACKET) {
        struct lsn_packet_diag p;
        enum lsn_packet_diag_status st = lsn_parse_packet_diag(m->payload, m->payload_len, &p);
        if (st != LSN_PACKET_DIAG_OK) {
            bad_record(d, lsn_packet_diag_status_text(st));
            return;
        }
        sock.port = p.num;
        sock.ifindex = p.has_info ? p.ifindex : 0;
        sock.inode = p.inode;
        sock.uid = p.uid;
        if (p.has_filter && p.filter_insns > 0 &&
            lsn_check_filter(d->run, p.inode, p.num, p.filter_insns) != 0) {
            d->nomem = 1;
            return;
        }
    } else {
        struct lsn_inet_diag x;
        enum lsn_inet_diag_status st = lsn_parse_inet_diag(m->payload, m->payload_len, &x);
        if (st != LSN_INET_DIAG_OK) {
            bad_record(d, lsn_inet_diag_status_text(st));
            return;
        }
        if (x.family != (kind->family == LSN_FAMILY_IPV6 ? AF_INET6_ : AF_INET_)) {
            bad_record(d, "record of another address family than the dump asked for");
            return;
        }
        if (kind->protocol == LSN_PROTO_TCP && x.state != STATE_LISTEN)
            return;
        if (kind->protocol == LSN_PROTO_UDP &&
            (x.state != STATE_CLOSE || x.dport != 0 || memcmp(x.dst, zero, 16) != 0))
            return;
        sock.port = x.sport;
        memcpy(sock.address, x.src, 16);
        sock.inode = x.inode;
        sock.uid = x.uid;
    }
    d->ts->listening++;
    switch (lsn_rows_add(d->rows, &sock, d->origin->netns, d->origin->host)) {
    case 0: d->ts->duplicates++; return;
    case 1: return;
    case 2:
        d->run->stats->inodes_shared++;
        lsn_emit(d->run, LSN_DIAG_INODE, d->path, d->ts->lines, 0, -1, d->origin->netns,
                 "socket inode already seen on another socket (the kernel's 32-bit inode "
                 "counter wrapped): neither row gets an owner");
        return;
    default: d->nomem = 1; return;
    }
}

/* The whole records of buf[0..len): rows. Returns the bytes taken; with
 * stream (a stored dump read in chunks) a record cut at the end is left for
 * the next chunk, else (a datagram) it is malformed. At the end of the dump
 * d->done (and d->error) is set. -1 on a record that cannot be walked (a
 * diagnostic was given). */
static long records(struct dump *d, const unsigned char *buf, size_t len, int stream)
{
    size_t off = 0;
    struct lsn_nlmsg m;
    enum lsn_nl_status st;
    while (!d->done && !d->nomem && (st = lsn_nlmsg_next(buf, len, &off, &m)) != LSN_NL_END) {
        if (stream && (st == LSN_NL_TRUNCATED || st == LSN_NL_BAD_ALIGN)) {
            uint32_t want = 0;
            if (len - off >= 4)
                memcpy(&want, buf + off, 4);
            if (len - off < 4 || (want >= LSN_NLMSG_HDRLEN && want <= STORED_BUF - 4))
                return (long)off; /* the rest comes with the next chunk */
        }
        if (st != LSN_NL_OK && st != LSN_NL_DONE && st != LSN_NL_ERROR) {
            d->ts->lines++;
            bad_record(d, lsn_nl_status_text(st));
            return -1;
        }
        d->ts->lines++;
        if (st == LSN_NL_DONE) {
            d->done = 1;
            d->error = m.error < 0 ? -m.error : 0;
        } else if (st == LSN_NL_ERROR && m.error != 0) {
            d->done = 1;
            d->error = m.error < 0 ? -m.error : EPROTO;
        } else if (m.type == SOCK_DIAG_BY_FAMILY) {
            data_record(d, &m);
        }
    }
    return (long)len;
}

static int live_datagram(void *ctx, const void *datagram, size_t len)
{
    struct dump *d = ctx;
    d->ts->reads++;
    if (d->ts->bytes + len > d->cap) {
        d->ts->truncated = 1;
        return 1;
    }
    d->ts->bytes += len;
    uint64_t before = d->ts->lines;
    long took = records(d, datagram, len, 0);
    if (d->ts->lines - before > (uint64_t)(d->done ? 1 : 0))
        d->data_grams++;
    if (took < 0 || (size_t)took != len)
        return 1;
    return d->nomem;
}

/* One live dump into the rows. LSN_OK, LSN_ERR_TABLE (*why, *err) or
 * LSN_ERR_NOMEM. */
static enum lsn_status live_pass(struct dump *d, int fd, enum lsn_reason *why, int *err)
{
    int e = lsn_netlink_dump(fd, d->kind->name, live_datagram, d);
    if (d->nomem)
        return LSN_ERR_NOMEM;
    if (e == ECANCELED && !d->ts->truncated)
        e = EPROTO; /* a record the walker refused: a diagnostic named it */
    if (e != 0 && e != ECANCELED) {
        *why = LSN_REASON_NETLINK;
        *err = e;
        return LSN_ERR_TABLE;
    }
    return LSN_OK;
}

/* Split dumps. A dump larger than one datagram is made in several calls of
 * the kernel's dump function, and between two the kernel keeps only
 * (bucket, offset in it) of the hash it walks and resumes by counting
 * sockets from the head of the bucket again (inet_diag_dump_icsk,
 * udp_dump): as procfs between two read() calls (tables.c, "Split reads"),
 * a socket closed ahead of the resume point makes the next socket skipped.
 * So, as there, a live dump whose records came in more than one datagram is
 * made again and the rows are the union, again while a dump adds a row, at
 * most LSN_TABLE_MAX_PASSES dumps (bench/split_read.sh with --source
 * netlink: 5 of 1,000 runs lost the target under heavy churn before, 0
 * after). A datagram holds up to 32 KiB (some 300 tcp records): most hosts
 * need one. Later dumps count their datagrams, records, bytes and malformed
 * records and the rows they add; a later dump that fails ends them (the rows
 * so far stand). LSN_OK or LSN_ERR_NOMEM. */
static enum lsn_status redump(struct dump *first, int fd)
{
    struct lsn_table_stats *ts = first->ts;
    uint64_t grams = first->data_grams;
    size_t added = 1;
    while (ts->passes < LSN_TABLE_MAX_PASSES && grams > 1 && added > 0 && !ts->truncated) {
        struct lsn_table_stats p;
        struct dump d = *first;
        enum lsn_reason why;
        int err;
        size_t n0 = first->rows->n;
        memset(&p, 0, sizeof p);
        d.ts = &p;
        d.done = 0;
        d.error = 0;
        d.data_grams = 0;
        enum lsn_status st = live_pass(&d, fd, &why, &err);
        added = first->rows->n - n0;
        lsn_table_stats_add_pass(ts, &p, added);
        grams = d.data_grams;
        if (st == LSN_ERR_NOMEM)
            return st;
        if (st != LSN_OK || p.truncated)
            break;
    }
    return LSN_OK;
}

/* A stored dump: the datagrams as the kernel sent them, one after another. */
static enum lsn_status read_stored(struct dump *d, int fd, enum lsn_reason *why, int *err)
{
    unsigned char *buf = malloc(STORED_BUF);
    size_t have = 0;
    int bad = 0;
    enum lsn_status st = LSN_OK;
    if (!buf)
        return LSN_ERR_NOMEM;
    for (;;) {
        /* No more than the cap allows (a byte past it, once, to tell that
         * there is more): the records before the cut stay rows, as the
         * lines of a table do. */
        size_t room = STORED_BUF - have;
        uint64_t left = d->cap - d->ts->bytes;
        if (left < room)
            room = left ? (size_t)left : 1;
        ssize_t got = read(fd, buf + have, room);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            *why = LSN_REASON_READ;
            *err = errno;
            free(buf);
            return LSN_ERR_TABLE;
        }
        d->ts->reads++;
        if (got == 0)
            break;
        if (d->ts->bytes + (uint64_t)got > d->cap) {
            d->ts->truncated = 1;
            break;
        }
        d->ts->bytes += (uint64_t)got;
        have += (size_t)got;
        long took = records(d, buf, have, 1);
        if (d->nomem) {
            st = LSN_ERR_NOMEM;
            break;
        }
        if (took < 0) {
            bad = 1;
            break;
        }
        if (d->done)
            break;
        memmove(buf, buf + took, have - (size_t)took);
        have -= (size_t)took;
        if (have == STORED_BUF) { /* cannot happen: records() takes what fits */
            bad_record(d, "record longer than the chunk");
            break;
        }
    }
    if (st == LSN_OK && !bad && !d->done && !d->ts->truncated) {
        if (have > 0) {
            d->ts->lines++;
            bad_record(d, "the dump ends inside a record");
        } else {
            bad_record(d, "the dump ends without NLMSG_DONE: sockets may be missing");
        }
    }
    free(buf);
    return st;
}

enum lsn_status lsn_read_netlink(const struct lsn_run *run, struct lsn_rows *rows,
                                 const struct lsn_origin *origin, const struct lsn_table_kind *kind,
                                 struct lsn_table_stats *ts, enum lsn_reason *why, int *err)
{
    char path[LSN_PROC_PATH_CAP];
    struct dump d;
    uint64_t t0 = lsn_now_ns();
    enum lsn_status st = LSN_OK;

    memset(&d, 0, sizeof d);
    d.run = run;
    d.rows = rows;
    d.origin = origin;
    d.kind = kind;
    d.ts = ts;
    d.path = path;
    d.cap = run->opts->max_table_bytes ? run->opts->max_table_bytes : LSN_DEFAULT_MAX_TABLE_BYTES;
    *why = LSN_REASON_NONE;
    *err = 0;
    if (run->proc->procfs && run->proc->self_err) {
        /* A procfs of another pid namespace (a container's): its tables
         * are its init's network namespace, a dump is the reader's. */
        snprintf(path, sizeof path, "netlink sock_diag dump of %s", kind->name);
        *why = LSN_REASON_NETLINK_NETNS;
        return LSN_ERR_TABLE;
    }
    if (run->proc->procfs) {
        int fd =
            (run->opts->flags & LSN_OPT_NETLINK_FD) ? run->opts->netlink_fd : lsn_netlink_open();
        snprintf(path, sizeof path, "netlink sock_diag dump of %s", kind->name);
        if (fd < 0) {
            *why = LSN_REASON_NETLINK;
            *err = errno;
            return LSN_ERR_TABLE;
        }
        st = live_pass(&d, fd, why, err);
        ts->passes = 1;
        if (st == LSN_OK)
            st = redump(&d, fd);
        if (!(run->opts->flags & LSN_OPT_NETLINK_FD))
            close(fd);
    } else {
        char name[64];
        snprintf(name, sizeof name, "netlink/%s", kind->name + 4);
        lsn_proc_path(path, sizeof path, run->root, 0, name);
        if (run->opts->flags & LSN_OPT_NO_STORED_DUMPS) { /* another byte order: unread */
            *why = LSN_REASON_NETLINK;
            *err = ENOENT;
            return LSN_ERR_TABLE;
        }
        int fd = lsn_proc_open_table(run->proc, run->proc->fd, name, why, err);
        if (fd < 0) {
            if (*why == LSN_REASON_OPEN && *err == ENOENT)
                *why = LSN_REASON_NETLINK; /* no stored dump: the caller falls back */
            return LSN_ERR_TABLE;
        }
        st = read_stored(&d, fd, why, err);
        close(fd);
        if (st == LSN_OK && d.done && d.error) {
            *why = LSN_REASON_NETLINK;
            *err = d.error;
            st = LSN_ERR_TABLE;
        }
    }
    if (st == LSN_OK) {
        ts->read = 1;
        if (ts->passes == 0)
            ts->passes = 1;
        ts->netlink = run->proc->procfs ? 1 : 2;
    }
    ts->nanoseconds = lsn_now_ns() - t0;
    if (st == LSN_OK && ts->truncated)
        lsn_emit(run, LSN_DIAG_TABLE, path, 0, EFBIG, origin->member, origin->netns,
                 "dump is larger than the size cap: the records past it are missing");
    return st;
}
