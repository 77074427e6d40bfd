#!/bin/bash
# snapshot_diff.sh LISTENERS SRC_DIR - `listeners snapshot` and `listeners diff`.
#  1. live: a listener this script starts (python3) shows the same bytes live and
#     replayed from a snapshot, and from the snapshot's archive extracted by GNU tar
#     (retried: the host may change between the two reads); tar -tvf lists it.
#  2. diff: each category on hand-written trait documents, exit 0/1/2, --format json,
#     and bad input (duplicate key, invalid UTF-8, deep nesting, huge number).
set -u
L=$1
SRC=$2
T=$(mktemp -d)
KIDS=
trap 'kill $KIDS 2>/dev/null; rm -rf "$T"' EXIT
fails=0
skips=0
skipped() { echo "skipped: $1"; skips=$((skips + 1)); }
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
# ready FILE: waits (30 s at most) until a listener script has written FILE
# after its listen() calls; its content (pids) joins the processes to kill.
ready() {
  for _ in $(seq 1 300); do
    if [ -s "$1" ]; then KIDS="$KIDS $(cat "$1")"; return 0; fi
    sleep 0.1
  done
  echo "FAIL the listener of $1 never became ready"; fails=$((fails + 1)); return 1
}

# ---- 1. snapshot and replay ----
python3 -c '
import socket, time, os, sys
a = socket.socket(); a.bind(("127.0.0.1", 0)); a.listen()
b = socket.socket(socket.AF_INET6); b.bind(("::1", 0)); b.listen()
child = os.fork()
if child == 0:
    time.sleep(120); os._exit(0)
with open(sys.argv[1] + ".tmp", "w") as f: f.write("%d %d" % (os.getpid(), child))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(120)' "$T/py.ready" &
PY=$!
KIDS=$PY
ready "$T/py.ready"
same=0
for try in 1 2 3 4 5; do
  rm -rf "$T/snap" "$T/snap.tar" "$T/x"
  "$L" snapshot "$T/snap" --archive "$T/snap.tar" > "$T/snap.out" || break
  "$L" > "$T/live.json"
  "$L" --proc "$T/snap" > "$T/replay.json"
  mkdir "$T/x" && tar -xf "$T/snap.tar" -C "$T/x"
  "$L" --proc "$T/x" > "$T/untar.json"
  if cmp -s "$T/live.json" "$T/replay.json" && cmp -s "$T/live.json" "$T/untar.json"; then
    same=1; break
  fi
done
check "replay of a snapshot and of its archive equals the live run" '[ $same = 1 ]'
check "the snapshot holds our listener's process" 'grep -q "\"pid\":$PY," "$T/replay.json"'
check "MANIFEST names kernel, machine, time, version" \
  'grep -q "^kernel_release=$(uname -r)$" "$T/snap/MANIFEST" && grep -q "^machine=$(uname -m)$" "$T/snap/MANIFEST" && grep -q "^time=" "$T/snap/MANIFEST" && grep -q "^collector=listeners " "$T/snap/MANIFEST"'
check "only the collector's files are copied" \
  '[ -z "$(cd "$T/snap" && find . -mindepth 1 | grep -Ev "^\./(MANIFEST|net|net/(tcp|udp|raw)6?|net/packet|netlink|netlink/(tcp|udp|raw)6?|netlink/packet|sys|sys/class|sys/class/net|sys/class/net/[^/]+|sys/class/net/[^/]+/ifindex|[0-9]+|[0-9]+/(comm|exe|fd|fd/[0-9]+))$")" ]'
check "fd links are sockets only" \
  '[ -z "$(find "$T/snap" -path "*/fd/*" -type l -printf "%l\n" | grep -v "^socket:\[[0-9]*\]$")" ]'
check "tar -tvf lists the archive" 'tar -tvf "$T/snap.tar" | grep -q " net/tcp$" && tar -tvf "$T/snap.tar" | grep -q "/fd/.* -> socket:\["'
check "an existing DIR is refused" '! "$L" snapshot "$T/snap" 2>/dev/null'
check "snapshot without DIR is a usage error" '"$L" snapshot >/dev/null 2>&1; [ $? = 2 ]'
check "a snapshot of a fixture tree (--proc) replays it" \
  '"$L" snapshot "$T/snap2" --proc "$T/snap" >/dev/null && "$L" --proc "$T/snap2" | cmp -s - "$T/replay.json"'

# ---- 1b. --all-netns: another network namespace's tables come along ----
if unshare --net true 2>/dev/null; then
  unshare --net sh -c 'ip link set lo up && exec python3 -c "
