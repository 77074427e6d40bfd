/* sock_diag_fuzzer.c - a NETLINK_SOCK_DIAG receive buffer (one or several
 * datagrams concatenated), as tests/tools/sock_diag_dump writes it.
 *
 * Input: the buffer itself (no selector byte). Every record's payload is
 * given to both lsn_parse_inet_diag and lsn_parse_packet_diag.
 *
 * Properties (abort() when one breaks):
 *  - every status is one of its enum's values and has a distinct text;
 *  - the record walker: an OK/DONE/ERROR record lies inside the buffer, its
 *    payload span is the record after the 16-byte header, *off moves forward
 *    to a 4-aligned offset <= len; any other status leaves *off unchanged
 *    and the record zeroed; the walk takes at most len/16 + 1 steps;
 *  - the attribute walker over each payload: spans inside the payload, the
 *    offset moves forward, failures leave it unchanged;
 *  - a parsed inet_diag_msg written back (72 bytes, ports/addresses in
 *    network order, the rest host order) equals the input's first 72 bytes
 *    (AF_INET: address words 1-3 compared as zero); a parsed
 *    packet_diag_msg written back equals the first 16 bytes; on failure the
 *    result struct is all zeros;
 *  - chunk invariance: cutting the buffer at a record boundary and walking
 *    both parts (each copied to its own exact-size heap block) gives the
 *    same records and the same final status as the whole walk.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sock_diag.h"

#define MAX_RECORDS 512

struct rec {
    size_t start;
    uint32_t len;
    uint16_t type;
    int status;
};

static int all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return 0;
    return 1;
}

static void check_texts(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    for (int s = 0; s < LSN_NL_STATUS_COUNT; s++)
        if (strcmp(lsn_nl_status_text((enum lsn_nl_status)s), "unknown status") == 0)
            abort();
    for (int s = 0; s < LSN_NLA_STATUS_COUNT; s++)
        if (strcmp(lsn_nla_status_text((enum lsn_nla_status)s), "unknown status") == 0)
            abort();
    for (int s = 0; s < LSN_INET_DIAG_STATUS_COUNT; s++)
        if (strcmp(lsn_inet_diag_status_text((enum lsn_inet_diag_status)s), "unknown status") == 0)
            abort();
    for (int s = 0; s < LSN_PACKET_DIAG_STATUS_COUNT; s++)
        if (strcmp(lsn_packet_diag_status_text((enum lsn_packet_diag_status)s), "unknown status") ==
            0)
            abort();
}

/* Walks buf; fills recs (up to MAX_RECORDS) and returns the count; *final
 * gets the status that stopped the walk. */
static size_t walk(const unsigned char *buf, size_t len, struct rec *recs, int *final)
{
    size_t off = 0, n = 0, steps = 0;
    for (;;) {
        struct lsn_nlmsg m;
        size_t before = off;
        memset(&m, 0x5A, sizeof m);
        enum lsn_nl_status st = lsn_nlmsg_next(buf, len, &off, &m);
        if ((unsigned)st >= (unsigned)LSN_NL_STATUS_COUNT)
            abort();
        if (++steps > len / 16 + 1)
            abort();
        if (st != LSN_NL_OK && st != LSN_NL_DONE && st != LSN_NL_ERROR) {
            if (off != before || !all_zero(&m, sizeof m) || m.payload != NULL)
                abort();
            if (st == LSN_NL_END && before != len)
                abort();
            *final = (int)st;
            return n;
        }
        if (off <= before || off > len || off % 4 != 0 || m.len < 16 || before + m.len > len ||
            m.payload != buf + before + 16 || m.payload_len != m.len - 16u ||
            off - before != ((m.len + 3u) & ~3u))
            abort();
        uint32_t hl;
        uint16_t ht;
        memcpy(&hl, buf + before, 4);
        memcpy(&ht, buf + before + 4, 2);
        if (hl != m.len || ht != m.type)
            abort();
        if ((st == LSN_NL_DONE) != (m.type == LSN_NLMSG_DONE) ||
            (st == LSN_NL_ERROR) != (m.type == LSN_NLMSG_ERROR))
            abort();
        if (st == LSN_NL_OK && m.error != 0)
            abort();
        if (n < MAX_RECORDS) {
            recs[n].start = before;
            recs[n].len = m.len;
            recs[n].type = m.type;
            recs[n].status = (int)st;
        }
        n++;
    }
}

static void check_attrs(const unsigned char *p, size_t len)
{
    size_t off = 0;
    for (;;) {
        struct lsn_nlattr a;
        size_t before = off;
        enum lsn_nla_status st = lsn_nlattr_next(p, len, &off, &a);
        if ((unsigned)st >= (unsigned)LSN_NLA_STATUS_COUNT)
            abort();
        if (st != LSN_NLA_OK) {
            if (off != before || a.payload != NULL || a.payload_len != 0)
                abort();
            return;
        }
        if (off <= before || off > len || a.payload != p + before + 4 ||
            before + 4 + a.payload_len > len || (a.flags & ~0xC000u) != 0 || (a.type & 0xC000u))
            abort();
    }
}

