#!/bin/bash
# diff_protocols.sh LISTENERS SRC_DIR - `listeners diff` on documents of
# --protocols, --holders, --uid, --verify-exe and --all-netns (issue 16):
# rows keyed by protocol (udp, raw, packet), the uid, holders, exe_verified,
# netns, netns_host and interface categories, a key only one side has is no
# difference, strict types naming the row and key (an unknown key by name),
# --ignore KEY, NDJSON rows (hand-made, and the CLI's rows split by sed and
# by python3), a partial document (--max-table-size) said in the report, and
# every document shape of the CLI (a fixture tree, then live) equal to
# itself. Any user, no network; bash and the CLI (python3 for one
# conversion, a stated skip without it).
# shellcheck disable=SC2016 # check evals its single-quoted condition
set -u
L=$1
SRC=$2
# shellcheck source=tests/proc_tree.sh
. "$SRC/tests/proc_tree.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
skips=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
diffout() { "$L" diff "$T/ours.json" "$T/theirs.json" "$@" > "$T/d.out" 2> "$T/d.err"; echo $? > "$T/d.rc"; }
expect() { # name rc grep-pattern... (each in the text report)
  local name=$1 rc=$2 ok=1; shift 2
  [ "$(cat "$T/d.rc")" = "$rc" ] || ok=0
  for p in "$@"; do grep -q -- "$p" "$T/d.out" || ok=0; done
  if [ $ok = 1 ]; then echo "ok   $name"; else
    echo "FAIL $name"; cat "$T/d.out" "$T/d.err"; fails=$((fails + 1)); fi
}
bad() { # name pattern-in-stderr content: exit 2 with that message
  printf '%s\n' "$3" > "$T/theirs.json"; diffout
  if [ "$(cat "$T/d.rc")" = 2 ] && grep -q -- "$2" "$T/d.err"; then echo "ok   bad input: $1"; else
    echo "FAIL bad input: $1"; cat "$T/d.err"; fails=$((fails + 1)); fi
}
doc() { local IFS=,; printf '{"listeners":{"listeners":[%s]}}\n' "$*"; }
O='"pid":100,"comm":"srv","exe":"/usr/sbin/srv"'
TCP='{"port":22,"family":"ipv4","protocol":"tcp","bind_address":"0.0.0.0",'$O'}'
UDP='{"port":53,"family":"ipv4","protocol":"udp","bind_address":"0.0.0.0",'$O'}'
UDP6='{"port":5353,"family":"ipv6","protocol":"udp","bind_address":"::",'$O'}'
RAW='{"port":null,"family":"ipv4","protocol":"raw","bind_address":"0.0.0.0",'$O',"ip_protocol":1}'
PKT='{"port":null,"family":null,"protocol":"packet","bind_address":null,'$O',"ethertype":3,"ifindex":0,"interface":null}'
PKT2='{"port":null,"family":null,"protocol":"packet","bind_address":null,'$O',"ethertype":2048,"ifindex":1,"interface":"lo"}'
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/ours.json"

# ---- keys: protocol first, then its own ----
cp "$T/ours.json" "$T/theirs.json"; diffout
expect "udp, raw and packet rows equal: exit 0" 0 "^equal: 6 rows$"
doc "$PKT2" "$RAW" "$UDP6" "$PKT" "$UDP" "$TCP" > "$T/theirs.json"; diffout
expect "row order does not matter" 0 "^equal: 6 rows$"
doc "$TCP" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
expect "a udp row missing" 1 "^missing  udp ipv4 0.0.0.0:53: only in ours (pid 100" "missing 1, extra 0,"
doc "$TCP" "${UDP/\"port\":53/\"port\":22}" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/ours.json"
doc "$TCP" "${TCP/\"port\":22/\"port\":22}" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
expect "tcp and udp rows on the same port do not match" 1 \
  "^missing  udp ipv4 0.0.0.0:22: only in ours" "^extra    ipv4 0.0.0.0:22 (#2 of its address and port): only in theirs"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/ours.json"
