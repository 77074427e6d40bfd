#!/bin/bash
# source_netlink.sh LISTENERS DATA - --source netlink on fixture trees whose
# stored dumps netlink/<kind> are the real NETLINK_SOCK_DIAG replies of
# tests/data/real (PROVENANCE.md section F): the exact rows the dumps give
# (port, family, address, inode -> owner); the same output as --source
# procfs on a tree whose tables describe the same sockets; the fallback to
# the procfs copy, named, when a dump is missing or says ENOENT (raw_diag
# was not loaded); a dump cut inside a record or without NLMSG_DONE (a
# diagnostic naming the file, the rows before it, exit 0); an NLMSG_ERROR
# -EACCES dump (net/tcp: exit 1; net/tcp6: a diagnostic, exit 0). Any user,
# no network.
set -u
L=$1
D=$2
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/proc_tree.sh"
# The dumps are in the byte order of the x86_64 that captured them, and a
# stored dump is read in the host's: on a big-endian host they are other
# bytes, not these sockets.
if [ "$(printf '\001\000' | od -An -tu2 | tr -d ' ')" != 1 ]; then
  echo "skipped: the stored dumps of tests/data/real are little-endian and this host is big-endian"
  exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
check() { # check NAME WANT GOT
  if [ "$2" = "$3" ]; then echo "ok   $1"; else
    echo "FAIL $1"; echo "  want: $2"; echo "  got:  $3"; fails=1; fi
}
dump() { echo "$D/sockdiag-$1-thismachine-6.18.44-x86_64.bin"; }
for k in tcp4 tcp6 udp4 udp6 raw4 raw6 packet; do
  [ -s "$(dump $k)" ] || { echo "FAIL missing $(dump $k)"; exit 1; }
done

# stored_dumps DIR: DIR/netlink/<kind> from the real dumps, and the MANIFEST
# lines a snapshot writes with them (their byte order: the tables' and the
# dumps'; without it the CLI warns that the tree records none).
stored_dumps() {
  mkdir -p "$1/netlink"
  printf 'format=listeners-snapshot 1\nbyte_order=little-endian\nnetlink_byte_order=little-endian\n' >"$1/MANIFEST"
  cp "$(dump tcp4)" "$1/netlink/tcp"; cp "$(dump tcp6)" "$1/netlink/tcp6"
  cp "$(dump udp4)" "$1/netlink/udp"; cp "$(dump udp6)" "$1/netlink/udp6"
  cp "$(dump raw4)" "$1/netlink/raw"; cp "$(dump raw6)" "$1/netlink/raw6"
  cp "$(dump packet)" "$1/netlink/packet"
}
# processes DIR: pid 100 holds 127.0.0.1:53067, [::ffff:127.0.0.1]:39015,
# udp 127.0.0.1:40455, the raw ICMP socket and the ETH_P_IP packet socket;
# pid 200 the other process's 0.0.0.0:2024 (inode 653) and the udp one too.
processes() {
  mkdir -p "$1/100/fd" "$1/200/fd" "$1/sys/class/net/lo"
  ln -s 'socket:[40756011]' "$1/100/fd/3"; ln -s 'socket:[40756013]' "$1/100/fd/4"
  ln -s 'socket:[40756014]' "$1/100/fd/5"; ln -s 'socket:[40756016]' "$1/100/fd/6"
  ln -s 'socket:[40756019]' "$1/100/fd/7"; ln -s 'socket:[653]' "$1/200/fd/3"
  ln -s 'socket:[40756014]' "$1/200/fd/9"
  printf 'srv\n' >"$1/100/comm"; ln -s /usr/sbin/srv "$1/100/exe"
  printf 'other\n' >"$1/200/comm"; ln -s /usr/bin/other "$1/200/exe"
  echo 1 >"$1/sys/class/net/lo/ifindex"
}
# raw_tables DIR: net/raw and net/raw6 (raw_diag was not loaded when the
# dumps were taken: these are read in both sources).
raw_tables() {
  { lsn_raw_header; lsn_raw_line 1 00000000 1 00000000 0 07 0 40756016; } >"$1/net/raw"
  { lsn_dgram6_header; lsn_dgram6_line 58 00000000000000000000000001000000 58 00000000000000000000000000000000 0 07 0 40756017; } >"$1/net/raw6"
}
# lsn_tcp6_listen HEX_IP PORT INODE: a LISTEN line of net/tcp6 (tcp6_seq_show).
tcp6_listen() {
  printf '%4d: %s:%04X 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 %s 1 0000000000000000 100 0 0 10 0\n' 0 "$1" "$2" "$3"
}
tcp6_header() {
  printf '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
}
# same_tables DIR: the procfs tables of the sockets the dumps hold.
same_tables() {
  mkdir -p "$1/net"
  { lsn_tcp_header; lsn_tcp_listen 00000000 2024 653 0; lsn_tcp_listen 0100007F 53067 40756011 1; } >"$1/net/tcp"
  { tcp6_header; tcp6_listen 00000000000000000000000001000000 46729 40756012
    tcp6_listen 0000000000000000FFFF00000100007F 39015 40756013; } >"$1/net/tcp6"
  { lsn_udp_header; lsn_udp_line 1 0100007F 40455 00000000 0 07 0 40756014; } >"$1/net/udp"
  { lsn_dgram6_header; lsn_dgram6_line 2 00000000000000000000000001000000 60571 00000000000000000000000001000000 9 01 0 40756015; } >"$1/net/udp6"
  raw_tables "$1"
  { lsn_packet_header; lsn_packet_line 3 0003 0 1 0 40756018; lsn_packet_line 2 0800 1 1 0 40756019
    lsn_packet_line 3 0000 0 1 0 40756020; } >"$1/net/packet"
}
# empty_tables DIR: headers only, no socket.
empty_tables() {
  mkdir -p "$1/net"
  lsn_tcp_header >"$1/net/tcp"; tcp6_header >"$1/net/tcp6"; lsn_udp_header >"$1/net/udp"
  lsn_dgram6_header >"$1/net/udp6"; lsn_packet_header >"$1/net/packet"
  raw_tables "$1"
}

