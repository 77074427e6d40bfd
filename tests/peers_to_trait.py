#!/usr/bin/env python3
"""Turns the listening-socket output of ss, netstat or lsof into a listeners-trait document,
so that three peers can be diffed against listeners (`listeners diff`) without a proc root.

Usage:
  tests/peers_to_trait.py ss      [--no-exe] [--owner=first] [FILE4 FILE6]
      `ss -ltnpH -4` and `ss -ltnpH -6` (run here, or their saved outputs).
  tests/peers_to_trait.py netstat [--no-exe] [FILE]
      `netstat -ltnpeW` (run here, or its saved output; -W keeps IPv6 addresses whole: a
      truncated address is an error, not a guess).
  tests/peers_to_trait.py lsof    [--no-exe] [--owner=first] [FILE]
      `lsof -nP -iTCP -sTCP:LISTEN -F pcfnt` (run here, or its saved output).

Every input is read as bytes: process names are whatever the processes set (prctl
PR_SET_NAME), newlines, quotes and invalid UTF-8 included, and become JSON strings the
way the contract maps them (invalid UTF-8: U+FFFD per maximal subpart, which is Python's
"replace"). What each peer can tell:
  ss       every holder of each socket: the owner is the contract's (the lowest pid other
           than 1, pid 1 only alone; --owner=first: the first ss lists), comm is the name ss
           prints. ss prints names raw inside users:(("NAME",pid=N,fd=N),...): a name with a
           newline splits the line, which is joined again here (a line is whole only when
           its users field parses to its closing parenthesis; names are at most 15 bytes,
           TASK_COMM_LEN - 1, so a name cannot forge a whole entry).
  netstat  one pid per socket (the first it found) and the program name from the command
           line (argv[0]'s base name, cut to 15 bytes), not comm: compare with --ignore comm.
  lsof     every holder; "c" is the command name (comm) with lsof's escapes (\\xHH, ^X, \\n,
           \\t, \\b, \\f, \\r, \\\\) undone; sockets are told apart by address and port only
           (lsof -F prints no inode for them), so SO_REUSEPORT groups merge into one row.
exe is readlink(/proc/PID/exe) of the owner when run live (null with --no-exe, for saved
outputs of another host, or when unreadable). Rows are sorted as the contract orders them
(no inode is known: ties keep the peer's order). ss prints "*" for a wildcard: "0.0.0.0"
in -4 output, "::" in -6 output.
"""
import ipaddress
import json
import os
import re
import subprocess
import sys

NAME_MAX = 15  # TASK_COMM_LEN - 1
SS_ENTRY = re.compile(rb'",pid=(\d+),fd=(\d+)\)')


def text(name):
    return name.decode("utf-8", errors="replace")


def parse_users(blob):
    """The (name, pid) entries of an ss process field `users:((...),(...))`, or None when
    the field does not parse to its end (a line split by a newline in a name)."""
    at = blob.find(b"users:(")
    if at < 0:
        return []
    s = blob[at + len(b"users:("):].rstrip(b" \t")
    out = []

    def entries(pos):
        if s[pos:pos + 2] != b'("':
            return False
        start = pos + 2
        for n in range(0, NAME_MAX + 1):  # shortest name whose entry is followed by , or )
            m = SS_ENTRY.match(s, start + n)
            if not m:
                continue
            after = m.end()
            out.append((s[start:start + n], int(m.group(1))))
            if after == len(s) - 1 and s[after:] == b")":
                return True
            if s[after:after + 1] == b"," and entries(after + 1):
                return True
            out.pop()
        return False

    return out if entries(0) else None


def logical_lines(data):
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    i = 0
    while i < len(lines):
        cur = lines[i]
        i += 1
        while b"users:(" in cur and parse_users(cur) is None and i < len(lines):
            cur += b"\n" + lines[i]
            i += 1
        yield cur


def owner_of(pids, first):
    if not pids:
        return None
    if first:
        return pids[0]
    others = sorted(p for p in set(pids) if p != 1)
    return others[0] if others else 1


def exe_of(pid, want_exe):
    if pid is None or not want_exe:
        return None
    try:
        return text(os.readlink(b"/proc/%d/exe" % pid))
    except OSError:
        return None


def split_host_port(local):
    host, _, port = local.rpartition(b":")
    host = host.strip(b"[]").split(b"%", 1)[0]
    return host.decode("ascii", errors="replace"), int(port)


