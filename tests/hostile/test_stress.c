/* test_stress.c - races and load (issue 7). For LSN_STRESS_SECONDS (10 by
 * default) processes with loopback listeners start and exit, fork and
 * share their sockets, while the CLI runs against the live /proc in a loop.
 * Every run must exit 0 with the contract's JSON; a row whose pid is one of
 * ours (alive at some point during that run) must be a socket that pid
 * held; every long-lived listener (made before the loop, closed after)
 * must be in every run with its holder as the owner.
 *
 * Who held what: each creator reports BIRTH (pid, time taken before the
 * fork) and HOLD (pid, family, port, inode from fstat) through a pipe
 * *before* listen(), so a socket is never visible before the test knows
 * its holder; a shared copy made by fork() after listen() is reported by
 * the parent right after the fork, so a row may name a pid the test does
 * not know yet: such rows are skipped, never misjudged. The manager is a
 * child subreaper that reaps every churner and orphan and reports REAP
 * (pid, time). Pids are reused (pid_max may be 32768), so a pid counts as
 * ours in a run only if one of its lifetimes [birth, reap] overlaps the run.
 * A socket is identified in the JSON by (family, loopback address, port);
 * the check is "this pid held a listener on this port at some point". */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "skip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hrun.h"
#include "jcheck.h"

#define LONG_LIVED 4        /* long-lived holders, each with one v4 and one v6 listener */
#define MAX_CHURNERS 48     /* churners alive at once */
#define MAX_LIFE_US 1000000 /* a churner or sharer lives 0..1 s: across whole CLI runs */

enum { EV_BIRTH = 1, EV_HOLD, EV_REAP };

struct ev {
    uint32_t type;
    int32_t pid;
    uint32_t family; /* 4 or 6 */
    uint32_t port;
    uint64_t inode;
    uint64_t t; /* CLOCK_MONOTONIC ns */
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void send_evs(int fd, const struct ev *e, size_t n)
{
    /* n * 32 bytes <= PIPE_BUF: one atomic write */
    while (write(fd, e, n * sizeof *e) < 0 && errno == EINTR)
        ;
}

/* A listening-to-be socket on loopback port 0: fd, port and inode. */
static int make_socket(int family, unsigned *port, uint64_t *inode)
{
    struct sockaddr_storage ss;
    socklen_t len;
    struct stat sb;
    int one = 1, s = socket(family == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    memset(&ss, 0, sizeof ss);
    if (family == 6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    }
    if (bind(s, (struct sockaddr *)&ss, len) != 0)
        goto fail;
    len = sizeof ss;
    if (getsockname(s, (struct sockaddr *)&ss, &len) != 0 || fstat(s, &sb) != 0)
        goto fail;
    *port = family == 6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                        : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    *inode = (uint64_t)sb.st_ino;
    return s;
fail:
    close(s);
    return -1;
}

static void die_with_parent(pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(0);
}

static unsigned rnd(unsigned *seed, unsigned n)
{
    unsigned x = *seed ? *seed : 2463534242u; /* xorshift32: the full 32-bit range */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *seed = x;
    return x % n;
}

static void sleep_us(unsigned us)
{
    struct timespec ts = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000};
    nanosleep(&ts, NULL);
}

/* A churner: a listener, maybe a forked sharer, a short life. */
static void churner(int evfd, uint64_t born, unsigned seed)
{
    struct ev e[2];
    unsigned port;
    uint64_t inode;
    int family = rnd(&seed, 2) ? 6 : 4, s;
    alarm(3);
    s = make_socket(family, &port, &inode);
    if (s < 0)
        _exit(1);
    memset(e, 0, sizeof e);
    e[0].type = EV_BIRTH;
    e[0].pid = getpid();
    e[0].t = born;
    e[1].type = EV_HOLD;
    e[1].pid = getpid();
    e[1].family = (uint32_t)family;
    e[1].port = port;
    e[1].inode = inode;
    send_evs(evfd, e, 2);
    if (listen(s, 8) != 0)
        _exit(1);
    if (rnd(&seed, 2)) {
        uint64_t t = now_ns();
        pid_t g = fork();
        if (g == 0) { /* shares the listener; may outlive us (the manager reaps it) */
            alarm(3);
            sleep_us(rnd(&seed, MAX_LIFE_US));
            _exit(0);
        }
        if (g > 0) {
            e[0].pid = g;
            e[0].family = 1; /* a BIRTH by fork() of a holder: a shared copy */
            e[0].t = t;
            e[1].pid = g;
            send_evs(evfd, e, 2);
            if (rnd(&seed, 2))
                close(s); /* only the child holds it now */
        }
    }
    sleep_us(rnd(&seed, MAX_LIFE_US));
    _exit(0);
}

/* The manager: keeps MAX_CHURNERS churners going, reaps them and orphans. */
static void manager(int evfd, pid_t parent)
{
    unsigned seed = (unsigned)getpid();
    int alive = 0;
    pid_t kids[MAX_CHURNERS];
    die_with_parent(parent);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    memset(kids, 0, sizeof kids);
    for (;;) {
        int st, i;
        pid_t p;
        while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
            struct ev e;
            memset(&e, 0, sizeof e);
            e.type = EV_REAP;
            e.pid = p;
            e.t = now_ns();
            send_evs(evfd, &e, 1);
            for (i = 0; i < MAX_CHURNERS; i++)
                if (kids[i] == p) {
                    kids[i] = 0;
                    alive--;
                }
        }
        if (alive < MAX_CHURNERS) {
            uint64_t born = now_ns();
            unsigned s = rnd(&seed, 1u << 30);
            pid_t me = getpid();
            p = fork();
            if (p == 0) {
                die_with_parent(me);
                churner(evfd, born, s);
            }
            if (p > 0) {
                for (i = 0; i < MAX_CHURNERS; i++)
                    if (!kids[i]) {
                        kids[i] = p;
                        break;
                    }
                alive++;
            }
            sleep_us(500);
        } else {
            sleep_us(1000);
        }
    }
}

