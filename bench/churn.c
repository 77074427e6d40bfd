/* churn.c - the split-read race of issue 15 (item 4), for bench/split_read.sh.
 *
 *   churn [-f fillers] [-k churned] [-p port] [-m burst|one] [-u uid] [-t seconds]
 *
 * Run it in a network namespace of its own (split_read.sh does: unshare -n);
 * it binds 127.0.0.1 only. It makes:
 *  - F filler listeners on 127.0.0.1, ports port+1 .. port+F (default 200),
 *    so that /proc/net/tcp takes several read() calls (~27 lines a read);
 *  - the target: one listener on 127.0.0.1:port with SO_REUSEPORT, held by a
 *    child named (comm) "lsn-target", made first;
 *  - K more SO_REUSEPORT listeners on 127.0.0.1:port (default 40).
 * The listening hash (lhash2) hashes a socket by (netns, address, port), so
 * all K + 1 share one bucket, and __inet_hash puts an IPv4 socket at the
 * head of its bucket: the K are printed before the target. Between two
 * read() calls the kernel resumes at (bucket, offset in bucket)
 * (tcp_seek_last_pos); a socket ahead of the read position that is closed
 * in between moves the target one place towards the head, past the offset.
 * Then it churns: -m burst (default) closes all K and binds them again,
 * over and over; -m one closes and rebinds one at a time, round robin.
 * -u drops to that uid (and gid) before binding anything: the churner
 * needs no privilege. Prints "READY <target pid>" when everything is bound;
 * runs until SIGTERM/SIGINT or -t seconds (default 600), then kills the
 * target (which also dies with it: PR_SET_PDEATHSIG). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_K 4096

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void die(const char *what)
{
    fprintf(stderr, "churn: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* A listener on 127.0.0.1:port (SO_REUSEPORT when reuse), or -1 with errno. */
static int listener(unsigned port, int reuse)
{
    struct sockaddr_in a;
    int one = 1, s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    if ((reuse && setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) ||
        bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 8) != 0) {
        int e = errno;
        close(s);
        errno = e;
        return -1;
    }
    return s;
}

static long arg(const char *opt, const char *v, long lo, long hi)
{
    char *end;
    long n;
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || *end || end == v || n < lo || n > hi) {
        fprintf(stderr, "churn: -%s %s: want a number from %ld to %ld\n", opt, v, lo, hi);
        exit(2);
    }
    return n;
}

int main(int argc, char **argv)
{
    static int k_fd[MAX_K];
    long fillers = 200, k = 40, port = 20000, uid = -1, seconds = 600;
    int burst = 1, c, rp[2];
    pid_t target, me = getpid();
    time_t t_end;
    char b;
    unsigned long cycles = 0;

    while ((c = getopt(argc, argv, "f:k:p:m:u:t:")) != -1) {
        switch (c) {
        case 'f': fillers = arg("f", optarg, 0, 20000); break;
        case 'k': k = arg("k", optarg, 1, MAX_K); break;
        case 'p': port = arg("p", optarg, 1024, 40000); break;
        case 'u': uid = arg("u", optarg, 0, 0x7fffffff); break;
        case 't': seconds = arg("t", optarg, 1, 86400); break;
        case 'm':
            if (strcmp(optarg, "burst") != 0 && strcmp(optarg, "one") != 0) {
                fprintf(stderr, "churn: -m %s: want burst or one\n", optarg);
                return 2;
            }
            burst = strcmp(optarg, "burst") == 0;
            break;
        default:
            fprintf(stderr, "usage: churn [-f fillers] [-k churned] [-p port] [-m burst|one] "
                            "[-u uid] [-t seconds]\n");
            return 2;
        }
    }
    if (port + fillers > 65535) {
        fprintf(stderr, "churn: -p %ld -f %ld: ports past 65535\n", port, fillers);
        return 2;
    }
    if (uid >= 0 && (setgroups(0, NULL) != 0 || setgid((gid_t)uid) != 0 || setuid((uid_t)uid) != 0))
        die("dropping to -u");
    for (long i = 1; i <= fillers; i++)
        if (listener((unsigned)(port + i), 0) < 0)
            die("a filler listener");
    if (pipe2(rp, O_CLOEXEC) != 0)
        die("pipe2");
    target = fork();
    if (target < 0)
        die("fork");
    if (target == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != me)
            _exit(0);
        prctl(PR_SET_NAME, "lsn-target");
        if (listener((unsigned)port, 1) < 0) {
            fprintf(stderr, "churn: the target listener: %s\n", strerror(errno));
            _exit(1);
        }
        b = 'r';
        if (write(rp[1], &b, 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(rp[1]);
    if (read(rp[0], &b, 1) != 1) {
        fprintf(stderr, "churn: the target did not start\n");
        return 1;
    }
    close(rp[0]);
    for (long i = 0; i < k; i++)
        if ((k_fd[i] = listener((unsigned)port, 1)) < 0)
            die("a churned listener");
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGHUP, on_signal);
    printf("READY %d\n", (int)target);
    fflush(stdout);
    t_end = time(NULL) + seconds;
    while (!stop && time(NULL) < t_end) {
        if (burst) {
            for (long i = 0; i < k; i++)
                close(k_fd[i]);
            for (long i = 0; i < k; i++)
                if ((k_fd[i] = listener((unsigned)port, 1)) < 0)
                    die("rebinding a churned listener");
        } else {
            long i = (long)(cycles % (unsigned long)k);
            close(k_fd[i]);
            if ((k_fd[i] = listener((unsigned)port, 1)) < 0)
                die("rebinding a churned listener");
        }
        cycles++;
    }
    kill(target, SIGKILL);
    waitpid(target, NULL, 0);
    fprintf(stderr, "churn: %lu cycles\n", cycles);
    return 0;
}
