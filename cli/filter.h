/* filter.h - the list command's row filters (--port, --pid, --address,
 * --comm, --exe). They select rows of a collected result, after the walk:
 * the collection, its early stops and the owner rule are those of an
 * unfiltered run, so a row shown has the owner a full run gives it.
 *
 * Filters of different options must all match (and); the items of one
 * comma list are alternatives (or). A row's pid is its owner's: a process
 * that holds the socket but is not its owner does not select it. --port
 * matches tcp and udp rows (raw and packet rows have no port); --address
 * compares address bytes, an IPv4 address and its IPv4-mapped IPv6 form
 * (::ffff:a.b.c.d) being the same, so any spelling inet_pton takes
 * matches; packet rows have no address. --comm and --exe: fnmatch(3)
 * with no flags, in the C locale (bytes: a byte that is not UTF-8 is
 * matched as itself; '*' and '?' match any byte, '/' included; '\' quotes
 * the next character); a pattern without * ? [ \ is an exact match. A
 * null comm or exe, or one with a NUL byte, matches no pattern. */
#ifndef LISTENERS_CLI_FILTER_H
#define LISTENERS_CLI_FILTER_H

#include "listeners.h"

#include <stddef.h>
#include <stdint.h>

enum lsn_filter_kind { LSN_FILTER_PORT = 0, LSN_FILTER_PID, LSN_FILTER_ADDRESS };

struct lsn_filter_item {
    int64_t number;   /* port or pid */
    uint8_t addr[16]; /* an address, IPv4 as ::ffff:a.b.c.d */
};

/* The items of a comma list of kind; out (NULL: only count) gets them.
 * Returns their number, or -1 for an empty list or item, or an item that
 * is not a port (0..65535), a pid (1..2147483647) or an address. */
long lsn_filter_list(enum lsn_filter_kind kind, const char *list, struct lsn_filter_item *out);

struct lsn_filter {
    struct lsn_filter_item *items[3]; /* per kind; NULL: not given */
    size_t n[3];
    const char *comm, *exe; /* patterns; NULL: not given */
};

/* From the validated option texts (NULL: not given). 0, or -1 out of memory. */
int lsn_filter_init(struct lsn_filter *f, const char *ports, const char *pids,
                    const char *addresses, const char *comm, const char *exe);
int lsn_filter_active(const struct lsn_filter *f);
int lsn_filter_match(const struct lsn_filter *f, const struct lsn_listener *row);

/* *view = *result with only the rows that match (an array of its own, the
 * rows' strings still result's): free view->listeners with free(3), never
 * lsn_result_free. 0, or -1 out of memory. */
int lsn_filter_apply(const struct lsn_filter *f, const struct lsn_result *result,
                     struct lsn_result *view);
void lsn_filter_free(struct lsn_filter *f);

#endif
