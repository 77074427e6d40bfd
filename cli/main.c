/* main.c - the listeners CLI on top of the collector library. */
#define _GNU_SOURCE /* O_NOFOLLOW, O_DIRECTORY with glibc and musl */

#include "listeners.h"
#include "manifest.h"
#include "options.h"
#include "sandbox.h"
#include "snapshot.h"
#include "diff.h"
#include "filter.h"
#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char help_text[] =
    "Lists the listening TCP sockets of this host and the process that owns each,\n"
    "read from procfs (/proc/net/tcp, /proc/net/tcp6, /proc/<pid>/fd, comm, exe).\n"
    "\n"
    "  --proc DIR      read DIR as the proc tree instead of /proc (a fixture, a\n"
    "                  snapshot, a container's procfs); works on any platform\n"
    "  --byte-order host|little|big\n"
    "                  decode DIR's tables in this byte order (see Byte order)\n"
    "  --format json   compact JSON on one line (the default)\n"
    "  --format table  aligned columns PORT FAMILY ADDRESS PID COMM EXE for people;\n"
    "                  control bytes, backslashes and invalid UTF-8 in COMM and EXE\n"
    "                  are shown escaped (\\xHH); '-' stands for null\n"
    "  --format ndjson one compact row object per line (the keys of a row of the\n"
    "                  JSON array, in its order); no rows, no lines; a partial\n"
    "                  result ends with a line {\"partial\":true}\n"
    "  --format openmetrics\n"
    "                  Prometheus text for node_exporter's textfile collector:\n"
    "                  listeners_listener_info{protocol,family,address,port,comm,\n"
    "                  exe} per socket (no pid label), listeners_unattributed,\n"
    "                  listeners_partial, listeners_collect_duration_seconds,\n"
    "                  listeners_last_success_timestamp_seconds\n"
    "  --output FILE   write FILE atomically instead of stdout: a temporary file\n"
    "                  in FILE's directory, renamed over FILE only when the run\n"
    "                  succeeds (exit 0, or 3 partial); removed on any error\n"
    "  --pretty        indented JSON with the same content (JSON only)\n";

static const char help_text_mid[] =
    "  --stats[=text|json]\n"
    "                  print to stderr what the run did: lines, read() calls and\n"
    "                  passes per table, listeners, pids visited, fd links read,\n"
    "                  whether and where the walk stopped early, time per step;\n"
    "                  =json: the same facts as one JSON document on one line,\n"
    "                  after the output, with the exit status (for agents)\n"
    "  --all-netns     also read every other network namespace that has a process\n"
    "                  (containers): each row gains \"netns\":INODE,\"netns_host\":BOOL\n"
    "                  after exe (outside the trait; a NETNS column in tables, the\n"
    "                  host's marked (host)); a namespace whose tables cannot be read\n"
    "                  is reported on stderr and skipped\n"
    "  --max-table-size BYTES\n"
    "                  read at most BYTES of each table (a number, or with a K, M or\n"
    "                  G suffix; default 256M): a larger table gives the rows before\n"
    "                  the cut, \"partial\":true and exit status 3\n"
    "  --verify-exe    check that each exe path, looked up here, is the file the\n"
    "                  process runs (same device and inode; a process in its own\n"
    "                  mount namespace can make its exe read any path): each row\n"
    "                  gains \"exe_verified\":true|false|null right after exe\n"
    "                  (outside the trait; before netns). false: the path names\n"
    "                  another file or none, or is marked (deleted), with the reason\n"
    "                  on stderr; null: cannot be told (no exe, a --proc tree that\n"
    "                  is not a live procfs); a VERIFIED column yes/NO/- in tables\n"
    "  --protocols LIST\n"
    "                  which sockets: a comma-separated list of tcp (listening;\n"
    "                  the default), udp (bound, not connected), raw (raw IP\n"
    "                  sockets), packet (AF_PACKET), or all. Rows other than tcp\n"
    "                  have \"protocol\":\"udp\", \"raw\" or \"packet\"; raw rows have\n"
    "                  \"port\":null and \"ip_protocol\":N after exe, packet rows\n"
    "                  \"port\", \"family\" and \"bind_address\" null and \"ethertype\":N,\n"
    "                  \"ifindex\":N (0: every interface), \"interface\":NAME|null after\n"
    "                  exe (outside the trait); a PROTO column in tables\n"
    "  --source procfs|netlink\n"
    "                  where the sockets come from: procfs, the tables above (the\n"
    "                  default), or netlink, the kernel's NETLINK_SOCK_DIAG dumps\n"
    "                  (what ss reads; tcp asks for LISTEN sockets only). The rows\n"
    "                  are the same; a table the kernel has no dump for (raw without\n"
    "                  raw_diag) is read from procfs, said on stderr. With --proc, a\n"
    "                  snapshot's stored dumps (DIR/netlink/). Not with --all-netns\n"
    "  --holders       every process that holds each socket, not only its owner:\n"
    "                  \"holders\":[{\"pid\",\"comm\",\"exe\",\"fds\":[...]},...] in pid\n"
    "                  order, last in each row (a HOLDERS column of pids in tables);\n"
    "                  reads every process's fd/ (no early stop: slower, --stats)\n"
    "  --uid           each row gains \"uid\":N, the socket's owner uid from the\n"
    "                  table (known without reading any process); a UID column\n"
    "";

/* ISO C compilers need not take string literals past 4095 bytes: the list
 * command's help is two, joined in main. */
