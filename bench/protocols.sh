#!/bin/bash
# bench/protocols.sh -- issue 16's speed claims, as paired ratios in one run
# per scale (b and e of bench/README.md, and the host as is):
#   --protocols all  /  --protocols tcp          (one walk: at most 1.3x)
#   --protocols tcp  /  the default               (unchanged: 1.0x)
#   --holders        /  floor --full              (the full walk: at most 1.1x)
# Needs root (every process's fd/) and the Release build in $BUILD (default
# /tmp/bb). RUNS rounds (default 15), order alternating (abtime.py).
. "$(dirname "$0")/common.sh"
RUNS=${RUNS:-15}
cc -O2 -Wall -Wextra -o "$B/floor" "$HERE/floor.c" || exit 1
echo "| scale | all/tcp | tcp/default | holders/floor --full | ms tcp | ms all | ms holders | ms floor --full |"
echo "|---|---|---|---|---|---|---|---|"
for s in ${*:-a b e}; do
  case $s in
  a) args= ;;
  b) args="-P 200 -L 5 -F 50" ;;
  e) args="-P 1 -L 10000 -F 0 -S 0" ;;
  *) echo "unknown scale $s" >&2; continue ;;
  esac
  [ -n "$args" ] && { start_loadgen $args || continue; }
  r1=$(python3 "$HERE/abtime.py" "$RUNS" "$L --protocols all" "$L --protocols tcp")
  r2=$(python3 "$HERE/abtime.py" "$RUNS" "$L --protocols tcp" "$L")
  r3=$(python3 "$HERE/abtime.py" "$RUNS" "$L --holders" "$B/floor --full")
  echo "| $s | $(echo "$r1" | awk '{print $4}') | $(echo "$r2" | awk '{print $4}') | $(echo "$r3" | awk '{print $4}') | $(echo "$r1" | awk '{print $3}') | $(echo "$r1" | awk '{print $2}') | $(echo "$r3" | awk '{print $2}') | $(echo "$r3" | awk '{print $3}') |"
  cleanup
done
