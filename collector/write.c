/* write.c - the contract's JSON and the people's table. See listeners.h. */
#include "listeners.h"
#include "decimal.h"
#include "out.h"
#include "rfc3339.h"

#include "address_text.h"
#include "json_string.h"

#include <stdlib.h>
#include <string.h>

static void put_spaces(struct out *o, size_t n)
{
    while (n--)
        put(o, " ", 1);
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
    for (i = 0; i < r->nholders; i++)
        if (r->holders[i].exe && r->holders[i].exe_len > m)
            m = r->holders[i].exe_len;
    return m;
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
            FRAGMENT(SEP "\"netns_host" COLON), FRAGMENT(CLOSE), FRAGMENT(SEP "\""),               \
            FRAGMENT(COLON)                                                                        \
    }

struct json_layout {
    struct fragment port, ipv4, ipv6, pid, comm, exe, exe_verified, netns, netns_host, close;
    struct fragment key_open, key_close; /* around any other key: SEP "  and  " COLON */
};

static const struct json_layout compact_layout = LAYOUT("{", ",", "\":", "}");
/* NDJSON with --host: the row left open for its "host" key. */
static const struct json_layout open_layout = LAYOUT("{", ",", "\":", "");
static const struct json_layout pretty_layout =
    LAYOUT("      {\n        ", ",\n        ", "\": ", "\n      }");

static void put_fragment(struct out *o, const struct fragment *f)
{
    put(o, f->s, f->n);
}

