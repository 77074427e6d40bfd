#!/usr/bin/env bash
# fuzz/coverage.sh [CORPUS_ROOT] - line coverage of parsers/ and collector/
# reached by replaying corpora: builds every target with OSS-Fuzz's coverage
# flags through .clusterfuzzlite/build.sh, runs each over
# CORPUS_ROOT/<name>_fuzzer (default: corpus/, the seeds) with -runs=0, then
# llvm-profdata merge + llvm-cov report. Prints the per-file report of every
# source the fuzzers link (the libraries' .c files and the inline code of
# their headers), without the harnesses in fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
corpus_root=$(realpath "${1:-corpus}")
export SANITIZER=coverage FUZZING_ENGINE=libfuzzer
export OUT="$root/build-fuzz/coverage/out" WORK="$root/build-fuzz/coverage/work"
# shellcheck source=fuzz/cfl-env.sh
. fuzz/cfl-env.sh
bash -eu .clusterfuzzlite/build.sh >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
profdata=${LLVM_PROFDATA:-llvm-profdata-14}
cov=${LLVM_COV:-llvm-cov-14}
rm -rf "$WORK/prof" && mkdir -p "$WORK/prof"
objects=()
for f in "$OUT"/*_fuzzer; do
  name=$(basename "$f")
  dirs=()
  [ -d "$corpus_root/$name" ] && dirs+=("$corpus_root/$name")
  [ -d "$corpus_root/regressions" ] && dirs+=("$corpus_root/regressions")
  [ ${#dirs[@]} -gt 0 ] || continue
  LLVM_PROFILE_FILE="$WORK/prof/$name-%p.profraw" "$f" -runs=0 "${dirs[@]}" >"$WORK/$name.cov.log" 2>&1
  objects+=(-object "$f")
done
"$profdata" merge -sparse "$WORK"/prof/*.profraw -o "$WORK/merged.profdata"
first=${objects[1]}
"$cov" report "$first" "${objects[@]:2}" -instr-profile="$WORK/merged.profdata" \
  -ignore-filename-regex='(^|/)fuzz/'
