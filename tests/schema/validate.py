#!/usr/bin/python3
"""validate.py LISTENERS SCHEMA_DIR - every JSON document the tool prints,
validated against its schema in docs/schema/ (issue 20).

Real outputs: fixture trees built here (every protocol, holders, uid,
--all-netns, hostile bytes, a partial result, a tree and its changed next
tick) run through the list (trait, --pretty, every option, --host, ndjson),
ports, diff --format json and watch; then, as root in a network namespace of
its own (unshare -n), live sockets: the list with each option, ndjson,
--host, ports, check --format json (live and on a snapshot with a line
deleted and one fabricated), snapshot. Each schema must have validated at
least one document; the counts are printed.

Then the schemas are shown strict on those same documents: an extra key put
into each object of a document (one per shape) must fail, and so must each
key taken out, except the keys the schema says are optional (OPTIONAL).
A few values out of type or range must fail too.

Needs the Python jsonschema package (Debian: python3-jsonschema, in .ci/deps
check): without it, a stated skip (77). Run with /usr/bin/python3, the
interpreter Debian's package is for. Without root, or where unshare -n is
refused, the live part is skipped and said; the fixture part still runs.

Adding a document kind (e.g. --stats=json): put NAME.schema.json in
docs/schema/, and call doc("NAME", label, text) on real outputs below."""
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError:
    # Debian's package is for /usr/bin/python3; another python3 (pyenv) found
    # first on PATH lacks it: that one is tried once.
    if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") \
            and os.access("/usr/bin/python3", os.X_OK) and not os.environ.get("LSN_SCHEMA_REEXEC"):
        os.environ["LSN_SCHEMA_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("skipped: the Python jsonschema package is not installed for %s%s "
          "(Debian: apt-get install python3-jsonschema; .ci/deps check installs it)"
          % (sys.executable, "" if sys.executable == "/usr/bin/python3" else " nor /usr/bin/python3"))
    sys.exit(77)

L = sys.argv[1]
SCHEMA_DIR = sys.argv[2]
sys.dont_write_bytecode = True  # no tests/__pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import Checks  # noqa: E402 (tests/checks.py)

check = Checks()

# The live part runs in a network namespace of its own: as root, the whole
# test again under unshare -n (LSN_SCHEMA_NETNS says it is there).
LIVE = os.environ.get("LSN_SCHEMA_NETNS") == "1"
if not LIVE and os.geteuid() == 0 and subprocess.run(["unshare", "-n", "true"]).returncode == 0:
    os.execvp("unshare", ["unshare", "-n", "env", "LSN_SCHEMA_NETNS=1", sys.executable] + sys.argv)


# ---- the schemas ----

SCHEMAS = {}
for fn in sorted(os.listdir(SCHEMA_DIR)):
    if fn.endswith(".schema.json"):
        with open(os.path.join(SCHEMA_DIR, fn)) as f:
            SCHEMAS[fn[:-len(".schema.json")]] = json.load(f)
check("docs/schema has the schemas", {"common", "trait", "list", "list-ndjson", "host", "ports",
                                      "diff", "check", "watch", "stats"} <= set(SCHEMAS), sorted(SCHEMAS))
FORMATS = getattr(Draft202012Validator, "FORMAT_CHECKER", None) or jsonschema.draft202012_format_checker
print("format checker: %s%s" % (", ".join(sorted(FORMATS.checkers)), "" if "date-time" in FORMATS.checkers
                                else " (not date-time: its pattern checks it)"))


def make_validators():
    try:  # jsonschema 4.18 and later
        from referencing import Registry, Resource
        reg = Registry().with_resources(
            [(s["$id"], Resource.from_contents(s)) for s in SCHEMAS.values()])
        return {n: Draft202012Validator(s, registry=reg, format_checker=FORMATS) for n, s in SCHEMAS.items()}
    except ImportError:  # Debian 12's 4.10
        store = {s["$id"]: s for s in SCHEMAS.values()}
        return {n: Draft202012Validator(s, format_checker=FORMATS,
                                        resolver=jsonschema.RefResolver(s["$id"], s, store=store))
                for n, s in SCHEMAS.items()}


