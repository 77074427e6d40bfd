#!/bin/bash
# openmetrics.sh LISTENERS - --format openmetrics, --output FILE and the
# ports command on a fixture tree (issue 19): the exact series (labels
# escaped, invalid UTF-8 as U+FFFD, one series per label set with the count
# of its sockets, no pid label, no label for a null name), promtool check
# metrics on it, the rows of --protocols all, the ports trait, the atomic
# replace of --output (a new inode, a hard link to the old file keeps the
# old bytes, no temporary file left, the old file kept on error) and the
# usage errors. Any user, no network. promtool (Debian's prometheus) is
# needed for one part: without it the rest runs and the test says so and
# exits 77.
set -u
L=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/proc_tree.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
check() { # check NAME WANT GOT
  if [ "$2" = "$3" ]; then echo "ok   $1"; else
    echo "FAIL $1"; echo "  want: $2"; echo "  got:  $3"; fails=1; fi
}
# the two values that change between runs
stable() { sed -E 's/^(listeners_collect_duration_seconds) [0-9]+\.[0-9]{9}$/\1 D/; s/^(listeners_last_success_timestamp_seconds) [0-9]+\.[0-9]{3}$/\1 T/'; }

t=$T/t
mkdir -p "$t/net" "$t/sys/class/net/lo" "$t/100/fd" "$t/200/fd" "$t/300/fd" "$t/301/fd"
{
  lsn_tcp_header
  lsn_tcp_listen 00000000 22 1001
  lsn_tcp_listen 00000000 443 1002 1 # two SO_REUSEPORT sockets of nginx: one series, 2
  lsn_tcp_listen 00000000 443 1003 2
  lsn_tcp_listen 0100007F 443 1004 3 # two names that are the same text once
  lsn_tcp_listen 0100007F 443 1005 4 # invalid UTF-8 is U+FFFD: one series, 2
  lsn_tcp_listen 00000000 8080 1006 5 # held by nobody: no comm, no exe label
} >"$t/net/tcp"
{ lsn_udp_header; lsn_udp_line 1 00000000 53 00000000 0 07 0 2001; } >"$t/net/udp"
{ lsn_raw_header; lsn_raw_line 1 00000000 1 00000000 0 07 0 3001; } >"$t/net/raw"
{ lsn_packet_header; lsn_packet_line 2 0800 1 1 0 4001; } >"$t/net/packet"
echo 1 >"$t/sys/class/net/lo/ifindex"
lsn_manifest "$t"
ln -s 'socket:[1001]' "$t/100/fd/3"; ln -s 'socket:[2001]' "$t/100/fd/4"
ln -s 'socket:[3001]' "$t/100/fd/5"; ln -s 'socket:[4001]' "$t/100/fd/6"
printf 'a"b\\c\nd\n' >"$t/100/comm"; ln -s /usr/sbin/sshd "$t/100/exe"
ln -s 'socket:[1002]' "$t/200/fd/3"; ln -s 'socket:[1003]' "$t/200/fd/4"
printf 'nginx\n' >"$t/200/comm"; ln -s /usr/sbin/nginx "$t/200/exe"
ln -s 'socket:[1004]' "$t/300/fd/3"; printf 'x\377\n' >"$t/300/comm"; ln -s /opt/x "$t/300/exe"
ln -s 'socket:[1005]' "$t/301/fd/3"; printf 'x\376\n' >"$t/301/comm"; ln -s /opt/x "$t/301/exe"

