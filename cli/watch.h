/* watch.h - `listeners watch`: an NDJSON stream of the changes between one
 * collection and the next (docs/contract.md, "listeners watch"). */
#ifndef LISTENERS_CLI_WATCH_H
#define LISTENERS_CLI_WATCH_H

#include "listeners.h"
#include "options.h"

#include <stddef.h>
#include <time.h>

/* One tree to read: --proc DIR given n times is replayed in turn, tick i
 * reading tree i mod n (a live system: one entry, proc NULL). order and
 * flags are what tree_byte_order found for it before the sandbox. */
struct lsn_watch_tree {
    const char *proc;
    enum lsn_byte_order order;
    unsigned flags;
};

/* "5", "0.25", "0.001": a decimal number of seconds from 0.000001 to
 * LSN_WATCH_MAX_INTERVAL, digits and at most one '.', nothing else (no
 * sign, exponent, hex, inf, nan, blank). 0 with *ts, else -1. */
#define LSN_WATCH_MAX_INTERVAL 86400L
int lsn_watch_interval(const char *s, struct timespec *ts);

/* Runs the loop on stdout until args->count ticks (0: forever) or a write
 * or collection error. opts is ready (netlink fd, diag callback; the
 * sandbox entered); each tick sets its proc_root, byte_order and flags.
 * Returns the exit status: 0 after --count ticks, 1 on an error. */
int lsn_watch_run(const struct lsn_args *args, struct lsn_options *opts,
                  const struct lsn_watch_tree *trees, size_t ntrees);

extern const char lsn_watch_help[];

#endif
