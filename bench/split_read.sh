#!/bin/bash
# bench/split_read.sh -- issue 15 item 4: how often a listener is missing from
# the output while other sockets in its listening-hash bucket are closed and
# bound again between the collector's read() calls (bench/churn.c says how).
# Root; everything runs in a network namespace this script makes (unshare -n),
# on 127.0.0.1 only. Runs the collector RUNS times, counts the runs whose JSON
# lacks the target row (comm "lsn-target"), and sums --stats per run: net/tcp
# reads, passes, rows added after the first pass, net/tcp ms.
# Env: BUILD (default /tmp/bb: $BUILD/listeners), L (the binary; default
#      $BUILD/listeners), RUNS (default 200), CHURN_ARGS (default
#      "-f 200 -k 40 -m burst -u 65534"; "-t" is added), NOCHURN=1 to bind
#      the same listeners and not churn (the cost on a quiet table),
#      LSN_ARGS (more options for the collector, e.g. "--source netlink": the
#      sock_diag dump resumes between datagrams as procfs between reads).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${BUILD:-/tmp/bb}
L=${L:-$BUILD/listeners}
RUNS=${RUNS:-200}
CHURN_ARGS=${CHURN_ARGS:--f 200 -k 40 -m burst -u 65534}

if [ "${1:-}" != --inside ]; then
  [ "$(id -u)" = 0 ] || { echo "split_read.sh: needs root (unshare -n)" >&2; exit 1; }
  [ -x "$L" ] || { echo "split_read.sh: no $L: build the project first" >&2; exit 1; }
  mkdir -p "$BUILD/bench"
  cc -O2 -Wall -Wextra -o "$BUILD/bench/churn" "$HERE/churn.c" || exit 1
  exec unshare -n "$0" --inside
fi

ip link set lo up || exit 1
out=$(mktemp) err=$(mktemp) cout=$(mktemp)
trap 'kill "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null; rm -f "$out" "$err" "$cout"' EXIT
# shellcheck disable=SC2086
"$BUILD/bench/churn" $CHURN_ARGS -t 3600 >"$cout" 2>&1 &
cpid=$!
for _ in $(seq 1 100); do grep -q READY "$cout" && break; sleep 0.1; done
grep -q READY "$cout" || { echo "churn: $(cat "$cout")" >&2; exit 1; }
if [ "${NOCHURN:-0}" = 1 ]; then
  kill -STOP "$cpid" # everything stays bound, nothing moves
fi
miss=0 fail=0
stats=""
for i in $(seq 1 "$RUNS"); do
  # shellcheck disable=SC2086
  if ! "$L" ${LSN_ARGS:-} --stats >"$out" 2>"$err"; then
    fail=$((fail + 1))
    echo "run $i: exit $?: $(head -c 300 "$err")" >&2
    continue
  fi
  grep -q '"comm":"lsn-target"' "$out" || miss=$((miss + 1))
  if grep -qv '^stats: ' "$err"; then echo "run $i: stderr: $(grep -v '^stats: ' "$err" | head -3)" >&2; fi
  stats+=$(awk 'BEGIN {r = 0; p = 0; a = 0; ms = 0}
    /^stats: \/proc\/net\/tcp: .* lines read/ {ms = $(NF-1)}
    /^stats: \/proc\/net\/tcp: .* pass/ {r = $3; p = $6; a = $11}
    /^stats: netlink dump of net\/tcp: .* records/ {r = $11; ms = $(NF-1)}
    /^stats: netlink dump of net\/tcp: .* dumps? / {p = $6; a = $11}
    END {printf "%d %d %d %s\n", r, p, a, ms}' "$err")$'\n'
done
[ "${NOCHURN:-0}" = 1 ] && kill -CONT "$cpid"
med=$(echo "$stats" | awk 'NF == 4 {print $4}' | sort -n | awk '{v[NR] = $1} END {print NR ? v[int((NR + 1) / 2)] : 0}')
echo "$stats" | awk -v runs="$RUNS" -v miss="$miss" -v fail="$fail" -v args="$CHURN_ARGS" \
  -v nochurn="${NOCHURN:-0}" -v med="$med" '
  NF == 4 {n++; r += $1; p += $2; a += $3; if ($2 > pmax) pmax = $2}
  END {
    printf "churn %s%s: %d runs, target missing in %d, failed %d; net/tcp per run: %.1f reads, %.2f passes (max %d), %.1f rows added after the first pass, median %s ms\n",
      args, nochurn == 1 ? " (stopped: no churn)" : "", runs, miss, fail, n ? r / n : 0, n ? p / n : 0, pmax, n ? a / n : 0, med
  }'
