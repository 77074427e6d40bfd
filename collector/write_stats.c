/* write_stats.c - lsn_write_stats_json: what a collection did, as one JSON
 * object for agents (listeners.h; docs/contract.md, "--stats=json"). Every
 * count of struct lsn_stats, under its own name, as JSON integers
 * (nanoseconds too); the shape is the same for every result, so that a
 * schema can name each key. */
#include "listeners.h"
#include "out.h"

#include "json_string.h"

#include <stdlib.h>
#include <string.h>

#define STATS_VERSION 1

/* ,"key":N (first: no comma). */
static void key_u64(struct out *o, const char *key, uint64_t v)
{
    put(o, ",\"", 2);
    puts_(o, key);
    put(o, "\":", 2);
    put_u64(o, v);
}

static void key_bool(struct out *o, const char *key, int v)
{
    put(o, ",\"", 2);
    puts_(o, key);
    puts_(o, v ? "\":true" : "\":false");
}

/* A JSON string of raw bytes (escaped, invalid UTF-8 as U+FFFD, as the
 * rows' comm); -1 out of memory. */
static int put_string(struct out *o, const char *raw)
{
    size_t len = strlen(raw), n = 0;
    char *t = malloc(LSN_JSON_STRING_SIZE(len));
    if (!t)
        return -1;
    lsn_json_string(raw, len, t, LSN_JSON_STRING_SIZE(len), &n);
    put(o, t, n);
    free(t);
    return 0;
}

static const char *const table_names[] = {"net/tcp", "net/tcp6", "net/udp",   "net/udp6",
                                          "net/raw", "net/raw6", "net/packet"};

static const struct lsn_table_stats *table_of(const struct lsn_stats *s, size_t k)
{
    const struct lsn_table_stats *t[] = {&s->tcp, &s->tcp6, &s->udp,   &s->udp6,
                                         &s->raw, &s->raw6, &s->packet};
    return t[k];
}

/* "net/tcp":{...}: "asked" (its protocol was asked for) and "read" always;
 * the counts only when it was read. */
static void put_table(struct out *o, const struct lsn_result *r, size_t k)
{
    const struct lsn_table_stats *t = table_of(&r->stats, k);
    unsigned proto = k < 2 ? 0u : k < 4 ? 1u : k < 6 ? 2u : 3u;
    static const char *const sources[] = {"procfs", "netlink", "netlink_stored"};
    put(o, "\"", 1);
    puts_(o, table_names[k]);
    puts_(o, "\":{\"asked\":");
    puts_(o, r->protocols & (1u << proto) ? "true" : "false");
    key_bool(o, "read", t->read);
    if (t->read) {
        puts_(o, ",\"source\":\"");
        puts_(o, sources[t->netlink >= 0 && t->netlink <= 2 ? t->netlink : 0]);
        put(o, "\"", 1);
        key_u64(o, "lines", t->lines);
        key_u64(o, "bytes", t->bytes);
        key_u64(o, "listening", t->listening);
        key_u64(o, "duplicates", t->duplicates);
        key_u64(o, "malformed", t->malformed);
        key_bool(o, "stop_allowed", t->stop_allowed);
        key_bool(o, "stopped_early", t->stopped_early);
        key_u64(o, "stop_line", t->stop_line);
        key_bool(o, "short_eof", t->short_eof);
        key_bool(o, "truncated", t->truncated);
        key_u64(o, "reads", t->reads);
        key_u64(o, "passes", t->passes);
        key_u64(o, "max_passes", LSN_TABLE_MAX_PASSES);
        key_u64(o, "added_on_reread", t->added_on_reread);
        key_u64(o, "nanoseconds", t->nanoseconds);
    }
    put(o, "}", 1);
}

/* How the walk ended, in the words of the text --stats: "not_run" when
 * the collection stopped before it (the tables failed: every status but
 * ok and partial). */
