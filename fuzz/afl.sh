#!/usr/bin/env bash
# fuzz/afl.sh TARGET [SECONDS] - build TARGET (e.g. tcp_line) with
# afl-clang-fast, ASan and Debian's /usr/lib/afl/libAFLDriver.a through
# .clusterfuzzlite/build.sh, then run afl-fuzz on its seed corpus for SECONDS
# (default 600). Findings go to build-fuzz/afl-address/findings/<target>/;
# exits 1 if afl-fuzz saved a crash. Needs Debian's afl++ package.
# LSN_AFL_NO_BUILD=1 reuses an existing build.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: fuzz/afl.sh TARGET [SECONDS]}
target=${target%_fuzzer}
seconds=${2:-600}
root=$PWD
export SANITIZER=address FUZZING_ENGINE=afl
# shellcheck source=fuzz/cfl-env.sh
. fuzz/cfl-env.sh
if [ ! -x "$OUT/${target}_fuzzer" ] || [ -z "${LSN_AFL_NO_BUILD:-}" ]; then
  bash -eu .clusterfuzzlite/build.sh >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
fi
bin="$OUT/${target}_fuzzer"
seeds="$WORK/seeds-$target"
findings="$root/build-fuzz/afl-address/findings/$target"
rm -rf "$seeds" "$findings"
mkdir -p "$seeds" "$(dirname "$findings")"
unzip -q -o -d "$seeds" "${bin}_seed_corpus.zip"
# afl-fuzz wants at least one input and no empty files.
find "$seeds" -type f -empty -delete
[ -n "$(ls -A "$seeds")" ] || echo input >"$seeds/input"
dict=()
[ -f "$bin.dict" ] && dict=(-x "$bin.dict")

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
       AFL_FAST_CAL=1 AFL_CMPLOG_ONLY_NEW=1 AFL_FORKSRV_INIT_TMOUT=30000 \
       AFL_NO_AFFINITY=1
afl-fuzz -V "$seconds" -m none -t 5000+ -i "$seeds" -o "$findings" "${dict[@]}" -- "$bin" \
  >"$WORK/afl-$target.log" 2>&1 || { tail -n 40 "$WORK/afl-$target.log"; exit 1; }
stats="$findings/default/fuzzer_stats"
if [ -f "$stats" ]; then
  grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg|stability)' "$stats"
fi
crashes=$(find "$findings/default/crashes" -type f ! -name README.txt 2>/dev/null | wc -l)
if [ "$crashes" -gt 0 ]; then
  echo "afl: $target: $crashes crash(es) in $findings/default/crashes" >&2
  exit 1
fi
echo "afl: $target: no crash in ${seconds}s"
