#!/usr/bin/python3
"""protocols_live.py OUT - real sockets for tests/collector/protocols_live.sh.

Run as root inside a network namespace of the test's own. Makes the sockets
issue 16 names and writes what the collector must say of them to OUT (JSON),
then sleeps until killed:
  udp bound on 0.0.0.0, ::, ::ffff:127.0.0.1 and 127.0.0.1, and one
  connected (no row); raw ICMP and raw ICMPv6; AF_PACKET ETH_P_ALL, and one
  with SO_ATTACH_FILTER; a udp socket shared with a forked child (two
  holders); a udp socket made after a fork and passed to that child with
  SCM_RIGHTS (owner the parent, the child a holder: the "thief"); a udp
  socket of a process that runs as uid 65534.
"""
import array, ctypes, json, os, signal, socket, struct, sys, time

libc = ctypes.CDLL(None)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # the test's kill: run the finally


def die_with_parent():
    libc.prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG SIGKILL: no child outlives the test

out = sys.argv[1]
keep = []
facts = {"parent": os.getpid(), "rows": []}

def inode(s):
    return os.fstat(s.fileno()).st_ino

def row(kind, s, **kw):
    d = {"kind": kind, "inode": inode(s)}
    d.update(kw)
    facts["rows"].append(d)
    keep.append(s)

for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::"),
                  (socket.AF_INET6, "::ffff:127.0.0.1"), (socket.AF_INET, "127.0.0.1")):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if fam == socket.AF_INET6 and addr == "::":
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind((addr, 0))
    row("udp", s, port=s.getsockname()[1], address=addr,
        family="ipv6" if fam == socket.AF_INET6 else "ipv4")
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c.connect(("127.0.0.1", 9))
facts["connected"] = {"inode": inode(c), "port": c.getsockname()[1]}
keep.append(c)
r4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
row("raw", r4, ip_protocol=1, family="ipv4", address="0.0.0.0")
r6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
row("raw", r6, ip_protocol=58, family="ipv6", address="::")
p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
row("packet", p, ethertype=3, ifindex=0)
f = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
insn = (ctypes.c_ubyte * 8).from_buffer_copy(struct.pack("HBBI", 0x06, 0, 0, 0))  # ret #0
prog = struct.pack("HxxxxxxQ", 1, ctypes.addressof(insn))
f.setsockopt(socket.SOL_SOCKET, 26, prog)  # SO_ATTACH_FILTER
f.bind(("lo", 0))
row("packet", f, ethertype=0x0800, ifindex=socket.if_nametoindex("lo"), interface="lo")
shared = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
shared.bind(("127.0.0.1", 0))
row("udp", shared, port=shared.getsockname()[1], address="127.0.0.1", family="ipv4", shared=True)

a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
child = os.fork()
if child == 0:  # inherits everything above; later receives the stolen socket
    die_with_parent()
    a.close()
    msg, anc, flags, addr = b.recvmsg(1, socket.CMSG_SPACE(4))
    fds = array.array("i")
    fds.frombytes(anc[0][2][:4])
    stolen = socket.socket(fileno=fds[0])
    while True:
        time.sleep(60)
facts["child"] = child
stolen = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
stolen.bind(("127.0.0.1", 0))
row("udp", stolen, port=stolen.getsockname()[1], address="127.0.0.1", family="ipv4", stolen=True)
a.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [stolen.fileno()]))])

rd, wr = os.pipe()
nobody = os.fork()
if nobody == 0:  # holds nothing of the parent's: only its own socket
    die_with_parent()
    os.closerange(3, wr)
    os.closerange(wr + 1, 4096)
    os.setgid(65534)
    os.setuid(65534)
    # a uid change makes the process undumpable: its /proc/<pid>/fd would be
    # root's. A process started as nobody is dumpable; be one.
    libc.prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE
    n = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    n.bind(("127.0.0.1", 0))
    os.write(wr, json.dumps({"inode": inode(n), "port": n.getsockname()[1]}).encode())
    os.close(wr)
    while True:
        time.sleep(60)
os.close(wr)
facts["nobody"] = json.loads(os.read(rd, 4096))
facts["nobody"]["pid"] = nobody
time.sleep(0.2)  # the child has the stolen socket
with open(out + ".tmp", "w") as fh:
    json.dump(facts, fh)
os.rename(out + ".tmp", out)
try:
    time.sleep(120)
finally:
    os.kill(child, 9)
    os.kill(nobody, 9)
