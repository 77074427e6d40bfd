/* tcp_line_fuzzer.c - one line of /proc/net/tcp or /proc/net/tcp6.
 *
 * Input: byte 0 picks the family (bit 0: 0 tcp, 1 tcp6) and the byte order
 * (bits 1-2, modulo 3: host, little, big); the rest is the line, its '\n'
 * included.
 *
 * Properties (abort() when one breaks):
 *  - the status is one of the enum's values and has a text;
 *  - on any status but LSN_TCP_OK the struct is all zeros (pointer NULL);
 *  - an OK line ends with its only '\n' and is at most LSN_TCP_LINE_MAX;
 *  - round trip: an OK line, written back in the kernel's format (addresses
 *    re-encoded in the chosen byte order, upper-case hex, the pointer span
 *    copied, the 12- or 17-token form by has_tail), parses back to an equal
 *    struct (field by field; the pointer by content);
 *  - the same line read in the other byte order gives the same status and
 *    addresses whose 32-bit words are byte-swapped;
 *  - every strict prefix of an OK line is LSN_TCP_TRUNCATED.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_line.h"

static int host_is_little(void)
{
    const uint16_t one = 1;
    uint8_t b;
    memcpy(&b, &one, 1);
    return b == 1;
}

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

static int zeroed(const struct lsn_tcp_line *l)
{
    /* Field by field: padding bytes are not part of the contract. */
    return l->sl == 0 && all_zero(l->local_address, 16) && l->local_port == 0 &&
           all_zero(l->remote_address, 16) && l->remote_port == 0 && l->state == 0 &&
           l->tx_queue == 0 && l->rx_queue == 0 && l->timer == 0 && l->when == 0 &&
           l->retransmits == 0 && l->uid == 0 && l->timeout == 0 && l->inode == 0 && l->ref == 0 &&
           l->pointer == NULL && l->pointer_len == 0 && l->has_tail == 0 && l->rto == 0 &&
           l->ato == 0 && l->quick == 0 && l->cwnd == 0 && l->ssthresh == 0;
}

static int equal(const struct lsn_tcp_line *a, const struct lsn_tcp_line *b)
{
    return a->sl == b->sl && memcmp(a->local_address, b->local_address, 16) == 0 &&
           a->local_port == b->local_port &&
           memcmp(a->remote_address, b->remote_address, 16) == 0 &&
           a->remote_port == b->remote_port && a->state == b->state && a->tx_queue == b->tx_queue &&
           a->rx_queue == b->rx_queue && a->timer == b->timer && a->when == b->when &&
           a->retransmits == b->retransmits && a->uid == b->uid && a->timeout == b->timeout &&
           a->inode == b->inode && a->ref == b->ref && a->pointer_len == b->pointer_len &&
           a->pointer && b->pointer && memcmp(a->pointer, b->pointer, a->pointer_len) == 0 &&
           a->has_tail == b->has_tail && a->rto == b->rto && a->ato == b->ato &&
           a->quick == b->quick && a->cwnd == b->cwnd && a->ssthresh == b->ssthresh;
}