doc "$TCP" "$UDP" "$UDP6" "${RAW/\"ip_protocol\":1/\"ip_protocol\":17}" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
expect "a raw row's ip_protocol differs: missing and extra" 1 \
  "^missing  raw:1 ipv4 0.0.0.0: only in ours" "^extra    raw:17 ipv4 0.0.0.0: only in theirs"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "${PKT2/\"ifindex\":1/\"ifindex\":2}" > "$T/theirs.json"; diffout
expect "a packet row's ifindex differs: missing and extra" 1 \
  "^missing  packet:0x0800 ifindex 1: only in ours" "^extra    packet:0x0800 ifindex 2: only in theirs"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "${PKT2/\"interface\":\"lo\"/\"interface\":\"eth0\"}" > "$T/theirs.json"; diffout
expect "interface differs: its own category" 1 \
  '^interface packet:0x0800 ifindex 1: interface: ours "lo", theirs "eth0"$' "interface 1$"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "${PKT2/\"interface\":\"lo\"/\"interface\":null}" > "$T/theirs.json"; diffout
expect "interface null on one side: the interface category" 1 \
  '^interface packet:0x0800 ifindex 1: interface: ours "lo", theirs null$' "null 0, uid 0"
doc "$TCP" "${UDP/\"pid\":100/\"pid\":200}" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
expect "owner of a udp row" 1 "^owner    udp ipv4 0.0.0.0:53: ours pid 100.*theirs pid 200"

# ---- uid and holders: compared when both rows have them ----
u() { printf '%s' "${1%\}},\"uid\":$2}"; }
hl() { printf '%s' "${1%\}},\"holders\":[$2]}"; }
H1='{"pid":100,"comm":"srv","exe":"/usr/sbin/srv","fds":[3]}'
H2='{"pid":200,"comm":"kid","exe":null,"fds":[4,5]}'
doc "$TCP" "$(u "$UDP" 0)" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/ours.json"
doc "$TCP" "$(u "$UDP" 1000)" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
expect "uid differs" 1 "^uid      udp ipv4 0.0.0.0:53: uid: ours 0, theirs 1000$" "uid 1, holders 0, exe_verified 0, netns 0, netns_host 0, interface 0$"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
expect "uid in one document only: no difference" 0 "^equal: 6 rows$"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$(hl "$PKT" "$H1")" "$PKT2" > "$T/ours.json"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$(hl "$PKT" "$H2,$H1")" "$PKT2" > "$T/theirs.json"; diffout
expect "holders differ" 1 "^holders  packet:0x0003 ifindex 0: holders: ours \[100\], theirs \[100,200\]$"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$(hl "$PKT" "$H1,${H1/\[3\]/[7]}")" "$PKT2" > "$T/theirs.json"; diffout
expect "holders are a set of pids (fds, comm and exe not compared)" 0 "^equal: 6 rows$"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$(hl "$PKT" "")" "$PKT2" > "$T/theirs.json"; diffout --format json
check "--format json: the holders category, protocol keys" '[ "$(cat "$T/d.rc")" = 1 ] &&
  grep -q "\"counts\":{\"missing\":0,\"extra\":0,\"owner\":0,\"address\":0,\"comm\":0,\"exe\":0,\"null\":0,\"uid\":0,\"holders\":1,\"exe_verified\":0,\"netns\":0,\"netns_host\":0,\"interface\":0}" "$T/d.out" &&
  grep -q "{\"category\":\"holders\",\"port\":null,\"family\":null,\"protocol\":\"packet\",\"address\":null,\"ethertype\":3,\"ifindex\":0,\"occurrence\":0,\"field\":\"holders\",\"ours\":\[100\],\"theirs\":\[\]}" "$T/d.out"'
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
expect "holders in one document only: no difference" 0 "^equal: 6 rows$"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" > "$T/theirs.json"; diffout --format json
check "--format json: a missing packet row whole" '[ "$(cat "$T/d.rc")" = 1 ] &&
  grep -q "\"ours\":{\"port\":null,\"family\":null,\"protocol\":\"packet\",\"bind_address\":null,\"ethertype\":2048,\"ifindex\":1,\"pid\":100,\"comm\":\"srv\",\"exe\":\"/usr/sbin/srv\",\"interface\":\"lo\"},\"theirs\":null" "$T/d.out"'
