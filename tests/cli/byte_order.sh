#!/bin/bash
# byte_order.sh LISTENERS DATA - a --proc tree is decoded in the byte order
# its MANIFEST records (issue 18). The big-endian captures of tests/data/real
# (PROVENANCE.md A and D: a MIPS32 router's net/tcp and net/udp, a sparc64
# net/tcp line) replayed as snapshot trees whose MANIFEST says big-endian
# give the addresses worked out by hand from the hex; --byte-order little
# gives the wrong text a little-endian decode makes of them (192.168.1.1 as
# 1.1.168.192, ::1 as ::100:0); a tree without a MANIFEST is read in this
# host's order with one warning naming the path; a bad byte_order line is an
# error naming the file and line (exit 1; check: 2); stored netlink dumps
# recorded in another order than this host's are not read (--source netlink
# and check fall back to the procfs copies, said); a snapshot records
# byte_order, kernel_release and machine, and carries a tree source's on.
# Any user for all but the live snapshot, which runs in a network namespace
# of its own (unshare -n, root) and is a stated skip without it.
set -u
L=$1
D=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
check() { # check NAME WANT GOT
  if [ "$2" = "$3" ]; then echo "ok   $1"; else
    echo "FAIL $1"; echo "  want: $2"; echo "  got:  $3"; fails=1; fi
}
if [ "$(printf '\001\000' | od -An -tu2 | tr -d ' ')" = 1 ]; then
  HOST=little; OTHER=big
else
  HOST=big; OTHER=little
fi
MIPS_TCP=$D/tcp-bigendian-mips32-comtrend-router-busybox-2015.txt
MIPS_UDP=$D/udp-bigendian-mips32-comtrend-router-busybox-2015.txt
SPARC=$D/tcp-line-sparc64-bigendian-2.6-era-psutil-issue201.txt
for f in "$MIPS_TCP" "$MIPS_UDP" "$SPARC"; do [ -s "$f" ] || { echo "FAIL missing $f"; exit 1; }; done

N='"pid":null,"comm":null,"exe":null'
row() { # row PROTO PORT ADDRESS [FAMILY]
  printf '{"port":%s,"family":"%s","protocol":"%s","bind_address":"%s",%s}' "$2" "${4:-ipv4}" "$1" "$3" "$N"
}
doc() { local IFS=,; printf '{"listeners":{"listeners":[%s]}}' "$*"; }

# The MIPS router (2.6.x, big-endian): net/tcp and net/udp as captured.
# tcp LISTEN lines (st 0A; line 8 is ESTABLISHED): 00000000:0015 0.0.0.0:21,
# :0016 22, :0017 23, :0050 80, :008B 139, C0A80101:06F4 192.168.1.1:1780,
# :7535 30005, :AD71 44401.
mips_tcp_rows() { # mips_tcp_rows ADDRESS_OF_C0A80101
  echo "$(row tcp 21 0.0.0.0) $(row tcp 22 0.0.0.0) $(row tcp 23 0.0.0.0) $(row tcp 80 0.0.0.0)" \
    "$(row tcp 139 0.0.0.0) $(row tcp 1780 "$1") $(row tcp 30005 0.0.0.0) $(row tcp 44401 0.0.0.0)"
}
# udp (every line st 07, remote 0): :0035 53, :0043 67, :0045 69, 0089 137
# on 0.0.0.0 and C0A80101, 008A 138 on both, 076C 1900, 13EA 5098, 13EB
# 5099, 13EC 5100, 9470 38000, 7F000001:9490 127.0.0.1:38032,
# 7F000001:9CA4 127.0.0.1:40100, B060 45152, C350 50000, C370 50032.
mips_udp_rows() { # mips_udp_rows ADDRESS_OF_C0A80101 ADDRESS_OF_7F000001
  echo "$(row udp 53 0.0.0.0) $(row udp 67 0.0.0.0) $(row udp 69 0.0.0.0) $(row udp 137 0.0.0.0)" \
    "$(row udp 137 "$1") $(row udp 138 0.0.0.0) $(row udp 138 "$1") $(row udp 1900 0.0.0.0)" \
    "$(row udp 5098 0.0.0.0) $(row udp 5099 0.0.0.0) $(row udp 5100 0.0.0.0)" \
    "$(row udp 38000 0.0.0.0) $(row udp 38032 "$2") $(row udp 40100 "$2")" \
    "$(row udp 45152 0.0.0.0) $(row udp 50000 0.0.0.0) $(row udp 50032 0.0.0.0)"
}
# shellcheck disable=SC2046
MIPS_BIG=$(doc $(mips_tcp_rows 192.168.1.1) $(mips_udp_rows 192.168.1.1 127.0.0.1))
# shellcheck disable=SC2046
MIPS_LITTLE=$(doc $(mips_tcp_rows 1.1.168.192) $(mips_udp_rows 1.1.168.192 1.0.0.127))
manifest() { # manifest DIR LINE...: a snapshot's MANIFEST with these lines after its first
  local d=$1; shift
  { echo 'format=listeners-snapshot 1'; printf '%s\n' "$@"; } >"$d/MANIFEST"
}

