/* options.c - the one option table of the listeners CLI. See options.h. */
#define _GNU_SOURCE /* getopt_long (glibc and musl both have it) */

#include "options.h"

#include "filter.h"
#include "listeners.h"
#include "watch.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifndef LISTENERS_VERSION
#define LISTENERS_VERSION "0.0.0"
#endif

#define CMD(c) (1u << (c))
#define LIST CMD(LSN_CMD_LIST)
#define SNAP CMD(LSN_CMD_SNAPSHOT)
#define DIFF CMD(LSN_CMD_DIFF)
#define CHECK CMD(LSN_CMD_CHECK)
#define PORTS CMD(LSN_CMD_PORTS)
#define WATCH CMD(LSN_CMD_WATCH)
#define ALL (LIST | SNAP | DIFF | CHECK | PORTS | WATCH)

enum {
    OPT_PROC = 256,
    OPT_BYTE_ORDER,
    OPT_FORMAT,
    OPT_PRETTY,
    OPT_STATS,
    OPT_ARCHIVE,
    OPT_MODE,
    OPT_ALL_NETNS,
    OPT_MAX_TABLE_SIZE,
    OPT_VERIFY_EXE,
    OPT_PROTOCOLS,
    OPT_HOLDERS,
    OPT_UID,
    OPT_SOURCE,
    OPT_IGNORE,
    OPT_NO_SANDBOX,
    OPT_HOST,
    OPT_PORT,
    OPT_PID,
    OPT_COMM,
    OPT_EXE,
    OPT_ADDRESS,
    OPT_OUTPUT,
    OPT_INTERVAL,
    OPT_HEARTBEAT,
    OPT_COUNT
};

/* The table, in usage order. meta: the argument's name per command. */
static const struct option_spec {
    const char *name;
    int id; /* getopt_long's val: 'h', 'V' or OPT_* */
    unsigned commands;
    const char *meta[LSN_CMD_COUNT]; /* list, snapshot, diff, check, ports, watch; NULL: no
                                       argument */
} table[] = {
    {"interval", OPT_INTERVAL, WATCH, {NULL, NULL, NULL, NULL, NULL, "SECONDS"}},
    {"heartbeat", OPT_HEARTBEAT, WATCH, {NULL, NULL, NULL, NULL, NULL, "N"}},
    {"count", OPT_COUNT, WATCH, {NULL, NULL, NULL, NULL, NULL, "N"}},
    {"proc", OPT_PROC, ALL, {"DIR", "SOURCE", "SNAPSHOT", "DIR", "DIR", "DIR"}},
    {"byte-order",
     OPT_BYTE_ORDER,
     LIST | CHECK | PORTS,
     {"host|little|big", NULL, NULL, "host|little|big", "host|little|big", NULL}},
    {"format",
     OPT_FORMAT,
     LIST | DIFF | CHECK,
     {"json|ndjson|table|openmetrics", NULL, "text|json", "text|json", NULL, NULL}},
    {"output", OPT_OUTPUT, LIST, {"FILE", NULL, NULL, NULL, NULL, NULL}},
    {"ignore", OPT_IGNORE, DIFF, {NULL, NULL, "KEY", NULL, NULL, NULL}},
    {"pretty", OPT_PRETTY, LIST, {NULL, NULL, NULL, NULL, NULL, NULL}},
    {"stats",
     OPT_STATS,
     LIST | CHECK | PORTS,
     {"text|json", NULL, NULL, "text|json", "text|json", NULL}}, /* optional: --stats[=...] */
    {"archive", OPT_ARCHIVE, SNAP, {NULL, "FILE", NULL, NULL, NULL, NULL}},
    {"mode", OPT_MODE, SNAP, {NULL, "MODE", NULL, NULL, NULL, NULL}},
    {"all-netns", OPT_ALL_NETNS, LIST | SNAP, {NULL, NULL, NULL, NULL, NULL, NULL}},
    {"max-table-size",
     OPT_MAX_TABLE_SIZE,
     LIST | CHECK | PORTS,
     {"BYTES", NULL, NULL, "BYTES", "BYTES", NULL}},
    {"verify-exe", OPT_VERIFY_EXE, LIST, {NULL, NULL, NULL, NULL, NULL, NULL}},
    {"protocols",
     OPT_PROTOCOLS,
     LIST | CHECK | PORTS | WATCH,
     {"LIST", NULL, NULL, "LIST", "LIST", "LIST"}},
    {"source",
     OPT_SOURCE,
     LIST | PORTS | WATCH,
     {"procfs|netlink", NULL, NULL, NULL, "procfs|netlink", "procfs|netlink"}},
    {"holders", OPT_HOLDERS, LIST, {NULL, NULL, NULL, NULL, NULL, NULL}},
    {"uid", OPT_UID, LIST, {NULL, NULL, NULL, NULL, NULL, NULL}},
    {"host", OPT_HOST, LIST | WATCH, {NULL, NULL, NULL, NULL, NULL, NULL}},
    {"port", OPT_PORT, LIST, {"N[,N...]", NULL, NULL, NULL, NULL, NULL}},
    {"pid", OPT_PID, LIST, {"N[,N...]", NULL, NULL, NULL, NULL, NULL}},
    {"comm", OPT_COMM, LIST, {"PATTERN", NULL, NULL, NULL, NULL, NULL}},
    {"exe", OPT_EXE, LIST, {"PATTERN", NULL, NULL, NULL, NULL, NULL}},
    {"address", OPT_ADDRESS, LIST, {"ADDR[,ADDR...]", NULL, NULL, NULL, NULL, NULL}},
    {"no-headings", 'H', LIST, {NULL, NULL, NULL, NULL, NULL, NULL}},
    {"columns", 'o', LIST, {"LIST", NULL, NULL, NULL, NULL, NULL}},
    {"help", 'h', ALL, {NULL, NULL, NULL, NULL, NULL, NULL}},
    {"no-sandbox", OPT_NO_SANDBOX, ALL, {NULL, NULL, NULL, NULL, NULL, NULL}},
    {"version", 'V', ALL, {NULL, NULL, NULL, NULL, NULL, NULL}},
};
#define NOPTS (sizeof table / sizeof table[0])