/* ---- what the test knows ---- */

struct sock {
    int family;
    unsigned port;
    uint64_t inode;
};

struct life {
    uint64_t birth, reap; /* reap UINT64_MAX: not reaped yet */
    struct sock s[2];
    int ns;
    struct life *prev; /* the pid's earlier lifetime */
};

static struct life **lives; /* by pid */
static long pid_cap;
static uint64_t n_births, n_holds, n_reaps, n_shares;

static struct life *latest(int32_t pid)
{
    return pid > 0 && pid < pid_cap ? lives[pid] : NULL;
}

static void take(const struct ev *e)
{
    struct life *l;
    switch (e->type) {
    case EV_BIRTH:
        if (e->pid <= 0 || e->pid >= pid_cap)
            return;
        l = calloc(1, sizeof *l);
        assert_non_null(l);
        l->birth = e->t;
        l->reap = UINT64_MAX;
        l->prev = lives[e->pid];
        lives[e->pid] = l;
        n_births++;
        if (e->family == 1)
            n_shares++;
        break;
    case EV_HOLD:
        l = latest(e->pid);
        if (l && l->ns < 2) {
            l->s[l->ns].family = (int)e->family;
            l->s[l->ns].port = e->port;
            l->s[l->ns].inode = e->inode;
            l->ns++;
            n_holds++;
        }
        break;
    case EV_REAP:
        l = latest(e->pid);
        if (l && l->reap == UINT64_MAX)
            l->reap = e->t;
        n_reaps++;
        break;
    default: break;
    }
}

static void drain(int rfd)
{
    struct ev buf[128];
    ssize_t got;
    while ((got = read(rfd, buf, sizeof buf)) > 0) {
        size_t i;
        assert_int_equal((size_t)got % sizeof buf[0], 0);
        for (i = 0; i < (size_t)got / sizeof buf[0]; i++)
            take(&buf[i]);
    }
}

static void free_lives(void)
{
    long p;
    for (p = 0; p < pid_cap; p++)
        while (lives[p]) {
            struct life *l = lives[p];
            lives[p] = l->prev;
            free(l);
        }
    free(lives);
    lives = NULL;
}

static int is_loopback(const struct jrow *r)
{
    return strcmp(r->addr, r->family == 6 ? "::1" : "127.0.0.1") == 0;
}

/* ---- the test ---- */

struct holder {
    pid_t pid;
    struct sock s[2];
};

