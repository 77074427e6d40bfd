#!/usr/bin/env python3
"""Regenerates the seeds of collector_fuzzer (corpus/collector_fuzzer/).

Usage: fuzz/make_collector_seeds.py [CORPUS_REAL_DIR]
       fuzz/make_collector_seeds.py --convert-old FILE...

The first form writes the real-* and hand-* files (removing the old ones) and
PROVENANCE.md, from ../shared/corpus-real/ by default (fuzz/make_seeds.py
calls it). found-* files (minimised fuzzer finds) are left alone and listed.
Deterministic: running it twice gives the same files.

The second form converts files of the first input format of the harness
(sections net/tcp, net/tcp6, then processes "comm 0x01 exe 0x01 fd...")
to the current one (8 zero header bytes; 5 zero attribute bytes before each
process; empty ns/net, net/tcp and net/tcp6 fields after the exe), which
builds the same tree, and renames each to found-<sha1 of the new bytes>.

The input format is described at the top of fuzz/collector_fuzzer.c.
"""
import hashlib
import os
import struct
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = os.path.join(ROOT, "corpus", "collector_fuzzer")
SEP = b"\n--\n"
NS_BASE = 4026531840

# ------------------------------------------------------------- the format


def hdr(no_diag=0, change=0, change_all=0, root=0, fillers=None, tcp=0, tcp6=0, self_=0,
        host=0, cap=0, junk=0, trig_kind=0, trig_n=0, victim=0, proc_self=0, live=0):
    """The 8 header bytes. root: 0 tree, 1 trailing '/', 2 missing, 3 file.
    tcp/tcp6: table kinds (0 file, 1 absent, 2 dir, 3 FIFO, 4 loop,
    5 dangling, 6 symlink to a file). self_: 0 none, 1 net:[H], 2 mnt:[H],
    3 regular file, 4 self is a file; H = NS_BASE + host. cap: size cap / 64.
    fillers: None or 1000..1255 pids that are not directories. proc_self:
    proc_root /proc/self. live: run L on the live /proc."""
    h0 = no_diag | change << 1 | change_all << 2 | root << 3 | proc_self << 5 | live << 6
    h5 = 0
    if fillers is not None:
        assert 1000 <= fillers <= 1255
        h0 |= 0x80
        h5 = fillers - 1000
    h = bytes([h0, tcp | tcp6 << 3, self_, host, cap, h5, junk,
               trig_kind | trig_n << 2 | victim << 5])
    assert len(h) == 8
    return h


def proc(comm=b"", exe=b"", links=(), comm_kind=0, exe_kind=0, fd_kind=0, net_kind=0,
         tcp_kind=0, tcp6_kind=0, is_file=0, ns_kind=0, dots=0, files=0, ns=b"", tcp=None,
         tcp6=None, pid_link=0):
    """One process section: 5 attribute bytes, then comm, exe, ns/net, net/tcp,
    net/tcp6 and fd link targets separated by 0x01."""
    a = bytes([comm_kind | exe_kind << 3 | fd_kind << 6, net_kind | tcp_kind << 2 | tcp6_kind << 5,
               is_file | ns_kind << 1 | pid_link << 3, dots, files])
    fields = [comm, exe, ns]
    if tcp is not None or tcp6 is not None or links:
        fields.append(tcp or b"")
    if tcp6 is not None or links:
        fields.append(tcp6 or b"")
    fields += list(links)
    for f in fields[:-1]:
        assert b"\x01" not in f
    return a + b"\x01".join(fields)


def seed(header, tcp, tcp6=None, procs=()):
    secs = [tcp] + ([tcp6] if tcp6 is not None else [])
    if procs:
        assert tcp6 is not None, "processes need a tcp6 section"
        secs += list(procs)
    data = header + SEP.join(secs)
    for s in secs[:-1]:
        assert SEP not in s
    return data


