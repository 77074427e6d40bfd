/* loadgen.c - builds a synthetic busy host on loopback only, for bench/run.sh.
 *
 *   loadgen [-P procs] [-L listeners/proc] [-F other fds/proc] [-N holders]
 *           [-E established] [-T time_wait] [-S share-every] [-W workers]
 *           [-p base_port] [-t timeout_s]
 *
 * P listener processes, each with L listening sockets (slot k of the global
 * listener index: k%5 = 0..3 -> 127.0.0.(1..4), 4 -> [::1] (IPV6_V6ONLY);
 * port = base + k/5). Every S-th listener process is an nginx-style master
 * that forks W workers after binding (they share its sockets). Each listener
 * process also holds F other fds: /dev/null, pipes, unix socketpairs.
 * Then N processes holding F such fds and no listener (their pids come
 * after the owners'). Then E established loopback connections (both ends,
 * so 2E lines in /proc/net/tcp), spread over holder processes of at most
 * 9,000 connections each (RLIMIT_NOFILE hard limit is 20,000 here); a
 * holder's own accept socket is closed once its connections are made.
 * Then T TIME_WAIT sockets (active close of a loopback connection; these
 * outlive loadgen by the kernel's 60 s, they hold no fd and no listener).
 *
 * Prints "READY <pids>" on stdout when everything is in place, then holds
 * until SIGTERM/SIGINT/SIGHUP or the timeout, then kills its process group.
 * Every child has PR_SET_PDEATHSIG(SIGKILL), so nothing outlives loadgen
 * even if it is killed with SIGKILL.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define CONNS_PER_HOLDER 9000

static int P = 0, L = 0, F = 0, N = 0, E = 0, T = 0, S = 10, W = 2, TIMEOUT = 600;
static int BASE = 10000;
static int ready_w = -1, g_ready_r = -1;
static pid_t top;

static void die(const char *what)
{
    fprintf(stderr, "loadgen[%d]: %s: %s\n", (int)getpid(), what, strerror(errno));
    if (getpid() != top)
        _exit(1);
    kill(0, SIGKILL);
    _exit(1);
}

static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* In a child: die with the parent. */
static void child_setup(pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(0);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
}

static void tell_ready(void)
{
    char b = 'r';
    while (write(ready_w, &b, 1) < 0 && errno == EINTR)
        ;
    close(ready_w);
    ready_w = -1;
}

static void hold_forever(void)
{
    for (;;)
        pause();
}

static void make_listener(long k)
{
    int slot = (int)(k % 5), port = BASE + (int)(k / 5), one = 1, fd;
    if (port > 32767) {
        errno = ERANGE;
        die("listener port above 32767 (ephemeral range)");
    }
    if (slot < 4) {
        struct sockaddr_in a;
        memset(&a, 0, sizeof a);
        a.sin_family = AF_INET;
        a.sin_port = htons((uint16_t)port);
        a.sin_addr.s_addr = htonl(0x7f000001u + (uint32_t)slot);
        fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
            die("socket");
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0)
            die("bind ipv4");
    } else {
        struct sockaddr_in6 a;
        memset(&a, 0, sizeof a);
        a.sin6_family = AF_INET6;
        a.sin6_port = htons((uint16_t)port);
        a.sin6_addr = in6addr_loopback;
        fd = socket(AF_INET6, SOCK_STREAM, 0);
        if (fd < 0)
            die("socket6");
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0)
            die("bind ipv6");
    }
    if (listen(fd, 16) != 0)
        die("listen");
}

/* F fds: /dev/null, a pipe, a unix socketpair, in turn. */
static void make_other_fds(int f)
{
    int i = 0, kind = 0, p[2];
    while (i < f) {
        if (kind == 0 || f - i < 2) {
            if (open("/dev/null", O_RDONLY) < 0)
                die("open /dev/null");
            i++;
        } else if (kind == 1) {
            if (pipe(p) != 0)
                die("pipe");
            i += 2;
        } else {
            if (socketpair(AF_UNIX, SOCK_STREAM, 0, p) != 0)
                die("socketpair");
            i += 2;
        }
        kind = (kind + 1) % 3;
    }
}

static void listener_proc(int idx)
{
    long k, first = (long)idx * L;
    pid_t me = getpid();
    int w;
    make_other_fds(F);
    for (k = first; k < first + L; k++)
        make_listener(k);
    if (S > 0 && idx % S == 0) {
        for (w = 0; w < W; w++) {
            pid_t c = fork();
            if (c < 0)
                die("fork worker");
            if (c == 0) {
                child_setup(me);
                tell_ready();
                hold_forever();
            }
        }
    }
    tell_ready();
    hold_forever();
}

static void holder_proc(void)
{
    make_other_fds(F);
    tell_ready();
    hold_forever();
}

/* n connections to a private listener on 127.0.1.(h+1):9000; keeps both ends. */
static void conn_holder(int h, int n)
{
    struct sockaddr_in a;
    int one = 1, lfd, i;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    /* A port that changes from run to run (9000-9499), so the TIME_WAIT
     * sockets a previous run left on the same addresses do not use up the
     * ephemeral ports of this 4-tuple space. */
    a.sin_port = htons((uint16_t)(9000 + top % 500));
    a.sin_addr.s_addr = htonl(0x7f000101u + (uint32_t)h);
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0)
        die("socket");
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 4096) != 0)
        die("bind/listen conn holder");
    for (i = 0; i < n; i++) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (c < 0)
            die("socket client");
        if (connect(c, (struct sockaddr *)&a, sizeof a) != 0)
            die("connect");
        if (accept(lfd, NULL, NULL) < 0)
            die("accept");
    }
    close(lfd);
    tell_ready();
    hold_forever();
}