E='"exe_verified":true,"netns":4026531840,"netns_host":true'
doc "$TCP" "${UDP%\}},$E}" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
expect "exe_verified, netns and netns_host in one document only: no difference" 0 "^equal: 6 rows$"
# ... and compared when both rows have them, each in its own category
ext() { printf '%s' "${UDP%\}},\"exe_verified\":$1,\"netns\":$2,\"netns_host\":$3}"; }
doc "$TCP" "$(ext true 4026531840 true)" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/ours.json"
cp "$T/ours.json" "$T/theirs.json"; diffout
expect "exe_verified, netns and netns_host equal: no difference" 0 "^equal: 6 rows$"
doc "$TCP" "$(ext false 4026531840 true)" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
expect "exe_verified differs" 1 "^exe_verified udp ipv4 0.0.0.0:53: exe_verified: ours true, theirs false$" \
  "exe_verified 1, netns 0, netns_host 0, interface 0$"
doc "$TCP" "$(ext null 4026531840 true)" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
expect "exe_verified null on one side: the exe_verified category" 1 "exe_verified: ours true, theirs null$" "null 0,"
doc "$TCP" "$(ext true 4026532999 true)" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
expect "netns differs" 1 "^netns    udp ipv4 0.0.0.0:53: netns: ours 4026531840, theirs 4026532999$" \
  "exe_verified 0, netns 1, netns_host 0, interface 0$"
doc "$TCP" "$(ext true null true)" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
expect "netns null on one side: the netns category" 1 "netns: ours 4026531840, theirs null$" "netns 1,"
doc "$TCP" "$(ext true 4026531840 false)" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
expect "netns_host differs" 1 "^netns_host udp ipv4 0.0.0.0:53: netns_host: ours true, theirs false$" \
  "exe_verified 0, netns 0, netns_host 1, interface 0$"
doc "$TCP" "$(ext true 18446744073709551615 true)" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/ours.json"
doc "$TCP" "$(ext false 18446744073709551614 false)" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout --format json
check "--format json: exe_verified, netns (up to 2^64-1) and netns_host" '[ "$(cat "$T/d.rc")" = 1 ] &&
  grep -q "\"exe_verified\":1,\"netns\":1,\"netns_host\":1,\"interface\":0}" "$T/d.out" &&
  grep -q "\"field\":\"netns\",\"ours\":18446744073709551615,\"theirs\":18446744073709551614}" "$T/d.out" &&
  grep -q "\"field\":\"exe_verified\",\"ours\":true,\"theirs\":false}" "$T/d.out" &&
  grep -q "\"field\":\"netns_host\",\"ours\":true,\"theirs\":false}" "$T/d.out"'
doc "$TCP" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout --format json
check "--format json: a missing row has its exe_verified, netns, netns_host" '[ "$(cat "$T/d.rc")" = 1 ] &&
  grep -q "\"exe\":\"/usr/sbin/srv\",\"exe_verified\":true,\"netns\":18446744073709551615,\"netns_host\":true},\"theirs\":null" "$T/d.out"'
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/ours.json"

