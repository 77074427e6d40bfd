#!/usr/bin/env python3
"""peers_to_trait.py LISTENERS - tests of tests/peers_to_trait.py (issue 18): the ss, netstat
and lsof importers on hostile names.

Offline: saved outputs with a name holding a newline (ss splits its line), a quote and a
forged ",pid=1,fd=2)" inside the name, invalid UTF-8, lsof's escapes; each must give the
rows and names the processes really had (U+FFFD per maximal subpart for invalid UTF-8).
Live (root, in a network namespace this script makes with unshare -n): a process named
"ev\\nil\\xff\\"x" (prctl PR_SET_NAME) listens on 127.0.0.1 and ::1; ss, netstat and lsof
run for real, each import is compared with the listeners CLI's rows: ss and lsof every
field but exe, netstat port, family, address and pid (its name is argv[0], not comm).
Missing ss, netstat or lsof, or no unshare: a printed reason and exit 77.
"""
import ctypes
import json
import os
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import peers_to_trait as pt  # noqa: E402

fails = 0


def ok(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        fails += 1


def offline():
    # ss: the owner's name holds a newline, so ss's line is split in two.
    ss4 = (b'LISTEN 0 128 127.0.0.1:8080 0.0.0.0:* users:(("ev\nil",pid=42,fd=3),'
           b'("init",pid=1,fd=9))\n'
           b'LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:(("a\\",pid=1,fd=2)",pid=77,fd=3))\n'
           b'LISTEN 0 128 *:9 *:* users:(("\xff\xfeab\xe2\x82",pid=5,fd=4))\n'
           b'LISTEN 0 128 127.0.0.1:10 0.0.0.0:*\n')
    rows = pt.from_ss(ss4, "ipv4", False, False)
    got = [(r["port"], r["bind_address"], r["pid"], r["comm"]) for r in rows]
    ok(got == [(8080, "127.0.0.1", 42, "ev\nil"), (22, "0.0.0.0", 77, 'a\\",pid=1,fd=2)'),
               (9, "0.0.0.0", 5, "\ufffd\ufffdab\ufffd"), (10, "127.0.0.1", None, None)],
       "ss: a name with a newline joins its line again, a forged entry inside a name stays the "
       "name, invalid UTF-8 is U+FFFD per maximal subpart, a socket without users is null: %r"
       % (got,))
    ok(pt.from_ss(ss4, "ipv4", False, True)[0]["pid"] == 42, "ss --owner=first: ss's first user")
    try:
        pt.from_ss(b'LISTEN 0 1 1.2.3.4:1 0.0.0.0:* users:(("x",pid=1,fd=2)\n', "ipv4", False, False)
        ok(False, "ss: a users field that never closes is an error")
    except ValueError:
        ok(True, "ss: a users field that never closes is an error")
    # netstat -ltnpeW
    ns = (b"Active Internet connections (only servers)\n"
          b"Proto Recv-Q Send-Q Local Address           Foreign Address         State       User"
          b"       Inode      PID/Program name    \n"
          b"tcp        0      0 127.0.0.1:631           0.0.0.0:*               LISTEN      0     "
          b"     21234      812/cupsd           \n"
          b"tcp6       0      0 ::1:631                 :::*                    LISTEN      0     "
          b"     21233      812/cupsd           \n"
          b"tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      0     "
          b"     1999       -                   \n"
          b"tcp6       0      0 fe80::1ff:fe23:4567:890a:8080 :::* LISTEN 1000 5 9/a b\xff\n")
    got = [(r["port"], r["family"], r["bind_address"], r["pid"], r["comm"])
           for r in pt.from_netstat(ns, False)]
    ok(got == [(631, "ipv4", "127.0.0.1", 812, "cupsd"), (631, "ipv6", "::1", 812, "cupsd"),
               (22, "ipv4", "0.0.0.0", None, None),
               (8080, "ipv6", "fe80::1ff:fe23:4567:890a", 9, "a b\ufffd")],
       "netstat: both families, '-' is null, names with spaces and invalid UTF-8: %r" % (got,))
    try:
        pt.from_netstat(b"tcp6 0 0 2001:db8:1234:5678:9abc:de:8080 :::* LISTEN 0 1 1/x\n", False)
        ok(False, "netstat: a truncated IPv6 address (no -W) is an error")
    except ValueError:
        ok(True, "netstat: a truncated IPv6 address (no -W) is an error")
    # lsof -F pcfnt: two holders of one socket, escapes undone
    ls = (b"p300\ncev\\nil\\xff^A\nf3\ntIPv4\nn127.0.0.1:8080\n"
          b"p12\ncsshd\nf4\ntIPv4\nn127.0.0.1:8080\nf5\ntIPv6\nn[::1]:8080\nf6\ntIPv4\nn*:22\n")
    got = [(r["port"], r["family"], r["bind_address"], r["pid"], r["comm"])
           for r in pt.from_lsof(ls, False, False)]
    ok(got == [(8080, "ipv4", "127.0.0.1", 12, "sshd"), (8080, "ipv6", "::1", 12, "sshd"),
               (22, "ipv4", "0.0.0.0", 12, "sshd")],
       "lsof: the lowest pid owns a shared socket, families from t, * is the wildcard: %r"
       % (got,))
    got = pt.from_lsof(ls, False, True)[0]
    ok((got["pid"], got["comm"]) == (300, "ev\nil\ufffd\x01"),
       "lsof --owner=first: lsof's escapes (\\n, \\xff, ^A) undone: %r" % (got["comm"],))


NAME = b'ev\nil\xff"x'


def live(cli):
    for tool in ("ss", "netstat", "lsof", "unshare", "ip"):
        if not shutil.which(tool):
            print("skipped (live part): %s is not installed" % tool)
            return 77
    if os.environ.get("LSN_PEERS_NETNS") != "1":
        r = subprocess.run(["unshare", "-n", "env", "LSN_PEERS_NETNS=1", sys.executable,
                            os.path.abspath(__file__), cli])
        return r.returncode
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(15, ctypes.c_char_p(NAME), 0, 0, 0)  # PR_SET_NAME
        s4 = socket.socket()
        s4.bind(("127.0.0.1", 0))
        s4.listen()
        s6 = socket.socket(socket.AF_INET6)
        s6.bind(("::1", s4.getsockname()[1]))
        s6.listen()
        os.write(w, b"%d\n" % s4.getsockname()[1])
        time.sleep(60)
        os._exit(0)
    os.close(w)
    port = int(os.read(r, 64))
    try:
        ours = json.loads(subprocess.run([cli], check=True, capture_output=True).stdout)
        ours = [x for x in ours["listeners"]["listeners"] if x["port"] == port]
        want = sorted((x["family"], x["bind_address"], x["pid"], x["comm"]) for x in ours)
        ok(len(want) == 2 and all(x[2] == pid for x in want)
           and all(x[3] == pt.text(NAME) for x in want),
           "listeners: both sockets, pid %d, comm %r: %r" % (pid, pt.text(NAME), want))
        for peer, args in (("ss", []), ("lsof", []), ("netstat", [])):
            out = subprocess.run([sys.executable, os.path.join(HERE, "..", "peers_to_trait.py"),
                                  peer, "--no-exe"] + args, capture_output=True)
            ok(out.returncode == 0, "%s import exits 0 (%s)" % (peer, out.stderr[-300:]))
            if out.returncode != 0:
                continue
            rows = [x for x in json.loads(out.stdout)["listeners"]["listeners"]
                    if x["port"] == port]
            got = sorted((x["family"], x["bind_address"], x["pid"], x["comm"]) for x in rows)
            if peer == "netstat":
                ok([g[:3] for g in got] == [w[:3] for w in want],
                   "netstat import: family, address, pid as listeners: %r" % (got,))
            else:
                ok(got == want, "%s import: family, address, pid, comm as listeners: %r"
                   % (peer, got))
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    return 0


def main():
    cli = sys.argv[1]
    if os.environ.get("LSN_PEERS_NETNS") != "1":
        offline()
    rc = live(cli)
    if os.environ.get("LSN_PEERS_NETNS") == "1":
        return 1 if fails else 0
    if rc not in (0, 77) or fails:
        return 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
