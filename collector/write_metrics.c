/* write_metrics.c - the fleet formats: the Prometheus text exposition for
 * node_exporter's textfile collector, and the ports trait. See listeners.h
 * and docs/contract.md ("--format openmetrics", "listeners ports"). */
#include "listeners.h"
#include "decimal.h"
#include "out.h"

#include "address_text.h"
#include "json_string.h"

#include <stdlib.h>
#include <string.h>

/* v / 10^digits with digits decimals: 1234567 ns, 9 -> "0.001234567". */
static void put_fixed(struct out *o, uint64_t v, unsigned digits)
{
    uint64_t scale = 1;
    char t[21];
    size_t n;
    for (unsigned i = 0; i < digits; i++)
        scale *= 10;
    put_u64(o, v / scale);
    put(o, ".", 1);
    n = lsn_decimal(t, v % scale);
    for (size_t i = n; i < digits; i++)
        put(o, "0", 1);
    put(o, t, n);
}

static void put_family(struct out *o, const char *name, const char *type, const char *help)
{
    puts_(o, "# HELP ");
    puts_(o, name);
    put(o, " ", 1);
    puts_(o, help);
    puts_(o, "\n# TYPE ");
    puts_(o, name);
    put(o, " ", 1);
    puts_(o, type);
    put(o, "\n", 1);
}

/* The label text of a name (comm, exe, interface); "" for NULL. An empty
 * value is the same as no label in Prometheus, so NULL and "" are one. */
static size_t label_text(const char *raw, size_t raw_len, char *dst, size_t cap)
{
    size_t n = 0;
    if (raw)
        lsn_label_value(raw, raw_len, dst, cap, &n);
    return n;
}

struct names {
    const char *comm, *exe, *interface;
    size_t comm_len, exe_len, interface_len;
};

static void row_names(const struct lsn_result *r, const struct lsn_listener *l, struct names *n)
{
    int owned = l->pid >= 0;
    n->comm = owned ? l->comm : NULL;
    n->comm_len = n->comm ? l->comm_len : 0;
    n->exe = owned ? l->exe : NULL;
    n->exe_len = n->exe ? l->exe_len : 0;
    n->interface = l->protocol == LSN_PROTO_PACKET ? lsn_interface_name(r, l) : NULL;
    n->interface_len = n->interface ? strlen(n->interface) : 0;
}

/* Scratch for comparing two rows' labels as they are written (two byte
 * strings that are not valid UTF-8 can become the same text). */
struct scratch {
    char *a, *b;
    size_t cap;
};

static int same_text(struct scratch *s, const char *x, size_t xn, const char *y, size_t yn)
{
    size_t a, b;
    if (xn == yn && (xn == 0 || (x && y && memcmp(x, y, xn) == 0)))
        return 1;
    a = label_text(x, xn, s->a, s->cap);
    b = label_text(y, yn, s->b, s->cap);
    return a == b && memcmp(s->a, s->b, a) == 0;
}

/* One series: the same protocol, port, family and address (the caller's
 * group) and the same ifindex, interface, comm and exe as written. */
static int same_series(const struct lsn_result *r, struct scratch *s, const struct lsn_listener *x,
                       const struct lsn_listener *y)
{
    struct names a, b;
    row_names(r, x, &a);
    row_names(r, y, &b);
    return x->ifindex == y->ifindex &&
           same_text(s, a.interface, a.interface_len, b.interface, b.interface_len) &&
           same_text(s, a.comm, a.comm_len, b.comm, b.comm_len) &&
           same_text(s, a.exe, a.exe_len, b.exe, b.exe_len);
}

/* Rows the contract's order keeps together: same protocol, port, family
 * and address bytes (the order then goes by inode). */
static int same_group(const struct lsn_listener *x, const struct lsn_listener *y)
{
    return x->protocol == y->protocol && x->port == y->port && x->family == y->family &&
           memcmp(x->bind_address, y->bind_address, sizeof x->bind_address) == 0;
}

static void put_label(struct out *o, struct scratch *s, int *first, const char *key,
                      const char *raw, size_t raw_len)
{
    size_t n = label_text(raw, raw_len, s->a, s->cap);
    if (n == 0) /* null or empty: no label */
        return;
    if (!*first)
        put(o, ",", 1);
    *first = 0;
    puts_(o, key);
    puts_(o, "=\"");
    put(o, s->a, n);
    put(o, "\"", 1);
}

static void put_number_label(struct out *o, int *first, const char *key, int64_t v)
{
    if (!*first)
        put(o, ",", 1);
    *first = 0;
    puts_(o, key);
    puts_(o, "=\"");
    if (v < 0) {
        put(o, "-", 1);
        put_u64(o, (uint64_t)(-v));
    } else {
        put_u64(o, (uint64_t)v);
    }
    put(o, "\"", 1);
}

