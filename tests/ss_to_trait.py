#!/usr/bin/env python3
"""Converts `ss -ltnpH` (iproute2) output into a listeners-trait document.

Usage: tests/ss_to_trait.py [--no-exe] [--owner=first] [FILE4 FILE6]
  Without files it runs `ss -ltnpH -4` and `ss -ltnpH -6` itself; with files it
  reads their saved outputs (family from the file: the first is -4, the second -6).

The owner is the contract's: the lowest pid other than 1 among the users ss lists,
pid 1 only when alone; --owner=first takes the first user ss lists instead (what a
tool that does not apply the rule reports). comm is the name ss prints (the kernel's comm, as ss reads
it), exe is readlink(/proc/PID/exe) (null with --no-exe or when unreadable).
ss prints "*" for the IPv6 wildcard of a dual-stack socket; it becomes "::".
Rows are sorted as the contract orders them (no inode is known: ties keep ss order).
"""
import ipaddress
import json
import os
import re
import subprocess
import sys

USER = re.compile(r'\("((?:[^"\\]|\\.)*)",pid=(\d+),fd=\d+\)')


def rows(text, family, want_exe, first):
    out = []
    for line in text.splitlines():
        f = line.split()
        if len(f) < 5 or f[0] != "LISTEN":
            continue
        local = f[3]
        host, _, port = local.rpartition(":")
        host = host.strip("[]")
        host = host.split("%", 1)[0]  # 127.0.0.53%lo
        if host == "*":
            host = "0.0.0.0" if family == "ipv4" else "::"
        users = [(name, int(pid)) for name, pid in USER.findall(" ".join(f[5:]))]
        owner = None
        pids = sorted({p for _, p in users})
        if users and first:
            owner = users[0][1]
        elif pids:
            others = [p for p in pids if p != 1]
            owner = others[0] if others else 1
        comm = exe = None
        if owner is not None:
            comm = next(n for n, p in users if p == owner)
            if want_exe:
                try:
                    exe = os.readlink("/proc/%d/exe" % owner)
                except OSError:
                    exe = None
        out.append({"port": int(port), "family": family, "protocol": "tcp",
                    "bind_address": host, "pid": owner, "comm": comm, "exe": exe})
    return out


def main(argv):
    want_exe = "--no-exe" not in argv
    first = "--owner=first" in argv
    files = [a for a in argv if a not in ("--no-exe", "--owner=first")]
    if files:
        texts = [open(p, encoding="utf-8", errors="replace").read() for p in files[:2]]
    else:
        texts = [subprocess.run(["ss", "-ltnpH", flag], check=True, capture_output=True,
                                text=True).stdout for flag in ("-4", "-6")]
    all_rows = rows(texts[0], "ipv4", want_exe, first) + rows(texts[1], "ipv6", want_exe, first)

    def key(r):
        ip = ipaddress.ip_address(r["bind_address"])
        return (r["port"], r["family"], ip.packed)
    all_rows.sort(key=key)
    sys.stdout.write(json.dumps({"listeners": {"listeners": all_rows}}, ensure_ascii=False,
                                separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
