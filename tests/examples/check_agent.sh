#!/usr/bin/env bash
# Installs this build into a staging prefix, builds examples/agent.c against
# the installed library through find_package and through pkg-config (as an
# agent would), each linked with the static archives and with
# liblisteners.so.N (the static agents must not need liblisteners.so, the
# shared ones must load it from the staging prefix: readelf, ldd), and runs
# each over three proc trees replayed in turn: each must print the same event
# lines as `listeners watch` over the same trees (the "at" times removed), a
# sequence with added, removed, owner_changed (one of a socket that had no
# owner: "pid":null, never -1), exe_changed (another exe, and another comm,
# under the same pid) and a socket reopened on the same port and address
# (another inode). A tick whose tree cannot be read is said on stderr and not
# compared. A bad --interval exits 2 at once.
# Usage: check_agent.sh BUILD_DIR SOURCE_DIR C_COMPILER LISTENERS SHARED(ON|OFF) SOVERSION
set -euo pipefail
build=$1 src=$2 cc=$3 listeners=$4 shared=$5 soversion=$6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/stage" >/dev/null
export PKG_CONFIG_PATH="$work/stage/lib/pkgconfig:$work/stage/lib64/pkgconfig"
# The installed headers are only reachable as <listeners/x.h>: the .pc files
# and the CMake package add the include directory, not include/listeners.
if pkg-config --cflags listeners | grep -q 'include/listeners'; then
  echo "pkg-config --cflags listeners adds include/listeners: $(pkg-config --cflags listeners)" >&2
  exit 1
fi
# Through the CMake package (find_package) and through pkg-config, static
# and (when this build makes it) shared.
builds=(agent:cmake:static agent-pc:pkg-config:static)
if [ "$shared" = ON ]; then
  builds+=(agent-so:cmake:shared agent-pc-so:pkg-config:shared)
else
  echo "note: this build has no liblisteners.so (LISTENERS_BUILD_SHARED=$shared): static agents only"
fi
libdir=$(dirname "$(find "$work/stage" -name 'liblisteners.a' | head -1)")
for b in "${builds[@]}"; do
  IFS=: read -r how find link <<<"$b"
  cmake -S "$src/examples" -B "$work/$how" -DCMAKE_C_COMPILER="$cc" -DCMAKE_PREFIX_PATH="$work/stage" \
    -DAGENT_FIND="$find" -DAGENT_LINK="$link" >/dev/null
  cmake --build "$work/$how" >/dev/null
  needed=$(readelf -d "$work/$how/agent" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
  if [ "$link" = static ]; then
    case " $needed" in *" liblisteners"*)
      echo "$how: linked statically, yet needs: $needed" >&2; exit 1 ;;
    esac
  else
    # pkg-config's -L adds no run path: the loader is told where the stage is
    so=$(LD_LIBRARY_PATH=$libdir ldd "$work/$how/agent" | awk '$1 == "liblisteners.so.'"$soversion"'" {print $3}')
    if [ "$so" != "$libdir/liblisteners.so.$soversion" ]; then
      echo "$how: ldd does not load $libdir/liblisteners.so.$soversion (needs: $needed):" >&2
      LD_LIBRARY_PATH=$libdir ldd "$work/$how/agent" >&2
      exit 1
    fi
  fi
done

# shellcheck source=tests/proc_tree.sh
. "$src/tests/proc_tree.sh"
# owner DIR PID COMM EXE INODE...: PID holds the sockets INODE...
owner() {
  local d=$1 pid=$2 comm=$3 exe=$4 fd=3
  shift 4
  mkdir -p "$d/$pid/fd"
  printf '%s\n' "$comm" >"$d/$pid/comm"
  ln -s "$exe" "$d/$pid/exe"
  for ino in "$@"; do
    ln -s "socket:[$ino]" "$d/$pid/fd/$fd"
    fd=$((fd + 1))
  done
}
# tree DIR "HEX_IP PORT INODE"...: DIR/net/tcp with those listeners
tree() {
  local d=$1 sl=0
  shift
  mkdir -p "$d/net"
  lsn_manifest "$d"
  {
    lsn_tcp_header
    for l in "$@"; do
      # shellcheck disable=SC2086 # three words on purpose
      lsn_tcp_listen $l $sl
      sl=$((sl + 1))
    done
  } >"$d/net/tcp"
  lsn_tcp_header >"$d/net/tcp6"
}
A=$work/a B=$work/b C=$work/c BAD=$work/bad
# A: sshd 100 on :22, :80 without an owner, app 300 on 127.0.0.1:8080
tree "$A" "00000000 22 1001" "00000000 80 1002" "0100007F 8080 1003"
owner "$A" 100 sshd /usr/sbin/sshd 1001
owner "$A" 300 app /opt/app 1003
# B: sshd restarted as 101 (owner_changed), nginx 200 takes the unowned :80
# (owner_changed from null), 300 renamed itself app2 (exe_changed, comm
# only), :443 opened (added)
tree "$B" "00000000 22 1001" "00000000 80 1002" "0100007F 8080 1003" "00000000 443 1004"
owner "$B" 101 sshd /usr/sbin/sshd 1001
owner "$B" 200 nginx /usr/sbin/nginx 1002 1004
owner "$B" 300 app2 /opt/app 1003
# C: 101 exec'd sshd-new keeping its socket (exe_changed), :80 reopened as
# inode 1005 (removed 1002, added 1005), :8080 closed (removed)
tree "$C" "00000000 22 1001" "00000000 80 1005" "00000000 443 1004"
owner "$C" 101 sshd-new /usr/sbin/sshd-new 1001
owner "$C" 200 nginx /usr/sbin/nginx 1005 1004
mkdir -p "$BAD" # no net/tcp: that tick fails

