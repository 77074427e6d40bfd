#!/usr/bin/env bash
# Installs this build into a staging prefix, builds examples/agent.c against
# the installed library through find_package and through pkg-config (as an
# agent would), and runs both
# on a small proc tree: it must print the one listener, exactly.
# Usage: check_agent.sh BUILD_DIR SOURCE_DIR C_COMPILER
set -euo pipefail
build=$1 src=$2 cc=$3
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
# Once through the CMake package (find_package), once through pkg-config.
cmake -S "$src/examples" -B "$work/agent" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_PREFIX_PATH="$work/stage" >/dev/null
cmake --build "$work/agent" >/dev/null
cmake -S "$src/examples" -B "$work/agent-pc" -DCMAKE_C_COMPILER="$cc" -DAGENT_FIND=pkg-config >/dev/null
cmake --build "$work/agent-pc" >/dev/null

tree=$work/proc
# shellcheck source=tests/proc_tree.sh
. "$src/tests/proc_tree.sh"
lsn_one_listener_tree "$tree" 42 12345

want='+ ipv4 0.0.0.0:22 inode 12345 pid 42 comm "sshd"'
for how in agent agent-pc; do
  got=$("$work/$how/agent" --proc "$tree" --count 2 --interval 0.01)
  if [ "$got" != "$want" ]; then
    printf '%s printed:\n%s\nwanted:\n%s\n' "$how" "$got" "$want" >&2
    exit 1
  fi
done
# a bad interval is a usage error (it used to busy-spin on "abc" and "0")
for bad in abc 0 -1 1e9999; do
  rc=0
  timeout 10 "$work/agent/agent" --proc "$tree" --count 2 --interval "$bad" >/dev/null 2>&1 || rc=$?
  if [ "$rc" != 2 ]; then
    echo "agent --interval $bad: exit $rc, wanted 2" >&2
    exit 1
  fi
done
echo "ok: agent built against the installed library (find_package and pkg-config) and printed: $got"
