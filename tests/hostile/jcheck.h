/* jcheck.h - an independent, strict checker of the CLI's JSON for the
 * hostile and stress tests. It does not use the library's own reader or
 * writer: RFC 8259 strings (escapes, no raw control byte, valid UTF-8 with
 * no overlong forms, surrogates or code points above U+10FFFF, \u
 * surrogates only as pairs), then the contract's exact shape, compact, keys
 * in order:
 *   {"listeners":{"listeners":[{"port":N,"family":"ipv4"|"ipv6",
 *    "protocol":"tcp","bind_address":S,"pid":N|null,"comm":S|null,
 *    "exe":S|null},...]}}\n
 * plus the contract's extra rules: 0x7F escaped, port 0..65535, pid > 0.
 * Streaming: memory grows only with the rows kept (out may be NULL). */
#ifndef LISTENERS_TESTS_JCHECK_H
#define LISTENERS_TESTS_JCHECK_H

#include <stddef.h>

struct jrow {
    unsigned port;
    int family;    /* 4 or 6 */
    char addr[48]; /* bind_address, decoded */
    long pid;      /* -1: null */
    char *comm;    /* decoded bytes + NUL, NULL when null */
    size_t comm_len;
    char *exe; /* decoded bytes + NUL, NULL when null */
    size_t exe_len;
};

struct jrows {
    struct jrow *v;
    size_t n, cap;
};

/* Checks s[0..len). Returns 0 when valid; else -1 with a reason and the
 * byte offset in why. *count (may be NULL) gets the number of rows. Rows
 * are appended to out when out is not NULL (free with jrows_free). */
int jcheck(const char *s, size_t len, struct jrows *out, size_t *count, char *why, size_t whycap);
void jrows_free(struct jrows *r);

/* Is s[0..len) valid UTF-8 (same rules as above)? */
int jcheck_utf8(const unsigned char *s, size_t len);

#endif