# ---- --ignore KEY: not compared, and a row may lack it ----
NOCE='{"port":53,"family":"ipv4","protocol":"udp","bind_address":"0.0.0.0","pid":100}'
doc "$TCP" "$NOCE" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
check "a row without comm is bad input without --ignore" '[ "$(cat "$T/d.rc")" = 2 ] && grep -q "row 2: missing key \"comm\"$" "$T/d.err"'
diffout --ignore comm,exe
expect "--ignore comm,exe: rows without comm and exe are fine" 0 "^equal: 6 rows$"
diffout --ignore comm --ignore exe
expect "--ignore repeated: the same" 0 "^equal: 6 rows$"
diffout --ignore comm
check "--ignore comm alone: a missing exe is still bad input" '[ "$(cat "$T/d.rc")" = 2 ] && grep -q "row 2: missing key \"exe\"$" "$T/d.err"'
doc "$TCP" "${UDP/\"comm\":\"srv\"/\"comm\":\"other\"}" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout --ignore comm
expect "--ignore comm: a different comm is no difference" 0 "^equal: 6 rows$"
doc "$TCP" "$(u "$UDP" 0)" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/ours.json"
doc "$TCP" "$(u "$UDP" 1000)" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout --ignore uid
expect "--ignore uid: a different uid is no difference" 0 "^equal: 6 rows$"
doc "$TCP" "$(u "$UDP" '"0"')" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout --ignore uid
check "--ignore uid: a uid of the wrong type is still bad input" '[ "$(cat "$T/d.rc")" = 2 ] && grep -q "row 2: uid is not an integer" "$T/d.err"'
NOPID='{"port":53,"family":"ipv4","protocol":"udp","bind_address":"0.0.0.0","comm":"srv","exe":"/usr/sbin/srv"}'
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/ours.json"
doc "$TCP" "$NOPID" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout --ignore pid
expect "--ignore pid: a row without pid, same comm and exe" 0 "^equal: 6 rows$"
doc "$TCP" "${NOPID/\"srv\"/\"other\"}" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout --ignore pid
expect "--ignore pid: comm compared whatever the pids" 1 '^comm     udp ipv4 0.0.0.0:53: comm: ours "srv", theirs "other"'
doc "$TCP" "${UDP/\"pid\":100/\"pid\":200}" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout --ignore pid
expect "--ignore pid: another pid is no owner difference" 0 "^equal: 6 rows$"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "${PKT2/,\"interface\":\"lo\"/}" > "$T/theirs.json"; diffout --ignore interface
expect "--ignore interface: a packet row without interface" 0 "^equal: 6 rows$"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "${PKT2/\"lo\"/\"eth0\"}" > "$T/theirs.json"; diffout --ignore interface
expect "--ignore interface: another interface is no difference" 0 "^equal: 6 rows$"
doc "$TCP" "$(ext true 1 true)" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/ours.json"
doc "$TCP" "$(ext false 2 false)" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout --ignore netns,netns_host,exe_verified
expect "--ignore netns,netns_host,exe_verified" 0 "^equal: 6 rows$"
doc "$TCP" "${UDP%\}},\"exe_verified\":true,\"netns_host\":true}" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout --ignore netns
expect "--ignore netns: netns_host without netns is fine" 0 "^equal: 6 rows$"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$(hl "$PKT" "$H1")" "$PKT2" > "$T/ours.json"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$(hl "$PKT" "$H2")" "$PKT2" > "$T/theirs.json"; diffout --ignore holders
expect "--ignore holders: other holders are no difference" 0 "^equal: 6 rows$"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/ours.json"
for k in port family protocol bind_address ip_protocol ethertype ifindex foo "" "comm," ",comm" "comm,,exe"; do
  "$L" diff "$T/ours.json" "$T/ours.json" --ignore "$k" > /dev/null 2> "$T/d.err"
  check "--ignore '$k' is a usage error" '[ $? = 2 ] && grep -q "^listeners: diff: --ignore takes a comma-separated list of pid, comm, exe, uid, holders, exe_verified, netns, netns_host or interface (not a key of a row.s identity), not .$k.$" "$T/d.err" && grep -q "^usage: listeners diff " "$T/d.err"'
done
"$L" diff --help > "$T/h.out"
check "diff --help: the usage line and --ignore" 'head -1 "$T/h.out" | grep -q "\[--format text|json\] \[--ignore KEY\] \[--help\]" && grep -q "^  --ignore KEY " "$T/h.out"'

