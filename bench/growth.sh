#!/bin/bash
# bench/growth.sh -- time against total fds and against established connections, for
# listeners and ss -ltnpH (paired, abtime.py), as tables (stdout) and bench/growth.svg.
# Env: BUILD (default /tmp/bb), RUNS (default 5), FDS, ESTS (lists overriding the defaults).
set -u
RUNS=${RUNS:-5}
# shellcheck source=bench/common.sh
. "$(dirname "$0")/common.sh"
FDS=${FDS:-10000 25000 50000 100000 200000}
ESTS=${ESTS:-0 12500 25000 50000 100000}
tcp_ms() { "$L" --stats 2>&1 >/dev/null | awk '/\/net\/tcp: .* lines read/ {print $3 "/" $(NF-1)}'; }
: > "$B/growth_fds.dat"; : > "$B/growth_est.dat"
echo "| total fds in /proc | ms listeners | ms ss | listeners/ss |"
echo "|---|---|---|---|"
for n in $FDS; do
  f=$(( n / 200 - 5 ))
  start_loadgen -P 200 -L 5 -F "$f" || continue
  tot=$(find /proc/[0-9]*/fd -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  out=$(python3 "$HERE/abtime.py" "$RUNS" "$L" "ss -ltnpH")
  set -- $out
  echo "| $tot | $2 | $3 | $4 |"
  echo "$tot $2 $3" >> "$B/growth_fds.dat"
  cleanup
done
echo
echo "| established connections (2 sockets each) | ms listeners | ms ss | listeners/ss | listeners net/tcp: lines read / ms |"
echo "|---|---|---|---|---|"
for e in $ESTS; do
  start_loadgen -P 200 -L 5 -F 50 -E "$e" || continue
  out=$(python3 "$HERE/abtime.py" "$RUNS" "$L" "ss -ltnpH")
  set -- $out
  t=$(tcp_ms)
  echo "| $e | $2 | $3 | $4 | $t |"
  echo "$e $2 $3" >> "$B/growth_est.dat"
  cleanup
done
gnuplot <<GP
set terminal svg size 900,400 dynamic
set output "$HERE/growth.svg"
set multiplot layout 1,2
set key left top
set xlabel "fds in /proc/*/fd"; set ylabel "ms (median)"
plot "$B/growth_fds.dat" u 1:2 w lp t "listeners", "" u 1:3 w lp t "ss -ltnpH"
set xlabel "established loopback connections (P200 L5 F50 + E)"
plot "$B/growth_est.dat" u 1:2 w lp t "listeners", "" u 1:3 w lp t "ss -ltnpH"
unset multiplot
GP
