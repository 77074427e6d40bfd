#!/usr/bin/env python3
"""Captures the sock_diag dumps of tests/data/real (PROVENANCE.md section F).

Usage (as root): tests/tools/capture_sock_diag.py BUILD_DIR OUT_DIR

Opens known sockets, runs BUILD_DIR/tests/sock_diag_dump for each dump kind
while holding them, writes OUT_DIR/sockdiag-<kind>-thismachine-<release>.bin
and prints the record (kernel, date, the sockets and their inodes) that
PROVENANCE.md quotes.
"""
import ctypes
import datetime
import os
import socket
import struct
import subprocess
import sys

build, out = sys.argv[1], sys.argv[2]
tool = os.path.join(build, "tests", "sock_diag_dump")
rel = os.uname().release
held = []

def hold(kind, s, what):
    held.append(s)
    print("%s\tinode %d\t%s" % (kind, os.fstat(s.fileno()).st_ino, what))

print("uname -r: %s" % rel)
print("uname -m: %s" % os.uname().machine)
print("date (UTC): %s" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
print("pid %d uid %d" % (os.getpid(), os.getuid()))

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0)); s.listen(7)
hold("tcp4", s, "AF_INET TCP LISTEN 127.0.0.1:%d backlog 7" % s.getsockname()[1])
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind(("::1", 0)); s.listen(5)
hold("tcp6", s, "AF_INET6 TCP LISTEN [::1]:%d v6only backlog 5" % s.getsockname()[1])
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::ffff:127.0.0.1", 0)); s.listen(3)
hold("tcp6", s, "AF_INET6 TCP LISTEN [::ffff:127.0.0.1]:%d (v4-mapped) backlog 3" % s.getsockname()[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
hold("udp4", s, "AF_INET UDP bound 127.0.0.1:%d" % s.getsockname()[1])
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::1", 0)); s.connect(("::1", 9))
hold("udp6", s, "AF_INET6 UDP bound [::1]:%d connected to [::1]:9" % s.getsockname()[1])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
hold("raw4", s, "AF_INET SOCK_RAW IPPROTO_ICMP unbound")
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.bind(("::1", 0))
hold("raw6", s, "AF_INET6 SOCK_RAW IPPROTO_ICMPV6 bound ::1")
ETH_P_ALL, ETH_P_IP = 0x0003, 0x0800
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
SO_ATTACH_FILTER = 26

def attach(sock, prog):
    """SO_ATTACH_FILTER with a classic program (code, jt, jf, k) list."""
    code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *i) for i in prog))
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER,
                    struct.pack("HL", len(prog), ctypes.addressof(code)))

attach(s, [(0x06, 0, 0, 0)])  # ret #0
hold("packet", s, "AF_PACKET SOCK_RAW htons(ETH_P_ALL) SO_ATTACH_FILTER 1 insn (ret #0)")
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_IP))
# ldh [12]; jeq #0x800 jt 0 jf 1; ret #0xffff; ret #0
attach(s, [(0x28, 0, 0, 12), (0x15, 0, 1, 0x0800), (0x06, 0, 0, 0xFFFF), (0x06, 0, 0, 0)])
s.bind(("lo", 0))
hold("packet", s, "AF_PACKET SOCK_DGRAM htons(ETH_P_IP) bound to lo, SO_ATTACH_FILTER 4 insns")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
hold("packet", s, "AF_PACKET SOCK_RAW protocol 0, no filter")

for kind in ("tcp4", "tcp6", "udp4", "udp6", "raw4", "raw6", "packet"):
    path = os.path.join(out, "sockdiag-%s-thismachine-%s.bin" % (kind, rel))
    subprocess.run([tool, kind, path], check=True)
    print("%s: %d bytes" % (os.path.basename(path), os.path.getsize(path)))
