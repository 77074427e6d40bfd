/* watch.c - `listeners watch`. See watch.h and docs/contract.md.
 *
 * Each tick collects and hands the previous tick's result and its own to the
 * library's lsn_changes (sorted indexes by key, merged: O(n log n) per tick,
 * freed before it returns), which calls lsn_write_change for each change.
 * The previous result is freed once compared, so memory stays what two
 * ticks need. The tick's output buffer is reused. */
#define _GNU_SOURCE /* clock_nanosleep, clock_gettime */

#include "watch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LISTENERS_VERSION
#define LISTENERS_VERSION "0.0.0"
#endif

const char lsn_watch_help[] =
    "Collects every SECONDS and prints what changed as NDJSON, one event per\n"
    "line, flushed after each tick:\n"
    "  {\"event\":\"added\"|\"removed\",\"at\":T,<identity>,\"pid\",\"comm\",\"exe\"}\n"
    "  {\"event\":\"owner_changed\",\"at\":T,<identity>,\"before\":{\"pid\",\"comm\",\n"
    "   \"exe\"},\"after\":{...}}   another process owns the socket (or none)\n"
    "  {\"event\":\"exe_changed\",...same keys}   the same pid, another exe or comm\n"
    "   (an execve that kept the socket)\n"
    "  {\"event\":\"heartbeat\",\"at\":T,\"count\":ROWS}   every --heartbeat N ticks\n"
    "<identity> is \"protocol\",\"family\",\"address\",\"port\",\"inode\" (family and\n"
    "address null for packet rows, port null for raw and packet). T is RFC 3339\n"
    "UTC. The first tick reports every row as added.\n"
    "\n"
    "  --interval SECONDS\n"
    "                  the time between ticks: a decimal number from 0.000001 to\n"
    "                  86400 (5, 0.25); anything else is a usage error\n"
    "  --heartbeat N   a heartbeat event every N ticks (N >= 1)\n"
    "  --count N       stop after N ticks (exit 0); default: run until killed\n"
    "  --host          the envelope as a last key \"host\":{...} on every event\n"
    "  --proc DIR      read DIR as the proc tree; given more than once, tick i\n"
    "                  reads the (i mod n)-th DIR (replaying snapshots in turn)\n"
    "  --protocols LIST\n"
    "                  as for listeners (default tcp)\n"
    "  --source procfs|netlink\n"
    "                  as for listeners\n"
    "  --no-sandbox    no seccomp filter\n"
    "\n"
    "A tick whose result is partial is reported on stderr and not diffed (its\n"
    "missing rows would read as removed).\n"
    "\n"
    "Exit status: 0 after --count ticks; 1 a table could not be read or the\n"
    "output could not be written; 2 usage error.\n";

int lsn_watch_interval(const char *s, struct timespec *ts)
{
    size_t digits = strspn(s, "0123456789");
    const char *frac = s + digits;
    size_t fdigits = 0;
    long sec = 0, ns = 0;
    if (*frac == '.') {
        frac++;
        fdigits = strspn(frac, "0123456789");
    }
    if ((digits == 0 && fdigits == 0) || frac[fdigits] != '\0' || (digits == 0 && frac == s))
        return -1;
    for (size_t i = 0; i < digits; i++) {
        sec = sec * 10 + (s[i] - '0');
        if (sec > LSN_WATCH_MAX_INTERVAL)
            return -1;
    }
    for (size_t i = 0; i < 9; i++)
        ns = ns * 10 + (i < fdigits ? frac[i] - '0' : 0);
    for (size_t i = 9; i < fdigits; i++) /* below a nanosecond: must be zeros */
        if (frac[i] != '0')
            return -1;
    if ((sec == 0 && ns < 1000) || (sec == LSN_WATCH_MAX_INTERVAL && ns))
        return -1;
    ts->tv_sec = (time_t)sec;
    ts->tv_nsec = ns;
    return 0;
}

/* The output of one tick, reused: grows to the largest tick's size. */
struct buf {
    char *p;
    size_t len, cap;
    int oom;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

static int sink(void *ctx, const char *s, size_t n)
{
    struct buf *b = ctx;
    put(b, s, n);
    return b->oom;
}

/* A tick's events go into its buffer (lsn_changes' callback). */
struct tick {
    struct buf *out;
    int64_t at;                  /* when its collection started */
    const struct lsn_host *host; /* NULL: no envelope */
};

static int write_change(void *ctx, const struct lsn_change *c)
{
    const struct tick *t = ctx;
    return lsn_write_change(c, t->at, t->host, sink, t->out);
}

static int64_t now(void)
{
    struct timespec ts = {0, 0};
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

static void sleep_for(const struct timespec *interval)
{
    struct timespec left = *interval;
    while (clock_nanosleep(CLOCK_MONOTONIC, 0, &left, &left) == EINTR)
        ;
}

int lsn_watch_run(const struct lsn_args *args, struct lsn_options *opts,
                  const struct lsn_watch_tree *trees, size_t ntrees)
{
    struct lsn_result prev, cur;
    struct buf out = {NULL, 0, 0, 0};
    unsigned base_flags = opts->flags;
    int rc = 0;

    memset(&prev, 0, sizeof prev);
    for (unsigned long n = 0; args->watch_count == 0 || n < args->watch_count; n++) {
        const struct lsn_watch_tree *tree = &trees[n % ntrees];
        struct lsn_host host;
        struct tick t = {&out, 0, NULL};

        if (n > 0)
            sleep_for(&args->watch_interval);
        opts->proc_root = tree->proc;
        opts->byte_order = tree->order;
        opts->flags = base_flags | tree->flags;
        if (args->host) {
            lsn_host_read(tree->proc, &host);
            host.version = LISTENERS_VERSION;
            t.host = &host;
        }
        t.at = now();
        lsn_collect(opts, &cur);
        if (cur.status != LSN_OK && cur.status != LSN_PARTIAL) {
            const char *path = cur.error_path ? cur.error_path : "listeners";
            if (cur.status == LSN_UNSUPPORTED)
                fputs("listeners: watch: no procfs on this platform (use --proc DIR)\n", stderr);
            else if (cur.error)
                fprintf(stderr, "listeners: watch: %s: %s: %s\n", path, cur.error_message,
                        strerror(cur.error));
            else
                fprintf(stderr, "listeners: watch: %s: %s\n", path, cur.error_message);
            lsn_result_free(&cur);
            rc = 1;
            break;
        }
        out.len = 0;
        if (cur.status == LSN_PARTIAL) { /* kept out of the diff: keep prev */
            fprintf(stderr,
                    "listeners: watch: tick %lu is partial (a table over the size cap, "
                    "or out of memory): not compared\n",
                    n + 1);
            lsn_result_free(&cur);
        } else {
            /* fails only out of memory: lsn_changes' index or the buffer */
            int failed = lsn_changes(&prev, &cur, write_change, &t) != 0;
            lsn_result_free(&prev);
            prev = cur;
            out.oom |= failed;
        }
        if (!out.oom && args->watch_heartbeat && (n + 1) % args->watch_heartbeat == 0)
            out.oom |= lsn_write_heartbeat(prev.count, t.at, t.host, sink, &out) != 0;
        if (out.oom) {
            fputs("listeners: watch: out of memory\n", stderr);
            rc = 1;
            break;
        }
        if ((out.len && fwrite(out.p, 1, out.len, stdout) != out.len) || fflush(stdout) != 0) {
            fprintf(stderr, "listeners: watch: cannot write the output: %s\n", strerror(errno));
            rc = 1;
            break;
        }
    }
    lsn_result_free(&prev);
    free(out.p);
    return rc;
}
