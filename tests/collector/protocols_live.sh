#!/bin/bash
# protocols_live.sh LISTENERS - --protocols all --holders --uid on real
# sockets (issue 16), inside a network namespace this test makes (root):
# udp on 0.0.0.0, ::, ::ffff:127.0.0.1, 127.0.0.1, a connected udp socket
# (no row), raw ICMP and ICMPv6, AF_PACKET ETH_P_ALL and one with
# SO_ATTACH_FILTER, a udp socket shared with a forked child, one passed to
# that child with SCM_RIGHTS, one of uid 65534; then an unprivileged run,
# where uid is still right. The sockets: protocols_live.py.
set -u
L=$1
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "skipped: needs root (a network namespace, raw and packet sockets)"; exit 77; }
unshare --net true 2>/dev/null || { echo "skipped: unshare --net is not allowed here"; exit 77; }
T=$(mktemp -d)
chmod 755 "$T"
KID=
trap '[ -n "$KID" ] && kill "$KID" 2>/dev/null; rm -rf "$T"' EXIT
unshare --net sh -c 'ip link set lo up && exec python3 "$1" "$2"' sh "$here/protocols_live.py" "$T/facts.json" 2>"$T/py.err" &
KID=$!
for _ in $(seq 1 100); do [ -s "$T/facts.json" ] && break; sleep 0.1; done
[ -s "$T/facts.json" ] || { echo "FAIL the socket maker did not start: $(cat "$T/py.err")"; exit 1; }
nsenter --net="/proc/$KID/ns/net" "$L" --protocols all --holders --uid >"$T/root.json" 2>"$T/root.err"
rc=$?
nsenter --net="/proc/$KID/ns/net" setpriv --reuid 65534 --regid 65534 --clear-groups \
  "$L" --protocols udp --uid >"$T/nobody.json" 2>"$T/nobody.err"
rc2=$?
nsenter --net="/proc/$KID/ns/net" ss -uanp >"$T/ss.txt" 2>&1
python3 - "$T/facts.json" "$T/root.json" "$T/nobody.json" "$rc" "$rc2" <<'PY'
import json, sys
facts = json.load(open(sys.argv[1]))
root = json.load(open(sys.argv[2]))["listeners"]["listeners"]
nobody_run = json.load(open(sys.argv[3]))["listeners"]["listeners"]
parent, child, nb = facts["parent"], facts["child"], facts["nobody"]
fails = 0
def ok(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    fails += not cond
ok(sys.argv[4] == "0", "root run: exit 0")
ok(sys.argv[5] == "0", "unprivileged run: exit 0")
def find(rows, pred):
    return [r for r in rows if pred(r)]
for f in facts["rows"]:
    k = f["kind"]
    if k == "udp":
        m = find(root, lambda r: r["protocol"] == "udp" and r["port"] == f["port"] and r["bind_address"] == f["address"])
        what = "udp %s:%d" % (f["address"], f["port"])
    elif k == "raw":
        m = find(root, lambda r: r["protocol"] == "raw" and r.get("ip_protocol") == f["ip_protocol"] and r["family"] == f["family"])
        what = "raw %s protocol %d" % (f["family"], f["ip_protocol"])
    else:
        m = find(root, lambda r: r["protocol"] == "packet" and r.get("ethertype") == f["ethertype"] and r.get("ifindex") == f["ifindex"])
        what = "packet ethertype 0x%04x ifindex %d" % (f["ethertype"], f["ifindex"])
    ok(len(m) == 1, what + ": one row")
    if len(m) != 1:
        continue
    r = m[0]
    ok(r["pid"] == parent and r["uid"] == 0, what + ": owner %s (want %d), uid %s" % (r["pid"], parent, r["uid"]))
    if k in ("udp", "raw"):
        ok(r["family"] == f["family"] and r["bind_address"] == f["address"], what + ": family and bind_address")
        ok((r["port"] is None) == (k == "raw"), what + ": port " + str(r["port"]))
    else:
        ok(r["port"] is None and r["family"] is None and r["bind_address"] is None, what + ": no port, family or address")
        ok(r["interface"] == f.get("interface"), what + ": interface " + str(r["interface"]))
    holders = [h["pid"] for h in r["holders"]]
    # every socket here was made before the fork, or passed to the child
    ok(holders == [parent, child], what + ": holders %s, the fork's child %d too" % (holders, child))
stolen = [f for f in facts["rows"] if f.get("stolen")][0]
r = find(root, lambda r: r["protocol"] == "udp" and r["port"] == stolen["port"])[0]
ok(r["pid"] == parent and [h["pid"] for h in r["holders"]] == [parent, child],
   "SCM_RIGHTS: the owner stays the lowest pid, the thief %d is a holder" % child)
ok(not find(root, lambda r: r["protocol"] == "udp" and r["port"] == facts["connected"]["port"]),
   "the connected udp socket is no row")
n = find(root, lambda r: r["protocol"] == "udp" and r["port"] == nb["port"])
ok(len(n) == 1 and n[0]["uid"] == 65534 and n[0]["pid"] == nb["pid"], "uid 65534's socket: uid 65534, its pid")
# unprivileged: other users' sockets have no owner, but every uid is right
for f in [f for f in facts["rows"] if f["kind"] == "udp"]:
    m = find(nobody_run, lambda r: r["port"] == f["port"] and r["bind_address"] == f["address"])
    ok(len(m) == 1 and m[0]["pid"] is None and m[0]["uid"] == 0,
       "unprivileged: udp %s:%d uid 0, pid null" % (f["address"], f["port"]))
m = find(nobody_run, lambda r: r["port"] == nb["port"])
ok(len(m) == 1 and m[0]["uid"] == 65534 and m[0]["pid"] == nb["pid"], "unprivileged: its own socket has uid 65534 and its pid")
sys.exit(1 if fails else 0)
PY
rc=$?
echo "--- ss -uanp in the namespace, for the record:"; cat "$T/ss.txt"
exit $rc