static const char help_text_more[] =
    "  --host          an envelope outside the trait (json, ndjson):\n"
    "                  {\"host\":{...},\"listeners\":{...}}, and in NDJSON a last key\n"
    "                  \"host\":{...} on every line: schema_version, hostname,\n"
    "                  boot_id, machine_id (/etc/machine-id; with --proc DIR,\n"
    "                  DIR/etc/machine-id; null when absent), kernel_release,\n"
    "                  collected_at (RFC 3339 UTC), listeners_version\n"
    "  --port N[,N...] --pid N[,N...] --address ADDR[,ADDR...]\n"
    "  --comm PATTERN  --exe PATTERN\n"
    "                  print only the rows that match every filter given (a list:\n"
    "                  any item). Rows are selected after the walk: owners are\n"
    "                  those of the full rule (--pid is the owner's pid, not any\n"
    "                  holder's). --address compares address bytes (1.2.3.4 is\n"
    "                  ::ffff:1.2.3.4); PATTERN is fnmatch(3) on the raw bytes\n"
    "                  (* ? [...], \\ quotes; no metacharacter: exact match)\n"
    "  -H, --no-headings\n"
    "                  the table without its heading line\n"
    "  -o, --columns LIST\n"
    "                  the table's columns, in this order: a comma-separated list\n"
    "                  of PORT, PROTO, FAMILY, ADDRESS, NETNS, PID, UID, HOLDERS,\n"
    "                  COMM, VERIFIED, EXE (any case; NETNS, UID, HOLDERS and\n"
    "                  VERIFIED need --all-netns, --uid, --holders, --verify-exe)\n"
    "  --no-sandbox    do not install the seccomp filter that, on Linux, limits the\n"
    "                  process to read-only opens, reads and writes to stdout and\n"
    "                  stderr once the options are parsed (on by default)\n"
    "  -h, --help      print this help and exit\n"
    "  -V, --version   print the version and exit\n"
    "\n";

static const char help_text_commands[] =
    "  snapshot DIR    copy what the collector reads (net/tcp, net/tcp6, and for\n"
    "                  each process holding a socket its socket fd links, comm and\n"
    "                  exe link) into a new DIR that --proc DIR replays, with a\n"
    "                  MANIFEST and the netlink dumps that check --proc DIR\n"
    "                  replays; --archive FILE also writes it as a tar, or\n"
    "                  instead of DIR when DIR is not given;\n"
    "                  --all-netns also copies each other network namespace's\n"
    "                  tables (of its lowest pid) for --all-netns --proc DIR\n"
    "  diff A B        compare two trait documents (ours, theirs) row by row;\n"
    "                  exit 0 equal, 1 different, 2 bad input (diff --help)\n"
    "  check           compare the procfs and netlink views for sockets one of\n"
    "                  them hides (a rootkit); exit 0 clean, 1 findings, 2 error\n"
    "                  (check --help)\n"
    "  ports           the sorted, unique port numbers of the rows, the ports\n"
    "                  trait: {\"ports\":[22,443]} (ports --help)\n"
    "  watch           collect every --interval SECONDS and print the changes as\n"
    "                  NDJSON events: added, removed, owner_changed,\n"
    "                  exe_changed, heartbeat (watch --help)\n"
    "\n"
    "The owner of a socket is the lowest pid other than 1 that holds it; pid 1 only\n"
    "when it is the sole holder. pid, comm and exe are null when no holder could be\n"
    "read (another user's process without root, another pid namespace, the kernel).\n"
    "\n"
    "Byte order: the tables print each address as native words of the host that\n"
    "made them. A --proc tree that is not a procfs mount is decoded in the order\n"
    "its MANIFEST records (byte_order=, written by snapshot), else in this host's\n"
    "with a warning; --byte-order overrides both. A tree's stored netlink dumps\n"
    "recorded in another order than this host's are not read (--source netlink\n"
    "and check use the procfs copies, said on stderr).\n"
    "\n"
    "A process that cannot be read is reported on stderr as PATH: reason; one that\n"
    "exited while it was read is only counted (--stats). Lack of permission is one\n"
    "line after the run: how many processes, how many listeners have no owner, and\n"
    "on a live /proc the remedy (root, or CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH);\n"
    "on a --proc tree the first path refused instead. With --all-netns, one line\n"
    "says how many processes' ns/net links were refused (namespaces not read).\n"
    "\n"
    "Exit status: 0 success (malformed table lines are skipped and reported on\n"
    "stderr as FILE:LINE: reason); 1 when DIR/net/tcp is missing or unreadable,\n"
    "or DIR/MANIFEST cannot be read or names an unknown byte order;\n"
    "2 usage error; 3 partial output: the rows printed are right but some are\n"
    "missing (a table over --max-table-size, or out of memory), the JSON ends\n"
    "with \"partial\":true after the array and stderr says why. Without --proc\n"
    "on a system without procfs the output is {\"listeners\":null}.\n";

static const char check_help[] =
    "Compares the two views the kernel gives of its sockets: the procfs tables\n"
    "(/proc/net/tcp, ...) and the NETLINK_SOCK_DIAG dumps (what ss reads), read\n"
    "at once, plus the fd walk for each socket's holder. A userland rootkit that\n"
    "filters read() of /proc/net/tcp, or a kernel hook on tcp4_seq_show, hides a\n"
    "socket from one view only. A difference is read again (both views, twice)\n"
    "and is churn, not a finding, when a socket came or went in between.\n"
    "\n"
    "  --proc DIR      a snapshot (listeners snapshot): its procfs copies against\n"
    "                  its stored netlink dumps, offline; nothing can be read\n"
    "                  again there, so a socket made or closed between a table's\n"
    "                  copy and its dump is a finding too\n"
    "  --byte-order host|little|big\n"
    "                  as for listeners: DIR's tables are decoded in its\n"
    "                  MANIFEST's byte order; dumps of another order than this\n"
    "                  host's are not read, so those kinds are not compared\n"
    "  --format text   a line per finding and a summary line (the default)\n"
    "  --format json   {\"check\":{\"compared\":[...],\"findings\":[...]}}\n"
    "  --protocols LIST\n"
    "                  tcp, udp, raw, packet or all (the default: all); a kind the\n"
    "                  kernel has no dump for (raw without raw_diag) is not compared\n"
    "  --max-table-size BYTES\n"
    "                  as for listeners; a view cut there is an error here\n"
    "  --stats[=text|json]\n"
    "                  as for listeners\n"
    "  --no-sandbox    no seccomp filter\n"
    "\n"
    "Findings: netlink_only (hidden from procfs), procfs_only (hidden from\n"
    "netlink), packet_filter (a packet socket with a BPF filter: tcpdump,\n"
    "dhclient, or a BPFDoor-style backdoor), each with its holder.\n"
    "\n"
    "Exit status: 0 no findings; 1 findings; 2 usage error, a view could not\n"
    "be read, or DIR/MANIFEST cannot be read or names an unknown byte order.\n";

