/* jcheck.c - see jcheck.h. */
#include "jcheck.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct p {
    const unsigned char *s;
    size_t len, i;
    char *why;
    size_t whycap;
    int failed;
};

static int bad(struct p *p, const char *what)
{
    if (!p->failed)
        snprintf(p->why, p->whycap, "%s at byte %zu", what, p->i);
    p->failed = 1;
    return -1;
}

static int lit(struct p *p, const char *t)
{
    size_t n = strlen(t);
    if (p->len - p->i < n || memcmp(p->s + p->i, t, n) != 0)
        return -1;
    p->i += n;
    return 0;
}

/* One UTF-8 sequence at s[0..avail): its length, or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n, k;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1Fu;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0Fu;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

int jcheck_utf8(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_seq(s + i, len - i, &cp);
        if (!n)
            return 0;
        i += n;
    }
    return 1;
}

static int hex4(struct p *p, uint32_t *v)
{
    size_t k;
    *v = 0;
    if (p->len - p->i < 4)
        return bad(p, "short \\u escape");
    for (k = 0; k < 4; k++) {
        unsigned char c = p->s[p->i + k];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return bad(p, "bad hex digit in \\u escape");
        *v = *v << 4 | d;
    }
    p->i += 4;
    return 0;
}

static void put(char **buf, size_t *n, size_t *cap, const void *b, size_t k)
{
    if (!buf)
        return;
    if (!*buf || k >= *cap - *n) { /* no buffer yet, or no room for k bytes and the NUL */
        size_t nc;
        if (k > SIZE_MAX / 4 || *cap > SIZE_MAX / 4)
            abort();
        nc = (*cap ? *cap * 2 : 64) + k;
        char *nb = realloc(*buf, nc);
        if (!nb)
            abort();
        *buf = nb;
        *cap = nc;
    }
    memcpy(*buf + *n, b, k);
    *n += k;
    (*buf)[*n] = '\0';
}

static void put_cp(char **buf, size_t *n, size_t *cap, uint32_t v)
{
    unsigned char b[4];
    size_t k;
    if (v < 0x80) {
        b[0] = (unsigned char)v;
        k = 1;
    } else if (v < 0x800) {
        b[0] = (unsigned char)(0xC0 | v >> 6);
        b[1] = (unsigned char)(0x80 | (v & 0x3F));
        k = 2;
    } else if (v < 0x10000) {
        b[0] = (unsigned char)(0xE0 | v >> 12);
        b[1] = (unsigned char)(0x80 | (v >> 6 & 0x3F));
        b[2] = (unsigned char)(0x80 | (v & 0x3F));
        k = 3;
    } else {
        b[0] = (unsigned char)(0xF0 | v >> 18);
        b[1] = (unsigned char)(0x80 | (v >> 12 & 0x3F));
        b[2] = (unsigned char)(0x80 | (v >> 6 & 0x3F));
        b[3] = (unsigned char)(0x80 | (v & 0x3F));
        k = 4;
    }
    put(buf, n, cap, b, k);
}

