/* hrun.h - runs the listeners CLI as a child under limits and measures it:
 * RLIMIT_AS (skipped in sanitizer builds: ASan reserves terabytes of shadow
 * address space), a wall-clock limit (alarm(2) armed before execve: SIGALRM
 * kills the CLI even when it is blocked in open or read), wall time and
 * peak RSS (wait4 ru_maxrss). stdout and stderr go to unlinked temp files;
 * stdout is mapped, not copied, so the test's own RSS stays small. */
#ifndef LISTENERS_TESTS_HRUN_H
#define LISTENERS_TESTS_HRUN_H

#include <stddef.h>

#define HRUN_AS_BYTES (256ul << 20)
#define HRUN_TIMEOUT_S 10u

struct hrun {
    int status;          /* exit status, or 128 + signal (142: the wall-clock limit) */
    double ms;           /* wall time */
    long maxrss_kib;     /* peak RSS of the child */
    long parent_rss_kib; /* the test's own RSS at the fork, for context */
    const char *out;     /* stdout bytes (mapped; not NUL-terminated) */
    size_t out_len;
    char *err; /* stderr bytes, NUL-terminated */
    size_t err_len;
};

/* 1 when built with ASan (no address-space limit then). */
int hrun_sanitized(void);

/* Runs argv (argv[0] a path, NULL-terminated). */
void hrun_argv(struct hrun *r, char *const argv[]);
void hrun_free(struct hrun *r);

#endif