# ---- NDJSON: one row object per line ----
nd() { printf '%s\n' "$@"; }
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/ours.json"
nd "$PKT2" "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" > "$T/theirs.json"; diffout
expect "NDJSON rows against the document: equal" 0 "^equal: 6 rows$"
cp "$T/theirs.json" "$T/nd.json"; cp "$T/nd.json" "$T/ours.json"; diffout
expect "NDJSON on both sides" 0 "^equal: 6 rows$"
doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/ours.json"
nd "$TCP" "${UDP/\"pid\":100/\"pid\":200}" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; diffout
expect "NDJSON: an owner difference" 1 "^owner    udp ipv4 0.0.0.0:53: ours pid 100.*theirs pid 200"
nd "$TCP" "$UDP6" "$RAW" "$PKT" "$PKT2" > "$T/theirs.json"; printf '%s' "$UDP" >> "$T/theirs.json"; diffout
expect "NDJSON: the last line may lack its newline" 0 "^equal: 6 rows$"
nd "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "$PKT2" | sed 's/$/\r/' > "$T/theirs.json"; diffout
expect "NDJSON: CR LF line ends (JSON whitespace)" 0 "^equal: 6 rows$"
nd "$TCP" > "$T/theirs.json"; diffout
expect "NDJSON: one row" 1 "missing 5, extra 0,"
ndbad() { # name pattern-in-stderr: theirs.json is already written
  diffout
  if [ "$(cat "$T/d.rc")" = 2 ] && grep -q -- "$2" "$T/d.err"; then echo "ok   bad NDJSON: $1"; else
    echo "FAIL bad NDJSON: $1"; cat "$T/d.err"; fails=$((fails + 1)); fi
}
nd "$TCP" "" "$UDP" > "$T/theirs.json"; ndbad "a blank line" "theirs.json: line 2: a blank line"
nd "$TCP" "$UDP" "" > "$T/theirs.json"; ndbad "a blank last line" "theirs.json: line 3: a blank line"
nd "$TCP" "  " "$UDP" > "$T/theirs.json"; ndbad "a line of spaces" "theirs.json: line 2: a blank line"
nd "$TCP" "$UDP$UDP6" > "$T/theirs.json"; ndbad "two rows on one line" "theirs.json: line 2: byte [0-9]*: data after the JSON value"
nd "$TCP" "${UDP%%\"pid\"*}" "\"pid\":100,\"comm\":\"srv\",\"exe\":\"/usr/sbin/srv\"}" > "$T/theirs.json"
ndbad "a row over two lines" "theirs.json: line 2: byte [0-9]*: input ends inside a value"
nd "$TCP" "$UDP" "${TCP/\"port\":22/\"port\":null}" > "$T/theirs.json"; ndbad "a bad row names its line" "theirs.json: line 3: port is not an integer"
nd "$TCP" "${UDP%\}},\"x\":1}" > "$T/theirs.json"; ndbad "an unknown key names its line and the key" "theirs.json: line 2: unknown key \"x\"$"
nd "$TCP" "[1]" > "$T/theirs.json"; ndbad "a line that is not an object" "theirs.json: line 2: not an object"
nd "$TCP" '{"listeners":{"listeners":[]}}' > "$T/theirs.json"; ndbad "a document on line 2 is a row with an unknown key" "theirs.json: line 2: unknown key \"listeners\""
printf '%s\n' "$(doc "$TCP" "$UDP" "$UDP6" "$RAW" "$PKT" "$PKT2" | sed 's/^{"listeners"/{ "\\u006cisteners"/')" > "$T/theirs.json"; diffout
expect "a document whose first key is spelled with an escape is a document, not NDJSON" 0 "^equal: 6 rows$"

