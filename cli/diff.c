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
    "Compares two listeners-trait documents; exit 0 equal, 1 different, 2 bad input.\n"
    "Categories: missing, extra, owner, address, comm, exe, null.\n"
    "Trait documents only: the keys of --all-netns and --verify-exe are bad input.\n"
    "  --proc SNAPSHOT  a snapshot taken when both documents were made: for owner\n"
    "                   differences, tell whether each pid holds the socket\n"
    "  --format json    the differences as JSON (default: text)\n";

struct row {
    uint16_t port;
    uint8_t family; /* 4 or 6 */
    uint8_t addr[16];
    int64_t pid;       /* -1: null */
    size_t addr_tok;   /* token of bind_address */
    size_t comm_tok;   /* 0: null */
    size_t exe_tok;    /* 0: null */
    size_t index;      /* position in the document */
    size_t occurrence; /* 0 for the first row of a key, 1 for the next, ... */
};

struct doc {
    const char *name;
    char *buf;
    size_t len;
    struct lsn_jsonr_token *tok;
    size_t ntok;
    struct row *rows;
    size_t nrows;
    char *scratch; /* len + 1: one decoded string at a time */
    char *scratch2;
};

enum cat { C_MISSING, C_EXTRA, C_OWNER, C_ADDRESS, C_COMM, C_EXE, C_NULL, C_COUNT };
static const char *const cat_name[C_COUNT] = {"missing", "extra", "owner", "address",
                                              "comm",    "exe",   "null"};

struct diff {
    enum cat cat;
    const struct row *ours, *theirs;
    const char *field;   /* pid, comm, exe (C_NULL), or NULL */
    const char *holders; /* C_OWNER: "both", "ours", "theirs", "neither", "unknown" */
};

static void doc_free(struct doc *d)
{
    free(d->buf);
    free(d->tok);
    free(d->rows);
    free(d->scratch);
    free(d->scratch2);
}