no_at() { sed -E 's/"at":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"/"at":T/'; }
fail() {
  printf '%s\n' "$@" >&2
  exit 1
}

# four ticks: A, B, C, A again
"$listeners" watch --interval 0.01 --count 4 --proc "$A" --proc "$B" --proc "$C" >"$work/watch.raw"
no_at <"$work/watch.raw" >"$work/watch"
[ "$(wc -l <"$work/watch")" = 16 ] || fail "listeners watch printed $(wc -l <"$work/watch") lines, wanted 16:" "$(cat "$work/watch")"
for want in '"event":"added"' '"event":"removed"' '"event":"owner_changed"' '"event":"exe_changed"' \
  '"port":80,"inode":1002,"before":{"pid":null,"comm":null,"exe":null},"after":{"pid":200' \
  '"inode":1003,"before":{"pid":300,"comm":"app","exe":"/opt/app"},"after":{"pid":300,"comm":"app2"' \
  '"event":"removed","at":T,"protocol":"tcp","family":"ipv4","address":"0.0.0.0","port":80,"inode":1002' \
  '"event":"added","at":T,"protocol":"tcp","family":"ipv4","address":"0.0.0.0","port":80,"inode":1005'; do
  grep -qF "$want" "$work/watch" || fail "the sequence lacks $want:" "$(cat "$work/watch")"
done
for b in "${builds[@]}"; do
  how=${b%%:*}
  LD_LIBRARY_PATH=$libdir "$work/$how/agent" --interval 0.01 --count 4 --proc "$A" --proc "$B" --proc "$C" >"$work/$how.raw"
  if ! no_at <"$work/$how.raw" | diff -u "$work/watch" - >&2; then
    fail "$how printed other lines than listeners watch (diff above: - watch, + $how)"
  fi
  # every line carries a real time
  [ "$(grep -cE '^\{"event":"[a-z_]+","at":"[0-9]{4}-' "$work/$how.raw")" = 16 ] || fail "$how: a line without an RFC 3339 at"
done

# A tick that cannot be read: said on stderr, not compared, the agent goes
# on (and exits 1 at the end)
"$listeners" watch --interval 0.01 --count 2 --proc "$A" --proc "$B" | no_at >"$work/watch-ab"
rc=0
"$work/agent/agent" --interval 0.01 --count 3 --proc "$A" --proc "$BAD" --proc "$B" \
  >"$work/bad.out" 2>"$work/bad.err" || rc=$?
[ "$rc" = 1 ] || fail "agent with an unreadable tree: exit $rc, wanted 1" "$(cat "$work/bad.err")"
grep -q "tick 2: $BAD/net/tcp: .*No such file or directory" "$work/bad.err" ||
  fail "agent did not name the unreadable tick's table:" "$(cat "$work/bad.err")"
no_at <"$work/bad.out" | diff -u "$work/watch-ab" - >&2 ||
  fail "agent with an unreadable tick: not the changes of A to B (diff above)"

# a bad interval is a usage error (it used to busy-spin on "abc" and "0")
for bad in abc 0 -1 nan inf 1e9 1e9999 0x1 '' 0.0000001 86401; do
  rc=0
  timeout 10 "$work/agent/agent" --proc "$A" --count 2 --interval "$bad" >"$work/out" 2>"$work/err" || rc=$?
  [ "$rc" = 2 ] || fail "agent --interval '$bad': exit $rc, wanted 2"
  [ ! -s "$work/out" ] || fail "agent --interval '$bad' printed: $(cat "$work/out")"
  grep -q 'usage: agent' "$work/err" || fail "agent --interval '$bad' said: $(cat "$work/err")"
done
echo "ok: agent built against the installed library (${builds[*]}) printed the 16 event lines of listeners watch over 3 trees; an unreadable tick was said and skipped; 11 bad intervals exit 2"