I='# HELP listeners_listener_info A socket that can receive traffic (tcp: listening); the value counts the sockets with these labels, usually 1. No pid label: pids change on every restart.
# TYPE listeners_listener_info gauge'
TAIL='# HELP listeners_unattributed Sockets without an owner (pid null: no permission to read the holder, it exited, another pid namespace, or the kernel holds it).
# TYPE listeners_unattributed gauge
listeners_unattributed 1
# HELP listeners_partial 1 when some sockets are missing (a table over the size cap, or out of memory), else 0.
# TYPE listeners_partial gauge
listeners_partial 0
# HELP listeners_collect_duration_seconds Time the collection took, in seconds.
# TYPE listeners_collect_duration_seconds gauge
listeners_collect_duration_seconds D
# HELP listeners_last_success_timestamp_seconds Unix time of the collection that wrote these metrics, in seconds.
# TYPE listeners_last_success_timestamp_seconds gauge
listeners_last_success_timestamp_seconds T'
TCP='listeners_listener_info{protocol="tcp",family="ipv4",address="0.0.0.0",port="22",comm="a\"b\\c\nd",exe="/usr/sbin/sshd"} 1
listeners_listener_info{protocol="tcp",family="ipv4",address="0.0.0.0",port="443",comm="nginx",exe="/usr/sbin/nginx"} 2
listeners_listener_info{protocol="tcp",family="ipv4",address="127.0.0.1",port="443",comm="x'$'\xef\xbf\xbd''",exe="/opt/x"} 2
listeners_listener_info{protocol="tcp",family="ipv4",address="0.0.0.0",port="8080"} 1'
out=$("$L" --proc "$t" --format openmetrics 2>"$T/err"); rc=$?
check "openmetrics: exit 0, nothing on stderr" "0:" "$rc:$(cat "$T/err")"
check "openmetrics: the exact series" "$I
$TCP
$TAIL" "$(printf '%s\n' "$out" | stable)"
check "openmetrics: duration and timestamp are numbers" "2" \
  "$(printf '%s\n' "$out" | grep -cE '^listeners_(collect_duration_seconds [0-9]+\.[0-9]{9}|last_success_timestamp_seconds [0-9]{10,}\.[0-9]{3})$')"
W='{"listeners":{"listeners":[{"port":22,"family":"ipv4","protocol":"tcp","bind_address":"0.0.0.0","pid":100,"comm":"a\"b\\c\nd","exe":"/usr/sbin/sshd"},'
check "the default output is still the trait" "$W" "$("$L" --proc "$t" | head -c ${#W})"
all=$("$L" --proc "$t" --format openmetrics --protocols all 2>&1)
check "--protocols all: udp with port, raw with ip_protocol, packet with ethertype, ifindex, interface" \
  'listeners_listener_info{protocol="udp",family="ipv4",address="0.0.0.0",port="53",comm="a\"b\\c\nd",exe="/usr/sbin/sshd"} 1
