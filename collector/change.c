/* change.c - the changes between two results and their NDJSON lines
 * (listeners watch, examples/agent.c). See listeners.h (lsn_changes). */
#include "listeners.h"
#include "out.h"
#include "rfc3339.h"

#include "address_text.h"
#include "json_string.h"

#include <stdlib.h>
#include <string.h>

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

typedef const struct lsn_listener *row_ref; /* an index entry: a pointer is what is sorted */

/* The key, then the row's place in its array: qsort is not stable, and rows
 * of one key (a result made by hand) must pair in row order every time. */
static int compare_index(const void *pa, const void *pb)
{
    row_ref a = *(const row_ref *)pa, b = *(const row_ref *)pb;
    int c = compare_key(a, b);
    if (c)
        return c;
    return a < b ? -1 : a > b; /* both point into one array */
}

/* The rows of r sorted by key into *ix (NULL for none): 0, or -1 out of memory. */
static int sorted(const struct lsn_result *r, row_ref **ix)
{
    *ix = NULL;
    if (r->count == 0)
        return 0;
    *ix = malloc(r->count * sizeof(row_ref));
    if (!*ix)
        return -1;
    for (size_t i = 0; i < r->count; i++)
        (*ix)[i] = &r->listeners[i];
    qsort(*ix, r->count, sizeof(row_ref), compare_index);
    return 0;
}

static int same_text(const char *a, size_t alen, const char *b, size_t blen)
{
    if (!a || !b)
        return a == b;
    return alen == blen && memcmp(a, b, alen) == 0;
}

/* The change between two rows of one key; 0 and *kind when there is one. */
static int change_of(const struct lsn_listener *o, const struct lsn_listener *n,
                     enum lsn_change_kind *kind)
{
    if (o->pid != n->pid) {
        *kind = LSN_CHANGE_OWNER;
        return 0;
    }
    if (n->pid >= 0 && (!same_text(o->exe, o->exe_len, n->exe, n->exe_len) ||
                        !same_text(o->comm, o->comm_len, n->comm, n->comm_len))) {
        *kind = LSN_CHANGE_EXE;
        return 0;
    }
    return -1;
}

int lsn_changes(const struct lsn_result *before, const struct lsn_result *after, lsn_change_fn fn,
                void *ctx)
{
    row_ref *a = NULL, *b = NULL;
    size_t na = before->count, nb = after->count, i = 0, j = 0;
    int rc = 0;

    if (sorted(before, &a) != 0 || sorted(after, &b) != 0) {
        free(a);
        return -1;
    }
    while (rc == 0 && (i < na || j < nb)) {
        struct lsn_change c;
        int order = i == na ? 1 : j == nb ? -1 : compare_key(a[i], b[j]);
        memset(&c, 0, sizeof c);
        if (order < 0) {
            c.kind = LSN_CHANGE_REMOVED;
            c.before = a[i++];
        } else if (order > 0) {
            c.kind = LSN_CHANGE_ADDED;
            c.after = b[j++];
        } else {
            c.before = a[i++];
            c.after = b[j++];
            if (change_of(c.before, c.after, &c.kind) != 0)
                continue;
        }
        rc = fn(ctx, &c);
    }
    free(a);
    free(b);
    return rc;
}

/* ---- the event lines ---- */

/* "null", or raw JSON-escaped through esc (LSN_JSON_STRING_SIZE(LSN_EXE_MAX)). */
static void put_text(struct out *o, char *esc, const char *raw, size_t len)
{
    size_t n = 0;
    if (!raw || lsn_json_string(raw, len, esc, LSN_JSON_STRING_SIZE(LSN_EXE_MAX), &n) != 0)
        puts_(o, "null");
    else
        put(o, esc, n);
}