static const char *const command_name[] = {NULL, "snapshot", "diff", "check", "ports", "watch"};
static const char *const operands[] = {"", " [DIR]", " OURS.json THEIRS.json",
                                       "", "",       " --interval SECONDS"};

/* getopt_long's has_arg: --stats alone is the text form, so its argument
 * is optional (--stats=json; "--stats json" is --stats and an operand). */
static int has_arg(const struct option_spec *o)
{
    if (o->id == OPT_STATS)
        return optional_argument;
    for (size_t c = 0; c < LSN_CMD_COUNT; c++)
        if (o->meta[c])
            return required_argument;
    return no_argument;
}

void lsn_usage(enum lsn_command c, int prefix, FILE *out)
{
    fprintf(out, "%slisteners%s%s%s", prefix ? "usage: " : "", command_name[c] ? " " : "",
            command_name[c] ? command_name[c] : "", operands[c]);
    for (size_t i = 0; i < NOPTS; i++) {
        if (!(table[i].commands & CMD(c)) || table[i].id == OPT_INTERVAL) /* an operand's place */
            continue;
        if (table[i].meta[c] && has_arg(&table[i]) == optional_argument)
            fprintf(out, " [--%s[=%s]]", table[i].name, table[i].meta[c]);
        else if (table[i].meta[c])
            fprintf(out, " [--%s %s]", table[i].name, table[i].meta[c]);
        else
            fprintf(out, " [--%s]", table[i].name);
    }
    fputc('\n', out);
}

enum lsn_parse lsn_usage_error(enum lsn_command c, const char *message, const char *arg)
{
    fprintf(stderr, "listeners: %s%s%s", command_name[c] ? command_name[c] : "",
            command_name[c] ? ": " : "", message);
    if (arg)
        fprintf(stderr, " '%s'", arg);
    fputc('\n', stderr);
    lsn_usage(c, 1, stderr);
    return LSN_PARSE_USAGE;
}

static enum lsn_parse help(enum lsn_command c, const char *const text[3])
{
    lsn_usage(c, 1, stdout);
    fputs(text[0], stdout);
    if (text[1])
        fputs(text[1], stdout);
    if (c == LSN_CMD_LIST) {
        lsn_usage(LSN_CMD_SNAPSHOT, 0, stdout);
        lsn_usage(LSN_CMD_DIFF, 0, stdout);
        lsn_usage(LSN_CMD_CHECK, 0, stdout);
        lsn_usage(LSN_CMD_PORTS, 0, stdout);
        lsn_usage(LSN_CMD_WATCH, 0, stdout);
        fputs(text[2], stdout);
    }
    return fflush(stdout) == 0 ? LSN_PARSE_DONE : LSN_PARSE_USAGE;
}