static const char ports_help[] =
    "Prints the ports trait: the sorted, unique port numbers of the listening\n"
    "sockets, {\"ports\":[22,443]} on one line. The rows are those of listeners\n"
    "with the same options; raw and packet rows have no port and add none.\n"
    "Without procfs (and without --proc) the output is {\"ports\":null}.\n"
    "\n"
    "  --proc DIR      read DIR as the proc tree, as for listeners\n"
    "  --byte-order host|little|big\n"
    "                  as for listeners\n"
    "  --max-table-size BYTES\n"
    "                  as for listeners: a table cut there gives the ports read,\n"
    "                  exit status 3 and a line on stderr\n"
    "  --protocols LIST\n"
    "                  tcp (the default), udp, raw, packet or all: the ports of\n"
    "                  the tcp and udp rows, merged\n"
    "  --source procfs|netlink\n"
    "                  as for listeners\n"
    "  --stats[=text|json]\n"
    "                  as for listeners\n"
    "  --no-sandbox    no seccomp filter\n"
    "\n"
    "Exit status: 0 success; 1 DIR/net/tcp missing or unreadable; 2 usage error;\n"
    "3 partial.\n";

struct diag_counts {
    uint64_t malformed, table, process;
    int told_permission;     /* watch: the EACCES/EPERM hint was printed */
    int at_once;             /* watch: say lack of permission at once (no line after the run) */
    char first_denied[4096]; /* the first EACCES/EPERM process path ("": none) */
    int first_denied_error;
};

static void on_diag(void *ctx, const struct lsn_diag *d)
{
    struct diag_counts *n = ctx;
    switch (d->kind) {
    case LSN_DIAG_MALFORMED_LINE:
        n->malformed++;
        fprintf(stderr, "%s:%" PRIu64 ": %s\n", d->path, d->line, d->message);
        break;
    case LSN_DIAG_TABLE:
        n->table++;
        fprintf(stderr, "listeners: %s: %s%s%s\n", d->path, d->message, d->error ? ": " : "",
                d->error ? strerror(d->error) : "");
        break;
    case LSN_DIAG_PROCESS:
        n->process++; /* --stats shows the totals */
        /* A process that exited while it was read is the ordinary race:
         * counted, not printed. Permission is said once, with the remedy.
         * Anything else is printed: it may be a hostile tree or a signal
         * (an exe path too long to read, a comm that is not a file). */
        if (d->error == ENOENT || d->error == ESRCH)
            break;
        if (d->error == EACCES || d->error == EPERM) {
            if (!n->first_denied[0]) {
                snprintf(n->first_denied, sizeof n->first_denied, "%s", d->path);
                n->first_denied_error = d->error;
            }
            if (n->at_once && !n->told_permission)
                fprintf(stderr,
                        "listeners: %s: %s: %s (and maybe more processes): their sockets "
                        "show pid null; run as root, or with CAP_DAC_READ_SEARCH and "
                        "CAP_SYS_PTRACE\n",
                        d->path, d->message, strerror(d->error));
            n->told_permission = 1;
            break;
        }
        fprintf(stderr, "listeners: %s: %s%s%s\n", d->path, d->message, d->error ? ": " : "",
                d->error ? strerror(d->error) : "");
        break;
    case LSN_DIAG_INODE:
        n->table++;
        fprintf(stderr, "%s:%" PRIu64 ": %s\n", d->path, d->line, d->message);
        break;
    case LSN_DIAG_NETNS_LINK: /* one per pid, in readdir order: --stats counts them */
        n->process++;
        break;
    case LSN_DIAG_NAMESPACE:
        n->table++;
        if (d->netns)
            fprintf(stderr, "listeners: namespace %" PRIu64 " skipped: %s: %s%s%s\n", d->netns,
                    d->path, d->message, d->error ? ": " : "", d->error ? strerror(d->error) : "");
        else
            fprintf(stderr, "listeners: %s: %s%s%s\n", d->path, d->message, d->error ? ": " : "",
                    d->error ? strerror(d->error) : "");
        break;
    }
}

static int to_stdout(void *ctx, const char *buf, size_t len)
{
    (void)ctx;
    return fwrite(buf, 1, len, stdout) == len ? 0 : 1;
}

static void ms(char *dst, size_t cap, uint64_t ns)
{
    snprintf(dst, cap, "%" PRIu64 ".%03" PRIu64 " ms", ns / 1000000u, ns / 1000u % 1000u);
}

static void print_table_stats(const char *root, const char *name, const struct lsn_table_stats *t)
{
    char tm[32];
    const char *sep = root[0] && root[strlen(root) - 1] == '/' ? "" : "/";
    if (!t->read) {
        fprintf(stderr, "stats: %s%s%s: not read\n", root, sep, name);
        return;
    }
    ms(tm, sizeof tm, t->nanoseconds);
    if (t->netlink) {
        fprintf(stderr,
                "stats: netlink dump of %s: %" PRIu64 " records, %" PRIu64 " bytes in %" PRIu64
                " %s%s, %" PRIu64 " rows, %" PRIu64 " duplicates, %" PRIu64 " malformed, %s\n",
                name, t->lines, t->bytes, t->reads, t->netlink == 1 ? "datagram" : "stored read",
                t->reads == 1 ? "" : "s", t->listening, t->duplicates, t->malformed, tm);
        if (t->netlink == 1)
            fprintf(stderr,
                    "stats: netlink dump of %s: %" PRIu64 " dump%s (at most %d), %" PRIu64
                    " rows added after the first\n",
                    name, t->passes, t->passes == 1 ? "" : "s", LSN_TABLE_MAX_PASSES,
                    t->added_on_reread);
        return;
    }
    fprintf(stderr,
            "stats: %s%s%s: %" PRIu64 " lines read, %" PRIu64 " bytes, %" PRIu64
            " listening, %" PRIu64 " duplicates, %" PRIu64 " malformed, %s\n",
            root, sep, name, t->lines, t->bytes, t->listening, t->duplicates, t->malformed, tm);
    if (t->truncated)
        fprintf(stderr, "stats: %s%s%s: cut at the size cap after %" PRIu64 " bytes\n", root, sep,
                name, t->bytes);
    else if (t->stopped_early)
        fprintf(stderr,
                "stats: %s%s%s: stopped at line %" PRIu64
                ", the first past the listening section\n",
                root, sep, name, t->stop_line);
    else
        fprintf(stderr, "stats: %s%s%s: read to the end (%s%s)\n", root, sep, name,
                t->stop_allowed ? "no line past the listening section"
                                : "not procfs: early stop off",
                t->short_eof ? "; a short read ended it" : "");
    fprintf(stderr,
            "stats: %s%s%s: %" PRIu64 " read%s in %" PRIu64 " pass%s (at most %d), %" PRIu64
            " listening added after the first\n",
            root, sep, name, t->reads, t->reads == 1 ? "" : "s", t->passes,
            t->passes == 1 ? "" : "es", LSN_TABLE_MAX_PASSES, t->added_on_reread);
}

