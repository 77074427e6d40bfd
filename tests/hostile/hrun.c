/* hrun.c - see hrun.h. */
#define _GNU_SOURCE

#include "hrun.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define HRUN_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HRUN_ASAN 1
#endif
#endif
#ifndef HRUN_ASAN
#define HRUN_ASAN 0
#endif

int hrun_sanitized(void)
{
    return HRUN_ASAN;
}

static void die(const char *what)
{
    fprintf(stderr, "hrun: %s: %s\n", what, strerror(errno));
    abort();
}

static int temp_fd(void)
{
    const char *tmp = getenv("TMPDIR");
    char name[512];
    int fd;
    snprintf(name, sizeof name, "%s/lsn-hrun-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    fd = mkstemp(name);
    if (fd < 0)
        die("mkstemp");
    unlink(name);
    return fd;
}

/* The second field of /proc/self/statm (resident pages), in KiB; -1 if unreadable. */
static long self_rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "re");
    char line[128], *p, *end;
    long rss = -1;
    if (!f)
        return -1;
    if (fgets(line, sizeof line, f)) {
        long size;
        errno = 0;
        size = strtol(line, &p, 10); /* total pages, then resident pages */
        if (errno == 0 && p != line && size >= 0) {
            rss = strtol(p, &end, 10);
            if (errno != 0 || end == p)
                rss = -1;
        }
    }
    fclose(f);
    return rss < 0 ? -1 : rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void hrun_argv(struct hrun *r, char *const argv[])
{
    int out = temp_fd(), err = temp_fd(), st;
    struct rusage ru;
    struct stat sb;
    double t0;
    pid_t pid;
    ssize_t got;

    memset(r, 0, sizeof *r);
    r->parent_rss_kib = self_rss_kib();
    t0 = now_ms();
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(126);
        for (int fd = 3; fd < 4096; fd++)
            close(fd);
        if (!HRUN_ASAN) {
            struct rlimit rl = {HRUN_AS_BYTES, HRUN_AS_BYTES};
            if (setrlimit(RLIMIT_AS, &rl) != 0)
                _exit(125);
        }
        alarm(HRUN_TIMEOUT_S);
        execv(argv[0], argv);
        _exit(127);
    }
    while (wait4(pid, &st, 0, &ru) < 0)
        if (errno != EINTR)
            die("wait4");
    r->ms = now_ms() - t0;
    r->maxrss_kib = ru.ru_maxrss;
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);

    if (fstat(out, &sb) != 0)
        die("fstat");
    r->out_len = (size_t)sb.st_size;
    if (r->out_len) {
        void *m = mmap(NULL, r->out_len, PROT_READ, MAP_PRIVATE, out, 0);
        if (m == MAP_FAILED)
            die("mmap");
        r->out = m;
    } else {
        r->out = "";
    }
    close(out);

    if (fstat(err, &sb) != 0)
        die("fstat");
    r->err = malloc((size_t)sb.st_size + 1);
    if (!r->err)
        abort();
    got = pread(err, r->err, (size_t)sb.st_size, 0);
    r->err_len = got > 0 ? (size_t)got : 0;
    r->err[r->err_len] = '\0';
    close(err);
}

void hrun_free(struct hrun *r)
{
    if (r->out_len)
        munmap((void *)(uintptr_t)r->out, r->out_len);
    free(r->err);
    memset(r, 0, sizeof *r);
}
