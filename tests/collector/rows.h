/* rows.h - the CLI's compact JSON read back into rows, and ss -ltnpH output
 * read into the same shape, for the live, differential and unprivileged
 * tests. Only the contract's exact format is accepted. */
#ifndef LISTENERS_TESTS_ROWS_H
#define LISTENERS_TESTS_ROWS_H

#include <stddef.h>
#include <stdint.h>

struct row {
    int family; /* 4 or 6 */
    unsigned char addr[16];
    unsigned port;
    long pid;       /* -1: null */
    char comm[256]; /* JSON text as printed (escapes kept), "" when null */
    char exe[2048];
};

struct rows {
    struct row *v;
    size_t n;
};

/* Parses the CLI's compact JSON. Returns 0, or -1 when it is not the
 * contract's format (an error is printed). */
int rows_from_json(const char *json, struct rows *out);

/* Parses `ss -ltnpH` output; pid is the owner under the contract's rule
 * (lowest pid other than 1, else 1, else -1) among ss's users. */
int rows_from_ss(const char *text, struct rows *out);

/* Sorts by (family, addr, port, pid). */
void rows_sort(struct rows *r);

/* Rows of a that are not in b (multiset difference on family, addr, port,
 * pid), appended to out. */
void rows_minus(const struct rows *a, const struct rows *b, struct rows *out);

/* Same key without the pid: is (family, addr, port) in r? */
int rows_has_socket(const struct rows *r, const struct row *x);

void rows_print(const char *title, const struct rows *r);
void rows_free(struct rows *r);

#endif