# ---- strict types: the bad row is row 2 (row 1 is udp, which the old diff refused) ----
B1=$UDP
bad "port null on a tcp row" "row 2: port is not an integer" "$(doc "$B1" "${TCP/\"port\":22/\"port\":null}")"
bad "family null on a udp row" "row 2: family is not" "$(doc "$B1" "${UDP/\"family\":\"ipv4\"/\"family\":null}")"
bad "protocol \"icmp\"" "row 2: protocol is not \"tcp\", \"udp\", \"raw\" or \"packet\"" "$(doc "$B1" "${TCP/\"tcp\"/\"icmp\"}")"
bad "a raw row with a port" "row 2: port is not null (a raw row)" "$(doc "$B1" "${RAW/\"port\":null/\"port\":1}")"
bad "a packet row with an address" "row 2: bind_address is not null (a packet row)" "$(doc "$B1" "${PKT/\"bind_address\":null/\"bind_address\":\"0.0.0.0\"}")"
bad "a packet row without ethertype" "row 2: missing key \"ethertype\"" "$(doc "$B1" "${PKT/\"ethertype\":3,/}")"
bad "ip_protocol in a tcp row" "row 2: key \"ip_protocol\" in a tcp row" "$(doc "$B1" "${TCP%\}},\"ip_protocol\":6}")"
bad "ip_protocol a string" "row 2: ip_protocol is not an integer" "$(doc "$B1" "${RAW/\"ip_protocol\":1/\"ip_protocol\":\"1\"}")"
bad "ifindex a fraction" "row 2: ifindex is not an integer" "$(doc "$B1" "${PKT/\"ifindex\":0/\"ifindex\":0.5}")"
bad "uid negative" "row 2: uid is not an integer in 0..4294967295" "$(doc "$B1" "$(u "$TCP" -1)")"
bad "uid above 2^32-1" "row 2: uid is not an integer" "$(doc "$B1" "$(u "$TCP" 4294967296)")"
bad "exe_verified a string" "row 2: exe_verified is not true, false or null" "$(doc "$B1" "${TCP%\}},\"exe_verified\":\"yes\"}")"
bad "netns without netns_host" "row 2: netns without netns_host" "$(doc "$B1" "${TCP%\}},\"netns\":1}")"
bad "netns negative" "row 2: netns is not null or an integer" "$(doc "$B1" "${TCP%\}},\"netns\":-1,\"netns_host\":false}")"
bad "netns_host null" "row 2: netns_host is not true or false" "$(doc "$B1" "${TCP%\}},\"netns\":1,\"netns_host\":null}")"
bad "holders an object" "row 2: holders is not an array" "$(doc "$B1" "$(hl "$TCP" "" | sed 's/\[\]/{}/')")"
bad "a holder without fds" "row 2: holders\[0\]: missing key \"fds\"" "$(doc "$B1" "$(hl "$TCP" '{"pid":1,"comm":null,"exe":null}')")"
bad "a holder with an unknown key, named" "row 2: holders\[1\]: unknown key \"x\"$" "$(doc "$B1" "$(hl "$TCP" "$H1,${H2%\}},\"x\":1}")")"
bad "a holder's fd negative" "row 2: holders\[0\]: fds\[1\] is not an integer" "$(doc "$B1" "$(hl "$TCP" '{"pid":1,"comm":null,"exe":null,"fds":[3,-4]}')")"
bad "a holder's pid null" "row 2: holders\[0\]: pid is not an integer" "$(doc "$B1" "$(hl "$TCP" '{"pid":null,"comm":null,"exe":null,"fds":[]}')")"
bad "a duplicate extension key" "row 2: duplicate key \"uid\"" "$(doc "$B1" "$(u "$(u "$TCP" 1)" 1)")"
bad "an unknown key still, named" "row 2: unknown key \"inode\"$" "$(doc "$B1" "${TCP%\}},\"inode\":1}")"
bad "an unknown key's name terminal-escaped" 'row 2: unknown key "\\x1b\[31m\\\\k\\x01' "$(doc "$B1" "${TCP%\}},\"\\u001b[31m\\\\k\\u0001\":1}")"
bad "a long unknown key cut" "row 2: unknown key \"$(printf 'k%.0s' $(seq 48))\"...$" "$(doc "$B1" "${TCP%\}},\"$(printf 'k%.0s' $(seq 60))\":1}")"
bad "an unknown top-level key, named" ': unknown key "listener"$' '{"listener":null}'
bad "an unknown key beside the array, named" ': unknown key "partial_rows"$' '{"listeners":{"listeners":[],"partial_rows":true}}'


