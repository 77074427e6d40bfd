#!/usr/bin/env bash
# The ABI of liblisteners.so.N against the baseline stored in the tree
# (docs/abi/liblisteners.so.N.abi, docs/abi.md says how it is made and when
# it changes).
#   abi.sh check  LIB SRC   fails on any change but added functions:
#                           a removed or changed function, a struct whose
#                           size or members changed, an enumerator renumbered
#   abi.sh update LIB SRC   writes the baseline from LIB (at a release)
# LIB is the built liblisteners.so.N (with debug info: abidw reads DWARF),
# SRC the source tree. Also checks what the library exports: only lsn_*
# functions, each in the LISTENERS_N version node, and none of the internal
# ones (procfs.h, rows.h, internal.h are lsn_* too).
# Skips (exit 77) with the reason when abigail-tools is missing, the library
# has no debug info (a Release build), or it is built for another
# architecture than the baseline's.
set -euo pipefail
mode=$1 lib=$2 src=$3
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ -n "$soname" ] || { echo "abi: $lib has no SONAME" >&2; exit 1; }
baseline=$src/docs/abi/$soname.abi
node=LISTENERS_${soname##*.so.}
headers=(--headers-dir "$src/collector" --headers-dir "$src/parsers")

# What is exported, from the dynamic symbol table (no abigail needed).
mapfile -t exported < <(nm -D --defined-only "$lib" | awk '{print $3}')
bad=()
for s in "${exported[@]}"; do
  case $s in
    "$node") ;;
    lsn_*@@"$node") ;;
    *) bad+=("$s") ;;
  esac
done
for internal in lsn_proc_root_open lsn_rows_add lsn_walk lsn_read_table; do
  grep -q "^$internal@" <<<"$(printf '%s\n' "${exported[@]}")" && bad+=("$internal (internal)")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "abi: $lib exports what it must not: ${bad[*]}" >&2
  exit 1
fi
echo "abi: $soname exports $((${#exported[@]} - 1)) lsn_* functions, all in $node"

if ! command -v abidiff >/dev/null || ! command -v abidw >/dev/null; then
  echo "skipped: abidiff/abidw not installed (apt-get install abigail-tools): the ABI is not compared with $baseline"
  exit 77
fi
# (a here-string, not a pipe: grep -q exits at the first match, and under
# pipefail readelf's SIGPIPE made a build with debug info look like one without)
if ! grep -q '\.debug_info' <<<"$(readelf -S "$lib")"; then
  echo "skipped: $lib has no debug info (a build without -g): abidiff needs DWARF to compare types"
  exit 77
fi
abidw_opts=(--no-corpus-path --no-comp-dir-path --short-locs --type-id-style hash "${headers[@]}")
if [ "$mode" = update ]; then
  mkdir -p "$(dirname "$baseline")"
  abidw "${abidw_opts[@]}" --out-file "$baseline" "$lib"
  echo "abi: wrote $baseline from $lib"
  exit 0
fi
[ -f "$baseline" ] || { echo "abi: no baseline $baseline for $soname (docs/abi.md: a new SOVERSION needs one)" >&2; exit 1; }
arch=$(sed -n "1s/.*architecture='\([^']*\)'.*/\1/p" "$baseline")
here=$(abidw --no-corpus-path "$lib" 2>/dev/null | sed -n "1s/.*architecture='\([^']*\)'.*/\1/p")
if [ "$arch" != "$here" ]; then
  echo "skipped: the baseline is of $arch, this build of $here: struct layouts differ by ABI, nothing to compare"
  exit 77
fi
rc=0
out=$(abidiff --no-added-syms --headers-dir2 "$src/collector" --headers-dir2 "$src/parsers" \
  "$baseline" "$lib") || rc=$?
if [ $rc -ne 0 ]; then
  echo "$out"
  if [ $((rc & 3)) -ne 0 ]; then
    echo "abi: abidiff failed (exit $rc)" >&2
  elif [ $((rc & 8)) -ne 0 ]; then
    echo "abi: INCOMPATIBLE change against $baseline (exit $rc): programs linked with $soname break;" \
      "undo it, or bump LISTENERS_SOVERSION and make a new baseline (docs/abi.md)" >&2
  else
    echo "abi: the ABI changed against $baseline (exit $rc): a struct, enum or function type above;" \
      "if it is incompatible bump LISTENERS_SOVERSION, if it is not (a reserved slot taken, a" \
      "change abidiff cannot tell is harmless) update the baseline: docs/abi.md" >&2
  fi
  exit 1
fi
added=$(abidiff --headers-dir2 "$src/collector" --headers-dir2 "$src/parsers" "$baseline" "$lib" |
  sed -n 's/.* \([0-9]*\) Added function.*/\1/p' || true)
echo "abi: $soname is compatible with $baseline (functions added since: ${added:-0})"
