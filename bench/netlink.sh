#!/bin/bash
# bench/netlink.sh -- issue 17's speed claims, as paired ratios in one run per
# scale (bench/README.md scales; default a b c d e):
#   --source netlink  /  ss -ltnpH             (idle host: at most 0.85x)
#   --source procfs   /  ss -ltnpH             (the same run, for the table)
#   --source netlink  /  --source procfs       (every scale: at most 1.0x)
#   check --protocols tcp  /  the default run  (at most 1.6x)
# and a byte-for-byte comparison of the two sources' outputs at each scale
# (retried while the host moves; "same" or "DIFF"). Needs root and the
# Release build in $BUILD (default /tmp/bb). RUNS rounds (default 15),
# order alternating (abtime.py).
. "$(dirname "$0")/common.sh"
RUNS=${RUNS:-15}
same_output() {
  for _ in 1 2 3 4 5; do
    p1=$("$L" 2>/dev/null); n=$("$L" --source netlink 2>/dev/null); p2=$("$L" 2>/dev/null)
    [ "$p1" = "$p2" ] || continue
    [ "$p1" = "$n" ] && { echo same; return; }
    echo DIFF; return
  done
  echo unstable
}
echo "# $(date -u +%F) kernel $(uname -r), $(nproc) CPUs, RUNS=$RUNS ${NOTE:-}"
echo "| scale | netlink/ss | procfs/ss | netlink/procfs | check/plain | ms netlink | ms procfs | ms ss | ms check | output |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for s in ${*:-a b c d e}; do
  args=$(args_for "$s")
  [ "$args" = BAD ] && { echo "unknown scale $s" >&2; continue; }
  [ -n "$args" ] && { start_loadgen $args || continue; }
  r1=$(python3 "$HERE/abtime.py" "$RUNS" "$L --source netlink" "ss -ltnpH" "$L")
  r2=$(python3 "$HERE/abtime.py" "$RUNS" "$L" "ss -ltnpH")
  r3=$(python3 "$HERE/abtime.py" "$RUNS" "$L check --protocols tcp" "$L")
  nl_ss=$(echo "$r1" | awk 'NR==1 {print $4}'); nl_pf=$(echo "$r1" | awk 'NR==2 {print $4}')
  echo "| ($s) ${args:-host as is} | $nl_ss | $(echo "$r2" | awk '{print $4}') | $nl_pf | $(echo "$r3" | awk '{print $4}') | $(echo "$r1" | awk 'NR==1 {print $2}') | $(echo "$r2" | awk '{print $2}') | $(echo "$r1" | awk 'NR==1 {print $3}') | $(echo "$r3" | awk '{print $2}') | $(same_output) |"
  { echo "$r1"; echo "$r2"; echo "$r3"; } | sed "s/^/    raw ($s): /" >&2
  cleanup
done
