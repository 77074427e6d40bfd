/* hex_address.h - the kernel's hex addresses and ports from /proc/net/tcp{,6}.
 *
 * The kernel prints an IPv4 address as "%08X" of a __be32 read as a native
 * integer, and an IPv6 address as four such words. So the text depends on the
 * byte order of the machine that printed it: 127.0.0.1 is "0100007F" on a
 * little-endian host and "7F000001" on a big-endian one. The byte order is a
 * parameter so that captures from big-endian machines can be decoded anywhere.
 * Ports are "%04X" of a host-order integer and read the same everywhere.
 *
 * Pure functions: no allocation, no I/O, no globals, no locale. Inputs are
 * (buf, len) spans and are never read past len; no NUL is needed. Hex digits
 * may be upper or lower case (the kernel prints upper case).
 */
#ifndef LISTENERS_HEX_ADDRESS_H
#define LISTENERS_HEX_ADDRESS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Byte order of the machine that printed the table. */
enum lsn_byte_order {
    LSN_ORDER_HOST = 0, /* the machine running this code */
    LSN_ORDER_LITTLE,   /* x86, arm64, most MIPS routers in little mode */
    LSN_ORDER_BIG       /* s390x, sparc64, big-endian MIPS */
};

enum lsn_hex_status {
    LSN_HEX_OK = 0,
    LSN_HEX_BAD_LENGTH, /* not exactly 8 (IPv4), 32 (IPv6) or 4 (port) characters */
    LSN_HEX_BAD_DIGIT   /* a character that is not 0-9, A-F or a-f */
};

/* Resolves LSN_ORDER_HOST to LSN_ORDER_LITTLE or LSN_ORDER_BIG; returns the
 * other two unchanged. */
enum lsn_byte_order lsn_byte_order_resolve(enum lsn_byte_order order);

/* Decodes exactly 8 hex digits printed by a machine of byte order `order`
 * into the 4 address bytes in network order (addr[0] is the first octet).
 * Returns LSN_HEX_OK, LSN_HEX_BAD_LENGTH (len != 8) or LSN_HEX_BAD_DIGIT.
 * On failure addr is all zeros. */
enum lsn_hex_status lsn_hex_ipv4(const char *buf, size_t len, enum lsn_byte_order order,
                                 uint8_t addr[4]);

/* Decodes exactly 32 hex digits (four 32-bit words, each printed in the byte
 * order `order`) into the 16 address bytes in network order. Statuses as for
 * lsn_hex_ipv4 (length 32). On failure addr is all zeros. */
enum lsn_hex_status lsn_hex_ipv6(const char *buf, size_t len, enum lsn_byte_order order,
                                 uint8_t addr[16]);

/* Decodes exactly 4 hex digits into a port. Statuses as above (length 4).
 * On failure *port is 0. */
enum lsn_hex_status lsn_hex_port(const char *buf, size_t len, uint16_t *port);

#ifdef __cplusplus
}
#endif
#endif
