# bench/common.sh -- sourced by run.sh, growth.sh, netlink.sh and fleet.sh:
# the build paths, the load generator's lifetime, and cleanup on exit or
# interrupt.
# Sets HERE, BUILD (default /tmp/bb), L (the listeners binary), B ($BUILD/bench,
# where loadgen is compiled). start_loadgen ARGS... starts bench/loadgen in its
# own process group and waits for READY (returns 1 with its output on stderr
# if it never comes); cleanup kills the group. args_for SCALE prints the
# loadgen arguments of a scale (a: none, the host as is; BAD: unknown).
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

args_for() {
  case $1 in
    a) echo "" ;;
    b) echo "-P 200 -L 5 -F 50" ;;
    c) echo "-P 2000 -L 2 -F 100" ;;
    d) echo "-P 200 -L 5 -F 50 -E 50000" ;;
    e) echo "-P 1 -L 10000 -F 0 -S 0" ;;
    f) echo "-P 200 -L 5 -F 50 -N 1800" ;;
    *) echo "BAD" ;;
  esac
}
