#!/bin/bash
# check_replay.sh LISTENERS - `listeners snapshot` stores the netlink dumps and
# `listeners check --proc SNAP` compares them with the tables offline.
# In a network namespace this script makes (unshare -n, lo up), a helper holds
# TCP listeners on 127.0.0.1 and ::1 and a UDP socket on 127.0.0.1; then:
#  1. the snapshot has netlink/tcp, tcp6, udp, udp6 (also in its archive) and
#     a MANIFEST listing them with their byte order; check --proc SNAP (and of
#     the extracted archive) exits 0, "0 findings", tcp and udp compared;
#  2. the v4 listener's line deleted from SNAP/net/tcp: exit 1, one
#     netlink_only finding for that port held by the helper's pid (text, and
#     --format json parsed by python3);
#  3. net/tcp restored, a LISTEN line with a fresh inode added: exit 1, one
#     procfs_only finding for that port with no holder (text and json);
#  4. check --proc /nonexistent exits 2;
#  5. with 300 packet sockets, whose dump is longer than their table, a
#     --max-table-size between the two cuts the netlink view only: exit 2
#     (partial), not 300 procfs_only findings; uncut, exit 0.
# Root (unshare -n); python3 and tar.
set -u
L=$1
if [ -z "${LSN_CHECK_REPLAY_NETNS:-}" ]; then
  command -v python3 >/dev/null || { echo "skipped: python3 is not installed"; exit 77; }
  command -v tar >/dev/null || { echo "skipped: tar is not installed"; exit 77; }
  unshare -n true 2>/dev/null || { echo "skipped: unshare -n is not permitted here (needs root)"; exit 77; }
  exec unshare -n env LSN_CHECK_REPLAY_NETNS=1 bash "$0" "$@"
fi
ip link set lo up || { echo "FAIL ip link set lo up in the new namespace"; exit 1; }
T=$(mktemp -d)
KID=
trap '[ -n "$KID" ] && kill "$KID" 2>/dev/null; rm -rf "$T"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }

python3 -c '
import os, socket, sys, time
a = socket.socket(); a.bind(("127.0.0.1", 0)); a.listen()
b = socket.socket(socket.AF_INET6); b.bind(("::1", 0)); b.listen()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d %d %d %d\n" % (os.getpid(), a.getsockname()[1], b.getsockname()[1], u.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(120)' "$T/ready" &
KID=$!
for _ in $(seq 1 300); do [ -s "$T/ready" ] && break; sleep 0.1; done
read -r pid p4 p6 pu <"$T/ready" || { echo "FAIL the helper did not start"; exit 1; }
echo "helper pid $pid: tcp 127.0.0.1:$p4, tcp [::1]:$p6, udp 127.0.0.1:$pu"

# ---- 1. a clean snapshot compares clean ----
"$L" snapshot "$T/snap" --archive "$T/snap.tar" >"$T/snap.out" 2>"$T/snap.err" ||
  { echo "FAIL snapshot exited $?: $(cat "$T/snap.err")"; exit 1; }
check "the snapshot stores netlink/tcp, tcp6, udp, udp6" \
  '[ -s "$T/snap/netlink/tcp" ] && [ -s "$T/snap/netlink/tcp6" ] && [ -s "$T/snap/netlink/udp" ] && [ -s "$T/snap/netlink/udp6" ]'
check "the MANIFEST lists the dumps and their byte order" \
  'grep -Eq "^netlink_dumps=netlink/tcp netlink/tcp6 netlink/udp netlink/udp6( |$)" "$T/snap/MANIFEST" && grep -Eq "^netlink_byte_order=(little|big)-endian" "$T/snap/MANIFEST"'
# raw without raw_diag: no file, and a MANIFEST line says why.
check "a kind without a dump file is named in the MANIFEST" \
  'for k in tcp tcp6 udp udp6 raw raw6 packet; do [ -e "$T/snap/netlink/$k" ] || grep -q "^netlink/$k=not stored: " "$T/snap/MANIFEST" || exit 1; done'
check "the archive holds the dumps" 'tar -tf "$T/snap.tar" | grep -qx "netlink/tcp"'

