/* tcp_test_lines.h - building /proc/net/tcp lines from tokens for the table tests. */
#ifndef LISTENERS_TCP_TEST_LINES_H
#define LISTENERS_TCP_TEST_LINES_H

#include <stddef.h>
#include <string.h>

/* The 17 tokens of a full IPv4 LISTEN line; index names for readability. */
enum tok {
    T_SL,
    T_LOCAL,
    T_REMOTE,
    T_ST,
    T_QUEUES,
    T_TIMER,
    T_RETR,
    T_UID,
    T_TIMEOUT,
    T_INODE,
    T_REF,
    T_PTR,
    T_RTO,
    T_ATO,
    T_QUICK,
    T_CWND,
    T_SSTHRESH,
    T_COUNT
};

static const char *const BASE4[T_COUNT] = {
    "0:",
    "0100007F:0016",
    "00000000:0000",
    "0A",
    "00000000:00000000",
    "00:00000000",
    "00000000",
    "0",
    "0",
    "12345",
    "1",
    "0000000000000000",
    "100",
    "0",
    "0",
    "10",
    "0",
};

static const char *const BASE6[T_COUNT] = {
    "0:",
    "00000000000000000000000001000000:0016",
    "00000000000000000000000000000000:0000",
    "0A",
    "00000000:00000000",
    "00:00000000",
    "00000000",
    "0",
    "0",
    "12345",
    "1",
    "0000000000000000",
    "100",
    "0",
    "0",
    "10",
    "0",
};

/* Joins ntok tokens with single spaces after "   " and appends "\n". Returns the length. */
static inline size_t join_tokens(char *dst, size_t cap, const char *const *tok, size_t ntok)
{
    size_t n = 0;
    const char *lead = "   ";
    memcpy(dst, lead, 3);
    n = 3;
    for (size_t i = 0; i < ntok; i++) {
        size_t l = strlen(tok[i]);
        if (i > 0)
            dst[n++] = ' ';
        if (n + l + 2 > cap)
            return 0;
        memcpy(dst + n, tok[i], l);
        n += l;
    }
    dst[n++] = '\n';
    dst[n] = '\0';
    return n;
}

#endif
