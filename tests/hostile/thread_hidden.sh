#!/bin/bash
# thread_hidden.sh LISTENERS THREAD_HOLDER - sockets only a thread's own fd
# table holds get their process (issue 15, item 5). Live, on 127.0.0.1:0.
#  1. unshare: a thread unshare(CLONE_FILES)s, then listens: the socket is in
#     /proc/<pid>/task/<tid>/fd only.
#  2. zombie: a thread listens, then the thread-group leader exits: the
#     leader is a zombie, /proc/<pid>/fd is empty, and /proc/<pid>/exe
#     answers ENOENT (the leader has no mm): exe comes from the holding
#     thread's task/<tid>/exe.
# Each row must carry the process's pid (the <pid> directory, the thread
# group id), its comm and its exe. Before the fallback walk of task/*/fd
# (collector/walk.c) both rows were pid null. As root, then as nobody
# (the collector reading its own user's process) with setpriv.
set -u
L=$1 H=$2
T=$(mktemp -d)
chmod 755 "$T"
KID=
trap '[ -n "$KID" ] && kill -9 "$KID" 2>/dev/null; rm -rf "$T"' EXIT
cp "$L" "$T/listeners" && cp "$H" "$T/thread_holder" && chmod 755 "$T/listeners" "$T/thread_holder" ||
  { echo "FAIL cannot copy the binaries to $T"; exit 1; }
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }

# run AS MODE: starts the holder as AS, collects as AS, checks the row.
run() {
  local as=$1 mode=$2 pre=() port tid out
  [ "$as" = root ] || pre=(setpriv --reuid="$as" --regid=nogroup --clear-groups)
  : >"$T/port"
  "${pre[@]}" "$T/thread_holder" "$mode" >"$T/port" 2>"$T/holder.err" &
  KID=$!
  for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
  read -r port tid <"$T/port"
  if [ -z "${port:-}" ]; then
    echo "FAIL $as $mode: the holder did not start: $(cat "$T/holder.err")"; fails=$((fails + 1)); return
  fi
  if [ "$mode" = zombie ]; then # wait for the leader to be a zombie
    for _ in $(seq 1 100); do grep -q '^State:.*Z' "/proc/$KID/status" 2>/dev/null && break; sleep 0.05; done
    check "$as $mode: the leader $KID is a zombie, thread $tid holds the socket" \
      'grep -q "^State:.*Z" "/proc/$KID/status" && [ -d "/proc/$KID/task/$tid" ]'
  fi
  check "$as $mode: /proc/$KID/fd does not show the socket (the test sets up the blind spot)" \
    '! ls -l "/proc/$KID/fd/" 2>/dev/null | grep -q socket:'
  out=$("${pre[@]}" "$T/listeners" --stats 2>"$T/err")
  local want="\"port\":$port,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":\"127.0.0.1\",\"pid\":$KID,\"comm\":\"thread_holder\",\"exe\":\"$T/thread_holder\""
  check "$as $mode: the row of port $port has pid $KID, its comm and exe" \
    'grep -qF "$want" <<<"$out" || { echo "     got: $(grep -o "{\"port\":$port,[^}]*}" <<<"$out")"; grep -v "^stats:" "$T/err" | sed "s/^/     /"; false; }'
  grep '^stats: tasks' "$T/err" | sed 's/^/     /'
  kill -9 "$KID" 2>/dev/null; wait "$KID" 2>/dev/null; KID=
}

run root unshare
run root zombie
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  run nobody unshare
  run nobody zombie
else
  echo "(not root: the nobody runs are the runs above)"
fi
echo "$fails failure(s)"
[ $fails = 0 ]
