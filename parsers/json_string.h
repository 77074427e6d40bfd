/* json_string.h - untrusted bytes as a JSON string, always valid UTF-8.
 *
 * Used for comm and exe, which any process or file name controls. Writes the
 * surrounding quotes. Escapes '"' and '\\', every control byte < 0x20 and 0x7F
 * (\b \f \n \r \t, else \u00XX), the C1 controls U+0080..U+009F (\u0080..
 * \u009f) and the invisible characters that reorder or break a line (U+061C,
 * U+200E/F, U+2028..U+202E, U+2066..U+2069, as \uXXXX), so that no string
 * of the output, printed raw, can drive a terminal; and replaces each
 * invalid UTF-8 sequence by
 * U+FFFD per maximal subpart (Unicode 3.9 / WHATWG practice, as Python's
 * errors="replace"): overlongs, surrogates (ED A0..BF) and code points above
 * U+10FFFF are invalid.
 *
 * Pure function: no allocation, no I/O, no globals, no locale.
 */
#ifndef LISTENERS_JSON_STRING_H
#define LISTENERS_JSON_STRING_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Worst-case output size for len input bytes: every byte may become 6 bytes
 * ("\u0001"; a 2-byte C1 control or a 3-byte format character also 6) or 3
 * bytes (U+FFFD), plus two quotes and a NUL. */
#define LSN_JSON_STRING_SIZE(len) ((len)*6u + 3u)

enum lsn_json_status {
    LSN_JSON_OK = 0,
    LSN_JSON_NO_SPACE /* cap too small; dst[0] = '\0' when cap > 0 */
};

/* Writes src[0..len) as a quoted JSON string into dst[0..cap) followed by a
 * NUL; *out_len (may be NULL) receives the length without the NUL (0 on
 * failure). cap >= LSN_JSON_STRING_SIZE(len) always suffices. */
enum lsn_json_status lsn_json_string(const char *src, size_t len, char *dst, size_t cap,
                                     size_t *out_len);

/* For terminals: writes src as printable text without quotes. Backslash is
 * written "\\", newline, tab and carriage return "\n" "\t" "\r"; every other
 * control byte, 0x7F, each byte of an invalid UTF-8 sequence and each byte of
 * a C1 control (U+0080..U+009F) is written "\xHH"; the invisible characters
 * that reorder or break a line (U+061C, U+200E/F, U+2028..U+202E,
 * U+2066..U+2069) are
 * written "\uXXXX". Other valid UTF-8 is kept. So a hostile name cannot reach
 * a terminal as an escape sequence. Same buffer rules as lsn_json_string;
 * cap >= len * 4 + 1 always suffices. */
enum lsn_json_status lsn_terminal_text(const char *src, size_t len, char *dst, size_t cap,
                                       size_t *out_len);

/* For the Prometheus text exposition format (the textfile collector's, and
 * OpenMetrics'): src as the inside of a label value, without the quotes.
 * Backslash, double quote and newline are written \\, \" and \n (the
 * format's only escapes); each invalid UTF-8 sequence becomes U+FFFD per
 * maximal subpart, as in lsn_json_string (the format requires UTF-8);
 * every other byte, control bytes included, is kept: the value is the
 * bytes. Same buffer rules as lsn_json_string; cap >= len * 3 + 1 always
 * suffices. */
#define LSN_LABEL_VALUE_SIZE(len) ((len)*3u + 1u)
enum lsn_json_status lsn_label_value(const char *src, size_t len, char *dst, size_t cap,
                                     size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif
