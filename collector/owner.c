/* owner.c - Method step 3: the owner rule, and the owner's comm and exe. */
#define _GNU_SOURCE /* AT_NO_AUTOMOUNT */

#include "internal.h"
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#ifndef AT_NO_AUTOMOUNT
#define AT_NO_AUTOMOUNT 0
#endif

int lsn_owner_better(int32_t cur, int32_t pid)
{
    if (cur < 0)
        return 1;
    if (pid == 1)
        return 0;
    return cur == 1 || pid < cur;
}

/* What was read of a holder. */
struct names {
    char comm[LSN_COMM_MAX + 1];
    size_t comm_len, exe_len;
    int has_comm, has_exe;
    int8_t exe_verified; /* LSN_EXE_* */
};

/* Why the exe link could not be read, in words. ENAMETOOLONG: the path is
 * longer than the kernel will print (a path near PATH_MAX, or one that
 * " (deleted)" pushed past it); the link still leads to the file, so stat
 * through it says whether that file is deleted, the signal the suffix would
 * have carried. */
static const char *exe_error(int pidfd, int err)
{
    struct stat st;
    if (err == EINVAL)
        return "exe is not a symbolic link";
    if (err != ENAMETOOLONG)
        return "cannot read exe link";
    if (fstatat(pidfd, "exe", &st, 0) != 0)
        return "exe link is longer than PATH_MAX (its file could not be stat'ed)";
    return st.st_nlink == 0 ? "exe link is longer than PATH_MAX; its file is DELETED"
                            : "exe link is longer than PATH_MAX; its file exists";
}

/* LSN_OPT_VERIFY_EXE, false: a diagnostic that says why, and that the
 * process is in another mount namespace when <pid>/ns/mnt is known and not
 * the reader's. */
static int8_t exe_mismatch(const struct lsn_run *run, int pidfd, int32_t pid, const char *why)
{
    char path[LSN_PROC_PATH_CAP], msg[200];
    int err = 0;
    uint64_t mnt = run->self_mntns ? lsn_proc_ns(run->proc, pidfd, "ns/mnt", "mnt", &err, NULL) : 0;
    snprintf(msg, sizeof msg, "%s%s (exe_verified false)", why,
             mnt && mnt != run->self_mntns ? "; the process is in another mount namespace" : "");
    lsn_emit(run, LSN_DIAG_PROCESS, lsn_proc_path(path, sizeof path, run->root, pid, "exe"), 0, 0,
             pid, 0, msg);
    return LSN_EXE_MISMATCH;
}

/* LSN_OPT_VERIFY_EXE: is the exe text (exe_buf, len bytes, NUL added here),
 * as a path in the reader's mount namespace, the file <pidfd>/exe leads to?
 * See listeners.h, "Exe verification". */
static int8_t verify_exe(const struct lsn_run *run, int pidfd, int32_t pid, char *exe_buf,
                         size_t len)
{
    static const char deleted[] = " (deleted)";
    char path[LSN_PROC_PATH_CAP], again[LSN_EXE_MAX + 1];
    struct stat running, named;
    ssize_t got;
    int err;

    exe_buf[len] = '\0';
    if (fstatat(pidfd, "exe", &running, 0) != 0) {
        err = errno;
        lsn_emit(run, LSN_DIAG_PROCESS, lsn_proc_path(path, sizeof path, run->root, pid, "exe"), 0,
                 err, pid, 0, "cannot stat the file exe leads to (exe_verified null)");
        return LSN_EXE_UNKNOWN;
    }
    /* The text before the stat may be of another program if the process
     * called execve in between: read it again (the stat of the path below
     * is of the text, so only the link's side can move). */
    got = lsn_proc_read_exe(pidfd, again, sizeof again);
    if (got < 0 || (size_t)got != len || memcmp(again, exe_buf, len) != 0) {
        lsn_emit(run, LSN_DIAG_PROCESS, lsn_proc_path(path, sizeof path, run->root, pid, "exe"), 0,
                 got < 0 ? errno : 0, pid, 0,
                 "exe changed while it was checked (exe_verified null)");
        return LSN_EXE_UNKNOWN;
    }
    if (exe_buf[0] != '/')
        return exe_mismatch(run, pidfd, pid, "exe is not an absolute path");
    if (len >= sizeof deleted - 1 &&
        memcmp(exe_buf + len - (sizeof deleted - 1), deleted, sizeof deleted - 1) == 0)
        return exe_mismatch(run, pidfd, pid, "exe is marked (deleted)");
    if (fstatat(AT_FDCWD, exe_buf, &named, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT) != 0) {
        err = errno;
        if (err == ENOENT || err == ENOTDIR || err == ELOOP || err == ENAMETOOLONG)
            return exe_mismatch(run, pidfd, pid, "exe path names no file here");
        lsn_emit(run, LSN_DIAG_PROCESS, lsn_proc_path(path, sizeof path, run->root, pid, "exe"), 0,
                 err, pid, 0, "cannot stat the exe path (exe_verified null)");
        return LSN_EXE_UNKNOWN;
    }
    if (named.st_dev != running.st_dev || named.st_ino != running.st_ino)
        return exe_mismatch(run, pidfd, pid, "exe path names another file than the one running");
    return LSN_EXE_VERIFIED;
}

/* Reads comm and exe into *nm and exe_buf. 0, or the errno that says the
 * process has exited (ENOENT, ESRCH). Other errors give a diagnostic and a
 * null comm or exe. taskfd (-1: none) is the task/<tid> directory of the
 * thread that holds the sockets: when <pid>/exe answers ENOENT or ESRCH
 * while comm was read, the thread-group leader has exited and left other
 * threads (a zombie leader has no mm, so no exe link), and exe is that
 * thread's, which runs the same program. */
