/* out.h - private to collector/: the writers' output buffer (write.c,
 * write_metrics.c, change.c). Text goes into an 8 KiB buffer that is handed to the
 * caller's sink when full and at the end; the first sink error sticks in
 * rc and later text is dropped. */
#ifndef LISTENERS_OUT_H
#define LISTENERS_OUT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decimal.h"
#include "listeners.h"

#define OUT_CAP 8192

struct out {
    char *buf;
    size_t len;
    lsn_sink_fn sink;
    void *ctx;
    int rc;
};

static inline void flush(struct out *o)
{
    if (o->len && !o->rc)
        o->rc = o->sink(o->ctx, o->buf, o->len);
    o->len = 0;
}

static inline void put(struct out *o, const char *s, size_t n)
{
    if (n < OUT_CAP - o->len) { /* the common case: it fits */
        memcpy(o->buf + o->len, s, n);
        o->len += n;
        return;
    }
    while (n && !o->rc) {
        size_t room = OUT_CAP - o->len, k = n < room ? n : room;
        memcpy(o->buf + o->len, s, k);
        o->len += k;
        s += k;
        n -= k;
        if (o->len == OUT_CAP)
            flush(o);
    }
}

static inline void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static inline void put_u64(struct out *o, uint64_t v)
{
    char t[21];
    put(o, t, lsn_decimal(t, v));
}

/* 0, or -1 out of memory (nothing to finish). */
static inline int start(struct out *o, lsn_sink_fn sink, void *ctx)
{
    o->buf = malloc(OUT_CAP);
    o->len = 0;
    o->sink = sink;
    o->ctx = ctx;
    o->rc = 0;
    return o->buf ? 0 : -1;
}

/* Flushes and frees: the sink's first error, or 0. */
static inline int finish(struct out *o)
{
    flush(o);
    free(o->buf);
    return o->rc;
}

/* The --host envelope as one compact object (write.c; lsn_write_host). */
void lsn_put_host(struct out *o, const struct lsn_host *host);

#endif
