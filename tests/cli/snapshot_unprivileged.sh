#!/bin/bash
# snapshot_unprivileged.sh LISTENERS - a snapshot taken by an unprivileged
# user with a partial capability set replays the owners its live run saw
# (issue 18). In a network namespace this script makes (root: unshare -n), a
# root process R listens on 127.0.0.1:P1 and forks C, which keeps the socket
# and becomes nobody; nobody's N listens on 127.0.0.1:P2. As nobody with
# CAP_DAC_READ_SEARCH only (setpriv: it lists every fd/ directory, but
# reading another user's fd links and exe needs CAP_SYS_PTRACE), the live
# run owns P1 by C (R's links cannot be read) and P2 by N; the snapshot that
# user takes must replay to the same rows, byte for byte, and its MANIFEST
# must say so much of it: R unreadable (processes_unreadable, its fd links
# refused: before issue 18 those EACCES links were skipped in silence, no
# word on stderr) and no name of
# C or N unreadable (fd links and exe share one access check, so a holder
# whose links were read has its exe; cli.snapshot_names covers a name that
# cannot be read while the links can, which only a tree can show).
set -u
L=$(realpath "$1")
if [ "${LSN_UNPRIV_NETNS:-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "skipped: needs root (unshare -n, setpriv)"; exit 77; }
  for t in setpriv unshare python3 ip; do
    command -v $t >/dev/null || { echo "skipped: needs $t"; exit 77; }
  done
  exec unshare -n env LSN_UNPRIV_NETNS=1 bash "$0" "$L"
fi
ip link set lo up || { echo "FAIL ip link set lo up"; exit 1; }
T=$(mktemp -d)
chmod 755 "$T"
mkdir "$T/w" && chown 65534:65534 "$T/w" # where nobody writes its snapshot
PY=/usr/bin/python3                     # not a shim under /root that nobody cannot run
[ -x "$PY" ] || PY=$(command -v python3)
KIDS=()
trap 'kill "${KIDS[@]}" ${cpid:-} 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
python3 -c '
import os, socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
c = os.fork()
if c == 0:
    import ctypes
    os.setgid(65534); os.setuid(65534)
    ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE: a setuid made it root-owned
    time.sleep(60); os._exit(0)
open(sys.argv[1], "w").write("%d %d %d\n" % (s.getsockname()[1], os.getpid(), c))
time.sleep(60)' "$T/r" &
KIDS+=($!)
setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" -c '
import os, socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], os.getpid(), flush=True)
time.sleep(60)' >"$T/n" &
KIDS+=($!)
for _ in $(seq 1 100); do [ -s "$T/r" ] && [ -s "$T/n" ] && break; sleep 0.1; done
read -r p1 rpid cpid <"$T/r"
read -r p2 npid <"$T/n"
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+dac_read_search
           --ambient-caps=+dac_read_search --bounding-set=-all,+dac_read_search)
"${as_nobody[@]}" "$L" >"$T/live.json" 2>"$T/live.err"
"${as_nobody[@]}" "$L" snapshot "$T/w/snap" >"$T/snap.out" 2>"$T/snap.err" ||
  { echo "FAIL snapshot as nobody: $(cat "$T/snap.err")"; exit 1; }
"$L" --proc "$T/w/snap" >"$T/replay.json" 2>"$T/replay.err"
owner() { grep -o "\"port\":$2,[^}]*" "$1" | grep -o '"pid":[0-9a-z]*' | cut -d: -f2; }
check "live as nobody with CAP_DAC_READ_SEARCH: port $p1 owned by C ($cpid), not R ($rpid)" \
  '[ "$(owner "$T/live.json" "$p1")" = "$cpid" ]'
check "live: port $p2 owned by N ($npid)" '[ "$(owner "$T/live.json" "$p2")" = "$npid" ]'
check "live: R's refused fd links are said on stderr, once, with the remedy" \
  '[ "$(grep -c "^listeners: [1-9][0-9]* process.* could not be read without privilege.*CAP_SYS_PTRACE" "$T/live.err")" = 1 ] ||
   { cat "$T/live.err"; false; }'
check "the replay of that user's snapshot is the live output, byte for byte" \
  'cmp -s "$T/live.json" "$T/replay.json" || { cat "$T/live.json" "$T/replay.json"; false; }'
check "its MANIFEST: no name unreadable, R's links unreadable counted" \
  'grep -qx "names_unreadable=0" "$T/w/snap/MANIFEST" && grep -q "^processes_unreadable=[1-9]" "$T/w/snap/MANIFEST" ||
   { cat "$T/w/snap/MANIFEST"; false; }'
[ "$fails" = 0 ] && echo "ok   an unprivileged snapshot replays its live run's owners"
exit "$((fails > 0))"