/* "4096", "64K", "256M", "1G": 0 with *bytes, -1 for anything else or a
 * size outside 4 KiB..1 TiB. */
static int parse_size(const char *s, unsigned long long *bytes)
{
    unsigned long long v = 0, unit = 1;
    size_t n = strspn(s, "0123456789");
    if (n == 0 || n > 13)
        return -1;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned long long)(s[i] - '0');
    if (s[n] == 'K' && !s[n + 1])
        unit = 1ull << 10;
    else if (s[n] == 'M' && !s[n + 1])
        unit = 1ull << 20;
    else if (s[n] == 'G' && !s[n + 1])
        unit = 1ull << 30;
    else if (s[n])
        return -1;
    if (v > (1ull << 40) / unit || v * unit < 4096)
        return -1;
    *bytes = v * unit;
    return 0;
}

/* "tcp,udp", "all", ...: bits 1 << enum lsn_protocol (listeners.h's
 * order). 0, or -1 for an empty list, an empty item or an unknown word. */
static int parse_protocols(const char *s, unsigned *bits)
{
    static const char *const names[] = {"tcp", "udp", "raw", "packet"};
    unsigned v = 0;
    while (*s) {
        size_t n = strcspn(s, ","), k;
        for (k = 0; k < 4; k++)
            if (n == strlen(names[k]) && strncmp(s, names[k], n) == 0)
                break;
        if (k < 4)
            v |= 1u << k;
        else if (n == 3 && strncmp(s, "all", 3) == 0)
            v |= 15u;
        else
            return -1;
        s += n;
        if (*s == ',' && *++s == '\0')
            return -1; /* a trailing comma */
    }
    if (!v)
        return -1;
    *bits = v;
    return 0;
}

const char *const lsn_diff_ignorable[LSN_DIFF_IGNORABLE] = {
    "pid", "comm", "exe", "uid", "holders", "exe_verified", "netns", "netns_host", "interface"};

/* "comm,exe", ...: bits 1 << i of lsn_diff_ignorable[i] added to *bits; -1
 * for an empty list, an empty item or another word. */
static int parse_ignore(const char *s, unsigned *bits)
{
    unsigned v = 0;
    if (!*s)
        return -1;
    while (*s) {
        size_t n = strcspn(s, ","), k;
        for (k = 0; k < LSN_DIFF_IGNORABLE; k++)
            if (n == strlen(lsn_diff_ignorable[k]) && strncmp(s, lsn_diff_ignorable[k], n) == 0)
                break;
        if (k == LSN_DIFF_IGNORABLE)
            return -1;
        v |= 1u << k;
        s += n;
        if (*s == ',' && *++s == '\0')
            return -1; /* a trailing comma */
    }
    *bits |= v;
    return 0;
}

/* "PORT,PID,EXE" (any case, lsblk's -o): the columns into a; -1 for an
 * empty list or item, an unknown name or more than LSN_MAX_COLUMNS. */
static int parse_columns(const char *s, struct lsn_args *a)
{
    a->ncolumns = 0;
    if (!*s)
        return -1;
    for (;;) {
        size_t n = strcspn(s, ","), k;
        for (k = 0; k < LSN_COL_COUNT; k++) {
            const char *name = lsn_column_name((enum lsn_column)k);
            if (n == strlen(name) && strncasecmp(s, name, n) == 0)
                break;
        }
        if (k == LSN_COL_COUNT || a->ncolumns == LSN_MAX_COLUMNS)
            return -1;
        a->columns[a->ncolumns++] = (int)k;
        s += n;
        if (!*s)
            return 0;
        s++;
    }
}

/* "1" .. "1000000000", digits only: 0 with *v, else -1. */
static int parse_positive(const char *s, unsigned long *v)
{
    unsigned long n = 0;
    size_t len = strspn(s, "0123456789");
    if (len == 0 || s[len] || len > 10)
        return -1;
    for (size_t i = 0; i < len; i++)
        n = n * 10 + (unsigned long)(s[i] - '0');
    if (n == 0 || n > 1000000000ul)
        return -1;
    *v = n;
    return 0;
}

