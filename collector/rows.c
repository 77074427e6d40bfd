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
        g.n = m->n;
        free(m->keys);
        free(m->vals);
        *m = g;
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

static size_t index_home(const struct lsn_rows *rows, uint64_t inode)
{
    uint64_t h = inode * 0x9E3779B97F4A7C15u;
    return (size_t)(h >> 29) & (rows->index_cap - 1);
}

/* The slot of inode: its row's, or the empty one where it would go. */
static size_t index_slot(const struct lsn_rows *rows, uint64_t inode)
{
    size_t mask = rows->index_cap - 1, i = index_home(rows, inode);
    while (rows->index[i] && rows->v[rows->index[i] - 1].inode != inode)
        i = (i + 1) & mask;
    return i;
}

/* 1 when inode is one that two different sockets showed (lsn_rows_add). */
static int is_shared(const struct lsn_rows *rows, uint64_t inode)
{
    size_t i;
    for (i = 0; i < rows->nshared; i++)
        if (rows->shared[i] == inode)
            return 1;
    return 0;
}

int lsn_rows_find(const struct lsn_rows *rows, uint64_t inode, uint32_t *row)
{
    size_t i;
    if (!rows->index_cap || inode == 0)
        return 0;
    i = index_slot(rows, inode);
    if (!rows->index[i] || (rows->nshared && is_shared(rows, inode)))
        return 0;
    *row = rows->index[i] - 1;
    return 1;
}

/* Indexes rows v[0..n-1] into the (zeroed) slots: the first row of an
 * inode, as lsn_rows_add does. */
static void index_fill(struct lsn_rows *rows)
{
    size_t i;
    rows->indexed = 0;
    for (i = 0; i < rows->n; i++) {
        size_t slot;
        if (rows->v[i].inode == 0)
            continue;
        slot = index_slot(rows, rows->v[i].inode);
        if (!rows->index[slot]) {
            rows->index[slot] = (uint32_t)i + 1;
            rows->indexed++;
        }
    }
}

/* The same socket printed twice (a split read re-seeks and may print a
 * socket again), or two sockets whose inode numbers collide? A socket is in
 * one table of one namespace, with one address and port. A namespace 0 is
 * unknown (the host's, when self/ns/net cannot be read): it may be any. */
static int same_socket(const struct lsn_listener *l, const struct lsn_socket *sock, uint64_t netns)
{
    return l->port == sock->port && l->family == sock->family && l->protocol == sock->protocol &&
           l->ifindex == sock->ifindex && memcmp(l->bind_address, sock->address, 16) == 0 &&
           (l->netns == netns || l->netns == 0 || netns == 0);
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
        if (ncap > UINT32_MAX)
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
        if (rows->index[slot]) {
            const struct lsn_listener *first = &rows->v[rows->index[slot] - 1];
            if (same_socket(first, sock, netns))
                return 0;
            /* Two sockets, one number: after the kernel's 32-bit inode
             * counter wrapped. A socket:[inode] link cannot say which one
             * it is, so neither row is matched; both stay. */
            shared = 1;
            if (!is_shared(rows, inode)) {
                if (rows->nshared == rows->shared_cap) {
                    size_t ncap = rows->shared_cap ? rows->shared_cap * 2 : 4;
                    uint64_t *ns = realloc(rows->shared, ncap * sizeof *ns);
                    if (!ns)
                        return -1;
                    rows->shared = ns;
                    rows->shared_cap = ncap;
                }
                rows->shared[rows->nshared++] = inode;
                rows->unowned--; /* the first row's */
            }
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
    return shared ? 2 : 1;
}

void lsn_rows_rollback(struct lsn_rows *rows, size_t n0)
{
    size_t i, k = 0;
    rows->n = n0;
    if (rows->index_cap) { /* the same slots again: nothing to allocate */
        memset(rows->index, 0, rows->index_cap * sizeof *rows->index);
        index_fill(rows);
    }
    /* an inode stays shared only if two rows that are left show it */
    for (i = 0; i < rows->nshared; i++) {
        size_t r, seen = 0;
        for (r = 0; r < rows->n && seen < 2; r++)
            seen += rows->v[r].inode == rows->shared[i];
        if (seen >= 2)
            rows->shared[k++] = rows->shared[i];
    }
    rows->nshared = k;
    rows->unowned = 0; /* the rows are not owned yet: tables come before the walk */
    for (i = 0; i < rows->n; i++)
        if (rows->v[i].inode != 0 && rows->v[i].pid < 0 && !is_shared(rows, rows->v[i].inode))
            rows->unowned++;
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
