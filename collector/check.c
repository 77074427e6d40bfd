/* check.c - LSN_OPT_CHECK: the table step from both views, compared (see
 * listeners.h, "Cross-view check"). */
#define _POSIX_C_SOURCE 200809L

#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* One view's read of one table kind. */
struct view {
    struct lsn_rows rows;
    struct lsn_table_stats ts;
};

/* A difference: the socket, and whether netlink (1) or procfs (0) had it. */
struct candidate {
    struct lsn_listener row;
    int netlink_has;
    int churn;
};

static int same_socket(const struct lsn_listener *a, const struct lsn_listener *b)
{
    return a->inode == b->inode && a->family == b->family && a->protocol == b->protocol &&
           a->port == b->port && memcmp(a->bind_address, b->bind_address, 16) == 0;
}

/* Does the view have the socket? Through the inode index; a shared inode
 * (matched by no index slot) or inode 0 (in no index) by a scan, only
 * then. */
static int has(const struct lsn_rows *r, const struct lsn_listener *x)
{
    uint32_t row;
    if (x->inode != 0 && lsn_rows_find(r, x->inode, &row))
        return same_socket(&r->v[row], x);
    if (x->inode != 0 && r->nshared == 0)
        return 0;
    for (size_t i = 0; i < r->n; i++)
        if (same_socket(&r->v[i], x))
            return 1;
    return 0;
}

static int add_row(struct lsn_rows *rows, const struct lsn_listener *l, uint64_t netns, int host)
{
    struct lsn_socket s;
    memset(&s, 0, sizeof s);
    s.inode = l->inode;
    s.uid = l->uid;
    s.ifindex = l->ifindex;
    s.port = l->port;
    s.family = l->family;
    s.protocol = l->protocol;
    memcpy(s.address, l->bind_address, 16);
    return lsn_rows_add(rows, &s, netns, host);
}

static enum lsn_status read_view(const struct lsn_run *run, const struct lsn_origin *origin,
                                 const struct lsn_table_kind *kind, int netlink, struct view *v,
                                 enum lsn_reason *why, int *err)
{
    memset(v, 0, sizeof *v);
    return lsn_read_kind(run, &v->rows, origin, kind, &v->ts, netlink, why, err);
}

static int add_finding(struct lsn_result *r, const struct lsn_finding *f)
{
    struct lsn_finding *nv = realloc(r->findings, (r->nfindings + 1) * sizeof *nv);
    if (!nv)
        return -1;
    r->findings = nv;
    r->findings[r->nfindings++] = *f;
    return 0;
}

int lsn_check_filter(const struct lsn_run *run, uint64_t inode, uint16_t ethertype, uint32_t insns)
{
    struct lsn_finding f;
    if (!run->result || !(run->opts->flags & LSN_OPT_CHECK))
        return 0;
    memset(&f, 0, sizeof f);
    f.kind = LSN_FINDING_PACKET_FILTER;
    f.inode = inode;
    f.protocol = LSN_PROTO_PACKET;
    f.family = LSN_FAMILY_IPV4;
    f.port = ethertype;
    f.filter_insns = insns;
    return add_finding(run->result, &f);
}

/* The rounds after the first: both views again, procfs then netlink, while
 * a difference is not yet churn. LSN_OK or LSN_ERR_NOMEM (a view that
 * fails to read ends the rounds: what is left stands as read). */
static enum lsn_status rounds(const struct lsn_run *run, const struct lsn_origin *origin,
                              const struct lsn_table_kind *kind, struct candidate *c, size_t nc)
{
    /* The rounds are quiet (their lines were reported by the first read)
     * and count nowhere but in check_reads. */
    struct lsn_options quiet = *run->opts;
    struct lsn_stats scratch;
    struct lsn_run r = *run;
    memset(&scratch, 0, sizeof scratch);
    quiet.diag = NULL;
    r.opts = &quiet;
    r.stats = &scratch;
    r.result = NULL;
    for (int round = 0; round < LSN_CHECK_ROUNDS; round++) {
        struct view p, n;
        enum lsn_reason why;
        int err, left = 0;
        for (size_t i = 0; i < nc; i++)
            left += !c[i].churn;
        if (!left)
            break;
        enum lsn_status sp = read_view(&r, origin, kind, 0, &p, &why, &err);
        enum lsn_status sn = read_view(&r, origin, kind, 1, &n, &why, &err);
        run->result->check_reads += 2;
        if (sp == LSN_OK && sn == LSN_OK)
            for (size_t i = 0; i < nc; i++) {
                int in_p = has(&p.rows, &c[i].row), in_n = has(&n.rows, &c[i].row);
                if (c[i].netlink_has ? (in_p || !in_n) : (in_n || !in_p))
                    c[i].churn = 1;
            }
        lsn_rows_free(&p.rows);
        lsn_rows_free(&n.rows);
        if (sp == LSN_ERR_NOMEM || sn == LSN_ERR_NOMEM)
            return LSN_ERR_NOMEM;
        if (sp != LSN_OK || sn != LSN_OK)
            break;
    }
    return LSN_OK;
}

