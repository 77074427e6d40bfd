/* host.c - the --host envelope's fields, read under the proc root. See
 * listeners.h (lsn_host_read). */
#define _POSIX_C_SOURCE 200809L

#include "listeners.h"
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Reads at most LSN_HOST_FIELD_MAX bytes of the regular file fd into *f
 * (one trailing '\n' removed) and closes fd; f->has stays 0 on failure. */
static void read_field(int fd, struct lsn_host_field *f)
{
    struct stat st;
    size_t len = 0;
    memset(f, 0, sizeof *f);
    if (fd < 0)
        return;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return;
    }
    while (len < LSN_HOST_FIELD_MAX) {
        ssize_t n = read(fd, f->text + len, LSN_HOST_FIELD_MAX - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            close(fd);
            return;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (len && f->text[len - 1] == '\n')
        len--;
    f->text[len] = '\0';
    f->len = len;
    f->has = 1;
}

void lsn_host_read(const char *proc_root, struct lsn_host *host)
{
    static const int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY;
    struct lsn_proc_root root;
    memset(host, 0, sizeof *host);
    host->collected_at = (int64_t)time(NULL);
    if (lsn_proc_root_open(&root, proc_root ? proc_root : "/proc") == 0) {
        read_field(lsn_proc_open_beneath(&root, root.fd, "sys/kernel/hostname", flags),
                   &host->hostname);
        read_field(lsn_proc_open_beneath(&root, root.fd, "sys/kernel/random/boot_id", flags),
                   &host->boot_id);
        read_field(lsn_proc_open_beneath(&root, root.fd, "sys/kernel/osrelease", flags),
                   &host->kernel_release);
        if (proc_root) /* a tree may carry its host's: never the reader's /etc */
            read_field(lsn_proc_open_beneath(&root, root.fd, "etc/machine-id", flags),
                       &host->machine_id);
        lsn_proc_root_close(&root);
    }
    if (!proc_root) /* /etc/machine-id is a link on some systems: followed */
        read_field(open("/etc/machine-id", flags | O_CLOEXEC), &host->machine_id);
}
