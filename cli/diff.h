/* diff.h - `listeners diff OURS.json THEIRS.json`: compare two
 * listeners-trait documents (docs/contract.md) row by row.
 *
 * Each document is read whole (at most LSN_DIFF_MAX_DOCUMENT bytes, a
 * regular file or "-" for stdin) and parsed with parsers/json_reader.h into
 * one token array of len / 4 + 16 tokens allocated once (a conforming
 * document needs about one token per 6 bytes; one that needs more is
 * refused as bad input, not read further). The schema is strict: the
 * top-level object has exactly the key "listeners", whose value is null or
 * an object with exactly the key "listeners" holding an array of rows; a row
 * has exactly the seven keys port (0..65535), family ("ipv4"/"ipv6"),
 * protocol ("tcp"), bind_address (IPv4 or IPv6 text), pid (integer >= 0 or
 * null), comm and exe (string or null). Duplicate and unknown keys are bad
 * input: the extension keys of --all-netns (netns, netns_host) and
 * --verify-exe (exe_verified) too, by design (a diff of traits).
 *
 * Matching: a row's key is (family, port, bind address as bytes); an IPv4
 * text in an ipv6 row stands for its IPv4-mapped address. When a key repeats
 * (SO_REUSEPORT), the k-th row with the key in one document matches the k-th
 * in the other (the contract orders rows of one key by inode).
 *
 * Categories, one line each: missing (a row of ours that theirs lacks),
 * extra (theirs only), owner (both pids set and different; with --proc DIR,
 * a snapshot of the moment both ran on, whether each pid holds the socket:
 * both holding it means a shared socket reported under a different owner
 * rule), address (same bytes, different text: "1.2.3.4" for
 * "::ffff:1.2.3.4", uncompressed or upper-case IPv6), comm and exe (texts
 * differ, same pid), null (one side null, the other a value: pid, comm or
 * exe). comm and exe are compared only when the pids agree.
 *
 * Exit status: 0 equal, 1 different, 2 bad input or usage.
 */
#ifndef LISTENERS_TRAIT_DIFF_H
#define LISTENERS_TRAIT_DIFF_H

#define LSN_DIFF_MAX_DOCUMENT (16u << 20)

/* argv[0] is "diff". Returns the exit status. */
#include "options.h"

/* The text of `listeners diff --help` after its usage line. */
extern const char lsn_diff_help[];

/* Runs `listeners diff` with parsed arguments; returns the exit status. */
int lsn_diff_run(const struct lsn_args *args);

#endif
