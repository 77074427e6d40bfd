#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build script. Same script in Docker (CFL) and on
# a plain machine: source fuzz/cfl-env.sh first (it sets CC, CFLAGS,
# LIB_FUZZING_ENGINE, SANITIZER, FUZZING_ENGINE, SRC, WORK, OUT as
# base-builder does), or use fuzz/smoke.sh / fuzz/afl.sh which do.
#
# Every target is compiled from $CC $CFLAGS and linked with
# $LIB_FUZZING_ENGINE (-fsanitize=fuzzer for libFuzzer, libAFLDriver.a for
# AFL++), without CMake: the parsers need nothing but libc headers.
# Writes $OUT/<name>_fuzzer, $OUT/<name>_fuzzer.dict,
# $OUT/<name>_fuzzer.options and $OUT/<name>_fuzzer_seed_corpus.zip.
# The tree: the WORKDIR, as OSS-Fuzz build scripts find it (the Dockerfile
# copies the tree to $SRC/listeners, makes that the WORKDIR and puts this
# script at $SRC/build.sh, so the script's own location says nothing), or
# $SRC/listeners when run from elsewhere. .ci/cfl-layout checks that layout.
if [ -f "$PWD/parsers/tcp_line.c" ]; then
  ROOT=$PWD
elif [ -n "${SRC:-}" ] && [ -f "$SRC/listeners/parsers/tcp_line.c" ]; then
  ROOT=$SRC/listeners
else
  echo "build.sh: no listeners tree in \$PWD ($PWD) or \$SRC/listeners (${SRC:-SRC unset})" >&2
  exit 1
fi
: "${CC:?}" "${CFLAGS:?}" "${LIB_FUZZING_ENGINE?}" "${OUT:?}" "${WORK:?}"
# LIB_FUZZING_ENGINE may be a flag or an archive path: split it into words.
read -r -a engine <<<"$LIB_FUZZING_ENGINE"

obj="$WORK/listeners-fuzz-obj"
rm -rf "$obj"
mkdir -p "$obj" "$OUT"

parsers=(hex_address address_text socket_link tcp_line line_splitter json_string json_reader)
objects=()
for p in "${parsers[@]}"; do
  # shellcheck disable=SC2086 # CFLAGS is a list of flags
  $CC $CFLAGS -std=c11 -I"$ROOT/parsers" -c "$ROOT/parsers/$p.c" -o "$obj/$p.o"
  objects+=("$obj/$p.o")
done

targets=(tcp_line socket_link hex_address line_splitter json_string json_reader)
for t in "${targets[@]}"; do
  name="${t}_fuzzer"
  # shellcheck disable=SC2086
  $CC $CFLAGS -std=c11 -I"$ROOT/parsers" -c "$ROOT/fuzz/$name.c" -o "$obj/$name.o"
  # shellcheck disable=SC2086
  $CC $CFLAGS "$obj/$name.o" "${objects[@]}" "${engine[@]}" -o "$OUT/$name"
done

# The collector target, once the collector library exists. Its sources are
# the ones collector/CMakeLists.txt gives the listeners_collector library
# (not the CLI's main.c or sandbox.c); they need nothing beyond libc either.
lib_sources=()
if [ -f "$ROOT/collector/CMakeLists.txt" ]; then
  read -r -a lib_sources < <(sed -n 's/^add_library(listeners_collector STATIC \([^)]*\)).*/\1/p' \
    "$ROOT/collector/CMakeLists.txt")
fi
if [ -f "$ROOT/fuzz/collector_fuzzer.c" ] && [ -f "$ROOT/collector/listeners.h" ] &&
   [ ${#lib_sources[@]} -gt 0 ]; then
  cobjects=()
  for c in "${lib_sources[@]}"; do
    base=$(basename "$c" .c)
    # shellcheck disable=SC2086
    $CC $CFLAGS -std=c11 -I"$ROOT/parsers" -I"$ROOT/collector" -c "$ROOT/collector/$c" -o "$obj/collector_$base.o"
    cobjects+=("$obj/collector_$base.o")
  done
  # shellcheck disable=SC2086
  $CC $CFLAGS -std=c11 -I"$ROOT/parsers" -I"$ROOT/collector" -c "$ROOT/fuzz/collector_fuzzer.c" -o "$obj/collector_fuzzer.o"
  # shellcheck disable=SC2086
  $CC $CFLAGS "$obj/collector_fuzzer.o" "${cobjects[@]}" "${objects[@]}" "${engine[@]}" -o "$OUT/collector_fuzzer"
  targets+=(collector)
fi

for t in "${targets[@]}"; do
  name="${t}_fuzzer"
  [ -f "$ROOT/fuzz/$name.dict" ] && cp "$ROOT/fuzz/$name.dict" "$OUT/$name.dict"
  [ -f "$ROOT/fuzz/$name.options" ] && cp "$ROOT/fuzz/$name.options" "$OUT/$name.options"
  if [ -d "$ROOT/corpus/$name" ]; then
    rm -f "$OUT/${name}_seed_corpus.zip"
    # -j: flat; the regression reproducers go into every target's seeds.
    (cd "$ROOT/corpus" && zip -q -j "$OUT/${name}_seed_corpus.zip" "$name"/* -x '*.md')
    if [ -d "$ROOT/corpus/regressions" ] && compgen -G "$ROOT/corpus/regressions/*" >/dev/null; then
      (cd "$ROOT/corpus" && zip -q -j "$OUT/${name}_seed_corpus.zip" regressions/* -x '*.md')
    fi
    unzip -tq "$OUT/${name}_seed_corpus.zip" >/dev/null   # a zip that will really load
  fi
done
ls -l "$OUT"
