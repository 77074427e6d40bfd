#!/bin/bash
# unprivileged_health.sh LISTENERS SOURCE_DIR - an unprivileged run says so,
# once, with exact counts (issue 19). In pid, network and mount namespaces of
# its own (root: unshare -pfn --mount-proc, so that the only processes are
# the script's and every count is known), the script (pid 1, root) starts R
# (root) listening on 127.0.0.1:P1, R2 (root) in a network namespace of its
# own listening on P3, and N (nobody) listening on 127.0.0.1:P2. Run as
# nobody with no capability (setpriv), the CLI cannot read the fd/ of pid 1,
# R and R2: it must print exactly one line naming 3 processes and 1 listener
# without an owner (P1's; P2 is N's) and the remedy; root's run prints none;
# --stats and --stats=json carry the count. A --proc tree whose fd/ nobody
# cannot open gives the tree's line (the count, the first path, no remedy).
# --all-netns as nobody: the ns/net links of pid 1, R and R2 cannot be read
# (the kernel's ptrace access check), so R2's namespace is never found and
# P3 is missing: one line names the 3 processes whose namespaces are unknown.
# Refusals elsewhere count too, each pid once: a thread's fd/ in the task
# walk, a pid refused in both walks, --verify-exe's stat of the exe path.
set -u
L=$(realpath "$1")
SRC=$(realpath "$2")
if [ "${LSN_UNPRIV_NS:-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "skipped: needs root (unshare -pfn --mount-proc, setpriv)"; exit 77; }
  for t in setpriv unshare ip; do
    command -v $t >/dev/null || { echo "skipped: needs $t"; exit 77; }
  done
  [ -x /usr/bin/python3 ] || { echo "skipped: needs /usr/bin/python3 (nobody runs it)"; exit 77; }
  getent passwd nobody >/dev/null || { echo "skipped: needs the user nobody"; exit 77; }
  exec unshare -pfn --mount-proc env LSN_UNPRIV_NS=1 bash "$0" "$L" "$SRC"
fi
. "$SRC/tests/proc_tree.sh"
ip link set lo up || { echo "FAIL ip link set lo up"; exit 1; }
T=$(mktemp -d)
chmod 755 "$T"
PY=/usr/bin/python3 # not a shim under /root that nobody cannot run
KIDS=()
trap 'kill "${KIDS[@]}" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
LISTEN='
import socket, sys, time
s = socket.socket(); s.bind((sys.argv[2], 0)); s.listen()
open(sys.argv[1] + ".tmp", "w").write("%d\n" % s.getsockname()[1])
__import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(120)'
"$PY" -c "$LISTEN" "$T/r" 127.0.0.1 &
KIDS+=($!)
unshare -n "$PY" -c "$LISTEN" "$T/r2" 0.0.0.0 &
KIDS+=($!)
mkdir "$T/nw" && chown 65534 "$T/nw"
setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" -c "$LISTEN" "$T/nw/n" 127.0.0.1 &
KIDS+=($!)
for _ in $(seq 1 100); do [ -s "$T/r" ] && [ -s "$T/r2" ] && [ -s "$T/nw/n" ] && break; sleep 0.1; done
read -r p1 <"$T/r"
read -r p3 <"$T/r2"
read -r p2 <"$T/nw/n"
echo "pids: $(ls /proc | grep -E '^[0-9]+$' | tr '\n' ' ')(R ${KIDS[0]}, R2 ${KIDS[1]}, N ${KIDS[2]}); ports R $p1, R2 $p3, N $p2"
as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)

LINE="listeners: 3 processes could not be read without privilege (fd links, comm or exe): 1 listener has no owner (pid null); run as root, or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (see SECURITY.md)"
"${as_nobody[@]}" "$L" >"$T/n.json" 2>"$T/n.err"
echo "rc=$?" >>"$T/n.err"
check "nobody: exactly one line, 3 processes refused (pid 1, R, R2), 1 listener without an owner, the remedy" \
  '[ "$(grep -cxF "$LINE" "$T/n.err")" = 1 ] || { cat "$T/n.err"; false; }'
check "nobody: no other line on privilege, and no per-process permission line" \
  '[ "$(grep -c "privilege\|Permission denied\|CAP_" "$T/n.err")" = 1 ] || { cat "$T/n.err"; false; }'
