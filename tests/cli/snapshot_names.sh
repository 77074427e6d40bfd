#!/bin/bash
# snapshot_names.sh LISTENERS SRC_DIR - a snapshot records a holder whose comm
# or exe cannot be read (issue 18), so that its replay picks the owner the
# live run picked. The owner rule (owner.c) keeps a holder whose exe or comm
# is unreadable (EACCES, not a link, too long), with a null name, and skips
# one that exited (ENOENT): a snapshot that left the unreadable name out made
# the replay take the holder for exited and give the socket to the next one.
# A source tree (any user, no network): pid 10 holds 0.0.0.0:22 with an exe
# that is not a link and pid 20 holds it too; pid 30 holds 0.0.0.0:80 with a
# comm that is a directory, pid 40 too; pid 50 holds 0.0.0.0:443 and has no
# exe at all (exited: ENOENT), pid 60 too. Live on the tree, the owners are
# 10, 30 and 60; the snapshot's replay must say the same, its MANIFEST count
# the two unreadable names, and the files say why.
set -u
L=$1
SRC=$2
# shellcheck source=tests/proc_tree.sh
. "$SRC/tests/proc_tree.sh"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
S=$T/src
mkdir -p "$S/net"
{ lsn_tcp_header; lsn_tcp_listen 00000000 22 1001 0; lsn_tcp_listen 00000000 80 1002 1
  lsn_tcp_listen 00000000 443 1003 2; } >"$S/net/tcp"
holder() { # PID INODE: fd 3 holds the socket, comm "pPID", exe /bin/pPID
  mkdir -p "$S/$1/fd"; ln -s "socket:[$2]" "$S/$1/fd/3"
  printf 'p%s\n' "$1" >"$S/$1/comm"; ln -s "/bin/p$1" "$S/$1/exe"
}
holder 10 1001; holder 20 1001; holder 30 1002; holder 40 1002; holder 50 1003; holder 60 1003
rm "$S/10/exe" && mkdir "$S/10/exe"          # exe not a link: EINVAL, the holder stays
rm "$S/30/comm" && mkdir "$S/30/comm"        # comm not a file: the holder stays
rm "$S/50/exe" "$S/50/comm"                  # gone: ENOENT, the next holder owns
owners() { python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join("%d:%s:%s:%s" % (r["port"], r["pid"], r["comm"], r["exe"]) for r in d["listeners"]["listeners"]))' "$1"; }
"$L" --proc "$S" >"$T/live.json" 2>"$T/live.err"
live=$(owners "$T/live.json")
check "live on the tree: owners 10 (exe null), 30 (comm null), 60 ($live)" \
  '[ "$live" = "22:10:p10:None 80:30:None:/bin/p30 443:60:p60:/bin/p60" ]'
"$L" snapshot "$T/snap" --proc "$S" >/dev/null 2>"$T/snap.err" || { echo "FAIL snapshot: $(cat "$T/snap.err")"; exit 1; }
"$L" --proc "$T/snap" >"$T/replay.json" 2>"$T/replay.err"
replay=$(owners "$T/replay.json")
check "the replay picks the live run's owners ($replay)" '[ "$replay" = "$live" ]'
check "the MANIFEST counts the two unreadable names" 'grep -qx "names_unreadable=2" "$T/snap/MANIFEST"'
check "the exe file says why" 'grep -q "^exe unreadable when the snapshot was taken: " "$T/snap/10/exe"'
check "comm is a directory in its place" '[ -d "$T/snap/30/comm" ]'
check "the exited holder left nothing: its replay is exited too" '[ ! -e "$T/snap/50/exe" ] && [ ! -e "$T/snap/50/comm" ]'
[ "$fails" = 0 ] && echo "ok   a snapshot's replay keeps the owners of unreadable names"
exit "$((fails > 0))"
