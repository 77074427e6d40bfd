#!/usr/bin/env python3
"""ndjson_filters.py LISTENERS - issue 19 on fixture trees (any user, no
network): --format ndjson (rows of the JSON array, extension keys kept, a
partial result's last line, diff reads it), the --host envelope (fields,
hostile hostname bytes escaped, machine_id null or from the tree,
collected_at RFC 3339 UTC, diff accepts and skips it), the filters --port
--pid --address --comm --exe (globs on bytes that are not UTF-8, an
IPv4-mapped spelling, a holder that is not the owner selects nothing),
table -H and -o, usage errors naming the option, and the output without
the new flags byte for byte as before."""
import calendar
import json
import os
import re
import subprocess
import sys
import tempfile
import time

L = sys.argv[1]
sys.dont_write_bytecode = True  # no tests/__pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import Checks  # noqa: E402 (tests/checks.py)

check = Checks()


def run(*args, stdin=None):
    p = subprocess.run([L] + list(args), capture_output=True)
    return p.returncode, p.stdout, p.stderr


HEADER = b"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"


def line4(sl, hexip, port, inode, uid=0):
    return b"%4d: %s:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000 %5d        0 %d 1 0000000000000000 100 0 0 10 0\n" % (
        sl, hexip, port, uid, inode)


def line6(sl, hexip, port, inode, uid=0):
    return b"%4d: %s:%04X 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 %5d        0 %d 1 0000000000000000 100 0 0 10 0\n" % (
        sl, hexip, port, uid, inode)


def proc(root, pid, comm, exe, inodes):
    os.makedirs(os.path.join(root, str(pid), "fd"))
    for i, ino in enumerate(inodes):
        os.symlink(b"socket:[%d]" % ino, os.path.join(root.encode(), b"%d/fd/%d" % (pid, 3 + i)))
    with open(os.path.join(root, str(pid), "comm"), "wb") as f:
        f.write(comm + b"\n")
    os.symlink(exe, os.path.join(root.encode(), b"%d/exe" % pid))


def tree(root, extra_unowned=0):
    """Words in little-endian order, said by the MANIFEST, on any host."""
    os.makedirs(os.path.join(root, "net"))
    with open(os.path.join(root, "MANIFEST"), "w") as f:
        f.write("format=listeners-snapshot 1\nbyte_order=little-endian\n")
    t4 = HEADER + line4(0, b"00000000", 22, 1001) + line4(1, b"0100007F", 8080, 1002, 1000)
    t4 += line4(2, b"00000000", 9999, 1006)
    for k in range(extra_unowned):
        t4 += line4(3 + k, b"00000000", 10000 + k, 2000 + k)
    with open(os.path.join(root, "net", "tcp"), "wb") as f:
        f.write(t4)
    t6 = HEADER + line6(0, b"0000000000000000FFFF00000500000A", 443, 1003)
    t6 += line6(1, b"00000000000000000000000001000000", 53, 1005)
    with open(os.path.join(root, "net", "tcp6"), "wb") as f:
        f.write(t6)
    proc(root, 100, b"sshd", b"/usr/sbin/sshd", [1001])
    proc(root, 200, b"web", b"/opt/web/bin/web", [1002])
    proc(root, 300, b"worker", b"/opt/web/bin/worker", [1002])  # a holder, not the owner
    proc(root, 400, b"nginx", b"/usr/sbin/nginx", [1003])
    proc(root, 500, b"d\xffns", b"/usr/bin/d\xffns", [1005])
    os.makedirs(os.path.join(root, "sys", "kernel", "random"))
    with open(os.path.join(root, "sys", "kernel", "hostname"), "wb") as f:
        f.write(b'h"o\\s\x1bt\nx\xff\xe2\x80\xae\n')
    with open(os.path.join(root, "sys", "kernel", "random", "boot_id"), "wb") as f:
        f.write(b"0f1e2d3c-0000-4000-8000-123456789abc\n")
    with open(os.path.join(root, "sys", "kernel", "osrelease"), "wb") as f:
        f.write(b"6.1.0-test\n")


EXPECT_JSON = (
    b'{"listeners":{"listeners":['
    b'{"port":22,"family":"ipv4","protocol":"tcp","bind_address":"0.0.0.0","pid":100,"comm":"sshd","exe":"/usr/sbin/sshd"},'
    b'{"port":53,"family":"ipv6","protocol":"tcp","bind_address":"::1","pid":500,"comm":"d\xef\xbf\xbdns","exe":"/usr/bin/d\xef\xbf\xbdns"},'
    b'{"port":443,"family":"ipv6","protocol":"tcp","bind_address":"::ffff:10.0.0.5","pid":400,"comm":"nginx","exe":"/usr/sbin/nginx"},'
    b'{"port":8080,"family":"ipv4","protocol":"tcp","bind_address":"127.0.0.1","pid":200,"comm":"web","exe":"/opt/web/bin/web"},'
    b'{"port":9999,"family":"ipv4","protocol":"tcp","bind_address":"0.0.0.0","pid":null,"comm":null,"exe":null}'
    b']}}\n')
