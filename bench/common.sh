# bench/common.sh -- sourced by run.sh and growth.sh: the build paths, the load
# generator's lifetime, and cleanup on exit or interrupt.
# Sets HERE, BUILD (default /tmp/bb), L (the listeners binary), B ($BUILD/bench,
# where loadgen is compiled). start_loadgen ARGS... starts bench/loadgen in its
# own process group and waits for READY (returns 1 with its output on stderr
# if it never comes); cleanup kills the group.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${BUILD:-/tmp/bb}
L=$BUILD/listeners
B=$BUILD/bench
mkdir -p "$B"
cc -O2 -Wall -Wextra -o "$B/loadgen" "$HERE/loadgen.c" || exit 1

LG_PID=
LG_OUT=/tmp/bench.loadgen.$$
cleanup() {
  if [ -n "$LG_PID" ]; then
    kill -TERM -- -"$LG_PID" 2>/dev/null
    sleep 0.5
    kill -KILL -- -"$LG_PID" 2>/dev/null
    wait "$LG_PID" 2>/dev/null
    LG_PID=
  fi
  rm -f "$LG_OUT"
}
trap 'cleanup; exit 130' INT TERM
trap cleanup EXIT

start_loadgen() {
  setsid "$B/loadgen" "$@" -t 1800 > "$LG_OUT" 2>&1 &
  LG_PID=$!
  for _ in $(seq 1 600); do
    grep -q READY "$LG_OUT" 2>/dev/null && break
    kill -0 "$LG_PID" 2>/dev/null || break
    sleep 0.5
  done
  grep -q READY "$LG_OUT" || { echo "loadgen $*: $(cat "$LG_OUT")" >&2; cleanup; return 1; }
  sleep 1
}