# ---- a document of every flag, from the CLI, against itself ----
t=$T/t
mkdir -p "$t/net" "$t/sys/class/net/lo" "$t/100/fd" "$t/200/fd"
{ lsn_tcp_header; lsn_tcp_listen 00000000 22 1001; } >"$t/net/tcp"
{ lsn_udp_header; lsn_udp_line 1 00000000 53 00000000 0 07 0 2001; } >"$t/net/udp"
{ lsn_dgram6_header; lsn_dgram6_line 10 00000000000000000000000000000000 5353 00000000000000000000000000000000 0 07 101 2004; } >"$t/net/udp6"
{ lsn_raw_header; lsn_raw_line 1 00000000 1 00000000 0 07 0 3001; } >"$t/net/raw"
{ lsn_dgram6_header; lsn_dgram6_line 58 00000000000000000000000000000000 58 00000000000000000000000000000000 0 07 0 3003; } >"$t/net/raw6"
{ lsn_packet_header; lsn_packet_line 3 0003 0 1 0 4001; lsn_packet_line 2 0800 1 1 0 4002; } >"$t/net/packet"
echo 1 >"$t/sys/class/net/lo/ifindex"
for i in 1001 2001 2004 3001 3003 4001 4002; do ln -s "socket:[$i]" "$t/100/fd/$i"; done
printf 'srv\n' >"$t/100/comm"; ln -s /usr/sbin/srv "$t/100/exe"
ln -s 'socket:[2001]' "$t/200/fd/3"
printf 'kid\n' >"$t/200/comm"; ln -s /usr/sbin/kid "$t/200/exe"
ALL="--protocols all --holders --uid --verify-exe --all-netns"
# shellcheck disable=SC2086
"$L" --proc "$t" $ALL > "$T/ours.json" 2>/dev/null
check "the fixture document has every key" 'grep -q "\"ip_protocol\":1,\"uid\":0,\"exe_verified\":null,\"netns\":null,\"netns_host\":true,\"holders\":\[" "$T/ours.json" && grep -q "\"interface\":\"lo\"" "$T/ours.json"'
cp "$T/ours.json" "$T/theirs.json"; diffout
expect "a fixture document of every flag equals itself" 0 "^equal: 7 rows$"
# shellcheck disable=SC2086
"$L" --proc "$t" $ALL --pretty > "$T/theirs.json" 2>/dev/null; diffout
expect "... and its --pretty form" 0 "^equal: 7 rows$"
"$L" --proc "$t" --protocols all > "$T/theirs.json"; diffout
expect "... and the document without --holders --uid --verify-exe --all-netns" 0 "^equal: 7 rows$"
"$L" --proc "$t" --protocols all --uid > "$T/theirs.json"; diffout --proc "$t"
expect "--proc with documents of every protocol: equal" 0 "^equal: 7 rows$"
sed 's/"protocol":"udp","bind_address":"0.0.0.0","pid":100,"comm":"srv","exe":"\/usr\/sbin\/srv"/"protocol":"udp","bind_address":"0.0.0.0","pid":200,"comm":"kid","exe":"\/usr\/sbin\/kid"/' \
  "$T/ours.json" > "$T/theirs.json"; diffout --proc "$t"
expect "owner of a udp row with --proc: both pids hold the socket" 1 \
  "^owner    udp ipv4 0.0.0.0:53: ours pid 100.*theirs pid 200.*both pids hold the socket"
# Every document shape the CLI writes from the tree: each flag alone and in
# pairs, compact and --pretty, each equal to itself and to the plain
# --protocols all document (keys only one side has are no difference).
"$L" --proc "$t" --protocols all > "$T/plain.json"
for f1 in "" --all-netns --verify-exe --holders --uid; do
  for f2 in --all-netns --verify-exe --holders --uid --pretty; do
    [ "$f1" = "$f2" ] && continue
    # shellcheck disable=SC2086
    "$L" --proc "$t" --protocols all $f1 $f2 > "$T/ours.json" 2>/dev/null
    cp "$T/ours.json" "$T/theirs.json"; diffout
    expect "document of --protocols all $f1 $f2 equals itself" 0 "^equal: 7 rows$"
    cp "$T/plain.json" "$T/theirs.json"; diffout
    expect "document of --protocols all $f1 $f2 equals the plain one" 0 "^equal: 7 rows$"
  done
done