# run NAME ARGS...: check with ARGS; its stdout, stderr and exit status in $T/NAME.*
run() {
  local name=$1
  shift
  "$L" check "$@" >"$T/$name.out" 2>"$T/$name.err"
  echo $? >"$T/$name.rc"
}
run clean --proc "$T/snap"
run clean_json --proc "$T/snap" --format json
echo "check --proc SNAP: $(cat "$T/clean.out")"
check "check --proc SNAP exits 0 with 0 findings" \
  '[ "$(cat "$T/clean.rc")" = 0 ] && grep -q "^check: 0 findings;" "$T/clean.out"'
check "json: tcp and udp compared, no findings" \
  'python3 -c "
import json, sys
c = json.load(open(sys.argv[1]))[\"check\"]
assert \"tcp\" in c[\"compared\"] and \"udp\" in c[\"compared\"], c
assert c[\"findings\"] == [] and c[\"differences\"] == 0, c
" "$T/clean_json.out"'
mkdir "$T/x" && tar -xf "$T/snap.tar" -C "$T/x"
run untar --proc "$T/x"
check "check of the extracted archive exits 0 with 0 findings" \
  '[ "$(cat "$T/untar.rc")" = 0 ] && grep -q "^check: 0 findings;" "$T/untar.out"'

# ---- 2. a listener hidden from the table: netlink_only, held by the helper ----
cp "$T/snap/net/tcp" "$T/tcp.orig"
hex=$(printf '%04X' "$p4")
awk -v p=":$hex" 'NR == 1 || $2 !~ (p "$")' "$T/tcp.orig" >"$T/snap/net/tcp"
check "the v4 listener's line was deleted from SNAP/net/tcp" \
  '[ $(($(wc -l <"$T/tcp.orig") - $(wc -l <"$T/snap/net/tcp"))) = 1 ]'
run hidden --proc "$T/snap"
run hidden_json --proc "$T/snap" --format json
echo "check with the line deleted:"
sed 's/^/      /' "$T/hidden.out"
check "exit 1 and a netlink_only line for port $p4 held by pid $pid" \
  '[ "$(cat "$T/hidden.rc")" = 1 ] && grep -Eq "^netlink_only tcp ipv4 127\.0\.0\.1:$p4, inode [0-9]+, held by pid $pid comm " "$T/hidden.out" && grep -q "^check: 1 finding" "$T/hidden.out"'
check "json: one netlink_only finding, port $p4, pid $pid" \
  'python3 -c "
import json, sys
c = json.load(open(sys.argv[1]))[\"check\"]
f = c[\"findings\"]
assert len(f) == 1, f
f = f[0]
assert f[\"category\"] == \"netlink_only\" and f[\"protocol\"] == \"tcp\" and f[\"family\"] == \"ipv4\", f
assert f[\"port\"] == int(sys.argv[2]) and f[\"bind_address\"] == \"127.0.0.1\", f
assert f[\"pid\"] == int(sys.argv[3]), f
assert c[\"churn\"] == 0 and c[\"differences\"] == 1, c
" "$T/hidden_json.out" "$p4" "$pid"'

# ---- 3. a socket only the table has: procfs_only, no holder ----
fresh=$(python3 - "$T/tcp.orig" "$T/snap/net/tcp" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines(True)
used = {int(l.split()[1].split(":")[1], 16) for l in lines[1:]}
inodes = {int(l.split()[9]) for l in lines[1:]}
port = next(p for p in range(40000, 65536) if p not in used)
inode = max(inodes) + 1000003
f = lines[1].split()
f[0] = "%d:" % (len(lines) - 1)
f[1] = "0100007F:%04X" % port
f[2] = "00000000:0000"
f[3] = "0A"
f[9] = str(inode)
with open(sys.argv[2], "w") as out:
    out.writelines(lines)
    out.write("  " + " ".join(f) + "\n")
print(port, inode)
PY
) || { echo "FAIL could not fabricate a line"; exit 1; }
read -r fport finode <<<"$fresh"
run fab --proc "$T/snap"
run fab_json --proc "$T/snap" --format json
echo "check with a fabricated LISTEN line (port $fport, inode $finode):"
sed 's/^/      /' "$T/fab.out"
check "exit 1 and a procfs_only line for port $fport with no holder" \
  '[ "$(cat "$T/fab.rc")" = 1 ] && grep -q "^procfs_only tcp ipv4 127\.0\.0\.1:$fport, inode $finode, no holder found" "$T/fab.out" && ! grep -q "^netlink_only" "$T/fab.out"'
check "json: one procfs_only finding, port $fport, pid null" \
  'python3 -c "
import json, sys
f = json.load(open(sys.argv[1]))[\"check\"][\"findings\"]
assert len(f) == 1, f
f = f[0]
assert f[\"category\"] == \"procfs_only\" and f[\"port\"] == int(sys.argv[2]) and f[\"inode\"] == int(sys.argv[3]), f
assert f[\"pid\"] is None and f[\"comm\"] is None and f[\"exe\"] is None, f
" "$T/fab_json.out" "$fport" "$finode"'

# ---- 4. no tree ----
run none --proc /nonexistent
check "check --proc /nonexistent exits 2" '[ "$(cat "$T/none.rc")" = 2 ]'

# ---- 5. a netlink view cut at --max-table-size is an error, not findings ----
# 300 packet sockets, each with a one-instruction BPF filter (SO_ATTACH_FILTER,
# "accept"): their sock_diag records (68 bytes, 80 with the filter attribute)
# are longer than their procfs lines (about 68 bytes, more as inodes grow),
# so a cap between the two sizes cuts the dump only; uncut, each is a
# packet_filter finding held by the helper.
kill "$KID"
python3 -c '
import ctypes, os, socket, struct, sys, time
insn = ctypes.create_string_buffer(struct.pack("HBBI", 0x06, 0, 0, 0xFFFFFFFF), 8)  # BPF_RET|BPF_K
prog = struct.pack("HxxxxxxP", 1, ctypes.addressof(insn))  # struct sock_fprog
k = []
for _ in range(300):
    p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    p.setsockopt(socket.SOL_SOCKET, 26, prog)  # SO_ATTACH_FILTER
    k.append(p)
open(sys.argv[1] + ".tmp", "w").write("%d" % os.getpid())
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(120)' "$T/pready" &
KID=$!
for _ in $(seq 1 300); do [ -s "$T/pready" ] && break; sleep 0.1; done
"$L" snapshot "$T/psnap" >/dev/null 2>"$T/psnap.err" || { echo "FAIL snapshot: $(cat "$T/psnap.err")"; exit 1; }
psize=$(wc -c <"$T/psnap/net/packet") nsize=$(wc -c <"$T/psnap/netlink/packet")
cap=$(((psize + nsize) / 2))
echo "packet: table $psize bytes, dump $nsize bytes, --max-table-size $cap"
check "the dump is the longer view (the premise of this case)" '[ "$nsize" -gt "$psize" ] && [ "$cap" -ge 4096 ]'
run cut --proc "$T/psnap" --protocols packet --max-table-size "$cap"
check "a cut netlink view: exit 2, no finding reported" \
  '[ "$(cat "$T/cut.rc")" = 2 ] && ! grep -q "_only" "$T/cut.out" && grep -q "partial" "$T/cut.err"'
run uncut --proc "$T/psnap" --protocols packet
ppid=$(cat "$T/pready")
check "the same snapshot uncut: exit 1, 300 packet_filter findings (1 BPF instruction, held by pid $ppid), nothing else" \
  '[ "$(cat "$T/uncut.rc")" = 1 ] && grep -q "^check: 300 findings; 0 differences" "$T/uncut.out" &&
   [ "$(grep -c "^packet_filter packet ethertype 0x0800, 1 BPF instruction, inode [0-9]*, held by pid $ppid " "$T/uncut.out")" = 300 ]'

[ "$fails" = 0 ] && echo "ok   check replays a snapshot: clean, netlink_only, procfs_only"
exit "$((fails > 0))"
