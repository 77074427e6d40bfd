#!/usr/bin/env bash
# fuzz/smoke.sh [SECONDS] - short libFuzzer run of every target under
# ASan+UBSan, for ordinary CI (.ci/check). Builds through the same
# .clusterfuzzlite/build.sh as ClusterFuzzLite (environment from
# fuzz/cfl-env.sh), then runs each target for SECONDS (default 5) on a fresh
# copy of its seed corpus. Fails on a build error, a crash, a leak, a
# sanitizer report or a timeout. One fuzzer process at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
root=$PWD
export OUT="$root/build-fuzz/smoke/out" WORK="$root/build-fuzz/smoke/work"
export SANITIZER=address FUZZING_ENGINE=libfuzzer
export SANITIZER_FLAGS="-fsanitize=address,undefined -fsanitize-address-use-after-scope -fno-sanitize-recover=all"
# shellcheck source=fuzz/cfl-env.sh
. fuzz/cfl-env.sh
rm -rf "$OUT" "$WORK"
mkdir -p "$OUT" "$WORK"
bash -eu .clusterfuzzlite/build.sh >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }

status=0
for f in "$OUT"/*_fuzzer; do
  name=$(basename "$f")
  corpus="$WORK/corpus-$name"
  rm -rf "$corpus" && mkdir -p "$corpus"
  [ -f "${f}_seed_corpus.zip" ] && unzip -q -o -d "$corpus" "${f}_seed_corpus.zip"
  dict=()
  [ -f "$f.dict" ] && dict=("-dict=$f.dict")
  log="$WORK/$name.log"
  if (cd "$WORK" && "$f" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 \
        -print_final_stats=1 "${dict[@]}" "$corpus") >"$log" 2>&1; then
    execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "smoke: $name ok (${execs:-?} runs in ${seconds}s)"
  else
    tail -n 60 "$log"
    echo "smoke: $name FAILED (log: $log)" >&2
    status=1
  fi
done
exit $status