static const char *walk_end(const struct lsn_result *r)
{
    const struct lsn_stats *s = &r->stats;
    if (r->status != LSN_OK && r->status != LSN_PARTIAL)
        return "not_run";
    if (s->stopped_early)
        return "stopped_early";
    if (s->matchable == 0 && s->inodes_shared == 0)
        return "not_needed_no_inode";
    if (s->matchable == 0)
        return "not_needed_inodes_shared";
    return "every_pid";
}

static const char *status_word(enum lsn_status st)
{
    switch (st) {
    case LSN_OK: return "ok";
    case LSN_UNSUPPORTED: return "unsupported";
    case LSN_PARTIAL: return "partial";
    case LSN_ERR_NOMEM: return "error_nomem";
    case LSN_ERR_TABLE: break;
    }
    return "error_table";
}

static void put_walk(struct out *o, const struct lsn_result *r)
{
    const struct lsn_stats *s = &r->stats;
    puts_(o, ",\"walk\":{\"streamed\":");
    puts_(o, s->streamed ? "true" : "false");
    key_u64(o, "proc_scans", s->proc_scans);
    key_u64(o, "pids_visited", s->pids_visited);
    key_u64(o, "pids_unreadable", s->pids_unreadable);
    key_u64(o, "pids_denied", s->pids_denied);
    key_u64(o, "pids_exited", s->pids_exited);
    key_u64(o, "fd_links_read", s->fd_links_read);
    key_u64(o, "socket_links", s->socket_links);
    key_bool(o, "stopped_early", s->stopped_early);
    puts_(o, ",\"last_pid\":");
    if (s->last_pid >= 0)
        put_u64(o, (uint64_t)s->last_pid);
    else
        puts_(o, "null");
    puts_(o, ",\"end\":\"");
    puts_(o, walk_end(r));
    puts_(o, "\"}");
}

static void put_netns(struct out *o, const struct lsn_result *r)
{
    const struct lsn_stats *s = &r->stats;
    puts_(o, ",\"netns\":");
    if (!r->all_netns) {
        puts_(o, "null");
        return;
    }
    puts_(o, "{\"host_netns\":");
    if (r->host_netns)
        put_u64(o, r->host_netns);
    else
        puts_(o, "null");
    key_u64(o, "found", s->netns_found);
    key_u64(o, "read", s->netns_read);
    key_u64(o, "skipped", s->netns_skipped);
    key_u64(o, "listeners", s->netns_listening);
    key_u64(o, "pids_no_link", s->netns_no_link);
    key_u64(o, "pids_denied", s->netns_denied);
    key_u64(o, "truncated", s->netns_truncated);
    key_u64(o, "nanoseconds", s->netns_nanoseconds);
    put(o, "}", 1);
}

static void put_tasks(struct out *o, const struct lsn_stats *s)
{
    puts_(o, ",\"tasks\":{\"ran\":");
    puts_(o, s->task_walk ? "true" : "false");
    if (s->task_walk) {
        key_u64(o, "pids_visited", s->task_pids_visited);
        key_u64(o, "tasks_visited", s->tasks_visited);
        key_u64(o, "tables_shared", s->task_tables_shared);
        key_u64(o, "proc_scans", s->task_proc_scans);
        key_u64(o, "attributed", s->task_attributed);
        key_bool(o, "stopped_early", s->task_stopped_early);
        key_u64(o, "fd_links_read", s->task_fd_links_read);
        key_u64(o, "budget", s->task_budget);
        key_bool(o, "budget_spent", s->task_budget_spent);
        key_u64(o, "nanoseconds", s->task_walk_nanoseconds);
    }
    put(o, "}", 1);
}

/* The whole object, gathered before the caller's sink sees a byte (see
 * lsn_write_stats_json). */
struct whole {
    char *buf;
    size_t len, cap;
};

static int to_whole(void *ctx, const char *buf, size_t len)
{
    struct whole *w = ctx;
    if (len > w->cap - w->len) {
        size_t ncap = w->cap * 2 > w->len + len ? w->cap * 2 : w->len + len;
        char *nb = realloc(w->buf, ncap);
        if (!nb)
            return -1;
        w->buf = nb;
        w->cap = ncap;
    }
    memcpy(w->buf + w->len, buf, len);
    w->len += len;
    return 0;
}