# 1. The MIPS capture as a snapshot tree whose MANIFEST says big-endian.
m=$T/mips
mkdir -p "$m/net"
cp "$MIPS_TCP" "$m/net/tcp"; cp "$MIPS_UDP" "$m/net/udp"
manifest "$m" 'kernel_release=2.6.30' 'machine=mips' 'byte_order=big-endian'
out=$("$L" --proc "$m" --protocols tcp,udp 2>"$T/err"); rc=$?
check "mips, MANIFEST big-endian: exit 0" 0 "$rc"
check "mips, MANIFEST big-endian: 192.168.1.1:1780, 127.0.0.1:38032 and every port as worked out" \
  "$MIPS_BIG" "$out"
check "mips, MANIFEST big-endian: nothing on stderr" "" "$(cat "$T/err")"
out=$("$L" --proc "$m" --protocols tcp,udp --byte-order big 2>&1)
check "mips: --byte-order big says the same" "$MIPS_BIG" "$out"

# 2. --byte-order little overrides the MANIFEST: the wrong text, as a
# little-endian host printed before this change.
out=$("$L" --proc "$m" --protocols tcp,udp --byte-order little 2>"$T/err"); rc=$?
check "mips, --byte-order little over the MANIFEST: exit 0, no warning" "0 " "$rc $(cat "$T/err")"
check "mips, --byte-order little: 1.1.168.192 and 1.0.0.127 (the addresses byte-swapped)" \
  "$MIPS_LITTLE" "$out"

# 3. The same tree without its MANIFEST: this host's order, one warning
# naming the path; --byte-order silences it.
rm "$m/MANIFEST"
out=$("$L" --proc "$m" --protocols tcp,udp 2>"$T/err"); rc=$?
check "no MANIFEST: exit 0" 0 "$rc"
check "no MANIFEST: decoded in this host's order" "$([ $HOST = little ] && echo "$MIPS_LITTLE" || echo "$MIPS_BIG")" "$out"
check "no MANIFEST: one warning line naming the path" \
  "listeners: $m/MANIFEST: no such file (not a snapshot, or its MANIFEST was lost): the tables are decoded in this host's byte order ($HOST-endian); --byte-order little or big says otherwise" \
  "$(cat "$T/err")"
out=$("$L" --proc "$m" --protocols tcp,udp --byte-order big 2>"$T/err")
check "no MANIFEST, --byte-order big: the right addresses, no warning" "$MIPS_BIG|" "$out|$(cat "$T/err")"
out=$("$L" check --proc "$m" --protocols tcp 2>"$T/err" >/dev/null); rc=$?
check "no MANIFEST: check warns too (listeners: check: prefix), exit 0" \
  "0 listeners: check: $m/MANIFEST: no such file (not a snapshot, or its MANIFEST was lost): the tables are decoded in this host's byte order ($HOST-endian); --byte-order little or big says otherwise" \
  "$rc $(grep MANIFEST "$T/err")"

# 4. An older snapshot: no byte_order line, netlink_byte_order stands for both.
manifest "$m" 'netlink_dumps=' 'netlink_byte_order=big-endian (the capturing host'"'"'s; replay on a big-endian host)'
out=$("$L" --proc "$m" --protocols tcp,udp 2>"$T/err")
check "MANIFEST with netlink_byte_order only: its order, no warning" "$MIPS_BIG|" "$out|$(cat "$T/err")"
manifest "$m" 'kernel_release=2.6.30'
out=$("$L" --proc "$m" 2>"$T/err"); rc=$?
check "MANIFEST without a byte order: host order, exit 0" 0 "$rc"
check "MANIFEST without a byte order: the warning says so" \
  "listeners: $m/MANIFEST: records no byte order (a snapshot of an older listeners?): the tables are decoded in this host's byte order ($HOST-endian); --byte-order little or big says otherwise" \
  "$(cat "$T/err")"

