#!/usr/bin/python3
"""source_netlink_live.py OUT - real sockets for tests/cli/source_netlink_live.sh.

Run as root inside a network namespace of the test's own, lo up. Makes
listening TCP sockets on 127.0.0.1, 0.0.0.0, ::1, :: and ::ffff:127.0.0.1
(IPV6_V6ONLY off), two SO_REUSEPORT groups of 8 (v4 and v6), more on
ephemeral ports up to 320 listeners in all (net/tcp and net/tcp6 then take
several read() calls); udp bound and not connected (rows) and connected (no
rows); an AF_PACKET socket. A forked child holds a few of them too (a second
holder). Writes the rows the collector must give to OUT (JSON: protocol,
family, address, port) and sleeps until killed.
"""
import json, os, signal, socket, sys, time

libc_prctl = None
try:
    import ctypes
    libc_prctl = ctypes.CDLL(None).prctl
except OSError:
    pass

signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
out = sys.argv[1]
keep, rows = [], []
TOTAL_TCP = 320


def tcp(fam, addr, port=0, reuseport=False, v6only=None):
    s = socket.socket(fam, socket.SOCK_STREAM)
    if reuseport:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
    s.bind((addr, port))
    s.listen(8)
    keep.append(s)
    rows.append({"protocol": "tcp", "family": "ipv6" if fam == socket.AF_INET6 else "ipv4",
                 "address": addr, "port": s.getsockname()[1]})
    return s.getsockname()[1]


tcp(socket.AF_INET, "127.0.0.1")
tcp(socket.AF_INET, "0.0.0.0")
tcp(socket.AF_INET6, "::1")
tcp(socket.AF_INET6, "::", v6only=0)
tcp(socket.AF_INET6, "::ffff:127.0.0.1", v6only=0)
port4 = tcp(socket.AF_INET, "127.0.0.1", reuseport=True)
for _ in range(7):
    tcp(socket.AF_INET, "127.0.0.1", port4, reuseport=True)
port6 = tcp(socket.AF_INET6, "::", reuseport=True, v6only=1)
for _ in range(7):
    tcp(socket.AF_INET6, "::", port6, reuseport=True, v6only=1)
i = 0
while len(rows) < TOTAL_TCP:
    if i % 2:
        tcp(socket.AF_INET6, "::1")
    else:
        tcp(socket.AF_INET, "127.0.0.1")
    i += 1
# an established pair (no rows): a client and its accepted end
c = socket.create_connection(("127.0.0.1", rows[0]["port"]))
keep.append(c)
keep.append(keep[0].accept()[0])

for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET, "0.0.0.0"),
                  (socket.AF_INET6, "::1"), (socket.AF_INET6, "::")):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((addr, 0))
    keep.append(s)
    rows.append({"protocol": "udp", "family": "ipv6" if fam == socket.AF_INET6 else "ipv4",
                 "address": addr, "port": s.getsockname()[1]})
for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    s = socket.socket(fam, socket.SOCK_DGRAM)  # connected: no row
    s.connect((addr, 9))
    keep.append(s)
p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
keep.append(p)
rows.append({"protocol": "packet", "family": None, "address": None, "port": None})

child = os.fork()
if child == 0:  # holds every socket above too: a second holder of each
    if libc_prctl:
        libc_prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG SIGKILL
    while True:
        time.sleep(60)
tmp = out + ".tmp"
with open(tmp, "w") as f:
    json.dump({"parent": os.getpid(), "child": child, "rows": rows}, f)
os.rename(tmp, out)
try:
    while True:
        time.sleep(60)
finally:
    os.kill(child, signal.SIGKILL)
