/* watch.c - `listeners watch`. See watch.h and docs/contract.md.
 *
 * Each tick collects, sorts an index of the rows by key (inode, protocol,
 * family, port, address, netns) and merges it with the previous tick's:
 * O(n log n) per tick, and every tick's result and index freed before the
 * next, so memory stays what one tick needs. The output buffer is reused. */
#define _GNU_SOURCE /* clock_nanosleep, gmtime_r */

#include "watch.h"

#include "address_text.h"
#include "json_string.h"

#include <errno.h>
#include <inttypes.h>
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

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void put_u64(struct buf *b, uint64_t v)
{
    char t[24];
    int n = snprintf(t, sizeof t, "%" PRIu64, v);
    put(b, t, (size_t)n);
}

static int sink(void *ctx, const char *s, size_t n)
{
    put(ctx, s, n);
    return 0;
}

static void put_text(struct buf *b, const char *raw, size_t len)
{
    static char esc[LSN_JSON_STRING_SIZE(LSN_EXE_MAX)];
    if (!raw || lsn_json_string(raw, len, esc, sizeof esc, NULL) != 0)
        puts_(b, "null");
    else
        puts_(b, esc);
}

/* "pid":N|null,"comm":S|null,"exe":S|null as the list writes them. */
static void put_owner(struct buf *b, const struct lsn_listener *l)
{
    puts_(b, "\"pid\":");
    if (l->pid < 0) {
        puts_(b, "null,\"comm\":null,\"exe\":null");
        return;
    }
    put_u64(b, (uint64_t)l->pid);
    puts_(b, ",\"comm\":");
    put_text(b, l->comm, l->comm_len);
    puts_(b, ",\"exe\":");
    put_text(b, l->exe, l->exe_len);
}

struct tick {
    const char *at;              /* RFC 3339 UTC */
    const struct lsn_host *host; /* NULL: no envelope */
};

static void put_start(struct buf *b, const struct tick *t, const char *event)
{
    puts_(b, "{\"event\":\"");
    puts_(b, event);
    puts_(b, "\",\"at\":\"");
    puts_(b, t->at);
    puts_(b, "\"");
}

static void put_end(struct buf *b, const struct tick *t)
{
    if (t->host) {
        puts_(b, ",\"host\":");
        lsn_write_host(t->host, sink, b);
    }
    puts_(b, "}\n");
}

static void put_identity(struct buf *b, const struct lsn_listener *l)
{
    char addr[LSN_IPV6_TEXT_SIZE];
    int packet = l->protocol == LSN_PROTO_PACKET;
    puts_(b, ",\"protocol\":\"");
    puts_(b, lsn_protocol_name((enum lsn_protocol)l->protocol));
    puts_(b, "\",\"family\":");
    if (packet) {
        puts_(b, "null,\"address\":null");
    } else {
        int v6 = l->family == LSN_FAMILY_IPV6;
        puts_(b, v6 ? "\"ipv6\",\"address\":\"" : "\"ipv4\",\"address\":\"");
        if (v6)
            lsn_ipv6_text(l->bind_address, addr, sizeof addr, NULL);
        else
            lsn_ipv4_text(l->bind_address, addr, sizeof addr, NULL);
        puts_(b, addr);
        puts_(b, "\"");
    }
    puts_(b, ",\"port\":");
    if (l->protocol == LSN_PROTO_TCP || l->protocol == LSN_PROTO_UDP)
        put_u64(b, l->port);
    else
        puts_(b, "null");
    puts_(b, ",\"inode\":");
    put_u64(b, l->inode);
}

static void put_row_event(struct buf *b, const struct tick *t, const char *event,
                          const struct lsn_listener *l)
{
    put_start(b, t, event);
    put_identity(b, l);
    puts_(b, ",");
    put_owner(b, l);
    put_end(b, t);
}

static int same_text(const char *a, size_t alen, const char *b, size_t blen)
{
    if (!a || !b)
        return a == b;
    return alen == blen && memcmp(a, b, alen) == 0;
}