# 5. A byte_order line that cannot be read: an error naming file and line.
manifest "$m" 'kernel_release=2.6.30' 'byte_order=middle-endian'
out=$("$L" --proc "$m" 2>"$T/err"); rc=$?
check "byte_order=middle-endian: exit 1, no output" "1 " "$rc $out"
check "byte_order=middle-endian: file and line named" \
  "listeners: $m/MANIFEST:3: unknown byte order: the tables' byte order must be written byte_order=little-endian or byte_order=big-endian, once" \
  "$(cat "$T/err")"
out=$("$L" check --proc "$m" 2>"$T/err"); rc=$?
check "byte_order=middle-endian: check exits 2, says it" \
  "2 listeners: check: $m/MANIFEST:3: unknown byte order: the tables' byte order must be written byte_order=little-endian or byte_order=big-endian, once" \
  "$rc $(cat "$T/err")"
manifest "$m" 'byte_order=big-endian' 'byte_order=little-endian'
"$L" --proc "$m" >/dev/null 2>"$T/err"; rc=$?
check "two byte_order lines: exit 1, the second named" \
  "1 listeners: $m/MANIFEST:3: a second byte_order line: the tables' byte order must be written byte_order=little-endian or byte_order=big-endian, once" \
  "$rc $(cat "$T/err")"
manifest "$m" 'byte_order'
"$L" --proc "$m" >/dev/null 2>"$T/err"; rc=$?
check "byte_order without =: exit 1" \
  "1 listeners: $m/MANIFEST:2: unknown byte order: the tables' byte order must be written byte_order=little-endian or byte_order=big-endian, once" \
  "$rc $(cat "$T/err")"
manifest "$m" 'netlink_byte_order=sideways'
"$L" --proc "$m" >/dev/null 2>"$T/err"; rc=$?
check "netlink_byte_order=sideways: exit 1, named" \
  "1 listeners: $m/MANIFEST:2: unknown byte order: the stored dumps' byte order must be written netlink_byte_order=little-endian or =big-endian, once" \
  "$rc $(cat "$T/err")"
rm "$m/MANIFEST"; mkdir "$m/MANIFEST"
"$L" --proc "$m" >/dev/null 2>"$T/err"; rc=$?
check "a MANIFEST that is a directory: exit 1, named" \
  "1 listeners: $m/MANIFEST: cannot read the snapshot's MANIFEST: not a regular file" "$rc $(cat "$T/err")"
rmdir "$m/MANIFEST"

# 6. The sparc64 line (psutil issue 201: 7F000001:A13F, uid 2940) under the
# header of net/tcp, and a big-endian net/tcp6 ::1 listener (a synthetic line:
# the words of ::1 as a big-endian host prints them; no such capture exists).
s=$T/sparc
mkdir -p "$s/net"
{ printf '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
  cat "$SPARC"; } >"$s/net/tcp"
{ printf '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
  printf '   0: 00000000000000000000000000000001:0277 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0\n'; } >"$s/net/tcp6"
manifest "$s" 'byte_order=big-endian'
U=',"uid":2940}'
out=$("$L" --proc "$s" --uid 2>"$T/err"); rc=$?
check "sparc64 + tcp6, big-endian: exit 0, no stderr" "0 " "$rc $(cat "$T/err")"
check "sparc64 + tcp6, big-endian: 127.0.0.1:41279 (uid 2940) and ::1:631" \
  '{"listeners":{"listeners":[{"port":631,"family":"ipv6","protocol":"tcp","bind_address":"::1",'"$N"',"uid":0},{"port":41279,"family":"ipv4","protocol":"tcp","bind_address":"127.0.0.1",'"$N$U"']}}' "$out"
check "sparc64 + tcp6, --byte-order little: 1.0.0.127 and ::100:0" \
  '{"listeners":{"listeners":[{"port":631,"family":"ipv6","protocol":"tcp","bind_address":"::100:0",'"$N"',"uid":0},{"port":41279,"family":"ipv4","protocol":"tcp","bind_address":"1.0.0.127",'"$N$U"']}}' \
  "$("$L" --proc "$s" --uid --byte-order little 2>&1)"

# 7. Stored netlink dumps (binary, the x86_64 of PROVENANCE.md F: 0.0.0.0:2024
# and 127.0.0.1:53067 in netlink/tcp) in a tree whose MANIFEST says they are
# in the other byte order: not read; the procfs copy (127.0.0.1:8080 as that
# order prints it) instead, said; check does not compare tcp.
n=$T/dumps
mkdir -p "$n/net" "$n/netlink"
cp "$D/sockdiag-tcp4-thismachine-6.18.44-x86_64.bin" "$n/netlink/tcp"
if [ $OTHER = big ]; then LO=7F000001; else LO=0100007F; fi
{ printf '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
  printf '   0: %s:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 777 1 0000000000000000 100 0 0 10 0\n' $LO; } >"$n/net/tcp"