static pid_t spawn_long_lived(struct holder *h)
{
    int p[2];
    pid_t me = getpid(), pid;
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct sock s[2];
        int i;
        die_with_parent(me);
        close(p[0]);
        for (i = 0; i < 2; i++) {
            int fd;
            s[i].family = i ? 6 : 4;
            fd = make_socket(s[i].family, &s[i].port, &s[i].inode);
            if (fd < 0 || listen(fd, 8) != 0)
                _exit(1);
        }
        if (write(p[1], s, sizeof s) != (ssize_t)sizeof s)
            _exit(1);
        for (;;)
            pause();
    }
    close(p[1]);
    h->pid = pid;
    if (read(p[0], h->s, sizeof h->s) != (ssize_t)sizeof h->s) {
        close(p[0]);
        return -1;
    }
    close(p[0]);
    return pid;
}

static void stress(void **state)
{
    const char *env = getenv("LSN_STRESS_SECONDS");
    double seconds = 10.0;
    struct holder hold[LONG_LIVED];
    int evp[2], i, st;
    pid_t mgr, me = getpid();
    uint64_t t_end, runs = 0, rows_total = 0, rows_ours = 0, rows_unknown = 0, max_rows = 0;
    double max_ms = 0, sum_ms = 0;
    long max_rss = 0;
    FILE *f;
    (void)state;

    if (env && *env) {
        char *end;
        errno = 0;
        seconds = strtod(env, &end);
        if (errno != 0 || *end != '\0' || !(seconds >= 0 && seconds <= 1e6)) {
            fail_msg("LSN_STRESS_SECONDS=\"%s\": want a number of seconds from 0 to 1e6", env);
            return; /* not reached: fail_msg ends the test */
        }
    }
    f = fopen("/proc/sys/kernel/pid_max", "re");
    pid_cap = 4194305; /* PID_MAX_LIMIT + 1, if pid_max cannot be read */
    if (f) {
        char line[32], *end;
        if (fgets(line, sizeof line, f)) {
            long max;
            errno = 0;
            max = strtol(line, &end, 10);
            if (errno == 0 && end != line && (*end == '\n' || *end == '\0') && max > 0 &&
                max < 4194305)
                pid_cap = max + 1;
        }
        fclose(f);
    }
    lives = calloc((size_t)pid_cap, sizeof(struct life *)); /* one list head per pid */
    assert_non_null(lives);

    {
        unsigned port;
        uint64_t ino;
        int s4 = make_socket(4, &port, &ino), s6 = make_socket(6, &port, &ino);
        if (s4 < 0 || s6 < 0) {
            if (s4 >= 0)
                close(s4);
            if (s6 >= 0)
                close(s6);
            free_lives();
            LSN_SKIP("no loopback sockets here");
        }
        close(s4);
        close(s6);
    }
    if (access("/proc/net/tcp", R_OK) != 0) {
        free_lives();
        LSN_SKIP("/proc/net/tcp is not readable");
    }

    for (i = 0; i < LONG_LIVED; i++)
        if (spawn_long_lived(&hold[i]) < 0)
            fail_msg("long-lived holder %d did not start", i);

    assert_int_equal(pipe2(evp, O_CLOEXEC), 0);
    mgr = fork();
    assert_true(mgr >= 0);
    if (mgr == 0) {
        close(evp[0]);
        setpgid(0, 0);
        manager(evp[1], me);
        _exit(0);
    }
    setpgid(mgr, mgr);
    close(evp[1]);
    assert_int_equal(fcntl(evp[0], F_SETFL, O_NONBLOCK), 0);

    t_end = now_ns() + (uint64_t)(seconds * 1e9);
    while (now_ns() < t_end) {
        char *argv[] = {(char *)LISTENERS_CLI, NULL};
        struct jrows rows = {0};
        struct hrun r;
        char why[160];
        uint64_t ts, te;
        size_t k;
        int h, j;

        drain(evp[0]);
        ts = now_ns();
        hrun_argv(&r, argv);
        te = now_ns();
        drain(evp[0]);
        runs++;
        sum_ms += r.ms;
        if (r.ms > max_ms)
            max_ms = r.ms;
        if (r.maxrss_kib > max_rss)
            max_rss = r.maxrss_kib;
        if (r.status != 0)
            fail_msg("run %llu: exit %d; stderr: %.400s", (unsigned long long)runs, r.status,
                     r.err);
        if (jcheck(r.out, r.out_len, &rows, NULL, why, sizeof why) != 0)
            fail_msg("run %llu: not the contract's JSON: %s", (unsigned long long)runs, why);
        rows_total += rows.n;
        if (rows.n > max_rows)
            max_rows = rows.n;

        /* a pid of ours names only a socket it held */
        for (k = 0; k < rows.n; k++) {
            const struct jrow *x = &rows.v[k];
            const struct life *l;
            int known = 0, held = 0;
            if (x->pid < 0)
                continue;
            for (l = latest((int32_t)x->pid); l; l = l->prev) {
                int s;
                if (l->birth > te || l->reap < ts)
                    continue; /* another lifetime of this pid number */
                known = 1;
                for (s = 0; s < l->ns; s++)
                    if (l->s[s].family == x->family && l->s[s].port == x->port && is_loopback(x))
                        held = 1;
            }
            for (h = 0; h < LONG_LIVED; h++)
                if (hold[h].pid == x->pid) {
                    known = 1;
                    for (j = 0; j < 2; j++)
                        if (hold[h].s[j].family == x->family && hold[h].s[j].port == x->port &&
                            is_loopback(x))
                            held = 1;
                }
            if (!known) {
                rows_unknown++;
                continue;
            }
            rows_ours++;
            if (!held)
                fail_msg("run %llu: port %u %s %s has pid %ld, which never held it",
                         (unsigned long long)runs, x->port, x->family == 6 ? "ipv6" : "ipv4",
                         x->addr, x->pid);
        }
        /* the long-lived listeners are always there, with their holder */
        for (h = 0; h < LONG_LIVED; h++)
            for (j = 0; j < 2; j++) {
                int found = 0;
                for (k = 0; k < rows.n; k++) {
                    const struct jrow *x = &rows.v[k];
                    if (x->family == hold[h].s[j].family && x->port == hold[h].s[j].port &&
                        is_loopback(x)) {
                        found = 1;
                        if (x->pid != hold[h].pid)
                            fail_msg("run %llu: long-lived port %u owned by %ld, not %d",
                                     (unsigned long long)runs, x->port, x->pid, (int)hold[h].pid);
                    }
                }
                if (!found)
                    fail_msg("run %llu: long-lived port %u (ipv%d, pid %d) missing",
                             (unsigned long long)runs, hold[h].s[j].port, hold[h].s[j].family,
                             (int)hold[h].pid);
            }
        jrows_free(&rows);
        hrun_free(&r);
    }

    kill(-mgr, SIGKILL);
    kill(mgr, SIGKILL);
    while (waitpid(mgr, &st, 0) < 0 && errno == EINTR)
        ;
    kill(-mgr, SIGKILL); /* churners and sharers left in the group */
    for (i = 0; i < LONG_LIVED; i++) {
        kill(hold[i].pid, SIGKILL);
        while (waitpid(hold[i].pid, &st, 0) < 0 && errno == EINTR)
            ;
    }
    drain(evp[0]);
    close(evp[0]);

    print_message("stress: %.1f s, %llu CLI runs (mean %.1f ms, max %.1f ms, max RSS %ld KiB), "
                  "%llu rows checked (%llu ours, %llu other or not yet reported, at most %llu "
                  "per run)\n",
                  seconds, (unsigned long long)runs, runs ? sum_ms / (double)runs : 0.0, max_ms,
                  max_rss, (unsigned long long)rows_total, (unsigned long long)rows_ours,
                  (unsigned long long)rows_unknown, (unsigned long long)max_rows);
    print_message("stress: churn: %llu listeners created and closed, %llu processes holding "
                  "one (%llu of them fork()ed sharers), %llu reaped; %d long-lived listeners "
                  "in every run\n",
                  (unsigned long long)(n_births - n_shares), (unsigned long long)n_births,
                  (unsigned long long)n_shares, (unsigned long long)n_reaps, LONG_LIVED * 2);
    free_lives();
    assert_true(runs >= 3);
    assert_true(n_births >= 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(stress)};
    return lsn_test_exit(cmocka_run_group_tests_name("stress", tests, NULL, NULL));
}