/* --stats: whether the kernel has this process under a seccomp filter, as
 * /proc/self/status says (not as this program believes), so that a build
 * can be checked from outside (.ci/static-check does). */
static char seccomp_mode(void)
{
    char buf[4096];
    ssize_t n = -1;
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        n = read(fd, buf, sizeof buf - 1);
        close(fd);
    }
    const char *at = NULL;
    if (n > 0) {
        buf[n] = '\0';
        at = strstr(buf, "\nSeccomp:\t");
    }
    if (at == NULL)
        return '\0';
    return at[10];
}

static void print_sandbox_stat(void)
{
    char mode = seccomp_mode();
    if (mode == '\0') {
        fputs("stats: sandbox: unknown (no Seccomp line in /proc/self/status)\n", stderr);
        return;
    }
    switch (mode) {
    case '2':
        fputs("stats: sandbox: seccomp filter installed (/proc/self/status Seccomp: 2)\n", stderr);
        break;
    case '0': fputs("stats: sandbox: none (/proc/self/status Seccomp: 0)\n", stderr); break;
    default: fprintf(stderr, "stats: sandbox: seccomp mode %c\n", mode);
    }
}

static int to_stderr(void *ctx, const char *buf, size_t len)
{
    (void)ctx;
    return fwrite(buf, 1, len, stderr) == len ? 0 : 1;
}

/* The collector's object on stderr after the line's opening, which is
 * written with its first bytes: nothing at all when the writer fails
 * before it gives any (out of memory). */
static int to_stderr_opened(void *ctx, const char *buf, size_t len)
{
    int *opened = ctx;
    if (!*opened && fputs("{\"collector\":", stderr) == EOF)
        return 1;
    *opened = 1;
    return to_stderr(NULL, buf, len);
}

/* --stats=json: one line on stderr, {"collector":<lsn_write_stats_json>,
 * null when the run stopped before collecting (r NULL) or the writer ran
 * out of memory (said on the line before), then what only the CLI knows:
 * "command", "diagnostics" (the counts of the callback), "sandbox"
 * (/proc/self/status, as the text form) and "exit_status"
 * (docs/contract.md, "--stats=json"). */
static void print_stats_json(const char *command, const char *root, const struct lsn_result *r,
                             const struct diag_counts *n, int exit_status)
{
    char mode = seccomp_mode();
    int opened = 0;
    int rc = r ? lsn_write_stats_json(r, root, to_stderr_opened, &opened) : 0;
    if (rc != 0) {
        if (opened || rc != -1) /* stderr failed: no line can be finished */
            return;
        fputs("listeners: --stats=json: out of memory: the collector's stats are null\n", stderr);
    }
    if (!opened)
        fputs("{\"collector\":null", stderr);
    fprintf(stderr,
            ",\"command\":\"%s\",\"diagnostics\":{\"malformed_lines\":%" PRIu64
            ",\"table_errors\":%" PRIu64 ",\"process_errors\":%" PRIu64
            "},\"sandbox\":{\"seccomp_mode\":",
            command, n->malformed, n->table, n->process);
    if (mode >= '0' && mode <= '9')
        fprintf(stderr, "%d", mode - '0');
    else
        fputs("null", stderr);
    fprintf(stderr, "},\"exit_status\":%d}\n", exit_status);
}

static const char *plural(uint64_t n, const char *one, const char *more)
{
    return n == 1 ? one : more;
}

/* Lack of permission, once, after the run (from the stats, not from the
 * messages): the processes refused and the listeners left without an owner;
 * the remedy only on a live procfs (a tree's permissions are its copier's,
 * no capability of this run changes them: the first path refused instead).
 * A refused process diagnostic with no pid counted (the collector counts
 * every one it gives with a pid: a safety net) still gets the line, with
 * its path. And --all-netns: the pids whose ns/net link was refused, whose
 * namespaces are unknown and were not read. */
static void tell_denied(const struct lsn_result *r, const struct diag_counts *n)
{
    const struct lsn_stats *s = &r->stats;
    uint64_t unowned = s->listeners - s->attributed;
    if (s->pids_denied && r->procfs)
        fprintf(stderr,
                "listeners: %" PRIu64 " %s could not be read without privilege (fd links, comm "
                "or exe): %" PRIu64 " %s no owner (pid null); run as root, or with "
                "CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (see SECURITY.md)\n",
                s->pids_denied, plural(s->pids_denied, "process", "processes"), unowned,
                plural(unowned, "listener has", "listeners have"));
    else if (s->pids_denied)
        fprintf(stderr,
                "listeners: %" PRIu64 " %s could not be read for lack of permission (the "
                "first: %s: %s): %" PRIu64 " %s no owner (pid null)\n",
                s->pids_denied, plural(s->pids_denied, "process", "processes"),
                n->first_denied[0] ? n->first_denied : "?",
                strerror(n->first_denied_error ? n->first_denied_error : EACCES), unowned,
                plural(unowned, "listener has", "listeners have"));
    else if (n->first_denied[0])
        fprintf(stderr,
                "listeners: a read was refused for lack of permission (the first: %s: %s): "
                "%" PRIu64 " %s no owner (pid null)\n",
                n->first_denied, strerror(n->first_denied_error), unowned,
                plural(unowned, "listener has", "listeners have"));
    if (r->all_netns && s->netns_denied)
        fprintf(stderr,
                "listeners: --all-netns: the ns/net links of %" PRIu64 " %s could not be read%s: "
                "the network namespaces they are in are unknown and were not read (a namespace "
                "none of the readable processes is in is missing)%s\n",
                s->netns_denied, plural(s->netns_denied, "process", "processes"),
                r->procfs ? " without privilege" : " for lack of permission",
                r->procfs ? "; run as root, or with CAP_SYS_PTRACE (see SECURITY.md)" : "");
}