static void put32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void check_inet(const unsigned char *p, size_t len)
{
    struct lsn_inet_diag d;
    memset(&d, 0x5A, sizeof d);
    enum lsn_inet_diag_status st = lsn_parse_inet_diag(p, len, &d);
    if ((unsigned)st >= (unsigned)LSN_INET_DIAG_STATUS_COUNT)
        abort();
    if (st != LSN_INET_DIAG_OK) {
        if (!all_zero(&d, sizeof d))
            abort();
        return;
    }
    if (len < 72 || (d.family != 2 && d.family != 10) || d.state == 0 || d.state > 13 ||
        d.timer > 4)
        abort();
    unsigned char w[72], want[72];
    memset(w, 0, sizeof w);
    w[0] = d.family;
    w[1] = d.state;
    w[2] = d.timer;
    w[3] = d.retrans;
    w[4] = (unsigned char)(d.sport >> 8);
    w[5] = (unsigned char)d.sport;
    w[6] = (unsigned char)(d.dport >> 8);
    w[7] = (unsigned char)d.dport;
    memcpy(w + 8, d.src, 16);
    memcpy(w + 24, d.dst, 16);
    put32(w + 40, d.ifindex);
    put32(w + 44, (uint32_t)d.cookie);
    put32(w + 48, (uint32_t)(d.cookie >> 32));
    put32(w + 52, d.expires);
    put32(w + 56, d.rqueue);
    put32(w + 60, d.wqueue);
    put32(w + 64, d.uid);
    put32(w + 68, d.inode);
    memcpy(want, p, 72);
    if (d.family == 2) {
        memset(want + 12, 0, 12);
        memset(want + 28, 0, 12);
    }
    if (memcmp(w, want, 72) != 0)
        abort();
    if (d.has_protocol > 1 || d.has_shutdown > 1 || d.has_v6only > 1)
        abort();
}

static void check_packet(const unsigned char *p, size_t len)
{
    struct lsn_packet_diag d;
    memset(&d, 0x5A, sizeof d);
    enum lsn_packet_diag_status st = lsn_parse_packet_diag(p, len, &d);
    if ((unsigned)st >= (unsigned)LSN_PACKET_DIAG_STATUS_COUNT)
        abort();
    if (st != LSN_PACKET_DIAG_OK) {
        if (!all_zero(&d, sizeof d))
            abort();
        return;
    }
    unsigned char w[16];
    w[0] = d.family;
    w[1] = d.type;
    memcpy(w + 2, &d.num, 2);
    put32(w + 4, d.inode);
    put32(w + 8, (uint32_t)d.cookie);
    put32(w + 12, (uint32_t)(d.cookie >> 32));
    if (len < 16 || d.family != 17 || memcmp(w, p, 16) != 0)
        abort();
    if (d.filter_insns > LSN_BPF_MAXINSNS || (!d.has_filter && d.filter_insns) ||
        (!d.has_info && (d.ifindex || d.info_flags)) || (!d.has_uid && d.uid))
        abort();
}

static unsigned char *copy(const unsigned char *p, size_t n)
{
    unsigned char *c = malloc(n ? n : 1); /* exact size: an over-read is visible to ASan */
    if (!c)
        abort();
    if (n)
        memcpy(c, p, n);
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct rec whole[MAX_RECORDS], part[MAX_RECORDS];
    check_texts();
    int final = -1;
    size_t n = walk(data, size, whole, &final);
    size_t kept = n < MAX_RECORDS ? n : MAX_RECORDS;

    for (size_t i = 0; i < kept; i++) {
        const unsigned char *p = data + whole[i].start + 16;
        size_t pl = whole[i].len - 16u;
        unsigned char *c = copy(p, pl);
        check_attrs(c, pl);
        if (pl >= 72)
            check_attrs(c + 72, pl - 72);
        if (pl >= 16)
            check_attrs(c + 16, pl - 16);
        check_inet(c, pl);
        check_packet(c, pl);
        free(c);
    }

    /* chunk invariance at up to 8 record boundaries */
    if (n > MAX_RECORDS)
        return 0;
    size_t step = kept / 8 + 1;
    for (size_t k = 0; k <= kept; k += step) {
        size_t cut = k < kept
                         ? whole[k].start
                         : (kept ? whole[kept - 1].start + ((whole[kept - 1].len + 3u) & ~3u) : 0);
        unsigned char *a = copy(data, cut);
        int fa = -1;
        if (walk(a, cut, part, &fa) != k || fa != LSN_NL_END)
            abort();
        for (size_t i = 0; i < k; i++)
            if (part[i].start != whole[i].start || part[i].len != whole[i].len ||
                part[i].type != whole[i].type || part[i].status != whole[i].status)
                abort();
        free(a);
        unsigned char *b = copy(data + cut, size - cut);
        int fb = -1;
        if (walk(b, size - cut, part, &fb) != n - k || fb != final)
            abort();
        for (size_t i = 0; i < n - k; i++)
            if (part[i].start + cut != whole[k + i].start || part[i].len != whole[k + i].len ||
                part[i].type != whole[k + i].type || part[i].status != whole[k + i].status)
                abort();
        free(b);
    }
    return 0;
}
