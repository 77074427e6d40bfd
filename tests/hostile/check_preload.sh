#!/bin/bash
# check_preload.sh LIB LISTENERS... - `listeners check` against an LD_PRELOAD
# rootkit that hides a port from the procfs view only (tests/hostile/hide_port.c
# with LSN_HIDE_VIEW=procfs: /proc/net/tcp{,6} reads filtered, sock_diag left
# alone). In a network namespace this script makes (unshare -n, lo up), a
# helper listens on 127.0.0.1:P and [::1]:P (where there is IPv6). For each
# LISTENERS binary:
#   without LIB: check exits 0 with no finding;
#   dynamic (an INTERP segment): with LIB, `listeners` loses P (the library
#     works) and `listeners --source netlink` keeps it (it hooks procfs only),
#     and check exits 1 with a netlink_only finding for P per socket, each
#     held by the helper's pid, and no other finding;
#   dynamic, the library hooking the netlink view only (LSN_HIDE_VIEW=netlink):
#     check exits 1 with a procfs_only finding per socket; hooking both views
#     (LSN_HIDE_VIEW unset): --source netlink loses P as well, and check sees
#     nothing, exit 0: the limit SECURITY.md states, asserted so that the day
#     it changes this test says so;
#   static (no INTERP: no loader, nothing is preloaded): with LIB, check
#     exits 0 with no finding and `listeners` still lists P.
# The suite passes this build's CLI; a run given the static binary asserts the
# static case. Root (unshare -n); python3, readelf.
set -u
lib=$(realpath "$1" 2>/dev/null)
shift
if [ -z "${LSN_CHECK_PRELOAD_NETNS:-}" ]; then
  [ -f "$lib" ] || { echo "FAIL no library $lib"; exit 1; }
  command -v readelf >/dev/null || { echo "FAIL readelf (binutils) is not installed"; exit 1; }
  command -v python3 >/dev/null || { echo "skipped: python3 is not installed"; exit 77; }
  unshare -n true 2>/dev/null || { echo "skipped: unshare -n is not permitted here (needs root)"; exit 77; }
  exec unshare -n env LSN_CHECK_PRELOAD_NETNS=1 bash "$0" "$lib" "$@"
fi
ip link set lo up || { echo "FAIL ip link set lo up in the new namespace"; exit 1; }
T=$(mktemp -d)
KID=
trap '[ -n "$KID" ] && kill "$KID" 2>/dev/null; rm -rf "$T"' EXIT
python3 -c '
import os, socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
port = s.getsockname()[1]
try:
    s6 = socket.socket(socket.AF_INET6); s6.bind(("::1", port)); s6.listen(); n = 2
except OSError:
    n = 1
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d %d %d\n" % (os.getpid(), port, n))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(120)' "$T/ready" &
KID=$!
for _ in $(seq 1 300); do [ -s "$T/ready" ] && break; sleep 0.1; done
read -r pid port want <"$T/ready" || { echo "FAIL the listener did not start"; exit 1; }
echo "helper pid $pid: port $port, $want socket(s)"
hide=(env LD_PRELOAD="$lib" LSN_HIDE_PORT="$port" LSN_HIDE_VIEW=procfs ASAN_OPTIONS=verify_asan_link_order=0)
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }

# findings JSON KIND: the findings' "category port pid" lines of a check --format json
findings() {
  python3 -c '
import json, sys
for f in json.load(open(sys.argv[1]))["check"]["findings"]:
    print(f["category"], f.get("port"), f["pid"])' "$1"
}
rows() { grep -o "\"port\":$port,[^}]*" "$1" | wc -l; }

for L in "$@"; do
  "$L" check --format json >"$T/plain" 2>"$T/plain.err"
  rc=$?
  check "$L check without the library: exit 0, no finding" \
    '[ $rc = 0 ] && [ -z "$(findings "$T/plain")" ] || { cat "$T/plain" "$T/plain.err"; false; }'
  "${hide[@]}" "$L" check >"$T/hidden.txt" 2>"$T/hidden.err"
  rc_txt=$?
  "${hide[@]}" "$L" check --format json >"$T/hidden" 2>>"$T/hidden.err"
  rc=$?
  "${hide[@]}" "$L" >"$T/procfs" 2>/dev/null
  echo "with LD_PRELOAD=$(basename "$lib") LSN_HIDE_PORT=$port LSN_HIDE_VIEW=procfs:"
  sed 's/^/      /' "$T/hidden.txt"
  if readelf -lW "$L" | grep -q INTERP; then
    "${hide[@]}" "$L" --source netlink >"$T/netlink" 2>/dev/null
    check "dynamic: the library hides port $port from listeners' procfs view ($(rows "$T/procfs") rows)" \
      '[ "$(rows "$T/procfs")" = 0 ]'
    check "dynamic: and not from its netlink view ($(rows "$T/netlink") of $want rows)" \
      '[ "$(rows "$T/netlink")" = "$want" ]'
    check "dynamic: check exits 1 with $want netlink_only finding(s) for port $port held by pid $pid" \
      '[ $rc = 1 ] && [ $rc_txt = 1 ] && [ "$(findings "$T/hidden" | grep -c "^netlink_only $port $pid$")" = "$want" ] &&
       [ "$(findings "$T/hidden" | wc -l)" = "$want" ] &&
       [ "$(grep -c "^netlink_only tcp ipv[46] .*:$port, inode [0-9]*, held by pid $pid " "$T/hidden.txt")" = "$want" ]'
    # The same library hooking the netlink view only, then both views.
    both=(env LD_PRELOAD="$lib" LSN_HIDE_PORT="$port" ASAN_OPTIONS=verify_asan_link_order=0)
    "${hide[@]/LSN_HIDE_VIEW=procfs/LSN_HIDE_VIEW=netlink}" "$L" check --format json >"$T/nl" 2>/dev/null
    rc_nl=$?
    check "dynamic: netlink view hooked only: check exits 1 with $want procfs_only finding(s) for port $port held by pid $pid" \
      '[ $rc_nl = 1 ] && [ "$(findings "$T/nl" | grep -c "^procfs_only $port $pid$")" = "$want" ] &&
       [ "$(findings "$T/nl" | wc -l)" = "$want" ]'
    "${both[@]}" "$L" --source netlink >"$T/both_netlink" 2>/dev/null
    "${both[@]}" "$L" check --format json >"$T/both" 2>/dev/null
    rc_both=$?
    check "dynamic: both views hooked: --source netlink loses port $port too ($(rows "$T/both_netlink") rows)" \
      '[ "$(rows "$T/both_netlink")" = 0 ]'
    check "dynamic: both views hooked: check sees nothing (exit 0, no finding: the limit SECURITY.md states)" \
      '[ $rc_both = 0 ] && [ -z "$(findings "$T/both")" ]'
  else
    check "static: the preload has no effect: check exits 0, no finding" \
      '[ $rc = 0 ] && [ $rc_txt = 0 ] && [ -z "$(findings "$T/hidden")" ]'
    check "static: listeners still lists port $port ($(rows "$T/procfs") of $want rows)" \
      '[ "$(rows "$T/procfs")" = "$want" ]'
  fi
done
[ "$fails" = 0 ] && echo "ok   check under a procfs-only LD_PRELOAD rootkit: each listeners build as its build says"
exit "$((fails > 0))"
