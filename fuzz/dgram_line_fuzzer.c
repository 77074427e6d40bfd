/* dgram_line_fuzzer.c - one line of /proc/net/udp, udp6, raw or raw6.
 *
 * Input: byte 0 picks the family (bit 0: 0 udp/raw, 1 udp6/raw6) and the
 * byte order (bits 1-2, modulo 3: host, little, big); the rest is the line,
 * its '\n' included (the tcp_line_fuzzer layout).
 *
 * Properties (abort() when one breaks):
 *  - the status is one of the enum's values and has a text;
 *  - on any status but LSN_DGRAM_OK the struct is all zeros (pointer NULL);
 *  - an OK line ends with its only '\n', is at most LSN_TCP_LINE_MAX, has
 *    12 + has_tail space-separated tokens, and its inode agrees with a
 *    reference decoding of token 10 (strtoull);
 *  - round trip: an OK line, written back in the kernel's format
 *    (udp4_format_sock / __ip6_dgram_sock_seq_show: "%5d: %08X:%04X ...
 *    %5u %8d %lu %d %pK %u", without " %u" when has_tail is 0), parses back
 *    to an equal struct;
 *  - the other byte order gives the same status and word-swapped addresses;
 *  - every strict prefix of an OK line is LSN_DGRAM_TRUNCATED.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dgram_line.h"

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

static int zeroed(const struct lsn_dgram_line *l)
{
    return l->sl == 0 && all_zero(l->local_address, 16) && l->local_port == 0 &&
           all_zero(l->remote_address, 16) && l->remote_port == 0 && l->state == 0 &&
           l->tx_queue == 0 && l->rx_queue == 0 && l->timer == 0 && l->when == 0 &&
           l->retransmits == 0 && l->uid == 0 && l->timeout == 0 && l->inode == 0 &&
           l->has_tail == 0 && l->ref == 0 && l->pointer == NULL && l->pointer_len == 0 &&
           l->drops == 0;
}

static int equal(const struct lsn_dgram_line *a, const struct lsn_dgram_line *b)
{
    return a->sl == b->sl && memcmp(a->local_address, b->local_address, 16) == 0 &&
           a->local_port == b->local_port &&
           memcmp(a->remote_address, b->remote_address, 16) == 0 &&
           a->remote_port == b->remote_port && a->state == b->state && a->tx_queue == b->tx_queue &&
           a->rx_queue == b->rx_queue && a->timer == b->timer && a->when == b->when &&
           a->retransmits == b->retransmits && a->uid == b->uid && a->timeout == b->timeout &&
           a->inode == b->inode && a->has_tail == b->has_tail && a->ref == b->ref &&
           a->pointer_len == b->pointer_len && a->pointer && b->pointer &&
           memcmp(a->pointer, b->pointer, a->pointer_len) == 0 && a->drops == b->drops;
}

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

static size_t serialise(const struct lsn_dgram_line *l, int v6, int little, char *out, size_t cap)
{
    char local[33], remote[33];
    size_t words = v6 ? 4 : 1;
    put_address(local, l->local_address, words, little);
    put_address(remote, l->remote_address, words, little);
    int n = snprintf(out, cap,
                     "%5" PRIu32 ": %s:%04" PRIX16 " %s:%04" PRIX16 " %02" PRIX8 " %08" PRIX32
                     ":%08" PRIX32 " %02" PRIX8 ":%08" PRIX64 " %08" PRIX32 " %5" PRIu32
                     " %8" PRId32 " %" PRIu64 " %" PRId32 " %.*s",
                     l->sl, local, l->local_port, remote, l->remote_port, l->state, l->tx_queue,
                     l->rx_queue, l->timer, l->when, l->retransmits, l->uid, l->timeout, l->inode,
                     l->ref, (int)l->pointer_len, l->pointer);
    if (n < 0 || (size_t)n >= cap)
        abort();
    size_t len = (size_t)n;
    if (l->has_tail) {
        n = snprintf(out + len, cap - len, " %" PRIu32, l->drops);
        if (n < 0 || (size_t)n >= cap - len)
            abort();
        len += (size_t)n;
    }
    if (len + 1 >= cap)
        abort();
    out[len++] = '\n';
    return len;
}

/* The reference: space-separated tokens of buf[0..len) (the '\n' excluded);
 * *inode from token 10, decoded with strtoull. */
