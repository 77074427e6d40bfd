/* rows.c - the row store: add with dedupe, inode index, rollback, contract
 * sort, shared exe texts, release. See rows.h. */
#include "rows.h"

#include <stdlib.h>
#include <string.h>

/* ---- inode map ---- */

static size_t map_slot(const struct lsn_inode_map *m, uint64_t inode)
{
    size_t mask = m->cap - 1, i;
    uint64_t h = inode * 0x9E3779B97F4A7C15u;
    for (i = (size_t)(h >> 29) & mask; m->keys[i] && m->keys[i] != inode; i = (i + 1) & mask)
        ;
    return i;
}

uint32_t *lsn_map_find(const struct lsn_inode_map *m, uint64_t inode)
{
    size_t i;
    if (!m->cap || inode == 0)
        return NULL;
    i = map_slot(m, inode);
    return m->keys[i] ? &m->vals[i] : NULL;
}

uint32_t *lsn_map_put(struct lsn_inode_map *m, uint64_t inode, int *added)
{
    size_t i;
    if ((m->n + 1) * 2 > m->cap) {
        struct lsn_inode_map g = {NULL, NULL, 0, m->cap ? m->cap * 2 : 64};
        g.keys = calloc(g.cap, sizeof *g.keys);
        g.vals = calloc(g.cap, sizeof *g.vals);
        if (!g.keys || !g.vals) {
            free(g.keys);
            free(g.vals);
            return NULL;
        }
        for (i = 0; i < m->cap; i++) {
            if (m->keys[i]) {
                size_t j = map_slot(&g, m->keys[i]);
                g.keys[j] = m->keys[i];
                g.vals[j] = m->vals[i];
            }
        }
        free(m->keys);
        free(m->vals);
        m->keys = g.keys; /* field by field: the analyzer follows this */
        m->vals = g.vals;
        m->cap = g.cap;
    }
    i = map_slot(m, inode);
    *added = m->keys[i] == 0;
    if (*added) {
        m->keys[i] = inode;
        m->vals[i] = 0;
        m->n++;
    }
    return &m->vals[i];
}