static void put_series(struct out *o, struct scratch *s, const struct lsn_result *r,
                       const struct lsn_listener *l, uint64_t count)
{
    struct names nm;
    int first = 1;
    row_names(r, l, &nm);
    puts_(o, "listeners_listener_info{");
    put_label(o, s, &first, "protocol", lsn_protocol_name((enum lsn_protocol)l->protocol),
              strlen(lsn_protocol_name((enum lsn_protocol)l->protocol)));
    if (l->protocol != LSN_PROTO_PACKET) {
        char addr[LSN_IPV6_TEXT_SIZE];
        size_t n = 0;
        const char *family = lsn_family_name((enum lsn_family)l->family);
        put_label(o, s, &first, "family", family, strlen(family));
        if (l->family == LSN_FAMILY_IPV4)
            lsn_ipv4_text(l->bind_address, addr, sizeof addr, &n);
        else
            lsn_ipv6_text(l->bind_address, addr, sizeof addr, &n);
        put_label(o, s, &first, "address", addr, n);
    }
    if (l->protocol == LSN_PROTO_TCP || l->protocol == LSN_PROTO_UDP)
        put_number_label(o, &first, "port", l->port);
    else if (l->protocol == LSN_PROTO_RAW)
        put_number_label(o, &first, "ip_protocol", l->port);
    else {
        put_number_label(o, &first, "ethertype", l->port);
        put_number_label(o, &first, "ifindex", l->ifindex);
        put_label(o, s, &first, "interface", nm.interface, nm.interface_len);
    }
    put_label(o, s, &first, "comm", nm.comm, nm.comm_len);
    put_label(o, s, &first, "exe", nm.exe, nm.exe_len);
    puts_(o, "} ");
    put_u64(o, count);
    put(o, "\n", 1);
}

int lsn_write_openmetrics(const struct lsn_result *r, uint64_t unix_nanoseconds, lsn_sink_fn sink,
                          void *ctx)
{
    struct out out, *o = &out;
    struct scratch s = {NULL, NULL, 0};
    int rows = r->status == LSN_OK || r->status == LSN_PARTIAL;
    uint64_t unattributed = 0;
    size_t longest = LSN_COMM_MAX, i, j, g;
    int rc;

    if (start(o, sink, ctx) != 0)
        return -1;
    for (i = 0; rows && i < r->count; i++)
        if (r->listeners[i].exe && r->listeners[i].exe_len > longest)
            longest = r->listeners[i].exe_len;
    s.cap = LSN_LABEL_VALUE_SIZE(longest);
    s.a = malloc(2 * s.cap);
    if (!s.a) {
        finish(o);
        return -1;
    }
    s.b = s.a + s.cap;

    put_family(o, "listeners_listener_info", "gauge",
               "A socket that can receive traffic (tcp: listening); the value counts the "
               "sockets with these labels, usually 1. No pid label: pids change on every "
               "restart.");
    for (g = 0; rows && g < r->count && !o->rc; g = j) {
        for (j = g + 1; j < r->count && same_group(&r->listeners[g], &r->listeners[j]); j++)
            ;
        for (i = g; i < j; i++) {
            size_t k;
            uint64_t count = 1;
            for (k = g; k < i && !same_series(r, &s, &r->listeners[k], &r->listeners[i]); k++)
                ;
            if (k < i) /* written with an earlier row of its series */
                continue;
            for (k = i + 1; k < j; k++)
                count += (uint64_t)same_series(r, &s, &r->listeners[i], &r->listeners[k]);
            put_series(o, &s, r, &r->listeners[i], count);
        }
    }
    for (i = 0; rows && i < r->count; i++)
        unattributed += r->listeners[i].pid < 0;
    put_family(o, "listeners_unattributed", "gauge",
               "Sockets without an owner (pid null: no permission to read the holder, it "
               "exited, another pid namespace, or the kernel holds it).");
    puts_(o, "listeners_unattributed ");
    put_u64(o, unattributed);
    put(o, "\n", 1);
    put_family(o, "listeners_partial", "gauge",
               "1 when some sockets are missing (a table over the size cap, or out of "
               "memory), else 0.");
    puts_(o, r->status == LSN_PARTIAL ? "listeners_partial 1\n" : "listeners_partial 0\n");
    put_family(o, "listeners_collect_duration_seconds", "gauge",
               "Time the collection took, in seconds.");
    puts_(o, "listeners_collect_duration_seconds ");
    put_fixed(o, r->stats.total_nanoseconds, 9);
    put(o, "\n", 1);
    put_family(o, "listeners_last_success_timestamp_seconds", "gauge",
               "Unix time of the collection that wrote these metrics, in seconds.");
    puts_(o, "listeners_last_success_timestamp_seconds ");
    put_fixed(o, unix_nanoseconds / 1000000u, 3);
    put(o, "\n", 1);
    rc = finish(o);
    free(s.a);
    return rc;
}

static int compare_port(const void *a, const void *b)
{
    uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
    return (x > y) - (x < y);
}

int lsn_write_ports(const struct lsn_result *r, lsn_sink_fn sink, void *ctx)
{
    struct out out, *o = &out;
    uint16_t *ports = NULL;
    size_t n = 0, i;
    int rc;

    if (r->status != LSN_OK && r->status != LSN_PARTIAL)
        return sink(ctx, "{\"ports\":null}\n", 15);
    if (r->count) {
        ports = malloc(r->count * sizeof *ports);
        if (!ports)
            return -1;
    }
    for (i = 0; i < r->count; i++) /* tcp and udp: raw and packet rows have no port */
        if (r->listeners[i].protocol == LSN_PROTO_TCP || r->listeners[i].protocol == LSN_PROTO_UDP)
            ports[n++] = r->listeners[i].port;
    if (n)
        qsort(ports, n, sizeof *ports, compare_port);
    if (start(o, sink, ctx) != 0) {
        free(ports);
        return -1;
    }
    puts_(o, "{\"ports\":[");
    for (i = 0; i < n; i++) {
        if (i && ports[i] == ports[i - 1])
            continue;
        if (i)
            put(o, ",", 1);
        put_u64(o, ports[i]);
    }
    puts_(o, "]}\n");
    rc = finish(o);
    free(ports);
    return rc;
}
