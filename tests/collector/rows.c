/* rows.c - see rows.h. */
#define _POSIX_C_SOURCE 200809L

#include "rows.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct row *push(struct rows *r)
{
    struct row *v = realloc(r->v, (r->n + 1) * sizeof *v);
    if (!v)
        abort();
    r->v = v;
    memset(&v[r->n], 0, sizeof v[r->n]);
    return &v[r->n++];
}

static int lit(const char **p, const char *s)
{
    size_t n = strlen(s);
    if (strncmp(*p, s, n) != 0)
        return -1;
    *p += n;
    return 0;
}

/* A JSON string (escapes kept) or null into dst. */
static int str_or_null(const char **p, char *dst, size_t cap)
{
    size_t n = 0;
    if (lit(p, "null") == 0) {
        dst[0] = '\0';
        return 0;
    }
    if (**p != '"')
        return -1;
    (*p)++;
    while (**p && **p != '"') {
        if (**p == '\\') {
            if (n + 1 < cap)
                dst[n++] = **p;
            (*p)++;
            if (!**p)
                return -1;
        }
        if (n + 1 < cap)
            dst[n++] = **p;
        (*p)++;
    }
    if (**p != '"')
        return -1;
    (*p)++;
    dst[n] = '\0';
    return 0;
}

int rows_from_json(const char *json, struct rows *out)
{
    const char *p = json;
    memset(out, 0, sizeof *out);
    if (lit(&p, "{\"listeners\":{\"listeners\":[") != 0)
        goto bad;
    while (*p == '{') {
        struct row *r = push(out);
        char fam[8], addr[64];
        char *end;
        if (lit(&p, "{\"port\":") != 0)
            goto bad;
        r->port = (unsigned)strtoul(p, &end, 10);
        p = end;
        if (lit(&p, ",\"family\":") || str_or_null(&p, fam, sizeof fam) ||
            lit(&p, ",\"protocol\":\"tcp\",\"bind_address\":") ||
            str_or_null(&p, addr, sizeof addr) || lit(&p, ",\"pid\":"))
            goto bad;
        r->family = strcmp(fam, "ipv6") == 0 ? 6 : 4;
        if (inet_pton(r->family == 6 ? AF_INET6 : AF_INET, addr, r->addr) != 1)
            goto bad;
        if (lit(&p, "null") == 0) {
            r->pid = -1;
        } else {
            r->pid = strtol(p, &end, 10);
            p = end;
        }
        if (lit(&p, ",\"comm\":") || str_or_null(&p, r->comm, sizeof r->comm) ||
            lit(&p, ",\"exe\":") || str_or_null(&p, r->exe, sizeof r->exe) || lit(&p, "}"))
            goto bad;
        if (*p == ',')
            p++;
    }
    if (lit(&p, "]}}\n") != 0 || *p)
        goto bad;
    return 0;
bad:
    fprintf(stderr, "rows: not the contract's JSON near: %.80s\n", p);
    return -1;
}

int rows_from_ss(const char *text, struct rows *out)
{
    const char *line = text;
    memset(out, 0, sizeof *out);
    while (*line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        char buf[65536], local[128], *colon, *pct, *host, *users, *q;
        struct row *r;
        if (len >= sizeof buf)
            return -1;
        memcpy(buf, line, len);
        buf[len] = '\0';
        line += len + (nl ? 1 : 0);
        if (sscanf(buf, "%*s %*s %*s %127s", local) != 1)
            continue;
        r = push(out);
        colon = strrchr(local, ':');
        if (!colon)
            return -1;
        *colon = '\0';
        r->port = (unsigned)strtoul(colon + 1, NULL, 10);
        host = local;
        if ((pct = strchr(host, '%')) != NULL) /* bound to a device: 127.0.0.53%lo */
            *pct = '\0';
        if (strcmp(host, "*") == 0) {
            r->family = 6; /* dual-stack [::] */
        } else if (host[0] == '[') {
            size_t hl = strlen(host);
            if (host[hl - 1] == ']')
                host[hl - 1] = '\0';
            host++;
            if ((pct = strchr(host, '%')) != NULL)
                *pct = '\0';
            r->family = 6;
            if (inet_pton(AF_INET6, host, r->addr) != 1)
                return -1;
        } else {
            r->family = 4;
            if (inet_pton(AF_INET, host, r->addr) != 1)
                return -1;
        }
        r->pid = -1;
        users = strstr(buf, "users:((");
        q = users ? strstr(users, ",pid=") : NULL;
        for (; q != NULL; q = strstr(q, ",pid=")) {
            long pid = strtol(q + 5, &q, 10);
            if (r->pid < 0 || (pid != 1 && (r->pid == 1 || pid < r->pid)))
                r->pid = pid;
        }
    }
    return 0;
}

static int cmp(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;
    int m;
    if (a->family != b->family)
        return a->family - b->family;
    m = memcmp(a->addr, b->addr, 16);
    if (m)
        return m;
    if (a->port != b->port)
        return a->port < b->port ? -1 : 1;
    return a->pid < b->pid ? -1 : a->pid > b->pid;
}

void rows_sort(struct rows *r)
{
    if (r->n > 1)
        qsort(r->v, r->n, sizeof *r->v, cmp);
}

void rows_minus(const struct rows *a, const struct rows *b, struct rows *out)
{
    size_t i = 0, j = 0;
    while (i < a->n) {
        int c = j < b->n ? cmp(&a->v[i], &b->v[j]) : -1;
        if (c == 0) {
            i++;
            j++;
        } else if (c < 0) {
            *push(out) = a->v[i++];
        } else {
            j++;
        }
    }
}

int rows_has_socket(const struct rows *r, const struct row *x)
{
    size_t i;
    for (i = 0; i < r->n; i++)
        if (r->v[i].family == x->family && r->v[i].port == x->port &&
            memcmp(r->v[i].addr, x->addr, 16) == 0)
            return 1;
    return 0;
}

void rows_print(const char *title, const struct rows *r)
{
    size_t i;
    fprintf(stderr, "%s (%zu):\n", title, r->n);
    for (i = 0; i < r->n && i < 50; i++) {
        char t[64];
        inet_ntop(r->v[i].family == 6 ? AF_INET6 : AF_INET, r->v[i].addr, t, sizeof t);
        fprintf(stderr, "  ipv%d %s port %u pid %ld %s\n", r->v[i].family, t, r->v[i].port,
                r->v[i].pid, r->v[i].comm);
    }
}

void rows_free(struct rows *r)
{
    free(r->v);
    memset(r, 0, sizeof *r);
}
