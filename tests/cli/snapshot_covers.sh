#!/bin/bash
# snapshot_covers.sh LISTENERS - the snapshot copies what the collector
# reads, checked on the system calls, not on the code: strace -y logs every
# file the collector opens for reading and every link it reads in a tree;
# each one (a table, a socket fd link, comm, exe, ns/net link) must also be
# in `listeners snapshot` of that tree. Directories, and fd links that are not
# sockets, are read but carry nothing into the output, so they are not
# required. Trees: a fixture (owners, pid 1, a non-socket fd, an fd whose
# name is not a number, a process without sockets, a second namespace) and a
# snapshot of the live /proc; each with and without --all-netns. Before the
# snapshot read through collector/procfs.c it failed here: fd names that are
# not numbers and the ns/net links of pids without sockets were not copied.
set -u
L=$1
command -v strace >/dev/null || { echo "skipped: strace is not installed"; exit 77; }
command -v python3 >/dev/null || { echo "skipped: python3 is not installed"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0

# shellcheck source=tests/proc_tree.sh
. "$(dirname "$0")/../proc_tree.sh"
F=$T/fixture
mkdir -p "$F/net" "$F/self/ns" "$F/1/fd" "$F/100/fd" "$F/100/ns" "$F/200/fd" "$F/200/ns" \
  "$F/300/fd" "$F/400/fd" "$F/400/ns" "$F/400/net"
{ lsn_tcp_header; lsn_tcp_listen 0100007F 22 5 0; lsn_tcp_listen 00000000 80 6 1; lsn_tcp_listen 00000000 9 7 2; } >"$F/net/tcp"
lsn_tcp_header >"$F/net/tcp6"
{ lsn_tcp_header; lsn_tcp_listen 0100007F 8080 8; } >"$F/400/net/tcp"
ln -s 'net:[4026531840]' "$F/self/ns/net"
for p in 1 100 200 300; do mkdir -p "$F/$p/ns"; ln -s 'net:[4026531840]' "$F/$p/ns/net"; done
ln -s 'net:[4026532001]' "$F/400/ns/net"
ln -s 'socket:[5]' "$F/100/fd/3"; ln -s 'socket:[6]' "$F/100/fd/4"; ln -s /dev/null "$F/100/fd/0"
ln -s 'socket:[5]' "$F/200/fd/7"; ln -s 'socket:[6]' "$F/200/fd/abc"; ln -s 'socket:[7]' "$F/1/fd/9"; ln -s 'socket:[8]' "$F/400/fd/3"
ln -s /dev/null "$F/300/fd/0"
for p in 1 100 200 300 400; do printf 'proc%s\n' "$p" >"$F/$p/comm"; ln -s "/usr/bin/proc$p" "$F/$p/exe"; done

# covers TREE MODE...: the collector's reads of TREE are all in a snapshot of it.
covers() {
  local tree=$1 name=$2; shift 2
  local snap=$T/snap-$name log=$T/strace-$name
  rm -rf "$snap"
  strace -f -y -e trace=openat,readlinkat -o "$log" "$L" --no-sandbox --proc "$tree" "$@" >/dev/null 2>&1
  if ! "$L" snapshot "$snap" --proc "$tree" "$@" >/dev/null 2>"$T/snap.err"; then
    echo "FAIL $name: snapshot failed: $(cat "$T/snap.err")"; fails=$((fails + 1)); return
  fi
  if python3 - "$log" "$tree" "$snap" "$name" <<'PY'
import os, re, sys
log, tree, snap, name = sys.argv[1:]
tree = os.path.realpath(tree)
need = set()
for line in open(log, errors="replace"):
    m = re.search(r'openat\([^<]*<([^>]*)>, "([^"]*)", ([A-Z_|]+)[^)]*\) = \d+<([^>]*)>', line)
    if m and "O_DIRECTORY" not in m.group(3):
        need.add(m.group(4))
        continue
    m = re.search(r'readlinkat\(\d+<([^>]*)>, "([^"]*)", "([^"]*)", \d+\) = \d+', line)
    if m:
        path = os.path.join(m.group(1), m.group(2))
        if "/fd/" in path and not m.group(3).startswith("socket:["):
            continue  # not a socket: read, and no part of the output
        need.add(path)
rel = sorted(os.path.relpath(p, tree) for p in need if p.startswith(tree + "/"))
missing = [r for r in rel if not os.path.lexists(os.path.join(snap, r))]
for r in missing:
    print(f"FAIL {name}: the collector read {r}, the snapshot has no copy")
print(f"ok   {name}: {len(rel)} files and links the collector read, all in the snapshot" if not missing else "")
sys.exit(1 if missing or not rel else 0)
PY
  then :; else fails=$((fails + 1)); fi
}

covers "$F" fixture
covers "$F" fixture-all-netns --all-netns
# The live host, through a snapshot of it (a tree that stays still).
if "$L" snapshot "$T/live" --all-netns >/dev/null 2>"$T/live.err"; then
  covers "$T/live" live
  covers "$T/live" live-all-netns --all-netns
else
  echo "FAIL live snapshot: $(cat "$T/live.err")"; fails=$((fails + 1))
fi
echo "$fails failure(s)"
[ $fails = 0 ]
