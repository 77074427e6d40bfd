#!/bin/bash
# source_netlink_live.sh LISTENERS - --source netlink against --source procfs
# on real sockets, in a network namespace this test makes (root): TCP
# listeners on 127.0.0.1, 0.0.0.0, ::1, ::, ::ffff:127.0.0.1, SO_REUSEPORT
# groups of 8 (v4, v6), 320 listeners in all (net/tcp takes several read()
# calls), udp bound and connected, an AF_PACKET socket, each held by two
# processes (source_netlink_live.py). Both sources must print the same bytes
# for --protocols all, with --holders --uid, and as a table; the rows are the
# ones the helper made. A difference between two procfs reads around the
# netlink one is the host changing: retried, up to 5 times. Then --stats,
# --all-netns and --source bogus.
set -u
L=$1
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "skipped: needs root (a network namespace of its own, a packet socket)"; exit 77; }
unshare --net true 2>/dev/null || { echo "skipped: unshare --net is not allowed here"; exit 77; }
T=$(mktemp -d)
chmod 755 "$T"
KID=
trap '[ -n "$KID" ] && kill "$KID" 2>/dev/null; rm -rf "$T"' EXIT
unshare --net sh -c 'ip link set lo up && exec python3 "$1" "$2"' sh "$here/source_netlink_live.py" "$T/facts.json" 2>"$T/py.err" &
KID=$!
for _ in $(seq 1 100); do [ -s "$T/facts.json" ] && break; sleep 0.1; done
[ -s "$T/facts.json" ] || { echo "FAIL the socket maker did not start: $(cat "$T/py.err")"; exit 1; }
NS=/proc/$KID/ns/net
[ "$(readlink "$NS")" != "$(readlink /proc/self/ns/net)" ] || { echo "FAIL the helper is in this test's namespace"; exit 1; }
in_ns() { nsenter --net="$NS" "$L" "$@"; }
fails=0
check() { # check NAME WANT GOT
  if [ "$2" = "$3" ]; then echo "ok   $1"; else
    echo "FAIL $1"; echo "  want: $2"; echo "  got:  $3"; fails=1; fi
}

# differ NAME ARGS...: procfs, netlink, procfs again; equal procfs reads
# (the namespace did not change) or again, up to 5 times; then the netlink
# output must be the procfs one, byte for byte.
differ() {
  local name=$1 try stable=0
  shift
  for try in 1 2 3 4 5; do
    in_ns --source procfs "$@" >"$T/p1" 2>"$T/p1.err"; local r1=$?
    in_ns --source netlink "$@" >"$T/n" 2>"$T/n.err"; local rn=$?
    in_ns --source procfs "$@" >"$T/p2" 2>"$T/p2.err"; local r2=$?
    check "$name: exit 0 (procfs, netlink, procfs)" "0 0 0" "$r1 $rn $r2"
    if cmp -s "$T/p1" "$T/p2"; then stable=1; break; fi
    echo "     $name: the two procfs reads differ (try $try): read again"
  done
  check "$name: two procfs reads in a row were the same within 5 tries" 1 "$stable"
  if cmp -s "$T/p1" "$T/n"; then
    echo "ok   $name: --source netlink prints the bytes --source procfs does ($(wc -c <"$T/n") bytes)"
  else
    echo "FAIL $name: --source netlink differs from --source procfs:"
    diff <(tr '{' '\n' <"$T/p1") <(tr '{' '\n' <"$T/n") | head -20
    fails=1
  fi
}

differ "--protocols all" --protocols all
cp "$T/n" "$T/all.json"
differ "--protocols all --holders --uid" --protocols all --holders --uid
cp "$T/n" "$T/holders.json"
differ "--protocols tcp,udp --format table" --protocols tcp,udp --format table
differ "default (tcp)"

# The rows are the helper's sockets: not two empty, or two equally wrong,
# outputs.
python3 - "$T/facts.json" "$T/all.json" "$T/holders.json" <<'PY' || fails=1
import collections, json, sys
facts = json.load(open(sys.argv[1]))
rows = json.load(open(sys.argv[2]))["listeners"]["listeners"]
held = json.load(open(sys.argv[3]))["listeners"]["listeners"]
fails = 0
def ok(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what)
    fails += not cond
key = lambda r: (r["protocol"], r["family"], r["address"], r["port"])
want = collections.Counter(key(r) for r in facts["rows"])
got = collections.Counter((r["protocol"], r["family"], r["bind_address"], r["port"]) for r in rows if r["protocol"] != "raw")
ok(got == want, "the rows are the helper's sockets: %d (%d tcp), got %d; missing %s, extra %s" % (
    sum(want.values()), sum(1 for r in facts["rows"] if r["protocol"] == "tcp"), sum(got.values()),
    sorted(want - got, key=str)[:5], sorted(got - want, key=str)[:5]))
ok(all(r["pid"] == facts["parent"] for r in rows if r["protocol"] != "raw"), "every row's owner is the helper")
hs = [[h["pid"] for h in r["holders"]] for r in held if r["protocol"] != "raw"]
ok(hs and all(h == [facts["parent"], facts["child"]] for h in hs), "--holders: the helper and its child hold each")
ok(all(r["uid"] == 0 for r in held), "--uid: uid 0")
groups = collections.Counter((r["family"], r["port"]) for r in rows if r["protocol"] == "tcp")
ok(sorted(groups.values())[-2:] == [8, 8], "two SO_REUSEPORT groups of 8 rows")
sys.exit(1 if fails else 0)
PY

# --stats: the table step says it dumped; procfs took several read() calls.
in_ns --source netlink --protocols all --stats >/dev/null 2>"$T/stats"
ntcp=$(python3 -c 'import json,sys; print(sum(1 for r in json.load(open(sys.argv[1]))["rows"] if r["protocol"] == "tcp" and r["family"] == "ipv4"))' "$T/facts.json")
got=$(sed -nE 's/^stats: netlink dump of net\/tcp: [0-9]+ records, [0-9]+ bytes in [0-9]+ datagrams?, ([0-9]+) rows, .*/\1/p' "$T/stats")
check "--stats --source netlink: \"netlink dump of net/tcp\" with its $ntcp rows" "$ntcp" "$got"
check "--stats --source netlink: every table kind said how it was read" 7 \
  "$(grep -cE '^stats: (netlink dump of net/[a-z0-9]+: [0-9]+ records|/proc/net/raw6?: [0-9]+ lines)' "$T/stats")"
in_ns --source procfs --stats >/dev/null 2>"$T/pstats"
reads=$(sed -nE 's/^stats: \/proc\/net\/tcp: ([0-9]+) reads? in .*/\1/p' "$T/pstats")
if [ "${reads:-0}" -ge 3 ]; then echo "ok   --source procfs: net/tcp took $reads read() calls"; else
  echo "FAIL --source procfs: net/tcp took ${reads:-?} read() calls, want several"; fails=1; fi

# --all-netns: netlink sees only the reader's namespace.
in_ns --source netlink --all-netns >"$T/o" 2>"$T/e"
check "--all-netns --source netlink: exit 1" 1 "$?"
check "--all-netns --source netlink: says why" \
  "listeners: --all-netns: netlink sees only the reader's network namespace (--all-netns reads the others' procfs tables)" \
  "$(cat "$T/e")"
check "--all-netns --source netlink: no output" "" "$(cat "$T/o")"
in_ns --source bogus >/dev/null 2>"$T/e"
check "--source bogus: exit 2" 2 "$?"
check "--source bogus: names the value" "listeners: --source takes procfs or netlink, not 'bogus'" "$(head -1 "$T/e")"
exit $fails
