/* agent.c - a minimal fleet agent on the installed listeners library: collect
 * every few seconds and print only what changed.
 *
 *   agent [--proc DIR] [--interval SECONDS] [--count N]
 *
 * Each listening socket is identified by its inode (with family, address and
 * port for the text). Printed per change:
 *   + ipv4 0.0.0.0:22 inode 1234 pid 812 comm "sshd"     appeared
 *   - ipv4 0.0.0.0:22 inode 1234                          disappeared
 *   ~ ipv4 0.0.0.0:22 inode 1234 pid 812 -> 900 comm ...  owner changed
 *   * ipv4 0.0.0.0:22 inode 1234 pid 812 comm "sshd" exe ... exe changed (an
 *     execve under the same pid that kept the socket)
 * SECONDS is a number greater than 0 (0.5, 10); anything else is a usage
 * error, exit 2. A minimal example of the library API: for a machine-readable
 * stream (NDJSON events, O(n log n) per tick, --host), run
 * `listeners watch --interval SECONDS` instead.
 * Build: cc agent.c $(pkg-config --cflags --libs listeners) */
#define _POSIX_C_SOURCE 200809L
#include <listeners/address_text.h>
#include <listeners/json_string.h>
#include <listeners/listeners.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct lsn_listener *find(const struct lsn_result *r, const struct lsn_listener *l)
{
    for (size_t i = 0; i < r->count; i++) {
        const struct lsn_listener *o = &r->listeners[i];
        if (o->inode == l->inode && o->port == l->port && o->family == l->family &&
            memcmp(o->bind_address, l->bind_address, sizeof o->bind_address) == 0)
            return o;
    }
    return NULL;
}

static void print_socket(char sign, const struct lsn_listener *l)
{
    char addr[LSN_IPV6_TEXT_SIZE];
    int v6 = l->family == LSN_FAMILY_IPV6;
    if (v6)
        lsn_ipv6_text(l->bind_address, addr, sizeof addr, NULL);
    else
        lsn_ipv4_text(l->bind_address, addr, sizeof addr, NULL);
    printf("%c %s %s%s%s:%u inode %llu", sign, v6 ? "ipv6" : "ipv4", v6 ? "[" : "", addr,
           v6 ? "]" : "", (unsigned)l->port, (unsigned long long)l->inode);
}

/* A previous owner: "pid null" when there was none, never -1. */
static void print_pid(const struct lsn_listener *l)
{
    if (l->pid < 0)
        printf(" pid null");
    else
        printf(" pid %d", (int)l->pid);
}

static int same_exe(const struct lsn_listener *a, const struct lsn_listener *b)
{
    if (!a->exe || !b->exe)
        return a->exe == b->exe;
    return a->exe_len == b->exe_len && memcmp(a->exe, b->exe, a->exe_len) == 0;
}

static void print_owner(const struct lsn_listener *l)
{
    char comm[LSN_JSON_STRING_SIZE(LSN_COMM_MAX)];
    if (l->pid < 0) {
        printf(" pid null");
        return;
    }
    if (!l->comm || lsn_json_string(l->comm, l->comm_len, comm, sizeof comm, NULL) != 0)
        strcpy(comm, "null");
    printf(" pid %d comm %s", (int)l->pid, comm); /* comm escaped: it is untrusted */
}

int main(int argc, char **argv)
{
    struct lsn_options opts;
    struct lsn_result prev, cur;
    double interval = 10;
    long count = -1;
    char *end;

    memset(&opts, 0, sizeof opts);
    opts.byte_order = LSN_ORDER_HOST;
    for (int i = 1; i < argc; i++) {
        int ok = 0;
        if (strcmp(argv[i], "--proc") == 0 && i + 1 < argc) {
            opts.proc_root = argv[++i];
            ok = 1;
        } else if (strcmp(argv[i], "--interval") == 0 && i + 1 < argc) {
            /* "abc", "0", "-1", "1e9999": a usage error, not a busy loop */
            interval = strtod(argv[++i], &end);
            ok = end != argv[i] && !*end && isfinite(interval) && interval > 0 && interval <= 86400;
        } else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
            count = strtol(argv[++i], &end, 10);
            ok = end != argv[i] && !*end && count > 0;
        }
        if (!ok) {
            fprintf(stderr, "usage: agent [--proc DIR] [--interval SECONDS] [--count N]\n");
            return 2;
        }
    }

    memset(&prev, 0, sizeof prev); /* nothing seen yet: everything "appears" */
    for (long n = 0; count < 0 || n < count; n++) {
        if (n > 0) {
            struct timespec ts = {(time_t)interval,
                                  (long)((interval - (double)(time_t)interval) * 1e9)};
            nanosleep(&ts, NULL);
        }
        if (lsn_collect(&opts, &cur) != LSN_OK) {
            fprintf(stderr, "agent: %s: %s\n", cur.error_path ? cur.error_path : "collect",
                    cur.error_message);
            lsn_result_free(&cur);
            lsn_result_free(&prev);
            return 1;
        }
        for (size_t i = 0; i < cur.count; i++) {
            const struct lsn_listener *l = &cur.listeners[i], *o = find(&prev, l);
            if (!o) {
                print_socket('+', l);
                print_owner(l);
                putchar('\n');
            } else if (o->pid != l->pid) {
                print_socket('~', l);
                print_pid(o);
                printf(" ->");
                print_owner(l);
                putchar('\n');
            } else if (l->pid >= 0 && !same_exe(o, l)) {
                print_socket('*', l);
                print_owner(l);
                printf(" exe changed\n");
            }
        }
        for (size_t i = 0; i < prev.count; i++) {
            if (!find(&cur, &prev.listeners[i])) {
                print_socket('-', &prev.listeners[i]);
                putchar('\n');
            }
        }
        fflush(stdout);
        lsn_result_free(&prev);
        prev = cur;
    }
    lsn_result_free(&prev);
    return 0;
}
