#!/usr/bin/env python3
"""stats_json.py LISTENERS - --stats=json (issue 19), any user, no network:
on a fixture tree with known table lines the document's counts are the
tree's (lines, bytes, listening, duplicates, malformed, rows, owners, pids,
fd links), parsed strictly (no duplicate key, no NaN, integers for counts
and nanoseconds, one line); every key the contract lists is there; stdout
is the same bytes as without the option; the counts agree with the text
--stats of the same tree (and of a snapshot of this host, when one can be
taken); ports and check take it, snapshot does not; a run stopped before
collecting (--output, the MANIFEST) still ends with the document, collector
null, and --stats with its one line; --stats=xml exits 2
naming the value; a live run's document parses and says procfs."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

L = sys.argv[1]
sys.dont_write_bytecode = True  # no tests/__pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import Checks  # noqa: E402 (tests/checks.py)

check = Checks()


def run(*args):
    p = subprocess.run([L] + list(args), capture_output=True)
    return p.returncode, p.stdout, p.stderr


def no_dup(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key in %r" % keys)
    return dict(pairs)


def bad_constant(c):
    raise ValueError("not JSON: " + c)


def strict(text):
    """The one JSON line of stderr that is the stats document."""
    lines = [x for x in text.split(b"\n") if x.startswith(b'{"collector":')]
    if len(lines) != 1:
        raise ValueError("%d stats lines in %r" % (len(lines), text))
    return json.loads(lines[0].decode("utf-8"), object_pairs_hook=no_dup,
                      parse_constant=bad_constant)


HEADER = b"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"


def line4(sl, hexip, port, inode, state=b"0A"):
    return b"%4d: %s:%04X 00000000:0000 %s 00000000:00000000 00:00000000 00000000     0        0 %d 1 0000000000000000 100 0 0 10 0\n" % (
        sl, hexip, port, state, inode)


def line6(sl, hexip, port, inode):
    return b"%4d: %s:%04X 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 %d 1 0000000000000000 100 0 0 10 0\n" % (
        sl, hexip, port, inode)


def proc(root, pid, comm, links):
    os.makedirs(os.path.join(root, str(pid), "fd"))
    for i, target in enumerate(links):
        os.symlink(target, os.path.join(root.encode(), b"%d/fd/%d" % (pid, 3 + i)))
    with open(os.path.join(root, str(pid), "comm"), "wb") as f:
        f.write(comm + b"\n")
    os.symlink(b"/usr/bin/" + comm, os.path.join(root.encode(), b"%d/exe" % pid))


def tree(root):
    """net/tcp: a header, four LISTEN lines of which one prints an inode
    again (the same socket, a duplicate), an established line and a
    malformed one; net/tcp6: one LISTEN line. Pids 100, 200, 500 hold
    1001, 1002 and 1005; 300 holds none; 1003 has no holder."""
    os.makedirs(os.path.join(root, "net"))
    with open(os.path.join(root, "MANIFEST"), "w") as f:
        f.write("format=listeners-snapshot 1\nbyte_order=little-endian\n")
    t4 = (HEADER + line4(0, b"00000000", 22, 1001) + line4(1, b"0100007F", 8080, 1002) +
          line4(2, b"00000000", 9999, 1003) + line4(3, b"00000000", 22, 1001) +
          line4(4, b"0100007F", 40000, 1004, b"01") + b"   5: not a table line\n")
    with open(os.path.join(root, "net", "tcp"), "wb") as f:
        f.write(t4)
    t6 = HEADER + line6(0, b"00000000000000000000000001000000", 53, 1005)
    with open(os.path.join(root, "net", "tcp6"), "wb") as f:
        f.write(t6)
    proc(root, 100, b"sshd", [b"socket:[1001]"])
    proc(root, 200, b"web", [b"socket:[1002]", b"pipe:[77]"])
    proc(root, 300, b"idle", [b"/dev/null"])
    proc(root, 500, b"dns", [b"socket:[1005]"])
    return len(t4), len(t6)


TABLES = ["net/tcp", "net/tcp6", "net/udp", "net/udp6", "net/raw", "net/raw6", "net/packet"]
TABLE_KEYS = ["asked", "read", "source", "lines", "bytes", "listening", "duplicates", "malformed",
              "stop_allowed", "stopped_early", "stop_line", "short_eof", "truncated", "reads",
              "passes", "max_passes", "added_on_reread", "nanoseconds"]
TOP_KEYS = ["stats_version", "proc_root", "procfs", "status", "partial", "error", "protocols",
            "tables", "listeners", "matchable", "attributed", "unattributed", "inodes_shared",
            "holder_fds", "walk", "netns", "tasks", "nanoseconds"]
WALK_KEYS = ["streamed", "proc_scans", "pids_visited", "pids_unreadable", "pids_denied",
             "pids_exited", "fd_links_read", "socket_links", "stopped_early", "last_pid", "end"]
NETNS_KEYS = ["host_netns", "found", "read", "skipped", "listeners", "pids_no_link",
              "pids_denied", "truncated", "nanoseconds"]
TASK_KEYS = ["ran", "pids_visited", "tasks_visited", "tables_shared", "proc_scans", "attributed",
             "stopped_early", "fd_links_read", "budget", "budget_spent", "nanoseconds"]


def shape_ok(d):
    """Every key of the contract, in its order; integers where counts."""
    c = d["collector"]
    if list(d) != ["collector", "command", "diagnostics", "sandbox", "exit_status"]:
        return "cli keys %r" % list(d)
    if list(d["diagnostics"]) != ["malformed_lines", "table_errors", "process_errors"]:
        return "diagnostics %r" % list(d["diagnostics"])
    if list(d["sandbox"]) != ["seccomp_mode"]:
        return "sandbox %r" % d["sandbox"]
    if list(c) != TOP_KEYS:
        return "collector keys %r" % list(c)
    if list(c["tables"]) != TABLES:
        return "tables %r" % list(c["tables"])
    for name, t in c["tables"].items():
        want = TABLE_KEYS if t["read"] else ["asked", "read"]
        if list(t) != want:
            return "%s keys %r" % (name, list(t))
        for k in want[3:]:
            flag = k in ("stop_allowed", "stopped_early", "short_eof", "truncated")
            if (type(t[k]) is not bool) if flag else (type(t[k]) is not int or t[k] < 0):
                return "%s %s: %r" % (name, k, t[k])
    if list(c["walk"]) != WALK_KEYS:
        return "walk %r" % list(c["walk"])
    if c["netns"] is not None and list(c["netns"]) != NETNS_KEYS:
        return "netns %r" % list(c["netns"])
    if list(c["tasks"]) != (TASK_KEYS if c["tasks"]["ran"] else ["ran"]):
        return "tasks %r" % list(c["tasks"])
    if list(c["nanoseconds"]) != ["walk", "names", "sort", "total"] or not all(
            type(v) is int for v in c["nanoseconds"].values()):
        return "nanoseconds %r" % c["nanoseconds"]
    if list(c["partial"]) != ["size_cap", "out_of_memory"]:
        return "partial %r" % c["partial"]
    return None


def text_numbers(err, root):
    """The counts the text --stats gives, by the same names."""
    e = err.decode("utf-8", "replace")
    out = {}
    sep = "" if root.endswith("/") else "/"
    for name in TABLES:
        m = re.search(r"^stats: %s: (\d+) lines read, (\d+) bytes, (\d+) listening, (\d+) "
                      r"duplicates, (\d+) malformed" % re.escape(root + sep + name), e, re.M)
        if m:
            for k, v in zip(["lines", "bytes", "listening", "duplicates", "malformed"], m.groups()):
                out[name + "." + k] = int(v)
        m = re.search(r"^stats: %s: (\d+) reads? in (\d+) pass" % re.escape(root + sep + name), e,
                      re.M)
        if m:
            out[name + ".reads"], out[name + ".passes"] = int(m.group(1)), int(m.group(2))
    m = re.search(r"^stats: listeners: (\d+) \((\d+) matchable.*\), (\d+) attributed, (\d+) "
                  r"unattributed$", e, re.M)
    for k, v in zip(["listeners", "matchable", "attributed", "unattributed"], m.groups()):
        out[k] = int(v)
    m = re.search(r"^stats: walk: .*, (\d+) directory pass(?:es)?, (\d+) pids visited, (\d+) "
                  r"unreadable, (\d+) exited$", e, re.M)
    for k, v in zip(["proc_scans", "pids_visited", "pids_unreadable", "pids_exited"], m.groups()):
        out["walk." + k] = int(v)
    m = re.search(r"^stats: walk: (\d+) fd links read, (\d+) socket links$", e, re.M)
    out["walk.fd_links_read"], out["walk.socket_links"] = int(m.group(1)), int(m.group(2))
    m = re.search(r"^stats: walk: (\d+) pids refused for lack of privilege", e, re.M)
    out["walk.pids_denied"] = int(m.group(1)) if m else None
    m = re.search(r"^stats: diagnostics: (\d+) malformed lines, (\d+) table errors, (\d+) "
                  r"process errors$", e, re.M)
    for k, v in zip(["malformed_lines", "table_errors", "process_errors"], m.groups()):
        out["diagnostics." + k] = int(v)
    return out


def json_numbers(d, keys):
    c = d["collector"]
    out = {}
    for k in keys:
        if k.startswith("net/"):
            name, field = k.rsplit(".", 1)
            out[k] = c["tables"][name][field]
        elif k.startswith("walk."):
            out[k] = c["walk"][k[5:]]
        elif k.startswith("diagnostics."):
            out[k] = d["diagnostics"][k[12:]]
        else:
            out[k] = c[k]
    return out


with tempfile.TemporaryDirectory() as tmp:
    root = os.path.join(tmp, "tree")
    bytes4, bytes6 = tree(root)
    rc0, out0, err0 = run("--proc", root)
    rc, out, err = run("--proc", root, "--stats=json")
    try:
        d = strict(err)
    except ValueError as e:
        d = None
        check("--stats=json on a tree: one strict JSON line on stderr", False, e)
    if d is not None:
        c = d["collector"]
        check("--stats=json: stdout byte for byte as without it, same exit status",
              out == out0 and rc == rc0 == 0, (rc0, rc, out0, out))
        check("--stats=json: the document is one line, the last of stderr",
              err.endswith(b"\n") and err.rstrip(b"\n").split(b"\n")[-1].startswith(
                  b'{"collector":'), err)
        check("--stats=json: every key of the contract, in order, counts as integers",
              shape_ok(d) is None, shape_ok(d))
        t4, t6 = c["tables"]["net/tcp"], c["tables"]["net/tcp6"]
        want4 = {"asked": True, "read": True, "source": "procfs", "lines": 7, "bytes": bytes4,
                 "listening": 4, "duplicates": 1, "malformed": 1, "stop_allowed": False,
                 "stopped_early": False, "stop_line": 0, "truncated": False, "passes": 1,
                 "max_passes": 4, "added_on_reread": 0}
        check("net/tcp: 7 lines, its bytes, 4 LISTEN lines (1 a duplicate), 1 malformed",
              all(t4[k] == v for k, v in want4.items()), t4)
        check("net/tcp6: 2 lines, its bytes, 1 listening",
              t6["read"] and t6["lines"] == 2 and t6["bytes"] == bytes6 and
              t6["listening"] == 1 and t6["duplicates"] == 0, t6)
        check("tables not asked for are explicit: asked false, read false",
              all(c["tables"][n] == {"asked": False, "read": False} for n in TABLES[2:]),
              c["tables"])
        check("rows: 4 listeners, 4 matchable, 3 attributed, 1 unattributed",
              (c["listeners"], c["matchable"], c["attributed"], c["unattributed"]) == (4, 4, 3, 1),
              c)
        w = c["walk"]
        check("walk: 4 pids visited, 5 fd links read, 3 socket links, none refused, every pid",
              (w["pids_visited"], w["fd_links_read"], w["socket_links"], w["pids_unreadable"],
               w["pids_denied"], w["pids_exited"], w["streamed"], w["stopped_early"],
               w["last_pid"], w["end"]) == (4, 5, 3, 0, 0, 0, False, False, 500, "every_pid"), w)
        check("a tree: procfs false, proc_root as given, status ok, no error, tcp only",
              (c["procfs"], c["proc_root"], c["status"], c["error"], c["protocols"],
               c["partial"], c["netns"], c["holder_fds"]) ==
              (False, root, "ok", None, ["tcp"], {"size_cap": False, "out_of_memory": False},
               None, None), c)
        check("cli keys: command list, 1 malformed line, exit_status 0",
              (d["command"], d["diagnostics"]["malformed_lines"], d["diagnostics"]["table_errors"],
               d["exit_status"]) == ("list", 1, 0, 0), d)
        check("sandbox: the seccomp mode as an integer or null",
              d["sandbox"]["seccomp_mode"] in (None, 0, 1, 2), d["sandbox"])
        check("nanoseconds: total at least walk + sort",
              c["nanoseconds"]["total"] >= c["nanoseconds"]["walk"] + c["nanoseconds"]["sort"],
              c["nanoseconds"])
        rt, outt, errt = run("--proc", root, "--stats")
        tn = text_numbers(errt, root)
        jn = json_numbers(d, tn.keys())
        check("the JSON's counts are the text --stats' of the same tree (%d numbers)" % len(tn),
              tn == jn and len(tn) >= 25, [(k, tn[k], jn[k]) for k in tn if tn[k] != jn[k]])
        rt2, _, errt2 = run("--proc", root, "--stats=text")
        check("--stats=text is --stats",
              re.sub(rb"[0-9.]+ ms", b"", errt2) == re.sub(rb"[0-9.]+ ms", b"", errt), errt2)

    # --all-netns, --holders: the netns object and holder_fds
    rc, out, err = run("--proc", root, "--stats=json", "--holders", "--all-netns")
    try:
        d = strict(err)
        c = d["collector"]
        check("--all-netns --holders: netns an object, holder_fds the socket fds (3)",
              shape_ok(d) is None and c["netns"] is not None and c["holder_fds"] == 3 and
              c["netns"]["pids_no_link"] == 4 and c["netns"]["pids_denied"] == 0,
              (shape_ok(d), c["netns"], c["holder_fds"]))
    except ValueError as e:
        check("--all-netns --holders: strict JSON", False, e)

    # an error: net/tcp missing: exit 1, status error_table, the path named
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty)
    rc, out, err = run("--proc", empty, "--stats=json")
    try:
        d = strict(err)
        c = d["collector"]
        check("net/tcp missing: exit_status 1, status error_table, error names the path",
              rc == 1 and d["exit_status"] == 1 and c["status"] == "error_table" and
              c["error"]["path"] == os.path.join(empty, "net/tcp") and
              c["error"]["errno"] == 2 and shape_ok(d) is None, (rc, d))
        check("net/tcp missing: the walk never ran: end not_run",
              c["walk"]["end"] == "not_run" and c["walk"]["pids_visited"] == 0, c["walk"])
    except ValueError as e:
        check("net/tcp missing: strict JSON", False, e)

    # stopped before collecting: the last line is still the document, with
    # "collector":null and the exit status (an --output in no directory; a
    # MANIFEST that cannot be read, for the list and for check)
    nodir = os.path.join(tmp, "no-such-dir", "x.json")
    badm = os.path.join(tmp, "badmanifest")
    os.makedirs(os.path.join(badm, "net"))
    os.makedirs(os.path.join(badm, "MANIFEST"))
    shutil.copy(os.path.join(root, "net", "tcp"), os.path.join(badm, "net", "tcp"))
    for label, args, want_rc, cmd in (
            ("--output in no directory", ("--proc", root, "--output", nodir), 1, "list"),
            ("a MANIFEST that is a directory", ("--proc", badm), 1, "list"),
            ("check, a MANIFEST that is a directory", ("check", "--proc", badm), 2, "check")):
        rc, out, err = run(*(args + ("--stats=json",)))
        try:
            d = strict(err)
            check("stopped before collecting (%s): the last line, collector null, exit_status %d"
                  % (label, want_rc),
                  rc == want_rc and err.rstrip(b"\n").split(b"\n")[-1].startswith(b'{"collector":null,')
                  and (d["collector"], d["command"], d["exit_status"]) == (None, cmd, want_rc)
                  and list(d) == ["collector", "command", "diagnostics", "sandbox", "exit_status"],
                  (rc, err))
        except ValueError as e:
            check("stopped before collecting (%s): strict JSON" % label, False, e)
        rc, out, err = run(*(args + ("--stats",)))
        check("stopped before collecting (%s), --stats: its one line, last" % label,
              rc == want_rc and err.rstrip(b"\n").split(b"\n")[-1] ==
              b"stats: no collection: the run stopped before it (exit status %d)" % want_rc,
              (rc, err))
    rc, out, err = run("--proc", root, "--output", os.path.join(tmp, "out.json"), "--stats=json")
    try:
        d = strict(err)
        check("--output that works: one document, the child's (collector an object, exit 0)",
              rc == 0 and d["exit_status"] == 0 and d["collector"] is not None, (rc, err))
    except ValueError as e:
        check("--output that works: one strict document", False, e)

    # --output whose rename fails (FILE is a directory): the child collected
    # and gave its document (exit_status 0); the rename error is said, then
    # the last line, collector null and the exit status 1 (docs/contract.md);
    # the text form says the file was not replaced, not "no collection"
    adir = os.path.join(tmp, "adir")
    os.makedirs(adir)
    rc, out, err = run("--proc", root, "--output", adir, "--stats=json")
    docs = [ln for ln in err.split(b"\n") if ln.startswith(b'{"collector":')]
    check("--output whose rename fails: exit 1, the rename said, the child's document, then the last",
          rc == 1 and b"cannot replace it" in err and len(docs) == 2
          and err.rstrip(b"\n").split(b"\n")[-1] == docs[1]
          and json.loads(docs[0])["collector"] is not None and json.loads(docs[0])["exit_status"] == 0
          and json.loads(docs[1])["collector"] is None and json.loads(docs[1])["exit_status"] == 1,
          (rc, err))
    rc, out, err = run("--proc", root, "--output", adir, "--stats")
    check("--output whose rename fails, --stats: the walk's lines, then 'not replaced', no 'no collection'",
          rc == 1 and b"stats: no collection" not in err and b"stats: walk:" in err
          and err.rstrip(b"\n").split(b"\n")[-1] == b"stats: the output file was not replaced (exit status 1)",
          (rc, err))

    # partial: exit status 3 and the reason
    big = os.path.join(tmp, "big")
    os.makedirs(os.path.join(big, "net"))
    with open(os.path.join(big, "net", "tcp"), "wb") as f:
        f.write(HEADER + b"".join(line4(i, b"00000000", 1000 + i, 5000 + i) for i in range(100)))
    rc, out, err = run("--proc", big, "--stats=json", "--max-table-size", "4096")
    try:
        d = strict(err)
        c = d["collector"]
        check("a table over the cap: exit_status 3, status partial, size_cap, truncated",
              rc == 3 and d["exit_status"] == 3 and c["status"] == "partial" and
              c["partial"] == {"size_cap": True, "out_of_memory": False} and
              c["tables"]["net/tcp"]["truncated"] is True, (rc, d))
    except ValueError as e:
        check("partial: strict JSON", False, e)

    # ports and check take it; snapshot does not; a bad value is a usage error
    rc, out, err = run("ports", "--proc", root, "--stats=json")
    try:
        d = strict(err)
        check("ports --stats=json: command ports, stdout the ports trait",
              rc == 0 and d["command"] == "ports" and out == b'{"ports":[22,53,8080,9999]}\n',
              (rc, out, d["command"]))
    except ValueError as e:
        check("ports --stats=json: strict JSON", False, e)
    rc, out, err = run("check", "--proc", root, "--stats=json")
    try:
        d = strict(err)
        check("check --stats=json: command check, the exit status of check",
              d["command"] == "check" and d["exit_status"] == rc, (rc, d["command"]))
    except ValueError as e:
        check("check --stats=json: strict JSON", False, e)
    rc, out, err = run("--proc", root, "--stats=xml")
    check("--stats=xml: exit 2, names the value, nothing on stdout",
          rc == 2 and out == b"" and err.startswith(b"listeners: --stats takes text or json, not "
                                                    b"'xml'\nusage: listeners "), (rc, err))
    rc, out, err = run("--proc", root, "--stats=")
    check("--stats= (empty): exit 2", rc == 2 and b"not ''" in err, (rc, err))
    rc, out, err = run("snapshot", os.path.join(tmp, "s"), "--proc", root, "--stats=json")
    check("snapshot --stats=json: an unknown option of snapshot, exit 2",
          rc == 2 and b"snapshot: unknown option '--stats=json'" in err, (rc, err))

    # a live run: the document parses, procfs true, and when a snapshot of
    # this host can be taken, its text and JSON counts agree
    if os.path.isdir("/proc/self/fd") and os.path.exists("/proc/net/tcp"):
        rc, out, err = run("--stats=json")
        try:
            d = strict(err)
            c = d["collector"]
            check("live: strict JSON, procfs true, exit_status the exit status, shape",
                  c["procfs"] is True and c["proc_root"] == "/proc" and
                  d["exit_status"] == rc and shape_ok(d) is None and
                  c["listeners"] == c["attributed"] + c["unattributed"] and
                  c["tables"]["net/tcp"]["stop_allowed"] is True, (rc, shape_ok(d), d))
        except ValueError as e:
            check("live: strict JSON", False, e)
        snap = os.path.join(tmp, "snap")
        rs, _, es = run("snapshot", snap)
        if rs == 0:
            rt, outt, errt = run("--proc", snap, "--stats")
            rj, outj, errj = run("--proc", snap, "--stats=json")
            tn = text_numbers(errt, snap)
            try:
                jn = json_numbers(strict(errj), tn.keys())
            except ValueError as e:
                jn = {k: str(e) for k in tn}
            check("a snapshot of this host: JSON and text counts agree (%d numbers)" % len(tn),
                  tn == jn and outt == outj, [(k, tn[k], jn[k]) for k in tn if tn[k] != jn[k]])
        else:
            print("note: no snapshot of this host (%s): the live text/JSON comparison is the "
                  "tree's above" % es.decode(errors="replace").strip())
    else:
        print("note: no live procfs here: the live run is not checked")

print("stats_json: %d failure(s)" % check.fails)
sys.exit(1 if check.fails else 0)