static void make_time_wait(int n)
{
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    int one = 1, lfd, i;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7f0002feu); /* 127.0.2.254, ephemeral port */
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0)
        die("socket");
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 4096) != 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &al) != 0)
        die("bind/listen time_wait");
    for (i = 0; i < n; i++) {
        int c = socket(AF_INET, SOCK_STREAM, 0), s;
        if (c < 0)
            die("socket tw");
        if (connect(c, (struct sockaddr *)&a, sizeof a) != 0)
            die("connect tw");
        s = accept(lfd, NULL, NULL);
        if (s < 0)
            die("accept tw");
        close(c); /* active close: c goes to TIME_WAIT once s closes */
        close(s);
    }
    close(lfd);
}

static volatile sig_atomic_t stop_flag, child_died;
static void on_stop(int sig)
{
    (void)sig;
    stop_flag = 1;
}
static void on_child(int sig)
{
    (void)sig;
    child_died = 1;
}

static pid_t spawn(void (*fn)(int), int arg)
{
    pid_t c = fork();
    if (c < 0)
        die("fork");
    if (c == 0) {
        child_setup(top);
        close(g_ready_r);
        fn(arg);
        _exit(0);
    }
    return c;
}

static int g_conn_n;
static void run_listener(int i)
{
    listener_proc(i);
}
static void run_holder(int i)
{
    (void)i;
    holder_proc();
}
static void run_conn(int h)
{
    conn_holder(h, g_conn_n);
}

int main(int argc, char **argv)
{
    int opt, rp[2], expect = 0, got = 0, i;
    struct sigaction sa;
    char b[256];

    while ((opt = getopt(argc, argv, "P:L:F:N:E:T:S:W:p:t:")) != -1) {
        char *end;
        long lv = 0;
        if (opt != '?') { /* '?': an unknown option or a missing value, no optarg */
            errno = 0;
            lv = strtol(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' || lv < 0 || lv > INT_MAX) {
                fprintf(stderr, "loadgen: -%c wants a whole number from 0 to %d, not '%s'\n", opt,
                        INT_MAX, optarg);
                return 2;
            }
        }
        int v = (int)lv;
        switch (opt) {
        case 'P': P = v; break;
        case 'L': L = v; break;
        case 'F': F = v; break;
        case 'N': N = v; break;
        case 'E': E = v; break;
        case 'T': T = v; break;
        case 'S': S = v; break;
        case 'W': W = v; break;
        case 'p': BASE = v; break;
        case 't': TIMEOUT = v; break;
        default:
            fprintf(stderr, "usage: loadgen [-P n] [-L n] [-F n] [-N n] [-E n] [-T n] [-S every] "
                            "[-W workers] [-p base_port] [-t timeout_s]\n");
            return 2;
        }
    }
    if (F > 19000 || (long)L + F > 19000) {
        fprintf(stderr, "loadgen: L + F must stay below the 20,000 fd limit\n");
        return 2;
    }
    top = getpid();
    if (getpgrp() != top)
        setpgid(0, 0); /* our own group, so the final kill(0) hits only us */
    raise_nofile();
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    sa.sa_handler = on_child;
    sigaction(SIGCHLD, &sa, NULL); /* a child that dies before READY fails the run */
    if (pipe2(rp, O_CLOEXEC) != 0)
        die("pipe");
    ready_w = rp[1];
    g_ready_r = rp[0];
    alarm((unsigned)TIMEOUT); /* also bounds the setup */

    for (i = 0; i < P; i++) {
        spawn(run_listener, i);
        expect += 1 + ((S > 0 && i % S == 0) ? W : 0);
    }
    for (i = 0; i < N; i++) {
        spawn(run_holder, i);
        expect++;
    }
    for (i = 0; E > 0 && i * CONNS_PER_HOLDER < E; i++) {
        int left = E - i * CONNS_PER_HOLDER;
        g_conn_n = left < CONNS_PER_HOLDER ? left : CONNS_PER_HOLDER;
        spawn(run_conn, i);
        expect++;
    }
    close(rp[1]);
    ready_w = -1;
    while (got < expect && !stop_flag && !child_died) {
        ssize_t n = read(rp[0], b, sizeof b);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || stop_flag || child_died) {
            fprintf(stderr, "loadgen: a child failed before it was ready (%d of %d)\n", got,
                    expect);
            kill(0, SIGKILL);
            return 1;
        }
        got += (int)n;
    }
    close(rp[0]);
    signal(SIGCHLD, SIG_DFL);
    if (T > 0)
        make_time_wait(T);
    printf("READY %d\n", expect);
    fflush(stdout);
    alarm((unsigned)TIMEOUT);
    while (!stop_flag)
        pause();
    signal(SIGTERM, SIG_IGN);
    kill(0, SIGTERM); /* children have default SIGTERM: they die */
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    return 0;
}
