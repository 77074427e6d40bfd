#!/bin/bash
# task_walk.sh LISTENERS THREAD_HOLDER [THREADS FDS] - the task walk's
# worst case, measured: THREADS threads (200) sharing FDS fds (9000) and a
# listener held only in flight, so that the task walk runs. Prints the
# walks' --stats lines and the elapsed time. Root (kcmp, RLIMIT_NOFILE).
#   bash bench/task_walk.sh build-rel/listeners build-rel/tests/hostile/thread_holder
set -u
L=$1 H=$2 THREADS=${3:-200} FDS=${4:-9000}
T=$(mktemp -d)
KID=
trap '[ -n "$KID" ] && { kill -9 "$KID"; wait "$KID"; } 2>/dev/null; rm -rf "$T"' EXIT
"$H" shared "$THREADS" "$FDS" >"$T/port" &
KID=$!
for _ in $(seq 1 200); do [ -s "$T/port" ] && break; sleep 0.05; done
[ -s "$T/port" ] || { echo "the holder did not start"; exit 1; }
echo "$THREADS threads sharing $FDS fds, a listener in flight (port, pid: $(cat "$T/port"))"
/usr/bin/time -f "elapsed %e s, max RSS %M KiB" "$L" --stats 2>&1 >/dev/null |
  grep -E '^stats: (walk: [0-9]|tasks|time)|^elapsed'
