/* line_splitter.h - complete lines out of successive read() chunks, in
 * bounded memory.
 *
 * The caller owns a buffer of `cap` bytes (LSN_TCP_LINE_MAX for the tables).
 * A line wholly inside a chunk is returned as a span into that chunk, with no
 * copy; only a line that straddles chunks is gathered in the buffer. A line
 * longer than `cap` bytes (its '\n' included) is reported once as
 * LSN_SPLIT_TOO_LONG and skipped up to and including its '\n'; splitting then
 * resumes on the next line. The same input gives the same sequence of results
 * whatever the chunk sizes.
 *
 * Use:
 *   lsn_splitter_init(&s, buf, sizeof buf);
 *   for each chunk read:  lsn_splitter_feed(&s, chunk, n);
 *                         while ((st = lsn_splitter_next(&s, &line, &len)) != LSN_SPLIT_NEED_MORE)
 * ... at end of input:      lsn_splitter_finish(&s); while ((st = lsn_splitter_next(&s, &line,
 * &len)) != LSN_SPLIT_END) ...
 *
 * Pure functions: no allocation, no I/O, no globals.
 */
#ifndef LISTENERS_LINE_SPLITTER_H
#define LISTENERS_LINE_SPLITTER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum lsn_split_status {
    LSN_SPLIT_LINE = 0,  /* a complete line, its '\n' included */
    LSN_SPLIT_LAST_LINE, /* after finish: the final bytes, which had no '\n' */
    LSN_SPLIT_TOO_LONG,  /* a line longer than cap; reported once, then skipped */
    LSN_SPLIT_NEED_MORE, /* the chunk is used up: feed the next one (or finish) */
    LSN_SPLIT_END        /* after finish: nothing more */
};

/* Fields are private; read them only through the functions. */
struct lsn_splitter {
    char *buf_;
    size_t cap_;
    size_t held_; /* bytes of a partial line in buf_ */
    const char *chunk_;
    size_t chunk_len_;
    size_t chunk_pos_;
    int skipping_; /* inside an over-long line, already reported */
    int finished_;
    uint64_t line_number_; /* 1-based number of the line last returned or reported */
};

/* Sets up a splitter over the caller's buffer buf[0..cap), cap >= 1. */
void lsn_splitter_init(struct lsn_splitter *s, char *buf, size_t cap);

/* Offers the next chunk. Call only after lsn_splitter_next returned
 * LSN_SPLIT_NEED_MORE (or right after init). The chunk must stay valid and
 * unchanged until then. A chunk of length 0 is allowed and changes nothing. */
void lsn_splitter_feed(struct lsn_splitter *s, const char *chunk, size_t len);

/* Says that no more chunks will come. */
void lsn_splitter_finish(struct lsn_splitter *s);

/* Returns the next result. For LSN_SPLIT_LINE and LSN_SPLIT_LAST_LINE,
 * *line and *len give the line, valid until the next call of any splitter
 * function or the next change to the current chunk; for the other statuses
 * they are NULL and 0. */
enum lsn_split_status lsn_splitter_next(struct lsn_splitter *s, const char **line, size_t *len);

/* The 1-based number of the line last returned (or reported too long): the
 * line number to print in a diagnostic. 0 before the first line. */
uint64_t lsn_splitter_line_number(const struct lsn_splitter *s);

#ifdef __cplusplus
}
#endif
#endif