/* The object into sink, flushed as it grows; -1 out of memory (a part may
 * have been flushed). */
static int write_stats(const struct lsn_result *r, const char *proc_root, lsn_sink_fn sink,
                       void *ctx)
{
    const struct lsn_stats *s = &r->stats;
    struct out o;
    int nomem = 0;
    if (start(&o, sink, ctx) != 0)
        return -1;
    puts_(&o, "{\"stats_version\":");
    put_u64(&o, STATS_VERSION);
    puts_(&o, ",\"proc_root\":");
    nomem |= put_string(&o, proc_root ? proc_root : "/proc");
    key_bool(&o, "procfs", r->procfs);
    puts_(&o, ",\"status\":\"");
    puts_(&o, status_word(r->status));
    puts_(&o, "\",\"partial\":{\"size_cap\":");
    puts_(&o, r->partial & LSN_PARTIAL_SIZE_CAP ? "true" : "false");
    key_bool(&o, "out_of_memory", (r->partial & LSN_PARTIAL_NOMEM) != 0);
    puts_(&o, "},\"error\":");
    if (r->status == LSN_OK || r->status == LSN_PARTIAL) {
        puts_(&o, "null");
    } else {
        puts_(&o, "{\"message\":");
        nomem |= put_string(&o, r->error_message ? r->error_message : "");
        puts_(&o, ",\"path\":");
        if (r->error_path)
            nomem |= put_string(&o, r->error_path);
        else
            puts_(&o, "null");
        key_u64(&o, "errno", (uint64_t)(r->error > 0 ? r->error : 0));
        put(&o, "}", 1);
    }
    puts_(&o, ",\"protocols\":[");
    for (unsigned p = 0, n = 0; p < LSN_PROTO_COUNT; p++) {
        if (!(r->protocols & (1u << p)))
            continue;
        puts_(&o, n++ ? ",\"" : "\"");
        puts_(&o, lsn_protocol_name((enum lsn_protocol)p));
        put(&o, "\"", 1);
    }
    puts_(&o, "],\"tables\":{");
    for (size_t k = 0; k < sizeof table_names / sizeof table_names[0]; k++) {
        if (k)
            put(&o, ",", 1);
        put_table(&o, r, k);
    }
    put(&o, "}", 1);
    key_u64(&o, "listeners", s->listeners);
    key_u64(&o, "matchable", s->matchable);
    key_u64(&o, "attributed", s->attributed);
    key_u64(&o, "unattributed", s->listeners - s->attributed);
    key_u64(&o, "inodes_shared", s->inodes_shared);
    puts_(&o, ",\"holder_fds\":");
    if (r->flags & LSN_OPT_HOLDERS)
        put_u64(&o, r->nholders);
    else
        puts_(&o, "null");
    put_walk(&o, r);
    put_netns(&o, r);
    put_tasks(&o, s);
    puts_(&o, ",\"nanoseconds\":{\"walk\":");
    put_u64(&o, s->walk_nanoseconds);
    key_u64(&o, "names", s->names_nanoseconds);
    key_u64(&o, "sort", s->sort_nanoseconds);
    key_u64(&o, "total", s->total_nanoseconds);
    puts_(&o, "}}");
    if (nomem) {
        free(o.buf);
        return -1;
    }
    return finish(&o);
}

/* One object or nothing: it is written whole into memory first (a few KiB;
 * more only for long paths), then handed to the sink in one call, so that
 * out of memory part way (an escaped path) leaves the sink without half a
 * document for a caller to append to. */
int lsn_write_stats_json(const struct lsn_result *r, const char *proc_root, lsn_sink_fn sink,
                         void *ctx)
{
    struct whole w = {NULL, 0, 0};
    int rc = write_stats(r, proc_root, to_whole, &w);
    if (rc == 0)
        rc = sink(ctx, w.buf, w.len);
    free(w.buf);
    return rc;
}
