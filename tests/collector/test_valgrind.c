/* test_valgrind.c - the CLI under valgrind (memcheck, full leak check) on a
 * fixture tree, on its error paths and on the live /proc: every run must be
 * free of memory errors and leaks (valgrind exits 99 otherwise). Skipped
 * when valgrind is missing or the build uses the sanitizers. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tree_builder.h"

static void vg(const char *a1, const char *a2, const char *a3, const char *a4, int want)
{
    struct run run;
    char *argv[] = {(char *)LISTENERS_VALGRIND, (char *)"--quiet", (char *)"--error-exitcode=99",
                    (char *)"--leak-check=full", (char *)"--show-leak-kinds=all",
                    (char *)"--errors-for-leak-kinds=all", (char *)"--track-fds=yes",
                    (char *)LISTENERS_CLI,
                    /* valgrind's own system calls do not pass the CLI's seccomp filter */
                    (char *)"--no-sandbox", (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL};
    run_argv(&run, argv);
    if (run.status != want) {
        print_error("valgrind listeners %s %s %s %s: status %d (want %d)\n%s\n", a1 ? a1 : "",
                    a2 ? a2 : "", a3 ? a3 : "", a4 ? a4 : "", run.status, want, run.err);
        run_free(&run);
        fail();
    }
    /* --track-fds: no fd but the three standard ones may be open at exit */
    if (strstr(run.err, "FILE DESCRIPTORS:") && !strstr(run.err, "FILE DESCRIPTORS: 3 open")) {
        print_error("fds left open:\n%s\n", run.err);
        run_free(&run);
        fail();
    }
    run_free(&run);
}

static void fixture(void **state)
{
    struct tb t;
    (void)state;
    tb_init(&t);
    tb_tcp(&t, "127.0.0.1", 80, 0x0A, 11);
    tb_tcp(&t, "127.0.0.1", 80, 0x0A, 11);
    tb_tcp(&t, "0.0.0.0", 22, 0x0A, 12);
    tb_tcp_raw(&t, "garbage\n", 8);
    tb_tcp6(&t, "::ffff:127.0.0.1", 443, 0x0A, 13);
    tb_tcp6(&t, "::", 53, 0x0A, 14);
    tb_tables(&t);
    tb_process(&t, 1, "init", (size_t)-1, "/sbin/init", (size_t)-1);
    tb_socket_fd(&t, 1, 3, 12);
    tb_process(&t, 5, "w\x1b\xff", (size_t)-1, "/srv/\xc3\x28 (deleted)", (size_t)-1);
    tb_socket_fd(&t, 5, 3, 11);
    tb_socket_fd(&t, 5, 4, 13);
    tb_process(&t, 6, NULL, 0, NULL, 0);
    tb_socket_fd(&t, 6, 3, 14);
    vg("--proc", t.root, NULL, NULL, 0);
    vg("--proc", t.root, "--pretty", "--stats", 0);
    vg("--proc", t.root, "--format", "table", 0);
    vg("--proc", t.root, "--stats=json", NULL, 0);
    tb_destroy(&t);
    tb_init(&t);
    vg("--proc", t.root, NULL, NULL, 1);           /* no net/tcp */
    vg("--proc", t.root, "--stats=json", NULL, 1); /* the error object */
    tb_destroy(&t);
    vg("--bogus", NULL, NULL, NULL, 2);
}

static void live(void **state)
{
    (void)state;
    vg("--stats", NULL, NULL, NULL, 0);
    vg("--stats=json", "--all-netns", NULL, NULL, 0);
    vg("--format", "table", NULL, NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixture),
        cmocka_unit_test(live),
    };
    if (LISTENERS_VALGRIND_SKIP[0] != '\0') {
        fprintf(stderr, "valgrind: skipped: %s\n", LISTENERS_VALGRIND_SKIP);
        return 77;
    }
    if (access(LISTENERS_VALGRIND, X_OK) != 0) {
        fprintf(stderr, "valgrind: skipped: cannot run %s\n", LISTENERS_VALGRIND);
        return 77;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
