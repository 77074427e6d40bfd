/* filter.c - see filter.h. */
#define _POSIX_C_SOURCE 200809L

#include "filter.h"

#include <arpa/inet.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* One item s[0..n): 0 into *it, -1 when it is not one of kind. */
static int parse_item(enum lsn_filter_kind kind, const char *s, size_t n,
                      struct lsn_filter_item *it)
{
    char buf[64];
    memset(it, 0, sizeof *it);
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (kind == LSN_FILTER_ADDRESS) {
        uint8_t v4[4];
        if (inet_pton(AF_INET6, buf, it->addr) == 1)
            return 0;
        if (inet_pton(AF_INET, buf, v4) != 1)
            return -1;
        it->addr[10] = 0xff;
        it->addr[11] = 0xff;
        memcpy(it->addr + 12, v4, 4);
        return 0;
    }
    int64_t v = 0, max = kind == LSN_FILTER_PORT ? 65535 : 2147483647;
    if (strspn(buf, "0123456789") != n || n > 10 || (n > 1 && buf[0] == '0'))
        return -1;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (buf[i] - '0');
    if (v > max || (kind == LSN_FILTER_PID && v == 0))
        return -1;
    it->number = v;
    return 0;
}

long lsn_filter_list(enum lsn_filter_kind kind, const char *s, struct lsn_filter_item *out)
{
    long count = 0;
    if (!*s)
        return -1;
    for (;;) {
        size_t n = strcspn(s, ",");
        struct lsn_filter_item it;
        if (parse_item(kind, s, n, &it) != 0)
            return -1;
        if (out)
            out[count] = it;
        count++;
        s += n;
        if (!*s)
            return count;
        s++; /* the comma: an item must follow */
    }
}

int lsn_filter_init(struct lsn_filter *f, const char *ports, const char *pids,
                    const char *addresses, const char *comm, const char *exe)
{
    const char *lists[3] = {ports, pids, addresses};
    memset(f, 0, sizeof *f);
    f->comm = comm;
    f->exe = exe;
    for (int k = 0; k < 3; k++) {
        long n;
        if (!lists[k])
            continue;
        n = lsn_filter_list((enum lsn_filter_kind)k, lists[k], NULL);
        if (n <= 0)
            return -1; /* validated by the option parser: not reached */
        f->items[k] = calloc((size_t)n, sizeof *f->items[k]);
        if (!f->items[k]) {
            lsn_filter_free(f);
            return -1;
        }
        f->n[k] = (size_t)lsn_filter_list((enum lsn_filter_kind)k, lists[k], f->items[k]);
    }
    return 0;
}

int lsn_filter_active(const struct lsn_filter *f)
{
    return f->items[0] || f->items[1] || f->items[2] || f->comm || f->exe;
}

static int name_matches(const char *pattern, const char *name, size_t len)
{
    if (!name || memchr(name, '\0', len))
        return 0;
    return fnmatch(pattern, name, 0) == 0;
}

int lsn_filter_match(const struct lsn_filter *f, const struct lsn_listener *l)
{
    size_t i;
    if (f->items[LSN_FILTER_PORT]) {
        if (l->protocol != LSN_PROTO_TCP && l->protocol != LSN_PROTO_UDP)
            return 0;
        for (i = 0; i < f->n[LSN_FILTER_PORT]; i++)
            if (f->items[LSN_FILTER_PORT][i].number == l->port)
                break;
        if (i == f->n[LSN_FILTER_PORT])
            return 0;
    }
    if (f->items[LSN_FILTER_PID]) {
        for (i = 0; i < f->n[LSN_FILTER_PID]; i++)
            if (l->pid >= 0 && f->items[LSN_FILTER_PID][i].number == l->pid)
                break;
        if (i == f->n[LSN_FILTER_PID])
            return 0;
    }
    if (f->items[LSN_FILTER_ADDRESS]) {
        uint8_t a[16] = {0};
        if (l->protocol == LSN_PROTO_PACKET)
            return 0;
        if (l->family == LSN_FAMILY_IPV4) {
            a[10] = 0xff;
            a[11] = 0xff;
            memcpy(a + 12, l->bind_address, 4);
        } else {
            memcpy(a, l->bind_address, 16);
        }
        for (i = 0; i < f->n[LSN_FILTER_ADDRESS]; i++)
            if (memcmp(f->items[LSN_FILTER_ADDRESS][i].addr, a, 16) == 0)
                break;
        if (i == f->n[LSN_FILTER_ADDRESS])
            return 0;
    }
    if (f->comm && (l->pid < 0 || !name_matches(f->comm, l->comm, l->comm_len)))
        return 0;
    if (f->exe && (l->pid < 0 || !name_matches(f->exe, l->exe, l->exe_len)))
        return 0;
    return 1;
}

int lsn_filter_apply(const struct lsn_filter *f, const struct lsn_result *r,
                     struct lsn_result *view)
{
    *view = *r;
    view->listeners = malloc((r->count ? r->count : 1) * sizeof *view->listeners);
    if (!view->listeners)
        return -1;
    view->count = 0;
    for (size_t i = 0; i < r->count; i++)
        if (lsn_filter_match(f, &r->listeners[i]))
            view->listeners[view->count++] = r->listeners[i];
    return 0;
}

void lsn_filter_free(struct lsn_filter *f)
{
    for (int k = 0; k < 3; k++)
        free(f->items[k]);
    memset(f, 0, sizeof *f);
}