def convert_old(data):
    """First format -> current format (same tree)."""
    secs = data.split(SEP, 9)
    out = secs[:2]
    for s in secs[2:]:
        f = s.split(b"\x01", 17)
        if len(f) > 2:
            f = f[:2] + [b"", b"", b""] + f[2:]
        out.append(b"\0" * 5 + b"\x01".join(f))
    return b"\0" * 8 + SEP.join(out)


def sha1(data):
    return hashlib.sha1(data).hexdigest()

# ------------------------------------------------------------- inputs


def lines(data):
    out = data.split(b"\n")
    res = [l + b"\n" for l in out[:-1]]
    if out[-1]:
        res.append(out[-1])
    return res


def head(data, n=40):
    return b"".join(lines(data)[:n])


def listen_inodes(table):
    out = []
    for l in lines(table):
        t = l.split()
        if len(t) >= 10 and t[3] == b"0A" and t[9] != b"0":
            out.append(t[9])
    return out


def sock(i):
    return b"socket:[" + (i if isinstance(i, bytes) else b"%d" % i) + b"]"


def set_tokens(line, changes):
    """line with token idx -> new bytes (runs of spaces kept)."""
    toks = line.rstrip(b"\n").split(b" ")
    real = [i for i, t in enumerate(toks) if t]
    for idx, new in changes.items():
        toks[real[idx]] = new
    return b" ".join(toks) + b"\n"


def reinode(table, offset):
    """The table with every non-zero inode moved by offset (another
    namespace's sockets)."""
    out = []
    for l in lines(table):
        t = l.split()
        if len(t) >= 10 and t[0] != b"sl" and t[9] != b"0" and t[9].isdigit():
            l = set_tokens(l, {9: b"%d" % (int(t[9]) + offset)})
        out.append(l)
    return b"".join(out)


def ns_text(n):
    return b"net:[%d]" % n


class Corpus:
    def __init__(self):
        self.name = "collector"
        self.rows = []  # (fname, source, note, data)
        self.seen = set()

    def add(self, kind, label, data, source, note=""):
        assert data not in self.seen, label
        self.seen.add(data)
        label = re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-")[:60]
        self.rows.append(("%s-%s-%s" % (kind, label, sha1(data)[:10]), source, note, data))

    def write(self):
        os.makedirs(DIR, exist_ok=True)
        for f in os.listdir(DIR):
            if f.startswith(("real-", "hand-")) or f == "PROVENANCE.md":
                os.unlink(os.path.join(DIR, f))
        for fname, _, _, data in self.rows:
            with open(os.path.join(DIR, fname), "wb") as fh:
                fh.write(data)
        with open(os.path.join(DIR, "PROVENANCE.md"), "w") as fh:
            fh.write(INTRO)
            fh.write("| file | source | note |\n|---|---|---|\n")
            for fname, source, note, _ in self.rows:
                fh.write("| `%s` | %s | %s |\n" % (fname, source, note))
            for fname in sorted(os.listdir(DIR)):
                if fname.startswith("found-"):
                    fh.write("| `%s` | fuzzer find, kept by `-merge=1` (it reaches an edge no "
                             "other seed reaches) | |\n" % fname)


INTRO = """# Seeds of `collector_fuzzer`

Each file is a synthesized /proc tree in the input format described at the
top of `fuzz/collector_fuzzer.c`: 8 header bytes (run options, kinds of the
host's `net/tcp` and `net/tcp6`, `self/ns/net`, the size cap, filler pids,
junk root entries, the change of run C), then sections separated by `\\n--\\n`:
`net/tcp`, `net/tcp6`, then one section per process (pids 1, 2, 10, 99, 100,
1000, 31337, 4194303 in order): 5 attribute bytes (kinds of comm, exe, fd/,
net/, ns/net; hidden and non-link fds) and fields separated by byte 0x01:
comm, exe target, ns/net target, the process's `net/tcp` and `net/tcp6`, fd
link targets.

Generated by `fuzz/make_collector_seeds.py` (which `fuzz/make_seeds.py`
runs) from `../shared/corpus-real/` (its `MANIFEST.md` names the
publication, repository and commit of every capture). `real-*` files hold
real table captures (excerpts up to 40 lines) with fd links, comm and exe
bytes from the `fdlink-*`, `comm-*` and `exelink-*` captures, and
`socket:[N]` targets pointing at inodes of the tables' 0A lines (composed
here). `hand-*` files were written for this corpus, to reach what no
capture shows: namespaces, unreadable tables, the size cap, hostile process
directories, more than one batch of pids, a process that exits under the
collector. Lines written by hand copy the layout of a line of
`tcp-thismachine-6.18.44-x86_64-excerpt-all-states.txt`.
`found-*` files are fuzzer finds minimised with `-merge=1`, kept for
coverage: those of the campaigns of 2026-11-24 were converted from the
harness's first input format with `--convert-old` (the same trees); the
others come from the libFuzzer and AFL++ campaigns of 2026-11-30.
`../regressions/` holds crash reproducers.

"""


