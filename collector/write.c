/* write.c - the contract's JSON and the people's table. See listeners.h. */
#include "listeners.h"
#include "decimal.h"

#include "address_text.h"
#include "json_string.h"

#include <stdlib.h>
#include <string.h>

#define OUT_CAP 8192

struct out {
    char *buf;
    size_t len;
    lsn_sink_fn sink;
    void *ctx;
    int rc;
};

static void flush(struct out *o)
{
    if (o->len && !o->rc)
        o->rc = o->sink(o->ctx, o->buf, o->len);
    o->len = 0;
}

static void put(struct out *o, const char *s, size_t n)
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

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_spaces(struct out *o, size_t n)
{
    while (n--)
        put(o, " ", 1);
}

static void put_u64(struct out *o, uint64_t v)
{
    char t[21];
    put(o, t, lsn_decimal(t, v));
}

static size_t address_text(const struct lsn_listener *l, char dst[LSN_IPV6_TEXT_SIZE])
{
    size_t n = 0;
    if (l->family == LSN_FAMILY_IPV4)
        lsn_ipv4_text(l->bind_address, dst, LSN_IPV6_TEXT_SIZE, &n);
    else
        lsn_ipv6_text(l->bind_address, dst, LSN_IPV6_TEXT_SIZE, &n);
    return n;
}

static size_t longest_name(const struct lsn_result *r)
{
    size_t i, m = LSN_COMM_MAX;
    for (i = 0; i < r->count; i++)
        if (r->listeners[i].exe && r->listeners[i].exe_len > m)
            m = r->listeners[i].exe_len;
    return m;
}

static int start(struct out *o, lsn_sink_fn sink, void *ctx)
{
    o->buf = malloc(OUT_CAP);
    o->len = 0;
    o->sink = sink;
    o->ctx = ctx;
    o->rc = 0;
    return o->buf ? 0 : -1;
}

static int finish(struct out *o)
{
    flush(o);
    free(o->buf);
    return o->rc;
}

/* The constant text between a row's values, joined at compile time so a
 * row is a dozen copies. SEP goes between fields, COLON after a key. */
struct fragment {
    const char *s;
    size_t n;
};
#define FRAGMENT(text)                                                                             \
    {                                                                                              \
        (text), sizeof(text) - 1                                                                   \
    }
#define ADDRESS_KEYS(SEP, COLON, FAMILY)                                                           \
    FRAGMENT(SEP "\"family" COLON "\"" FAMILY "\"" SEP "\"protocol" COLON "\"tcp\"" SEP            \
                 "\"bind_address" COLON "\"")
#define LAYOUT(OPEN, SEP, COLON, CLOSE)                                                            \
    {                                                                                              \
        FRAGMENT(OPEN "\"port" COLON), ADDRESS_KEYS(SEP, COLON, "ipv4"),                           \
            ADDRESS_KEYS(SEP, COLON, "ipv6"), FRAGMENT("\"" SEP "\"pid" COLON),                    \
            FRAGMENT(SEP "\"comm" COLON), FRAGMENT(SEP "\"exe" COLON),                             \
            FRAGMENT(SEP "\"exe_verified" COLON), FRAGMENT(SEP "\"netns" COLON),                   \
            FRAGMENT(SEP "\"netns_host" COLON), FRAGMENT(CLOSE)                                    \
    }

struct json_layout {
    struct fragment port, ipv4, ipv6, pid, comm, exe, exe_verified, netns, netns_host, close;
};

static const struct json_layout compact_layout = LAYOUT("{", ",", "\":", "}");
static const struct json_layout pretty_layout =
    LAYOUT("      {\n        ", ",\n        ", "\": ", "\n      }");

static void put_fragment(struct out *o, const struct fragment *f)
{
    put(o, f->s, f->n);
}

/* The last text escaped for one field. Rows of one owner repeat the same
 * comm and exe, so each owner's text is escaped once, not once per row. */
struct escape_cache {
    const char *raw; /* the bytes last escaped (a row of the result), NULL: none */
    size_t raw_len;
    char *text;
    size_t len;
};

static void put_json_text(struct out *o, struct escape_cache *cache, size_t cap, const char *raw,
                          size_t raw_len)
{
    if (!cache->raw || cache->raw_len != raw_len ||
        (cache->raw != raw && memcmp(cache->raw, raw, raw_len) != 0)) {
        lsn_json_string(raw, raw_len, cache->text, cap, &cache->len);
        cache->raw = raw;
        cache->raw_len = raw_len;
    }
    put(o, cache->text, cache->len);
}

