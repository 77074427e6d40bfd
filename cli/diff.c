/* diff.c - see diff.h. */
#define _POSIX_C_SOURCE 200809L

#include "diff.h"

#include "address_text.h"
#include "json_reader.h"
#include "json_string.h"
#include "listeners.h"
#include "options.h"
#include "procfs.h"
#include "sandbox.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char lsn_diff_help[] =
    "Compares two listeners documents; exit 0 equal, 1 different, 2 bad input.\n"
    "Rows match by protocol, then tcp, udp: port, family, address; raw: ip_protocol,\n"
    "family, address; packet: ethertype, ifindex (repeated keys in document order).\n"
    "Categories: missing, extra, owner, address, comm, exe, null, then uid, holders\n"
    "(the set of holder pids), exe_verified, netns, netns_host, interface: each\n"
    "compared only when both rows have the key (a key only one document has is no\n"
    "difference). Other keys, and wrong types, are bad input.\n"
    "A partial document (\"partial\":true) is compared; the report says which side is.\n"
    "A file not starting {\"listeners\" or {\"host\" is NDJSON: one row object on each\n"
    "line, no blank lines (errors name the line), a last line {\"partial\":true} for a\n"
    "partial result. The --host envelope (\"host\") is skipped.\n"
    "  --proc SNAPSHOT  a snapshot taken when both documents were made: for owner\n"
    "                   differences, tell whether each pid holds the socket\n"
    "  --format json    the differences as JSON (default: text)\n"
    "  --ignore KEY     do not compare KEY, and a row may lack it (a tool without\n"
    "                   that field): pid, comm, exe, uid, holders, exe_verified,\n"
    "                   netns, netns_host, interface; repeat it or give a comma-\n"
    "                   separated list. Without pid, comm and exe are compared\n"
    "                   whatever the pids\n";

/* A row. Its identity (ident_cmp) is (proto, num, family, addr, ifindex):
 * family and addr are 0 for packet rows, ifindex 0 for the others. */
struct row {
    uint8_t proto;       /* enum lsn_protocol */
    uint8_t family;      /* 4 or 6; 0: packet */
    uint16_t num;        /* tcp, udp: port; raw: ip_protocol; packet: ethertype */
    int32_t ifindex;     /* packet: ifindex; else 0 */
    uint8_t addr[16];    /* packet: zero */
    int64_t pid;         /* -1: null */
    int64_t uid;         /* -1: no "uid" key */
    size_t addr_tok;     /* token of bind_address; 0: packet (null) */
    size_t comm_tok;     /* 0: null */
    size_t exe_tok;      /* 0: null */
    size_t iface_tok;    /* packet: "interface" token; 0: null or not packet */
    int8_t has_iface;    /* 1: an "interface" key (null or a string) */
    int8_t exe_verified; /* -2: no key; -1: null; 0: false; 1: true */
    int8_t netns_host;   /* -1: no key; 0: false; 1: true */
    int8_t netns_state;  /* 0: no "netns" key; 1: null; 2: netns holds the inode */
    uint64_t netns;
    int has_holders;          /* 1: a "holders" key; then nholders pids from doc->hpids[holders] */
    size_t holders, nholders; /* sorted, distinct */
    size_t index;             /* position in the document */
    size_t occurrence;        /* 0 for the first row of a key, 1 for the next, ... */
};

struct doc {
    const char *name;
    char *buf;
    size_t len;
    struct lsn_jsonr_token *tok;
    size_t ntok;
    struct row *rows;
    size_t nrows;
    int32_t *hpids; /* every row's holder pids (at most ntok) */
    size_t nhpids;
    unsigned protocols; /* bits 1 << enum lsn_protocol of the rows */
    int partial;        /* "partial":true after the array (a table cut at its size cap) */
    int ndjson;         /* one row object per line: row i is line i + 1 */
    char *scratch;      /* len + 1: one decoded string at a time */
    char *scratch2;
};

enum cat {
    C_MISSING,
    C_EXTRA,
    C_OWNER,
    C_ADDRESS,
    C_COMM,
    C_EXE,
    C_NULL,
    C_UID,
    C_HOLDERS,
    C_EXE_VERIFIED,
    C_NETNS,
    C_NETNS_HOST,
    C_INTERFACE,
    C_COUNT
};
static const char *const cat_name[C_COUNT] = {
    "missing", "extra",   "owner",        "address", "comm",       "exe",      "null",
    "uid",     "holders", "exe_verified", "netns",   "netns_host", "interface"};

struct diff {
    enum cat cat;
    const struct row *ours, *theirs;
    const char *field;   /* pid, comm, exe, bind_address, uid, holders; NULL: missing, extra */
    const char *holders; /* C_OWNER: "both", "ours", "theirs", "neither", "unknown" */
};

static void doc_free(struct doc *d)
{
    free(d->buf);
    free(d->tok);
    free(d->rows);
    free(d->hpids);
    free(d->scratch);
    free(d->scratch2);
}

static int bad(const struct doc *d, const char *what, size_t row)
{
    if (row == (size_t)-1)
        fprintf(stderr, "listeners: diff: %s: %s\n", d->name, what);
    else
        fprintf(stderr, "listeners: diff: %s: %s %zu: %s\n", d->name, d->ndjson ? "line" : "row",
                row + 1, what);
    return -1;
}

