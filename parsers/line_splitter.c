/* line_splitter.c - see line_splitter.h. */
#include "line_splitter.h"

#include <string.h>

void lsn_splitter_init(struct lsn_splitter *s, char *buf, size_t cap)
{
    memset(s, 0, sizeof *s);
    s->buf_ = buf;
    s->cap_ = cap;
}

void lsn_splitter_feed(struct lsn_splitter *s, const char *chunk, size_t len)
{
    s->chunk_ = chunk;
    s->chunk_len_ = len;
    s->chunk_pos_ = 0;
}

void lsn_splitter_finish(struct lsn_splitter *s)
{
    s->finished_ = 1;
    s->chunk_ = NULL;
    s->chunk_len_ = 0;
    s->chunk_pos_ = 0;
}

uint64_t lsn_splitter_line_number(const struct lsn_splitter *s)
{
    return s->line_number_;
}

static enum lsn_split_status too_long(struct lsn_splitter *s)
{
    s->held_ = 0;
    s->line_number_++;
    return LSN_SPLIT_TOO_LONG;
}

enum lsn_split_status lsn_splitter_next(struct lsn_splitter *s, const char **line, size_t *len)
{
    *line = NULL;
    *len = 0;
    for (;;) {
        const char *rest = s->chunk_ ? s->chunk_ + s->chunk_pos_ : NULL;
        size_t rest_len = rest ? s->chunk_len_ - s->chunk_pos_ : 0;

        if (rest_len == 0) {
            if (!s->finished_)
                return LSN_SPLIT_NEED_MORE;
            if (s->skipping_) {
                s->skipping_ = 0;
                continue;
            }
            if (s->held_ == 0)
                return LSN_SPLIT_END;
            *line = s->buf_;
            *len = s->held_;
            s->held_ = 0;
            s->line_number_++;
            return LSN_SPLIT_LAST_LINE;
        }

        const char *nl = memchr(rest, '\n', rest_len);
        size_t take = nl ? (size_t)(nl - rest) + 1 : rest_len;
        s->chunk_pos_ += take;

        if (s->skipping_) { /* the tail of a line already reported too long */
            if (nl)
                s->skipping_ = 0;
            continue;
        }
        if (s->held_ + take > s->cap_) {
            if (!nl)
                s->skipping_ = 1;
            return too_long(s);
        }
        if (nl && s->held_ == 0) { /* wholly inside the chunk: no copy */
            *line = rest;
            *len = take;
            s->line_number_++;
            return LSN_SPLIT_LINE;
        }
        memcpy(s->buf_ + s->held_, rest, take);
        s->held_ += take;
        if (nl) {
            *line = s->buf_;
            *len = s->held_;
            s->held_ = 0;
            s->line_number_++;
            return LSN_SPLIT_LINE;
        }
    }
}