/* A JSON string; decoded into *buf (malloc'd) when buf is not NULL. */
static int string(struct p *p, char **buf, size_t *out_len)
{
    size_t n = 0, cap = 0;
    if (buf)
        *buf = NULL;
    if (p->i >= p->len || p->s[p->i] != '"')
        return bad(p, "expected a string");
    p->i++;
    for (;;) {
        unsigned char c;
        if (p->i >= p->len)
            goto fail_end;
        c = p->s[p->i];
        if (c == '"') {
            p->i++;
            break;
        }
        if (c < 0x20) {
            bad(p, "raw control byte in a string");
            goto fail;
        }
        if (c == 0x7F) {
            bad(p, "raw 0x7F in a string (the contract escapes it)");
            goto fail;
        }
        if (c == '\\') {
            unsigned char e;
            const char *simple = NULL;
            p->i++;
            if (p->i >= p->len)
                goto fail_end;
            e = p->s[p->i++];
            switch (e) {
            case '"': simple = "\""; break;
            case '\\': simple = "\\"; break;
            case '/': simple = "/"; break;
            case 'b': simple = "\b"; break;
            case 'f': simple = "\f"; break;
            case 'n': simple = "\n"; break;
            case 'r': simple = "\r"; break;
            case 't': simple = "\t"; break;
            case 'u': {
                uint32_t v, lo;
                if (hex4(p, &v) != 0)
                    goto fail;
                if (v >= 0xDC00 && v <= 0xDFFF) {
                    bad(p, "lone low surrogate escape");
                    goto fail;
                }
                if (v >= 0xD800 && v <= 0xDBFF) {
                    if (lit(p, "\\u") != 0 || hex4(p, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF) {
                        bad(p, "high surrogate escape without a low one");
                        goto fail;
                    }
                    v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                }
                put_cp(buf, &n, &cap, v);
                break;
            }
            default:
                p->i--;
                bad(p, "unknown escape");
                goto fail;
            }
            if (simple)
                put(buf, &n, &cap, simple, 1);
            continue;
        }
        {
            uint32_t cp;
            size_t k = utf8_seq(p->s + p->i, p->len - p->i, &cp);
            if (!k) {
                bad(p, "invalid UTF-8 in a string");
                goto fail;
            }
            put(buf, &n, &cap, p->s + p->i, k);
            p->i += k;
        }
    }
    if (buf && !*buf)
        put(buf, &n, &cap, "", 0);
    if (out_len)
        *out_len = n;
    return 0;
fail_end:
    bad(p, "unterminated string");
fail:
    if (buf) {
        free(*buf);
        *buf = NULL;
    }
    return -1;
}

/* A non-negative integer without leading zeros, at most max. */
static int uint_(struct p *p, unsigned long max, unsigned long *v)
{
    size_t start = p->i;
    *v = 0;
    while (p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9') {
        *v = *v * 10 + (unsigned long)(p->s[p->i] - '0');
        if (*v > max)
            return bad(p, "number out of range");
        p->i++;
    }
    if (p->i == start)
        return bad(p, "expected a number");
    if (p->s[start] == '0' && p->i - start > 1)
        return bad(p, "leading zero");
    if (p->i < p->len && (p->s[p->i] == '.' || p->s[p->i] == 'e' || p->s[p->i] == 'E'))
        return bad(p, "not an integer");
    return 0;
}

static int str_or_null(struct p *p, char **buf, size_t *len, int keep)
{
    if (lit(p, "null") == 0) {
        if (buf)
            *buf = NULL;
        return 0;
    }
    return string(p, keep ? buf : NULL, len);
}

static int row(struct p *p, struct jrow *r, int keep)
{
    unsigned long v;
    char *fam = NULL, *addr = NULL;
    size_t fl = 0, al = 0;
    memset(r, 0, sizeof *r);
    if (lit(p, "{\"port\":") != 0)
        return bad(p, "expected {\"port\":");
    if (uint_(p, 65535, &v) != 0)
        return -1;
    r->port = (unsigned)v;
    if (lit(p, ",\"family\":") != 0)
        return bad(p, "expected ,\"family\":");
    if (string(p, &fam, &fl) != 0)
        return -1;
    r->family = strcmp(fam, "ipv4") == 0 ? 4 : strcmp(fam, "ipv6") == 0 ? 6 : 0;
    free(fam);
    if (!r->family)
        return bad(p, "family is neither ipv4 nor ipv6");
    if (lit(p, ",\"protocol\":\"tcp\",\"bind_address\":") != 0)
        return bad(p, "expected ,\"protocol\":\"tcp\",\"bind_address\":");
    if (string(p, &addr, &al) != 0)
        return -1;
    if (al == 0 || al >= sizeof r->addr) {
        free(addr);
        return bad(p, "bind_address empty or too long");
    }
    memcpy(r->addr, addr, al + 1);
    free(addr);
    if (lit(p, ",\"pid\":") != 0)
        return bad(p, "expected ,\"pid\":");
    if (lit(p, "null") == 0) {
        r->pid = -1;
    } else {
        if (uint_(p, 0x7fffffffUL, &v) != 0)
            return -1;
        if (v == 0)
            return bad(p, "pid 0");
        r->pid = (long)v;
    }
    if (lit(p, ",\"comm\":") != 0)
        return bad(p, "expected ,\"comm\":");
    if (str_or_null(p, &r->comm, &r->comm_len, keep) != 0)
        return -1;
    if (lit(p, ",\"exe\":") != 0)
        return bad(p, "expected ,\"exe\":");
    if (str_or_null(p, &r->exe, &r->exe_len, keep) != 0)
        return -1;
    if (lit(p, "}") != 0)
        return bad(p, "expected }");
    return 0;
}

int jcheck(const char *s, size_t len, struct jrows *out, size_t *count, char *why, size_t whycap)
{
    struct p p = {(const unsigned char *)s, len, 0, why, whycap, 0};
    size_t n = 0;
    if (why && whycap)
        why[0] = '\0';
    if (count)
        *count = 0;
    if (lit(&p, "{\"listeners\":{\"listeners\":[") != 0)
        return bad(&p, "expected {\"listeners\":{\"listeners\":[");
    if (lit(&p, "]") != 0) {
        for (;;) {
            struct jrow r;
            if (row(&p, &r, out != NULL) != 0) {
                free(r.comm);
                free(r.exe);
                return -1;
            }
            n++;
            if (out) {
                if (out->n == out->cap) {
                    size_t nc = out->cap ? out->cap * 2 : 16;
                    struct jrow *nv = realloc(out->v, nc * sizeof *nv);
                    if (!nv)
                        abort();
                    out->v = nv;
                    out->cap = nc;
                }
                out->v[out->n++] = r;
            }
            if (lit(&p, ",") == 0)
                continue;
            if (lit(&p, "]") == 0)
                break;
            return bad(&p, "expected , or ]");
        }
    }
    if (lit(&p, "}}\n") != 0 || p.i != len)
        return bad(&p, "expected }}\\n and the end");
    if (count)
        *count = n;
    return 0;
}

void jrows_free(struct jrows *r)
{
    size_t i;
    for (i = 0; i < r->n; i++) {
        free(r->v[i].comm);
        free(r->v[i].exe);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}