static void print_stats(const char *root, const struct lsn_result *r, const struct diag_counts *n)
{
    const struct lsn_stats *s = &r->stats;
    char walk[32], names[32], sort[32], total[32];
    {
        static const char *const tables[] = {"net/tcp", "net/tcp6", "net/udp",   "net/udp6",
                                             "net/raw", "net/raw6", "net/packet"};
        const struct lsn_table_stats *t[] = {&s->tcp, &s->tcp6, &s->udp,   &s->udp6,
                                             &s->raw, &s->raw6, &s->packet};
        for (size_t k = 0; k < 7; k++) /* the tables of the protocols read */
            if (r->protocols & (1u << (k < 2 ? 0 : k < 4 ? 1 : k < 6 ? 2 : 3)))
                print_table_stats(root, tables[k], t[k]);
    }
    if (r->flags & LSN_OPT_HOLDERS)
        fprintf(stderr,
                "stats: holders: %zu socket fds of %zu rows' sockets (--holders: every pid read)\n",
                r->nholders, (size_t)r->count);
    fprintf(stderr,
            "stats: listeners: %" PRIu64 " (%" PRIu64
            " matchable: an inode no other socket has), %" PRIu64 " attributed, %" PRIu64
            " unattributed\n",
            s->listeners, s->matchable, s->attributed, s->listeners - s->attributed);
    fprintf(stderr,
            "stats: walk: %s, %" PRIu64 " directory pass%s, %" PRIu64 " pids visited, %" PRIu64
            " unreadable, %" PRIu64 " exited\n",
            s->streamed ? "streamed in procfs order" : "batched in ascending pid order",
            s->proc_scans, s->proc_scans == 1 ? "" : "es", s->pids_visited, s->pids_unreadable,
            s->pids_exited);
    fprintf(stderr, "stats: walk: %" PRIu64 " fd links read, %" PRIu64 " socket links\n",
            s->fd_links_read, s->socket_links);
    fprintf(stderr,
            "stats: walk: %" PRIu64 " pids refused for lack of privilege (EACCES, EPERM: fd "
            "links, comm or exe)\n",
            s->pids_denied);
    if (r->all_netns) {
        char tns[32];
        ms(tns, sizeof tns, s->netns_nanoseconds);
        fprintf(stderr,
                "stats: netns: %" PRIu64 " namespaces, %" PRIu64 " others read, %" PRIu64
                " skipped, %" PRIu64 " listeners from them, %" PRIu64
                " pids without a ns/net link, %" PRIu64 " tables cut at the size cap, %s\n",
                s->netns_found, s->netns_read, s->netns_skipped, s->netns_listening,
                s->netns_no_link, s->netns_truncated, tns);
        fprintf(stderr,
                "stats: netns: %" PRIu64 " pids' ns/net links refused for lack of privilege "
                "(their namespaces unknown)\n",
                s->netns_denied);
    }
    if (s->task_walk) {
        char tt[32];
        ms(tt, sizeof tt, s->task_walk_nanoseconds);
        fprintf(stderr,
                "stats: tasks: %" PRIu64 " pids, %" PRIu64 " threads' fd tables read, %" PRIu64
                " threads not read (a table read already), %" PRIu64 " directory pass%s, %" PRIu64
                " listeners attributed, %s, %s\n",
                s->task_pids_visited, s->tasks_visited, s->task_tables_shared, s->task_proc_scans,
                s->task_proc_scans == 1 ? "" : "es", s->task_attributed,
                s->task_budget_spent    ? "stopped at the budget"
                : s->task_stopped_early ? "stopped early"
                                        : "every pid",
                tt);
        fprintf(stderr, "stats: tasks: %" PRIu64 " fd links read of a budget of %" PRIu64 "\n",
                s->task_fd_links_read, s->task_budget);
        if (s->task_budget_spent)
            fprintf(stderr,
                    "stats: tasks: budget spent: the task walk stopped, listeners still without "
                    "an owner stay null\n");
    }
    if (r->status != LSN_OK && r->status != LSN_PARTIAL)
        fputs("stats: walk: not run: the collection stopped before it\n", stderr);
    else if (s->stopped_early)
        fprintf(stderr,
                "stats: walk: stopped early after pid %" PRId32 ": every listener has an owner\n",
                s->last_pid);
    else if (s->matchable == 0 && s->inodes_shared == 0)
        fprintf(stderr, "stats: walk: not needed: no listener with an inode\n");
    else if (s->matchable == 0)
        fprintf(stderr, "stats: walk: not needed: no listener with an inode that only one "
                        "socket has (the others share theirs)\n");
    else
        fprintf(stderr, "stats: walk: read every pid (last visited %" PRId32 ")\n", s->last_pid);
    ms(walk, sizeof walk, s->walk_nanoseconds);
    ms(names, sizeof names, s->names_nanoseconds);
    ms(sort, sizeof sort, s->sort_nanoseconds);
    ms(total, sizeof total, s->total_nanoseconds);
    fprintf(stderr, "stats: time: walk %s (comm and exe %s), sort %s, total %s\n", walk, names,
            sort, total);
    fprintf(stderr,
            "stats: diagnostics: %" PRIu64 " malformed lines, %" PRIu64 " table errors, %" PRIu64
            " process errors\n",
            n->malformed, n->table, n->process);
}

/* The NETLINK_SOCK_DIAG socket of --source netlink and check, opened
 * before the sandbox (which allows no socket()), when the dumps come from
 * the running kernel: no --proc, or a --proc that is a procfs mount. A tree
 * has stored dumps instead. 0, or -1 with a message. */