S='"pid":100,"comm":"srv","exe":"/usr/sbin/srv"'
O='"pid":200,"comm":"other","exe":"/usr/bin/other"'
N='"pid":null,"comm":null,"exe":null'
P='"port":null,"family":null,"protocol":"packet","bind_address":null'
TCP4_2024='{"port":2024,"family":"ipv4","protocol":"tcp","bind_address":"0.0.0.0",'"$O"'}'
TCP4_53067='{"port":53067,"family":"ipv4","protocol":"tcp","bind_address":"127.0.0.1",'"$S"'}'
TCP_ROWS=$TCP4_2024',{"port":39015,"family":"ipv6","protocol":"tcp","bind_address":"::ffff:127.0.0.1",'"$S"'},{"port":46729,"family":"ipv6","protocol":"tcp","bind_address":"::1",'"$N"'},'$TCP4_53067
UDP_ROWS='{"port":40455,"family":"ipv4","protocol":"udp","bind_address":"127.0.0.1",'"$S"'}'
RAW_ROWS='{"port":null,"family":"ipv4","protocol":"raw","bind_address":"0.0.0.0",'"$S"',"ip_protocol":1},{"port":null,"family":"ipv6","protocol":"raw","bind_address":"::1",'"$N"',"ip_protocol":58}'
PACKET_ROWS='{'"$P"','"$N"',"ethertype":0,"ifindex":0,"interface":null},{'"$P"','"$N"',"ethertype":3,"ifindex":0,"interface":null},{'"$P"','"$S"',"ethertype":2048,"ifindex":1,"interface":"lo"}'
ALL='{"listeners":{"listeners":['"$TCP_ROWS,$UDP_ROWS,$RAW_ROWS,$PACKET_ROWS"']}}'
RAW_DIAG="listeners: net/raw: the tree's stored netlink dump says its kernel had no sock_diag handler for this table: read from its procfs copy instead
listeners: net/raw6: the tree's stored netlink dump says its kernel had no sock_diag handler for this table: read from its procfs copy instead"

# 1. Tables without a socket: every row (but raw's) comes from the dumps.
a=$T/a
empty_tables "$a"; stored_dumps "$a"; processes "$a"
out=$("$L" --proc "$a" --source netlink --protocols all 2>"$T/a.err"); rc=$?
check "dumps only: exit 0" 0 "$rc"
check "dumps only: the rows of the dumps (tcp LISTEN only, udp unconnected only, packet all), owners by inode" \
  "$ALL" "$out"
check "dumps only: stderr names the raw tables read from procfs (the raw dumps say ENOENT)" \
  "$RAW_DIAG" "$(cat "$T/a.err")"
check "dumps only: --source procfs reads the (empty) tables, not the dumps" \
  '{"listeners":{"listeners":['"$RAW_ROWS"']}}' "$("$L" --proc "$a" --source procfs --protocols all 2>&1)"
check "dumps only: tcp by default" '{"listeners":{"listeners":['"$TCP_ROWS"']}}' \
  "$("$L" --proc "$a" --source netlink 2>&1)"