manifest "$n" "byte_order=$OTHER-endian" 'netlink_dumps=netlink/tcp' "netlink_byte_order=$OTHER-endian (the capturing host's; replay on a $OTHER-endian host)"
out=$("$L" --proc "$n" --source netlink 2>"$T/err"); rc=$?
check "dumps of another order: --source netlink exits 0 with the procfs copy's row" \
  "0 $(doc "$(row tcp 8080 127.0.0.1)")" "$rc $out"
check "dumps of another order: stderr says why net/tcp came from procfs" \
  "listeners: net/tcp: the tree's stored netlink dumps are in another byte order than this host's (its MANIFEST): not read, the table is read from its procfs copy instead" \
  "$(grep net/tcp: "$T/err")"
out=$("$L" check --proc "$n" --protocols tcp 2>"$T/err"); rc=$?
check "dumps of another order: check exits 0, no finding" 0 "$rc"
check "dumps of another order: check says tcp is not compared" 1 "$(grep -c 'not compared' <<<"$out")"
check "dumps of another order: check's stderr says why" 1 \
  "$(grep -c "^listeners: net/tcp: the tree's stored netlink dumps are in another byte order" "$T/err")"
# the same tree, its MANIFEST saying the dumps are this host's: they are read
manifest "$n" "byte_order=$OTHER-endian" 'netlink_dumps=netlink/tcp' "netlink_byte_order=$HOST-endian"
out=$("$L" --proc "$n" --source netlink 2>/dev/null)
check "dumps of this host's order: read (0.0.0.0:2024, 127.0.0.1:53067)" \
  "$(doc "$(row tcp 2024 0.0.0.0)" "$(row tcp 53067 127.0.0.1)")" "$out"

# 8. A snapshot of the big-endian tree carries its MANIFEST's byte order,
# kernel release and machine on; its replay gives the big-endian addresses.
manifest "$m" 'kernel_release=2.6.30' 'machine=mips' 'byte_order=big-endian'
"$L" snapshot "$T/snap-of-mips" --proc "$m" >/dev/null 2>"$T/err"; rc=$?
check "snapshot of the mips tree: exit 0, no stderr" "0 " "$rc $(cat "$T/err")"
check "snapshot of the mips tree: MANIFEST carries kernel_release, machine, byte_order" \
  "kernel_release=2.6.30 machine=mips byte_order=big-endian" \
  "$(grep -E '^(kernel_release|machine|byte_order)=' "$T/snap-of-mips/MANIFEST" | tr '\n' ' ' | sed 's/ $//')"
check "snapshot of the mips tree: replays big-endian" "$MIPS_BIG" \
  "$("$L" --proc "$T/snap-of-mips" --protocols tcp,udp 2>&1)"
rm "$m/MANIFEST"
"$L" snapshot "$T/snap-of-raw" --proc "$m" >/dev/null 2>"$T/err"; rc=$?
check "snapshot of a tree without MANIFEST: exit 0, says host order" \
  "0 listeners: snapshot: $m/MANIFEST: no such file: its tables are recorded as this host's byte order ($HOST-endian)" \
  "$rc $(cat "$T/err")"
check "snapshot of a tree without MANIFEST: byte_order=$HOST-endian" "byte_order=$HOST-endian" \
  "$(grep '^byte_order=' "$T/snap-of-raw/MANIFEST")"

# 9. A snapshot of the live procfs (in a network namespace of its own):
# this host's byte order, uname -r and uname -m.
if unshare -n true 2>/dev/null; then
  unshare -n "$L" snapshot "$T/live" >/dev/null 2>"$T/err"; rc=$?
  check "live snapshot: exit 0" 0 "$rc"
  check "live snapshot: kernel_release, machine, byte_order of this host" \
    "kernel_release=$(uname -r) machine=$(uname -m) byte_order=$HOST-endian" \
    "$(grep -E '^(kernel_release|machine|byte_order)=' "$T/live/MANIFEST" | tr '\n' ' ' | sed 's/ $//')"
  out=$("$L" --proc "$T/live" 2>"$T/err"); rc=$?
  check "live snapshot replays without a warning" "0 " "$rc $(cat "$T/err")"
else
  echo "SKIP live snapshot (9): unshare -n is not permitted here (needs root); the rest ran"
fi

[ "$fails" = 0 ] && echo "all passed"
exit "$fails"
