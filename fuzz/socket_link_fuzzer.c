/* socket_link_fuzzer.c - lsn_parse_socket_link against a reference.
 *
 * The whole input is one readlink(2) target. The reference below is written
 * from the contract in socket_link.h alone, in a different shape from the
 * parser (it measures the digit run first and checks the u64 limit with a
 * 20-digit string comparison), and the two must agree on the status and the
 * inode. On every non-socket status the inode must be 0.
 *
 * The same input is also a namespace link for lsn_parse_ns_link(.., "net",
 * ..): "net:[N]" must parse exactly when "socket:[N]" would, with N != 0.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "socket_link.h"

static enum lsn_link_status reference(const uint8_t *b, size_t n, uint64_t *inode)
{
    static const char prefix[] = "socket:[";
    static const char u64_max[] = "18446744073709551615";
    const size_t plen = 8;
    *inode = 0;
    if (n < plen || memcmp(b, prefix, plen) != 0)
        return LSN_LINK_NOT_SOCKET;
    const uint8_t *p = b + plen;
    size_t rest = n - plen;
    if (rest == 0 || p[0] == ']')
        return LSN_LINK_NO_INODE;
    size_t digits = 0;
    while (digits < rest && p[digits] >= '0' && p[digits] <= '9')
        digits++;
    /* The first byte that is neither a digit nor ']' decides, unless the
     * number overflowed or had a leading zero before it. */
    int leading_zero = digits >= 2 && p[0] == '0';
    int overflow = digits > 20 || (digits == 20 && memcmp(p, u64_max, 20) > 0);
    if (leading_zero)
        return LSN_LINK_BAD_INODE;
    if (overflow)
        return LSN_LINK_INODE_OVERFLOW;
    if (digits == rest)
        return LSN_LINK_NO_CLOSE;
    if (p[digits] != ']')
        return LSN_LINK_BAD_INODE;
    if (digits + 1 != rest)
        return LSN_LINK_TRAILING;
    uint64_t v = 0;
    for (size_t i = 0; i < digits; i++)
        v = v * 10 + (uint64_t)(p[i] - '0');
    *inode = v;
    return LSN_LINK_SOCKET;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t got = 12345, want;
    enum lsn_link_status st = lsn_parse_socket_link((const char *)data, size, &got);
    enum lsn_link_status ref = reference(data, size, &want);
    if (st != ref || got != want)
        abort();
    if (st != LSN_LINK_SOCKET && got != 0)
        abort();
    const char *text = lsn_link_status_text(st);
    if (!text || strcmp(text, "unknown socket link status") == 0)
        abort();
    /* net:[N] follows the socket link's number rules, and rejects 0. */
    {
        uint64_t ns = 99, ref_ns = 0;
        int ok = lsn_parse_ns_link((const char *)data, size, "net", &ns), ref_ok = 0;
        if (size >= 5 && memcmp(data, "net:[", 5) == 0 && size - 5 < 4096) {
            uint8_t buf[4096 + 8];
            memcpy(buf, "socket:[", sizeof "socket:[" - 1); /* bytes, not a string */
            memcpy(buf + 8, data + 5, size - 5);
            ref_ok = reference(buf, size + 3, &ref_ns) == LSN_LINK_SOCKET && ref_ns != 0;
            if (!ref_ok)
                ref_ns = 0;
        }
        if ((ok == 0) != ref_ok || ns != ref_ns)
            abort();
    }
    /* Never NULL, even for a value past the last status. */
    text = lsn_link_status_text((enum lsn_link_status)(LSN_LINK_TRAILING + 1));
    if (!text || strcmp(text, "unknown socket link status") != 0)
        abort();
    return 0;
}
