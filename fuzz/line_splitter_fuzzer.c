/* line_splitter_fuzzer.c - lsn_splitter_* give the same lines whatever the
 * chunk sizes.
 *
 * Input: byte 0 picks the line buffer size (1 + byte % 128, or
 * LSN_TCP_LINE_MAX for 0xFF); the low 4 bits of byte 1 say how many of the
 * next bytes are a chunk-size schedule (sizes 0..255, used cyclically); the
 * rest is the text.
 *
 * The text is split three times: as one chunk, in tiny chunks (one byte at
 * a time for the first 512 bytes, then 1 to 7), and by the fuzzer's schedule (zero-length chunks
 * included). Each chunk is copied into a block of exactly its size and freed once the splitter asks
 * for more, and the line buffer is a block of exactly cap bytes, so ASan sees any read or write
 * outside them. Every run must produce exactly the sequence of a reference model written from
 * line_splitter.h: each '\n'-terminated line of at most cap bytes as LSN_SPLIT_LINE, a longer one
 * as LSN_SPLIT_TOO_LONG, unterminated final bytes as LSN_SPLIT_LAST_LINE (or TOO_LONG beyond cap),
 * then LSN_SPLIT_END, with line numbers 1, 2, ... A line wholly inside one
 * chunk must come back as a span of that chunk (no copy).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "line_splitter.h"
#include "tcp_line.h"

struct expected {
    enum lsn_split_status status;
    size_t start, len; /* in the text; the bytes for LINE and LAST_LINE */
};

struct model {
    struct expected *items;
    size_t count;
};

static struct model reference(const uint8_t *text, size_t n, size_t cap)
{
    struct model m = {malloc((n + 1) * sizeof *m.items), 0};
    if (!m.items)
        abort();
    size_t start = 0;
    while (start < n) {
        const uint8_t *nl = memchr(text + start, '\n', n - start);
        size_t end = nl ? (size_t)(nl - text) + 1 : n;
        size_t len = end - start;
        enum lsn_split_status st = len > cap ? LSN_SPLIT_TOO_LONG
                                   : nl      ? LSN_SPLIT_LINE
                                             : LSN_SPLIT_LAST_LINE;
        m.items[m.count++] = (struct expected){st, start, len};
        start = end;
    }
    return m;
}

struct run {
    const struct model *m;
    const uint8_t *text;
    size_t next; /* index of the next expected item */
};

static void check(struct run *r, struct lsn_splitter *s, enum lsn_split_status st, const char *line,
                  size_t len, const char *chunk, size_t chunk_start, size_t chunk_len)
{
    if (r->next >= r->m->count)
        abort();
    const struct expected *e = &r->m->items[r->next++];
    if (st != e->status || lsn_splitter_line_number(s) != r->next)
        abort();
    if (st == LSN_SPLIT_TOO_LONG) {
        if (line != NULL || len != 0)
            abort();
        return;
    }
    if (!line || len != e->len || memcmp(line, r->text + e->start, len) != 0)
        abort();
    if (st == LSN_SPLIT_LINE && chunk && e->start >= chunk_start &&
        e->start + e->len <= chunk_start + chunk_len && line != chunk + (e->start - chunk_start))
        abort(); /* wholly inside the chunk, but copied */
}

static void split(const struct model *m, const uint8_t *text, size_t n, size_t cap,
                  const uint8_t *sched, size_t sched_len, int mode)
{
    char *buf = malloc(cap);
    if (!buf)
        abort();
    struct lsn_splitter s;
    lsn_splitter_init(&s, buf, cap);
    if (lsn_splitter_line_number(&s) != 0)
        abort();
    struct run r = {m, text, 0};
    const char *line = NULL;
    size_t len = 0, pos = 0, k = 0;
    enum lsn_split_status st;
    int fed_empty = 0;

    while (pos < n || (mode == 2 && sched_len && !fed_empty)) {
        /* mode 1: byte by byte for the first 512 bytes, then 1..7 bytes
         * (keeps long inputs fast); mode 2: the fuzzer's schedule. */
        size_t want = mode == 0   ? n
                      : mode == 1 ? (pos < 512 ? 1 : 1 + pos % 7)
                                  : sched[k++ % sched_len];
        if (want > n - pos)
            want = n - pos;
        if (want == 0)
            fed_empty = 1;
        char *chunk = malloc(want ? want : 1);
        if (!chunk)
            abort();
        memcpy(chunk, text + pos, want);
        lsn_splitter_feed(&s, chunk, want);
        while ((st = lsn_splitter_next(&s, &line, &len)) != LSN_SPLIT_NEED_MORE) {
            if (st != LSN_SPLIT_LINE && st != LSN_SPLIT_TOO_LONG)
                abort();
            check(&r, &s, st, line, len, chunk, pos, want);
        }
        if (line != NULL || len != 0)
            abort();
        free(chunk);
        pos += want;
        if (mode == 2 && k > n + 2 * sched_len + 2) /* an all-zero schedule */
            mode = 1;
    }
    lsn_splitter_finish(&s);
    while ((st = lsn_splitter_next(&s, &line, &len)) != LSN_SPLIT_END) {
        if (st != LSN_SPLIT_LAST_LINE && st != LSN_SPLIT_TOO_LONG && st != LSN_SPLIT_LINE)
            abort();
        check(&r, &s, st, line, len, NULL, 0, 0);
    }
    if (line != NULL || len != 0 || r.next != m->count || lsn_splitter_line_number(&s) != m->count)
        abort();
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t cap = data[0] == 0xFF ? LSN_TCP_LINE_MAX : 1 + (size_t)(data[0] % 128u);
    size_t sched_len = data[1] & 15u;
    if (sched_len > size - 2)
        sched_len = size - 2;
    const uint8_t *sched = data + 2;
    const uint8_t *text = sched + sched_len;
    size_t n = size - 2 - sched_len;

    struct model m = reference(text, n, cap);
    split(&m, text, n, cap, sched, sched_len, 0);
    split(&m, text, n, cap, sched, sched_len, 1);
    if (sched_len)
        split(&m, text, n, cap, sched, sched_len, 2);
    free(m.items);
    return 0;
}
