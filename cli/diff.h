/* diff.h - `listeners diff OURS.json THEIRS.json`: compare two
 * listeners documents (docs/contract.md: the trait and its extensions) row by row.
 *
 * Each document is read whole (at most LSN_DIFF_MAX_DOCUMENT bytes, a
 * regular file or "-" for stdin) and parsed with parsers/json_reader.h into
 * one token array of len / 4 + 16 tokens allocated once (a conforming
 * document needs about one token per 6 bytes; one that needs more is
 * refused as bad input, not read further). The schema is strict: the
 * top-level object has exactly the key "listeners" (and, from --host, a
 * "host" object, skipped), whose value is null or
 * an object with the key "listeners" holding an array of rows and, in a
 * partial document (a table over --max-table-size, exit 3), "partial":true
 * after it (any other value is bad input). A partial document is compared
 * like any other; the report says which side is partial (a text line
 * "partial  ours: ..." before the differences, "ours_partial" and
 * "theirs_partial" in the JSON report), since its missing rows may be the
 * cut's, not the other tool's. A
 * row has the seven keys of the trait, in any order:
 *   protocol      "tcp", "udp", "raw" or "packet" (what the other keys may be)
 *   port          0..65535 for tcp and udp; null for raw and packet
 *   family        "ipv4"/"ipv6"; null for packet
 *   bind_address  IPv4 or IPv6 text; null for packet
 *   pid           integer 0..2147483647 or null
 *   comm, exe     string or null
 * then the keys of its protocol, exactly these: raw "ip_protocol"
 * (0..65535); packet "ethertype" (0..65535), "ifindex" (an int32),
 * "interface" (string or null); and any of the options' keys (as
 * collector/write.c writes them, any order): "uid" (0..4294967295),
 * "exe_verified" (true, false, null), "netns" (null or 0..2^64-1) with
 * "netns_host" (true, false), "holders" (an array of objects of exactly
 * "pid" 0..2147483647, "comm" and "exe" string or null, "fds" an array of
 * integers 0..2147483647). A wrong type is bad input naming the row and the
 * key; so are duplicate and unknown keys (named: `unknown key "inode"`,
 * terminal-escaped, cut after 48 bytes), a key of another protocol's rows,
 * and a missing one.
 *
 * NDJSON (the shape a one-row-per-line writer, issue 19, is to write): a
 * file whose first non-blank byte is not '{' followed by the key
 * "listeners" (in any JSON spelling) is read as rows, one JSON object per
 * line, each exactly a row of the array above (same keys, same types), in
 * any order. Lines end with '\n'; the last one may lack it; JSON whitespace
 * (space, tab, CR) may surround an object, so CR LF ends work. A blank line
 * (empty or only whitespace, also at the end), two objects on one line and
 * an object over two lines are bad input, and errors say "line N" (row N is
 * line N). A file of no bytes or only blanks is bad input ("no JSON
 * value"), as for a document. NDJSON has no null document; a last line
 * whose first key is "partial" is the partial mark of --format ndjson,
 * exactly {"partial":true} with an optional "host" object, not a row.
 * The --host envelope: a row line may have a last key "host" (an object,
 * skipped; NDJSON only), a document a top-level "host" object beside
 * "listeners" (skipped; a first key "host" also makes it a document).
 *
 * Matching: a row's identity is its protocol, then for tcp and udp (port,
 * family, bind address as bytes), raw (ip_protocol, family, address),
 * packet (ethertype, ifindex); rows of two protocols never match. An IPv4
 * text in an ipv6 row stands for its IPv4-mapped address. When an identity
 * repeats (SO_REUSEPORT), the k-th row with it in one document matches the
 * k-th in the other (the contract orders rows of one key by inode).
 *
 * Categories, one line each: missing (a row of ours that theirs lacks),
 * extra (theirs only), owner (both pids set and different; with --proc DIR,
 * a snapshot of the moment both ran on, whether each pid holds the socket:
 * both holding it means a shared socket reported under a different owner
 * rule), address (same bytes, different text: "1.2.3.4" for
 * "::ffff:1.2.3.4", uncompressed or upper-case IPv6), comm and exe (texts
 * differ, same pid), null (one side null, the other a value: pid, comm or
 * exe), uid (both rows have "uid" and they differ), holders (both rows have
 * "holders" and the sets of holder pids differ; fds, comm and exe of the
 * holders are not compared), exe_verified, netns, netns_host and interface
 * (both rows have the key and its values differ, null against a value
 * included: these keys have no null category). comm and exe are compared
 * only when the pids agree. A key only one of the two rows has is no
 * difference. netns is not in the identity (rows of two namespaces with one
 * identity match in document order); netns inodes differ between hosts and
 * boots, so two hosts' documents are compared with --ignore netns.
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