/* The checks that need more than one option or an operand. */
static enum lsn_parse check(struct lsn_args *a, int nops, char **ops)
{
    enum lsn_command c = a->command;
    int want = c == LSN_CMD_SNAPSHOT ? 1 : c == LSN_CMD_DIFF ? 2 : 0;
    if (nops > want)
        return lsn_usage_error(c, "unexpected argument", ops[want]);
    /* snapshot: DIR, --archive FILE, or both */
    if (nops < want && !(c == LSN_CMD_SNAPSHOT && a->archive))
        return lsn_usage_error(c,
                               c == LSN_CMD_SNAPSHOT
                                   ? "needs a directory DIR (it must not exist) or --archive FILE"
                                   : "needs OURS.json and THEIRS.json",
                               NULL);
    for (int i = 0; i < nops; i++) {
        if (ops[i][0] == '\0')
            return lsn_usage_error(c, "an empty operand", NULL);
        a->operand[i] = ops[i];
    }
    if (a->proc && a->proc[0] == '\0')
        return lsn_usage_error(c, "--proc needs a directory", NULL);
    for (size_t i = 0; i < a->nprocs; i++)
        if (a->procs[i][0] == '\0')
            return lsn_usage_error(c, "--proc needs a directory", NULL);
    if (c == LSN_CMD_WATCH && a->watch_interval.tv_sec == 0 && a->watch_interval.tv_nsec == 0)
        return lsn_usage_error(c, "needs --interval SECONDS", NULL);
    if (a->archive && a->archive[0] == '\0')
        return lsn_usage_error(c, "--archive needs a file name", NULL);
    if (a->mode && (a->mode[0] == '\0' || strspn(a->mode, "01234567") != strlen(a->mode) ||
                    strlen(a->mode) > 4 || strtoul(a->mode, NULL, 8) > 0666 ||
                    (strtoul(a->mode, NULL, 8) & 0600) != 0600))
        return lsn_usage_error(c, "--mode takes an octal file mode from 0600 to 0666, not",
                               a->mode);
    if (c == LSN_CMD_LIST) {
        int is_table = a->format && strcmp(a->format, "table") == 0;
        int is_metrics = a->format && strcmp(a->format, "openmetrics") == 0;
        if (a->format && strcmp(a->format, "json") != 0 && strcmp(a->format, "ndjson") != 0 &&
            !is_table && !is_metrics)
            return lsn_usage_error(c, "--format takes json, ndjson, table or openmetrics, not",
                                   a->format);
        if (a->pretty && a->format && strcmp(a->format, "json") != 0)
            return lsn_usage_error(c, "--pretty applies to --format json only", NULL);
        if (a->host && (is_table || is_metrics))
            return lsn_usage_error(c, "--host applies to --format json and ndjson only", NULL);
        if (a->no_headings && !is_table)
            return lsn_usage_error(c, "--no-headings applies to --format table only", NULL);
        if (a->ncolumns && !is_table)
            return lsn_usage_error(c, "--columns applies to --format table only", NULL);
        for (size_t i = 0; i < a->ncolumns; i++) { /* a column of an option not given */
            static const struct {
                int column;
                const char *message;
            } needs[] = {{LSN_COL_NETNS, "--columns: NETNS needs --all-netns"},
                         {LSN_COL_UID, "--columns: UID needs --uid"},
                         {LSN_COL_HOLDERS, "--columns: HOLDERS needs --holders"},
                         {LSN_COL_VERIFIED, "--columns: VERIFIED needs --verify-exe"}};
            const int given[] = {a->all_netns, a->uid, a->holders, a->verify_exe};
            for (size_t k = 0; k < 4; k++)
                if (a->columns[i] == needs[k].column && !given[k])
                    return lsn_usage_error(c, needs[k].message, NULL);
        }
        /* openmetrics has no labels for them: refused rather than dropped */
        if (is_metrics && (a->holders || a->uid || a->verify_exe))
            return lsn_usage_error(c,
                                   "--format openmetrics does not show --holders, --uid or "
                                   "--verify-exe",
                                   NULL);
        if (a->output && (a->output[0] == '\0' || a->output[strlen(a->output) - 1] == '/'))
            return lsn_usage_error(c, "--output needs a file name, not", a->output);
    }
    if ((c == LSN_CMD_DIFF || c == LSN_CMD_CHECK) && a->format && strcmp(a->format, "text") != 0 &&
        strcmp(a->format, "json") != 0)
        return lsn_usage_error(c, "--format takes text or json, not", a->format);
    return LSN_PARSE_RUN;
}

