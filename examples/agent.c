/* agent.c - a minimal agent on the installed listeners library: collect
 * every few seconds and print what changed, as `listeners watch` does.
 *
 *   agent [--proc DIR]... [--interval SECONDS] [--count N]
 *
 * Each tick calls lsn_collect, then lsn_changes between the last compared
 * result and this one (sorted indexes, merged: O(n log n)), and writes each
 * change with lsn_write_change: the NDJSON event lines of `listeners watch`
 * (added, removed, owner_changed, exe_changed; docs/contract.md), flushed
 * once per tick. The first tick gives every listener as added. A pid that
 * was or is none is null, never -1; an execve that kept the socket is an
 * exe_changed. --proc DIR reads DIR as the proc tree; given more than once,
 * tick i reads the (i mod n)-th (snapshots replayed in turn). SECONDS
 * (default 10) is a decimal number from 0.000001 to 86400: anything else
 * (abc, 0, -1, nan, inf, 1e9) is a usage error, exit 2. --count N stops
 * after N ticks (exit 0). A tick whose collection fails or is partial is
 * said on stderr and not compared (its missing rows would read as
 * removed); the agent goes on, and exits 1 after --count ticks. For
 * --host, --heartbeat or other protocols, run `listeners watch`.
 * Build: cc agent.c $(pkg-config --cflags --libs listeners) */
#define _POSIX_C_SOURCE 200809L
#include <listeners/listeners.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TREES 16

static int to_stdout(void *ctx, const char *buf, size_t len)
{
    (void)ctx;
    return fwrite(buf, 1, len, stdout) == len ? 0 : 1;
}

/* lsn_changes' callback: ctx is the tick's time. */
static int print_change(void *ctx, const struct lsn_change *change)
{
    return lsn_write_change(change, *(const int64_t *)ctx, NULL, to_stdout, NULL);
}

static void sleep_seconds(double seconds)
{
    struct timespec left = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        ;
}

/* Why a tick is not compared, on stderr. */
static void say_skipped(long tick, const char *root, const struct lsn_result *r)
{
    const char *path = r->error_path ? r->error_path : root;
    if (r->status == LSN_PARTIAL)
        fprintf(stderr,
                "agent: tick %ld: %s: partial (a table over the size cap, or out of "
                "memory): not compared\n",
                tick, root);
    else if (r->error)
        fprintf(stderr, "agent: tick %ld: %s: %s: %s\n", tick, path, r->error_message,
                strerror(r->error));
    else
        fprintf(stderr, "agent: tick %ld: %s: %s\n", tick, path, r->error_message);
}

int main(int argc, char **argv)
{
    const char *trees[MAX_TREES];
    size_t ntrees = 0;
    double interval = 10;
    long count = -1;
    struct lsn_options opts;
    struct lsn_result prev, cur;
    int skipped = 0;

    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i], *arg = i + 1 < argc ? argv[++i] : NULL;
        char *end = NULL;
        int ok = arg != NULL;
        if (ok && strcmp(opt, "--proc") == 0) {
            ok = ntrees < MAX_TREES;
            if (ok)
                trees[ntrees++] = arg;
        } else if (ok && strcmp(opt, "--interval") == 0) {
            /* digits and one '.': no sign, exponent, hex, nan or inf */
            interval = strtod(arg, &end);
            ok = strspn(arg, "0123456789.") == strlen(arg) && end != arg && *end == '\0' &&
                 interval >= 1e-6 && interval <= 86400;
        } else if (ok && strcmp(opt, "--count") == 0) {
            count = strtol(arg, &end, 10);
            ok = end != arg && *end == '\0' && count > 0;
        } else {
            ok = 0;
        }
        if (!ok) {
            fprintf(stderr,
                    "agent: bad %s %s\nusage: agent [--proc DIR]... [--interval SECONDS "
                    "(0.000001 to 86400)] [--count N]\n",
                    opt, arg ? arg : "(missing)");
            return 2;
        }
    }

    memset(&opts, 0, sizeof opts); /* live /proc in host order, the tcp listeners */
    opts.byte_order = LSN_ORDER_HOST;
    memset(&prev, 0, sizeof prev); /* nothing seen yet: the first tick adds every row */
    for (long n = 0; count < 0 || n < count; n++) {
        int64_t at;
        int rc;
        if (n > 0)
            sleep_seconds(interval);
        opts.proc_root = ntrees ? trees[(size_t)n % ntrees] : NULL;
        at = (int64_t)time(NULL);
        if (lsn_collect(&opts, &cur) != LSN_OK) {
            say_skipped(n + 1, opts.proc_root ? opts.proc_root : "/proc", &cur);
            lsn_result_free(&cur);
            skipped = 1;
            continue;
        }
        rc = lsn_changes(&prev, &cur, print_change, &at);
        lsn_result_free(&prev);
        prev = cur;
        if (rc != 0 || fflush(stdout) != 0) {
            fputs(rc == -1 ? "agent: out of memory\n" : "agent: cannot write to stdout\n", stderr);
            lsn_result_free(&prev);
            return 1;
        }
    }
    lsn_result_free(&prev);
    return skipped;
}
