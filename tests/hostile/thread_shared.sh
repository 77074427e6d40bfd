#!/bin/bash
# thread_shared.sh LISTENERS THREAD_HOLDER - the task walk does not read one
# fd table once per thread that shares it. A process of 50 threads sharing
# 2,000 fds holds a listener only in flight (SCM_RIGHTS, then closed), so
# no fd table has it and the task walk runs; before kcmp(KCMP_FILES) it
# read the shared table 50 times (~100,000 fd links, threads x fds: any
# user could make the collector's work quadratic). Now the task walk's fd
# links must stay below twice the first walk's. Counts, not times. Live;
# root (kcmp needs ptrace access to the threads).
# shellcheck disable=SC2016,SC2034 # check evals its single-quoted condition
set -u
L=$1 H=$2
[ "$(id -u)" = 0 ] || { echo "SKIP not root"; exit 77; }
T=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
KID=
trap '[ -n "$KID" ] && { kill -9 "$KID"; wait "$KID"; } 2>/dev/null; rm -rf "$T"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }

"$H" shared 50 2000 >"$T/port" 2>"$T/holder.err" &
KID=$!
for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
read -r port pid <"$T/port"
[ -n "${port:-}" ] || { echo "FAIL the holder did not start: $(cat "$T/holder.err")"; exit 1; }

out=$("$L" --stats 2>"$T/err")
first=$(sed -n 's/^stats: walk: \([0-9]*\) fd links read.*/\1/p' "$T/err")
tasks=$(sed -n 's/^stats: tasks: \([0-9]*\) fd links read of a budget.*/\1/p' "$T/err")
grep '^stats: \(walk: [0-9]\|tasks\)' "$T/err" | sed 's/^/     /'
check "the in-flight listener :$port is a row without an owner" \
  'grep -qF "{\"port\":$port,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":\"127.0.0.1\",\"pid\":null" <<<"$out"'
check "the task walk ran and counted its fd links" '[ -n "$first" ] && [ -n "$tasks" ]'
check "the task walk read fewer fd links ($tasks) than twice the first walk's ($first)" \
  '[ "${tasks:-999999999}" -lt $((2 * ${first:-0})) ]'
check "the 50 threads sharing pid $pid's table were not read" \
  'grep -Eq "^stats: tasks: .* ([5-9][0-9]|[0-9]{3,}) threads not read" "$T/err"'
kill -9 "$KID"; wait "$KID" 2>/dev/null; KID=

# The budget: a tree (no kcmp there) whose pid 100 has three threads of
# 30,000 fd links each beside an empty <pid>/fd, and a listener nobody
# holds. The task walk stops at max(65536, 4 x the first walk's links) with
# one diagnostic naming the budget; the row stays null.
R="$T/tree"
mkdir -p "$R/net" "$R/100/fd"
printf '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0\n' >"$R/net/tcp"
printf 'holder\n' >"$R/100/comm"
for tid in 101 102 103; do
  mkdir -p "$R/100/task/$tid/fd"
  python3 -c 'import os, sys
for i in range(3, 30003): os.symlink("/dev/null", os.path.join(sys.argv[1], str(i)))' "$R/100/task/$tid/fd"
done
out=$("$L" --proc "$R" --stats 2>"$T/err")
grep '^stats: tasks' "$T/err" | sed 's/^/     /'
check "the task walk stopped at its budget of 65536 fd links" \
  'grep -q "^stats: tasks: 65536 fd links read of a budget of 65536" "$T/err" &&
   grep -q "^stats: tasks: budget spent" "$T/err"'
check "one diagnostic names the budget" \
  '[ "$(grep -c "task walk stopped: its budget of 65536 fd links" "$T/err")" = 1 ]'
check "the listener stays without an owner" 'grep -q "\"port\":80,.*\"pid\":null" <<<"$out"'
echo "$fails failure(s)"
[ $fails = 0 ]