for n, s in SCHEMAS.items():
    try:
        Draft202012Validator.check_schema(s)
        check("%s.schema.json is a valid draft 2020-12 schema" % n,
              s.get("$schema") == "https://json-schema.org/draft/2020-12/schema"
              and s.get("$id", "").endswith("/%s.schema.json" % n), s.get("$id"))
    except jsonschema.SchemaError as e:
        check("%s.schema.json is a valid draft 2020-12 schema" % n, False, e)
V = make_validators()

COUNTS = {n: 0 for n in SCHEMAS if n != "common"}
SAMPLES = {n: [] for n in COUNTS}  # (label, document) for the strictness checks


def errors(name, d):
    return sorted(V[name].iter_errors(d), key=lambda e: list(e.absolute_path))


def doc(name, label, text):
    """Validates each document of text (JSON, or NDJSON for the line
    schemas) against schema name; counts it."""
    text = text.decode() if isinstance(text, bytes) else text
    line_schemas = ("list-ndjson", "watch")
    docs = [ln for ln in text.split("\n") if ln] if name in line_schemas else [text]
    if not docs:
        check("%s: %s: some output" % (name, label), False, repr(text))
        return
    bad = []
    for t in docs:
        try:
            d = json.loads(t)
        except ValueError as e:
            bad.append("not JSON: %s: %r" % (e, t[:200]))
            continue
        errs = errors(name, d)
        if errs:
            e = jsonschema.exceptions.best_match(errs)  # inside oneOf: the likeliest branch's error
            bad.append("%s at %s: %s" % (e.message[:300], list(e.absolute_path), t[:300]))
        else:
            COUNTS[name] += 1
            SAMPLES[name].append((label, d))
    check("%s: %s (%d document%s)" % (name, label, len(docs), "" if len(docs) == 1 else "s"),
          not bad, "\n     ".join(bad[:3]))


def run(*args, ok=(0,)):
    p = subprocess.run([L] + [str(a) for a in args], capture_output=True, timeout=120)
    if p.returncode not in ok:
        check("listeners %s: exit %s" % (" ".join(map(str, args)), ok), False,
              "exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace")[:500]))
    return p.stdout


def stats(label, *args, ok=(0,)):
    """--stats=json's line (the last of stderr) of a run, validated."""
    p = subprocess.run([L] + [str(a) for a in args] + ["--stats=json"], capture_output=True, timeout=120)
    if p.returncode not in ok:
        check("listeners %s --stats=json: exit %s" % (" ".join(map(str, args)), ok), False,
              "exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace")[-500:]))
    lines = p.stderr.decode(errors="replace").rstrip("\n").split("\n")
    doc("stats", label, lines[-1])


# ---- fixture trees ----

TCP_HEADER = b"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
UDP_HEADER = b"   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
DGRAM6_HEADER = b"  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
PACKET_HEADER = b"sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n"
ZERO4, ZERO6 = b"00000000", b"0" * 32


def tcp_line(sl, hexip, port, inode, uid=0):
    rem = ZERO6 if len(hexip) == 32 else ZERO4
    return b"%4d: %s:%04X %s:0000 0A 00000000:00000000 00:00000000 00000000 %5d        0 %d 1 0000000000000000 100 0 0 10 0\n" % (
        sl, hexip, port, rem, uid, inode)


def dgram_line(sl, hexip, port, inode, st=b"07", uid=0, rem=None, rport=0):
    rem = rem or (ZERO6 if len(hexip) == 32 else ZERO4)
    return b"%5d: %s:%04X %s:%04X %s 00000000:00000000 00:00000000 00000000 %5d        0 %d 2 0000000000000000 0\n" % (
        sl, hexip, port, rem, rport, st, uid, inode)


def packet_line(proto, ifindex, inode, uid=0):
    return b"0000000000000000 3      3    %04x   %-5d 1 0      %-6d %-6d\n" % (proto, ifindex, uid, inode)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def proc(root, pid, comm, exe, inodes, netns=None):
    os.makedirs(os.path.join(root, str(pid), "fd"), exist_ok=True)
    for i, ino in enumerate(inodes):
        os.symlink(b"socket:[%d]" % ino, os.path.join(root.encode(), b"%d/fd/%d" % (pid, 3 + i)))
    write(os.path.join(root, str(pid), "comm"), comm + b"\n")
    os.symlink(exe, os.path.join(root.encode(), b"%d/exe" % pid))
    if netns:
        os.makedirs(os.path.join(root, str(pid), "ns"), exist_ok=True)
        os.symlink("net:[%d]" % netns, os.path.join(root, str(pid), "ns", "net"))