/* The differences of the first round into *c (malloc'd): sockets of one
 * view that the other lacks. -1 out of memory. */
static int differences(const struct view *p, const struct view *n, struct candidate **c, size_t *nc)
{
    size_t cap = 0;
    *c = NULL;
    *nc = 0;
    for (int side = 0; side < 2; side++) {
        const struct view *a = side ? n : p, *b = side ? p : n;
        for (size_t i = 0; i < a->rows.n; i++) {
            if (has(&b->rows, &a->rows.v[i]))
                continue;
            if (*nc == cap) {
                size_t ncap = cap ? cap * 2 : 8;
                struct candidate *nv = realloc(*c, ncap * sizeof *nv);
                if (!nv)
                    return -1;
                *c = nv;
                cap = ncap;
            }
            (*c)[*nc].row = a->rows.v[i];
            (*c)[*nc].netlink_has = side;
            (*c)[*nc].churn = 0;
            (*nc)++;
        }
    }
    return 0;
}

enum lsn_status lsn_check_kind(const struct lsn_run *run, struct lsn_rows *rows,
                               const struct lsn_origin *origin, const struct lsn_table_kind *kind,
                               struct lsn_table_stats *ts, enum lsn_reason *why, int *err)
{
    struct view p, n;
    struct candidate *c = NULL;
    size_t nc = 0;
    enum lsn_status st = read_view(run, origin, kind, 0, &p, why, err);
    *ts = p.ts;
    if (st != LSN_OK) {
        lsn_rows_free(&p.rows);
        return st;
    }
    st = read_view(run, origin, kind, 1, &n, why, err);
    run->result->check_reads += 2;
    /* A netlink view cut at the size cap lacks the sockets past it: the
     * result is partial (no report), not procfs_only findings. */
    if (n.ts.truncated)
        ts->truncated = 1;
    if (st == LSN_OK && !n.ts.netlink)
        run->result->compared &= ~(1u << kind->protocol); /* no dump: procfs twice */
    if (st == LSN_OK && n.ts.netlink) {
        if (differences(&p, &n, &c, &nc) != 0)
            st = LSN_ERR_NOMEM;
        run->result->check_differences += nc;
    }
    /* The rows: both views' sockets (the same socket once). */
    for (int side = 0; side < 2 && st == LSN_OK; side++) {
        const struct view *v = side ? &n : &p;
        for (size_t i = 0; i < v->rows.n && st == LSN_OK; i++)
            if (add_row(rows, &v->rows.v[i], origin->netns, origin->host) < 0)
                st = LSN_ERR_NOMEM;
    }
    lsn_rows_free(&p.rows);
    lsn_rows_free(&n.rows);
    if (st == LSN_OK && nc > 0)
        st = rounds(run, origin, kind, c, nc);
    for (size_t i = 0; i < nc && st == LSN_OK; i++) {
        struct lsn_finding f;
        if (c[i].churn) {
            run->result->check_churn++;
            continue;
        }
        memset(&f, 0, sizeof f);
        f.kind = c[i].netlink_has ? LSN_FINDING_NETLINK_ONLY : LSN_FINDING_PROCFS_ONLY;
        f.inode = c[i].row.inode;
        f.protocol = c[i].row.protocol;
        f.family = c[i].row.family;
        f.port = c[i].row.port;
        memcpy(f.address, c[i].row.bind_address, 16);
        if (add_finding(run->result, &f) != 0)
            st = LSN_ERR_NOMEM;
    }
    free(c);
    return st;
}