void lsn_map_free(struct lsn_inode_map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ---- rows and their inode index ---- */

/* An index slot: 0 empty, else (row + 1) in the low 31 bits (rows < 2^31)
 * and SLOT_SHARED when two or more rows have the slot's inode (lsn_rows_add):
 * then the inode matches no row, a test of one bit. */
#define SLOT_SHARED 0x80000000u
#define SLOT_ROW 0x7FFFFFFFu
#define ROWS_MAX (SLOT_ROW - 1) /* row + 1 fits SLOT_ROW */

static uint64_t mix(uint64_t h)
{
    return h * 0x9E3779B97F4A7C15u;
}

static size_t index_home(const struct lsn_rows *rows, uint64_t inode)
{
    return (size_t)(mix(inode) >> 29) & (rows->index_cap - 1);
}

/* The slot of inode: its rows', or the empty one where it would go. */
static size_t index_slot(const struct lsn_rows *rows, uint64_t inode)
{
    size_t mask = rows->index_cap - 1, i = index_home(rows, inode);
    while (rows->index[i] && rows->v[(rows->index[i] & SLOT_ROW) - 1].inode != inode)
        i = (i + 1) & mask;
    return i;
}

int lsn_rows_find(const struct lsn_rows *rows, uint64_t inode, uint32_t *row)
{
    size_t i;
    if (!rows->index_cap || inode == 0)
        return 0;
    i = index_slot(rows, inode);
    if (!rows->index[i] || (rows->index[i] & SLOT_SHARED))
        return 0;
    *row = (rows->index[i] & SLOT_ROW) - 1;
    return 1;
}

/* The same socket printed twice (a split read re-seeks and may print a
 * socket again), or two sockets whose inode numbers collide? A socket is in
 * one table of one namespace, with one address and port. A namespace 0 is
 * unknown (the host's, when self/ns/net cannot be read): it may be any,
 * the host's included, whose tables a namespace member then shows again
 * (listeners.h, "Network namespaces" step 4). */
static int same_key(const struct lsn_listener *l, const struct lsn_socket *k)
{
    return l->inode == k->inode && l->port == k->port && l->family == k->family &&
           l->protocol == k->protocol && l->ifindex == k->ifindex &&
           memcmp(l->bind_address, k->address, 16) == 0;
}

static int same_socket(const struct lsn_listener *l, const struct lsn_socket *k, uint64_t netns)
{
    return same_key(l, k) && (l->netns == netns || l->netns == 0 || netns == 0);
}

/* The socket a row was made from. */
static void row_socket(const struct lsn_listener *l, struct lsn_socket *k)
{
    memset(k, 0, sizeof *k);
    k->inode = l->inode;
    k->uid = l->uid;
    k->ifindex = l->ifindex;
    k->port = l->port;
    k->family = l->family;
    k->protocol = l->protocol;
    memcpy(k->address, l->bind_address, 16);
}

/* ---- the rows of shared inodes ----
 *
 * Only rows whose inode is shared are here: open addressing over row + 1,
 * hashed by (inode, port, family, address, netns), so that a line is found
 * to be a row already (a re-read prints every socket again) in constant
 * time however many sockets share one number. A line of namespace 0 is only
 * ever added before any row of a known namespace (the host's tables come
 * first), so the wildcard of same_socket is a second look-up under
 * namespace 0. */

static size_t socket_home(const struct lsn_rows *rows, const struct lsn_socket *k, uint64_t netns)
{
    uint64_t h =
        mix(k->inode ^ ((uint64_t)k->port << 1 | (uint64_t)(k->family == LSN_FAMILY_IPV6)) ^
            ((uint64_t)k->protocol << 17) ^ ((uint64_t)(uint32_t)k->ifindex << 20));
    size_t i;
    for (i = 0; i < 16; i += 8) {
        uint64_t w;
        memcpy(&w, k->address + i, 8);
        h = mix(h ^ w);
    }
    h = mix(h ^ netns);
    return (size_t)(h >> 29) & (rows->shared_cap - 1);
}

/* A shared row that is this socket (netns exactly), or the empty slot
 * where it would go. */
static size_t socket_slot(const struct lsn_rows *rows, const struct lsn_socket *k, uint64_t netns)
{
    size_t mask = rows->shared_cap - 1, i = socket_home(rows, k, netns);
    for (; rows->shared[i]; i = (i + 1) & mask) {
        const struct lsn_listener *l = &rows->v[rows->shared[i] - 1];
        if (l->netns == netns && same_key(l, k))
            break;
    }
    return i;
}

/* 1 when a shared row is this socket (same_socket). */
static int shared_has(const struct lsn_rows *rows, const struct lsn_socket *k, uint64_t netns)
{
    if (!rows->shared_cap)
        return 0;
    if (rows->shared[socket_slot(rows, k, netns)])
        return 1;
    return netns != 0 && rows->shared[socket_slot(rows, k, 0)];
}

/* Puts row into the (large enough) shared set. */
static void shared_put(struct lsn_rows *rows, size_t row)
{
    const struct lsn_listener *l = &rows->v[row];
    struct lsn_socket k;
    size_t i;
    row_socket(l, &k);
    i = socket_slot(rows, &k, l->netns);
    if (!rows->shared[i]) {
        rows->shared[i] = (uint32_t)row + 1;
        rows->nshared++;
    }
}

/* Room for more shared rows: 0, or -1 out of memory (nothing changed). */
static int shared_reserve(struct lsn_rows *rows, size_t more)
{
    size_t cap = rows->shared_cap ? rows->shared_cap : 8, i;
    uint32_t *old = rows->shared, *slots;
    size_t old_cap = rows->shared_cap;
    while ((rows->nshared + more) * 2 > cap)
        cap *= 2;
    if (cap == rows->shared_cap)
        return 0;
    slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    rows->shared = slots;
    rows->shared_cap = cap;
    rows->nshared = 0;
    for (i = 0; i < old_cap; i++)
        if (old[i])
            shared_put(rows, old[i] - 1);
    free(old);
    return 0;
}

/* Indexes rows v[0..n-1] into the (zeroed) slots, and the rows of inodes
 * that two of them have into the (zeroed) shared set, which is as large as
 * it was when they were added: nothing is allocated. */
static void index_fill(struct lsn_rows *rows)
{
    size_t i;
    rows->indexed = 0;
    rows->nshared = 0;
    for (i = 0; i < rows->n; i++) {
        size_t slot;
        if (rows->v[i].inode == 0)
            continue;
        slot = index_slot(rows, rows->v[i].inode);
        if (!rows->index[slot]) {
            rows->index[slot] = (uint32_t)i + 1;
            rows->indexed++;
        } else {
            rows->index[slot] |= SLOT_SHARED;
        }
    }
    if (!rows->shared_cap)
        return;
    for (i = 0; i < rows->n; i++)
        if (rows->v[i].inode != 0 &&
            (rows->index[index_slot(rows, rows->v[i].inode)] & SLOT_SHARED))
            shared_put(rows, i);
}

/* Rebuilds the index with cap slots. -1 out of memory (the old one kept). */
static int index_rebuild(struct lsn_rows *rows, size_t cap)
{
    uint32_t *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return -1;
    free(rows->index);
    rows->index = slots;
    rows->index_cap = cap;
    if (rows->shared_cap)
        memset(rows->shared, 0, rows->shared_cap * sizeof *rows->shared);
    index_fill(rows);
    return 0;
}

int lsn_rows_add(struct lsn_rows *rows, const struct lsn_socket *sock, uint64_t netns,
                 int netns_host)
{
    uint64_t inode = sock->inode;
    struct lsn_listener *l;
    int shared = 0;
    if (rows->n == rows->cap) {
        /* Doubling while small, then a quarter more: at 500,000 rows the
         * slack is at most 25% (8 MB), not 100%. Large blocks grow by
         * mremap, without a copy. */
        size_t ncap = rows->cap < 16      ? 16
                      : rows->cap < 65536 ? rows->cap * 2
                                          : rows->cap + rows->cap / 4;
        struct lsn_listener *nv;
        if (ncap > ROWS_MAX)
            ncap = ROWS_MAX;
        if (ncap <= rows->cap)
            return -1;
        nv = realloc(rows->v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        rows->v = nv;
        rows->cap = ncap;
    }
    if (inode != 0) {
        size_t slot;
        if ((rows->indexed + 1) * 2 > rows->index_cap &&
            index_rebuild(rows, rows->index_cap ? rows->index_cap * 2 : 64) != 0)
            return -1;
        slot = index_slot(rows, inode);
        if (rows->index[slot] & SLOT_SHARED) {
            /* Sockets share this number already: any of their rows may be
             * this one printed again (a re-read pass prints them all). */
            if (shared_has(rows, sock, netns))
                return 0;
            if (shared_reserve(rows, 1) != 0)
                return -1;
            shared = 1;
        } else if (rows->index[slot]) {
            size_t first = rows->index[slot] - 1;
            if (same_socket(&rows->v[first], sock, netns))
                return 0;
            /* Two sockets, one number: after the kernel's 32-bit inode
             * counter wrapped. A socket:[inode] link cannot say which one
             * it is, so neither row is matched; both stay. */
            if (shared_reserve(rows, 2) != 0)
                return -1;
            rows->index[slot] |= SLOT_SHARED;
            shared_put(rows, first);
            rows->unowned--; /* the first row's */
            shared = 1;
        } else {
            rows->index[slot] = (uint32_t)rows->n + 1;
            rows->indexed++;
            rows->unowned++;
        }
    }
    l = &rows->v[rows->n];
    memset(l, 0, sizeof *l);
    l->port = sock->port;
    l->family = sock->family;
    l->protocol = sock->protocol;
    l->uid = sock->uid;
    l->ifindex = sock->ifindex;
    memcpy(l->bind_address, sock->address, 16);
    l->inode = inode;
    l->pid = -1;
    l->comm = NULL;
    l->exe = NULL;
    l->netns = netns;
    l->netns_host = netns_host != 0;
    rows->n++;
    if (shared)
        shared_put(rows, rows->n - 1);
    return shared ? 2 : 1;
}

void lsn_rows_rollback(struct lsn_rows *rows, size_t n0)
{
    size_t i;
    rows->n = n0;
    /* the same slots again: nothing to allocate; an inode stays shared only
     * if two rows that are left have it */
    if (rows->shared_cap)
        memset(rows->shared, 0, rows->shared_cap * sizeof *rows->shared);
    if (rows->index_cap) {
        memset(rows->index, 0, rows->index_cap * sizeof *rows->index);
        index_fill(rows);
    }
    rows->unowned = 0; /* the rows are not owned yet: tables come before the walk */
    for (i = 0; i < rows->n; i++) {
        uint32_t row;
        if (rows->v[i].pid < 0 && lsn_rows_find(rows, rows->v[i].inode, &row))
            rows->unowned++;
    }
}

/* ---- contract order ---- */

static int row_cmp(const void *pa, const void *pb)
{
    const struct lsn_listener *a = pa, *b = pb;
    int m;
    if (a->protocol != b->protocol)
        return a->protocol < b->protocol ? -1 : 1;
    if (a->port != b->port)
        return a->port < b->port ? -1 : 1;
    if (a->family != b->family)
        return a->family == LSN_FAMILY_IPV4 ? -1 : 1;
    m = memcmp(a->bind_address, b->bind_address, 16);
    if (m)
        return m;
    if (a->inode != b->inode)
        return a->inode < b->inode ? -1 : 1;
    return 0;
}

/* The radix key's byte of pass 0, 1, 2: port low, port high, protocol. */
static size_t sort_byte(const struct lsn_listener *l, unsigned pass)
{
    return pass == 2 ? l->protocol : pass == 1 ? (size_t)(l->port >> 8) : (size_t)(l->port & 0xFF);
}

/* Rows are large and their ports mostly distinct: a radix sort of row
 * numbers by port (two passes; a third by protocol when rows of other
 * protocols than tcp are there), one in-place permutation of the rows, then
 * an insertion sort within a run of one protocol and port (qsort past 16
 * rows). Without memory for the row numbers it falls back to qsort of the
 * whole array. */
void lsn_rows_sort(struct lsn_rows *rows)
{
    struct lsn_listener *v = rows->v;
    size_t n = rows->n;
    uint32_t *at, *tmp;
    size_t count[256], i, run;
    unsigned pass, passes = 2;

    if (n < 2)
        return;
    at = n <= UINT32_MAX ? malloc(2 * n * sizeof *at) : NULL;
    if (!at) {
        qsort(v, n, sizeof *v, row_cmp);
        return;
    }
    tmp = at + n;
    for (i = 0; i < n; i++) {
        at[i] = (uint32_t)i;
        if (v[i].protocol != LSN_PROTO_TCP)
            passes = 3; /* rows of other protocols: by protocol first */
    }
    /* low byte of the port, high byte, protocol: each pass stable */
    for (pass = 0; pass < passes; pass++) {
        size_t sum = 0;
        memset(count, 0, sizeof count);
        for (i = 0; i < n; i++)
            count[sort_byte(&v[at[i]], pass)]++;
        for (i = 0; i < 256; i++) {
            size_t k = count[i];
            count[i] = sum;
            sum += k;
        }
        for (i = 0; i < n; i++)
            tmp[count[sort_byte(&v[at[i]], pass)]++] = at[i];
        memcpy(at, tmp, n * sizeof *at);
    }
    /* at[k] is the row that belongs at k: move the rows cycle by cycle. */
    for (i = 0; i < n; i++) {
        struct lsn_listener hold;
        size_t k = i, from;
        if (at[i] == i)
            continue;
        hold = v[i];
        while ((from = at[k]) != i) {
            v[k] = v[from];
            at[k] = (uint32_t)k;
            k = from;
        }
        v[k] = hold;
        at[k] = (uint32_t)k;
    }
    free(at);
    for (i = 0; i < n; i = run) {
        for (run = i + 1; run < n && v[run].port == v[i].port && v[run].protocol == v[i].protocol;
             run++)
            ;
        if (run - i > 16) {
            qsort(v + i, run - i, sizeof *v, row_cmp);
        } else { /* a port's few addresses: insertion sort */
            size_t j, k;
            for (j = i + 1; j < run; j++) {
                struct lsn_listener hold = v[j];
                for (k = j; k > i && row_cmp(&v[k - 1], &hold) > 0; k--)
                    v[k] = v[k - 1];
                v[k] = hold;
            }
        }
    }
}

/* ---- shared comm and exe texts ---- */

/* The number of rows that point at text, then the bytes and a NUL. */
struct shared_text {
    size_t rows;
    char text[];
};

static struct shared_text *text_of(const char *text)
{
    /* The text is ours (lsn_text_copy): casting const away is safe. */
    return (struct shared_text *)(void *)((char *)(uintptr_t)text -
                                          offsetof(struct shared_text, text));
}

char *lsn_text_copy(const char *text, size_t len)
{
    struct shared_text *e = malloc(sizeof *e + len + 1);
    if (!e)
        return NULL;
    e->rows = 0;
    memcpy(e->text, text, len);
    e->text[len] = '\0';
    /* Not a leak: e is recovered from its text by text_of (offsetof). */
    // cppcheck-suppress memleak
    return e->text;
}

void lsn_text_hold(const char *text)
{
    if (text)
        text_of(text)->rows++;
}

void lsn_text_release(const char *text)
{
    struct shared_text *e;
    if (!text)
        return;
    e = text_of(text);
    if (e->rows <= 1)
        free(e);
    else
        e->rows--;
}

void lsn_text_drop(const char *text)
{
    if (text && text_of(text)->rows == 0)
        free(text_of(text));
}

int lsn_rows_add_holder(struct lsn_rows *rows, const struct lsn_holder *h)
{
    if (rows->nholders == rows->holders_cap) {
        size_t ncap = rows->holders_cap ? rows->holders_cap * 2 : 16;
        struct lsn_holder *nv = realloc(rows->holders, ncap * sizeof *nv);
        if (!nv)
            return -1;
        rows->holders = nv;
        rows->holders_cap = ncap;
    }
    rows->holders[rows->nholders++] = *h;
    lsn_text_hold(h->comm);
    lsn_text_hold(h->exe);
    return 0;
}

static int holder_cmp(const void *pa, const void *pb)
{
    const struct lsn_holder *a = pa, *b = pb;
    if (a->inode != b->inode)
        return a->inode < b->inode ? -1 : 1;
    if (a->pid != b->pid)
        return a->pid < b->pid ? -1 : 1;
    return a->fd < b->fd ? -1 : a->fd > b->fd;
}

void lsn_rows_sort_holders(struct lsn_rows *rows)
{
    if (rows->nholders > 1)
        qsort(rows->holders, rows->nholders, sizeof *rows->holders, holder_cmp);
}

void lsn_holders_release(struct lsn_holder *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        lsn_text_release(v[i].comm);
        lsn_text_release(v[i].exe);
    }
    free(v);
}

void lsn_rows_release(struct lsn_listener *v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        lsn_text_release(v[i].comm);
        lsn_text_release(v[i].exe);
    }
    free(v);
}

void lsn_rows_free(struct lsn_rows *rows)
{
    lsn_rows_release(rows->v, rows->n);
    free(rows->index);
    free(rows->shared);
    lsn_holders_release(rows->holders, rows->nholders);
    memset(rows, 0, sizeof *rows);
}
