/* test_ss.c - differential test against `ss -ltnpH` (iproute2): the same set
 * of (family, address, port, owner under the contract's rule) for every
 * listener on the host. ss reads sock_diag netlink, we read /proc/net/tcp*,
 * so this checks the tables and the owner walk against an independent
 * reader. Listeners come and go on a busy host: a row only counts as a
 * disagreement when it disagrees with both of our runs around ss's run, and
 * the whole comparison is retried a few times. */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rows.h"
#include "tree_builder.h"

static int open_listener(int family, const char *ip, int v6only)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(&ss, 0, sizeof ss);
    if (fd < 0)
        return -1;
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
        a->sin6_family = AF_INET6;
        inet_pton(AF_INET6, ip, &a->sin6_addr);
        len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        inet_pton(AF_INET, ip, &a->sin_addr);
        len = sizeof *a;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 4) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void ours(struct rows *r)
{
    struct run run;
    run_cli(&run, (char *)NULL);
    assert_int_equal(run.status, 0);
    assert_int_equal(rows_from_json(run.out, r), 0);
    rows_sort(r);
    run_free(&run);
}

static void theirs(struct rows *r)
{
    struct run run;
    char *argv[] = {(char *)LISTENERS_SS, (char *)"-ltnpH", NULL};
    run_argv(&run, argv);
    assert_int_equal(run.status, 0);
    assert_int_equal(rows_from_ss(run.out, r), 0);
    rows_sort(r);
    run_free(&run);
}

static void same_as_ss(void **state)
{
    int attempt, fds[4], nfd = 0, i;
    pid_t kid;
    (void)state;
    /* a few listeners of our own, one shared with a child */
    fds[nfd++] = open_listener(AF_INET, "127.0.0.1", 1);
    fds[nfd++] = open_listener(AF_INET6, "::1", 1);
    fds[nfd++] = open_listener(AF_INET6, "::ffff:127.0.0.1", 0);
    fds[nfd++] = open_listener(AF_INET, "127.0.0.4", 1);
    kid = fork();
    assert_true(kid >= 0);
    if (kid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        for (;;)
            pause();
    }
    for (attempt = 1; attempt <= 5; attempt++) {
        struct rows a1, s, a2, d1 = {0}, d2 = {0}, bad = {0};
        size_t k;
        ours(&a1);
        theirs(&s);
        ours(&a2);
        /* a row of ss that neither of our runs has, or a row that both our
         * runs have and ss has not */
        rows_minus(&s, &a1, &d1);
        rows_sort(&d1);
        rows_minus(&d1, &a2, &bad);
        rows_minus(&a1, &s, &d2);
        rows_sort(&d2);
        for (k = 0; k < d2.n; k++) {
            struct rows one = {&d2.v[k], 1}, left = {0};
            rows_minus(&one, &a2, &left);
            if (left.n == 0) { /* in both our runs, not in ss */
                struct row *x = realloc(bad.v, (bad.n + 1) * sizeof *x);
                assert_non_null(x);
                bad.v = x;
                bad.v[bad.n++] = d2.v[k];
            }
            rows_free(&left);
        }
        fprintf(stderr, "ss: attempt %d: ours %zu rows, ss %zu rows, %zu disagreements\n", attempt,
                a1.n, s.n, bad.n);
        if (bad.n == 0) {
            assert_true(s.n >= (size_t)nfd);
            rows_free(&a1);
            rows_free(&s);
            rows_free(&a2);
            rows_free(&d1);
            rows_free(&d2);
            break;
        }
        rows_print("disagreements", &bad);
        if (attempt == 5) {
            rows_print("ss", &s);
            rows_print("ours", &a1);
            fail_msg("listeners and ss -ltnpH disagree");
        }
        rows_free(&a1);
        rows_free(&s);
        rows_free(&a2);
        rows_free(&d1);
        rows_free(&d2);
        rows_free(&bad);
        sleep(1);
    }
    kill(kid, SIGKILL);
    waitpid(kid, NULL, 0);
    for (i = 0; i < nfd; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_as_ss),
    };
    if (LISTENERS_SS[0] == '\0' || access(LISTENERS_SS, X_OK) != 0) {
        fprintf(stderr, "ss: not installed (iproute2): skipped\n");
        return 77;
    }
    if (access("/proc/net/tcp", R_OK) != 0) {
        fprintf(stderr, "ss: /proc/net/tcp not readable: skipped\n");
        return 77;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