static size_t count_tokens(const char *buf, size_t len, unsigned long long *inode)
{
    size_t n = 0;
    char tok[64];
    for (size_t i = 0; i < len && buf[i] != '\n';) {
        if (buf[i] == ' ') {
            i++;
            continue;
        }
        size_t s = i;
        while (i < len && buf[i] != ' ' && buf[i] != '\n')
            i++;
        if (++n == 10) {
            while (i - s > 1 && buf[s] == '0') /* leading zeros are accepted */
                s++;
            if (i - s >= sizeof tok)
                abort(); /* an OK inode has at most 20 significant digits */
            memcpy(tok, buf + s, i - s);
            tok[i - s] = '\0';
            *inode = strtoull(tok, NULL, 10);
        }
    }
    return n;
}

static enum lsn_dgram_status parse_copy(const char *s, size_t n, enum lsn_family family,
                                        enum lsn_byte_order order, struct lsn_dgram_line *l)
{
    char *copy = malloc(n ? n : 1); /* exact size: an over-read is visible to ASan */
    if (!copy)
        abort();
    if (n)
        memcpy(copy, s, n);
    enum lsn_dgram_status st = lsn_parse_dgram_line(copy, n, family, order, l);
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

    struct lsn_dgram_line line;
    memset(&line, 0x5A, sizeof line);
    enum lsn_dgram_status st = lsn_parse_dgram_line(buf, len, family, order, &line);
    if ((unsigned)st >= (unsigned)LSN_DGRAM_STATUS_COUNT)
        abort();
    const char *text = lsn_dgram_status_text(st, family);
    if (!text || strcmp(text, "unknown status") == 0)
        abort();
    text = lsn_dgram_status_text(LSN_DGRAM_STATUS_COUNT, family);
    if (!text || strcmp(text, "unknown status") != 0)
        abort();

    struct lsn_dgram_line other;
    enum lsn_byte_order flipped = little ? LSN_ORDER_BIG : LSN_ORDER_LITTLE;
    if (lsn_parse_dgram_line(buf, len, family, flipped, &other) != st)
        abort();

    if (st == LSN_DGRAM_HEADER &&
        (len == 0 || buf[len - 1] != '\n' || memchr(buf, '\n', len) != buf + len - 1))
        abort();
    if (st != LSN_DGRAM_OK) {
        if (!zeroed(&line) || !zeroed(&other))
            abort();
        return 0;
    }

    if (len == 0 || len > LSN_TCP_LINE_MAX || buf[len - 1] != '\n' ||
        memchr(buf, '\n', len) != buf + len - 1)
        abort();
    if (!v6 && (!all_zero(line.local_address + 4, 12) || !all_zero(line.remote_address + 4, 12)))
        abort();
    if (line.pointer < buf || line.pointer + line.pointer_len > buf + len)
        abort();
    unsigned long long inode = 0;
    if (count_tokens(buf, len, &inode) != 12u + (size_t)line.has_tail || inode != line.inode)
        abort();
    for (size_t i = 0; i < (v6 ? 16u : 4u); i++) {
        size_t j = (i & ~(size_t)3) | (3 - (i & 3));
        if (line.local_address[i] != other.local_address[j] ||
            line.remote_address[i] != other.remote_address[j])
            abort();
    }
    if (other.local_port != line.local_port || other.inode != line.inode ||
        other.drops != line.drops)
        abort();

    char again[512];
    size_t again_len = serialise(&line, v6, little, again, sizeof again);
    struct lsn_dgram_line back;
    if (lsn_parse_dgram_line(again, again_len, family, order, &back) != LSN_DGRAM_OK ||
        !equal(&line, &back))
        abort();

    size_t step = len <= 256 ? 1 : len / 64;
    for (size_t cut = 0; cut < len; cut += step) {
        struct lsn_dgram_line part;
        if (parse_copy(buf, cut, family, order, &part) != LSN_DGRAM_TRUNCATED || !zeroed(&part))
            abort();
    }
    return 0;
}
