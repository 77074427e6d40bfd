/* packet_line_fuzzer.c - one line of /proc/net/packet.
 *
 * Input: the line, its '\n' included (no selector byte: the format has no
 * family or byte order).
 *
 * Properties (abort() when one breaks):
 *  - the status is one of the enum's values and has a text;
 *  - on any status but LSN_PACKET_OK the struct is all zeros (pointer NULL);
 *  - an OK line ends with its only '\n', is at most LSN_PACKET_LINE_MAX, has
 *    9 space-separated tokens, and agrees with a reference decoding of
 *    Proto (strtoul base 16) and Inode (strtoull);
 *  - round trip: an OK line written back with packet_seq_show's format
 *    "%pK %-6d %-4d %04x   %-5d %1d %-6u %-6u %-6lu\n" (the pointer span
 *    copied) parses back to an equal struct;
 *  - every strict prefix of an OK line is LSN_PACKET_TRUNCATED.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "packet_line.h"

static int zeroed(const struct lsn_packet_line *l)
{
    return l->pointer == NULL && l->pointer_len == 0 && l->refcnt == 0 && l->type == 0 &&
           l->protocol == 0 && l->ifindex == 0 && l->running == 0 && l->rmem == 0 && l->uid == 0 &&
           l->inode == 0;
}

static int equal(const struct lsn_packet_line *a, const struct lsn_packet_line *b)
{
    return a->pointer_len == b->pointer_len && a->pointer && b->pointer &&
           memcmp(a->pointer, b->pointer, a->pointer_len) == 0 && a->refcnt == b->refcnt &&
           a->type == b->type && a->protocol == b->protocol && a->ifindex == b->ifindex &&
           a->running == b->running && a->rmem == b->rmem && a->uid == b->uid &&
           a->inode == b->inode;
}

/* The reference: the tokens of buf[0..len) before the '\n'; token 3
 * (Proto) and token 8 (Inode) decoded with strtoul/strtoull. */
static size_t reference(const char *buf, size_t len, unsigned long *proto,
                        unsigned long long *inode)
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
        n++;
        if (n == 4 || n == 9) {
            while (n == 9 && i - s > 1 && buf[s] == '0') /* leading zeros are accepted */
                s++;
            if (i - s >= sizeof tok)
                abort(); /* OK: 4 hex digits, at most 20 significant decimal ones */
            memcpy(tok, buf + s, i - s);
            tok[i - s] = '\0';
            if (n == 4)
                *proto = strtoul(tok, NULL, 16);
            else
                *inode = strtoull(tok, NULL, 10);
        }
    }
    return n;
}

static enum lsn_packet_status parse_copy(const char *s, size_t n, struct lsn_packet_line *l)
{
    char *copy = malloc(n ? n : 1); /* exact size: an over-read is visible to ASan */
    if (!copy)
        abort();
    if (n)
        memcpy(copy, s, n);
    enum lsn_packet_status st = lsn_parse_packet_line(copy, n, l);
    free(copy);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    size_t len = size;

    struct lsn_packet_line line;
    memset(&line, 0x5A, sizeof line);
    enum lsn_packet_status st = lsn_parse_packet_line(buf, len, &line);
    if ((unsigned)st >= (unsigned)LSN_PACKET_STATUS_COUNT)
        abort();
    const char *text = lsn_packet_status_text(st);
    if (!text || strcmp(text, "unknown status") == 0)
        abort();
    text = lsn_packet_status_text(LSN_PACKET_STATUS_COUNT);
    if (!text || strcmp(text, "unknown status") != 0)
        abort();

    if (st == LSN_PACKET_HEADER &&
        (len == 0 || buf[len - 1] != '\n' || memchr(buf, '\n', len) != buf + len - 1))
        abort();
    if (st != LSN_PACKET_OK) {
        if (!zeroed(&line))
            abort();
        return 0;
    }

    if (len == 0 || len > LSN_PACKET_LINE_MAX || buf[len - 1] != '\n' ||
        memchr(buf, '\n', len) != buf + len - 1)
        abort();
    if (line.pointer < buf || line.pointer + line.pointer_len > buf + len)
        abort();
    if (line.running > 1 || line.type > 65535)
        abort();
    unsigned long proto = 0;
    unsigned long long inode = 0;
    if (reference(buf, len, &proto, &inode) != 9 || proto != line.protocol || inode != line.inode)
        abort();

    char again[256];
    int n = snprintf(again, sizeof again,
                     "%.*s %-6" PRId32 " %-4" PRIu32 " %04" PRIx16 "   %-5" PRId32 " %1u %-6" PRIu32
                     " %-6" PRIu32 " %-6" PRIu64 "\n",
                     (int)line.pointer_len, line.pointer, line.refcnt, line.type, line.protocol,
                     line.ifindex, (unsigned)line.running, line.rmem, line.uid, line.inode);
    if (n < 0 || (size_t)n >= sizeof again)
        abort();
    struct lsn_packet_line back;
    if (lsn_parse_packet_line(again, (size_t)n, &back) != LSN_PACKET_OK || !equal(&line, &back))
        abort();

    size_t step = len <= 256 ? 1 : len / 64;
    for (size_t cut = 0; cut < len; cut += step) {
        struct lsn_packet_line part;
        if (parse_copy(buf, cut, &part) != LSN_PACKET_TRUNCATED || !zeroed(&part))
            abort();
    }
    return 0;
}
