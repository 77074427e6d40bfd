/* tree_builder.h - fixture proc trees for the collector tests, and a runner
 * for the listeners CLI.
 *
 * A tree lives in a mkdtemp directory and is shaped like /proc:
 * net/tcp, net/tcp6, <pid>/fd/<n> symlinks, <pid>/comm, <pid>/exe. Table
 * lines are printed the way the kernel prints them (tcp4_seq_show and
 * tcp6_seq_show of 6.18: tcp padded to 149 columns, tcp6 not), with the
 * addresses in this machine's byte order, so the collector reads them with
 * LSN_ORDER_HOST; tb_init writes a MANIFEST saying so (byte_order=, as
 * `listeners snapshot` does), so the CLI reads them in that order without
 * the warning of a tree that records none. Every builder call aborts the
 * test program on failure.
 */
#ifndef LISTENERS_TESTS_TREE_BUILDER_H
#define LISTENERS_TESTS_TREE_BUILDER_H

#include <stddef.h>
#include <stdint.h>

struct tb {
    char root[256];
    char *tcp; /* table text being built (NULL: the file is not written) */
    size_t tcp_len;
    char *tcp6;
    size_t tcp6_len;
    unsigned sl4, sl6;
};

/* A fresh empty tree under $TMPDIR (or /tmp). */
void tb_init(struct tb *t);
/* Removes the tree and frees t's memory. */
void tb_destroy(struct tb *t);

/* A file at root/rel (parents created) with exactly these bytes. */
void tb_file(struct tb *t, const char *rel, const void *data, size_t len);
void tb_text(struct tb *t, const char *rel, const char *text);
void tb_dir(struct tb *t, const char *rel);
void tb_symlink(struct tb *t, const char *rel, const void *target, size_t len);
void tb_fifo(struct tb *t, const char *rel);

/* A process: <pid>/fd/ and, when not NULL, <pid>/comm (comm_len bytes
 * followed by the kernel's '\n') and the <pid>/exe link (exe_len bytes).
 * Pass (size_t)-1 as a length to use strlen. */
void tb_process(struct tb *t, int pid, const char *comm, size_t comm_len, const char *exe,
                size_t exe_len);
/* <pid>/fd/<fd> -> "socket:[inode]". */
void tb_socket_fd(struct tb *t, int pid, int fd, uint64_t inode);
/* <pid>/fd/<fd> -> target (e.g. "pipe:[12]", "/dev/null"). */
void tb_fd(struct tb *t, int pid, int fd, const char *target);

/* Table lines. ip is text ("127.0.0.1" or "::1"), state 0x0A for LISTEN. The
 * header is added before the first line. tb_*_raw appends bytes verbatim
 * (for malformed lines). tb_tables writes net/tcp and net/tcp6 for the
 * tables that got at least a header (tb_tcp_header / tb_tcp6_header force
 * one with no lines). */
void tb_tcp_header(struct tb *t);
void tb_tcp6_header(struct tb *t);
void tb_tcp(struct tb *t, const char *ip, uint16_t port, unsigned state, uint64_t inode);
void tb_tcp6(struct tb *t, const char *ip, uint16_t port, unsigned state, uint64_t inode);
void tb_tcp_raw(struct tb *t, const char *bytes, size_t len);
void tb_tcp6_raw(struct tb *t, const char *bytes, size_t len);
void tb_tables(struct tb *t);
/* Starts new empty tables (tb_tables keeps the lines, to write them again):
 * a namespace's tables never show another namespace's sockets. */
void tb_tables_clear(struct tb *t);

/* Network namespaces (--all-netns). tb_netns: <pid>/ns/net -> "net:[inode]"
 * (the link text procfs gives; the collector reads the text). tb_self_netns:
 * self/ns/net -> "net:[inode]", the reader's (host) namespace. tb_tables_at
 * writes the tables built so far to dir/net/tcp{,6} (dir: "200" for a
 * process's own tables) and starts new empty ones. */
void tb_netns(struct tb *t, int pid, uint64_t inode);
void tb_self_netns(struct tb *t, uint64_t inode);
void tb_tables_at(struct tb *t, const char *dir);

/* The kernel's line for one socket, into dst (cap >= 256). Returns length. */
size_t tb_tcp_line(char *dst, unsigned sl, const char *ip, uint16_t port, unsigned state,
                   uint64_t inode);

/* ---- running the CLI ---- */

struct run {
    int status; /* exit status, or 128 + signal */
    char *out;  /* stdout bytes, NUL-terminated */
    size_t out_len;
    char *err; /* stderr bytes, NUL-terminated */
    size_t err_len;
};

/* Runs argv[0] with argv (NULL-terminated) and waits. stdin is /dev/null. */
void run_argv(struct run *r, char *const argv[]);
/* Runs the listeners CLI (LISTENERS_CLI) with the arguments, NULL-terminated. */
void run_cli(struct run *r, ...);
void run_free(struct run *r);

/* The JSON text of a string, as the contract escapes it (for expectations
 * built from what a test made, e.g. an exe path). Caller frees. */
char *tb_json(const char *s, size_t len);

#endif