/* "%08X" of each 32-bit word as the printing machine would hold it. */
static size_t put_address(char *p, const uint8_t *a, size_t words, int little)
{
    size_t n = 0;
    for (size_t w = 0; w < words; w++) {
        const uint8_t *b = a + 4 * w;
        uint32_t v = little ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
                                  (uint32_t)b[3] << 24
                            : (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
                                  (uint32_t)b[3];
        n += (size_t)snprintf(p + n, 9, "%08" PRIX32, v);
    }
    return n;
}

/* Writes l back as the kernel prints it (get_tcp4_sock / get_tcp6_sock,
 * get_openreq, get_timewait). Returns the length. */
static size_t serialise(const struct lsn_tcp_line *l, int v6, int little, char *out, size_t cap)
{
    char local[33], remote[33];
    size_t words = v6 ? 4 : 1;
    put_address(local, l->local_address, words, little);
    put_address(remote, l->remote_address, words, little);
    int n = snprintf(out, cap,
                     "%4" PRIu32 ": %s:%04" PRIX16 " %s:%04" PRIX16 " %02" PRIX8 " %08" PRIX32
                     ":%08" PRIX32 " %02" PRIX8 ":%08" PRIX64 " %08" PRIX32 " %5" PRIu32
                     " %8" PRId32 " %" PRIu64 " %" PRId32 " %.*s",
                     l->sl, local, l->local_port, remote, l->remote_port, l->state, l->tx_queue,
                     l->rx_queue, l->timer, l->when, l->retransmits, l->uid, l->timeout, l->inode,
                     l->ref, (int)l->pointer_len, l->pointer);
    if (n < 0 || (size_t)n >= cap)
        abort();
    size_t len = (size_t)n;
    if (l->has_tail) {
        n = snprintf(out + len, cap - len,
                     " %" PRIu64 " %" PRIu64 " %" PRIu32 " %" PRIu32 " %" PRId32, l->rto, l->ato,
                     l->quick, l->cwnd, l->ssthresh);
        if (n < 0 || (size_t)n >= cap - len)
            abort();
        len += (size_t)n;
    }
    if (len + 1 >= cap)
        abort();
    out[len++] = '\n';
    return len;
}

static enum lsn_tcp_status parse_copy(const char *s, size_t n, enum lsn_family family,
                                      enum lsn_byte_order order, struct lsn_tcp_line *l)
{
    /* Exact-size copy, so an over-read of a prefix is visible to ASan. */
    char *copy = malloc(n ? n : 1);
    if (!copy)
        abort();
    if (n)
        memcpy(copy, s, n);
    enum lsn_tcp_status st = lsn_parse_tcp_line(copy, n, family, order, l);
    free(copy);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    enum lsn_family family = (data[0] & 1u) ? LSN_FAMILY_IPV6 : LSN_FAMILY_IPV4;
    enum lsn_byte_order order = (enum lsn_byte_order)((data[0] >> 1 & 3u) % 3u);
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;
    int v6 = family == LSN_FAMILY_IPV6;
    int little = order == LSN_ORDER_LITTLE || (order == LSN_ORDER_HOST && host_is_little());

    struct lsn_tcp_line line;
    memset(&line, 0x5A, sizeof line);
    enum lsn_tcp_status st = lsn_parse_tcp_line(buf, len, family, order, &line);
    if ((unsigned)st >= (unsigned)LSN_TCP_STATUS_COUNT)
        abort();
    const char *text = lsn_tcp_status_text(st, family);
    if (!text || strcmp(text, "unknown status") == 0)
        abort();
    /* Never NULL, even for the count (not a status). */
    text = lsn_tcp_status_text(LSN_TCP_STATUS_COUNT, family);
    if (!text || strcmp(text, "unknown status") != 0)
        abort();

    /* The other byte order: same status, word-swapped addresses. */
    struct lsn_tcp_line other;
    enum lsn_byte_order flipped = little ? LSN_ORDER_BIG : LSN_ORDER_LITTLE;
    if (lsn_parse_tcp_line(buf, len, family, flipped, &other) != st)
        abort();

    /* A header is a whole line too: it ends at its '\n', with nothing before
     * the end missing and nothing after it. */
    if (st == LSN_TCP_HEADER &&
        (len == 0 || buf[len - 1] != '\n' || memchr(buf, '\n', len) != buf + len - 1))
        abort();
    if (st != LSN_TCP_OK) {
        if (!zeroed(&line) || !zeroed(&other))
            abort();
        return 0;
    }

    /* An OK line: exactly one '\n', at the end; at most the maximum. */
    if (len == 0 || len > LSN_TCP_LINE_MAX || buf[len - 1] != '\n' ||
        memchr(buf, '\n', len) != buf + len - 1)
        abort();
    if (!v6 && (!all_zero(line.local_address + 4, 12) || !all_zero(line.remote_address + 4, 12)))
        abort();
    if (line.pointer < buf || line.pointer + line.pointer_len > buf + len)
        abort();
    for (size_t i = 0; i < 16; i++) {
        size_t j = (i & ~(size_t)3) | (3 - (i & 3));
        if (!v6 && i >= 4)
            break;
        if (line.local_address[i] != other.local_address[j] ||
            line.remote_address[i] != other.remote_address[j])
            abort();
    }
    if (other.local_port != line.local_port || other.inode != line.inode)
        abort();

    /* Round trip. */
    char again[512];
    size_t again_len = serialise(&line, v6, little, again, sizeof again);
    struct lsn_tcp_line back;
    enum lsn_tcp_status st2 = lsn_parse_tcp_line(again, again_len, family, order, &back);
    if (st2 != LSN_TCP_OK || !equal(&line, &back))
        abort();

    /* Every strict prefix is truncated (all of them for a kernel-sized line,
     * 64 spread over a long one). */
    size_t step = len <= 256 ? 1 : len / 64;
    for (size_t cut = 0; cut < len; cut += step) {
        struct lsn_tcp_line part;
        if (parse_copy(buf, cut, family, order, &part) != LSN_TCP_TRUNCATED || !zeroed(&part))
            abort();
    }
    return 0;
}