check "nobody: exit 0, P1 unowned, P2 N's" \
  'grep -qx "rc=0" "$T/n.err" && grep -q "\"port\":$p1,[^}]*\"pid\":null" "$T/n.json" &&
   grep -q "\"port\":$p2,[^}]*\"pid\":${KIDS[2]}," "$T/n.json" || { cat "$T/n.json"; false; }'
"${as_nobody[@]}" "$L" --stats >/dev/null 2>"$T/ns.err"
check "nobody --stats: 3 pids refused, and the line once" \
  'grep -qx "stats: walk: 3 pids refused for lack of privilege (EACCES, EPERM: fd links, comm or exe)" "$T/ns.err" &&
   [ "$(grep -cxF "$LINE" "$T/ns.err")" = 1 ] || { cat "$T/ns.err"; false; }'
"${as_nobody[@]}" "$L" --stats=json >/dev/null 2>"$T/nj.err"
check "nobody --stats=json: walk.pids_denied 3, unattributed 1, procfs true" \
  'tail -n 1 "$T/nj.err" | "$PY" -c "import json,sys; c=json.load(sys.stdin)[\"collector\"]; sys.exit(not (c[\"walk\"][\"pids_denied\"] == 3 and c[\"unattributed\"] == 1 and c[\"procfs\"] is True))" ||
   { cat "$T/nj.err"; false; }'

"$L" >"$T/root.json" 2>"$T/root.err"
check "root: no privilege line, P1 owned by R" \
  '! grep -q "privilege\|Permission denied" "$T/root.err" &&
   grep -q "\"port\":$p1,[^}]*\"pid\":${KIDS[0]}," "$T/root.json" || { cat "$T/root.err" "$T/root.json"; false; }'
"$L" --stats=json >/dev/null 2>"$T/rootj.err"
check "root --stats=json: walk.pids_denied 0" \
  'tail -n 1 "$T/rootj.err" | "$PY" -c "import json,sys; sys.exit(json.load(sys.stdin)[\"collector\"][\"walk\"][\"pids_denied\"] != 0)" ||
   { cat "$T/rootj.err"; false; }'

# a tree: pid 42's fd/ is root's, mode 0: nobody cannot open it
lsn_one_listener_tree "$T/tree" 42 777
chmod 0 "$T/tree/42/fd"
chmod -R a+rX "$T/tree" && chmod 0 "$T/tree/42/fd"
TREE_LINE="listeners: 1 process could not be read for lack of permission (the first: $T/tree/42/fd: Permission denied): 1 listener has no owner (pid null)"
"${as_nobody[@]}" "$L" --proc "$T/tree" >"$T/t.json" 2>"$T/t.err"
check "a --proc tree as nobody: the tree's line (count, first path), once, no remedy" \
  '[ "$(grep -cxF "$TREE_LINE" "$T/t.err")" = 1 ] && ! grep -q "CAP_\|SECURITY.md" "$T/t.err" ||
   { cat "$T/t.err"; false; }'

# A refusal in the task walk (issue 19 review): pid 10's fd/ is readable and
# empty, its thread 11's fd/ (which holds the socket) is root's, mode 0. The
# refusal is counted and said, not left to a per-process line that a run
# outside watch no longer prints.
lsn_one_listener_tree "$T/task" 10 777
rm "$T/task/10/fd/3" && mkdir -p "$T/task/10/task/11/fd" && ln -s "socket:[777]" "$T/task/10/task/11/fd/3"
chmod -R a+rX "$T/task" && chmod 0 "$T/task/10/task/11/fd"
TASK_LINE="listeners: 1 process could not be read for lack of permission (the first: $T/task/10/task/11/fd: Permission denied): 1 listener has no owner (pid null)"
"${as_nobody[@]}" "$L" --proc "$T/task" --stats=json >"$T/tk.json" 2>"$T/tk.err"
check "a thread's fd/ refused (task walk): the tree's line once, walk.pids_denied 1" \
  '[ "$(grep -cxF "$TASK_LINE" "$T/tk.err")" = 1 ] &&
   tail -n 1 "$T/tk.err" | "$PY" -c "import json,sys; sys.exit(json.load(sys.stdin)[\"collector\"][\"walk\"][\"pids_denied\"] != 1)" ||
   { cat "$T/tk.err"; false; }'