/* The change between two rows of one key, or NULL. */
static const char *change(const struct lsn_listener *o, const struct lsn_listener *n)
{
    if (o->pid != n->pid)
        return "owner_changed";
    if (n->pid < 0)
        return NULL;
    if (!same_text(o->exe, o->exe_len, n->exe, n->exe_len) ||
        !same_text(o->comm, o->comm_len, n->comm, n->comm_len))
        return "exe_changed";
    return NULL;
}

static int compare_key(const struct lsn_listener *a, const struct lsn_listener *b)
{
    if (a->inode != b->inode)
        return a->inode < b->inode ? -1 : 1;
    if (a->protocol != b->protocol)
        return a->protocol < b->protocol ? -1 : 1;
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    if (a->port != b->port)
        return a->port < b->port ? -1 : 1;
    if (a->netns != b->netns)
        return a->netns < b->netns ? -1 : 1;
    return memcmp(a->bind_address, b->bind_address, sizeof a->bind_address);
}

static int compare_index(const void *a, const void *b)
{
    return compare_key(*(const struct lsn_listener *const *)a,
                       *(const struct lsn_listener *const *)b);
}

/* The rows of r sorted by key: malloc'd (NULL for none, or out of memory:
 * *oom set). */
typedef const struct lsn_listener *row_ref; /* an index entry: a pointer is what is sorted */

static const struct lsn_listener **sorted(const struct lsn_result *r, int *oom)
{
    const struct lsn_listener **ix;
    if (r->count == 0)
        return NULL;
    ix = malloc(r->count * sizeof(row_ref));
    if (!ix) {
        *oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < r->count; i++)
        ix[i] = &r->listeners[i];
    qsort(ix, r->count, sizeof(row_ref), compare_index);
    return ix;
}

/* The events between the sorted a (na rows) and b (nb): a merge. */
static void diff(struct buf *out, const struct tick *t, const struct lsn_listener **a, size_t na,
                 const struct lsn_listener **b, size_t nb)
{
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : compare_key(a[i], b[j]);
        if (c < 0) {
            put_row_event(out, t, "removed", a[i++]);
        } else if (c > 0) {
            put_row_event(out, t, "added", b[j++]);
        } else {
            const char *what = change(a[i], b[j]);
            if (what) {
                put_start(out, t, what);
                put_identity(out, b[j]);
                puts_(out, ",\"before\":{");
                put_owner(out, a[i]);
                puts_(out, "},\"after\":{");
                put_owner(out, b[j]);
                puts_(out, "}");
                put_end(out, t);
            }
            i++;
            j++;
        }
    }
}

static void rfc3339_now(char dst[32])
{
    struct timespec now = {0, 0};
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    if (!gmtime_r(&now.tv_sec, &tm) || strftime(dst, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        memcpy(dst, "1970-01-01T00:00:00Z", 21);
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
    const struct lsn_listener **prev_ix = NULL;
    struct buf out = {NULL, 0, 0, 0};
    unsigned base_flags = opts->flags;
    int rc = 0;

    memset(&prev, 0, sizeof prev);
    for (unsigned long n = 0; args->watch_count == 0 || n < args->watch_count; n++) {
        const struct lsn_watch_tree *tree = &trees[n % ntrees];
        struct lsn_host host;
        char at[32];
        struct tick t = {at, NULL};
        int oom = 0;

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
        rfc3339_now(at);
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
            const struct lsn_listener **cur_ix = sorted(&cur, &oom);
            if (oom) {
                fputs("listeners: watch: out of memory\n", stderr);
                lsn_result_free(&cur);
                rc = 1;
                break;
            }
            diff(&out, &t, prev_ix, prev.count, cur_ix, cur.count);
            free(prev_ix);
            lsn_result_free(&prev);
            prev = cur;
            prev_ix = cur_ix;
        }
        if (args->watch_heartbeat && (n + 1) % args->watch_heartbeat == 0) {
            put_start(&out, &t, "heartbeat");
            puts_(&out, ",\"count\":");
            put_u64(&out, prev.count);
            put_end(&out, &t);
        }
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
    free(prev_ix);
    lsn_result_free(&prev);
    free(out.p);
    return rc;
}