"$L" --proc "$a" --source netlink --protocols all --stats >/dev/null 2>"$T/a.stats"
check "--stats: the dump of net/tcp" \
  "stats: netlink dump of net/tcp: 3 records, 932 bytes in 1 stored read, 2 rows, 0 duplicates, 0 malformed," \
  "$(grep '^stats: netlink dump of net/tcp:' "$T/a.stats" | sed 's/ [0-9.]* ms$//')"
check "--stats: net/udp6's connected socket is a record and no row" \
  "stats: netlink dump of net/udp6: 2 records, 184 bytes in 1 stored read, 0 rows, 0 duplicates, 0 malformed," \
  "$(grep '^stats: netlink dump of net/udp6:' "$T/a.stats" | sed 's/ [0-9.]* ms$//')"
check "--stats: net/raw after the fallback counts the procfs table only" \
  "stats: $a/net/raw: 2 lines read, $(wc -c <"$a/net/raw" | tr -d ' ') bytes, 1 listening, 0 duplicates, 0 malformed," \
  "$(grep "^stats: $a/net/raw: [0-9]* lines" "$T/a.stats" | sed 's/ [0-9.]* ms$//')"

# 2. Tables of the same sockets: both sources say the same bytes.
b=$T/b
same_tables "$b"; stored_dumps "$b"; processes "$b"
for opts in "--protocols all" "--protocols all --holders --uid" "--protocols tcp" "--protocols udp,packet --format table" "--protocols all --uid --pretty"; do
  # shellcheck disable=SC2086
  p=$("$L" --proc "$b" --source procfs $opts 2>/dev/null); prc=$?
  # shellcheck disable=SC2086
  n=$("$L" --proc "$b" --source netlink $opts 2>/dev/null); nrc=$?
  check "same sockets, $opts: exit 0 both" "0 0" "$prc $nrc"
  check "same sockets, $opts: byte-identical" "$p" "$n"
done
check "same sockets: procfs is the expected rows too" "$ALL" "$("$L" --proc "$b" --source procfs --protocols all)"

# 3. No stored dump of net/tcp6: its procfs copy, with a diagnostic naming it.
c=$T/c
empty_tables "$c"; stored_dumps "$c"; processes "$c"
rm "$c/netlink/tcp6"
{ tcp6_header; tcp6_listen 00000000000000000000000000000000 7777 555; } >"$c/net/tcp6"
out=$("$L" --proc "$c" --source netlink 2>"$T/c.err"); rc=$?
check "no netlink/tcp6: exit 0" 0 "$rc"
check "no netlink/tcp6: net/tcp from the dump, net/tcp6 from the procfs copy" \
  '{"listeners":{"listeners":['"$TCP4_2024"',{"port":7777,"family":"ipv6","protocol":"tcp","bind_address":"::",'"$N"'},'"$TCP4_53067"']}}' "$out"
check "no netlink/tcp6: the diagnostic names the table" \
  "listeners: net/tcp6: the tree has no stored netlink dump of this table: read from its procfs copy instead" \
  "$(cat "$T/c.err")"

# 4. A dump cut inside its second record (the first is 127.0.0.1:53067,
# 456 bytes): that row, a diagnostic naming the file, exit 0.
d=$T/d
empty_tables "$d"; stored_dumps "$d"; processes "$d"
head -c 600 "$(dump tcp4)" >"$d/netlink/tcp"
out=$("$L" --proc "$d" --source netlink 2>"$T/d.err"); rc=$?
check "cut inside a record: exit 0" 0 "$rc"
check "cut inside a record: the row before the cut, tcp6's" \
  '{"listeners":{"listeners":[{"port":39015,"family":"ipv6","protocol":"tcp","bind_address":"::ffff:127.0.0.1",'"$S"'},{"port":46729,"family":"ipv6","protocol":"tcp","bind_address":"::1",'"$N"'},'"$TCP4_53067"']}}' "$out"
check "cut inside a record: the diagnostic names the file and the record" \
  "$d/netlink/tcp:2: the dump ends inside a record" "$(cat "$T/d.err")"

# 5. A dump without its NLMSG_DONE: both rows, a diagnostic naming the file.
head -c 912 "$(dump tcp4)" >"$d/netlink/tcp"
out=$("$L" --proc "$d" --source netlink 2>"$T/d.err"); rc=$?
check "no NLMSG_DONE: exit 0" 0 "$rc"
check "no NLMSG_DONE: every record's row" '{"listeners":{"listeners":['"$TCP_ROWS"']}}' "$out"
check "no NLMSG_DONE: the diagnostic names the file" \
  "$d/netlink/tcp:2: the dump ends without NLMSG_DONE: sockets may be missing" "$(cat "$T/d.err")"