# One pid refused twice, once per walk: pid 10 holds 777 in fd/ and 778 in
# task/11/fd, its comm is mode 0, read (and refused) by the walk for 777
# and by the task walk for 778. Counted once.
lsn_one_listener_tree "$T/twice" 10 777
lsn_tcp_listen 00000000 23 778 1 >>"$T/twice/net/tcp"
mkdir -p "$T/twice/10/task/11/fd" && ln -s "socket:[778]" "$T/twice/10/task/11/fd/3"
chmod -R a+rX "$T/twice" && chmod 0 "$T/twice/10/comm"
"${as_nobody[@]}" "$L" --proc "$T/twice" --stats=json >"$T/tw.json" 2>"$T/tw.err"
check "one pid refused in both walks: walk.pids_denied 1, both rows pid 10" \
  'tail -n 1 "$T/tw.err" | "$PY" -c "import json,sys; sys.exit(json.load(sys.stdin)[\"collector\"][\"walk\"][\"pids_denied\"] != 1)" &&
   [ "$(grep -o "\"pid\":10," "$T/tw.json" | wc -l)" = 2 ] || { cat "$T/tw.err" "$T/tw.json"; false; }'

# --verify-exe refused: V (nobody) runs a copy of python in $T/vx, then
# $T/vx is made root's, mode 0700: V's exe link reads, but nobody cannot
# stat the path it names. V counts as refused: 4 processes, not 3.
mkdir "$T/vx" && cp "$PY" "$T/vx/python3" && chmod -R a+rX "$T/vx" && mkdir "$T/vw" && chown 65534 "$T/vw"
"${as_nobody[@]}" "$T/vx/python3" -c "$LISTEN" "$T/vw/v" 127.0.0.1 &
KIDS+=($!)
for _ in $(seq 1 100); do [ -s "$T/vw/v" ] && break; sleep 0.1; done
chmod 0700 "$T/vx"
VLINE="listeners: 4 processes could not be read without privilege (fd links, comm or exe): 1 listener has no owner (pid null); run as root, or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (see SECURITY.md)"
"${as_nobody[@]}" "$L" --verify-exe --stats=json >"$T/v.json" 2>"$T/v.err"
check "nobody --verify-exe, V's exe path refused: the line counts 4 processes, walk.pids_denied 4" \
  '[ "$(grep -cxF "$VLINE" "$T/v.err")" = 1 ] &&
   tail -n 1 "$T/v.err" | "$PY" -c "import json,sys; sys.exit(json.load(sys.stdin)[\"collector\"][\"walk\"][\"pids_denied\"] != 4)" ||
   { cat "$T/v.err"; false; }'
kill "${KIDS[3]}" 2>/dev/null; wait "${KIDS[3]}" 2>/dev/null

NS_LINE="listeners: --all-netns: the ns/net links of 3 processes could not be read without privilege: the network namespaces they are in are unknown and were not read (a namespace none of the readable processes is in is missing); run as root, or with CAP_SYS_PTRACE (see SECURITY.md)"
"${as_nobody[@]}" "$L" --all-netns >"$T/a.json" 2>"$T/a.err"
"$L" --all-netns >"$T/ra.json" 2>"$T/ra.err"
check "root --all-netns: R2's namespace read, P3 there; no netns line" \
  'grep -q "\"port\":$p3,[^}]*\"pid\":${KIDS[1]}," "$T/ra.json" && ! grep -q "ns/net" "$T/ra.err" ||
   { cat "$T/ra.json" "$T/ra.err"; false; }'
check "nobody --all-netns: one line, the ns/net links of 3 processes unread, P3 missing" \
  '[ "$(grep -cxF "$NS_LINE" "$T/a.err")" = 1 ] && ! grep -q "\"port\":$p3," "$T/a.json" ||
   { cat "$T/a.err" "$T/a.json"; false; }'
check "nobody --all-netns: the privilege line once too" \
  '[ "$(grep -cxF "$LINE" "$T/a.err")" = 1 ] || { cat "$T/a.err"; false; }'
"${as_nobody[@]}" "$L" --all-netns --stats=json >/dev/null 2>"$T/aj.err"
check "nobody --all-netns --stats=json: netns.pids_denied 3" \
  'tail -n 1 "$T/aj.err" | "$PY" -c "import json,sys; sys.exit(json.load(sys.stdin)[\"collector\"][\"netns\"][\"pids_denied\"] != 3)" ||
   { cat "$T/aj.err"; false; }'
[ "$fails" = 0 ] && echo "ok   unprivileged runs say so, once, with their counts"
exit "$((fails > 0))"
