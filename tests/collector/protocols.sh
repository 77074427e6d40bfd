#!/bin/bash
# protocols.sh LISTENERS - --protocols, --holders and --uid on a fixture tree
# (issue 16): the exact JSON of udp, raw and packet rows, the rule for each
# (a connected udp socket is no row), interface names from the tree's
# sys/class/net, every holder in pid order, the table's columns, and the
# default output unchanged by the new tables. Any user, no network.
set -u
L=$1
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/proc_tree.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
check() { # check NAME WANT GOT
  if [ "$2" = "$3" ]; then echo "ok   $1"; else
    echo "FAIL $1"; echo "  want: $2"; echo "  got:  $3"; fails=1; fi
}
t=$T/t
mkdir -p "$t/net" "$t/sys/class/net/lo" "$t/100/fd" "$t/200/fd"
{ lsn_tcp_header; lsn_tcp_listen 00000000 22 1001; } >"$t/net/tcp"
{
  lsn_udp_header
  lsn_udp_line 1 00000000 53 00000000 0 07 0 2001    # bound, unconnected: a row
  lsn_udp_line 2 0100007F 5000 0100007F 9 01 1000 2002 # connected: not one
  lsn_udp_line 3 0100007F 5001 00000000 0 01 1000 2003 # st 01: not one
} >"$t/net/udp"
{ lsn_dgram6_header; lsn_dgram6_line 10 00000000000000000000000000000000 5353 00000000000000000000000000000000 0 07 101 2004; } >"$t/net/udp6"
{ lsn_raw_header; lsn_raw_line 1 00000000 1 00000000 0 07 0 3001; lsn_raw_line 255 0100007F 255 00000000 0 07 0 3002; } >"$t/net/raw"
{ lsn_dgram6_header; lsn_dgram6_line 58 00000000000000000000000000000000 58 00000000000000000000000000000000 0 07 0 3003; } >"$t/net/raw6"
{
  lsn_packet_header
  lsn_packet_line 3 0003 0 1 0 4001  # ETH_P_ALL, every interface
  lsn_packet_line 2 0800 1 1 0 4002  # IPv4 on lo
  lsn_packet_line 3 88cc 7 1 0 4003  # LLDP on an index without a name here
  lsn_packet_line 3 0003 -1 0 0 4004 # its device is gone; held by nobody
} >"$t/net/packet"
echo 1 >"$t/sys/class/net/lo/ifindex"
for i in 1001 2001 2004 3001 3002 3003 4001 4002; do ln -s "socket:[$i]" "$t/100/fd/$i"; done
printf 'srv\n' >"$t/100/comm"; ln -s /usr/sbin/srv "$t/100/exe"
ln -s 'socket:[2001]' "$t/200/fd/3"; ln -s 'socket:[4003]' "$t/200/fd/4"
printf 'kid\n' >"$t/200/comm"; ln -s /usr/sbin/kid "$t/200/exe"

S='"pid":100,"comm":"srv","exe":"/usr/sbin/srv"'
H='{"pid":100,"comm":"srv","exe":"/usr/sbin/srv","fds"'
check "default: the trait, the new tables not read" \
  '{"listeners":{"listeners":[{"port":22,"family":"ipv4","protocol":"tcp","bind_address":"0.0.0.0",'"$S"'}]}}' \
  "$("$L" --proc "$t")"
check "--protocols tcp is the default" "$("$L" --proc "$t")" "$("$L" --proc "$t" --protocols tcp)"
check "--protocols udp: bound and unconnected only, ipv4 and ipv6" \
  '{"listeners":{"listeners":[{"port":53,"family":"ipv4","protocol":"udp","bind_address":"0.0.0.0",'"$S"'},{"port":5353,"family":"ipv6","protocol":"udp","bind_address":"::",'"$S"'}]}}' \
  "$("$L" --proc "$t" --protocols udp)"
check "--protocols raw: port null, ip_protocol after exe" \
  '{"listeners":{"listeners":[{"port":null,"family":"ipv4","protocol":"raw","bind_address":"0.0.0.0",'"$S"',"ip_protocol":1},{"port":null,"family":"ipv6","protocol":"raw","bind_address":"::",'"$S"',"ip_protocol":58},{"port":null,"family":"ipv4","protocol":"raw","bind_address":"127.0.0.1",'"$S"',"ip_protocol":255}]}}' \
  "$("$L" --proc "$t" --protocols raw)"
check "--protocols packet: ethertype, ifindex, interface named from sys/class/net" \
  '{"listeners":{"listeners":[{"port":null,"family":null,"protocol":"packet","bind_address":null,'"$S"',"ethertype":3,"ifindex":0,"interface":null},{"port":null,"family":null,"protocol":"packet","bind_address":null,"pid":null,"comm":null,"exe":null,"ethertype":3,"ifindex":-1,"interface":null},{"port":null,"family":null,"protocol":"packet","bind_address":null,'"$S"',"ethertype":2048,"ifindex":1,"interface":"lo"},{"port":null,"family":null,"protocol":"packet","bind_address":null,"pid":200,"comm":"kid","exe":"/usr/sbin/kid","ethertype":35020,"ifindex":7,"interface":null}]}}' \
  "$("$L" --proc "$t" --protocols packet)"