listeners_listener_info{protocol="raw",family="ipv4",address="0.0.0.0",ip_protocol="1",comm="a\"b\\c\nd",exe="/usr/sbin/sshd"} 1
listeners_listener_info{protocol="packet",ethertype="2048",ifindex="1",interface="lo",comm="a\"b\\c\nd",exe="/usr/sbin/sshd"} 1' \
  "$(printf '%s\n' "$all" | grep -E '^listeners_listener_info\{protocol="(udp|raw|packet)"')"

check "ports: sorted, unique" '{"ports":[22,443,8080]}' "$("$L" ports --proc "$t" 2>&1)"
check "ports --protocols all: udp's too, none from raw or packet" '{"ports":[22,53,443,8080]}' \
  "$("$L" ports --proc "$t" --protocols all 2>&1)"
mkdir -p "$T/empty/net"; lsn_tcp_header >"$T/empty/net/tcp"; lsn_manifest "$T/empty"
check "ports: no listener" '{"ports":[]}' "$("$L" ports --proc "$T/empty" 2>&1)"
"$L" ports --proc "$T/nonexistent" >"$T/out" 2>&1; rc=$?
check "ports: no tree is exit 1" 1 "$rc"
"$L" ports --pretty >/dev/null 2>&1; check "ports --pretty: usage error" 2 "$?"
"$L" ports --format json >/dev/null 2>&1; check "ports --format: usage error" 2 "$?"
"$L" --proc "$t" --format openmetrics --holders >/dev/null 2>&1
check "openmetrics --holders: usage error (no label for it)" 2 "$?"
"$L" --proc "$t" --format openmetrics --pretty >/dev/null 2>&1
check "openmetrics --pretty: usage error" 2 "$?"
"$L" --proc "$t" --output "" >/dev/null 2>&1; check "--output '': usage error" 2 "$?"
"$L" --proc "$t" --output "$T/d/" >/dev/null 2>&1; check "--output DIR/: usage error" 2 "$?"

# --output: atomic replace
d=$T/textfile; mkdir "$d"
printf 'old\n' >"$d/listeners.prom"; ln "$d/listeners.prom" "$d/old.link"
before=$(stat -c %i "$d/listeners.prom")
"$L" --proc "$t" --format openmetrics --output "$d/listeners.prom" --stats >"$T/out" 2>"$T/err"; rc=$?
check "--output: exit 0, nothing on stdout" "0:" "$rc:$(cat "$T/out")"
# A build with no filter (sanitizer builds: their runtime needs system calls
# the filter denies) says so on a plain run: then the child cannot be in one.
if "$L" --proc "$t" --stats 2>&1 >/dev/null | grep -q '^stats: sandbox: seccomp filter installed'; then
  check "--output: the child wrote it in the seccomp sandbox" 1 \
    "$(grep -c '^stats: sandbox: seccomp filter installed' "$T/err")"
else
  echo "skip --output under the sandbox: this build installs no seccomp filter (a plain run says so)"
  check "--output: the child says it runs without a filter, as a plain run does" 1 \
    "$(grep -c '^stats: sandbox: none' "$T/err")"
fi
check "--output: the file has the series" "$I
$TCP
$TAIL" "$(stable <"$d/listeners.prom")"
check "--output: a new inode (renamed over, not rewritten in place)" 1 \
  "$([ "$(stat -c %i "$d/listeners.prom")" != "$before" ] && echo 1)"
check "--output: the old file's other link keeps the old bytes" old "$(cat "$d/old.link")"
check "--output: no temporary file left" "listeners.prom old.link" "$(ls -A "$d" | tr '\n' ' ' | sed 's/ $//')"
cp "$d/listeners.prom" "$T/kept"
"$L" --proc "$T/nonexistent" --format openmetrics --output "$d/listeners.prom" >"$T/out" 2>"$T/err"; rc=$?
check "--output, collection fails: exit 1, said" "1:1" "$rc:$(grep -c 'cannot open the proc directory' "$T/err")"
check "--output, collection fails: the old file kept" "" "$(cmp "$T/kept" "$d/listeners.prom" 2>&1)"
check "--output, collection fails: no temporary file left" "listeners.prom old.link" "$(ls -A "$d" | tr '\n' ' ' | sed 's/ $//')"
"$L" --proc "$t" --output "$T/missing/x.prom" >"$T/out" 2>"$T/err"; rc=$?
check "--output into a missing directory: exit 1, said" "1:1" "$rc:$(grep -c "missing: No such file" "$T/err")"
(cd "$d" && "$L" --proc "$t" --output plain.json) 2>"$T/err"; rc=$?
check "--output FILE without a directory, json: the trait" "0:$("$L" --proc "$t")" "$rc:$(cat "$d/plain.json")"
"$L" --proc "$t" --format openmetrics --no-sandbox --output "$d/listeners.prom" 2>"$T/err"; rc=$?
check "--output --no-sandbox: the same file" "0:$I" "$rc:$(head -2 "$d/listeners.prom")"

if ! command -v promtool >/dev/null; then
  echo "promtool not installed (Debian: prometheus; .ci/deps check): promtool check metrics not run"
  [ $fails = 0 ] && exit 77
  exit 1
fi
check "promtool check metrics: the tcp series" "" \
  "$(printf '%s\n' "$out" | promtool check metrics 2>&1)"
check "promtool check metrics: --protocols all" "" \
  "$(printf '%s\n' "$all" | grep -v '^listeners:' | promtool check metrics 2>&1)"
check "promtool check metrics: the --output file" "" "$(promtool check metrics <"$d/listeners.prom" 2>&1)"
printf 'listeners_listener_info{port="1"} 1\nlisteners_listener_info{port="1"} 1\n' >"$T/dup.prom"
promtool check metrics <"$T/dup.prom" >/dev/null 2>&1 && dup=accepted || dup=refused
echo "note: promtool $dup a repeated series (why rows of one label set are one series)"
exit $fails
