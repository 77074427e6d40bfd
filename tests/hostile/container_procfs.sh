#!/bin/bash
# container_procfs.sh LISTENERS - `--proc /proc/<pid>/root/proc` reads a
# container's own procfs (its own pid and network namespaces, a procfs
# mounted for them), now that host paths are named instead of followed
# (collector/procfs.h, "Confinement"): the reader has no pid in that pid
# namespace, so its "self" is nobody and the container's init stands for it.
# Before, net/tcp (a link to self/net) could not be resolved: exit 1. Also
# snapshots it, and refuses the netlink view there. Needs root and unshare (skipped otherwise, stated).
set -u
L=$1
[ "$(id -u)" = 0 ] || { echo "skipped: needs root (unshare --pid --mount-proc --net)"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: needs python3"; exit 77; }
T=$(mktemp -d)
KID=
trap '[ -n "$KID" ] && kill -KILL "$KID" 2>/dev/null; rm -rf "$T"' EXIT # unshare --fork ignores SIGTERM; --kill-child passes SIGKILL on
unshare --pid --fork --kill-child --mount-proc --net sh -c 'ip link set lo up 2>/dev/null; exec python3 -c "
import socket, sys, time
s = socket.socket(); s.bind((\"127.0.0.1\", 4321)); s.listen()
open(sys.argv[1], \"w\").write(\"ready\")
time.sleep(60)" "$0"' "$T/ready" &
KID=$!
for _ in $(seq 1 100); do [ -s "$T/ready" ] && break; sleep 0.1; done
[ -s "$T/ready" ] || { echo "FAIL the container's listener never became ready"; exit 1; }
# The python inside: the unshare's grandchild (unshare -> forked init).
inner=$(pgrep -P "$(pgrep -P "$KID" | head -1)" 2>/dev/null | head -1)
[ -n "$inner" ] || inner=$(pgrep -P "$KID" | head -1)
fails=0
out=$("$L" --proc "/proc/$inner/root/proc" 2>"$T/err"); rc=$?
want='{"port":4321,"family":"ipv4","protocol":"tcp","bind_address":"127.0.0.1","pid":1,"comm":"python3"'
if [ $rc = 0 ] && grep -qF "$want" <<<"$out"; then
  echo "ok   the container's listener, with the container's own pid 1"
else
  echo "FAIL exit $rc: $out $(cat "$T/err")"; fails=$((fails + 1))
fi
if "$L" snapshot "$T/snap" --proc "/proc/$inner/root/proc" >/dev/null 2>"$T/err" &&
   "$L" --proc "$T/snap" | grep -qF "$want"; then
  echo "ok   a snapshot of the container's procfs replays the same row"
else
  echo "FAIL snapshot of the container's procfs: $(cat "$T/err")"; fails=$((fails + 1))
fi
# The netlink view is the reader's network namespace, not the container's:
# check (and --source netlink) refuse such a procfs instead of comparing the
# container's tables with the host's dump (every socket a false finding),
# and its snapshot stores no dump, saying why in the MANIFEST.
"$L" check --proc "/proc/$inner/root/proc" >"$T/check.out" 2>"$T/check.err"; rc=$?
if [ $rc = 2 ] && grep -q "netlink sees only the reader's network namespace" "$T/check.err" &&
   ! grep -q "_only" "$T/check.out"; then
  echo "ok   check of the container's procfs is refused (exit 2), no false finding"
else
  echo "FAIL check of the container's procfs: exit $rc: $(cat "$T/check.out" "$T/check.err")"; fails=$((fails + 1))
fi
"$L" --source netlink --proc "/proc/$inner/root/proc" >"$T/nl.out" 2>"$T/nl.err"; rc=$?
if [ $rc = 1 ] && ! grep -q '"port"' "$T/nl.out"; then
  echo "ok   --source netlink of the container's procfs is refused (exit 1)"
else
  echo "FAIL --source netlink of the container's procfs: exit $rc: $(cat "$T/nl.out" "$T/nl.err")"; fails=$((fails + 1))
fi
if [ -d "$T/snap" ] && [ ! -e "$T/snap/netlink" ] && grep -q "^netlink=not stored: " "$T/snap/MANIFEST"; then
  echo "ok   the container's snapshot stores no netlink dump and says why"
else
  echo "FAIL the container's snapshot has netlink dumps, or no MANIFEST line: $(ls "$T/snap" 2>&1)"; fails=$((fails + 1))
fi
[ $fails = 0 ]
