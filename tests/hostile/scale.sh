#!/bin/bash
# scale.sh LISTENERS [sanitized] - never silent, never nothing, at scale.
# A proc tree with 500,000 listening sockets (what one unprivileged process
# with RLIMIT_NOFILE 524288 can open) and a few holders:
#  1. under a 64 MiB address-space limit (RLIMIT_AS, stricter than
#     SECURITY.md's MemoryMax=64M: it counts every mapping, resident or not)
#     the collector prints all 500,000 rows, owners included, and exits 0;
#     before, rows of ~160 bytes in a doubling array ran out of memory and it
#     printed nothing (exit 1);
#  2. under 32 MiB it runs out of memory part way: it prints the rows it has,
#     each right, ends the document with "partial":true, says so on stderr
#     and exits 3;
#  3. a table over --max-table-size gives its rows before the cut, partial,
#     exit 3 (before: net/tcp over the cap printed no JSON, exit 1; net/tcp6
#     over it dropped rows with exit 0).
# Fixture trees only: any user, no network.
set -u
L=$1
if [ "${2:-}" = sanitized ]; then
  echo "skipped: an ASan build cannot run under an address-space limit (its shadow memory alone is terabytes of mappings)"
  exit 77
fi
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/proc_tree.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
N=500000
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=1; }

# The tree: net/tcp with N listeners on 127.x.y.z:port, inodes 100000..;
# pids 100..109 hold every 50,000th socket from 100000+k; pid 200 the last.
mkdir -p "$T/big/net" && lsn_manifest "$T/big"
awk -v n=$N 'BEGIN {
  print "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
  for (i = 0; i < n; i++)
    printf "%6d: %02X00007F:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 %d 1 0000000000000000 100 0 0 10 0\n", i, 1 + int(i / 65536), i % 65536, 100000 + i
}' >"$T/big/net/tcp"
for k in 0 1 2 3 4 5 6 7 8 9; do
  p=$((100 + k))
  mkdir -p "$T/big/$p/fd"
  for j in 0 1 2 3 4 5 6 7 8 9; do
    ln -s "socket:[$((100000 + k + 50000 * j))]" "$T/big/$p/fd/$((3 + j))"
  done
  printf 'srv%d\n' $k >"$T/big/$p/comm"
  ln -s /usr/sbin/srv$k "$T/big/$p/exe"
done
mkdir -p "$T/big/200/fd"
ln -s "socket:[$((100000 + N - 1))]" "$T/big/200/fd/3"
printf 'last\n' >"$T/big/200/comm"
ln -s /usr/bin/last "$T/big/200/exe"
echo "tree: $N listeners, $(wc -c <"$T/big/net/tcp") bytes of net/tcp"

# 1. 64 MiB
prlimit --as=$((64 << 20)) "$L" --proc "$T/big" >"$T/out64" 2>"$T/err64"
rc=$?
rows=$(grep -o '"port":' "$T/out64" | wc -l)
if [ $rc = 0 ] && [ "$rows" = $N ] && ! grep -q '"partial"' "$T/out64" && [ ! -s "$T/err64" ]; then
  ok "64 MiB: exit 0, $rows rows, no partial key, nothing on stderr"
else
  bad "64 MiB: exit $rc, $rows of $N rows; stderr: $(head -c 300 "$T/err64")"
fi
# the owners: the row of inode 100000 + 3 + 50000 * 2 is pid 103's
want='{"port":34467,"family":"ipv4","protocol":"tcp","bind_address":"127.0.0.2","pid":103,"comm":"srv3","exe":"/usr/sbin/srv3"}'
grep -qF "$want" "$T/out64" && ok "64 MiB: owners attributed ($want)" || bad "64 MiB: no row $want"
grep -qF '"bind_address":"127.0.0.8","pid":200,"comm":"last"' "$T/out64" &&
  ok "64 MiB: the last socket's owner, pid 200" || bad "64 MiB: the last socket has no owner"