static int bad(const struct doc *d, const char *what, size_t row)
{
    if (row == (size_t)-1)
        fprintf(stderr, "listeners: diff: %s: %s\n", d->name, what);
    else
        fprintf(stderr, "listeners: diff: %s: row %zu: %s\n", d->name, row + 1, what);
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

/* Finds the values of exactly the keys names[0..n) in object obj; vals[i]
 * gets the value token of names[i]. */
static int object_keys(struct doc *d, size_t obj, const char *const *names, size_t n, size_t *vals,
                       size_t row)
{
    const struct lsn_jsonr_token *t = d->tok;
    unsigned seen = 0;
    size_t k = obj + 1;
    char msg[96];
    if (t[obj].type != LSN_JSONR_OBJECT)
        return bad(d, row == (size_t)-1 ? "not an object where one is expected" : "not an object",
                   row);
    for (size_t m = 0; m < t[obj].size; m++, k = t[k + 1].next) {
        size_t i;
        for (i = 0; i < n; i++)
            if (lsn_jsonr_string_equals(d->buf, &t[k], names[i], strlen(names[i])))
                break;
        if (i == n)
            return bad(d, "unknown key", row);
        if (seen & 1u << i) {
            snprintf(msg, sizeof msg, "duplicate key \"%s\"", names[i]);
            return bad(d, msg, row);
        }
        seen |= 1u << i;
        vals[i] = k + 1;
    }
    for (size_t i = 0; i < n; i++)
        if (!(seen & 1u << i)) {
            snprintf(msg, sizeof msg, "missing key \"%s\"", names[i]);
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

/* (port, family, address bytes): the order of the contract and the key rows
 * match on. */
static int address_cmp(const struct row *x, const struct row *y)
{
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return memcmp(x->addr, y->addr, 16);
}

/* qsort: the address key, then the row's place in its document. */
static int row_cmp(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    int c = address_cmp(x, y);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Matching: the address key, then which repetition of that key it is. */
static int key_cmp(const struct row *x, const struct row *y)
{
    int c = address_cmp(x, y);
    if (c)
        return c;
    return x->occurrence < y->occurrence ? -1 : x->occurrence > y->occurrence;
}

static int load(struct doc *d)
{
    static const char *const top_keys[] = {"listeners"};
    static const char *const row_keys[] = {"port",         "pid",  "family", "protocol",
                                           "bind_address", "comm", "exe"};
    size_t where = 0, v[7], arr;
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
    st = lsn_json_read(d->buf, d->len, d->tok, cap, 8, &d->ntok, &where);
    if (st != LSN_JSONR_OK) {
        snprintf(msg, sizeof msg, "byte %zu: %s", where, lsn_jsonr_status_text(st));
        return bad(d, msg, (size_t)-1);
    }
    if (object_keys(d, 0, top_keys, 1, v, (size_t)-1) != 0)
        return -1;
    if (d->tok[v[0]].type == LSN_JSONR_NULL)
        return 0; /* {"listeners":null}: no procfs, no rows */
    if (object_keys(d, v[0], top_keys, 1, v, (size_t)-1) != 0)
        return -1;
    arr = v[0];
    if (d->tok[arr].type != LSN_JSONR_ARRAY)
        return bad(d, "\"listeners\" is not an array", (size_t)-1);
    d->rows = calloc(d->tok[arr].size + 1, sizeof *d->rows);
    if (!d->rows)
        return bad(d, "out of memory", (size_t)-1);
    for (size_t i = 0, k = arr + 1; i < d->tok[arr].size; i++, k = d->tok[k].next) {
        struct row *r = &d->rows[i];
        int64_t n;
        if (object_keys(d, k, row_keys, 7, v, i) != 0)
            return -1;
        r->index = i;
        if (lsn_jsonr_int64(d->buf, &d->tok[v[0]], &n) != LSN_JSONR_OK || n < 0 || n > 65535)
            return bad(d, "port is not an integer in 0..65535", i);
        r->port = (uint16_t)n;
        if (d->tok[v[1]].type == LSN_JSONR_NULL)
            r->pid = -1;
        else if (lsn_jsonr_int64(d->buf, &d->tok[v[1]], &n) != LSN_JSONR_OK || n < 0 ||
                 n > INT32_MAX)
            return bad(d, "pid is not null or an integer in 0..2147483647", i);
        else
            r->pid = n;
        if (lsn_jsonr_string_equals(d->buf, &d->tok[v[2]], "ipv4", 4))
            r->family = 4;
        else if (lsn_jsonr_string_equals(d->buf, &d->tok[v[2]], "ipv6", 4))
            r->family = 6;
        else
            return bad(d, "family is not \"ipv4\" or \"ipv6\"", i);
        if (!lsn_jsonr_string_equals(d->buf, &d->tok[v[3]], "tcp", 3))
            return bad(d, "protocol is not \"tcp\"", i);
        if (d->tok[v[4]].type != LSN_JSONR_STRING)
            return bad(d, "bind_address is not a string", i);
        r->addr_tok = v[4];
        if (parse_address(d, r, i) != 0)
            return -1;
        for (int f = 0; f < 2; f++) {
            size_t t = v[5 + f];
            if (d->tok[t].type == LSN_JSONR_NULL)
                t = 0;
            else if (d->tok[t].type != LSN_JSONR_STRING)
                return bad(d, f ? "exe is not null or a string" : "comm is not null or a string",
                           i);
            if (f)
                r->exe_tok = t;
            else
                r->comm_tok = t;
        }
    }
    d->nrows = d->tok[arr].size;
    qsort(d->rows, d->nrows, sizeof *d->rows, row_cmp);
    for (size_t i = 1; i < d->nrows; i++) {
        struct row *p = &d->rows[i - 1], *r = &d->rows[i];
        if (p->port == r->port && p->family == r->family && memcmp(p->addr, r->addr, 16) == 0)
            r->occurrence = p->occurrence + 1;
    }
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

/* The inode of the row of ours with r's key in the snapshot, or 0. */
static uint64_t snapshot_inode(const struct lsn_result *snap, const struct row *r)
{
    size_t occ = 0;
    for (size_t i = 0; i < snap->count; i++) {
        const struct lsn_listener *l = &snap->listeners[i];
        uint8_t fam = l->family == LSN_FAMILY_IPV4 ? 4 : 6;
        if (l->port != r->port || fam != r->family ||
            memcmp(l->bind_address, r->addr, fam == 4 ? 4 : 16) != 0)
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

static int compare_rows(struct doc *a, struct doc *b, const struct row *o, const struct row *t,
                        struct diffs *ds, const char *proc, const struct lsn_result *snap)
{
    int rc = 0;
    if (!same_text(a, o->addr_tok, b, t->addr_tok))
        rc |= add(ds, C_ADDRESS, o, t, "bind_address", NULL);
    if ((o->pid < 0) != (t->pid < 0))
        return rc | add(ds, C_NULL, o, t, "pid", NULL);
    if (o->pid != t->pid)
        return rc | add(ds, C_OWNER, o, t, "pid", owner_holders(proc, snap, o, t));
    if (!o->comm_tok != !t->comm_tok)
        rc |= add(ds, C_NULL, o, t, "comm", NULL);
    else if (o->comm_tok && !same_text(a, o->comm_tok, b, t->comm_tok))
        rc |= add(ds, C_COMM, o, t, "comm", NULL);
    if (!o->exe_tok != !t->exe_tok)
        rc |= add(ds, C_NULL, o, t, "exe", NULL);
    else if (o->exe_tok && !same_text(a, o->exe_tok, b, t->exe_tok))
        rc |= add(ds, C_EXE, o, t, "exe", NULL);
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

static void put_pid(int64_t pid)
{
    if (pid < 0)
        fputs("null", stdout);
    else
        printf("%" PRId64, pid);
}

static void put_row_json(struct doc *d, const struct row *r)
{
    if (!r) {
        fputs("null", stdout);
        return;
    }
    printf("{\"port\":%u,\"family\":\"ipv%u\",\"protocol\":\"tcp\",\"bind_address\":",
           (unsigned)r->port, (unsigned)r->family);
    put_json_string(d, r->addr_tok);
    fputs(",\"pid\":", stdout);
    put_pid(r->pid);
    fputs(",\"comm\":", stdout);
    put_json_string(d, r->comm_tok);
    fputs(",\"exe\":", stdout);
    put_json_string(d, r->exe_tok);
    putchar('}');
}

/* "ipv4 0.0.0.0:22" / "ipv6 [::]:22" with our canonical text of the bytes. */
static void put_where(const struct row *r)
{
    char t[LSN_IPV6_TEXT_SIZE];
    if (r->family == 4)
        lsn_ipv4_text(r->addr, t, sizeof t, NULL);
    else
        lsn_ipv6_text(r->addr, t, sizeof t, NULL);
    printf(r->family == 4 ? "ipv4 %s:%u" : "ipv6 [%s]:%u", t, (unsigned)r->port);
    if (r->occurrence)
        printf(" (#%zu of its address and port)", r->occurrence + 1);
}

static void put_side_text(struct doc *d, const struct row *r)
{
    fputs("pid ", stdout);
    put_pid(r->pid);
    fputs(", comm ", stdout);
    put_terminal(d, r->comm_tok);
    fputs(", exe ", stdout);
    put_terminal(d, r->exe_tok);
}

static void put_field_text(struct doc *d, const struct row *r, const char *field)
{
    if (strcmp(field, "pid") == 0)
        put_pid(r->pid);
    else
        put_terminal(d, field[0] == 'c' ? r->comm_tok : r->exe_tok);
}

static void put_field_json(struct doc *d, const struct row *r, const char *field)
{
    if (strcmp(field, "pid") == 0)
        put_pid(r->pid);
    else if (strcmp(field, "bind_address") == 0)
        put_json_string(d, r->addr_tok);
    else
        put_json_string(d, field[0] == 'c' ? r->comm_tok : r->exe_tok);
}

static void report_text(struct doc *a, struct doc *b, const struct diffs *ds)
{
    for (size_t i = 0; i < ds->n; i++) {
        const struct diff *x = &ds->v[i];
        const struct row *k = x->ours ? x->ours : x->theirs;
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
            put_field_text(a, x->ours, x->field);
            fputs(", theirs ", stdout);
            put_field_text(b, x->theirs, x->field);
            if (x->cat != C_NULL) {
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
    char t[LSN_IPV6_TEXT_SIZE];
    printf("{\"equal\":%s,\"ours_rows\":%zu,\"theirs_rows\":%zu,\"counts\":{",
           ds->n ? "false" : "true", a->nrows, b->nrows);
    for (int c = 0; c < C_COUNT; c++)
        printf("\"%s\":%zu%s", cat_name[c], ds->counts[c], c + 1 < C_COUNT ? "," : "},");
    fputs("\"differences\":[", stdout);
    for (size_t i = 0; i < ds->n; i++) {
        const struct diff *x = &ds->v[i];
        const struct row *k = x->ours ? x->ours : x->theirs;
        if (k->family == 4)
            lsn_ipv4_text(k->addr, t, sizeof t, NULL);
        else
            lsn_ipv6_text(k->addr, t, sizeof t, NULL);
        printf("%s{\"category\":\"%s\",\"port\":%u,\"family\":\"ipv%u\",\"address\":\"%s\","
               "\"occurrence\":%zu,",
               i ? "," : "", cat_name[x->cat], (unsigned)k->port, (unsigned)k->family, t,
               k->occurrence);
        if (x->cat == C_MISSING || x->cat == C_EXTRA) {
            fputs("\"ours\":", stdout);
            put_row_json(a, x->ours);
            fputs(",\"theirs\":", stdout);
            put_row_json(b, x->theirs);
        } else {
            printf("\"field\":\"%s\",\"ours\":", x->field);
            put_field_json(a, x->ours, x->field);
            fputs(",\"theirs\":", stdout);
            put_field_json(b, x->theirs, x->field);
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

    a.name = files[0];
    b.name = files[1];
    if (load(&a) != 0 || load(&b) != 0)
        goto out;
    if (proc) {
        struct lsn_options o;
        memset(&o, 0, sizeof o);
        o.proc_root = proc;
        o.byte_order = LSN_ORDER_HOST;
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