# 6. NLMSG_ERROR -EACCES (what a dump refused by an LSM gives): net/tcp is
# required, exit 1; net/tcp6 is not, a diagnostic and exit 0.
nlmsg_error() { # nlmsg_error SEQ ERRNO: an NLMSG_ERROR record, host order (little-endian here)
  python3 -c 'import struct,sys; s,e=int(sys.argv[1]),int(sys.argv[2]); sys.stdout.buffer.write(struct.pack("<IHHIIi",36,2,0,s,0,-e)+struct.pack("<IHHII",72,20,0x301,s,0))' "$1" "$2"
}
e=$T/e
empty_tables "$e"; stored_dumps "$e"; processes "$e"
nlmsg_error 1 13 >"$e/netlink/tcp"
check "NLMSG_ERROR record: 36 bytes" 36 "$(wc -c <"$e/netlink/tcp" | tr -d ' ')"
out=$("$L" --proc "$e" --source netlink 2>"$T/e.err"); rc=$?
check "EACCES in net/tcp: exit 1" 1 "$rc"
check "EACCES in net/tcp: no output" "" "$out"
check "EACCES in net/tcp: says the dump failed" \
  "listeners: netlink sock_diag dump of net/tcp: netlink sock_diag dump failed: Permission denied" \
  "$(cat "$T/e.err")"
stored_dumps "$e"
nlmsg_error 1 13 >"$e/netlink/tcp6"
out=$("$L" --proc "$e" --source netlink 2>"$T/e.err"); rc=$?
check "EACCES in net/tcp6: exit 0" 0 "$rc"
check "EACCES in net/tcp6: net/tcp's rows only" '{"listeners":{"listeners":['"$TCP4_2024,$TCP4_53067"']}}' "$out"
check "EACCES in net/tcp6: a diagnostic" \
  "listeners: netlink sock_diag dump of net/tcp6: netlink sock_diag dump failed: Permission denied" \
  "$(cat "$T/e.err")"

# 7. A dump over --max-table-size: the records before the cut are rows, the
# output is partial (exit 3), as for a table. 20 records of 456 bytes (the
# first of tcp4, ports 2000.., inodes 9000..), then NLMSG_DONE: 4096 bytes
# hold 8 of them.
f=$T/f
empty_tables "$f"; stored_dumps "$f"
python3 - "$(dump tcp4)" "$f/netlink/tcp" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read()
out = bytearray()
for i in range(20):
    r = bytearray(b[:456])
    struct.pack_into(">H", r, 16 + 4, 2000 + i)    # idiag_sport
    struct.pack_into("<I", r, 16 + 68, 9000 + i)   # idiag_inode
    out += r
open(sys.argv[2], "wb").write(out + b[912:])
PY
rows() { # rows FROM TO: tcp 127.0.0.1 rows of those ports, no owner
  local p sep=
  for p in $(seq "$1" "$2"); do
    printf '%s{"port":%d,"family":"ipv4","protocol":"tcp","bind_address":"127.0.0.1",%s}' "$sep" "$p" "$N"; sep=,
  done
}
out=$("$L" --proc "$f" --source netlink --protocols tcp 2>"$T/f.err"); rc=$?
TCP6_ROWS='{"port":39015,"family":"ipv6","protocol":"tcp","bind_address":"::ffff:127.0.0.1",'"$N"'},{"port":46729,"family":"ipv6","protocol":"tcp","bind_address":"::1",'"$N"'}'
check "20 records: exit 0" 0 "$rc"
check "20 records: every row" '{"listeners":{"listeners":['"$(rows 2000 2019),$TCP6_ROWS"']}}' "$out"
out=$("$L" --proc "$f" --source netlink --protocols tcp --max-table-size 4096 2>"$T/f.err"); rc=$?
check "over the size cap: exit 3" 3 "$rc"
check "over the size cap: the 8 records before the cut, tcp6's rows, partial" \
  '{"listeners":{"listeners":['"$(rows 2000 2007),$TCP6_ROWS"'],"partial":true}}' "$out"
check "over the size cap: the diagnostic names the file" \
  "listeners: $f/netlink/tcp: dump is larger than the size cap: the records past it are missing: File too large" \
  "$(head -1 "$T/f.err")"

# 8. --source takes procfs or netlink.
"$L" --proc "$a" --source bogus >/dev/null 2>&1
check "--source bogus: usage error" 2 "$?"
exit $fails
