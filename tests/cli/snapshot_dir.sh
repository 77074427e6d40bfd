#!/bin/bash
# snapshot_dir.sh LISTENERS - where and how `listeners snapshot` writes.
#  1. DIR cannot be swapped: the owner of DIR's parent (here: nobody) moves
#     the new DIR away and puts a directory of theirs in its place while the
#     snapshot is paused right after making it (strace delays the mkdir
#     system call's return). The snapshot must refuse, and write nothing into
#     the attacker's directory.
#  2. Files are 0600 and directories 0700 whatever the umask (other users'
#     exe paths are not theirs to read), the archive too; --mode 0644 gives
#     0644 and 0755.
#  3. An --archive that cannot be created leaves no DIR behind.
set -u
L=$1
T=$(mktemp -d)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
fails=0 skips=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
tree=$T/tree
# shellcheck source=tests/proc_tree.sh
. "$(dirname "$0")/../proc_tree.sh"
lsn_one_listener_tree "$tree" 100 555

# 2. modes
(umask 000; "$L" snapshot "$T/s1" --proc "$tree" --archive "$T/s1.tar" >/dev/null 2>"$T/err")
check "snapshot runs" '[ -d "$T/s1" ]'
check "files 0600, directories 0700, whatever the umask" \
  '[ -z "$(find "$T/s1" -type f ! -perm 0600)" ] && [ -z "$(find "$T/s1" -type d ! -perm 0700)" ] && [ -n "$(find "$T/s1" -type f)" ]'
check "the archive is 0600 and lists 0600/0700 entries" \
  '[ "$(stat -c %a "$T/s1.tar")" = 600 ] && ! tar -tvf "$T/s1.tar" | grep -qv -e "^-rw-------" -e "^drwx------" -e "^lrwxrwxrwx"'
"$L" snapshot "$T/s2" --proc "$tree" --mode 0644 >/dev/null 2>&1
check "--mode 0644: files 0644, directories 0755" \
  '[ -d "$T/s2" ] && [ -z "$(find "$T/s2" -type f ! -perm 0644)" ] && [ -z "$(find "$T/s2" -type d ! -perm 0755)" ]'
"$L" snapshot "$T/s3" --proc "$tree" --mode 0777 >/dev/null 2>&1
check "--mode 0777 is a usage error" '[ $? = 2 ] && [ ! -e "$T/s3" ]'

# 3. a failing archive leaves no DIR
"$L" snapshot "$T/s4" --proc "$tree" --archive "$T/no/such/dir/a.tar" >/dev/null 2>&1
check "an --archive that cannot be made: exit 1, no DIR left" '[ $? = 1 ] && [ ! -e "$T/s4" ]'

# 1. the swap
if [ "$(id -u)" != 0 ] || ! command -v strace >/dev/null || ! command -v setpriv >/dev/null; then
  echo "skipped: the DIR swap needs root, strace and setpriv"; skips=$((skips + 1))
else
  P=$T/parent
  mkdir "$P"; chown nobody "$P"; chmod 755 "$P"
  # The attacker: waits for DIR, moves it away, makes their own.
  setpriv --reuid=nobody --regid=nogroup --clear-groups sh -c '
    for i in $(seq 1 200); do
      if [ -d "$1/snap" ]; then mv "$1/snap" "$1/moved" && mkdir -m 777 "$1/snap"; exit 0; fi
      sleep 0.01
    done; exit 1' sh "$P" &
  racer=$!
  strace -f -o /dev/null -e trace=mkdir,mkdirat -e inject=mkdir,mkdirat:delay_exit=1500000:when=1 \
    "$L" snapshot "$P/snap" --proc "$tree" >/dev/null 2>"$T/swap.err"
  rc=$?
  wait $racer
  check "the attacker swapped DIR during the pause (the test did run the race)" '[ -d "$P/moved" ]'
  check "the swapped DIR is refused: exit 1, nothing written into the attacker's directory" \
    '[ $rc = 1 ] && [ -z "$(ls -A "$P/snap")" ] || { echo "exit $rc: $(cat "$T/swap.err"); in it: $(ls -A "$P/snap")"; false; }'
fi
echo "$fails failure(s), $skips skipped"
[ $fails = 0 ] || exit 1
[ $skips = 0 ] || exit 77
