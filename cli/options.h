/* options.h - the command line of `listeners`, `listeners snapshot` and
 * `listeners diff`: one option table (options.c), parsed with getopt_long,
 * one usage format, one error format.
 *
 *   listeners [OPTION]...                       list the listeners
 *   listeners snapshot DIR [OPTION]...          copy what the collector reads
 *   listeners diff OURS.json THEIRS.json [OPTION]...
 *   listeners check [OPTION]...                 compare the procfs and netlink views
 *   listeners ports [OPTION]...                 the sorted, unique port numbers
 *   listeners watch --interval SECONDS [OPTION]... an NDJSON stream of changes
 *
 * Options may come before or after the operands; `--` ends the options;
 * `--opt=value` and `--opt value` are the same; -h is --help, -V is
 * --version, for every command. An option that a command does not take is
 * an unknown option of that command. */
#ifndef LISTENERS_CLI_OPTIONS_H
#define LISTENERS_CLI_OPTIONS_H

#include <stdio.h>

enum lsn_command {
    LSN_CMD_LIST = 0,
    LSN_CMD_SNAPSHOT,
    LSN_CMD_DIFF,
    LSN_CMD_CHECK,
    LSN_CMD_PORTS,
    LSN_CMD_WATCH
};
#define LSN_CMD_COUNT 6

#include <time.h>
#define LSN_WATCH_MAX_TREES 16 /* --proc given this many times at most (watch) */

#define LSN_STATS_TEXT 1 /* --stats, --stats=text: "stats: ..." lines on stderr */
#define LSN_STATS_JSON 2 /* --stats=json: one JSON document on one line on stderr */

#define LSN_MAX_COLUMNS 32 /* names in one --columns list at most */

struct lsn_args {
    enum lsn_command command;
    const char *proc;    /* --proc, NULL when not given */
    const char *format;  /* --format, checked against the command's values; NULL: default */
    const char *archive; /* --archive (snapshot) */
    const char *mode;    /* --mode (snapshot): octal file mode, NULL: 0600 */
    const char *output;  /* --output FILE (list): written atomically, NULL: stdout */
    int pretty, all_netns, verify_exe, no_sandbox, holders, uid;
    int stats;          /* --stats: 0 not given, LSN_STATS_TEXT, LSN_STATS_JSON (list, check,
                           ports) */
    int netlink;        /* --source netlink */
    int byte_order;     /* --byte-order: 0 not given, else enum lsn_byte_order + 1 (1 host,
                           2 little, 3 big) */
    unsigned protocols; /* --protocols: bits 1 << enum lsn_protocol; 0: not given (tcp) */
    unsigned long long max_table_bytes; /* --max-table-size; 0: the library's default */
    const char *operand[2];             /* snapshot: DIR; diff: OURS.json, THEIRS.json */
    unsigned diff_ignore;               /* --ignore (diff): bits 1 << i of lsn_diff_ignorable[i] */
    int host;                           /* --host: the envelope (json, ndjson) */
    /* the filters (filter.h), as given and checked; NULL: not given */
    const char *ports, *pids, *addresses, *comm, *exe;
    int no_headings;              /* -H, --no-headings (table) */
    int columns[LSN_MAX_COLUMNS]; /* -o, --columns (table): enum lsn_column values */
    size_t ncolumns;              /* 0: not given */
    /* watch: --proc DIR in order (each DIR once or more), --interval,
     * --heartbeat (0: none), --count (0: forever) */
    const char *procs[LSN_WATCH_MAX_TREES];
    size_t nprocs;
    struct timespec watch_interval;
    unsigned long watch_heartbeat, watch_count;
};

/* The keys `listeners diff --ignore` takes (a row's identity keys are not
 * among them), LSN_DIFF_IGNORABLE of them. */
#define LSN_DIFF_IGNORABLE 9
extern const char *const lsn_diff_ignorable[LSN_DIFF_IGNORABLE];

enum lsn_parse {
    LSN_PARSE_RUN = 0, /* run the command */
    LSN_PARSE_DONE,    /* --help or --version was printed: exit 0 */
    LSN_PARSE_USAGE    /* a usage error was printed on stderr: exit 2 */
};

/* Parses argv into *args. --help prints on stdout the command's usage line,
 * help[0] and help[1] (NULL: none; two strings keep each under C99's
 * 4095 bytes), and for LSN_CMD_LIST the synopsis of the other commands and
 * help[2] (NULL for the others). */
enum lsn_parse lsn_parse_args(int argc, char **argv, const char *const help[LSN_CMD_COUNT][3],
                              struct lsn_args *args);

/* The usage line of a command, "usage: listeners ...\n" (prefix 0: without
 * "usage: "). */
void lsn_usage(enum lsn_command command, int prefix, FILE *out);

/* "listeners[: COMMAND]: MESSAGE\n" then the usage line on stderr; returns
 * LSN_PARSE_USAGE. */
enum lsn_parse lsn_usage_error(enum lsn_command command, const char *message, const char *arg);

#endif