HOST_NS, OTHER_NS = 4026531840, 4026532999


def tree(root, nxt=False, extra=0):
    """Every protocol's rows, holders, uids, hostile bytes, two network
    namespaces. nxt: the next tick, with one change of every kind that diff
    and watch report (rows removed and added, another owner, the same pid's
    other exe and comm, another uid, holder set and interface name, an owner
    gone). extra: that many more unowned tcp rows (a table over 4 KiB)."""
    write(os.path.join(root, "MANIFEST"), b"format=listeners-snapshot 1\nbyte_order=little-endian\n")
    t4 = [tcp_line(0, b"00000000", 22, 1001), tcp_line(1, b"0100007F", 8080, 1002, 1001 if nxt else 1000)]
    t4.append(tcp_line(2, b"00000000", 25, 1007) if nxt else tcp_line(2, b"00000000", 9999, 1006))
    t4 += [tcp_line(3 + k, b"00000000", 10000 + k, 6000 + k) for k in range(extra)]
    write(os.path.join(root, "net", "tcp"), TCP_HEADER + b"".join(t4))
    write(os.path.join(root, "net", "tcp6"), TCP_HEADER + tcp_line(0, b"0000000000000000FFFF00000500000A", 443, 1003)
          + tcp_line(1, b"00000000000000000000000001000000", 53, 1005))
    write(os.path.join(root, "net", "udp"), UDP_HEADER + dgram_line(0, b"00000000", 53, 2001)
          + dgram_line(1, b"0100007F", 40000, 2003, st=b"01", rem=b"0100007F", rport=9))  # connected: no row
    write(os.path.join(root, "net", "udp6"), DGRAM6_HEADER + dgram_line(0, ZERO6, 5353, 2002, uid=65534))
    write(os.path.join(root, "net", "raw"), UDP_HEADER + dgram_line(0, ZERO4, 1, 3001))
    write(os.path.join(root, "net", "raw6"), DGRAM6_HEADER + dgram_line(0, ZERO6, 58, 3002))
    write(os.path.join(root, "net", "packet"), PACKET_HEADER + packet_line(3, 0, 4001)
          + packet_line(0x0800, 2, 4002) + packet_line(0x0806, 7, 4003) + packet_line(0x0800, -1, 4004))
    write(os.path.join(root, "sys", "class", "net", "eth1" if nxt else "eth0", "ifindex"), b"2\n")
    write(os.path.join(root, "sys", "kernel", "hostname"), b'h"o\\s\x1bt\nx\xff\xe2\x80\xae\n')
    write(os.path.join(root, "sys", "kernel", "random", "boot_id"), b"0f1e2d3c-0000-4000-8000-123456789abc\n")
    write(os.path.join(root, "sys", "kernel", "osrelease"), b"6.1.0-test\n")
    write(os.path.join(root, "etc", "machine-id"), b"0123456789abcdef0123456789abcdef\n")
    os.makedirs(os.path.join(root, "self", "ns"))
    os.symlink("net:[%d]" % HOST_NS, os.path.join(root, "self", "ns", "net"))
    proc(root, 101 if nxt else 100, b"sshd", b"/usr/sbin/sshd", [1001], HOST_NS)
    proc(root, 200, b"web", b"/opt/web/bin/web", [1002], HOST_NS)
    if not nxt:
        proc(root, 300, b"worker", b"/opt/web/bin/worker", [1002], HOST_NS)  # a holder, not the owner
        proc(root, 500, b"d\xffns", b"/usr/bin/d\xffns", [1005, 2001, 2002], HOST_NS)
    else:
        proc(root, 800, b"smtpd", b"/usr/sbin/smtpd", [1007], HOST_NS)
        proc(root, 500, b"d\xffns", b"/usr/bin/d\xffns", [2001, 2002], HOST_NS)  # 1005 has no owner now
    proc(root, 400, b"nginx", b"/usr/sbin/nginx-new" if nxt else b"/usr/sbin/nginx", [1003], HOST_NS)
    proc(root, 600, b"pinger2" if nxt else b"pinger", b"/usr/bin/ping", [3001, 3002], HOST_NS)
    proc(root, 700, b"bpf\x1bdoor", b"/tmp/x (deleted)", [4001, 4002, 4003, 4004], HOST_NS)
    # another network namespace, its tables under its lowest member
    proc(root, 900, b"container", b"/usr/bin/containerd-shim", [5001], OTHER_NS)
    write(os.path.join(root, "900", "net", "tcp"), TCP_HEADER + tcp_line(0, b"0100007F", 6379, 5001))
    write(os.path.join(root, "900", "net", "tcp6"), TCP_HEADER)