P='"family":null,"protocol":"packet","bind_address":null'
check "--protocols all --holders --uid: every row's holders in pid order, its uid" \
  '{"listeners":{"listeners":[{"port":22,"family":"ipv4","protocol":"tcp","bind_address":"0.0.0.0",'"$S"',"uid":0,"holders":['"$H"':[1001]}]},{"port":53,"family":"ipv4","protocol":"udp","bind_address":"0.0.0.0",'"$S"',"uid":0,"holders":['"$H"':[2001]},{"pid":200,"comm":"kid","exe":"/usr/sbin/kid","fds":[3]}]},{"port":5353,"family":"ipv6","protocol":"udp","bind_address":"::",'"$S"',"uid":101,"holders":['"$H"':[2004]}]},{"port":null,"family":"ipv4","protocol":"raw","bind_address":"0.0.0.0",'"$S"',"ip_protocol":1,"uid":0,"holders":['"$H"':[3001]}]},{"port":null,"family":"ipv6","protocol":"raw","bind_address":"::",'"$S"',"ip_protocol":58,"uid":0,"holders":['"$H"':[3003]}]},{"port":null,"family":"ipv4","protocol":"raw","bind_address":"127.0.0.1",'"$S"',"ip_protocol":255,"uid":0,"holders":['"$H"':[3002]}]},{"port":null,'"$P"','"$S"',"ethertype":3,"ifindex":0,"interface":null,"uid":0,"holders":['"$H"':[4001]}]},{"port":null,'"$P"',"pid":null,"comm":null,"exe":null,"ethertype":3,"ifindex":-1,"interface":null,"uid":0,"holders":[]},{"port":null,'"$P"','"$S"',"ethertype":2048,"ifindex":1,"interface":"lo","uid":0,"holders":['"$H"':[4002]}]},{"port":null,'"$P"',"pid":200,"comm":"kid","exe":"/usr/sbin/kid","ethertype":35020,"ifindex":7,"interface":null,"uid":0,"holders":[{"pid":200,"comm":"kid","exe":"/usr/sbin/kid","fds":[4]}]}]}}' \
  "$("$L" --proc "$t" --protocols all --holders --uid)"
check "udp,raw,packet equals all without tcp" \
  "$("$L" --proc "$t" --protocols all | python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps([r for r in d["listeners"]["listeners"] if r["protocol"]!="tcp"]))')" \
  "$("$L" --proc "$t" --protocols udp,raw,packet | python3 -c 'import json,sys; d=json.load(sys.stdin); print(json.dumps(d["listeners"]["listeners"]))')"
check "pretty is the same document" \
  "$("$L" --proc "$t" --protocols all --holders --uid | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))')" \
  "$("$L" --proc "$t" --protocols all --holders --uid --pretty | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))')"
check "the table: PROTO, UID and HOLDERS columns" \
  "PORT  PROTO          FAMILY  ADDRESS    PID  UID  HOLDERS  COMM  EXE
  22  tcp            ipv4    0.0.0.0    100    0  100      srv   /usr/sbin/srv
  53  udp            ipv4    0.0.0.0    100    0  100,200  srv   /usr/sbin/srv
5353  udp            ipv6    ::         100  101  100      srv   /usr/sbin/srv
   -  raw:1          ipv4    0.0.0.0    100    0  100      srv   /usr/sbin/srv
   -  raw:58         ipv6    ::         100    0  100      srv   /usr/sbin/srv
   -  raw:255        ipv4    127.0.0.1  100    0  100      srv   /usr/sbin/srv
   -  packet:0x0003  -       *          100    0  100      srv   /usr/sbin/srv
   -  packet:0x0003  -       #-1          -    0  -        -     -
   -  packet:0x0800  -       lo         100    0  100      srv   /usr/sbin/srv
   -  packet:0x88cc  -       #7         200    0  200      kid   /usr/sbin/kid" \
  "$("$L" --proc "$t" --protocols all --holders --uid --format table)"
check "the default table has no new column" "PORT  FAMILY  ADDRESS  PID  COMM  EXE
  22  ipv4    0.0.0.0  100  srv   /usr/sbin/srv" "$("$L" --proc "$t" --format table)"
for bad in "" "tcp," ",udp" "icmp" "tcp,,udp"; do
  "$L" --proc "$t" --protocols "$bad" >/dev/null 2>"$T/err"
  check "--protocols '$bad' is a usage error" "2 yes" "$? $(grep -q 'takes a comma-separated list' "$T/err" && echo yes)"
done
# a missing net/udp is an error naming it, as a missing net/tcp is
mv "$t/net/udp" "$t/net/udp.away"
"$L" --proc "$t" --protocols udp >/dev/null 2>"$T/err"
check "a missing net/udp with --protocols udp: exit 1 naming it" "1 yes" "$? $(grep -q "net/udp: No such file" "$T/err" && echo yes)"
"$L" --proc "$t" >/dev/null 2>"$T/err"
check "... and not read without it" "0" "$?"
mv "$t/net/udp.away" "$t/net/udp"
rm "$t/net/packet"
check "a missing net/packet is no error (CONFIG_PACKET off)" "0" "$("$L" --proc "$t" --protocols packet >/dev/null 2>&1; echo $?)"
[ $fails = 0 ]