static int open_netlink(const char *proc, struct lsn_options *opts)
{
    struct statfs sf;
    if (proc && (statfs(proc, &sf) != 0 || sf.f_type != 0x9fa0))
        return 0;
    opts->netlink_fd = lsn_netlink_open();
    if (opts->netlink_fd < 0) {
        fprintf(stderr, "listeners: cannot open a NETLINK_SOCK_DIAG socket: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* The byte order of the --proc tables (manifest.h): this host's for a
 * procfs mount (or no --proc); a tree's MANIFEST's, or this host's with a
 * warning when it records none; --byte-order overrides both. Stored netlink
 * dumps recorded in another order than this host's are not read
 * (LSN_OPT_NO_STORED_DUMPS in *flags): their tables' procfs copies instead,
 * said per table. 0, or -1 when the MANIFEST cannot be read or its byte
 * order is unknown (said on stderr). */
static int tree_byte_order(const struct lsn_args *args, const char *prefix,
                           enum lsn_byte_order *order, unsigned *flags)
{
    const char *dir = args->proc;
    const char *sep = dir && dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/";
    struct lsn_manifest m;
    struct statfs sf;
    *order = args->byte_order ? (enum lsn_byte_order)(args->byte_order - 1) : LSN_ORDER_HOST;
    *flags = 0;
    struct stat st;
    /* no tree there (missing, not a directory: a FIFO, a file): the
     * collector says why, without a warning first */
    if (!dir || statfs(dir, &sf) != 0 || sf.f_type == 0x9fa0 || stat(dir, &st) != 0 ||
        !S_ISDIR(st.st_mode))
        return 0;
    if (lsn_manifest_read(dir, prefix, &m) != 0)
        return -1;
    if (m.has_order && !args->byte_order)
        *order = m.order;
    else if (!args->byte_order)
        fprintf(stderr,
                "%s: %s%sMANIFEST: %s: the tables are decoded in this host's byte order (%s); "
                "--byte-order little or big says otherwise\n",
                prefix, dir, sep,
                m.present ? "records no byte order (a snapshot of an older listeners?)"
                          : "no such file (not a snapshot, or its MANIFEST was lost)",
                lsn_byte_order_word(LSN_ORDER_HOST));
    enum lsn_byte_order dumps = m.has_dumps_order ? m.dumps : m.has_order ? m.order : *order;
    if (lsn_byte_order_resolve(dumps) != lsn_byte_order_resolve(LSN_ORDER_HOST))
        *flags = LSN_OPT_NO_STORED_DUMPS;
    return 0;
}

/* From here on the process only reads, writes stdout/stderr and (with a
 * netlink fd) asks the kernel for socket dumps. Where there is no filter
 * (not Linux, other architectures, sanitizer builds) it runs without one
 * silently; a refusal to install it is reported on stderr, not fatal. */
static void enter_sandbox(const struct lsn_args *args, int netlink_fd)
{
    if (args->no_sandbox)
        return;
    if ((netlink_fd >= 0 ? lsn_sandbox_enter_netlink(netlink_fd) : lsn_sandbox_enter()) != 0) {
        int e = errno;
        if (e != ENOSYS && e != EOPNOTSUPP)
            fputs("listeners: running without the seccomp sandbox: prctl refused it\n", stderr);
    }
}

/* --output FILE (cli/sandbox.h, "--output"): a new temporary file
 * ".NAME.tmp.PID" in FILE's directory (no .prom ending: the textfile
 * collector does not read it), then a fork. The child makes the temporary
 * file its stdout and runs as without --output, in the same sandbox; the
 * parent, which never reads procfs, waits for it and renames the file over
 * FILE when the child exited 0 or 3 (partial), or removes it otherwise, and
 * exits with the child's status (1 when it could not finish the file).
 * Returns -1 in the child (go on), -2 in a child that could not make the
 * file its stdout (said; exit 1), else the parent's exit status, with
 * *told 1 when that is the status a child exited with (it gave its own
 * --stats line). SIGINT,
 * SIGTERM, SIGHUP and SIGPIPE wait in the parent until the temporary file
 * is renamed or removed. */
static int output_to_file(const char *path, int *told)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    char dir[4096], tmp[300];
    sigset_t block, old;
    int dirfd, fd, status, rc = 1;
    pid_t child;

    *told = 0;
    if (slash && (size_t)(slash - path) >= sizeof dir) {
        fprintf(stderr, "listeners: --output %s: %s\n", path, strerror(ENAMETOOLONG));
        return 1;
    }
    if (slash) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash == path ? 1 : slash - path] = '\0'; /* "/x": the root */
    } else {
        memcpy(dir, ".", 2);
    }
    if ((size_t)snprintf(tmp, sizeof tmp, ".%s.tmp.%ld", name, (long)getpid()) >= sizeof tmp) {
        fprintf(stderr, "listeners: --output %s: %s\n", path, strerror(ENAMETOOLONG));
        return 1;
    }
    dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        fprintf(stderr, "listeners: --output %s: %s: %s\n", path, dir, strerror(errno));
        return 1;
    }
    fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "listeners: --output %s: cannot create %s/%s: %s\n", path, dir, tmp,
                strerror(errno));
        close(dirfd);
        return 1;
    }
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGPIPE);
    sigprocmask(SIG_BLOCK, &block, &old);
    fflush(NULL);
    child = fork();
    if (child == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        close(dirfd);
        if (dup2(fd, STDOUT_FILENO) < 0) {
            fprintf(stderr, "listeners: --output %s: %s\n", path, strerror(errno));
            close(fd);
            return -2;
        }
        close(fd);
        return -1;
    }
    if (child < 0) {
        fprintf(stderr, "listeners: --output %s: cannot fork: %s\n", path, strerror(errno));
        status = -1;
    } else {
        while (waitpid(child, &status, 0) < 0 && errno == EINTR)
            ;
    }
    if (child > 0 && WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3)) {
        if (fsync(fd) != 0 || renameat(dirfd, tmp, dirfd, name) != 0)
            fprintf(stderr, "listeners: --output %s: cannot replace it: %s\n", path,
                    strerror(errno));
        else
            rc = WEXITSTATUS(status);
        if (rc == WEXITSTATUS(status))
            fsync(dirfd); /* the rename itself, durable; a failure here changes nothing */
    } else if (child > 0) {
        if (WIFEXITED(status))
            rc = WEXITSTATUS(status);
        else
            fprintf(stderr, "listeners: --output %s: killed by signal %d, not written\n", path,
                    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    /* 1: the child's stats carry the exit status; 2: the child collected and
     * said so, but the rename after it failed (docs/contract.md, --stats=json) */
    *told = child > 0 && WIFEXITED(status) ? (rc == WEXITSTATUS(status) ? 1 : 2) : 0;
    if (rc != 0 && rc != 3)
        unlinkat(dirfd, tmp, 0);
    close(fd);
    close(dirfd);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return rc;
}

static const char *const command_names[LSN_CMD_COUNT] = {"list",  "snapshot", "diff",
                                                         "check", "ports",    "watch"};

/* The end of a run that collected: --stats=json (after the output, so
 * that it has the exit status), the result freed; returns status. */
static int finish(const struct lsn_args *args, struct lsn_result *result,
                  const struct diag_counts *counts, int status)
{
    if (args->stats == LSN_STATS_JSON)
        print_stats_json(command_names[args->command], args->proc, result, counts, status);
    lsn_result_free(result);
    return status;
}

/* The end of a run that stopped before collecting (--output, the
 * MANIFEST, netlink, memory; the cause is said above): --stats=json's line
 * with "collector":null, --stats's one line; returns status. */
static int stop(const struct lsn_args *args, int status)
{
    static const struct diag_counts none;
    if (args->stats == LSN_STATS_JSON)
        print_stats_json(command_names[args->command], args->proc, NULL, &none, status);
    else if (args->stats == LSN_STATS_TEXT)
        fprintf(stderr, "stats: no collection: the run stopped before it (exit status %d)\n",
                status);
    return status;
}

/* --output: the run collected and gave its stats, then its file could not
 * replace FILE: the last JSON line carries the exit status (collector null,
 * the collection's stats are the line before); the text form says what
 * happened, not "no collection". */
static int stop_after_rename(const struct lsn_args *args, int status)
{
    if (args->stats == LSN_STATS_TEXT) {
        fprintf(stderr, "stats: the output file was not replaced (exit status %d)\n", status);
        return status;
    }
    return stop(args, status);
}

/* `listeners check`: both views, compared; exit 0 clean, 1 findings, 2
 * error. */
static int run_check(const struct lsn_args *args, struct lsn_options *opts,
                     struct diag_counts *counts)
{
    struct lsn_result result;
    int rc;
    opts->proc_root = args->proc;
    opts->diag = on_diag;
    opts->diag_ctx = counts;
    opts->flags |= LSN_OPT_CHECK | (opts->netlink_fd >= 0 ? LSN_OPT_NETLINK_FD : 0u);
    opts->protocols = args->protocols ? args->protocols : LSN_PROTOS_ALL;
    opts->max_table_bytes = args->max_table_bytes;
    lsn_collect(opts, &result);
    if (args->stats == LSN_STATS_TEXT) {
        print_stats(args->proc ? args->proc : "/proc", &result, counts);
        print_sandbox_stat();
    }
    tell_denied(&result, counts);
    if (result.status != LSN_OK) {
        const char *path = result.error_path ? result.error_path : "listeners";
        if (result.status == LSN_PARTIAL)
            fputs("listeners: check: a view is partial (a table over --max-table-size, or out "
                  "of memory): no report\n",
                  stderr);
        else if (result.error)
            fprintf(stderr, "listeners: check: %s: %s: %s\n", path, result.error_message,
                    strerror(result.error));
        else
            fprintf(stderr, "listeners: check: %s: %s\n", path,
                    result.status == LSN_UNSUPPORTED ? "no procfs on this platform"
                                                     : result.error_message);
        return finish(args, &result, counts, 2);
    }
    rc = lsn_write_check(&result, args->format && args->format[0] == 'j', to_stdout, NULL);
    if (rc != 0 || fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "listeners: check: cannot write the report%s%s\n", rc < 0 ? "" : ": ",
                rc < 0 ? "out of memory" : strerror(errno));
        return finish(args, &result, counts, 2);
    }
    return finish(args, &result, counts, result.nfindings ? 1 : 0);
}