static int read_names(const struct lsn_run *run, int pidfd, int taskfd, int32_t pid,
                      struct names *nm, char *exe_buf)
{
    char path[LSN_PROC_PATH_CAP];
    const char *why = NULL;
    ssize_t got;
    int err = lsn_proc_read_comm(run->proc, pidfd, nm->comm, &nm->comm_len, &why);
    if (err == ENOENT || err == ESRCH)
        return err;
    if (err) /* ELOOP and EINVAL (not a regular file): the message says it all */
        lsn_emit(run, LSN_DIAG_PROCESS, lsn_proc_path(path, sizeof path, run->root, pid, "comm"), 0,
                 err == ELOOP || err == EINVAL ? 0 : err, pid, 0, why);
    else
        nm->has_comm = 1;

    got = lsn_proc_read_exe(pidfd, exe_buf, LSN_EXE_MAX + 1);
    if (got < 0 && (errno == ENOENT || errno == ESRCH) && taskfd >= 0) {
        pidfd = taskfd; /* the leader is gone, the holding thread is not */
        got = lsn_proc_read_exe(pidfd, exe_buf, LSN_EXE_MAX + 1);
    }
    if (got < 0) {
        err = errno;
        if (err == ENOENT || err == ESRCH)
            return err;
        lsn_emit(run, LSN_DIAG_PROCESS, lsn_proc_path(path, sizeof path, run->root, pid, "exe"), 0,
                 err == EINVAL || err == ENAMETOOLONG ? 0 : err, pid, 0, exe_error(pidfd, err));
    } else if (got == 0 || got > LSN_EXE_MAX) {
        lsn_emit(run, LSN_DIAG_PROCESS, lsn_proc_path(path, sizeof path, run->root, pid, "exe"), 0,
                 0, pid, 0, got ? "exe link is longer than 4095 bytes" : "exe link is empty");
    } else {
        nm->has_exe = 1;
        nm->exe_len = (size_t)got;
        if (run->verify_exe)
            nm->exe_verified = verify_exe(run, pidfd, pid, exe_buf, nm->exe_len);
    }
    return 0;
}

/* The copies of comm and exe for the rows and holders of one pid, made
 * when the first one takes them. -1 out of memory. */
static int take_texts(const struct names *nm, const char *exe_buf, char **comm, char **exe)
{
    if (nm->has_comm && !*comm && !(*comm = lsn_text_copy(nm->comm, nm->comm_len)))
        return -1;
    if (nm->has_exe && !*exe && !(*exe = lsn_text_copy(exe_buf, nm->exe_len)))
        return -1;
    return 0;
}

enum lsn_status lsn_owner_claim(const struct lsn_run *run, struct lsn_rows *rows, int pidfd,
                                int taskfd, int32_t pid, const uint32_t *cand, size_t ncand,
                                const struct lsn_held *held, size_t nheld, char *exe_buf)
{
    struct lsn_stats *st = run->stats;
    struct names nm;
    char *comm = NULL, *exe = NULL;
    enum lsn_status rc = LSN_OK;
    uint64_t t0 = lsn_now_ns();
    size_t i;
    int err;

    memset(&nm, 0, sizeof nm);
    err = read_names(run, pidfd, taskfd, pid, &nm, exe_buf);
    st->names_nanoseconds += lsn_now_ns() - t0;
    if (err) {
        char path[LSN_PROC_PATH_CAP];
        st->pids_exited++;
        lsn_emit(run, LSN_DIAG_PROCESS, lsn_proc_path(path, sizeof path, run->root, pid, NULL), 0,
                 err, pid, 0, "process exited before its comm and exe were read");
        return LSN_OK;
    }
    for (i = 0; i < ncand; i++) {
        struct lsn_listener *l = &rows->v[cand[i]];
        if (!lsn_owner_better(l->pid, pid))
            continue;
        if (take_texts(&nm, exe_buf, &comm, &exe) != 0) {
            rc = LSN_ERR_NOMEM;
            break;
        }
        if (l->pid < 0)
            rows->unowned--;
        else
            st->attributed--;
        st->attributed++;
        l->pid = pid;
        lsn_text_release(l->comm);
        lsn_text_release(l->exe);
        l->comm = comm;
        l->comm_len = (uint16_t)(comm ? nm.comm_len : 0);
        l->exe = exe;
        l->exe_len = (uint16_t)(exe ? nm.exe_len : 0);
        l->exe_verified = LSN_EXE_UNKNOWN;
        if (exe)
            l->exe_verified = nm.exe_verified;
        lsn_text_hold(comm);
        lsn_text_hold(exe);
    }
    for (i = 0; i < nheld && rc == LSN_OK; i++) {
        struct lsn_holder h;
        if (take_texts(&nm, exe_buf, &comm, &exe) != 0) {
            rc = LSN_ERR_NOMEM;
            break;
        }
        h.inode = held[i].inode;
        h.pid = pid;
        h.fd = held[i].fd;
        h.comm = comm;
        h.comm_len = (uint16_t)(comm ? nm.comm_len : 0);
        h.exe = exe;
        h.exe_len = (uint16_t)(exe ? nm.exe_len : 0);
        if (lsn_rows_add_holder(rows, &h) != 0)
            rc = LSN_ERR_NOMEM;
    }
    /* copies no row or holder took (out of memory part way) are freed */
    lsn_text_drop(comm);
    lsn_text_drop(exe);
    return rc;
}
