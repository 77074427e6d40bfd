#!/bin/bash
# bench/fleet.sh -- issue 19's speed claims, as paired ratios in one run per
# scale (bench/README.md scales; default a b c d e f):
#   each format and filter / the plain run      (every scale: under 1.05x)
#   a watch tick / a plain run                  (wall time per tick)
# The formats and filters: --format ndjson, --host, --format table,
# --format openmetrics, --format openmetrics --output FILE (the forked
# writer and the rename), --port, --pid, --comm GLOB, --exe GLOB,
# --address. The ratio printed is X/plain (abtime.py gives plain/X; the
# median of the inverses is the inverse of the median). A watch tick is
# `watch --interval 0.000001 --count TICKS` over TICKS, against one plain run
# (which also pays exec and startup); its CPU per tick is the user+system
# time of `watch --interval 0.2 --count TICKS` less that of `--count 1` (the
# child's own rusage, from wait4; the least of 3 runs each), over TICKS - 1. Needs root and the Release build in $BUILD (default /tmp/bb). RUNS
# rounds (default 11), TICKS (default 20).
. "$(dirname "$0")/common.sh"
RUNS=${RUNS:-11}
TICKS=${TICKS:-20}
[ "$TICKS" -ge 2 ] || { echo "fleet.sh: TICKS must be 2 or more" >&2; exit 2; }
OUT=$(mktemp -d)
trap 'cleanup; rm -rf "$OUT"' EXIT
variants=(
  "--format ndjson" "--host" "--format table" "--format openmetrics"
  "--format openmetrics --output $OUT/l.prom" "--port 22,443,10000" "--pid 1,2,3"
  "--comm ng*" "--exe /usr/*" "--address 127.0.0.1,::1"
)
cpu_per_tick() { # user+system CPU of the watch process itself (wait4), per tick, in ms:
  # (CPU of TICKS ticks - CPU of 1 tick) / (TICKS - 1), so startup is left out
  python3 - "$L" "$TICKS" <<'EOF'
import os, sys
L, n = sys.argv[1], int(sys.argv[2])
def cpu(count):
    dn = os.open(os.devnull, os.O_RDWR)
    pid = os.posix_spawn(L, [L, "watch", "--interval", "0.2", "--count", str(count)], os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, dn, 1), (os.POSIX_SPAWN_DUP2, dn, 2)])
    _, status, ru = os.wait4(pid, 0)
    os.close(dn)
    assert status == 0, status
    return ru.ru_utime + ru.ru_stime
one = min(cpu(1) for _ in range(3))
many = min(cpu(n) for _ in range(3))
print("%.2f" % ((many - one) * 1000 / (n - 1)))
EOF
}
echo "# $(date -u +%F) kernel $(uname -r), $(nproc) CPUs, RUNS=$RUNS TICKS=$TICKS ${NOTE:-}"
head="| scale | ms plain |"
sep="|---|---|"
for v in "${variants[@]}"; do head="$head ${v/$OUT\//} |"; sep="$sep---|"; done
echo "$head max | ms tick | tick/plain | CPU ms/tick |"
echo "$sep---|---|---|---|"
for s in ${*:-a b c d e f}; do
  args=$(args_for "$s")
  [ "$args" = BAD ] && { echo "unknown scale $s" >&2; continue; }
  [ -n "$args" ] && { start_loadgen $args || continue; }
  cmds=()
  for v in "${variants[@]}"; do cmds+=("$L $v"); done
  r=$(python3 "$HERE/abtime.py" "$RUNS" "$L" "${cmds[@]}")
  ratios=$(echo "$r" | awk '{printf "%.3f\n", 1 / $4}')
  max=$(echo "$ratios" | sort -n | tail -1)
  w=$(python3 "$HERE/abtime.py" "$RUNS" "$L watch --interval 0.000001 --count $TICKS" "$L")
  tick=$(echo "$w" | awk -v n="$TICKS" '{printf "%.2f", $2 / n}')
  tick_ratio=$(echo "$w" | awk -v n="$TICKS" '{printf "%.3f", $4 / n}')
  row="| ($s) ${args:-host as is} | $(echo "$r" | awk 'NR==1 {print $2}') |"
  for x in $ratios; do row="$row $x |"; done
  echo "$row **$max** | $tick | $tick_ratio | $(cpu_per_tick) |"
  { echo "$r"; echo "$w"; } | sed "s/^/    raw ($s): /" >&2
  cleanup
done