/* The rows that pass the filters (all of them without one), in the
 * format asked. The writers' return. */
/* --format openmetrics of the rows the filters keep. */
static int write_openmetrics(const struct lsn_result *result, const struct lsn_filter *filter,
                             uint64_t now_ns)
{
    struct lsn_result view;
    const struct lsn_result *r = result;
    int rc;
    memset(&view, 0, sizeof view);
    if (lsn_filter_active(filter)) {
        if (lsn_filter_apply(filter, result, &view) != 0)
            return -1;
        r = &view;
    }
    rc = lsn_write_openmetrics(r, now_ns, to_stdout, NULL);
    if (r != result)
        free(view.listeners);
    return rc;
}

static int write_output(const struct lsn_args *args, const char *format,
                        const struct lsn_result *result, const struct lsn_host *host,
                        const struct lsn_filter *filter)
{
    struct lsn_result view;
    const struct lsn_result *r = result;
    const struct lsn_host *h = args->host ? host : NULL;
    int rc;
    if (lsn_filter_active(filter)) {
        if (lsn_filter_apply(filter, result, &view) != 0)
            return -1;
        r = &view;
    }
    if (format[0] == 't' || format[0] == 'n') {
        if (r->status == LSN_UNSUPPORTED)
            fputs("listeners: no procfs on this platform (use --proc DIR)\n", stderr);
    }
    if (format[0] == 't' && (args->no_headings || args->ncolumns)) {
        enum lsn_column cols[LSN_MAX_COLUMNS];
        size_t n = args->ncolumns;
        if (n == 0) {
            enum lsn_column defaults[LSN_COL_COUNT];
            n = lsn_table_columns(r, defaults);
            memcpy(cols, defaults, n * sizeof *cols);
        } else {
            for (size_t i = 0; i < n; i++)
                cols[i] = (enum lsn_column)args->columns[i];
        }
        rc = lsn_write_table_columns(r, cols, n, !args->no_headings, to_stdout, NULL);
    } else if (format[0] == 't') {
        rc = lsn_write_table(r, to_stdout, NULL);
    } else if (format[0] == 'n') {
        rc = lsn_write_ndjson(r, h, to_stdout, NULL);
    } else {
        rc = lsn_write_json_host(r, args->pretty, h, to_stdout, NULL);
    }
    if (r != result)
        free(view.listeners);
    return rc;
}