enum lsn_parse lsn_parse_args(int argc, char **argv, const char *const help_text[LSN_CMD_COUNT][3],
                              struct lsn_args *a)
{
    struct option longs[NOPTS + 1];
    char *ops[3];
    int nops = 0, opt;
    enum lsn_command c = LSN_CMD_LIST;

    memset(a, 0, sizeof *a);
    if (argc > 1 && strcmp(argv[1], "snapshot") == 0)
        c = LSN_CMD_SNAPSHOT;
    else if (argc > 1 && strcmp(argv[1], "diff") == 0)
        c = LSN_CMD_DIFF;
    else if (argc > 1 && strcmp(argv[1], "check") == 0)
        c = LSN_CMD_CHECK;
    else if (argc > 1 && strcmp(argv[1], "ports") == 0)
        c = LSN_CMD_PORTS;
    else if (argc > 1 && strcmp(argv[1], "watch") == 0)
        c = LSN_CMD_WATCH;
    a->command = c;
    if (c != LSN_CMD_LIST) { /* the command word is argv[0] of the rest */
        argc--;
        argv++;
    }
    /* Only this command's options: another command's is unknown here. */
    size_t n = 0;
    for (size_t i = 0; i < NOPTS; i++) {
        if (!(table[i].commands & CMD(c)))
            continue;
        longs[n].name = table[i].name;
        longs[n].has_arg = has_arg(&table[i]);
        longs[n].flag = NULL;
        longs[n].val = table[i].id;
        n++;
    }
    memset(&longs[n], 0, sizeof longs[n]);