def row(port, family, host, pid, comm, exe):
    if host == "*":
        host = "0.0.0.0" if family == "ipv4" else "::"
    ipaddress.ip_address(host)  # a truncated or garbled address is an error
    return {"port": port, "family": family, "protocol": "tcp", "bind_address": host,
            "pid": pid, "comm": comm, "exe": exe}


def from_ss(data, family, want_exe, first):
    out = []
    for line in logical_lines(data):
        f = line.split(None, 5)
        if len(f) < 5 or f[0] != b"LISTEN":
            continue
        host, port = split_host_port(f[3])
        users = parse_users(f[5]) if len(f) > 5 else []
        if users is None:
            raise ValueError("ss: a users field that does not parse: %r" % line[:200])
        pid = owner_of([p for _, p in users], first)
        comm = text(next(n for n, p in users if p == pid)) if pid is not None else None
        out.append(row(port, family, host, pid, comm, exe_of(pid, want_exe)))
    return out


def from_netstat(data, want_exe):
    out = []
    for line in data.split(b"\n"):
        f = line.split(None, 8)
        if len(f) < 9 or f[0] not in (b"tcp", b"tcp6") or f[5] != b"LISTEN":
            continue
        host, port = split_host_port(f[3])
        family = "ipv6" if f[0] == b"tcp6" else "ipv4"
        prog = f[8].rstrip()
        pid = comm = None
        if prog != b"-":
            p, _, name = prog.partition(b"/")
            pid, comm = int(p), text(name[:NAME_MAX])
        out.append(row(port, family, host, pid, comm, exe_of(pid, want_exe)))
    return out


LSOF_ESC = re.compile(rb"\\x([0-9a-fA-F]{2})|\^(.)|\\([ntbfr\\])")


def lsof_unescape(s):
    def one(m):
        if m.group(1):
            return bytes([int(m.group(1), 16)])
        if m.group(2):
            return bytes([m.group(2)[0] ^ 0x40])
        return {b"n": b"\n", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"r": b"\r",
                b"\\": b"\\"}[m.group(3)]
    return LSOF_ESC.sub(one, s)


def from_lsof(data, want_exe, first):
    socks = {}  # (family, host, port) -> [(pid, comm)]
    order = []
    pid = comm = family = None
    for line in data.split(b"\n"):
        if not line:
            continue
        tag, val = line[:1], line[1:]
        if tag == b"p":
            pid, comm = int(val), None
        elif tag == b"c":
            comm = text(lsof_unescape(val))
        elif tag == b"f":
            family = None
        elif tag == b"t":
            family = {b"IPv4": "ipv4", b"IPv6": "ipv6"}.get(val)
        elif tag == b"n" and family is not None:
            host, port = split_host_port(val.split(b"->", 1)[0])
            key = (family, host, port)
            if key not in socks:
                socks[key] = []
                order.append(key)
            socks[key].append((pid, comm))
    out = []
    for key in order:
        holders = socks[key]
        owner = owner_of([p for p, _ in holders], first)
        name = next(c for p, c in holders if p == owner)
        out.append(row(key[2], key[0], key[1], owner, name, exe_of(owner, want_exe)))
    return out


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True).stdout


def read(path):
    with open(path, "rb") as fh:
        return fh.read()


def main(argv):
    if not argv or argv[0] not in ("ss", "netstat", "lsof"):
        sys.stderr.write(__doc__)
        return 2
    peer, args = argv[0], argv[1:]
    want_exe = "--no-exe" not in args
    first = "--owner=first" in args
    files = [a for a in args if a not in ("--no-exe", "--owner=first")]
    if peer == "ss":
        texts = [read(p) for p in files[:2]] if files else \
            [run(["ss", "-ltnpH", flag]) for flag in ("-4", "-6")]
        rows = from_ss(texts[0], "ipv4", want_exe, first) + \
            from_ss(texts[1] if len(texts) > 1 else b"", "ipv6", want_exe, first)
    elif peer == "netstat":
        rows = from_netstat(read(files[0]) if files else run(["netstat", "-ltnpeW"]), want_exe)
    else:
        data = read(files[0]) if files else \
            subprocess.run(["lsof", "-nP", "-iTCP", "-sTCP:LISTEN", "-F", "pcfnt"],
                           capture_output=True).stdout  # exit 1 when there is none
        rows = from_lsof(data, want_exe, first)
    rows.sort(key=lambda r: (r["port"], r["family"], ipaddress.ip_address(r["bind_address"]).packed))
    doc = json.dumps({"listeners": {"listeners": rows}}, ensure_ascii=False, separators=(",", ":"))
    sys.stdout.buffer.write(doc.encode("utf-8") + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