def main(src):
    def read(name):
        with open(os.path.join(src, name), "rb") as fh:
            return fh.read()

    col = Corpus()
    comm_py = read("comm-thismachine-6.18-python3.bin")
    comm_long = read("comm-thismachine-6.18-truncated-to-15-chars.bin")
    exe_del = lines(read("exelink-thismachine-6.18-deleted-binary.txt"))[0].rstrip(b"\n")
    fd_misc = [l.rstrip(b"\n") for l in lines(read("fdlink-thismachine-6.18-readlink-targets.txt"))]
    fd_nl = read("fdlink-thismachine-6.18-deleted-name-with-newline.bin")
    nslinks = [l.rstrip(b"\n") for l in lines(read("nslink-procfs-fixture-net-mnt.txt"))]
    Z = hdr()

    pairs = [
        ("tcp-thismachine-6.18.44-x86_64-excerpt-all-states.txt", "tcp6-thismachine-6.18.44-x86_64-excerpt-all-states.txt"),
        ("tcp-rhel5-2.6.18-128.el5-x86_64-webpage-procdump.txt", "tcp6-rhel5-2.6.18-128.el5-x86_64-webpage-procdump.txt"),
        ("tcp-ubuntu-2020-x86_64-kptr-hidden-nctu-hw1.txt", "tcp6-ubuntu-2020-x86_64-kptr-hidden-nctu-hw1.txt"),
        ("tcp-android-emulator-goldfish-2.6.29-32bit-arc-image.txt", "tcp6-android-emulator-goldfish-2.6.29-32bit-arc-image.txt"),
        ("tcp-jc-fixture-x86_64-listen-closewait-timewait-finwait1.txt", "tcp6-jc-fixture-x86_64-global-v6-timewait.txt"),
        ("tcp-bigendian-mips32-comtrend-router-busybox-2015.txt", None),
        ("tcp-x86_64-5.8dev-hashed-ptr-lkml-bpf-iter.txt", "tcp6-x86_64-5.8dev-hashed-ptr-listen-tmwhen1-lkml-bpf-iter.txt"),
        ("tcp-thismachine-6.18.44-x86_64-full.txt", "tcp6-thismachine-6.18.44-x86_64-full.txt"),
    ]
    for a, b in pairs:
        t4 = head(read(a))
        t6 = head(read(b)) if b else None
        inodes = listen_inodes(t4) + (listen_inodes(t6) if t6 else [])
        socks = [sock(i) for i in inodes]
        procs = [
            proc(b"systemd\n", b"/usr/lib/systemd/systemd", socks[:2] + fd_misc[:2]),
            proc(comm_py, b"/usr/bin/python3.11", socks[1::2] + fd_misc[2:6]),
            proc(comm_long, exe_del, socks[::3] + [fd_nl]),
        ] if t6 is not None else []
        src_txt = "`%s`%s" % (a, (" + `%s`" % b) if b else "")
        col.add("real", a.rsplit(".", 1)[0], seed(Z, t4, t6, procs), src_txt,
                "%d listening inodes, %d processes" % (len(inodes), len(procs)))

    A, B = pairs[0]
    t4, t6 = head(read(A)), head(read(B))
    ino, ino6 = listen_inodes(t4), listen_inodes(t6)
    hdr4, hdr6 = lines(t4)[0], lines(t6)[0]
    listen4 = next(l for l in lines(t4) if l.split()[3:4] == [b"0A"])
    hsrc = "hand-composed from `%s` + `%s`" % (A, B)
    srcl = "hand-written lines in the layout of `%s`" % A

    def l4(port, inode, addr=b"0100007F", state=b"0A", sl=0):
        return set_tokens(listen4, {0: b"%d:" % sl, 1: addr + b":%04X" % port, 3: state,
                                    9: b"%d" % inode})

    def hand(label, data, note, source=hsrc):
        col.add("hand", label, data, source, note)

    # --- the first format's hand seeds, as they were
    hand("empty-tcp", Z, "empty net/tcp, no tcp6")
    hand("header-only", seed(Z, hdr4, hdr6), "headers only")
    # --- run P (--protocols all --holders --uid): raw and packet tables
    # captured here (tests/data/real, not in the shared corpus), held
    def read_here(name):
        with open(os.path.join(ROOT, "tests", "data", "real", name), "rb") as fh:
            return fh.read()
    raw4 = read_here("raw-thismachine-6.18.44-x86_64-full.txt")
    packet = read_here("packet-thismachine-6.18.44-x86_64-full.txt")
    udp4 = read("udp-thismachine-6.18.44-x86_64-full.txt")
    held = []
    for table in (raw4, packet, udp4):
        for l in lines(table)[1:]:
            toks = l.split()
            inode = toks[8] if table is packet else (toks[9] if len(toks) > 9 else b"0")
            if inode.isdigit() and inode != b"0":
                held.append(b"socket:[" + inode + b"]")
    hand("protocols-raw-packet-udp",
         seed(Z, raw4 + packet + udp4, read_here("raw6-thismachine-6.18.44-x86_64-full.txt"),
              [proc(b"a\n", b"/a", held[:3]), proc(b"b\n", b"/b", held)]),
         "raw, packet and udp lines in net/tcp (run P reads them as net/raw, net/packet, "
         "net/udp), raw6 in net/tcp6; two holders",
         "`raw-thismachine-6.18.44-x86_64-full.txt`, `packet-thismachine-6.18.44-x86_64-full.txt`, "
         "`raw6-...` (tests/data/real) + `udp-thismachine-6.18.44-x86_64-full.txt`")
    # --- run N (--source netlink, check): the real sock_diag dumps as the
    # tree's netlink/ files (section 0: tcp4 dump, 1: tcp6), their inodes held
    def dump_inodes(d, packet=False):
        out, off = [], 0
        while off + 16 <= len(d):
            ln, typ = struct.unpack_from("<IH", d, off)
            if ln < 16:
                break
            if typ == 20:
                at = off + 16 + (4 if packet else 68)
                if at + 4 <= off + ln:
                    out.append(struct.unpack_from("<I", d, at)[0])
            off += (ln + 3) & ~3
        return out
    nl4 = read_here("sockdiag-tcp4-thismachine-6.18.44-x86_64.bin")
    nl6 = read_here("sockdiag-tcp6-thismachine-6.18.44-x86_64.bin")
    nlp = read_here("sockdiag-packet-thismachine-6.18.44-x86_64.bin")
    nl_held = [sock(i) for i in dump_inodes(nl4) + dump_inodes(nl6)]
    hand("netlink-tcp-dumps", seed(Z, nl4, nl6, [proc(b"a\n", b"/a", nl_held[:1]),
                                                proc(b"b\n", b"/b", nl_held)]),
         "real tcp4/tcp6 sock_diag dumps as netlink/tcp, tcp6 (run N; the other runs read "
         "them as malformed table lines); two holders of their inodes",
         "`sockdiag-tcp4-...` + `sockdiag-tcp6-thismachine-6.18.44-x86_64.bin` (tests/data/real)")
    hand("netlink-packet-filters", seed(Z, nlp, b"", [proc(b"p\n", b"/p", [
        sock(i) for i in dump_inodes(nlp, packet=True)])]),
         "real packet sock_diag dump with BPF filters as netlink/packet (run N: packet_filter "
         "findings)", "`sockdiag-packet-thismachine-6.18.44-x86_64.bin` (tests/data/real)")
    hand("udp-as-tcp", seed(Z, read("udp-thismachine-6.18.44-x86_64-full.txt"),
                            read("udp6-thismachine-6.18.44-x86_64-full.txt")),
         "udp tables: every line malformed",
         "`udp-thismachine-6.18.44-x86_64-full.txt` + `udp6-thismachine-6.18.44-x86_64-full.txt`")
    hand("duplicate-inode", seed(Z, t4 + t4, t6, [proc(b"a\n", b"/a", [sock(ino[0])])]),
         "every 0A line twice")
    hand("pid1-only", seed(Z, t4, t6, [proc(b"init\n", b"/sbin/init", [sock(i) for i in ino])]),
         "pid 1 sole holder")
    hand("no-exe", seed(Z, t4, t6, [proc(b"x\n"), proc(b"kthread\n", b"", [sock(i) for i in ino]),
                                    proc(b"late\n", b"/late", [sock(i) for i in ino])]),
         "holder without exe looks exited")
    hand("hostile-names", seed(Z, t4, t6, [
        proc(b"x\n", b"/x"),
        proc(b"\x1b[31m\"evil\\\xff\xc0\x80\n", b"/tmp/\xed\xa0\x80 (deleted)",
             [sock(ino[0]), b"socket:[0" + ino[1] + b"]", b"/tmp/socket:[" + ino[1] + b"]"])]),
         "control bytes and invalid UTF-8 in comm/exe; near-miss links")

    # --- host tables that cannot be read
    for kind, name, note in [(1, "absent", "net/tcp absent: LSN_ERR_TABLE, ENOENT"),
                             (2, "dir", "net/tcp a directory: not a regular file"),
                             (3, "fifo", "net/tcp a FIFO (opened O_NONBLOCK): not a regular file"),
                             (4, "loop", "net/tcp a symlink loop: a link, not followed"),
                             (5, "dangling", "net/tcp a dangling symlink: a link, not followed")]:
        hand("tcp-" + name, seed(hdr(tcp=kind), t4, t6), note)
    hand("tcp-symlink", seed(hdr(tcp=6, tcp6=6), t4, t6, [proc(b"a\n", b"/a", [sock(ino[0])])]),
         "net/tcp and net/tcp6 symlinks to regular files: not followed")
    for kind, name, note in [(2, "dir", "net/tcp6 a directory: a diagnostic, the tcp rows"),
                             (3, "fifo", "net/tcp6 a FIFO: a diagnostic"),
                             (4, "loop", "net/tcp6 a symlink loop: a diagnostic"),
                             (5, "dangling", "net/tcp6 a dangling symlink: a diagnostic, not absent")]:
        hand("tcp6-" + name, seed(hdr(tcp6=kind), t4, t6, [proc(b"a\n", b"/a", [sock(ino[0])])]),
             note)

    # --- the size cap
    big4 = t4 + head(read("tcp-thismachine-6.18.44-x86_64-full.txt"), 60)
    hand("cap-tcp", seed(hdr(cap=40), t4, t6), "net/tcp over a 2560-byte cap: LSN_ERR_TABLE")
    hand("cap-tcp6-partial", seed(hdr(cap=70), hdr4, t6 + reinode(t6, 1000) + reinode(t6, 2000),
                                  [proc(b"a\n", b"/a", [sock(i) for i in ino6])]),
         "net/tcp6 over a 4480-byte cap: the rows of its first 4096 bytes stay")
    hand("cap-exact", seed(hdr(cap=len(t4) // 64 + 1), t4, t6),
         "tables under the cap")
    long_line = l4(22, 1)[:-1] + b" " * 4100 + b"\n"
    hand("too-long-line", seed(Z, hdr4 + long_line + l4(23, 2), hdr6,
                               [proc(b"a\n", b"/a", [sock(1), sock(2)])]),
         "a line over 4096 bytes: malformed, the next line read", srcl)

    # --- the proc root
    procs = [proc(b"init\n", b"/sbin/init", [sock(ino[0])]), proc(b"x\n", b"/x", [sock(ino[1])],
                                                                  comm_kind=2)]
    hand("root-slash", seed(hdr(root=1), t4, t6, procs), "proc_root with a trailing '/'")
    hand("root-missing", seed(hdr(root=2), t4, t6), "proc_root missing: cannot open")
    hand("root-file", seed(hdr(root=3), t4, t6), "proc_root a regular file: ENOTDIR")
    hand("root-proc-self", seed(hdr(proc_self=1, change=1, change_all=1), t4, t6),
         "proc_root /proc/self: procfs without self, so no host tables")
    hand("live", hdr(live=1), "run L: the live /proc from the harness's own network namespace")
    hand("no-diag", seed(hdr(no_diag=1), b"junk\n" + t4, hdr6 + b"junk\n", procs),
         "run A without a diagnostics callback")

    # --- processes: comm, exe, fd/, pid directory
    s = [sock(i) for i in ino]
    hand("comm-kinds", seed(Z, t4, t6, [
        proc(b"init\n", b"/sbin/init", s),
        proc(b"gone\n", b"/bin/gone", s[0:1], comm_kind=1),
        proc(b"", b"/bin/dir", s[1:2], comm_kind=2),
        proc(b"", b"/bin/fifo", s[2:3], comm_kind=3),
        proc(b"", b"/bin/loop", s[3:4], comm_kind=4),
        proc(b"", b"/bin/dangling", s[4:5], comm_kind=5),
        proc(b"linked\n", b"/bin/linked", s[5:6], comm_kind=6),
        proc(b"A" * 63 + b"\n" + b"B" * 10, b"/bin/long", s[6:7])]),
        "comm missing (exited), a directory, a FIFO, a symlink loop, dangling, to a file (links "
        "not followed: null comm), 64 bytes then more")
    hand("comm-64", seed(Z, t4, t6, [proc(b"x\n", b"/x"), proc(b"C" * 64 + b"\n", b"/c", s[:1]),
                                     proc(b"D" * 70, b"/d", s[1:2])]),
         "comm of 64 bytes (the newline after it unread), of 70 bytes")
    hand("exe-kinds", seed(Z, t4, t6, [
        proc(b"init\n", b"/sbin/init", s),
        proc(b"file\n", b"/bin/file", s[0:1], exe_kind=1),
        proc(b"dir\n", b"", s[1:2], exe_kind=2),
        proc(b"long\n", b"/very/long/path", s[2:3], exe_kind=3),
        proc(b"missing\n", b"/bin/missing", s[3:4], exe_kind=4),
        proc(b"long-slash\n", b"", s[4:5], exe_kind=3),
        proc(b"ok\n", b"/usr/bin/ok", s[4:6])]),
        "exe a regular file and a directory (null exe), 4095 bytes, missing (exited)")
    hand("fd-kinds", seed(Z, t4, t6, [
        proc(b"init\n", b"/sbin/init", s),
        proc(b"nofd\n", b"/a", s[0:1], fd_kind=1),
        proc(b"filefd\n", b"/b", s[1:2], fd_kind=2),
        proc(b"linkfd\n", b"/c", s[2:3], fd_kind=3),
        proc(b"pidfile\n", b"/d", s[3:4], is_file=1),
        proc(b"hidden\n", b"/e", s[3:6] + [sock(0), b"socket:[" + b"9" * 60 + b"]"] + fd_misc[:8],
             dots=0b011, files=0b100)]),
        "fd/ missing, a file, a symlink (not followed); the pid a file; fds named '.0', a file fd, "
        "socket:[0], a 69-byte link")
    hand("pid-link", seed(Z, t4, t6, [proc(b"init\n", b"/sbin/init", s[:1]),
                                      proc(b"a\n", b"/a", s, ns=bytes([2]), pid_link=1),
                                      proc(b"b\n", b"/b", s[1:])]),
         "pid 2 a symlink: not followed, not a process")
    hand("pid-file-first", seed(Z, t4, t6, [proc(is_file=1), proc(b"a\n", b"/a", s)]),
         "pid 1 a regular file")

    # --- rows: many of one port, equal rows
    same = b"".join(l4(8080, 900000 + k, b"%08X" % (0x0100007F + (k << 24) % 0x7F000000))
                    for k in range(20))
    hand("same-port", seed(Z, hdr4 + same + l4(8080, 0) + l4(8080, 0) + l4(80, 0, b"00000000") +
                           l4(80, 0, b"00000000"), hdr6,
                           [proc(b"web\n", b"/web", [sock(900000 + k) for k in range(0, 20, 3)])]),
         "20 rows of one port (qsort), equal rows with inode 0", srcl)

    # --- pids: junk names, more than one batch
    hand("junk-entries", seed(hdr(junk=0xFF), t4, t6, [proc(b"a\n", b"/a", s)]),
         "root entries that are not pids: 0, 1a, 4294967296, -1, 01, 12345678901, 2147483648; "
         "2147483647 an empty pid")
    empty = [proc()] * 7
    s_all = [sock(i) for i in ino + ino6]
    hand("fillers-two-batches", seed(hdr(fillers=1100), t4, t6,
                                     empty + [proc(b"last\n", b"/last", s_all)]),
         "1100 empty pid directories: pid 4194303 is in the second batch of 1024")
    hand("fillers-stop-between", seed(hdr(fillers=1017, junk=0x80), t4, t6,
                                      [proc(b"one\n", b"/one")] + [proc()] * 6 +
                                      [proc(b"last\n", b"/last", s_all)]),
         "pid 4194303 is the last of the first batch and takes the last row: no second pass")

    # --- namespaces
    H = 153  # NS_BASE + 153 = 4026531993, the capture's net:[4026531993]
    assert NS_BASE + H == int(nslinks[0][5:-1])
    n1, n2, n3 = reinode(t4, 100000), reinode(t4, 200000), reinode(t4, 300000)
    n1_6 = reinode(t6, 100000)
    i1, i2 = listen_inodes(n1), listen_inodes(n2)
    i1_6 = listen_inodes(n1_6)
    ns_procs = [
        proc(b"systemd\n", b"/usr/lib/systemd/systemd", s[:2], ns=bytes([H])),
        proc(b"netns-a\n", b"/usr/sbin/a", [sock(i) for i in i1[:2]], ns=ns_text(4026532001),
             net_kind=1, tcp=n1, tcp6=n1_6),
        proc(b"netns-a2\n", b"/usr/sbin/a2", [sock(i) for i in i1[2:] + i1_6], ns=bytes([161])),
        proc(b"netns-host\n", b"/usr/sbin/h", [sock(i) for i in i2], ns=bytes([162]), net_kind=3),
        proc(b"netns-nonet\n", b"/x", ns=bytes([163])),
        proc(b"netns-dir\n", b"/y", ns=bytes([164]), net_kind=1, tcp_kind=2),
        proc(b"netns-bad\n", b"/z", ns=b"net:[0]"),
        proc(b"netns-e\n", b"/e", [sock(i) for i in i2[:1]], ns=bytes([150]), net_kind=1,
             tcp=n2, tcp6_kind=3),
    ]
    hand("netns", seed(hdr(self_=1, host=H), t4, t6, ns_procs),
         "--all-netns: self/ns/net net:[4026531993]; namespaces with their own tables "
         "(two members), net/ a symlink to the host's (not followed), no net/, "
         "net/tcp a directory (skipped), net:[0], a tcp6 FIFO")
    hand("netns-host-unknown", seed(hdr(self_=0), t4, t6, ns_procs[1:4]),
         "no self/: the host namespace unknown (netns null)")
    hand("netns-self-mnt", seed(hdr(self_=2, host=H), t4, t6, ns_procs[:3]),
         "self/ns/net is mnt:[...]: malformed")
    hand("netns-self-file", seed(hdr(self_=3, host=H), t4, t6, ns_procs[:2]),
         "self/ns/net a regular file")
    hand("netns-self-is-file", seed(hdr(self_=4), t4, t6, ns_procs[:2]),
         "self a regular file")
    hand("netns-links", seed(hdr(self_=1, host=H), t4, t6, [
        proc(b"a\n", b"/a", ns=nslinks[1]),
        proc(b"b\n", b"/b", ns=b"net:[" + b"4" * 60 + b"]"),
        proc(b"c\n", b"/c", ns=b"x", ns_kind=1),
        proc(b"d\n", b"/d", ns=b"x", ns_kind=2),
        proc(b"e\n", b"/e", ns=b"x", ns_kind=3),
        proc(b"f\n", b"/f", ns=ns_text(18446744073709551615), net_kind=1, tcp=n3),
        proc(b"g\n", b"/g", ns=b"net:[4026532001]x", net_kind=2),
        proc(b"h\n", b"/h", is_file=1)]),
        "ns/net links: mnt:[...], 66 bytes, a file, ns a file, a directory, the largest inode, "
        "trailing bytes; net a file")
    big_ns = hdr4 + b"".join(l4(9000 + k, 700000 + k) for k in range(40))
    hand("netns-rollback", seed(hdr(self_=1, host=H, cap=80), t4, t6, [
        proc(b"init\n", b"/sbin/init", s),
        proc(b"big\n", b"/big", [sock(700000)], ns=bytes([10]), net_kind=1, tcp=big_ns),
        proc(b"ok\n", b"/ok", [sock(700001)], ns=bytes([11]), net_kind=1,
             tcp=l4(9001, 700001) + l4(9002, 700002),
             tcp6=hdr6 + reinode(t6, 800000) * 3),
    ]), "a namespace's net/tcp over the 5120-byte cap after 4096 bytes of rows: rolled back; "
        "the next one reads the same inode; its tcp6 over the cap keeps its first rows", srcl)
    # Run C: the member of the second namespace exits while the first one's
    # table is read (its malformed line's diagnostic).
    hand("change-member-exits", seed(
        hdr(self_=1, host=H, change=1, change_all=1, trig_kind=0, trig_n=0, victim=2), t4, t6, [
            proc(b"init\n", b"/sbin/init", s),
            proc(b"a\n", b"/a", [sock(i) for i in i1], ns=bytes([20]), net_kind=1,
                 tcp=b"junk\n" + n1),
            proc(b"b\n", b"/b", [sock(i) for i in i2], ns=bytes([21]), net_kind=1, tcp=n2)]),
        "run C --all-netns: pid 10, member of the second namespace, exits on the first "
        "malformed-line diagnostic")
    hand("change-walk", seed(
        hdr(change=1, trig_kind=2, trig_n=0, victim=3), t4, t6, [
            proc(b"init\n", b"/sbin/init", s),
            proc(b"nofd\n", b"/a", fd_kind=1),
            proc(b"b\n", b"/b", s[:1]),
            proc(b"c\n", b"/c", s[1:])]),
        "run C: pid 99 exits on the first process diagnostic (pid 2 has no fd/)")
    col.write()
    return col


def convert_files(paths):
    for p in paths:
        with open(p, "rb") as fh:
            new = convert_old(fh.read())
        dst = os.path.join(os.path.dirname(p), "found-" + sha1(new))
        os.unlink(p)
        with open(dst, "wb") as fh:
            fh.write(new)
        print("%s -> %s" % (os.path.basename(p), os.path.basename(dst)))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--convert-old":
        convert_files(sys.argv[2:])
    else:
        src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared",
                                                                 "corpus-real")
        c = main(src)
        print("%-14s %d seeds" % ("collector", len(c.rows)))