import socket, time, os, sys
a = socket.socket(); a.bind((\"127.0.0.1\", 0)); a.listen()
open(sys.argv[1] + \".tmp\", \"w\").write(str(os.getpid()))
os.rename(sys.argv[1] + \".tmp\", sys.argv[1])
time.sleep(120)" "$0"' "$T/ns.ready" &
  NS=$!
  KIDS="$KIDS $NS"
  ready "$T/ns.ready"
  nsame=0
  for try in 1 2 3 4 5; do
    rm -rf "$T/nsnap"
    "$L" snapshot "$T/nsnap" --all-netns >/dev/null || break
    "$L" --all-netns > "$T/nlive.json"
    "$L" --all-netns --proc "$T/nsnap" > "$T/nreplay.json"
    if cmp -s "$T/nlive.json" "$T/nreplay.json"; then nsame=1; break; fi
  done
  nsino=$(readlink /proc/$NS/ns/net | tr -cd 0-9)
  check "--all-netns replay of a snapshot equals the live --all-netns run" '[ $nsame = 1 ]'
  check "the other namespace's listener is in the replay with its netns" \
    'grep -q "\"netns\":$nsino,\"netns_host\":false" "$T/nreplay.json"'
  check "the snapshot holds that namespace's tables and self/ns/net" \
    '[ -L "$T/nsnap/self/ns/net" ] && ls "$T"/nsnap/[0-9]*/net/tcp >/dev/null 2>&1 && grep -q "^other_namespaces=[1-9]" "$T/nsnap/MANIFEST"'
  check "without --all-netns no namespace data is copied" '[ ! -e "$T/snap/self" ]'
else
  skipped "--all-netns snapshot: unshare --net is not permitted here"
fi

# ---- 2. diff ----
row() { # port family address pid comm exe (pid/comm/exe already JSON)
  printf '{"port":%s,"family":"%s","protocol":"tcp","bind_address":"%s","pid":%s,"comm":%s,"exe":%s}' "$@"
}
doc() { local IFS=,; printf '{"listeners":{"listeners":[%s]}}\n' "$*"; }
A1=$(row 22 ipv4 0.0.0.0 100 '"sshd"' '"/usr/sbin/sshd"')
A2=$(row 80 ipv6 ::ffff:1.2.3.4 200 '"nginx"' '"/usr/sbin/nginx"')
A3=$(row 443 ipv6 2001:db8::1 300 '"a"' '"/a"')
A4=$(row 443 ipv6 2001:db8::1 301 '"b"' '"/b"')
doc "$A1" "$A2" "$A3" "$A4" > "$T/ours.json"
diffout() { "$L" diff "$T/ours.json" "$T/theirs.json" "$@" > "$T/d.out" 2> "$T/d.err"; echo $? > "$T/d.rc"; }
expect() { # name rc grep-pattern (in the text report)
  if [ "$(cat "$T/d.rc")" = "$2" ] && grep -q -- "$3" "$T/d.out"; then echo "ok   $1"
  else echo "FAIL $1"; cat "$T/d.out" "$T/d.err"; fails=$((fails + 1)); fi
}
cp "$T/ours.json" "$T/theirs.json"; diffout
expect "equal documents: exit 0" 0 "^equal: 4 rows$"
"$L" --pretty --proc "$T/snap" > "$T/p.json"; "$L" --proc "$T/snap" > "$T/c.json"
check "pretty and compact output of one run are equal" '"$L" diff "$T/c.json" "$T/p.json" >/dev/null'
doc "$A2" "$A3" "$A4" > "$T/theirs.json"; diffout
expect "missing" 1 "^missing  ipv4 0.0.0.0:22: only in ours (pid 100"
doc "$A1" "$A2" "$A3" "$A4" "$(row 8080 ipv4 127.0.0.1 null null null)" > "$T/theirs.json"; diffout
expect "extra" 1 "^extra    ipv4 127.0.0.1:8080: only in theirs (pid null"
doc "$A1" "$(row 80 ipv6 ::ffff:1.2.3.4 201 '"nginx"' '"/usr/sbin/nginx"')" "$A3" "$A4" > "$T/theirs.json"; diffout
expect "owner" 1 "^owner    ipv6 \[::ffff:1.2.3.4\]:80: ours pid 200.*theirs pid 201.*holders unknown"
doc "$A1" "$(row 80 ipv6 1.2.3.4 200 '"nginx"' '"/usr/sbin/nginx"')" "$A3" "$A4" > "$T/theirs.json"; diffout
expect "address: IPv4 text for ::ffff:1.2.3.4" 1 '^address  ipv6 \[::ffff:1.2.3.4\]:80: same address, ours "::ffff:1.2.3.4", theirs "1.2.3.4"'
doc "$A1" "$A2" "$(row 443 ipv6 2001:0DB8:0:0:0:0:0:1 300 '"a"' '"/a"')" "$A4" > "$T/theirs.json"; diffout
expect "address: uncompressed upper-case IPv6" 1 '^address  ipv6 \[2001:db8::1\]:443: same address'
doc "$(row 22 ipv4 0.0.0.0 100 '"sshd: x"' '"/usr/sbin/sshd"')" "$A2" "$A3" "$A4" > "$T/theirs.json"; diffout
expect "comm" 1 '^comm     ipv4 0.0.0.0:22: comm: ours "sshd", theirs "sshd: x"'
doc "$(row 22 ipv4 0.0.0.0 100 '"sshd"' '"/usr/sbin/sshd (deleted)"')" "$A2" "$A3" "$A4" > "$T/theirs.json"; diffout
expect "exe" 1 '^exe      ipv4 0.0.0.0:22: exe: ours "/usr/sbin/sshd", theirs "/usr/sbin/sshd (deleted)"'
doc "$(row 22 ipv4 0.0.0.0 null null null)" "$A2" "$A3" "$A4" > "$T/theirs.json"; diffout
expect "null: pid" 1 '^null     ipv4 0.0.0.0:22: pid: ours 100, theirs null'
doc "$(row 22 ipv4 0.0.0.0 100 null '"/usr/sbin/sshd"')" "$A2" "$A3" "$A4" > "$T/theirs.json"; diffout
expect "null: comm" 1 '^null     ipv4 0.0.0.0:22: comm: ours "sshd", theirs null'
doc "$A1" "$A2" "$A4" "$A3" > "$T/theirs.json"; diffout
expect "a repeated key matches in order: owner of the 2nd" 1 'ipv6 \[2001:db8::1\]:443 (#2 of its address and port): ours pid 301'
doc "$A1" "$(row 80 ipv6 1.2.3.4 201 null null)" "$A3" "$A4" > "$T/theirs.json"; diffout --format json
check "--format json" '[ $(cat "$T/d.rc") = 1 ] && python3 -c "
import json,sys
d=json.load(open(sys.argv[1]))
assert d[\"equal\"] is False and d[\"counts\"][\"owner\"]==1 and d[\"counts\"][\"address\"]==1, d
o=[x for x in d[\"differences\"] if x[\"category\"]==\"owner\"][0]
assert o[\"ours\"]==200 and o[\"theirs\"]==201 and o[\"holders\"]==\"unknown\" and o[\"address\"]==\"::ffff:1.2.3.4\", o
" "$T/d.out"'
printf '{"listeners":null}\n' > "$T/theirs.json"; diffout
expect "null document: every row missing" 1 "missing 4, extra 0"
bad() { # name content
  printf '%b' "$2" > "$T/theirs.json"; diffout
  check "bad input: $1" "[ \$(cat \"$T/d.rc\") = 2 ] && [ -s \"$T/d.err\" ]"
}
bad "duplicate key" '{"listeners":{"listeners":[{"port":1,"port":2,"family":"ipv4","protocol":"tcp","bind_address":"0.0.0.0","pid":null,"comm":null,"exe":null}]}}'
bad "escaped duplicate key" '{"listeners":{"listeners":[],"\\u006cisteners":[]}}'
bad "unknown key" '{"listeners":{"listeners":[{"port":1,"family":"ipv4","protocol":"tcp","bind_address":"0.0.0.0","pid":null,"comm":null,"exe":null,"x":1}]}}'
bad "invalid UTF-8" '{"listeners":{"listeners":[{"port":1,"family":"ipv4","protocol":"tcp","bind_address":"0.0.0.0","pid":1,"comm":"\xc0\x80","exe":null}]}}'
bad "lone surrogate" '{"listeners":{"listeners":[{"port":1,"family":"ipv4","protocol":"tcp","bind_address":"0.0.0.0","pid":1,"comm":"\\ud800","exe":null}]}}'
bad "huge port" '{"listeners":{"listeners":[{"port":99999999999999999999999,"family":"ipv4","protocol":"tcp","bind_address":"0.0.0.0","pid":null,"comm":null,"exe":null}]}}'
bad "deep nesting" "$(printf '%.0s[' $(seq 100000))"
bad "trailing comma" '{"listeners":{"listeners":[],}}'
bad "not an address" '{"listeners":{"listeners":[{"port":1,"family":"ipv4","protocol":"tcp","bind_address":"*","pid":null,"comm":null,"exe":null}]}}'
bad "empty" ''
"$L" diff "$T/ours.json" >/dev/null 2>&1
check "one file is a usage error" '[ $? = 2 ]'

# ---- ss differential through the converter (skipped without ss) ----
if command -v ss >/dev/null; then
  "$L" > "$T/live.json"
  python3 "$SRC/tests/ss_to_trait.py" > "$T/ss.json"
  "$L" diff "$T/live.json" "$T/ss.json" > "$T/ss.out"; rc=$?
  check "diff against the ss converter runs (exit 0 or 1)" '[ $rc -le 1 ]'
  check "our own listener agrees with ss" '! grep -q "pid $PY\b" "$T/ss.out" || ! grep -Eq "^(missing|extra|owner)" "$T/ss.out"'
else
  skipped "ss differential: ss (iproute2) is not installed"
fi
echo "$fails failure(s), $skips skipped"
# 77: ctest's SKIP_RETURN_CODE, so a partial run is counted as a skip.
[ $fails = 0 ] || exit 1
[ $skips = 0 ] || exit 77