# A partial document (a table over --max-table-size): compared, and said.
pt=$T/pt
mkdir -p "$pt/net"
{ lsn_tcp_header; for i in $(seq 1 60); do lsn_tcp_listen 00000000 $((1000 + i)) $((5000 + i)) "$i"; done; } >"$pt/net/tcp"
"$L" --proc "$pt" --max-table-size 4096 > "$T/ours.json" 2>/dev/null
check "the cut document is partial (exit 3, \"partial\":true)" '[ $? = 3 ] && grep -q "\],\"partial\":true}}$" "$T/ours.json"'
n=$(grep -o '"port"' "$T/ours.json" | wc -l)
check "the cut document has some rows, not all ($n of 60)" '[ "$n" -gt 0 ] && [ "$n" -lt 60 ]'
cp "$T/ours.json" "$T/theirs.json"; diffout
expect "a partial document equals itself, and both sides are said partial" 0 "^equal: $n rows$" \
  '^partial  ours: "partial":true' '^partial  theirs: "partial":true'
"$L" --proc "$pt" --max-table-size 4096 --pretty > "$T/theirs.json" 2>/dev/null; diffout
expect "... and its --pretty form" 0 "^equal: $n rows$" '^partial  theirs: "partial":true'
"$L" --proc "$pt" > "$T/theirs.json"; diffout
expect "partial against whole: the cut rows are extra, ours is said partial" 1 \
  '^partial  ours: "partial":true' "extra $((60 - n)),"
check "... and theirs is not said partial" '! grep -q "^partial  theirs" "$T/d.out"'
diffout --format json
check "--format json: ours_partial true, theirs_partial false" '[ "$(cat "$T/d.rc")" = 1 ] &&
  grep -q "^{\"equal\":false,\"ours_rows\":$n,\"theirs_rows\":60,\"ours_partial\":true,\"theirs_partial\":false,\"counts\":" "$T/d.out"'
sed 's/"partial":true/"partial":false/' "$T/ours.json" > "$T/bad.json"
"$L" diff "$T/bad.json" "$T/theirs.json" > /dev/null 2> "$T/d.err"
check "\"partial\":false is bad input (the tool writes only true)" '[ $? = 2 ] && grep -q "\"partial\" is not true" "$T/d.err"'

# Real CLI output as NDJSON: its rows, byte for byte, one per line (a row
# starts {"port": and a holder {"pid":, and no string holds a raw quote),
# then re-serialized by python3's json (other escapes, spaces, key order).
# shellcheck disable=SC2086
"$L" --proc "$t" $ALL > "$T/ours.json" 2>/dev/null
sed 's/^{"listeners":{"listeners":\[//; s/\]}}$//; s/},{"port":/}\n{"port":/g' "$T/ours.json" > "$T/theirs.json"
check "the CLI's rows split into 7 lines" '[ "$(wc -l < "$T/theirs.json")" = 7 ] && [ "$(grep -c "^{\"port\":.*}$" "$T/theirs.json")" = 7 ]'
diffout
expect "the CLI's document of every flag against its rows as NDJSON: equal" 0 "^equal: 7 rows$"
diffout --format json
check "... --format json too" '[ "$(cat "$T/d.rc")" = 0 ] && grep -q "^{\"equal\":true,\"ours_rows\":7,\"theirs_rows\":7," "$T/d.out"'
if command -v python3 > /dev/null; then
  python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))["listeners"]["listeners"]
with open(sys.argv[2], "w") as f:
    for r in rows:
        f.write(json.dumps(dict(reversed(list(r.items())))) + "\n")
' "$T/ours.json" "$T/theirs.json"
  diffout
  expect "... and as NDJSON written by python3 (reversed keys, spaces)" 0 "^equal: 7 rows$"
  sed -i '3s/"pid": 100, "bind_address"/"pid": 200, "bind_address"/' "$T/theirs.json"; diffout
  expect "... where a changed pid on line 3 is an owner difference" 1 "^owner "
else
  echo "skipped: python3 is not installed: the python3 NDJSON conversion"; skips=$((skips + 1))
fi

# shellcheck disable=SC2086
if "$L" $ALL > "$T/ours.json" 2>/dev/null || [ $? = 3 ]; then
  cp "$T/ours.json" "$T/theirs.json"; diffout
  expect "a live document of every flag equals itself" 0 "^equal: "
else
  echo "skipped: live --protocols all ... could not be collected"; skips=$((skips + 1))
fi
echo "$fails failure(s), $skips skipped"
[ $fails = 0 ] || exit 1
[ $skips = 0 ] || exit 77
