/* test_unprivileged.c - run as root, the CLI is run as nobody (setpriv): the
 * listeners of other users come out with pid, comm and exe null, nobody's
 * own come out attributed, and no row is missing. */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
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

static uid_t nobody_uid;
static gid_t nobody_gid;

static int listen_lo(const char *ip, uint16_t *port)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    *port = 0; /* 0 when this fails */
    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    inet_pton(AF_INET, ip, &a.sin_addr);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static void run_as(struct rows *r, int as_nobody)
{
    struct run run;
    if (as_nobody) {
        char *argv[] = {(char *)LISTENERS_SETPRIV, (char *)"--reuid=nobody",
                        (char *)"--regid=nogroup", (char *)"--clear-groups",
                        (char *)LISTENERS_CLI,     NULL};
        run_argv(&run, argv);
    } else {
        run_cli(&run, (char *)NULL);
    }
    if (run.status != 0)
        fail_msg("listeners%s: status %d: %s", as_nobody ? " as nobody" : "", run.status, run.err);
    assert_int_equal(rows_from_json(run.out, r), 0);
    rows_sort(r);
    run_free(&run);
}

static long uid_of(long pid)
{
    char path[64], line[256];
    long uid = -1;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Uid:", 4) == 0) { /* "Uid:\treal\teffective\t...": the real uid */
            char *end;
            long v;
            errno = 0;
            v = strtol(line + 4, &end, 10);
            if (errno == 0 && end != line + 4 && v >= 0)
                uid = v;
            break;
        }
    fclose(f);
    return uid;
}

static void as_nobody(void **state)
{
    uint16_t root_port, nobody_port = 0;
    int root_fd = listen_lo("127.0.0.1", &root_port), p[2], attempt;
    pid_t kid;
    (void)state;
    assert_true(root_fd >= 0);
    /* a listener owned by nobody: a child that drops to nobody first */
    assert_int_equal(pipe(p), 0);
    kid = fork();
    assert_true(kid >= 0);
    if (kid == 0) {
        uint16_t port = 0;
        int fd;
        close(root_fd);
        if (setgroups(0, NULL) != 0 || setgid(nobody_gid) != 0 || setuid(nobody_uid) != 0)
            _exit(1);
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);        /* credential change cleared it */
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); /* likewise: never outlive the test */
        if (getppid() == 1)
            _exit(1);
        prctl(PR_SET_NAME, "lsn-nobody", 0, 0, 0);
        fd = listen_lo("127.0.0.1", &port);
        if (fd < 0 || write(p[1], &port, sizeof port) != (ssize_t)sizeof port)
            _exit(1);
        for (;;)
            pause();
    }
    close(p[1]);
    assert_int_equal(read(p[0], &nobody_port, sizeof nobody_port), (ssize_t)sizeof nobody_port);
    close(p[0]);

    for (attempt = 1; attempt <= 5; attempt++) {
        struct rows r1, n, r2;
        size_t i, missing = 0, extra = 0, wrong = 0, seen_root = 0, seen_nobody = 0;
        run_as(&r1, 0);
        run_as(&n, 1);
        run_as(&r2, 0);
        /* same sockets: every socket in both root runs is in nobody's run, and
         * every socket of nobody's run is in one of the root runs */
        for (i = 0; i < r1.n; i++)
            if (rows_has_socket(&r2, &r1.v[i]) && !rows_has_socket(&n, &r1.v[i]))
                missing++;
        for (i = 0; i < n.n; i++) {
            const struct row *x = &n.v[i];
            if (!rows_has_socket(&r1, x) && !rows_has_socket(&r2, x))
                extra++;
            if (x->pid >= 0 && uid_of(x->pid) != (long)nobody_uid && uid_of(x->pid) != -1)
                wrong++; /* another user's process attributed */
            if (x->pid < 0 && (x->comm[0] || x->exe[0]))
                wrong++;
            if (x->family == 4 && x->port == root_port) {
                seen_root++;
                if (x->pid != -1)
                    wrong++;
            }
            if (x->family == 4 && x->port == nobody_port) {
                seen_nobody++;
                if (x->pid != kid || strcmp(x->comm, "lsn-nobody") != 0)
                    wrong++;
            }
        }
        fprintf(stderr,
                "unprivileged: attempt %d: root %zu rows, nobody %zu rows, %zu missing, "
                "%zu extra, %zu wrong\n",
                attempt, r1.n, n.n, missing, extra, wrong);
        rows_free(&r1);
        rows_free(&r2);
        if (!missing && !extra && !wrong && seen_root == 1 && seen_nobody == 1) {
            rows_free(&n);
            break;
        }
        rows_print("nobody's run", &n);
        rows_free(&n);
        if (attempt == 5)
            fail_msg("the unprivileged run differs");
        sleep(1);
    }
    kill(kid, SIGKILL);
    waitpid(kid, NULL, 0);
    close(root_fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(as_nobody),
    };
    struct passwd *pw;
    struct group *gr;
    struct run run;
    char *argv[] = {(char *)LISTENERS_SETPRIV,
                    (char *)"--reuid=nobody",
                    (char *)"--regid=nogroup",
                    (char *)"--clear-groups",
                    (char *)LISTENERS_CLI,
                    (char *)"--version",
                    NULL};
    if (geteuid() != 0) {
        fprintf(stderr, "unprivileged: not running as root: skipped\n");
        return 77;
    }
    if (LISTENERS_SETPRIV[0] == '\0' || !(pw = getpwnam("nobody")) || !(gr = getgrnam("nogroup"))) {
        fprintf(stderr, "unprivileged: setpriv, user nobody or group nogroup missing: skipped\n");
        return 77;
    }
    nobody_uid = pw->pw_uid;
    nobody_gid = gr->gr_gid;
    run_argv(&run, argv);
    if (run.status != 0) {
        fprintf(stderr, "unprivileged: nobody cannot run %s (%s): skipped\n", LISTENERS_CLI,
                run.err);
        run_free(&run);
        return 77;
    }
    run_free(&run);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