/* "pid":N|null,"comm":S|null,"exe":S|null as the list writes them. */
static void put_owner(struct out *o, char *esc, const struct lsn_listener *l)
{
    puts_(o, "\"pid\":");
    if (l->pid < 0) {
        puts_(o, "null,\"comm\":null,\"exe\":null");
        return;
    }
    put_u64(o, (uint64_t)l->pid);
    puts_(o, ",\"comm\":");
    put_text(o, esc, l->comm, l->comm_len);
    puts_(o, ",\"exe\":");
    put_text(o, esc, l->exe, l->exe_len);
}

static void put_start(struct out *o, const char *event, int64_t at)
{
    char when[32];
    puts_(o, "{\"event\":\"");
    puts_(o, event);
    puts_(o, "\",\"at\":\"");
    put(o, when, lsn_rfc3339(at, when));
    puts_(o, "\"");
}

static void put_end(struct out *o, const struct lsn_host *host)
{
    if (host) {
        puts_(o, ",\"host\":");
        lsn_put_host(o, host);
    }
    puts_(o, "}\n");
}

static void put_identity(struct out *o, const struct lsn_listener *l)
{
    char addr[LSN_IPV6_TEXT_SIZE];
    size_t n = 0;
    puts_(o, ",\"protocol\":\"");
    puts_(o, lsn_protocol_name((enum lsn_protocol)l->protocol));
    puts_(o, "\",\"family\":");
    if (l->protocol == LSN_PROTO_PACKET) {
        puts_(o, "null,\"address\":null");
    } else {
        int v6 = l->family == LSN_FAMILY_IPV6;
        puts_(o, v6 ? "\"ipv6\",\"address\":\"" : "\"ipv4\",\"address\":\"");
        if (v6)
            lsn_ipv6_text(l->bind_address, addr, sizeof addr, &n);
        else
            lsn_ipv4_text(l->bind_address, addr, sizeof addr, &n);
        put(o, addr, n);
        puts_(o, "\"");
    }
    puts_(o, ",\"port\":");
    if (l->protocol == LSN_PROTO_TCP || l->protocol == LSN_PROTO_UDP)
        put_u64(o, l->port);
    else
        puts_(o, "null");
    puts_(o, ",\"inode\":");
    put_u64(o, l->inode);
}

int lsn_write_change(const struct lsn_change *change, int64_t at, const struct lsn_host *host,
                     lsn_sink_fn sink, void *ctx)
{
    static const char *const names[] = {"added", "removed", "owner_changed", "exe_changed"};
    const struct lsn_listener *row =
        change->kind == LSN_CHANGE_REMOVED ? change->before : change->after;
    struct out o;
    char *esc;

    if ((unsigned)change->kind > (unsigned)LSN_CHANGE_EXE || !row ||
        (change->kind >= LSN_CHANGE_OWNER && !change->before))
        return -1;
    /* one allocation: the output buffer, then the escape buffer of an exe */
    o.buf = malloc(OUT_CAP + LSN_JSON_STRING_SIZE(LSN_EXE_MAX));
    if (!o.buf)
        return -1;
    o.len = 0;
    o.sink = sink;
    o.ctx = ctx;
    o.rc = 0;
    esc = o.buf + OUT_CAP;
    put_start(&o, names[change->kind], at);
    put_identity(&o, row);
    if (change->kind <= LSN_CHANGE_REMOVED) {
        puts_(&o, ",");
        put_owner(&o, esc, row);
    } else {
        puts_(&o, ",\"before\":{");
        put_owner(&o, esc, change->before);
        puts_(&o, "},\"after\":{");
        put_owner(&o, esc, change->after);
        puts_(&o, "}");
    }
    put_end(&o, host);
    return finish(&o);
}

int lsn_write_heartbeat(uint64_t count, int64_t at, const struct lsn_host *host, lsn_sink_fn sink,
                        void *ctx)
{
    struct out o;
    if (start(&o, sink, ctx) != 0)
        return -1;
    put_start(&o, "heartbeat", at);
    puts_(&o, ",\"count\":");
    put_u64(&o, count);
    put_end(&o, host);
    return finish(&o);
}