int main(int argc, char **argv)
{
    /* 64 KiB of stdout buffer: 10,000 rows are 1.3 MB of JSON, 20 writes
     * instead of 320 with stdio's 4 KiB (bench/README.md, scale e). Static:
     * stdout is flushed at exit, after main's frame is gone. */
    static char stdout_buffer[1 << 16];
    static char list_help[sizeof help_text_mid + sizeof help_text_more];
    static const char *const help[LSN_CMD_COUNT][3] = {
        {help_text, list_help, help_text_commands},
        {lsn_snapshot_help, NULL, NULL},
        {lsn_diff_help, NULL, NULL},
        {check_help, NULL, NULL},
        {ports_help, NULL, NULL},
        {lsn_watch_help, NULL, NULL},
    };
    static struct diag_counts counts; /* zero; static: 4 KiB of path */
    struct lsn_options opts;
    struct lsn_result result;
    struct lsn_args args;
    struct lsn_filter filter;
    struct lsn_host host;
    const char *proc, *format;
    unsigned partial;
    int rc, told;

    memcpy(list_help, help_text_mid, sizeof help_text_mid - 1);
    memcpy(list_help + sizeof help_text_mid - 1, help_text_more, sizeof help_text_more);
    if (setvbuf(stdout, stdout_buffer, _IOFBF, sizeof stdout_buffer) != 0)
        return 1;

    switch (lsn_parse_args(argc, argv, help, &args)) {
    case LSN_PARSE_DONE: return 0;
    case LSN_PARSE_USAGE: return 2;
    case LSN_PARSE_RUN: break;
    }
    if (args.command == LSN_CMD_SNAPSHOT)
        return lsn_snapshot_run(&args);
    if (args.command == LSN_CMD_DIFF)
        return lsn_diff_run(&args);
    proc = args.proc;
    format = args.format ? args.format : "json";
    if (args.output && (rc = output_to_file(args.output, &told)) != -1) {
        if (rc == -2)
            return stop(&args, 1); /* a child without its file */
        if (told == 2)             /* the child collected; the rename failed */
            return stop_after_rename(&args, rc);
        return told ? rc : stop(&args, rc); /* the parent, after the child wrote the file */
    }

    memset(&opts, 0, sizeof opts);
    opts.netlink_fd = -1;
    /* Before the sandbox (it would allow the reads, not statfs). */
    if (args.command != LSN_CMD_WATCH && /* watch: per tree, below */
        tree_byte_order(&args, args.command == LSN_CMD_CHECK ? "listeners: check" : "listeners",
                        &opts.byte_order, &opts.flags) != 0)
        return stop(&args, args.command == LSN_CMD_CHECK ? 2 : 1);
    if ((args.netlink || args.command == LSN_CMD_CHECK) && open_netlink(proc, &opts) != 0)
        return stop(&args, args.command == LSN_CMD_CHECK ? 2 : 1);
    if (args.command == LSN_CMD_WATCH) { /* every tree's byte order, before the sandbox */
        struct lsn_watch_tree trees[LSN_WATCH_MAX_TREES];
        size_t ntrees = args.nprocs ? args.nprocs : 1;
        struct lsn_args one = args;
        for (size_t i = 0; i < ntrees; i++) {
            one.proc = args.nprocs ? args.procs[i] : NULL;
            trees[i].proc = one.proc;
            if (tree_byte_order(&one, "listeners: watch", &trees[i].order, &trees[i].flags) != 0)
                return 1;
        }
        enter_sandbox(&args, opts.netlink_fd);
        opts.diag = on_diag;
        opts.diag_ctx = &counts;
        counts.at_once = 1; /* no end of the run to say it after */
        opts.flags = (args.netlink ? LSN_OPT_NETLINK : 0u) |
                     (opts.netlink_fd >= 0 ? LSN_OPT_NETLINK_FD : 0u);
        opts.protocols = args.protocols;
        return lsn_watch_run(&args, &opts, trees, ntrees);
    }
    enter_sandbox(&args, opts.netlink_fd);
    if (args.command == LSN_CMD_CHECK)
        return run_check(&args, &opts, &counts);

    opts.proc_root = proc;
    opts.diag = on_diag;
    opts.diag_ctx = &counts;
    opts.flags |=
        (args.all_netns ? LSN_OPT_ALL_NETNS : 0u) | (args.verify_exe ? LSN_OPT_VERIFY_EXE : 0u) |
        (args.holders ? LSN_OPT_HOLDERS : 0u) | (args.uid ? LSN_OPT_UID : 0u) |
        (args.netlink ? LSN_OPT_NETLINK : 0u) | (opts.netlink_fd >= 0 ? LSN_OPT_NETLINK_FD : 0u);
    opts.protocols = args.protocols;
    opts.max_table_bytes = args.max_table_bytes;
    if (lsn_filter_init(&filter, args.ports, args.pids, args.addresses, args.comm, args.exe) != 0) {
        fputs("listeners: out of memory\n", stderr);
        return stop(&args, 1);
    }
    if (args.host) { /* collected_at: when the collection starts */
        lsn_host_read(proc, &host);
        host.version = LISTENERS_VERSION;
    }
    lsn_collect(&opts, &result);
    if (args.stats == LSN_STATS_TEXT) {
        print_stats(proc ? proc : "/proc", &result, &counts);
        print_sandbox_stat();
    }
    tell_denied(&result, &counts);
    if (result.status == LSN_ERR_TABLE || result.status == LSN_ERR_NOMEM) {
        const char *path = result.error_path ? result.error_path : "listeners";
        if (result.error && result.status == LSN_ERR_TABLE && result.reason == LSN_REASON_OPEN)
            fprintf(stderr, "listeners: %s: %s\n", path, strerror(result.error));
        else if (result.error)
            fprintf(stderr, "listeners: %s: %s: %s\n", path, result.error_message,
                    strerror(result.error));
        else
            fprintf(stderr, "listeners: %s: %s\n", path, result.error_message);
        lsn_filter_free(&filter);
        return finish(&args, &result, &counts, 1);
    }
    if (args.command == LSN_CMD_PORTS) {
        rc = lsn_write_ports(&result, to_stdout, NULL);
    } else if (format[0] == 'o') {
        struct timespec now = {0, 0};
        clock_gettime(CLOCK_REALTIME, &now);
        rc = write_openmetrics(&result, &filter,
                               (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec);
    } else {
        rc = write_output(&args, format, &result, &host, &filter);
    }
    partial = result.status == LSN_PARTIAL ? result.partial : 0u;
    lsn_filter_free(&filter);
    if (rc != 0 || fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "listeners: cannot write the output%s%s\n", rc < 0 ? "" : ": ",
                rc < 0 ? "out of memory" : strerror(errno));
        return finish(&args, &result, &counts, 1);
    }
    if (partial) { /* never silent: the rows above are not all of them */
        int cap = (partial & LSN_PARTIAL_SIZE_CAP) != 0, mem = (partial & LSN_PARTIAL_NOMEM) != 0;
        fprintf(stderr, "listeners: the output is partial (exit status 3): %s%s%s\n",
                cap ? "a table is larger than the size cap (--max-table-size), its lines past "
                      "the cap are missing"
                    : "",
                cap && mem ? "; " : "",
                mem ? "out of memory, the rest of the tables or of the owners is missing" : "");
        return finish(&args, &result, &counts, 3);
    }
    return finish(&args, &result, &counts, 0);
}