/* SEP "name" COLON: a key of the extensions. */
static void put_key(struct out *o, const struct json_layout *f, const char *name)
{
    put_fragment(o, &f->key_open);
    puts_(o, name);
    put_fragment(o, &f->key_close);
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

/* The port, family, protocol and bind_address of a row that is not tcp,
 * and the pid key: udp as tcp; raw without a port (its number is the IP
 * protocol, "ip_protocol"); packet without port, family or address. */
static void put_other_address(struct out *o, const struct json_layout *f,
                              const struct lsn_listener *l)
{
    char addr[LSN_IPV6_TEXT_SIZE];
    if (l->protocol == LSN_PROTO_UDP)
        put_u64(o, l->port);
    else
        puts_(o, "null");
    put_key(o, f, "family");
    if (l->protocol == LSN_PROTO_PACKET)
        puts_(o, "null");
    else
        puts_(o, l->family == LSN_FAMILY_IPV6 ? "\"ipv6\"" : "\"ipv4\"");
    put_key(o, f, "protocol");
    put(o, "\"", 1);
    puts_(o, lsn_protocol_name((enum lsn_protocol)l->protocol));
    put(o, "\"", 1);
    put_key(o, f, "bind_address");
    if (l->protocol == LSN_PROTO_PACKET) {
        puts_(o, "null");
    } else {
        put(o, "\"", 1);
        put(o, addr, address_text(l, addr));
        put(o, "\"", 1);
    }
    put_key(o, f, "pid");
}

/* After exe: raw "ip_protocol"; packet "ethertype", "ifindex", "interface". */
static void put_protocol_keys(struct out *o, const struct json_layout *f,
                              const struct lsn_result *r, const struct lsn_listener *l)
{
    if (l->protocol == LSN_PROTO_RAW) {
        put_key(o, f, "ip_protocol");
        put_u64(o, l->port);
    } else if (l->protocol == LSN_PROTO_PACKET) {
        const char *name = lsn_interface_name(r, l);
        char t[LSN_JSON_STRING_SIZE(16)];
        put_key(o, f, "ethertype");
        put_u64(o, l->port);
        put_key(o, f, "ifindex");
        if (l->ifindex < 0) {
            puts_(o, "-");
            put_u64(o, (uint64_t)(-(int64_t)l->ifindex));
        } else {
            put_u64(o, (uint64_t)l->ifindex);
        }
        put_key(o, f, "interface");
        if (name) { /* sysfs names: at most 15 bytes, but escaped all the same */
            lsn_json_string(name, strlen(name), t, sizeof t, NULL);
            puts_(o, t);
        } else {
            puts_(o, "null");
        }
    }
}

/* "holders":[{"pid":..,"comm":..,"exe":..,"fds":[..]},...] in pid order. */
static void put_holders(struct out *o, const struct json_layout *f, const struct lsn_result *r,
                        const struct lsn_listener *l, struct escape_cache *comm,
                        struct escape_cache *exe, size_t cap)
{
    size_t n, i;
    const struct lsn_holder *h = lsn_holders_of(r, l, &n);
    put_key(o, f, "holders");
    put(o, "[", 1);
    for (i = 0; i < n; i++) {
        if (i && h[i].pid == h[i - 1].pid) { /* another fd of the same holder */
            put(o, ",", 1);
            put_u64(o, (uint64_t)h[i].fd);
            continue;
        }
        if (i)
            puts_(o, "]},");
        puts_(o, "{\"pid\":");
        put_u64(o, (uint64_t)h[i].pid);
        puts_(o, ",\"comm\":");
        if (h[i].comm) {
            put_json_text(o, comm, cap, h[i].comm, h[i].comm_len);
        } else {
            puts_(o, "null");
        }
        puts_(o, ",\"exe\":");
        if (h[i].exe) {
            put_json_text(o, exe, cap, h[i].exe, h[i].exe_len);
        } else {
            puts_(o, "null");
        }
        puts_(o, ",\"fds\":[");
        put_u64(o, (uint64_t)h[i].fd);
    }
    puts_(o, n ? "]}]" : "]");
}

static void put_host_field(struct out *o, const char *key, const struct lsn_host_field *f)
{
    char t[LSN_JSON_STRING_SIZE(LSN_HOST_FIELD_MAX)];
    size_t n = 0;
    puts_(o, key);
    if (!f->has) {
        puts_(o, "null");
        return;
    }
    lsn_json_string(f->text, f->len, t, sizeof t, &n);
    put(o, t, n);
}

/* The envelope object (lsn_write_host), compact (out.h). */
void lsn_put_host(struct out *o, const struct lsn_host *h)
{
    char when[32];
    puts_(o, "{\"schema_version\":");
    put_u64(o, LSN_HOST_SCHEMA);
    put_host_field(o, ",\"hostname\":", &h->hostname);
    put_host_field(o, ",\"boot_id\":", &h->boot_id);
    put_host_field(o, ",\"machine_id\":", &h->machine_id);
    put_host_field(o, ",\"kernel_release\":", &h->kernel_release);
    puts_(o, ",\"collected_at\":\"");
    put(o, when, lsn_rfc3339(h->collected_at, when));
    puts_(o, "\",\"listeners_version\":");
    if (h->version) {
        struct lsn_host_field v;
        size_t n = strlen(h->version);
        v.has = 1;
        v.len = n < LSN_HOST_FIELD_MAX ? n : LSN_HOST_FIELD_MAX;
        memcpy(v.text, h->version, v.len);
        v.text[v.len] = '\0';
        put_host_field(o, "", &v);
    } else {
        puts_(o, "null");
    }
    put(o, "}", 1);
}

int lsn_write_host(const struct lsn_host *host, lsn_sink_fn sink, void *ctx)
{
    struct out o;
    if (start(&o, sink, ctx) != 0)
        return -1;
    lsn_put_host(&o, host);
    return finish(&o);
}

/* The escape caches of a writer: comm, exe, holders' comm and exe, each
 * cap bytes of one allocation (comm.text). */
struct row_caches {
    struct escape_cache comm, exe, hcomm, hexe;
    size_t cap;
};

static int caches_start(struct row_caches *c, const struct lsn_result *r)
{
    memset(c, 0, sizeof *c);
    c->cap = LSN_JSON_STRING_SIZE(longest_name(r));
    c->comm.text = malloc(4 * c->cap);
    if (!c->comm.text)
        return -1;
    c->exe.text = c->comm.text + c->cap;
    c->hcomm.text = c->comm.text + 2 * c->cap;
    c->hexe.text = c->comm.text + 3 * c->cap;
    return 0;
}

/* One row object in layout f, from its first byte to its closing brace. */
static void put_row(struct out *o, const struct json_layout *f, const struct lsn_result *r,
                    const struct lsn_listener *l, struct row_caches *c)
{
    char addr[LSN_IPV6_TEXT_SIZE];
    put_fragment(o, &f->port);
    if (l->protocol == LSN_PROTO_TCP) { /* the trait's row, as fast as before */
        put_u64(o, l->port);
        put_fragment(o, l->family == LSN_FAMILY_IPV6 ? &f->ipv6 : &f->ipv4);
        put(o, addr, address_text(l, addr));
        put_fragment(o, &f->pid);
    } else {
        put_other_address(o, f, l);
    }
    if (l->pid < 0)
        put(o, "null", 4);
    else
        put_u64(o, (uint64_t)l->pid);
    put_fragment(o, &f->comm);
    if (l->pid >= 0 && l->comm)
        put_json_text(o, &c->comm, c->cap, l->comm, l->comm_len);
    else
        put(o, "null", 4);
    put_fragment(o, &f->exe);
    if (l->pid >= 0 && l->exe)
        put_json_text(o, &c->exe, c->cap, l->exe, l->exe_len);
    else
        put(o, "null", 4);
    put_protocol_keys(o, f, r, l);
    if (r->flags & LSN_OPT_UID) {
        put_key(o, f, "uid");
        put_u64(o, l->uid);
    }
    if (r->verify_exe) { /* the extensions outside the trait */
        put_fragment(o, &f->exe_verified);
        if (l->pid < 0 || !l->exe || l->exe_verified == LSN_EXE_UNKNOWN)
            put(o, "null", 4);
        else
            puts_(o, l->exe_verified == LSN_EXE_VERIFIED ? "true" : "false");
    }
    if (r->all_netns) {
        put_fragment(o, &f->netns);
        if (l->netns)
            put_u64(o, l->netns);
        else
            put(o, "null", 4);
        put_fragment(o, &f->netns_host);
        puts_(o, l->netns_host ? "true" : "false");
    }
    if (r->flags & LSN_OPT_HOLDERS)
        put_holders(o, f, r, l, &c->hcomm, &c->hexe, c->cap);
    put_fragment(o, &f->close);
}

int lsn_write_json(const struct lsn_result *r, int pretty, lsn_sink_fn sink, void *ctx)
{
    return lsn_write_json_host(r, pretty, NULL, sink, ctx);
}

int lsn_write_json_host(const struct lsn_result *r, int pretty, const struct lsn_host *host,
                        lsn_sink_fn sink, void *ctx)
{
    const struct json_layout *f = pretty ? &pretty_layout : &compact_layout;
    struct row_caches c;
    struct out o;
    size_t i;

    if (start(&o, sink, ctx) != 0)
        return -1;
    if (host) { /* the envelope: {"host":{...},"listeners":...} */
        puts_(&o, pretty ? "{\n  \"host\": " : "{\"host\":");
        lsn_put_host(&o, host);
        puts_(&o, pretty ? ",\n  \"listeners\": " : ",\"listeners\":");
    } else {
        puts_(&o, pretty ? "{\n  \"listeners\": " : "{\"listeners\":");
    }
    if (r->status != LSN_OK && r->status != LSN_PARTIAL) {
        puts_(&o, pretty ? "null\n}\n" : "null}\n");
        return finish(&o);
    }
    if (caches_start(&c, r) != 0) {
        free(o.buf);
        return -1;
    }
    puts_(&o, pretty ? "{\n    \"listeners\": [" : "{\"listeners\":[");
    for (i = 0; i < r->count && !o.rc; i++) {
        if (i)
            put(&o, ",", 1);
        if (pretty)
            put(&o, "\n", 1);
        put_row(&o, f, r, &r->listeners[i], &c);
    }
    if (pretty)
        puts_(&o, r->count ? "\n    ]" : "]");
    else
        puts_(&o, "]");
    if (r->status == LSN_PARTIAL) /* outside the trait: rows are missing */
        puts_(&o, pretty ? ",\n    \"partial\": true" : ",\"partial\":true");
    puts_(&o, pretty ? "\n  }\n}\n" : "}}\n");
    free(c.comm.text);
    return finish(&o);
}

int lsn_write_ndjson(const struct lsn_result *r, const struct lsn_host *host, lsn_sink_fn sink,
                     void *ctx)
{
    struct row_caches c;
    struct out o;
    size_t i;

    if (r->status != LSN_OK && r->status != LSN_PARTIAL)
        return 0;
    if (start(&o, sink, ctx) != 0)
        return -1;
    if (caches_start(&c, r) != 0) {
        free(o.buf);
        return -1;
    }
    for (i = 0; i < r->count && !o.rc; i++) {
        put_row(&o, host ? &open_layout : &compact_layout, r, &r->listeners[i], &c);
        if (host) { /* the row's last key, then its '}' */
            puts_(&o, ",\"host\":");
            lsn_put_host(&o, host);
            put(&o, "}", 1);
        }
        put(&o, "\n", 1);
    }
    if (r->status == LSN_PARTIAL) { /* rows are missing: the last line says so */
        puts_(&o, "{\"partial\":true");
        if (host) {
            puts_(&o, ",\"host\":");
            lsn_put_host(&o, host);
        }
        puts_(&o, "}\n");
    }
    free(c.comm.text);
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
    char port[21], pid[21], addr[LSN_IPV6_TEXT_SIZE], netns[32], proto[32], uid[21], holders[128];
    size_t port_len, pid_len, addr_len, netns_len, proto_len, uid_len, holders_len;
};

/* HOLDERS: the holder pids, comma-separated, at most 8 and "+N" more. */
static size_t holders_cell(const struct lsn_result *r, const struct lsn_listener *l, char *dst)
{
    size_t n, i, len = 0, shown = 0, more = 0;
    const struct lsn_holder *h = lsn_holders_of(r, l, &n);
    for (i = 0; i < n; i++) {
        if (i && h[i].pid == h[i - 1].pid)
            continue;
        if (shown == 8) {
            more++;
            continue;
        }
        if (shown++)
            dst[len++] = ',';
        len += lsn_decimal(dst + len, (uint64_t)h[i].pid);
    }
    if (more) {
        dst[len++] = '+';
        len += lsn_decimal(dst + len, more);
    }
    if (!len)
        dst[len++] = '-';
    dst[len] = '\0';
    return len;
}

static void row_cells(const struct lsn_result *r, const struct lsn_listener *l, struct cells *c)
{
    size_t n;
    const char *ifname;
    if (l->protocol == LSN_PROTO_TCP || l->protocol == LSN_PROTO_UDP) {
        c->port_len = lsn_decimal(c->port, l->port);
    } else {
        memcpy(c->port, "-", 2);
        c->port_len = 1;
    }
    n = strlen(lsn_protocol_name((enum lsn_protocol)l->protocol));
    memcpy(c->proto, lsn_protocol_name((enum lsn_protocol)l->protocol), n);
    if (l->protocol == LSN_PROTO_RAW) { /* raw:1 (ICMP), raw:58 (ICMPv6), ... */
        c->proto[n++] = ':';
        n += lsn_decimal(c->proto + n, l->port);
    } else if (l->protocol == LSN_PROTO_PACKET) { /* packet:0x0003, the ethertype */
        static const char hex[] = "0123456789abcdef";
        memcpy(c->proto + n, ":0x", 3);
        n += 3;
        for (int k = 12; k >= 0; k -= 4)
            c->proto[n++] = hex[(l->port >> k) & 0xF];
    }
    c->proto[n] = '\0';
    c->proto_len = n;
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
    c->uid_len = lsn_decimal(c->uid, l->uid);
    c->holders_len = (r->flags & LSN_OPT_HOLDERS) ? holders_cell(r, l, c->holders) : 0;
    if (l->protocol != LSN_PROTO_PACKET) {
        c->addr_len = address_text(l, c->addr);
    } else if (l->ifindex == 0) { /* every interface */
        memcpy(c->addr, "*", 2);
        c->addr_len = 1;
    } else if ((ifname = lsn_interface_name(r, l)) != NULL) { /* sysfs: no controls in it */
        size_t k;
        for (k = 0; k < 15 && ifname[k]; k++) { /* printable ASCII, else '?' */
            c->addr[k] = '?';
            if (ifname[k] > 0x20 && ifname[k] < 0x7f)
                c->addr[k] = ifname[k];
        }
        c->addr[k] = '\0';
        c->addr_len = k;
    } else { /* #3: an index without a name here, #-1: the device is gone */
        c->addr[0] = '#';
        if (l->ifindex < 0) {
            c->addr[1] = '-';
            c->addr_len = 2 + lsn_decimal(c->addr + 2, (uint64_t)(-(int64_t)l->ifindex));
        } else {
            c->addr_len = 1 + lsn_decimal(c->addr + 1, (uint64_t)l->ifindex);
        }
    }
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
    size_t wport = 4, wproto = 5, wfam = 6, waddr = 7, wpid = 3, wuid = 3, whold = 7, wcomm = 4,
           wnetns = 5, i, esc_cap;
    int protos = (r->protocols & ~LSN_PROTOS_TCP) != 0, uid = (r->flags & LSN_OPT_UID) != 0,
        holders = (r->flags & LSN_OPT_HOLDERS) != 0;
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
        row_cells(r, &r->listeners[i], &c);
        if (c.port_len > wport)
            wport = c.port_len;
        if (c.proto_len > wproto)
            wproto = c.proto_len;
        if (c.pid_len > wpid)
            wpid = c.pid_len;
        if (c.uid_len > wuid)
            wuid = c.uid_len;
        if (c.holders_len > whold)
            whold = c.holders_len;
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
    puts_(&o, "PORT  ");
    if (protos) {
        puts_(&o, "PROTO");
        put_spaces(&o, wproto - 5 + 2);
    }
    puts_(&o, "FAMILY  ADDRESS");
    if (r->all_netns) {
        put_spaces(&o, waddr - 7 + 2);
        puts_(&o, "NETNS");
        put_spaces(&o, wnetns - 5 + 2 + wpid - 3);
    } else {
        put_spaces(&o, waddr - 7 + 2 + wpid - 3);
    }
    puts_(&o, "PID  ");
    if (uid) {
        put_spaces(&o, wuid - 3);
        puts_(&o, "UID  ");
    }
    if (holders) {
        puts_(&o, "HOLDERS");
        put_spaces(&o, whold - 7 + 2);
    }
    puts_(&o, "COMM");
    put_spaces(&o, wcomm - 4 + 2);
    puts_(&o, r->verify_exe ? "VERIFIED  EXE\n" : "EXE\n");
    for (i = 0; i < r->count && !o.rc; i++) {
        const struct lsn_listener *l = &r->listeners[i];
        const char *fam = l->protocol == LSN_PROTO_PACKET ? "-" : lsn_family_name(l->family);
        struct cells c;
        size_t n;
        row_cells(r, l, &c);
        put_spaces(&o, wport - c.port_len);
        put(&o, c.port, c.port_len);
        puts_(&o, "  ");
        if (protos) {
            put(&o, c.proto, c.proto_len);
            put_spaces(&o, wproto - c.proto_len + 2);
        }
        puts_(&o, fam);
        put_spaces(&o, wfam - strlen(fam) + 2);
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
        if (uid) {
            put_spaces(&o, wuid - c.uid_len);
            put(&o, c.uid, c.uid_len);
            puts_(&o, "  ");
        }
        if (holders) {
            put(&o, c.holders, c.holders_len);
            put_spaces(&o, whold - c.holders_len + 2);
        }
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

/* ---- the table with chosen columns (-o/--columns, -H) ---- */

static const char *const column_names[LSN_COL_COUNT] = {"PORT",  "PROTO",    "FAMILY", "ADDRESS",
                                                        "NETNS", "PID",      "UID",    "HOLDERS",
                                                        "COMM",  "VERIFIED", "EXE"};

const char *lsn_column_name(enum lsn_column column)
{
    return (unsigned)column < LSN_COL_COUNT ? column_names[column] : NULL;
}

size_t lsn_table_columns(const struct lsn_result *r, enum lsn_column cols[LSN_COL_COUNT])
{
    size_t n = 0;
    cols[n++] = LSN_COL_PORT;
    if (r->protocols & ~LSN_PROTOS_TCP)
        cols[n++] = LSN_COL_PROTO;
    cols[n++] = LSN_COL_FAMILY;
    cols[n++] = LSN_COL_ADDRESS;
    if (r->all_netns)
        cols[n++] = LSN_COL_NETNS;
    cols[n++] = LSN_COL_PID;
    if (r->flags & LSN_OPT_UID)
        cols[n++] = LSN_COL_UID;
    if (r->flags & LSN_OPT_HOLDERS)
        cols[n++] = LSN_COL_HOLDERS;
    cols[n++] = LSN_COL_COMM;
    if (r->verify_exe)
        cols[n++] = LSN_COL_VERIFIED;
    cols[n++] = LSN_COL_EXE;
    return n;
}

/* The text of column k of row l (cells c, escaped names into esc). */
static size_t column_cell(const struct lsn_listener *l, const struct cells *c, enum lsn_column k,
                          char *esc, size_t esc_cap, const char **text)
{
    switch (k) {
    case LSN_COL_PORT: *text = c->port; return c->port_len;
    case LSN_COL_PROTO: *text = c->proto; return c->proto_len;
    case LSN_COL_FAMILY:
        *text = l->protocol == LSN_PROTO_PACKET ? "-" : lsn_family_name(l->family);
        return strlen(*text);
    case LSN_COL_ADDRESS: *text = c->addr; return c->addr_len;
    case LSN_COL_NETNS: *text = c->netns; return c->netns_len;
    case LSN_COL_PID: *text = c->pid; return c->pid_len;
    case LSN_COL_UID: *text = c->uid; return c->uid_len;
    case LSN_COL_HOLDERS: *text = c->holders; return c->holders_len;
    case LSN_COL_VERIFIED: *text = verified_text(l); return strlen(*text);
    case LSN_COL_COMM:
    case LSN_COL_EXE: *text = esc; return name_text(l, k == LSN_COL_EXE, esc, esc_cap);
    case LSN_COL_COUNT: break;
    }
    *text = "";
    return 0;
}

static int right_aligned(enum lsn_column k)
{
    return k == LSN_COL_PORT || k == LSN_COL_PID || k == LSN_COL_UID;
}

/* One line: texts[j] of display width w[j] in columns of width widths[j]. */
static void put_line(struct out *o, const enum lsn_column *cols, size_t n, const size_t *widths,
                     const char *const *texts, const size_t *lens, const size_t *w)
{
    for (size_t j = 0; j < n; j++) {
        if (j)
            puts_(o, "  ");
        if (right_aligned(cols[j]))
            put_spaces(o, widths[j] - w[j]);
        put(o, texts[j], lens[j]);
        if (!right_aligned(cols[j]) && j + 1 < n)
            put_spaces(o, widths[j] - w[j]);
    }
    put(o, "\n", 1);
}

int lsn_write_table_columns(const struct lsn_result *r, const enum lsn_column *cols, size_t n,
                            int headings, lsn_sink_fn sink, void *ctx)
{
    size_t widths[LSN_COL_COUNT], lens[LSN_COL_COUNT], w[LSN_COL_COUNT], esc_cap, j;
    const char *texts[LSN_COL_COUNT];
    struct out o;
    char *esc;

    if (r->status != LSN_OK && r->status != LSN_PARTIAL)
        return 0;
    if (n > LSN_COL_COUNT)
        n = LSN_COL_COUNT;
    for (j = 0; j < n; j++)
        if ((unsigned)cols[j] >= LSN_COL_COUNT)
            return -1;
    esc_cap = longest_name(r) * 4 + 2;
    esc = malloc(esc_cap * LSN_COL_COUNT); /* a name buffer per column: COMM, EXE */
    if (!esc)
        return -1;
    if (start(&o, sink, ctx) != 0) {
        free(esc);
        return -1;
    }
    for (j = 0; j < n; j++)
        widths[j] = strlen(column_names[cols[j]]);
    for (size_t i = 0; i < r->count; i++) {
        struct cells c;
        row_cells(r, &r->listeners[i], &c);
        for (j = 0; j < n; j++) {
            const char *t;
            size_t len = column_cell(&r->listeners[i], &c, cols[j], esc + j * esc_cap, esc_cap, &t);
            size_t cw = width(t, len);
            if (cw > widths[j])
                widths[j] = cw;
        }
    }
    if (headings) {
        for (j = 0; j < n; j++) {
            texts[j] = column_names[cols[j]];
            lens[j] = w[j] = strlen(texts[j]);
        }
        put_line(&o, cols, n, widths, texts, lens, w);
    }
    for (size_t i = 0; i < r->count && !o.rc; i++) {
        struct cells c;
        row_cells(r, &r->listeners[i], &c);
        for (j = 0; j < n; j++) {
            lens[j] =
                column_cell(&r->listeners[i], &c, cols[j], esc + j * esc_cap, esc_cap, &texts[j]);
            w[j] = width(texts[j], lens[j]);
        }
        put_line(&o, cols, n, widths, texts, lens, w);
    }
    free(esc);
    return finish(&o);
}

/* ---- the cross-view check's report ---- */

static const char *const finding_names[] = {"netlink_only", "procfs_only", "packet_filter"};
static const char *const finding_texts[] = {
    "netlink shows it, procfs does not: hidden from procfs",
    "procfs shows it, netlink does not: hidden from netlink",
    "a packet socket with a BPF filter attached: it sees the traffic its filter picks"};

/* The row of a finding (its owner), or NULL. */
static const struct lsn_listener *finding_row(const struct lsn_result *r,
                                              const struct lsn_finding *f)
{
    for (size_t i = 0; i < r->count; i++) {
        const struct lsn_listener *l = &r->listeners[i];
        if (l->inode == f->inode && l->protocol == f->protocol && l->family == f->family &&
            l->port == f->port)
            return l;
    }
    return NULL;
}

/* A raw name: JSON string (json) or terminal text in quotes; null as null. */
static int put_name(struct out *o, const char *s, size_t n, int json)
{
    size_t cap = json ? LSN_JSON_STRING_SIZE(n) : n * 4 + 1, len = 0;
    char *t;
    if (!s) {
        puts_(o, json ? "null" : "-");
        return 0;
    }
    t = malloc(cap);
    if (!t)
        return -1;
    if (json)
        lsn_json_string(s, n, t, cap, &len);
    else
        lsn_terminal_text(s, n, t, cap, &len);
    if (!json)
        put(o, "\"", 1);
    put(o, t, len);
    if (!json)
        put(o, "\"", 1);
    free(t);
    return 0;
}

static void put_protocol_list(struct out *o, unsigned bits, int json)
{
    int first = 1;
    for (int p = 0; p < LSN_PROTO_COUNT; p++) {
        if (!(bits & (1u << p)))
            continue;
        if (!first)
            put(o, ",", 1);
        if (json)
            put(o, "\"", 1);
        puts_(o, lsn_protocol_name((enum lsn_protocol)p));
        if (json)
            put(o, "\"", 1);
        first = 0;
    }
    if (first && !json)
        puts_(o, "none");
}

int lsn_write_check(const struct lsn_result *r, int json, lsn_sink_fn sink, void *ctx)
{
    struct out o;
    if (start(&o, sink, ctx) != 0)
        return -1;
    if (json) {
        puts_(&o, "{\"check\":{\"compared\":[");
        put_protocol_list(&o, r->compared, 1);
        puts_(&o, "],\"not_compared\":[");
        put_protocol_list(&o, r->protocols & ~r->compared, 1);
        puts_(&o, "],\"differences\":");
        put_u64(&o, r->check_differences);
        puts_(&o, ",\"churn\":");
        put_u64(&o, r->check_churn);
        puts_(&o, ",\"findings\":[");
    }
    for (size_t i = 0; i < r->nfindings && !o.rc; i++) {
        const struct lsn_finding *f = &r->findings[i];
        const struct lsn_listener *l = finding_row(r, f);
        struct lsn_listener tmp;
        char addr[LSN_IPV6_TEXT_SIZE];
        memset(&tmp, 0, sizeof tmp);
        tmp.family = f->family;
        memcpy(tmp.bind_address, f->address, 16);
        if (json) {
            puts_(&o, i ? ",{\"category\":\"" : "{\"category\":\"");
            puts_(&o, finding_names[f->kind]);
            puts_(&o, "\",\"protocol\":\"");
            puts_(&o, lsn_protocol_name((enum lsn_protocol)f->protocol));
            put(&o, "\"", 1);
            if (f->protocol == LSN_PROTO_PACKET) {
                puts_(&o, ",\"ethertype\":");
                put_u64(&o, f->port);
                puts_(&o, ",\"filter_insns\":");
                put_u64(&o, f->filter_insns);
            } else {
                puts_(&o, ",\"family\":\"");
                puts_(&o, lsn_family_name((enum lsn_family)f->family));
                puts_(&o, f->protocol == LSN_PROTO_RAW ? "\",\"ip_protocol\":" : "\",\"port\":");
                put_u64(&o, f->port);
                puts_(&o, ",\"bind_address\":\"");
                put(&o, addr, address_text(&tmp, addr));
                put(&o, "\"", 1);
            }
            puts_(&o, ",\"inode\":");
            put_u64(&o, f->inode);
            puts_(&o, ",\"pid\":");
            if (l && l->pid >= 0)
                put_u64(&o, (uint64_t)l->pid);
            else
                puts_(&o, "null");
            puts_(&o, ",\"comm\":");
            if (put_name(&o, l ? l->comm : NULL, l ? l->comm_len : 0, 1) != 0)
                o.rc = -1;
            puts_(&o, ",\"exe\":");
            if (put_name(&o, l ? l->exe : NULL, l ? l->exe_len : 0, 1) != 0)
                o.rc = -1;
            put(&o, "}", 1);
            continue;
        }
        puts_(&o, finding_names[f->kind]);
        put(&o, " ", 1);
        puts_(&o, lsn_protocol_name((enum lsn_protocol)f->protocol));
        if (f->protocol == LSN_PROTO_PACKET) {
            puts_(&o, " ethertype 0x");
            char hex[8];
            static const char digits[] = "0123456789abcdef";
            for (int k = 0; k < 4; k++)
                hex[k] = digits[(f->port >> (12 - 4 * k)) & 0xf];
            put(&o, hex, 4);
            puts_(&o, ", ");
            put_u64(&o, f->filter_insns);
            puts_(&o, f->filter_insns == 1 ? " BPF instruction" : " BPF instructions");
        } else {
            put(&o, " ", 1);
            puts_(&o, lsn_family_name((enum lsn_family)f->family));
            put(&o, " ", 1);
            if (f->family == LSN_FAMILY_IPV6)
                put(&o, "[", 1);
            put(&o, addr, address_text(&tmp, addr));
            if (f->family == LSN_FAMILY_IPV6)
                put(&o, "]", 1);
            puts_(&o, f->protocol == LSN_PROTO_RAW ? " ip protocol " : ":");
            put_u64(&o, f->port);
        }
        puts_(&o, ", inode ");
        put_u64(&o, f->inode);
        if (l && l->pid >= 0) {
            puts_(&o, ", held by pid ");
            put_u64(&o, (uint64_t)l->pid);
            puts_(&o, " comm ");
            if (put_name(&o, l->comm, l->comm_len, 0) != 0)
                o.rc = -1;
            puts_(&o, " exe ");
            if (put_name(&o, l->exe, l->exe_len, 0) != 0)
                o.rc = -1;
        } else {
            puts_(&o, ", no holder found");
        }
        puts_(&o, ": ");
        puts_(&o, finding_texts[f->kind]);
        put(&o, "\n", 1);
    }
    if (json) {
        puts_(&o, "]}}\n");
    } else {
        puts_(&o, "check: ");
        put_u64(&o, r->nfindings);
        puts_(&o, r->nfindings == 1 ? " finding; " : " findings; ");
        put_u64(&o, r->check_differences);
        puts_(&o, " differences between the views, ");
        put_u64(&o, r->check_churn);
        puts_(&o, " of them churn; compared: ");
        put_protocol_list(&o, r->compared, 0);
        if (r->protocols & ~r->compared) {
            puts_(&o, "; not compared (no netlink dump): ");
            put_protocol_list(&o, r->protocols & ~r->compared, 0);
        }
        put(&o, "\n", 1);
    }
    return finish(&o);
}