def edit_rows(text, fn):
    d = json.loads(text)
    for r in d["listeners"]["listeners"]:
        fn(r)
    return json.dumps(d).encode()


tmp = tempfile.mkdtemp()
try:
    A, B, C = os.path.join(tmp, "a"), os.path.join(tmp, "b"), os.path.join(tmp, "c")
    tree(A)
    tree(B, nxt=True)
    tree(C, extra=40)
    OPTS = [[], ["--holders"], ["--uid"], ["--verify-exe"], ["--all-netns"],
            ["--holders", "--uid", "--verify-exe", "--all-netns"]]

    # the trait: the default output, nothing beyond it
    for t in (A, B):
        out = run("--proc", t)
        doc("trait", "default output of a fixture tree", out)
        doc("list", "default output of a fixture tree", out)
        out = run("--proc", t, "--pretty")
        doc("trait", "--pretty", out)
        doc("list", "--pretty", out)
    doc("trait", "--port 22 --comm sshd", run("--proc", A, "--port", "22", "--comm", "sshd"))
    doc("trait", "a filter that selects nothing", run("--proc", A, "--port", "1"))
    # written by collector/write.c for LSN_UNSUPPORTED (no procfs): these
    # bytes are pinned by tests/collector/test_library.c (writers)
    doc("trait", "no procfs (the writer's bytes)", '{"listeners":null}\n')
    doc("list", "no procfs (the writer's bytes)", '{"listeners":null}\n')
    doc("ports", "no procfs (the contract's bytes)", '{"ports":null}\n')

    # the list with every option and protocol, JSON and NDJSON, --host
    for protos in ("tcp", "udp", "raw", "packet", "all"):
        for o in OPTS:
            args = ["--proc", A, "--protocols", protos] + o
            label = " ".join(["--protocols", protos] + o)
            doc("list", label, run(*args))
            doc("list-ndjson", label, run(*args, "--format", "ndjson"))
        doc("list", "--protocols %s --host" % protos, run("--proc", A, "--protocols", protos, "--host"))
        doc("list", "--protocols %s --host --pretty --holders" % protos,
            run("--proc", A, "--protocols", protos, "--host", "--pretty", "--holders"))
        doc("list-ndjson", "--protocols %s --host --uid --all-netns" % protos,
            run("--proc", B, "--protocols", protos, "--host", "--format", "ndjson", "--uid", "--all-netns"))
        doc("ports", "--protocols " + protos, run("ports", "--proc", A, "--protocols", protos))
    doc("host", "--host's envelope", json.dumps(json.loads(run("--proc", A, "--host"))["host"]))
    for line in run("--proc", A, "--host", "--format", "ndjson").split(b"\n")[:2]:
        doc("host", "an NDJSON line's host", json.dumps(json.loads(line)["host"]))
    doc("list-ndjson", "--address 10.0.0.5 (row ::ffff:10.0.0.5) --pid 400", run("--proc", A, "--format", "ndjson",
                                                                  "--address", "10.0.0.5", "--pid", "400"))
    # a partial result: the cap (4 KiB, the least) cuts net/tcp (exit 3)
    small = ["--proc", C, "--max-table-size", "4096"]
    doc("list", "partial (exit 3)", run(*small, ok=(3,)))
    doc("list", "partial --host --all-netns", run(*small, "--host", "--all-netns", ok=(3,)))
    doc("list-ndjson", "partial (exit 3)", run(*small, "--format", "ndjson", ok=(3,)))
    doc("list-ndjson", "partial --host", run(*small, "--format", "ndjson", "--host", ok=(3,)))
    doc("ports", "partial (exit 3)", run("ports", *small, ok=(3,)))
    check("a partial document is outside the trait",
          errors("trait", json.loads(run(*small, ok=(3,)))) != [])

    # --stats=json: the list, ports and check, a partial run, an error
    stats("a fixture tree", "--proc", A)
    stats("every protocol and extension", "--proc", B, "--protocols", "all", "--holders", "--uid",
          "--verify-exe", "--all-netns")
    stats("ports", "ports", "--proc", A, "--protocols", "all")
    stats("check on a tree", "check", "--proc", A, "--protocols", "all")
    stats("partial (exit 3)", *small, ok=(3,))
    stats("no net/tcp (exit 1)", "--proc", tmp, ok=(1,))
    stats("stopped before collecting: --output in no directory (collector null, exit 1)",
          "--proc", A, "--output", os.path.join(tmp, "no-such-dir", "x.json"), ok=(1,))

    # diff --format json: two trees' outputs; then edited documents for the
    # categories one tree cannot give (the texts of one address, exe_verified)
    docs = {}
    for k, t in (("a", A), ("b", B)):
        for name, o in (("trait", []), ("all", ["--protocols", "all", "--holders", "--uid", "--verify-exe", "--all-netns"])):
            p = os.path.join(tmp, "%s-%s.json" % (k, name))
            write(p, run("--proc", t, *o))
            docs[k, name] = p
            write(p + ".ndjson", run("--proc", t, "--format", "ndjson", "--host", *o))
    doc("diff", "of two trees' trait documents", run("diff", docs["a", "trait"], docs["b", "trait"],
                                                    "--format", "json", ok=(1,)))
    every = run("diff", docs["a", "all"], docs["b", "all"], "--format", "json", ok=(1,))
    doc("diff", "of two trees, every protocol and extension", every)
    cats = {c for c, n in json.loads(every)["counts"].items() if n}
    doc("diff", "NDJSON --host sides", run("diff", docs["a", "all"] + ".ndjson", docs["b", "all"] + ".ndjson",
                                           "--format", "json", ok=(1,)))
    doc("diff", "--proc: the owners' holders", run("diff", docs["a", "all"], docs["b", "all"], "--proc", B,
                                                   "--format", "json", ok=(1,)))
    doc("diff", "--ignore pid,comm,exe,netns", run("diff", docs["a", "all"], docs["b", "all"], "--ignore",
                                                   "pid,comm,exe,netns", "--format", "json", ok=(1,)))
    doc("diff", "equal", run("diff", docs["a", "all"], docs["a", "all"], "--format", "json"))
    write(os.path.join(tmp, "partial.json"), run(*small, ok=(3,)))
    doc("diff", "a partial side", run("diff", docs["a", "trait"], os.path.join(tmp, "partial.json"),
                                      "--format", "json", ok=(1,)))

    def edited(r):
        if r["protocol"] == "tcp" and r["family"] == "ipv6":
            r["bind_address"] = r["bind_address"].upper()
        r["exe_verified"] = r["pid"] is not None
        if r.get("netns") is not None and r["port"] == 22:
            r["netns"], r["netns_host"] = 1, False
    write(os.path.join(tmp, "edited.json"), edit_rows(open(docs["a", "all"]).read(), edited))
    fake = run("diff", docs["a", "all"], os.path.join(tmp, "edited.json"), "--format", "json", ok=(1,))
    doc("diff", "address text, exe_verified, netns edited", fake)
    cats |= {c for c, n in json.loads(fake)["counts"].items() if n}
    check("the diff reports validated have every category", cats == set(SCHEMAS["diff"]["properties"]["counts"]["required"]),
          sorted(set(SCHEMAS["diff"]["properties"]["counts"]["required"]) - cats))

    # watch: tree A then B then A: every event kind, with and without --host
    for o in ([], ["--host"]):
        out = run("watch", "--interval", "0.001", "--count", "3", "--heartbeat", "1", "--protocols", "all",
                  "--proc", A, "--proc", B, *o)
        doc("watch", " ".join(["A, B, A --protocols all --heartbeat 1"] + o), out)
        kinds = {json.loads(ln)["event"] for ln in out.split(b"\n") if ln}
        check(" ".join(["watch"] + o) + ": every event kind",
              kinds == {"added", "removed", "owner_changed", "exe_changed", "heartbeat"}, kinds)
    doc("watch", "A, B tcp only",
        run("watch", "--interval", "0.001", "--count", "2", "--proc", A, "--proc", B))

    # check on trees: without stored dumps (nothing compared), and on the
    # captures of tests/data/real (tables and dumps of one host, not of one
    # moment: thousands of findings)
    doc("check", "a tree without dumps", run("check", "--proc", A, "--format", "json", "--protocols", "all"))
    real = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "real")
    R = os.path.join(tmp, "real")
    write(os.path.join(R, "MANIFEST"), b"format=listeners-snapshot 1\nbyte_order=little-endian\n"
          b"netlink_byte_order=little-endian\n")
    os.makedirs(os.path.join(R, "net"))
    os.makedirs(os.path.join(R, "netlink"))
    for k in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6", "packet"):
        shutil.copy(os.path.join(real, "%s-thismachine-6.18.44-x86_64-full.txt" % k), os.path.join(R, "net", k))
        dump = k if k.endswith("6") or k == "packet" else k + "4"
        shutil.copy(os.path.join(real, "sockdiag-%s-thismachine-6.18.44-x86_64.bin" % dump),
                    os.path.join(R, "netlink", k))
    doc("check", "tests/data/real's tables and dumps", run("check", "--proc", R, "--format", "json",
                                                           "--protocols", "all", ok=(0, 1)))

    # ---- live: real sockets in a network namespace of the test's own ----
    def live():
        maker = r'''
import ctypes, os, socket, struct, sys, time
ctypes.CDLL(None).prctl(1, 9, 0, 0, 0)
keep = []
for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::")):
    s = socket.socket(fam); s.bind((addr, 0)); s.listen(); keep.append(s)
    u = socket.socket(fam, socket.SOCK_DGRAM); u.bind((addr, 0)); keep.append(u)
keep.append(socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP))
keep.append(socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6))
keep.append(socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3)))
f = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
insn = (ctypes.c_ubyte * 8).from_buffer_copy(struct.pack("HBBI", 0x06, 0, 0, 0))
f.setsockopt(socket.SOL_SOCKET, 26, struct.pack("HxxxxxxQ", 1, ctypes.addressof(insn)))
f.bind(("lo", 0)); keep.append(f)
if os.fork() == 0:  # a second holder of every socket
    ctypes.CDLL(None).prctl(1, 9, 0, 0, 0); time.sleep(300); os._exit(0)
open(sys.argv[1], "w").write("%d %d" % (os.getpid(), keep[0].getsockname()[1]))
time.sleep(300)
'''
        ready = os.path.join(tmp, "ready")
        kid = subprocess.Popen([sys.executable, "-c", maker, ready])
        try:
            for _ in range(300):
                if os.path.exists(ready) and os.path.getsize(ready):
                    break
                time.sleep(0.1)
            port = int(open(ready).read().split()[1])
            out = run()
            doc("trait", "live", out)
            # owned by the helper or its fork's child, whichever pid is lower
            check("live: the helper's listener is a row, with an owner", any(
                r["pid"] is not None and r["port"] == port for r in json.loads(out)["listeners"]["listeners"]), out)
            doc("trait", "live --pretty", run("--pretty"))
            doc("trait", "live --source netlink", run("--source", "netlink"))
            for protos in ("tcp", "udp", "raw", "packet", "all"):
                for o in OPTS:
                    label = "live " + " ".join(["--protocols", protos] + o)
                    doc("list", label, run("--protocols", protos, *o))
                    doc("list-ndjson", label, run("--protocols", protos, "--format", "ndjson", *o))
                doc("list", "live --source netlink --protocols " + protos,
                    run("--source", "netlink", "--protocols", protos, "--holders", "--uid", "--verify-exe"))
                doc("ports", "live --protocols " + protos, run("ports", "--protocols", protos))
            stats("live", "--protocols", "all", "--holders", "--all-netns")
            stats("live --source netlink", "--source", "netlink", "--protocols", "all")
            stats("live check", "check", ok=(0, 1))
            doc("list", "live --host", run("--host", "--protocols", "all"))
            doc("list-ndjson", "live --host", run("--host", "--protocols", "all", "--format", "ndjson"))
            doc("host", "live --host's envelope", json.dumps(json.loads(run("--host"))["host"]))
            a = os.path.join(tmp, "live-a.json")
            write(a, run("--protocols", "all", "--holders", "--uid", "--verify-exe", "--all-netns"))
            doc("diff", "live against a tree", run("diff", a, docs["a", "all"], "--format", "json",
                                                   "--ignore", "netns", ok=(1,)))
            doc("diff", "live against itself", run("diff", a, a, "--format", "json"))
            # check: the live views (the filtered packet socket is a finding)
            out = run("check", "--format", "json", ok=(0, 1))
            doc("check", "live --protocols all", out)
            cats = {f["category"] for f in json.loads(out)["check"]["findings"]}
            doc("check", "live --protocols tcp,udp", run("check", "--format", "json", "--protocols", "tcp,udp",
                                                         ok=(0, 1)))
            snap = os.path.join(tmp, "snap")
            run("snapshot", snap)
            doc("check", "a snapshot", run("check", "--proc", snap, "--format", "json", ok=(0, 1)))
            # the helper's v4 listener deleted (netlink_only), a fabricated one added (procfs_only)
            tcp = open(os.path.join(snap, "net", "tcp"), "rb").read().splitlines(True)
            kept = [ln for ln in tcp if ln.split()[1] != b"0100007F:%04X" % port]
            check("the helper's listener is in the snapshot", len(kept) == len(tcp) - 1, tcp)
            write(os.path.join(snap, "net", "tcp"),
                  b"".join(kept) + tcp_line(len(kept) - 1, b"0100007F", 0xFFF0, 987654321))
            out = run("check", "--proc", snap, "--format", "json", ok=(1,))
            doc("check", "a snapshot with a line deleted and one fabricated", out)
            cats |= {f["category"] for f in json.loads(out)["check"]["findings"]}
            check("the check reports validated have every finding category",
                  cats == {"netlink_only", "procfs_only", "packet_filter"}, cats)
            doc("list", "a live snapshot replayed", run("--proc", snap, "--protocols", "all", "--host"))
        finally:
            kid.kill()
            kid.wait()

    if LIVE:
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        live()
    elif os.geteuid() != 0:
        print("skipped the live part: needs root (a network namespace, raw and packet sockets)")
    else:
        print("skipped the live part: unshare -n is refused here")

    # ---- every schema used, and strict ----
    for n, c in COUNTS.items():
        check("%s.schema.json validated real documents" % n, c > 0, c)

    # keys each schema lets a document leave out (every other key is required)
    OPTIONAL = {
        "list": {"host", "partial", "uid", "exe_verified", "holders"},
        "list-ndjson": {"host", "uid", "exe_verified", "holders"},
        "watch": {"host"},
        "diff": {"uid", "exe_verified", "netns", "netns_host", "holders"},
    }

    def objects(d, path=()):
        if isinstance(d, dict):
            yield path, d
            for k, v in d.items():
                yield from objects(v, path + (k,))
        elif isinstance(d, list):
            for v in d:
                yield from objects(v, path + ("*",))

    def at(d, path, i):
        """The i-th object at path (arrays' items in order) of d."""
        return [o for p, o in objects(d) if p == path][i]

    for n in COUNTS:
        shapes = set()
        extra = missing = 0
        # smallest documents first: each shape is mutated in the smallest
        # document that has it (the whole document is validated each time)
        for label, d in sorted(SAMPLES[n], key=lambda ld: len(json.dumps(ld[1]))):
            for path, o in objects(d):
                shape = (path, tuple(o))
                if shape in shapes:
                    continue
                shapes.add(shape)
                i = [id(x) for p, x in objects(d) if p == path].index(id(o))
                m = copy.deepcopy(d)
                at(m, path, i)["surprise"] = 1
                extra += 1
                check("%s: a new key in %s of %s fails" % (n, "/".join(path) or "the top", label),
                      not V[n].is_valid(m))
                for k in o:
                    if k in OPTIONAL.get(n, ()):
                        continue
                    m = copy.deepcopy(d)
                    del at(m, path, i)[k]
                    missing += 1
                    if V[n].is_valid(m):
                        check("%s: %s without %r fails" % (n, "/".join(path) or "the top", k), False, label)
        check("%s: %d documents with a key added and %d with one taken out fail" % (n, extra, missing),
              extra > 0 and missing > 0)

    # values out of type or range
    def first(n, pred):
        return next(copy.deepcopy(d) for _, d in SAMPLES[n] if pred(d))
    rows = lambda d: d["listeners"] and d["listeners"]["listeners"]
    BAD = [
        ("trait", lambda d: rows(d), lambda d: rows(d)[0].update(port=65536), "port 65536"),
        ("trait", lambda d: rows(d), lambda d: rows(d)[0].update(port=-1), "port -1"),
        ("trait", lambda d: rows(d), lambda d: rows(d)[0].update(pid=0), "pid 0"),
        ("trait", lambda d: rows(d), lambda d: rows(d)[0].update(pid="1"), "pid a string"),
        ("trait", lambda d: rows(d), lambda d: rows(d)[0].update(family="ipv5"), "family ipv5"),
        ("trait", lambda d: rows(d), lambda d: rows(d)[0].update(protocol="udp"), "a udp row"),
        ("trait", lambda d: rows(d), lambda d: rows(d)[0].update(exe=""), "exe empty"),
        ("trait", lambda d: rows(d), lambda d: rows(d)[0].update(bind_address="1.2.3"), "address 1.2.3"),
        ("trait", lambda d: rows(d) and rows(d)[0]["comm"] is not None, lambda d: rows(d)[0].update(pid=None),
         "pid null with a comm"),
        ("trait", lambda d: rows(d), lambda d: d["listeners"].update(partial=True), "partial"),
        ("list", lambda d: rows(d), lambda d: rows(d)[0].update(protocol="sctp"), "protocol sctp"),
        ("list-ndjson", lambda d: d.get("family") == "ipv6" and d["protocol"] == "tcp",
         lambda d: d.update(bind_address="::FFFF:10.0.0.5"), "an upper-case IPv6 address"),
        ("list", lambda d: rows(d), lambda d: rows(d)[0].update(ip_protocol=1), "ip_protocol in a tcp row"),
        ("list", lambda d: "partial" in (d["listeners"] or {}), lambda d: d["listeners"].update(partial=False),
         "partial false"),
        ("list", lambda d: "host" in d, lambda d: d["host"].update(collected_at="2026-01-02T03:04:05+01:00"),
         "collected_at not in UTC"),
        ("list", lambda d: "host" in d, lambda d: d["host"].update(schema_version=2), "schema_version 2"),
        ("list-ndjson", lambda d: d.get("protocol") == "packet", lambda d: d.update(port=0), "a packet row's port 0"),
        ("list-ndjson", lambda d: "netns" in d, lambda d: d.pop("netns_host"), "netns without netns_host"),
        ("list-ndjson", lambda d: d.get("ifindex") == 0, lambda d: d.update(interface="eth0"),
         "an interface name for ifindex 0"),
        ("list-ndjson", lambda d: "exe_verified" in d and d["exe"] is None, lambda d: d.update(exe_verified=True),
         "exe_verified true without an exe"),
        ("ports", lambda d: d["ports"], lambda d: d["ports"].append(d["ports"][0]), "a repeated port"),
        ("watch", lambda d: d["event"] == "heartbeat", lambda d: d.update(event="snapshot"), "event snapshot"),
        ("watch", lambda d: d["event"] == "added", lambda d: d.update(at="2026-01-02 03:04:05Z"), "at with a space"),
        ("watch", lambda d: d["event"] == "owner_changed", lambda d: d["before"].update(uid=0), "a key in before"),
        ("check", lambda d: d["check"]["findings"], lambda d: d["check"]["findings"][0].update(category="hidden"),
         "category hidden"),
        ("stats", lambda d: True, lambda d: d.update(exit_status=4), "exit_status 4"),
        ("stats", lambda d: d["collector"]["tables"]["net/tcp"]["read"],
         lambda d: d["collector"]["tables"]["net/tcp"].update(source="sysfs"), "a table's source sysfs"),
        ("stats", lambda d: True, lambda d: d["collector"]["walk"].update(pids_denied=-1), "pids_denied -1"),
        ("diff", lambda d: d["differences"], lambda d: d["differences"][0].update(category="renamed"),
         "category renamed"),
    ]
    for n, pred, mutate, what in BAD:
        try:
            d = first(n, pred)
        except StopIteration:
            check("%s: a document to make %s of" % (n, what), False)
            continue
        mutate(d)
        check("%s: %s fails" % (n, what), errors(n, d) != [])
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print("schema validation counts: " + ", ".join("%s %d" % kv for kv in COUNTS.items()))
print("%d failed" % check.fails)
sys.exit(1 if check.fails else 0)
