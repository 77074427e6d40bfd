/* thread_holder.c - a listener that /proc/<pid>/fd does not show (issue 15,
 * item 5), for thread_hidden.sh.
 *
 *   thread_holder unshare  a second thread calls unshare(CLONE_FILES), then
 *                          opens the listener: it is only in that thread's
 *                          own fd table, /proc/<pid>/task/<tid>/fd.
 *   thread_holder zombie   a second thread opens the listener, then the
 *                          thread-group leader exits (syscall(SYS_exit, 0)):
 *                          the leader is a zombie, its /proc/<pid>/fd is
 *                          empty, the socket is in task/<tid>/fd.
 *   thread_holder shared THREADS FDS
 *                          the task walk's worst case (thread_shared.sh,
 *                          bench/task_walk.sh): FDS open fds (/dev/null) in
 *                          the one fd table THREADS threads share, and a
 *                          listener held only in flight (sent over a unix
 *                          socket with SCM_RIGHTS, then closed): no fd
 *                          table has it, so the task walk runs and used to
 *                          read the shared table once per thread.
 *
 * Binds 127.0.0.1:0, prints "<port> <tid>\n" on stdout once the listener
 * is up and, for zombie, once the leader is gone (shared: "<port> <pid>\n"
 * once every thread runs), then waits to be killed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int unshare_files;
static int ready[2]; /* the thread tells the leader the listener is up */

static void die(const char *what)
{
    fprintf(stderr, "thread_holder: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void *holder(void *arg)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    char line[64];
    int s, n;
    (void)arg;
    if (unshare_files && unshare(CLONE_FILES) != 0)
        die("unshare(CLONE_FILES)");
    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0)
        die("socket");
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(s, 1) != 0 ||
        getsockname(s, (struct sockaddr *)&sa, &len) != 0)
        die("bind/listen 127.0.0.1:0");
    n = snprintf(line, sizeof line, "%u %ld\n", (unsigned)ntohs(sa.sin_port), (long)gettid());
    if (unshare_files) {
        if (write(1, line, (size_t)n) != n)
            die("write");
    } else {
        if (write(ready[1], line, (size_t)n) != n)
            die("write");
    }
    for (;;)
        pause();
    return NULL;
}

static void *sleeper(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

/* shared THREADS FDS: see the top. */
static int shared(long threads, long fds)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    struct rlimit rl;
    char line[64], cbuf[CMSG_SPACE(sizeof(int))];
    struct msghdr mh;
    struct iovec iov;
    struct cmsghdr *cm;
    int sp[2], s, n;
    long i;
    rl.rlim_cur = rl.rlim_max = (rlim_t)fds + 64;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        die("setrlimit(RLIMIT_NOFILE)");
    for (i = 0; i < fds; i++)
        if (open("/dev/null", O_RDONLY) < 0)
            die("open /dev/null");
    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0)
        die("socket");
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(s, 1) != 0 ||
        getsockname(s, (struct sockaddr *)&sa, &len) != 0)
        die("bind/listen 127.0.0.1:0");
    memset(&mh, 0, sizeof mh);
    memset(cbuf, 0, sizeof cbuf);
    iov.iov_base = line;
    iov.iov_len = 1;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &s, sizeof s);
    if (sendmsg(sp[0], &mh, 0) != 1)
        die("sendmsg SCM_RIGHTS");
    close(s); /* now only in flight, in sp[1]'s receive queue */
    for (i = 0; i < threads; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, sleeper, NULL) != 0)
            die("pthread_create");
    }
    n = snprintf(line, sizeof line, "%u %ld\n", (unsigned)ntohs(sa.sin_port), (long)getpid());
    if (write(1, line, (size_t)n) != n)
        die("write");
    for (;;)
        pause();
    return 0;
}

int main(int argc, char **argv)
{
    pthread_t t;
    char line[64];
    ssize_t n;
    if (argc == 4 && strcmp(argv[1], "shared") == 0)
        return shared(strtol(argv[2], NULL, 10), strtol(argv[3], NULL, 10));
    if (argc != 2 || (strcmp(argv[1], "unshare") != 0 && strcmp(argv[1], "zombie") != 0)) {
        fprintf(stderr, "usage: thread_holder unshare|zombie|shared THREADS FDS\n");
        return 2;
    }
    unshare_files = strcmp(argv[1], "unshare") == 0;
    if (pipe(ready) != 0)
        die("pipe");
    if (pthread_create(&t, NULL, holder, NULL) != 0)
        die("pthread_create");
    if (unshare_files) {
        pthread_join(t, NULL);
        return 0;
    }
    n = read(ready[0], line, sizeof line);
    if (n <= 0)
        die("read");
    /* The leader goes; the holder thread prints once it has gone (it
     * cannot know, so the script checks State: Z itself). The pipe ends
     * are closed first: only the socket stays in the table. */
    close(ready[0]);
    close(ready[1]);
    if (write(1, line, (size_t)n) != n)
        die("write");
    syscall(SYS_exit, 0);
    return 1;
}
