/* json_reader.h - a strict, bounded JSON reader for untrusted documents.
 *
 * jsmn-like: one pass over buf[0..len) fills a caller-owned array of tokens;
 * a token is a span of buf (byte offsets), nothing is copied or allocated.
 * Strict RFC 8259: one value (any type) with optional whitespace (space, tab,
 * LF, CR) around it; no trailing commas, no comments, no single quotes, no
 * leading zeros, no '+', no NaN or Infinity, no byte order mark; inside
 * strings no raw control byte (< 0x20), only the escapes \" \\ \/ \b \f \n \r
 * \t \uXXXX, \u escapes of surrogates only as a high-low pair (a lone or
 * reversed surrogate is rejected), and raw bytes only as valid UTF-8 (no
 * overlong forms, no encoded surrogates, nothing above U+10FFFF).
 *
 * Bounds: nesting deeper than max_depth and more tokens than the caller's
 * capacity are statuses of their own, so a caller can tell "too big for my
 * limits" from "not JSON". Numbers of any length are accepted by the reader
 * (the grammar is all it checks); lsn_jsonr_int64 says whether one fits.
 *
 * Duplicate object keys are valid RFC 8259 syntax ("SHOULD be unique"), so
 * the reader keeps them; lsn_jsonr_duplicate_key finds one in an object
 * (decoded comparison: "a" and "\u0061" are the same key). It costs
 * O(members^2), so it is for objects of known small size; a schema reader
 * that knows its keys can use lsn_jsonr_string_equals and a bit set instead.
 *
 * Tokens: tokens[0] is the top value. A container's children follow it in
 * document order; an object's children alternate key (a STRING token) and
 * value. Every token's `next` is the index just past its subtree, so
 * siblings are walked as i = tokens[i].next.
 *
 * Pure functions: no allocation, no I/O, no globals, no locale.
 */
#ifndef LISTENERS_JSON_READER_H
#define LISTENERS_JSON_READER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LSN_JSONR_DEFAULT_DEPTH 32 /* max_depth 0 means this */
#define LSN_JSONR_MAX_DEPTH 256    /* the largest max_depth accepted */

enum lsn_jsonr_type {
    LSN_JSONR_OBJECT = 1, /* start..end: '{' to '}' inclusive; size: members */
    LSN_JSONR_ARRAY,      /* start..end: '[' to ']' inclusive; size: elements */
    LSN_JSONR_STRING,     /* start..end: the bytes between the quotes, escapes raw */
    LSN_JSONR_NUMBER,     /* start..end: the number text */
    LSN_JSONR_TRUE,
    LSN_JSONR_FALSE,
    LSN_JSONR_NULL
};

struct lsn_jsonr_token {
    enum lsn_jsonr_type type;
    size_t start, end; /* buf[start..end) */
    size_t size;       /* members or elements; 0 for scalars */
    size_t next;       /* index of the first token after this one's subtree */
};

enum lsn_jsonr_status {
    LSN_JSONR_OK = 0,
    LSN_JSONR_EMPTY,          /* no value: empty or only whitespace */
    LSN_JSONR_TRUNCATED,      /* the input ends inside a value */
    LSN_JSONR_BAD_SYNTAX,     /* a byte that cannot start or continue the value here */
    LSN_JSONR_TRAILING_COMMA, /* ',' before ']' or '}' */
    LSN_JSONR_TRAILING_DATA,  /* bytes other than whitespace after the top value */
    LSN_JSONR_TOO_DEEP,       /* more nested arrays/objects than max_depth */
    LSN_JSONR_NO_TOKENS,      /* more values than the token capacity */
    LSN_JSONR_BAD_NUMBER,     /* not the RFC 8259 number grammar (leading zero, "1.", "-") */
    LSN_JSONR_BAD_STRING,     /* a raw control byte in a string */
    LSN_JSONR_BAD_ESCAPE,     /* an unknown escape or a \u without four hex digits */
    LSN_JSONR_BAD_SURROGATE,  /* a \u surrogate that is not a high-low pair */
    LSN_JSONR_BAD_UTF8,       /* invalid UTF-8 in a string */
    LSN_JSONR_BAD_DEPTH,      /* max_depth above LSN_JSONR_MAX_DEPTH */
    /* from the helpers below */
    LSN_JSONR_NOT_INTEGER,  /* lsn_jsonr_int64: not a number token, or a fraction/exponent */
    LSN_JSONR_OUT_OF_RANGE, /* lsn_jsonr_int64: outside int64_t */
    LSN_JSONR_NOT_STRING,   /* lsn_jsonr_string: not a string token */
    LSN_JSONR_NO_SPACE      /* lsn_jsonr_string: cap too small */
};

/* Reads buf[0..len) into tokens[0..cap). max_depth: nesting allowed (0:
 * LSN_JSONR_DEFAULT_DEPTH; "[[1]]" has depth 2, a scalar 0). On LSN_JSONR_OK
 * *ntokens is the number of tokens used and *where is len. On any other
 * status *ntokens is 0, *where is the byte offset of the failure (len when
 * the input ended too early), and tokens[] holds unspecified contents.
 * ntokens and where may be NULL. */
enum lsn_jsonr_status lsn_json_read(const char *buf, size_t len, struct lsn_jsonr_token *tokens,
                                    size_t cap, unsigned max_depth, size_t *ntokens, size_t *where);

/* Decodes the string token tok of buf (as filled by lsn_json_read) into
 * dst[0..cap) as UTF-8 followed by a NUL; *out_len (may be NULL) gets the
 * length without the NUL (a "\u0000" gives a NUL inside). The decoded text
 * is never longer than the span, so cap = end - start + 1 always suffices.
 * LSN_JSONR_NO_SPACE: dst[0] = '\0' when cap > 0, *out_len = 0. */
enum lsn_jsonr_status lsn_jsonr_string(const char *buf, const struct lsn_jsonr_token *tok,
                                       char *dst, size_t cap, size_t *out_len);

/* 1 when the string token decodes to exactly lit[0..lit_len), else 0 (also
 * for a token that is not a string). */
int lsn_jsonr_string_equals(const char *buf, const struct lsn_jsonr_token *tok, const char *lit,
                            size_t lit_len);

/* Byte order of the decoded texts of two string tokens: <0, 0, >0. */
int lsn_jsonr_string_compare(const char *buf, const struct lsn_jsonr_token *a,
                             const struct lsn_jsonr_token *b);

/* For the object token tokens[obj]: the index of the first key equal
 * (decoded) to an earlier key of the same object, or 0 when all keys are
 * distinct or tokens[obj] is not an object. O(members^2). */
size_t lsn_jsonr_duplicate_key(const char *buf, const struct lsn_jsonr_token *tokens, size_t obj);

/* The number token as an int64_t: LSN_JSONR_OK, LSN_JSONR_NOT_INTEGER
 * (not a number, or has a fraction or exponent: "1.0" and "1e2" are not
 * integers here), LSN_JSONR_OUT_OF_RANGE. *out is 0 unless OK. "-0" is 0. */
enum lsn_jsonr_status lsn_jsonr_int64(const char *buf, const struct lsn_jsonr_token *tok,
                                      int64_t *out);

/* A short English reason for a status ("nesting too deep", ...). Never NULL. */
const char *lsn_jsonr_status_text(enum lsn_jsonr_status status);

#ifdef __cplusplus
}
#endif
#endif