int lsn_write_json(const struct lsn_result *r, int pretty, lsn_sink_fn sink, void *ctx)
{
    const struct json_layout *f = pretty ? &pretty_layout : &compact_layout;
    struct escape_cache comm = {NULL, 0, NULL, 0}, exe = {NULL, 0, NULL, 0};
    struct out o;
    size_t cap, i;

    if (start(&o, sink, ctx) != 0)
        return -1;
    if (r->status != LSN_OK && r->status != LSN_PARTIAL) {
        puts_(&o, pretty ? "{\n  \"listeners\": null\n}\n" : "{\"listeners\":null}\n");
        return finish(&o);
    }
    cap = LSN_JSON_STRING_SIZE(longest_name(r));
    comm.text = malloc(2 * cap);
    if (!comm.text) {
        free(o.buf);
        return -1;
    }
    exe.text = comm.text + cap;
    puts_(&o, pretty ? "{\n  \"listeners\": {\n    \"listeners\": ["
                     : "{\"listeners\":{\"listeners\":[");
    for (i = 0; i < r->count && !o.rc; i++) {
        const struct lsn_listener *l = &r->listeners[i];
        char addr[LSN_IPV6_TEXT_SIZE];
        if (i)
            put(&o, ",", 1);
        if (pretty)
            put(&o, "\n", 1);
        put_fragment(&o, &f->port);
        put_u64(&o, l->port);
        put_fragment(&o, l->family == LSN_FAMILY_IPV6 ? &f->ipv6 : &f->ipv4);
        put(&o, addr, address_text(l, addr));
        put_fragment(&o, &f->pid);
        if (l->pid < 0)
            put(&o, "null", 4);
        else
            put_u64(&o, (uint64_t)l->pid);
        put_fragment(&o, &f->comm);
        if (l->pid >= 0 && l->comm)
            put_json_text(&o, &comm, cap, l->comm, l->comm_len);
        else
            put(&o, "null", 4);
        put_fragment(&o, &f->exe);
        if (l->pid >= 0 && l->exe)
            put_json_text(&o, &exe, cap, l->exe, l->exe_len);
        else
            put(&o, "null", 4);
        if (r->verify_exe) { /* the extensions outside the trait */
            put_fragment(&o, &f->exe_verified);
            if (l->pid < 0 || !l->exe || l->exe_verified == LSN_EXE_UNKNOWN)
                put(&o, "null", 4);
            else
                puts_(&o, l->exe_verified == LSN_EXE_VERIFIED ? "true" : "false");
        }
        if (r->all_netns) {
            put_fragment(&o, &f->netns);
            if (l->netns)
                put_u64(&o, l->netns);
            else
                put(&o, "null", 4);
            put_fragment(&o, &f->netns_host);
            puts_(&o, l->netns_host ? "true" : "false");
        }
        put_fragment(&o, &f->close);
    }
    if (pretty)
        puts_(&o, r->count ? "\n    ]" : "]");
    else
        puts_(&o, "]");
    if (r->status == LSN_PARTIAL) /* outside the trait: rows are missing */
        puts_(&o, pretty ? ",\n    \"partial\": true" : ",\"partial\":true");
    puts_(&o, pretty ? "\n  }\n}\n" : "}}\n");
    free(comm.text);
    return finish(&o);
}

/* Display width of escaped text: code points (escapes are ASCII). */
static size_t width(const char *s, size_t n)
{
    size_t w = 0, i;
    for (i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            w++;
    return w;
}

struct cells {
    char port[21], pid[21], addr[LSN_IPV6_TEXT_SIZE], netns[32];
    size_t port_len, pid_len, addr_len, netns_len;
};

static void row_cells(const struct lsn_listener *l, struct cells *c)
{
    c->port_len = lsn_decimal(c->port, l->port);
    if (l->netns) {
        c->netns_len = lsn_decimal(c->netns, l->netns);
    } else {
        memcpy(c->netns, "?", 2);
        c->netns_len = 1;
    }
    if (l->netns_host) {
        memcpy(c->netns + c->netns_len, "(host)", 7);
        c->netns_len += 6;
    }
    if (l->pid < 0) {
        memcpy(c->pid, "-", 2);
        c->pid_len = 1;
    } else {
        c->pid_len = lsn_decimal(c->pid, (uint64_t)l->pid);
    }
    c->addr_len = address_text(l, c->addr);
}

/* Escaped comm or exe of l into esc; returns its length ("-" for null). */
static size_t name_text(const struct lsn_listener *l, int exe, char *esc, size_t cap)
{
    size_t n = 0;
    if (l->pid < 0 || (exe ? !l->exe : !l->comm)) {
        memcpy(esc, "-", 2);
        return 1;
    }
    if (exe)
        lsn_terminal_text(l->exe, l->exe_len, esc, cap, &n);
    else
        lsn_terminal_text(l->comm, l->comm_len, esc, cap, &n);
    return n;
}

/* The VERIFIED cell (LSN_OPT_VERIFY_EXE): "yes", "NO", "-" (unknown). */
static const char *verified_text(const struct lsn_listener *l)
{
    if (l->pid < 0 || !l->exe || l->exe_verified == LSN_EXE_UNKNOWN)
        return "-";
    return l->exe_verified == LSN_EXE_VERIFIED ? "yes" : "NO";
}

int lsn_write_table(const struct lsn_result *r, lsn_sink_fn sink, void *ctx)
{
    size_t wport = 4, wfam = 6, waddr = 7, wpid = 3, wcomm = 4, wnetns = 5, i, esc_cap;
    struct out o;
    char *esc;

    if (r->status != LSN_OK && r->status != LSN_PARTIAL)
        return 0;
    esc_cap = longest_name(r) * 4 + 2;
    esc = malloc(esc_cap);
    if (!esc)
        return -1;
    if (start(&o, sink, ctx) != 0) {
        free(esc);
        return -1;
    }
    for (i = 0; i < r->count; i++) {
        struct cells c;
        size_t w;
        row_cells(&r->listeners[i], &c);
        if (c.port_len > wport)
            wport = c.port_len;
        if (c.pid_len > wpid)
            wpid = c.pid_len;
        if (c.addr_len > waddr)
            waddr = c.addr_len;
        if (c.netns_len > wnetns)
            wnetns = c.netns_len;
        w = name_text(&r->listeners[i], 0, esc, esc_cap);
        w = width(esc, w);
        if (w > wcomm)
            wcomm = w;
    }
    put_spaces(&o, wport - 4);
    puts_(&o, "PORT  FAMILY  ADDRESS");
    if (r->all_netns) {
        put_spaces(&o, waddr - 7 + 2);
        puts_(&o, "NETNS");
        put_spaces(&o, wnetns - 5 + 2 + wpid - 3);
    } else {
        put_spaces(&o, waddr - 7 + 2 + wpid - 3);
    }
    puts_(&o, "PID  COMM");
    put_spaces(&o, wcomm - 4 + 2);
    puts_(&o, r->verify_exe ? "VERIFIED  EXE\n" : "EXE\n");
    for (i = 0; i < r->count && !o.rc; i++) {
        const struct lsn_listener *l = &r->listeners[i];
        struct cells c;
        size_t n;
        row_cells(l, &c);
        put_spaces(&o, wport - c.port_len);
        put(&o, c.port, c.port_len);
        puts_(&o, "  ");
        puts_(&o, lsn_family_name(l->family));
        put_spaces(&o, wfam - 4 + 2);
        put(&o, c.addr, c.addr_len);
        if (r->all_netns) {
            put_spaces(&o, waddr - c.addr_len + 2);
            put(&o, c.netns, c.netns_len);
            put_spaces(&o, wnetns - c.netns_len + 2 + wpid - c.pid_len);
        } else {
            put_spaces(&o, waddr - c.addr_len + 2 + wpid - c.pid_len);
        }
        put(&o, c.pid, c.pid_len);
        puts_(&o, "  ");
        n = name_text(l, 0, esc, esc_cap);
        put(&o, esc, n);
        put_spaces(&o, wcomm - width(esc, n) + 2);
        if (r->verify_exe) {
            const char *v = verified_text(l);
            puts_(&o, v);
            put_spaces(&o, 8 - strlen(v) + 2);
        }
        n = name_text(l, 1, esc, esc_cap);
        put(&o, esc, n);
        puts_(&o, "\n");
    }
    free(esc);
    return finish(&o);
}