    opterr = 0; /* our messages, in our format */
    optind = 1;
    for (;;) {
        int before = optind;
        opt = getopt_long(argc, argv, c == LSN_CMD_LIST ? "-:hVHo:" : "-:hV", longs, NULL);
        if (opt == -1)
            break;
        switch (opt) {
        case 1: /* an operand, in order ("-" in the optstring) */
            if (nops < 3)
                ops[nops++] = optarg;
            break;
        case 'h': return help(c, help_text[c]);
        case 'V':
            fputs("listeners " LISTENERS_VERSION "\n", stdout);
            return fflush(stdout) == 0 ? LSN_PARSE_DONE : LSN_PARSE_USAGE;
        case OPT_PROC:
            if (c == LSN_CMD_WATCH && a->nprocs == LSN_WATCH_MAX_TREES)
                return lsn_usage_error(c, "--proc given more than 16 times", NULL);
            if (c == LSN_CMD_WATCH)
                a->procs[a->nprocs++] = optarg;
            a->proc = optarg;
            break;
        case OPT_INTERVAL:
            if (lsn_watch_interval(optarg, &a->watch_interval) != 0)
                return lsn_usage_error(c,
                                       "--interval takes a number of seconds from 0.000001 to "
                                       "86400 (digits and one '.'), not",
                                       optarg);
            break;
        case OPT_HEARTBEAT:
        case OPT_COUNT:
            if (parse_positive(optarg, opt == OPT_COUNT ? &a->watch_count : &a->watch_heartbeat) !=
                0)
                return lsn_usage_error(
                    c,
                    opt == OPT_COUNT
                        ? "--count takes a number of ticks from 1 to 1000000000, not"
                        : "--heartbeat takes a number of ticks from 1 to 1000000000, not",
                    optarg);
            break;
        case OPT_BYTE_ORDER:
            if (strcmp(optarg, "host") == 0)
                a->byte_order = 1;
            else if (strcmp(optarg, "little") == 0)
                a->byte_order = 2;
            else if (strcmp(optarg, "big") == 0)
                a->byte_order = 3;
            else
                return lsn_usage_error(c, "--byte-order takes host, little or big, not", optarg);
            break;
        case OPT_FORMAT: a->format = optarg; break;
        case OPT_ARCHIVE: a->archive = optarg; break;
        case OPT_OUTPUT: a->output = optarg; break;
        case OPT_MODE: a->mode = optarg; break;
        case OPT_PRETTY: a->pretty = 1; break;
        case OPT_STATS:
            if (optarg && strcmp(optarg, "json") == 0)
                a->stats = LSN_STATS_JSON;
            else if (!optarg || strcmp(optarg, "text") == 0)
                a->stats = LSN_STATS_TEXT;
            else
                return lsn_usage_error(c, "--stats takes text or json, not", optarg);
            break;
        case OPT_ALL_NETNS: a->all_netns = 1; break;
        case OPT_MAX_TABLE_SIZE:
            if (parse_size(optarg, &a->max_table_bytes) != 0)
                return lsn_usage_error(c,
                                       "--max-table-size takes a number of bytes from 4096 to "
                                       "1T, with an optional K, M or G suffix, not",
                                       optarg);
            break;
        case OPT_VERIFY_EXE: a->verify_exe = 1; break;
        case OPT_PROTOCOLS:
            if (parse_protocols(optarg, &a->protocols) != 0)
                return lsn_usage_error(c,
                                       "--protocols takes a comma-separated list of tcp, udp, "
                                       "raw, packet or all, not",
                                       optarg);
            break;
        case OPT_SOURCE:
            if (strcmp(optarg, "procfs") == 0)
                a->netlink = 0;
            else if (strcmp(optarg, "netlink") == 0)
                a->netlink = 1;
            else
                return lsn_usage_error(c, "--source takes procfs or netlink, not", optarg);
            break;
        case OPT_IGNORE:
            if (parse_ignore(optarg, &a->diff_ignore) != 0)
                return lsn_usage_error(c,
                                       "--ignore takes a comma-separated list of pid, comm, exe, "
                                       "uid, holders, exe_verified, netns, netns_host or "
                                       "interface (not a key of a row's identity), not",
                                       optarg);
            break;
        case OPT_HOLDERS: a->holders = 1; break;
        case OPT_UID: a->uid = 1; break;
        case OPT_HOST: a->host = 1; break;
        case OPT_PORT:
            if (lsn_filter_list(LSN_FILTER_PORT, optarg, NULL) < 0)
                return lsn_usage_error(
                    c, "--port takes a comma-separated list of port numbers 0..65535, not", optarg);
            a->ports = optarg;
            break;
        case OPT_PID:
            if (lsn_filter_list(LSN_FILTER_PID, optarg, NULL) < 0)
                return lsn_usage_error(
                    c, "--pid takes a comma-separated list of pids 1..2147483647, not", optarg);
            a->pids = optarg;
            break;
        case OPT_ADDRESS:
            if (lsn_filter_list(LSN_FILTER_ADDRESS, optarg, NULL) < 0)
                return lsn_usage_error(
                    c, "--address takes a comma-separated list of IPv4 or IPv6 addresses, not",
                    optarg);
            a->addresses = optarg;
            break;
        case OPT_COMM:
        case OPT_EXE:
            if (optarg[0] == '\0')
                return lsn_usage_error(
                    c, opt == OPT_COMM ? "--comm needs a pattern" : "--exe needs a pattern", NULL);
            *(opt == OPT_COMM ? &a->comm : &a->exe) = optarg;
            break;
        case 'H': a->no_headings = 1; break;
        case 'o':
            if (parse_columns(optarg, a) != 0)
                return lsn_usage_error(c,
                                       "--columns takes a comma-separated list of PORT, PROTO, "
                                       "FAMILY, ADDRESS, NETNS, PID, UID, HOLDERS, COMM, "
                                       "VERIFIED, EXE, not",
                                       optarg);
            break;
        case OPT_NO_SANDBOX: a->no_sandbox = 1; break;
        case ':': return lsn_usage_error(c, "missing argument for", argv[optind - 1]);
        default: /* '?': unknown, or an argument given to a flag (--pretty=x) */
            return lsn_usage_error(c, "unknown option",
                                   argv[optind > before ? optind - 1 : before]);
        }
    }
    /* After "--", the rest are operands. */
    while (optind < argc && nops < 3)
        ops[nops++] = argv[optind++];
    if (optind < argc)
        return lsn_usage_error(c, "unexpected argument", argv[optind]);
    return check(a, nops, ops);
}