# 2. 32 MiB: partial, each row printed still right
prlimit --as=$((32 << 20)) "$L" --proc "$T/big" >"$T/out32" 2>"$T/err32"
rc=$?
rows=$(grep -o '"port":' "$T/out32" | wc -l)
if [ $rc = 3 ] && [ "$rows" -gt 0 ] && [ "$rows" -lt $N ] && tail -c 20 "$T/out32" | grep -q ',"partial":true}}$'; then
  ok "32 MiB: exit 3, $rows rows, the document ends with \"partial\":true"
else
  bad "32 MiB: exit $rc, $rows rows, ends with: $(tail -c 40 "$T/out32")"
fi
grep -q 'the output is partial (exit status 3): out of memory' "$T/err32" &&
  ok "32 MiB: stderr: $(tail -1 "$T/err32")" || bad "32 MiB: stderr does not say partial: $(cat "$T/err32")"
python3 - "$T/out32" $N 2>"$T/pyerr" <<'EOF' && ok "32 MiB: valid JSON, rows in order, each one's address, port and owner those of the tree" || bad "32 MiB: a row is wrong: $(tail -1 "$T/pyerr")"
import json, sys
d = json.load(open(sys.argv[1]))["listeners"]
n = int(sys.argv[2])
assert d["partial"] is True and list(d) == ["listeners", "partial"]
holder = {k + 50000 * j: 100 + k for k in range(10) for j in range(10)}
holder[n - 1] = 200
keys = []
for r in d["listeners"]:
    a = r["bind_address"].split(".")
    assert a[:3] == ["127", "0", "0"], r
    i = (int(a[3]) - 1) * 65536 + r["port"]
    assert 0 <= i < n, r
    assert r["pid"] is None or r["pid"] == holder.get(i), r
    keys.append((r["port"], int(a[3])))
assert keys == sorted(keys)
EOF

# 3. the size cap, net/tcp and net/tcp6
mkdir -p "$T/cap/net" && lsn_manifest "$T/cap"
{ lsn_tcp_header; for i in $(seq 1 100); do lsn_tcp_listen 0100007F $((1000 + i)) $((5000 + i)) "$i"; done; } >"$T/cap/net/tcp"
"$L" --proc "$T/cap" --max-table-size 4K >"$T/outcap" 2>"$T/errcap"
rc=$?
rows=$(grep -o '"port":' "$T/outcap" | wc -l)
if [ $rc = 3 ] && [ "$rows" -gt 0 ] && [ "$rows" -lt 100 ] && grep -q ',"partial":true}}$' "$T/outcap" &&
  grep -q "cap/net/tcp: table is larger than the size cap" "$T/errcap"; then
  ok "net/tcp over the cap: exit 3, $rows rows, partial, stderr names the file"
else
  bad "net/tcp over the cap: exit $rc, $rows rows; stderr: $(cat "$T/errcap")"
fi
mkdir -p "$T/cap6/net" && lsn_manifest "$T/cap6"
{ lsn_tcp_header; lsn_tcp_listen 0100007F 22 7000; } >"$T/cap6/net/tcp"
{
  printf '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
  for i in $(seq 1 100); do
    printf '%4d: 00000000000000000000000001000000:%04X 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 %d 1 0000000000000000 100 0 0 10 0\n' "$i" $((2000 + i)) $((8000 + i))
  done
} >"$T/cap6/net/tcp6"
"$L" --proc "$T/cap6" --max-table-size 4K >"$T/outcap6" 2>"$T/errcap6"
rc=$?
rows=$(grep -o '"family":"ipv6"' "$T/outcap6" | wc -l)
if [ $rc = 3 ] && [ "$rows" -gt 0 ] && [ "$rows" -lt 100 ] && grep -q ',"partial":true}}$' "$T/outcap6"; then
  ok "net/tcp6 over the cap: exit 3, $rows ipv6 rows, partial"
else
  bad "net/tcp6 over the cap: exit $rc, $rows ipv6 rows; stderr: $(cat "$T/errcap6")"
fi
[ $fails = 0 ]