EXPECT_TABLE = (
    b"PORT  FAMILY  ADDRESS          PID  COMM     EXE\n"
    b"  22  ipv4    0.0.0.0          100  sshd     /usr/sbin/sshd\n"
    b"  53  ipv6    ::1              500  d\\xffns  /usr/bin/d\\xffns\n"
    b" 443  ipv6    ::ffff:10.0.0.5  400  nginx    /usr/sbin/nginx\n"
    b"8080  ipv4    127.0.0.1        200  web      /opt/web/bin/web\n"
    b"9999  ipv4    0.0.0.0            -  -        -\n")


def ports(out):
    return [r["port"] for r in json.loads(out)["listeners"]["listeners"]]


with tempfile.TemporaryDirectory() as tmp:
    T = os.path.join(tmp, "t")
    tree(T)

    # ---- without the new flags: the bytes of before ----
    rc, out, err = run("--proc", T)
    check("default JSON byte for byte", rc == 0 and out == EXPECT_JSON and err == b"", (rc, out, err))
    rc, table, err = run("--proc", T, "--format", "table")
    check("default table byte for byte", rc == 0 and table == EXPECT_TABLE, table)

    # ---- ndjson ----
    for opts in ([], ["--uid"], ["--holders"], ["--uid", "--holders"]):
        _, doc, _ = run("--proc", T, *opts)
        rc, nd, err = run("--proc", T, "--format", "ndjson", *opts)
        lines = nd.split(b"\n")
        check("ndjson %s: the array's rows, one per line" % " ".join(opts),
              rc == 0 and nd.endswith(b"\n") and lines[-1] == b"" and
              b'{"listeners":{"listeners":[' + b",".join(lines[:-1]) + b"]}}\n" == doc, nd)
    check("ndjson --holders keeps the extension key",
          all("holders" in json.loads(l) for l in run("--proc", T, "--format", "ndjson", "--holders")[1].splitlines()))
    with open(os.path.join(tmp, "a.json"), "wb") as f:
        f.write(run("--proc", T)[1])
    with open(os.path.join(tmp, "a.nd"), "wb") as f:
        f.write(run("--proc", T, "--format", "ndjson")[1])
    rc, out, err = run("diff", os.path.join(tmp, "a.nd"), os.path.join(tmp, "a.json"))
    check("diff: ndjson against the JSON of the same tree is equal", rc == 0 and out.startswith(b"equal"), (rc, out, err))

    # partial: a table over --max-table-size
    P = os.path.join(tmp, "p")
    tree(P, extra_unowned=60)
    rc, nd, err = run("--proc", P, "--format", "ndjson", "--max-table-size", "4096")
    lines = nd.splitlines()
    check("ndjson partial: exit 3, last line {\"partial\":true}",
          rc == 3 and lines[-1] == b'{"partial":true}' and len(lines) > 1 and b"partial" in err, (rc, nd[-200:], err))
    rc2, doc, _ = run("--proc", P, "--max-table-size", "4096")
    with open(os.path.join(tmp, "p.nd"), "wb") as f:
        f.write(nd)
    with open(os.path.join(tmp, "p.json"), "wb") as f:
        f.write(doc)
    rc, out, err = run("diff", os.path.join(tmp, "p.nd"), os.path.join(tmp, "p.json"))
    check("diff reads the partial NDJSON: equal, both sides said partial",
          rc2 == 3 and rc == 0 and out.count(b"partial  ") == 2, (rc, out, err))
    with open(os.path.join(tmp, "bad.nd"), "wb") as f:
        f.write(nd.replace(b'{"partial":true}', b'{"partial":false}'))
    rc, out, err = run("diff", os.path.join(tmp, "bad.nd"), os.path.join(tmp, "p.json"))
    check("diff: an NDJSON partial line that is not true is bad input", rc == 2, (rc, err))
    rc, nd, err = run("--proc", P, "--format", "ndjson", "--max-table-size", "4096", "--host")
    last = json.loads(nd.splitlines()[-1])
    check("ndjson partial with --host: the last line has the envelope",
          rc == 3 and list(last) == ["partial", "host"] and last["partial"] is True, nd[-300:])

    # ---- the envelope ----
    rc, out, err = run("--proc", T, "--host")
    before = int(time.time())
    d = json.loads(out)
    h = d["host"]
    check("--host: {\"host\":{...},\"listeners\":<the trait's value>}",
          rc == 0 and list(d) == ["host", "listeners"] and
          out[out.index(b',"listeners":') + 13:] == EXPECT_JSON[len(b'{"listeners":'):], out)
    check("--host: the fields, in order",
          list(h) == ["schema_version", "hostname", "boot_id", "machine_id", "kernel_release",
                      "collected_at", "listeners_version"], list(h))
    check("--host: hostile hostname bytes escaped (quote, backslash, ESC, newline, 0xff, U+202E)",
          h["hostname"] == 'h"o\\s\x1bt\nx\ufffd\u202e' and
          b'"hostname":"h\\"o\\\\s\\u001bt\\nx\xef\xbf\xbd\\u202e"' in out and
          not re.search(rb"[\x00-\x1f]", out[:-1]), out[:300])
    check("--host: boot_id, kernel_release, schema_version, listeners_version",
          h["boot_id"] == "0f1e2d3c-0000-4000-8000-123456789abc" and
          h["kernel_release"] == "6.1.0-test" and h["schema_version"] == 1 and
          h["listeners_version"] == run("--version")[1].decode().split()[1], h)
    check("--host: machine_id null when the tree has none", h["machine_id"] is None, h)
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z", h["collected_at"])
    check("--host: collected_at is RFC 3339 UTC to the second, now",
          m is not None and abs(calendar.timegm(time.strptime(h["collected_at"], "%Y-%m-%dT%H:%M:%SZ")) -
                                before) < 120, h["collected_at"])
    os.makedirs(os.path.join(T, "etc"))
    with open(os.path.join(T, "etc", "machine-id"), "w") as f:
        f.write("00112233445566778899aabbccddeeff\n")
    h2 = json.loads(run("--proc", T, "--host")[1])["host"]
    check("--host: machine_id read from the tree's etc/machine-id",
          h2["machine_id"] == "00112233445566778899aabbccddeeff", h2)
    rc, out, err = run("--proc", T, "--host", "--pretty")
    check("--host --pretty parses, same content",
          rc == 0 and json.loads(out)["listeners"] == json.loads(EXPECT_JSON)["listeners"], out)
    rc, nd, err = run("--proc", T, "--format", "ndjson", "--host")
    plain = run("--proc", T, "--format", "ndjson")[1].splitlines()
    rows = nd.splitlines()
    ok = rc == 0 and len(rows) == len(plain)
    for r, p in zip(rows, plain):
        i = r.find(b',"host":{')
        ok = ok and i > 0 and r[:i] + b"}" == p and list(json.loads(r))[-1] == "host" and \
            json.loads(r)["host"]["machine_id"] == "00112233445566778899aabbccddeeff"
    check("ndjson --host: every line the plain row plus a last \"host\" key", ok, nd[:400])
    for name, data in (("json", run("--proc", T, "--host")[1]), ("ndjson", nd)):
        with open(os.path.join(tmp, "h"), "wb") as f:
            f.write(data)
        rc, out, err = run("diff", os.path.join(tmp, "h"), os.path.join(tmp, "a.json"))
        check("diff accepts and skips the envelope (%s)" % name, rc == 0, (rc, out, err))
    with open(os.path.join(tmp, "h"), "wb") as f:
        f.write(b'{"host":1,"listeners":{"listeners":[]}}\n')
    rc, out, err = run("diff", os.path.join(tmp, "h"), os.path.join(tmp, "h"))
    check("diff: a host that is not an object is bad input", rc == 2 and b"host" in err, err)
    rc, out, err = run("--host")  # live: /proc's files, /etc/machine-id
    h3 = json.loads(out)["host"]
    with open("/proc/sys/kernel/hostname") as f:
        hn = f.read().rstrip("\n")
    mid = None
    if os.path.exists("/etc/machine-id"):
        with open("/etc/machine-id") as f:
            mid = f.read().rstrip("\n")
    with open("/proc/sys/kernel/osrelease") as f:
        rel = f.read().rstrip("\n")
    check("--host live: hostname, kernel_release, machine_id of this host",
          rc in (0, 3) and h3["hostname"] == hn and h3["kernel_release"] == rel and h3["machine_id"] == mid, h3)

    # ---- filters ----
    def sel(*args):
        rc, out, err = run("--proc", T, *args)
        return (rc, ports(out)) if rc == 0 else (rc, err)
    check("--port 22", sel("--port", "22") == (0, [22]))
    check("--port 22,443,1", sel("--port", "22,443,1") == (0, [22, 443]))
    check("--pid 200: the owner's row", sel("--pid", "200") == (0, [8080]))
    check("--pid 300: a holder that is not the owner selects nothing", sel("--pid", "300") == (0, []))
    check("--comm exact", sel("--comm", "nginx") == (0, [443]))
    check("--comm glob", sel("--comm", "[sw]*") == (0, [22, 8080]))
    check("--exe glob over /", sel("--exe", "/usr/*") == (0, [22, 53, 443]))
    check("--exe exact bytes that are not UTF-8", sel("--exe", b"/usr/bin/d\xffns") == (0, [53]))
    check("--comm ? matches a byte that is not UTF-8", sel("--comm", "d?ns") == (0, [53]))
    check("--exe backslash quotes", sel("--exe", "/usr/sbin/ngin\\x") == (0, [443]))
    check("--address 10.0.0.5 matches ::ffff:10.0.0.5", sel("--address", "10.0.0.5") == (0, [443]))
    check("--address ::ffff:127.0.0.1 matches an ipv4 row", sel("--address", "::ffff:127.0.0.1") == (0, [8080]))
    check("--address 0:0:0:0:0:0:0:1 is ::1", sel("--address", "0:0:0:0:0:0:0:1") == (0, [53]))
    check("--address 0.0.0.0 is not ::", sel("--address", "0.0.0.0") == (0, [22, 9999]))
    check("filters combine (and)", sel("--port", "22,8080", "--exe", "/opt/*") == (0, [8080]))
    check("an unowned row matches no --comm", sel("--port", "9999", "--comm", "*") == (0, []))
    rc, out, err = run("--proc", T, "--format", "ndjson", "--port", "443")
    check("filters apply to ndjson", rc == 0 and len(out.splitlines()) == 1 and b'"port":443' in out, out)
    rc, out, err = run("--proc", T, "--format", "table", "--pid", "100")
    check("filters apply to the table", rc == 0 and out == EXPECT_TABLE.splitlines(True)[0].replace(b"ADDRESS          PID  COMM     ", b"ADDRESS  PID  COMM  ") +
          b"  22  ipv4    0.0.0.0  100  sshd  /usr/sbin/sshd\n", out)
    s1 = run("--proc", T, "--stats")[2]
    s2 = run("--proc", T, "--stats", "--port", "22")[2]
    walk = lambda s: [l for l in s.splitlines()
                      if (l.startswith(b"stats: walk") or b"attributed" in l) and b" ms" not in l]
    check("filters do not change the walk (--stats)", walk(s1) == walk(s2) and walk(s1), (walk(s1), walk(s2)))
    for opt, val in (("--port", "abc"), ("--port", "1,,2"), ("--port", "65536"), ("--port", ""),
                     ("--port", "22,"), ("--pid", "0"), ("--pid", "-1"), ("--pid", "2147483648"),
                     ("--address", "1.2.3"), ("--address", "::g"), ("--comm", ""), ("--exe", "")):
        rc, out, err = run("--proc", T, opt, val)
        check("usage error %s '%s' names the option" % (opt, val),
              rc == 2 and out == b"" and err.startswith(b"listeners: " + opt.encode()), err)

    # ---- table: -H, -o ----
    rc, out, err = run("--proc", T, "--format", "table", "-H")
    check("-H: the table without its heading line", rc == 0 and out == b"".join(EXPECT_TABLE.splitlines(True)[1:]), out)
    rc, out, err = run("--proc", T, "--format", "table", "--columns", "PORT,FAMILY,ADDRESS,PID,COMM,EXE")
    check("-o with the default columns: the default table", rc == 0 and out == EXPECT_TABLE, out)
    rc, out, err = run("--proc", T, "--format", "table", "-o", "exe,pid", "--no-headings", "--port", "22,9999")
    check("-o exe,pid -H: chosen order, PID right-aligned, last column unpadded",
          rc == 0 and out == b"/usr/sbin/sshd  100\n-                 -\n", out)
    rc, out, err = run("--proc", T, "--format", "table", "--holders", "--uid", "-o", "PORT,UID,HOLDERS", "--port", "8080")
    check("-o UID,HOLDERS with their options", rc == 0 and out == b"PORT   UID  HOLDERS\n8080  1000  200,300\n", out)
    for args, what in ((["--format", "table", "-o", "PORT,BOGUS"], b"--columns"),
                       (["--format", "table", "-o", ""], b"--columns"),
                       (["--format", "table", "-o", "PORT,"], b"--columns"),
                       (["--format", "table", "-o", "NETNS"], b"--columns: NETNS needs --all-netns"),
                       (["--format", "table", "-o", "verified"], b"--columns: VERIFIED needs --verify-exe"),
                       (["-H"], b"--no-headings"), (["-o", "PORT"], b"--columns"),
                       (["--format", "ndjson", "--pretty"], b"--pretty"),
                       (["--format", "table", "--host"], b"--host"),
                       (["--format", "xml"], b"--format")):
        rc, out, err = run("--proc", T, *args)
        check("usage error %s" % " ".join(args), rc == 2 and err.startswith(b"listeners: " + what), err)

print("%d failed" % check.fails)
sys.exit(1 if check.fails else 0)
