#!/bin/bash
# netns_member.sh LISTENERS - --all-netns reads a namespace's tables only
# from a member that is still in it (issue 15, item 9). The namespace scan
# names each namespace's lowest member pid; the tables are read later. A pid
# reused in between (here: the tree's <pid> directory swapped for one of
# another namespace while strace holds the collector at the end of the scan,
# the return of its last getdents64) must not put the other namespace's rows
# under this namespace's inode. Before the fix the swapped-in rows came out
# labelled with the first namespace; now that namespace is reported skipped
# and no row carries its inode. A fixture tree: any user, needs strace.
set -u
L=$1
command -v strace >/dev/null || { echo "skipped: needs strace"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# shellcheck source=tests/proc_tree.sh
. "$(dirname "$0")/../proc_tree.sh"
HOST=4026531840 A=4026532000 B=4026533000
# member DIR NETNS PORT INODE COMM: a pid directory of namespace NETNS whose
# net/tcp has 127.0.0.1:PORT (INODE), held by it.
member() {
  mkdir -p "$1/fd" "$1/ns" "$1/net"
  ln -s "net:[$2]" "$1/ns/net"
  { lsn_tcp_header; lsn_tcp_listen 0100007F "$3" "$4"; } >"$1/net/tcp"
  ln -s "socket:[$4]" "$1/fd/3"
  printf '%s\n' "$5" >"$1/comm"
  ln -s "/usr/bin/$5" "$1/exe"
}
tree=$T/tree
lsn_one_listener_tree "$tree" 10 100
mkdir -p "$tree/self/ns" "$tree/10/ns"
ln -s "net:[$HOST]" "$tree/self/ns/net"
ln -s "net:[$HOST]" "$tree/10/ns/net"
member "$tree/20" $A 8080 200 a-server
member "$tree/30" $B 9090 300 b-server
# pid 20 exits and a process of namespace B gets its number
member "$T/reused" $B 7070 700 b-other
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }

out=$("$L" --proc "$tree" --all-netns 2>"$T/err")
check "unraced: 8080 in A, 9090 in B" \
  'grep -q "\"port\":8080,[^}]*\"netns\":$A," <<<"$out" && grep -q "\"port\":9090,[^}]*\"netns\":$B," <<<"$out"'

( for _ in $(seq 1 300); do # the swap, once the scan has read 20/ns/net
    if grep -q 'readlinkat(.*"net", "net:\['$A'\]' "$T/trace" 2>/dev/null; then
      mv "$tree/20" "$T/gone" && mv "$T/reused" "$tree/20"; exit 0
    fi
    sleep 0.01
  done; exit 1 ) &
swapper=$!
out=$(strace -o "$T/trace" -e trace=readlinkat,getdents64 \
  -e inject=getdents64:delay_exit=1500000:when=2 "$L" --proc "$tree" --all-netns 2>"$T/err")
wait $swapper; swapped=$?
check "the member's directory was swapped during the pause (the test did run the race)" \
  '[ $swapped = 0 ] && [ -d "$T/gone" ]'
check "no row of another namespace under A's inode" \
  '! grep -q "\"netns\":$A," <<<"$out" || { echo "     $out"; false; }'
check "namespace A is reported, with its member" \
  'grep -q "namespace $A skipped: .*/20.*" "$T/err" || { cat "$T/err"; false; }'
check "B's own rows keep B's inode" 'grep -q "\"port\":9090,[^}]*\"netns\":$B," <<<"$out"'
echo "$fails failure(s)"
[ $fails = 0 ]