static int read_whole(struct doc *d)
{
    int fd = strcmp(d->name, "-") == 0 ? 0 : open(d->name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    size_t cap = 1u << 16;
    struct stat st;
    if (fd < 0) {
        fprintf(stderr, "listeners: diff: %s: %s\n", d->name, strerror(errno));
        return -1;
    }
    if (fd != 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        return bad(d, "not a regular file", (size_t)-1);
    }
    d->buf = malloc(cap);
    d->len = 0;
    for (;;) {
        if (!d->buf)
            break;
        if (d->len == cap) {
            char *p;
            if (cap > LSN_DIFF_MAX_DOCUMENT)
                break;
            cap *= 2;
            p = realloc(d->buf, cap);
            if (!p)
                break;
            d->buf = p;
        }
        ssize_t got = read(fd, d->buf + d->len, cap - d->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            if (fd != 0)
                close(fd);
            fprintf(stderr, "listeners: diff: %s: %s\n", d->name, strerror(e));
            return -1;
        }
        if (got == 0) {
            if (fd != 0)
                close(fd);
            if (d->len > LSN_DIFF_MAX_DOCUMENT)
                return bad(d, "larger than 16 MiB", (size_t)-1);
            return 0;
        }
        d->len += (size_t)got;
    }
    if (fd != 0)
        close(fd);
    return bad(d, d->buf ? "larger than 16 MiB" : "out of memory", (size_t)-1);
}

/* A key for a message: in quotes, terminal-escaped, its first 48 bytes
 * ("..." after them when longer). */
#define KEY_TEXT_MAX 48
#define KEY_TEXT_SIZE (KEY_TEXT_MAX * 4 + 8)
static const char *key_text(struct doc *d, size_t tok, char out[KEY_TEXT_SIZE])
{
    size_t n = 0, m = 0;
    lsn_jsonr_string(d->buf, &d->tok[tok], d->scratch, d->len + 1, &n);
    out[0] = '"';
    if (lsn_terminal_text(d->scratch, n < KEY_TEXT_MAX ? n : KEY_TEXT_MAX, out + 1,
                          KEY_TEXT_SIZE - 6, &m) != LSN_JSON_OK)
        m = 0;
    memcpy(out + 1 + m, n > KEY_TEXT_MAX ? "\"..." : "\"", n > KEY_TEXT_MAX ? 5 : 2);
    return out;
}

/* Finds the values of the keys names[0..n) in object obj: vals[i] gets the
 * value token of names[i], 0 when absent (token 0 is the document, never a
 * value). A key not in names, a duplicate, or an absent key of the required
 * bits is bad input; what (may be "") prefixes the messages ("holder 2: "). */
static int object_keys(struct doc *d, size_t obj, const char *const *names, size_t n, size_t *vals,
                       unsigned required, size_t row, const char *what)
{
    const struct lsn_jsonr_token *t = d->tok;
    unsigned seen = 0;
    size_t k = obj + 1;
    char msg[256], name[KEY_TEXT_SIZE];
    if (t[obj].type != LSN_JSONR_OBJECT) {
        snprintf(msg, sizeof msg, "%s%s", what,
                 row == (size_t)-1 ? "not an object where one is expected" : "not an object");
        return bad(d, msg, row);
    }
    for (size_t i = 0; i < n; i++)
        vals[i] = 0;
    for (size_t m = 0; m < t[obj].size; m++, k = t[k + 1].next) {
        size_t i;
        for (i = 0; i < n; i++)
            if (lsn_jsonr_string_equals(d->buf, &t[k], names[i], strlen(names[i])))
                break;
        if (i == n) {
            snprintf(msg, sizeof msg, "%sunknown key %s", what, key_text(d, k, name));
            return bad(d, msg, row);
        }
        if (seen & 1u << i) {
            snprintf(msg, sizeof msg, "%sduplicate key \"%s\"", what, names[i]);
            return bad(d, msg, row);
        }
        seen |= 1u << i;
        vals[i] = k + 1;
    }
    for (size_t i = 0; i < n; i++)
        if ((required & 1u << i) && !(seen & 1u << i)) {
            snprintf(msg, sizeof msg, "%smissing key \"%s\"", what, names[i]);
            return bad(d, msg, row);
        }
    return 0;
}

/* The decoded text of a string token into d->scratch (NUL-terminated). */
static const char *text(struct doc *d, size_t tok, size_t *len)
{
    size_t n = 0;
    lsn_jsonr_string(d->buf, &d->tok[tok], d->scratch, d->len + 1, &n);
    if (len)
        *len = n;
    return d->scratch;
}

static int parse_address(struct doc *d, struct row *r, size_t i)
{
    size_t n;
    const char *s = text(d, r->addr_tok, &n);
    uint8_t v6[16];
    memset(r->addr, 0, sizeof r->addr);
    if (n != strlen(s) || n > 64)
        return bad(d, "bind_address is not an IP address", i);
    if (inet_pton(AF_INET, s, r->addr) == 1) {
        if (r->family == 6) { /* IPv4 text in an ipv6 row: the mapped address */
            memmove(r->addr + 12, r->addr, 4);
            memset(r->addr, 0, 10);
            r->addr[10] = r->addr[11] = 0xff;
        }
        return 0;
    }
    if (inet_pton(AF_INET6, s, v6) == 1) {
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (r->family == 6)
            memcpy(r->addr, v6, 16);
        else if (memcmp(v6, mapped, 12) == 0) /* ::ffff:a.b.c.d in an ipv4 row */
            memcpy(r->addr, v6 + 12, 4);
        else
            return bad(d, "bind_address is IPv6 in an ipv4 row", i);
        return 0;
    }
    return bad(d, "bind_address is not an IP address", i);
}

/* A row's identity: protocol, then its number (port, IP protocol,
 * ethertype), family, address bytes, ifindex. For tcp this is the order of
 * the contract (port, family, address); rows of two protocols never match. */
static int ident_cmp(const struct row *x, const struct row *y)
{
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    if (x->num != y->num)
        return x->num < y->num ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    int c = memcmp(x->addr, y->addr, 16);
    if (c)
        return c;
    return x->ifindex < y->ifindex ? -1 : x->ifindex > y->ifindex;
}

/* qsort: the identity, then the row's place in its document. */
static int row_cmp(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    int c = ident_cmp(x, y);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Matching: the identity, then which repetition of it the row is. */
static int key_cmp(const struct row *x, const struct row *y)
{
    int c = ident_cmp(x, y);
    if (c)
        return c;
    return x->occurrence < y->occurrence ? -1 : x->occurrence > y->occurrence;
}

static int pid_cmp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

/* An integer token in min..max into *out; -1 when it is not one. */
static int integer(const struct doc *d, size_t tok, int64_t min, int64_t max, int64_t *out)
{
    return lsn_jsonr_int64(d->buf, &d->tok[tok], out) == LSN_JSONR_OK && *out >= min && *out <= max
               ? 0
               : -1;
}

/* A non-negative integer token up to UINT64_MAX (a netns inode) into *out. */
static int unsigned64(const struct doc *d, size_t tok, uint64_t *out)
{
    const struct lsn_jsonr_token *t = &d->tok[tok];
    uint64_t v = 0;
    if (t->type != LSN_JSONR_NUMBER || t->end == t->start || t->end - t->start > 20)
        return -1;
    for (size_t i = t->start; i < t->end; i++) {
        unsigned c = (unsigned)((unsigned char)d->buf[i] - '0');
        if (c > 9 || v > (UINT64_MAX - c) / 10)
            return -1;
        v = v * 10 + c;
    }
    *out = v;
    return 0;
}

/* "holders": [{"pid":P,"comm":S|null,"exe":S|null,"fds":[FD,...]},...]:
 * the pids, sorted and distinct, into d->hpids for row r. */
static int load_holders(struct doc *d, size_t arr, struct row *r, size_t i)
{
    static const char *const keys[] = {"pid", "comm", "exe", "fds"};
    size_t v[4], first = d->nhpids;
    char what[48], msg[128];
    if (d->tok[arr].type != LSN_JSONR_ARRAY)
        return bad(d, "holders is not an array", i);
    for (size_t h = 0, k = arr + 1; h < d->tok[arr].size; h++, k = d->tok[k].next) {
        const struct lsn_jsonr_token *fds;
        int64_t n;
        snprintf(what, sizeof what, "holders[%zu]: ", h);
        if (object_keys(d, k, keys, 4, v, 0xFu, i, what) != 0)
            return -1;
        if (integer(d, v[0], 0, INT32_MAX, &n) != 0) {
            snprintf(msg, sizeof msg, "%spid is not an integer in 0..2147483647", what);
            return bad(d, msg, i);
        }
        for (int f = 1; f <= 2; f++)
            if (d->tok[v[f]].type != LSN_JSONR_NULL && d->tok[v[f]].type != LSN_JSONR_STRING) {
                snprintf(msg, sizeof msg, "%s%s is not null or a string", what, keys[f]);
                return bad(d, msg, i);
            }
        fds = &d->tok[v[3]];
        if (fds->type != LSN_JSONR_ARRAY) {
            snprintf(msg, sizeof msg, "%sfds is not an array", what);
            return bad(d, msg, i);
        }
        for (size_t f = 0, fk = v[3] + 1; f < fds->size; f++, fk = d->tok[fk].next) {
            int64_t fd;
            if (integer(d, fk, 0, INT32_MAX, &fd) != 0) {
                snprintf(msg, sizeof msg, "%sfds[%zu] is not an integer in 0..2147483647", what, f);
                return bad(d, msg, i);
            }
        }
        d->hpids[d->nhpids++] = (int32_t)n; /* a holder takes 10 tokens at least: room */
    }
    qsort(d->hpids + first, d->nhpids - first, sizeof *d->hpids, pid_cmp);
    r->has_holders = 1;
    r->holders = first;
    r->nholders = 0;
    for (size_t k = first; k < d->nhpids; k++) /* distinct: a pid may come twice */
        if (r->nholders == 0 || d->hpids[first + r->nholders - 1] != d->hpids[k])
            d->hpids[first + r->nholders++] = d->hpids[k];
    d->nhpids = first + r->nholders;
    return 0;
}

enum row_key {
    K_PORT,
    K_FAMILY,
    K_PROTOCOL,
    K_BIND,
    K_PID,
    K_COMM,
    K_EXE,
    K_IP_PROTOCOL,
    K_ETHERTYPE,
    K_IFINDEX,
    K_INTERFACE,
    K_UID,
    K_EXE_VERIFIED,
    K_NETNS,
    K_NETNS_HOST,
    K_HOLDERS,
    K_HOST, /* NDJSON lines of --host: the envelope, skipped */
    K_COUNT
};
static const char *const row_keys[K_COUNT] = {
    "port",         "family",      "protocol",   "bind_address", "pid",       "comm",
    "exe",          "ip_protocol", "ethertype",  "ifindex",      "interface", "uid",
    "exe_verified", "netns",       "netns_host", "holders",      "host"};
#define BIT(k) (1u << (k))
#define TRAIT_KEYS                                                                                 \
    (BIT(K_PORT) | BIT(K_FAMILY) | BIT(K_PROTOCOL) | BIT(K_BIND) | BIT(K_PID) | BIT(K_COMM) |      \
     BIT(K_EXE))
#define RAW_KEYS BIT(K_IP_PROTOCOL)
#define PACKET_KEYS (BIT(K_ETHERTYPE) | BIT(K_IFINDEX) | BIT(K_INTERFACE))

/* --ignore: bits BIT(K_*) of the keys neither compared nor required. */
static unsigned ignored;

/* One row of the array: token k, row i. */
static int load_row(struct doc *d, size_t k, struct row *r, size_t i)
{
    static const char *const protos[] = {"tcp", "udp", "raw", "packet"};
    static const unsigned own[] = {0, 0, RAW_KEYS, PACKET_KEYS};
    const struct lsn_jsonr_token *t = d->tok;
    size_t v[K_COUNT];
    int64_t n;
    char msg[128];
    int p;

    if (object_keys(d, k, row_keys, K_COUNT, v, TRAIT_KEYS & ~ignored, i, "") != 0)
        return -1;
    if (v[K_HOST] && (!d->ndjson || t[v[K_HOST]].type != LSN_JSONR_OBJECT))
        return bad(d,
                   d->ndjson ? "host is not an object"
                             : "unknown key \"host\" (a key of NDJSON "
                               "lines and of the document only)",
                   i);
    r->index = i;
    for (p = 0; p < LSN_PROTO_COUNT; p++)
        if (lsn_jsonr_string_equals(d->buf, &t[v[K_PROTOCOL]], protos[p], strlen(protos[p])))
            break;
    if (p == LSN_PROTO_COUNT)
        return bad(d, "protocol is not \"tcp\", \"udp\", \"raw\" or \"packet\"", i);
    r->proto = (uint8_t)p;
    d->protocols |= 1u << p;
    for (int x = K_IP_PROTOCOL; x <= K_INTERFACE; x++) {
        if (v[x] && !(own[p] & BIT(x))) {
            snprintf(msg, sizeof msg, "key \"%s\" in a %s row", row_keys[x], protos[p]);
            return bad(d, msg, i);
        }
        if (!v[x] && (own[p] & BIT(x) & ~ignored)) {
            snprintf(msg, sizeof msg, "missing key \"%s\" (a %s row)", row_keys[x], protos[p]);
            return bad(d, msg, i);
        }
    }
    /* port: tcp and udp only; raw and packet have null (their number has its key) */
    if (p == LSN_PROTO_TCP || p == LSN_PROTO_UDP) {
        if (integer(d, v[K_PORT], 0, 65535, &n) != 0)
            return bad(d, "port is not an integer in 0..65535", i);
        r->num = (uint16_t)n;
    } else if (t[v[K_PORT]].type != LSN_JSONR_NULL) {
        snprintf(msg, sizeof msg, "port is not null (a %s row)", protos[p]);
        return bad(d, msg, i);
    }
    if (p == LSN_PROTO_RAW) {
        if (integer(d, v[K_IP_PROTOCOL], 0, 65535, &n) != 0)
            return bad(d, "ip_protocol is not an integer in 0..65535", i);
        r->num = (uint16_t)n;
    }
    if (!v[K_PID] || t[v[K_PID]].type == LSN_JSONR_NULL) /* no key: --ignore pid */
        r->pid = -1;
    else if (integer(d, v[K_PID], 0, INT32_MAX, &n) != 0)
        return bad(d, "pid is not null or an integer in 0..2147483647", i);
    else
        r->pid = n;
    if (p == LSN_PROTO_PACKET) {
        if (t[v[K_FAMILY]].type != LSN_JSONR_NULL)
            return bad(d, "family is not null (a packet row)", i);
        if (t[v[K_BIND]].type != LSN_JSONR_NULL)
            return bad(d, "bind_address is not null (a packet row)", i);
        if (integer(d, v[K_ETHERTYPE], 0, 65535, &n) != 0)
            return bad(d, "ethertype is not an integer in 0..65535", i);
        r->num = (uint16_t)n;
        if (integer(d, v[K_IFINDEX], INT32_MIN, INT32_MAX, &n) != 0)
            return bad(d, "ifindex is not an integer in -2147483648..2147483647", i);
        r->ifindex = (int32_t)n;
        r->has_iface = (int8_t)(v[K_INTERFACE] != 0); /* no key: --ignore interface */
        if (!v[K_INTERFACE])
            r->iface_tok = 0;
        else if (t[v[K_INTERFACE]].type == LSN_JSONR_STRING)
            r->iface_tok = v[K_INTERFACE];
        else if (t[v[K_INTERFACE]].type != LSN_JSONR_NULL)
            return bad(d, "interface is not null or a string", i);
    } else {
        if (lsn_jsonr_string_equals(d->buf, &t[v[K_FAMILY]], "ipv4", 4))
            r->family = 4;
        else if (lsn_jsonr_string_equals(d->buf, &t[v[K_FAMILY]], "ipv6", 4))
            r->family = 6;
        else
            return bad(d, "family is not \"ipv4\" or \"ipv6\"", i);
        if (t[v[K_BIND]].type != LSN_JSONR_STRING)
            return bad(d, "bind_address is not a string", i);
        r->addr_tok = v[K_BIND];
        if (parse_address(d, r, i) != 0)
            return -1;
    }
    for (int f = 0; f < 2; f++) {
        size_t tk = v[K_COMM + f];
        if (!tk || t[tk].type == LSN_JSONR_NULL) /* no key: --ignore comm, exe */
            tk = 0;
        else if (t[tk].type != LSN_JSONR_STRING)
            return bad(d, f ? "exe is not null or a string" : "comm is not null or a string", i);
        if (f)
            r->exe_tok = tk;
        else
            r->comm_tok = tk;
    }
    r->uid = -1;
    if (v[K_UID] && integer(d, v[K_UID], 0, UINT32_MAX, &r->uid) != 0)
        return bad(d, "uid is not an integer in 0..4294967295", i);
    r->exe_verified = -2;
    if (v[K_EXE_VERIFIED]) {
        enum lsn_jsonr_type ty = t[v[K_EXE_VERIFIED]].type;
        if (ty != LSN_JSONR_TRUE && ty != LSN_JSONR_FALSE && ty != LSN_JSONR_NULL)
            return bad(d, "exe_verified is not true, false or null", i);
        r->exe_verified = (int8_t)(ty == LSN_JSONR_TRUE ? 1 : ty == LSN_JSONR_FALSE ? 0 : -1);
    }
    if (!v[K_NETNS] != !v[K_NETNS_HOST] && !(ignored & (BIT(K_NETNS) | BIT(K_NETNS_HOST))))
        return bad(d, v[K_NETNS] ? "netns without netns_host" : "netns_host without netns", i);
    if (v[K_NETNS]) {
        r->netns_state = 1;
        if (t[v[K_NETNS]].type != LSN_JSONR_NULL) {
            if (unsigned64(d, v[K_NETNS], &r->netns) != 0)
                return bad(d, "netns is not null or an integer in 0..18446744073709551615", i);
            r->netns_state = 2;
        }
    }
    r->netns_host = -1;
    if (v[K_NETNS_HOST]) {
        if (t[v[K_NETNS_HOST]].type != LSN_JSONR_TRUE && t[v[K_NETNS_HOST]].type != LSN_JSONR_FALSE)
            return bad(d, "netns_host is not true or false", i);
        r->netns_host = (int8_t)(t[v[K_NETNS_HOST]].type == LSN_JSONR_TRUE);
    }
    if (v[K_HOLDERS] && load_holders(d, v[K_HOLDERS], r, i) != 0)
        return -1;
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* 1: the first non-blank bytes are not '{' and a first key "listeners" (in
 * any JSON spelling): NDJSON rows. 0: a document, or nothing but blanks
 * (then the document reader says "no JSON value"). */
static int is_ndjson(const struct doc *d)
{
    struct lsn_jsonr_token key;
    size_t i = 0, j;
    while (i < d->len && is_space(d->buf[i]))
        i++;
    if (i == d->len)
        return 0;
    if (d->buf[i++] != '{')
        return 1;
    while (i < d->len && is_space(d->buf[i]))
        i++;
    if (i == d->len || d->buf[i] != '"')
        return 1;
    for (j = i + 1; j < d->len && d->buf[j] != '"' && d->buf[j] != '\n'; j++)
        if (d->buf[j] == '\\')
            j++;
    if (j >= d->len || d->buf[j] != '"')
        return 1;
    memset(&key, 0, sizeof key);
    key.type = LSN_JSONR_STRING;
    key.start = i + 1;
    key.end = j;
    return !lsn_jsonr_string_equals(d->buf, &key, "listeners", 9) &&
           !lsn_jsonr_string_equals(d->buf, &key, "host", 4);
}

/* NDJSON of a partial result: its last line is {"partial":true} (and
 * "host" with --host), no row: d->partial, and the line leaves the rows. */
static int ndjson_partial(struct doc *d)
{
    static const char *const keys[] = {"partial", "host"};
    size_t last = 0, k = 1, v[2];
    if (d->tok[0].size == 0)
        return 0;
    for (size_t i = 0; i < d->tok[0].size; i++, k = d->tok[k].next)
        last = k;
    if (d->tok[last].type != LSN_JSONR_OBJECT || d->tok[last].size == 0 ||
        !lsn_jsonr_string_equals(d->buf, &d->tok[last + 1], "partial", 7))
        return 0;
    if (object_keys(d, last, keys, 2, v, 1u, d->tok[0].size - 1, "") != 0)
        return -1;
    if (d->tok[v[0]].type != LSN_JSONR_TRUE)
        return bad(d, "\"partial\" is not true", d->tok[0].size - 1);
    if (v[1] && d->tok[v[1]].type != LSN_JSONR_OBJECT)
        return bad(d, "host is not an object", d->tok[0].size - 1);
    d->partial = 1;
    d->tok[0].size--;
    return 0;
}

/* NDJSON: each line (ended by '\n', the last one may lack it) is one JSON
 * value, parsed alone into d->tok after token 0, an array of the lines that
 * stands for the document's "listeners" array. A blank line is bad input. */
static int read_ndjson(struct doc *d, size_t cap)
{
    size_t used = 1, line = 0, start = 0, where = 0, n = 0;
    char msg[128];
    memset(&d->tok[0], 0, sizeof d->tok[0]);
    d->tok[0].type = LSN_JSONR_ARRAY;
    d->tok[0].end = d->len;
    while (start < d->len) {
        const char *nl = memchr(d->buf + start, '\n', d->len - start);
        size_t end = nl ? (size_t)(nl - d->buf) : d->len, k;
        enum lsn_jsonr_status st;
        line++;
        for (k = start; k < end && is_space(d->buf[k]); k++)
            ;
        if (k == end) {
            d->ndjson = 1;
            return bad(d, "a blank line (NDJSON: one row object on each line)", line - 1);
        }
        st = lsn_json_read(d->buf + start, end - start, d->tok + used, cap - used, 8, &n, &where);
        if (st != LSN_JSONR_OK) {
            snprintf(msg, sizeof msg, "line %zu: byte %zu: %s", line, start + where,
                     lsn_jsonr_status_text(st));
            return bad(d, msg, (size_t)-1);
        }
        for (k = used; k < used + n; k++) {
            d->tok[k].start += start;
            d->tok[k].end += start;
            d->tok[k].next += used;
        }
        used += n;
        start = end + 1;
    }
    d->tok[0].size = line;
    d->tok[0].next = used;
    d->ntok = used;
    d->ndjson = 1;
    return 0;
}

static int load(struct doc *d)
{
    static const char *const top_keys[] = {"listeners", "partial"};
    static const char *const envelope_keys[] = {"listeners", "host"}; /* host: --host */
    size_t where = 0, v[2], arr = 0;
    enum lsn_jsonr_status st;
    char msg[128];

    if (read_whole(d) != 0)
        return -1;
    size_t cap = d->len / 4 + 16;
    d->tok = malloc(cap * sizeof *d->tok);
    d->scratch = malloc(d->len + 1);
    d->scratch2 = malloc(d->len + 1);
    if (!d->tok || !d->scratch || !d->scratch2)
        return bad(d, "out of memory", (size_t)-1);
    if (is_ndjson(d)) {
        if (read_ndjson(d, cap) != 0 || ndjson_partial(d) != 0)
            return -1;
    } else {
        st = lsn_json_read(d->buf, d->len, d->tok, cap, 8, &d->ntok, &where);
        if (st != LSN_JSONR_OK) {
            snprintf(msg, sizeof msg, "byte %zu: %s", where, lsn_jsonr_status_text(st));
            return bad(d, msg, (size_t)-1);
        }
        if (object_keys(d, 0, envelope_keys, 2, v, 1u, (size_t)-1, "") != 0)
            return -1;
        if (v[1] && d->tok[v[1]].type != LSN_JSONR_OBJECT)
            return bad(d, "\"host\" is not an object", (size_t)-1);
        if (d->tok[v[0]].type == LSN_JSONR_NULL)
            return 0; /* {"listeners":null}: no procfs, no rows */
        if (object_keys(d, v[0], top_keys, 2, v, 1u, (size_t)-1, "") != 0)
            return -1;
        arr = v[0];
        if (v[1] && d->tok[v[1]].type != LSN_JSONR_TRUE)
            return bad(d, "\"partial\" is not true", (size_t)-1);
        d->partial = v[1] != 0;
        if (d->tok[arr].type != LSN_JSONR_ARRAY)
            return bad(d, "\"listeners\" is not an array", (size_t)-1);
    }
    d->rows = calloc(d->tok[arr].size + 1, sizeof *d->rows);
    d->hpids = malloc((d->ntok + 1) * sizeof *d->hpids);
    if (!d->rows || !d->hpids)
        return bad(d, "out of memory", (size_t)-1);
    for (size_t i = 0, k = arr + 1; i < d->tok[arr].size; i++, k = d->tok[k].next)
        if (load_row(d, k, &d->rows[i], i) != 0)
            return -1;
    d->nrows = d->tok[arr].size;
    qsort(d->rows, d->nrows, sizeof *d->rows, row_cmp);
    for (size_t i = 1; i < d->nrows; i++)
        if (ident_cmp(&d->rows[i - 1], &d->rows[i]) == 0)
            d->rows[i].occurrence = d->rows[i - 1].occurrence + 1;
    return 0;
}

/* ---- holders, from a snapshot (--proc DIR) ---- */

struct find_socket {
    uint64_t inode;
    int found;
};

static int find_socket(void *ctx, const char *fd_name, const char *link, uint64_t inode)
{
    struct find_socket *f = ctx;
    (void)fd_name;
    (void)link;
    if (inode == f->inode)
        f->found = 1;
    return f->found;
}

/* 1: pid holds socket:[inode] in DIR; 0: it does not; -1: unreadable. The
 * fd links are read as the collector reads them (procfs.c). */
static int holds(const char *proc, int64_t pid, uint64_t inode)
{
    struct find_socket f = {inode, 0};
    struct lsn_proc_root root;
    int pidfd, err;
    if (pid <= 0 || pid > INT32_MAX)
        return 0;
    if (lsn_proc_root_open(&root, proc) != 0)
        return -1;
    pidfd = lsn_proc_open_pid(&root, (int32_t)pid);
    err = pidfd < 0 ? -1 : lsn_proc_each_socket(&root, pidfd, find_socket, &f, NULL, NULL);
    if (pidfd >= 0)
        close(pidfd);
    lsn_proc_root_close(&root);
    return err ? -1 : f.found;
}

/* The inode of the row of ours with r's identity in the snapshot, or 0. */
static uint64_t snapshot_inode(const struct lsn_result *snap, const struct row *r)
{
    size_t occ = 0;
    for (size_t i = 0; i < snap->count; i++) {
        const struct lsn_listener *l = &snap->listeners[i];
        struct row k;
        memset(&k, 0, sizeof k);
        k.proto = l->protocol;
        k.num = l->port;
        if (l->protocol == LSN_PROTO_PACKET) {
            k.ifindex = l->ifindex;
        } else {
            k.family = l->family == LSN_FAMILY_IPV4 ? 4 : 6;
            memcpy(k.addr, l->bind_address, k.family == 4 ? 4 : 16);
        }
        if (ident_cmp(&k, r) != 0)
            continue;
        if (occ++ == r->occurrence)
            return l->inode;
    }
    return 0;
}

static const char *owner_holders(const char *proc, const struct lsn_result *snap,
                                 const struct row *o, const struct row *t)
{
    uint64_t inode;
    int a, b;
    if (!proc || snap->status != LSN_OK)
        return "unknown";
    inode = snapshot_inode(snap, o);
    if (inode == 0)
        return "unknown";
    a = holds(proc, o->pid, inode);
    b = holds(proc, t->pid, inode);
    if (a < 0 || b < 0)
        return "unknown";
    return a && b ? "both" : a ? "ours" : b ? "theirs" : "neither";
}

/* ---- comparing ---- */

static int same_text(struct doc *a, size_t ta, struct doc *b, size_t tb)
{
    size_t na = 0, nb = 0;
    lsn_jsonr_string(a->buf, &a->tok[ta], a->scratch, a->len + 1, &na);
    lsn_jsonr_string(b->buf, &b->tok[tb], b->scratch2, b->len + 1, &nb);
    return na == nb && memcmp(a->scratch, b->scratch2, na) == 0;
}

struct diffs {
    struct diff *v;
    size_t n, cap;
    size_t counts[C_COUNT];
};

static int add(struct diffs *ds, enum cat c, const struct row *o, const struct row *t,
               const char *field, const char *holders)
{
    if (ds->n == ds->cap) {
        size_t cap = ds->cap ? ds->cap * 2 : 64;
        struct diff *p = realloc(ds->v, cap * sizeof *p);
        if (!p)
            return -1;
        ds->v = p;
        ds->cap = cap;
    }
    ds->v[ds->n].cat = c;
    ds->v[ds->n].ours = o;
    ds->v[ds->n].theirs = t;
    ds->v[ds->n].field = field;
    ds->v[ds->n].holders = holders;
    ds->n++;
    ds->counts[c]++;
    return 0;
}

static int same_holders(const struct doc *a, const struct row *o, const struct doc *b,
                        const struct row *t)
{
    return o->nholders == t->nholders &&
           (o->nholders == 0 || memcmp(a->hpids + o->holders, b->hpids + t->holders,
                                       o->nholders * sizeof(int32_t)) == 0);
}

/* address; then pid (null, owner) and, same pid, comm and exe; then uid,
 * holders, exe_verified, netns, netns_host and interface when both rows
 * have the key. */
static int compare_rows(struct doc *a, struct doc *b, const struct row *o, const struct row *t,
                        struct diffs *ds, const char *proc, const struct lsn_result *snap)
{
    int rc = 0;
    if (o->addr_tok && !same_text(a, o->addr_tok, b, t->addr_tok))
        rc |= add(ds, C_ADDRESS, o, t, "bind_address", NULL);
    if (!(ignored & BIT(K_PID)) && (o->pid < 0) != (t->pid < 0)) {
        rc |= add(ds, C_NULL, o, t, "pid", NULL);
    } else if (!(ignored & BIT(K_PID)) && o->pid != t->pid) {
        rc |= add(ds, C_OWNER, o, t, "pid", owner_holders(proc, snap, o, t));
    } else { /* the same pid, or --ignore pid: comm and exe as they are */
        if (!(ignored & BIT(K_COMM)) && !o->comm_tok != !t->comm_tok)
            rc |= add(ds, C_NULL, o, t, "comm", NULL);
        else if (!(ignored & BIT(K_COMM)) && o->comm_tok &&
                 !same_text(a, o->comm_tok, b, t->comm_tok))
            rc |= add(ds, C_COMM, o, t, "comm", NULL);
        if (!(ignored & BIT(K_EXE)) && !o->exe_tok != !t->exe_tok)
            rc |= add(ds, C_NULL, o, t, "exe", NULL);
        else if (!(ignored & BIT(K_EXE)) && o->exe_tok && !same_text(a, o->exe_tok, b, t->exe_tok))
            rc |= add(ds, C_EXE, o, t, "exe", NULL);
    }
    if (o->uid >= 0 && t->uid >= 0 && o->uid != t->uid && !(ignored & BIT(K_UID)))
        rc |= add(ds, C_UID, o, t, "uid", NULL);
    if (o->has_holders && t->has_holders && !(ignored & BIT(K_HOLDERS)) &&
        !same_holders(a, o, b, t))
        rc |= add(ds, C_HOLDERS, o, t, "holders", NULL);
    if (o->exe_verified != -2 && t->exe_verified != -2 && o->exe_verified != t->exe_verified &&
        !(ignored & BIT(K_EXE_VERIFIED)))
        rc |= add(ds, C_EXE_VERIFIED, o, t, "exe_verified", NULL);
    if (o->netns_state && t->netns_state &&
        (o->netns_state != t->netns_state || o->netns != t->netns) && !(ignored & BIT(K_NETNS)))
        rc |= add(ds, C_NETNS, o, t, "netns", NULL);
    if (o->netns_host >= 0 && t->netns_host >= 0 && o->netns_host != t->netns_host &&
        !(ignored & BIT(K_NETNS_HOST)))
        rc |= add(ds, C_NETNS_HOST, o, t, "netns_host", NULL);
    if (o->has_iface && t->has_iface && !(ignored & BIT(K_INTERFACE)) &&
        (!o->iface_tok != !t->iface_tok ||
         (o->iface_tok && !same_text(a, o->iface_tok, b, t->iface_tok))))
        rc |= add(ds, C_INTERFACE, o, t, "interface", NULL);
    return rc;
}

/* ---- output ---- */

/* A string token as JSON (or "null" for token 0) on stdout. */
static void put_json_string(struct doc *d, size_t tok)
{
    size_t n = 0, m = 0;
    char *esc;
    if (tok == 0) {
        fputs("null", stdout);
        return;
    }
    const char *s = text(d, tok, &n);
    esc = malloc(LSN_JSON_STRING_SIZE(n));
    if (esc && lsn_json_string(s, n, esc, LSN_JSON_STRING_SIZE(n), &m) == LSN_JSON_OK)
        fwrite(esc, 1, m, stdout);
    else
        fputs("null", stdout);
    free(esc);
}

/* A string token for a terminal, in quotes, or "null". */
static void put_terminal(struct doc *d, size_t tok)
{
    size_t n = 0, m = 0;
    char *esc;
    if (tok == 0) {
        fputs("null", stdout);
        return;
    }
    const char *s = text(d, tok, &n);
    esc = malloc(n * 4 + 1);
    if (esc && lsn_terminal_text(s, n, esc, n * 4 + 1, &m) == LSN_JSON_OK) {
        putchar('"');
        fwrite(esc, 1, m, stdout);
        putchar('"');
    }
    free(esc);
}

static const char *const tristate[] = {"null", "false", "true"}; /* -1, 0, 1 */

static void put_netns(const struct row *r)
{
    if (r->netns_state == 2)
        printf("%" PRIu64, r->netns);
    else
        fputs("null", stdout);
}

static void put_pid(int64_t pid)
{
    if (pid < 0)
        fputs("null", stdout);
    else
        printf("%" PRId64, pid);
}

/* [p1,p2,...]: the row's holder pids. */
static void put_holders(const struct doc *d, const struct row *r)
{
    putchar('[');
    for (size_t i = 0; i < r->nholders; i++)
        printf("%s%" PRId32, i ? "," : "", d->hpids[r->holders + i]);
    putchar(']');
}

/* The row's identity as JSON keys, the document's names and null where the
 * document has null: "port":..,"family":..,"protocol":.., then what is
 * passed as address (a key and a value), then ip_protocol or ethertype and
 * ifindex. */
static void put_ident_json(const struct row *r, const char *address_key, struct doc *d)
{
    char t[LSN_IPV6_TEXT_SIZE];
    if (r->proto == LSN_PROTO_TCP || r->proto == LSN_PROTO_UDP)
        printf("\"port\":%u,", (unsigned)r->num);
    else
        fputs("\"port\":null,", stdout);
    if (r->proto == LSN_PROTO_PACKET)
        fputs("\"family\":null,", stdout);
    else
        printf("\"family\":\"ipv%u\",", (unsigned)r->family);
    printf("\"protocol\":\"%s\",\"%s\":", lsn_protocol_name((enum lsn_protocol)r->proto),
           address_key);
    if (r->proto == LSN_PROTO_PACKET) {
        fputs("null", stdout);
    } else if (d) {
        put_json_string(d, r->addr_tok);
    } else {
        if (r->family == 4)
            lsn_ipv4_text(r->addr, t, sizeof t, NULL);
        else
            lsn_ipv6_text(r->addr, t, sizeof t, NULL);
        printf("\"%s\"", t);
    }
    if (r->proto == LSN_PROTO_RAW)
        printf(",\"ip_protocol\":%u", (unsigned)r->num);
    else if (r->proto == LSN_PROTO_PACKET)
        printf(",\"ethertype\":%u,\"ifindex\":%" PRId32, (unsigned)r->num, r->ifindex);
}

/* A whole row (missing, extra): the document's keys it has that diff reads
 * (holders as their pids). */
static void put_row_json(struct doc *d, const struct row *r)
{
    if (!r) {
        fputs("null", stdout);
        return;
    }
    putchar('{');
    put_ident_json(r, "bind_address", d);
    fputs(",\"pid\":", stdout);
    put_pid(r->pid);
    fputs(",\"comm\":", stdout);
    put_json_string(d, r->comm_tok);
    fputs(",\"exe\":", stdout);
    put_json_string(d, r->exe_tok);
    if (r->proto == LSN_PROTO_PACKET) {
        fputs(",\"interface\":", stdout);
        put_json_string(d, r->iface_tok);
    }
    if (r->uid >= 0)
        printf(",\"uid\":%" PRId64, r->uid);
    if (r->exe_verified != -2)
        printf(",\"exe_verified\":%s", tristate[r->exe_verified + 1]);
    if (r->netns_state) {
        fputs(",\"netns\":", stdout);
        put_netns(r);
    }
    if (r->netns_host >= 0)
        printf(",\"netns_host\":%s", tristate[r->netns_host + 1]);
    if (r->has_holders) {
        fputs(",\"holders\":", stdout);
        put_holders(d, r);
    }
    putchar('}');
}

/* tcp "ipv4 0.0.0.0:22" / "ipv6 [::]:22" (as before the other protocols),
 * "udp ipv4 0.0.0.0:53", "raw:1 ipv4 0.0.0.0", "packet:0x0003 ifindex 0";
 * addresses in our canonical text of the bytes. */
static void put_where(const struct row *r)
{
    char t[LSN_IPV6_TEXT_SIZE];
    if (r->proto == LSN_PROTO_PACKET) {
        printf("packet:0x%04x ifindex %" PRId32, (unsigned)r->num, r->ifindex);
    } else {
        if (r->family == 4)
            lsn_ipv4_text(r->addr, t, sizeof t, NULL);
        else
            lsn_ipv6_text(r->addr, t, sizeof t, NULL);
        if (r->proto == LSN_PROTO_UDP)
            fputs("udp ", stdout);
        else if (r->proto == LSN_PROTO_RAW)
            printf("raw:%u ", (unsigned)r->num);
        if (r->proto == LSN_PROTO_RAW)
            printf(r->family == 4 ? "ipv4 %s" : "ipv6 %s", t);
        else
            printf(r->family == 4 ? "ipv4 %s:%u" : "ipv6 [%s]:%u", t, (unsigned)r->num);
    }
    if (r->occurrence)
        printf(r->proto == LSN_PROTO_TCP ? " (#%zu of its address and port)" : " (#%zu of its key)",
               r->occurrence + 1);
}

static void put_side_text(struct doc *d, const struct row *r)
{
    fputs("pid ", stdout);
    put_pid(r->pid);
    fputs(", comm ", stdout);
    put_terminal(d, r->comm_tok);
    fputs(", exe ", stdout);
    put_terminal(d, r->exe_tok);
    if (r->uid >= 0)
        printf(", uid %" PRId64, r->uid);
    if (r->netns_state) {
        fputs(", netns ", stdout);
        put_netns(r);
    }
    if (r->has_holders) {
        fputs(", holders ", stdout);
        put_holders(d, r);
    }
}

/* A field's value for the text report (terminal-escaped) or the JSON one. */
static void put_field(struct doc *d, const struct row *r, const char *field, int json)
{
    size_t tok;
    if (strcmp(field, "pid") == 0) {
        put_pid(r->pid);
        return;
    }
    if (strcmp(field, "uid") == 0) {
        printf("%" PRId64, r->uid);
        return;
    }
    if (strcmp(field, "holders") == 0) {
        put_holders(d, r);
        return;
    }
    if (strcmp(field, "exe_verified") == 0) {
        fputs(tristate[r->exe_verified + 1], stdout);
        return;
    }
    if (strcmp(field, "netns") == 0) {
        put_netns(r);
        return;
    }
    if (strcmp(field, "netns_host") == 0) {
        fputs(tristate[r->netns_host + 1], stdout);
        return;
    }
    tok = strcmp(field, "bind_address") == 0 ? r->addr_tok
          : strcmp(field, "comm") == 0       ? r->comm_tok
          : strcmp(field, "exe") == 0        ? r->exe_tok
                                             : r->iface_tok; /* interface */
    if (json)
        put_json_string(d, tok);
    else
        put_terminal(d, tok);
}

static void report_text(struct doc *a, struct doc *b, const struct diffs *ds)
{
    if (a->partial)
        puts("partial  ours: \"partial\":true, rows past a table's size cap are not in it");
    if (b->partial)
        puts("partial  theirs: \"partial\":true, rows past a table's size cap are not in it");
    for (size_t i = 0; i < ds->n; i++) {
        const struct diff *x = &ds->v[i];
        const struct row *k = x->ours ? x->ours : x->theirs;
        /* missing has ours only, extra theirs only, every other category
         * both (diff_rows makes them so) */
        if (!k || (x->cat == C_MISSING && !x->ours) || (x->cat == C_EXTRA && !x->theirs) ||
            (x->cat != C_MISSING && x->cat != C_EXTRA && (!x->ours || !x->theirs)))
            continue;
        printf("%-8s ", cat_name[x->cat]);
        put_where(k);
        fputs(": ", stdout);
        switch (x->cat) {
        case C_MISSING:
            fputs("only in ours (", stdout);
            put_side_text(a, x->ours);
            fputs(")", stdout);
            break;
        case C_EXTRA:
            fputs("only in theirs (", stdout);
            put_side_text(b, x->theirs);
            fputs(")", stdout);
            break;
        case C_OWNER:
            fputs("ours ", stdout);
            put_side_text(a, x->ours);
            fputs("; theirs ", stdout);
            put_side_text(b, x->theirs);
            if (strcmp(x->holders, "both") == 0)
                fputs("; both pids hold the socket: a shared socket, a different owner rule",
                      stdout);
            else if (strcmp(x->holders, "unknown") == 0)
                fputs("; holders unknown (give --proc SNAPSHOT to check)", stdout);
            else if (strcmp(x->holders, "neither") == 0)
                fputs("; neither pid holds the socket in the snapshot", stdout);
            else
                printf("; only %s pid holds the socket in the snapshot", x->holders);
            break;
        case C_ADDRESS:
            fputs("same address, ours ", stdout);
            put_terminal(a, x->ours->addr_tok);
            fputs(", theirs ", stdout);
            put_terminal(b, x->theirs->addr_tok);
            break;
        default:
            printf("%s: ours ", x->field);
            put_field(a, x->ours, x->field, 0);
            fputs(", theirs ", stdout);
            put_field(b, x->theirs, x->field, 0);
            if (x->cat == C_COMM || x->cat == C_EXE) {
                fputs(" (pid ", stdout);
                put_pid(x->ours->pid);
                fputs(")", stdout);
            }
            break;
        }
        putchar('\n');
    }
    if (ds->n == 0) {
        printf("equal: %zu rows\n", a->nrows);
        return;
    }
    printf("%zu difference%s (ours %zu rows, theirs %zu):", ds->n, ds->n == 1 ? "" : "s", a->nrows,
           b->nrows);
    for (int c = 0; c < C_COUNT; c++)
        printf(" %s %zu%s", cat_name[c], ds->counts[c], c + 1 < C_COUNT ? "," : "\n");
}

static void report_json(struct doc *a, struct doc *b, const struct diffs *ds)
{
    printf("{\"equal\":%s,\"ours_rows\":%zu,\"theirs_rows\":%zu,\"ours_partial\":%s,"
           "\"theirs_partial\":%s,\"counts\":{",
           ds->n ? "false" : "true", a->nrows, b->nrows, a->partial ? "true" : "false",
           b->partial ? "true" : "false");
    for (int c = 0; c < C_COUNT; c++)
        printf("\"%s\":%zu%s", cat_name[c], ds->counts[c], c + 1 < C_COUNT ? "," : "},");
    fputs("\"differences\":[", stdout);
    for (size_t i = 0; i < ds->n; i++) {
        const struct diff *x = &ds->v[i];
        const struct row *k = x->ours ? x->ours : x->theirs;
        if (!k || (x->cat != C_MISSING && x->cat != C_EXTRA && (!x->ours || !x->theirs)))
            continue; /* as in report_text */
        printf("%s{\"category\":\"%s\",", i ? "," : "", cat_name[x->cat]);
        put_ident_json(k, "address", NULL);
        printf(",\"occurrence\":%zu,", k->occurrence);
        if (x->cat == C_MISSING || x->cat == C_EXTRA) {
            fputs("\"ours\":", stdout);
            put_row_json(a, x->ours);
            fputs(",\"theirs\":", stdout);
            put_row_json(b, x->theirs);
        } else {
            printf("\"field\":\"%s\",\"ours\":", x->field);
            put_field(a, x->ours, x->field, 1);
            fputs(",\"theirs\":", stdout);
            put_field(b, x->theirs, x->field, 1);
            if (x->cat == C_OWNER)
                printf(",\"holders\":\"%s\"", x->holders);
        }
        putchar('}');
    }
    fputs("]}\n", stdout);
}

int lsn_diff_run(const struct lsn_args *args)
{
    const char *files[2] = {args->operand[0], args->operand[1]};
    const char *format = args->format ? args->format : "text", *proc = args->proc;
    int sandbox = !args->no_sandbox, rc = 2;
    struct doc a, b;
    struct diffs ds;
    struct lsn_result snap;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    memset(&ds, 0, sizeof ds);
    memset(&snap, 0, sizeof snap);

    /* Only reads from here on (the same filter as the collector). */
    if (sandbox && lsn_sandbox_enter() != 0 && errno != ENOSYS && errno != EOPNOTSUPP)
        fputs("listeners: running without the seccomp sandbox: prctl refused it\n", stderr);

    ignored = 0;
    for (int k = 0; k < LSN_DIFF_IGNORABLE; k++)
        if (args->diff_ignore & 1u << k)
            for (int x = 0; x < K_COUNT; x++)
                if (strcmp(lsn_diff_ignorable[k], row_keys[x]) == 0)
                    ignored |= BIT(x);
    a.name = files[0];
    b.name = files[1];
    if (load(&a) != 0 || load(&b) != 0)
        goto out;
    if (proc) {
        struct lsn_options o;
        memset(&o, 0, sizeof o);
        o.proc_root = proc;
        o.byte_order = LSN_ORDER_HOST;
        o.protocols = a.protocols | b.protocols; /* the tables of the rows (0: tcp) */
        if (lsn_collect(&o, &snap) != LSN_OK)
            fprintf(stderr, "listeners: diff: %s: not a readable proc tree: holders unknown\n",
                    proc);
    }
    {
        size_t i = 0, j = 0;
        int err = 0;
        while (i < a.nrows || j < b.nrows) {
            int c = i == a.nrows ? 1 : j == b.nrows ? -1 : key_cmp(&a.rows[i], &b.rows[j]);
            if (c < 0)
                err |= add(&ds, C_MISSING, &a.rows[i++], NULL, NULL, NULL);
            else if (c > 0)
                err |= add(&ds, C_EXTRA, NULL, &b.rows[j++], NULL, NULL);
            else
                err |= compare_rows(&a, &b, &a.rows[i++], &b.rows[j++], &ds, proc, &snap);
        }
        if (err) {
            fputs("listeners: diff: out of memory\n", stderr);
            goto out;
        }
    }
    if (format[0] == 'j')
        report_json(&a, &b, &ds);
    else
        report_text(&a, &b, &ds);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs("listeners: diff: cannot write the report\n", stderr);
        goto out;
    }
    rc = ds.n ? 1 : 0;
out:
    lsn_result_free(&snap);
    free(ds.v);
    doc_free(&a);
    doc_free(&b);
    return rc;
}
