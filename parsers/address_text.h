/* address_text.h - IPv4 and IPv6 addresses as text, exactly as the listeners
 * contract prints them.
 *
 * IPv4: dotted decimal, no leading zeros ("10.0.0.1").
 * IPv6: RFC 5952 canonical text: lower-case hex, no leading zeros in a group,
 * the longest run of two or more zero groups replaced by "::" (the first run
 * wins a tie), a single zero group written "0", and the dotted mixed notation
 * only for IPv4-mapped addresses ::ffff:0:0/96 ("::ffff:10.0.0.1"). All other
 * addresses stay hex: "::7f00:1", not glibc's "::127.0.0.1".
 *
 * Pure functions: no allocation, no I/O, no globals, no locale, no libc
 * formatting. The text is written into the caller's buffer followed by a NUL.
 */
#ifndef LISTENERS_ADDRESS_TEXT_H
#define LISTENERS_ADDRESS_TEXT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Buffer sizes that always suffice, the NUL included. */
#define LSN_IPV4_TEXT_SIZE 16 /* "255.255.255.255" */
#define LSN_IPV6_TEXT_SIZE 46 /* "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" */

enum lsn_text_status {
    LSN_TEXT_OK = 0,
    LSN_TEXT_NO_SPACE /* cap is too small for the text and its NUL */
};

/* Writes the dotted text of addr (network order) into dst[0..cap) with a NUL.
 * *text_len (may be NULL) receives the length without the NUL.
 * Returns LSN_TEXT_OK, or LSN_TEXT_NO_SPACE, in which case nothing is written
 * except dst[0] = '\0' when cap > 0, and *text_len is 0. */
enum lsn_text_status lsn_ipv4_text(const uint8_t addr[4], char *dst, size_t cap, size_t *text_len);

/* Writes the RFC 5952 text of addr (network order) as lsn_ipv4_text does. */
enum lsn_text_status lsn_ipv6_text(const uint8_t addr[16], char *dst, size_t cap, size_t *text_len);

#ifdef __cplusplus
}
#endif
#endif
