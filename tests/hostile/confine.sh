#!/bin/bash
# confine.sh LISTENERS - a --proc tree cannot make the collector or the
# snapshot read outside it (SECURITY.md, "--proc trees"). Each case is a
# tree whose author points a path out of the tree; the run must not show a
# byte of what lies outside, and the snapshot must not copy it:
#   comm -> an absolute path outside (a secret file)
#   comm -> ../../.. relative escape
#   net/tcp -> a table outside, with a listener the tree does not have
#   net -> a directory outside (an intermediate component)
#   <pid> -> a process directory outside (a directory symlink)
#   <pid>/fd -> a directory outside with socket links
#   a file of another filesystem mounted inside the tree (root only)
# Runs as any user; the mount case needs root (skipped otherwise, stated).
set -u
L=$1
T=$(mktemp -d)
trap 'umount "$T/t-mount/100" 2>/dev/null; rm -rf "$T"' EXIT
fails=0 skips=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }

# shellcheck source=tests/proc_tree.sh
. "$(dirname "$0")/../proc_tree.sh"
# A secret outside every tree, and a table and a process directory outside.
mkdir -p "$T/outside/net" "$T/outside/proc9/fd" "$T/outside/fds"
printf 'SECRET-comm-bytes\n' >"$T/outside/secret"
{ lsn_tcp_header; lsn_tcp_listen 00000000 31337 777; } >"$T/outside/net/tcp"
cp "$T/outside/net/tcp" "$T/outside/table"
ln -s 'socket:[555]' "$T/outside/proc9/fd/3"; printf 'SECRET-proc\n' >"$T/outside/proc9/comm"
ln -s /usr/bin/secret "$T/outside/proc9/exe"
ln -s 'socket:[555]' "$T/outside/fds/3"

# base NAME: a tree with one listener (port 22, inode 555) held by pid 100.
base() {
  local t=$T/t-$1
  lsn_one_listener_tree "$t" 100 555
  echo "$t"
}
run() { "$L" --proc "$1" >"$T/out" 2>"$T/err"; echo $? >"$T/rc"; }
snap() { rm -rf "$T/snap"; "$L" snapshot "$T/snap" --proc "$1" >/dev/null 2>"$T/snap.err"; echo $? >"$T/snap.rc"; }
no_secret() { ! grep -rqs SECRET "$T/out" "$T/err" && ! grep -rqs 31337 "$T/out"; }
snap_clean() { ! grep -rqs -e SECRET -e '0000:7A69' "$T/snap" 2>/dev/null; }

t=$(base abs-comm); rm "$t/100/comm"; ln -s "$T/outside/secret" "$t/100/comm"
run "$t"; snap "$t"
check "comm -> absolute path outside: not read" 'no_secret && grep -q "\"pid\":100,\"comm\":null" "$T/out"'
check "comm -> absolute path outside: not copied" snap_clean

t=$(base rel-comm); rm "$t/100/comm"; ln -s "../../outside/secret" "$t/100/comm"
run "$t"; snap "$t"
check "comm -> ../../ escape: not read" 'no_secret && grep -q "\"comm\":null" "$T/out"'
check "comm -> ../../ escape: not copied" snap_clean

t=$(base table); rm "$t/net/tcp"; ln -s "$T/outside/table" "$t/net/tcp"
run "$t"; snap "$t"
check "net/tcp -> a table outside: exit 1, no row of it" '[ "$(cat "$T/rc")" = 1 ] && no_secret'
check "net/tcp -> a table outside: not copied" 'snap_clean && [ "$(cat "$T/snap.rc")" != 0 ]'

t=$(base netdir); rm -r "$t/net"; ln -s "$T/outside/net" "$t/net"
run "$t"; snap "$t"
check "net -> a directory outside: exit 1, no row of it" '[ "$(cat "$T/rc")" = 1 ] && no_secret'
check "net -> a directory outside: not copied" snap_clean

t=$(base piddir); ln -s "$T/outside/proc9" "$t/9"
run "$t"; snap "$t"
check "<pid> -> a process directory outside: not walked" 'no_secret && grep -q "\"pid\":100" "$T/out"'
check "<pid> -> a process directory outside: not copied" 'snap_clean && [ ! -e "$T/snap/9" ]'

t=$(base fddir); rm -r "$t/100/fd"; ln -s "$T/outside/fds" "$t/100/fd"
run "$t"; snap "$t"
check "<pid>/fd -> a directory outside: not read" 'grep -q "\"pid\":null" "$T/out"'
check "<pid>/fd -> a directory outside: not copied" '[ ! -e "$T/snap/100/fd/3" ]'

if [ "$(id -u)" = 0 ]; then
  t=$(base mount); rm -r "$t/100"; mkdir "$t/100"
  mount -t tmpfs none "$t/100"
  mkdir -p "$t/100/fd"; ln -s 'socket:[555]' "$t/100/fd/3"; printf 'SECRET-mounted\n' >"$t/100/comm"
  ln -s /usr/sbin/sshd "$t/100/exe"
  run "$t"; snap "$t"
  check "a filesystem mounted inside the tree: not read" 'no_secret && grep -q "\"pid\":null" "$T/out"'
  check "a filesystem mounted inside the tree: not copied" snap_clean
  umount "$t/100"
else
  echo "skipped: the mount case needs root"; skips=$((skips + 1))
fi
echo "$fails failure(s), $skips skipped"
[ $fails = 0 ] || exit 1
[ $skips = 0 ] || exit 77
