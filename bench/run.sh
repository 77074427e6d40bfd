#!/bin/bash
# bench/run.sh [scale...] -- the one command. Scales: a b c d e f (default: a b e).
# Env: BUILD (default /tmp/bb: $BUILD/listeners must exist), RUNS (paired rounds, default 11),
#      STRACE=0 to skip strace -c, NOTE=text for the results header.
# Per scale: starts bench/loadgen in its own process group, waits for READY, checks the
# listener sets of listeners/ss/netstat/lsof, times listeners against each peer and the
# floor with abtime.py (A B / B A alternating, median of per-pair ratios), peak RSS
# (/usr/bin/time -f %M), syscall totals (strace -f -c), then kills the group.
set -u
RUNS=${RUNS:-11}
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
cc -O2 -Wall -Wextra -o "$B/floor" "$HERE/floor.c" || exit 1
[ -x "$L" ] || { echo "no $L: build the project first" >&2; exit 1; }
SCALES=${*:-a b e}

syscalls() { # total syscalls and readlink(at) calls of one run
  strace -f -c -o /tmp/bench.strace.$$ "$@" >/dev/null 2>&1
  awk '/ total$/ {t=$4} /readlink/ {r+=$4} END {printf "%s/%s", t, r+0}' /tmp/bench.strace.$$
  rm -f /tmp/bench.strace.$$
}
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

echo "# $(date -u +%F) kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, RUNS=$RUNS ${NOTE:-}"
echo "| scale | ms listeners | ms ss | /ss | /netstat | /lsof | /floor | RSS KiB listeners/ss/floor | syscalls/readlinks listeners; ss; floor | sets |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for s in $SCALES; do
  a=$(args_for "$s")
  [ "$a" = BAD ] && { echo "unknown scale $s" >&2; continue; }
  if [ "$s" != a ]; then
    start_loadgen $a || continue
  fi
  sets=$(python3 "$HERE/sets.py" "$L")
  out=$(python3 "$HERE/abtime.py" "$RUNS" "$L" "ss -ltnpH" "netstat -ltnp" "lsof -nP -iTCP -sTCP:LISTEN" "$B/floor")
  r_ss=$(echo "$out" | awk '$1=="ss" {print $4}')
  ms_l=$(echo "$out" | awk '$1=="ss" {print $2}')
  ms_ss=$(echo "$out" | awk '$1=="ss" {print $3}')
  r_ns=$(echo "$out" | awk '$1=="netstat" {print $4}')
  r_ls=$(echo "$out" | awk '$1=="lsof" {print $4}')
  r_fl=$(echo "$out" | awk '$1=="floor" {print $4}')
  rs="$(rss "$L")/$(rss ss -ltnpH)/$(rss "$B/floor")"
  if [ "${STRACE:-1}" = 1 ]; then
    sc="$(syscalls "$L"); $(syscalls ss -ltnpH); $(syscalls "$B/floor")"
  else
    sc="-"
  fi
  echo "| ($s) ${a:-host as is} | $ms_l | $ms_ss | $r_ss | $r_ns | $r_ls | $r_fl | $rs | $sc | $sets |"
  echo "$out" | sed 's/^/    raw: /' >&2
  cleanup
done
