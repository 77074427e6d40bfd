#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build script. Same script in Docker (CFL) and on
# a plain machine: source fuzz/cfl-env.sh first (it sets CC, CFLAGS,
# LIB_FUZZING_ENGINE, SANITIZER, FUZZING_ENGINE, SRC, WORK, OUT as
# base-builder does), or use fuzz/smoke.sh / fuzz/afl.sh which do.
#
# Builds through CMake, in $WORK/cmake-build: $CC and $CFLAGS become
# CMAKE_C_COMPILER and CMAKE_C_FLAGS, and LISTENERS_FUZZ_ENGINE=
# $LIB_FUZZING_ENGINE (-fsanitize=fuzzer for libFuzzer, libAFLDriver.a for
# AFL++) makes fuzz/CMakeLists.txt link every target of its list as
# fuzzers/<name>_fuzzer; it writes that list to fuzz/targets.txt.
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
: "${CC:?}" "${CFLAGS:?}" "${LIB_FUZZING_ENGINE:?}" "${OUT:?}" "${WORK:?}"

build="$WORK/cmake-build"
rm -rf "$build"
mkdir -p "$OUT"
# $CFLAGS alone decide optimisation, instrumentation and sanitizers: no
# build type (no -O2/-g of CMake's own), no hardening (no -D_FORTIFY_SOURCE,
# stack protector or PIE flags next to the sanitizers), not the project's
# own ASan+UBSan, no cmocka tests. Only the fuzzers and their libraries are
# built, not the CLI.
cmake -S "$ROOT" -B "$build" \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_BUILD_TYPE= \
  -DLISTENERS_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DLISTENERS_BUILD_TESTS=OFF -DLISTENERS_HARDEN=OFF -DLISTENERS_SANITIZE=OFF
cmake --build "$build" --target listeners_fuzzers -j "$(nproc)"

targets=()
while read -r name; do
  cp "$build/fuzzers/$name" "$OUT/$name"
  targets+=("$name")
done <"$build/fuzz/targets.txt"
[ ${#targets[@]} -gt 0 ] || { echo "build.sh: no targets in $build/fuzz/targets.txt" >&2; exit 1; }

for name in "${targets[@]}"; do
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
