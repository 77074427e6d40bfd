#!/usr/bin/env bash
# Installs this build into a staging prefix, builds examples/agent.c against
# the installed library through find_package and through pkg-config (as an
# agent would), each linked with the static archives and with
# liblisteners.so.N, and runs all four on a small proc tree: each must print
# the one listener, exactly. The static agents must not need liblisteners.so,
# the shared ones must load it from the staging prefix (ldd).
# Usage: check_agent.sh BUILD_DIR SOURCE_DIR C_COMPILER SHARED(ON|OFF) SOVERSION
set -euo pipefail
build=$1 src=$2 cc=$3 shared=$4 soversion=$5
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

tree=$work/proc
# shellcheck source=tests/proc_tree.sh
. "$src/tests/proc_tree.sh"
lsn_one_listener_tree "$tree" 42 12345

want='+ ipv4 0.0.0.0:22 inode 12345 pid 42 comm "sshd"'
for b in "${builds[@]}"; do
  how=${b%%:*}
  got=$(LD_LIBRARY_PATH=$libdir "$work/$how/agent" --proc "$tree" --count 2 --interval 0.01)
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
echo "ok: agent built against the installed library (${builds[*]}) and printed: $got"
