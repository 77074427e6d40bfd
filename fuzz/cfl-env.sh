# fuzz/cfl-env.sh - the environment OSS-Fuzz's base-builder gives build.sh,
# reproduced on a plain machine (no Docker). Source it, then run
# .clusterfuzzlite/build.sh:
#
#   SANITIZER=address FUZZING_ENGINE=libfuzzer . fuzz/cfl-env.sh
#   .clusterfuzzlite/build.sh
#
# SANITIZER: address | undefined | memory | coverage | none
# FUZZING_ENGINE: libfuzzer | afl
# SANITIZER_FLAGS, if set, replaces the sanitizer flags (as in OSS-Fuzz);
# fuzz/smoke.sh uses it for ASan+UBSan in one binary.
# OUT and WORK default to build-fuzz/<engine>-<sanitizer>/{out,work}.
# Values follow oss-fuzz infra/base-images (base-builder, base-clang).

: "${SANITIZER:=address}"
: "${FUZZING_ENGINE:=libfuzzer}"
_lsn_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SANITIZER FUZZING_ENGINE ARCHITECTURE=x86_64 FUZZING_LANGUAGE=c
export SRC="${SRC:-$_lsn_root}"
export WORK="${WORK:-$_lsn_root/build-fuzz/$FUZZING_ENGINE-$SANITIZER/work}"
export OUT="${OUT:-$_lsn_root/build-fuzz/$FUZZING_ENGINE-$SANITIZER/out}"
mkdir -p "$WORK" "$OUT"
# build-fuzz/ ignores itself, so nothing built here is ever committed.
[ -f "$_lsn_root/build-fuzz/.gitignore" ] || { mkdir -p "$_lsn_root/build-fuzz" && echo "*" >"$_lsn_root/build-fuzz/.gitignore"; }

_lsn_base="-O1 -fno-omit-frame-pointer -gline-tables-only -Wno-error=unknown-warning-option -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
_lsn_ubsan_checks="array-bounds,bool,builtin,enum,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr"
if [ -z "${SANITIZER_FLAGS:-}" ]; then
  case "$SANITIZER" in
    address)   SANITIZER_FLAGS="-fsanitize=address -fsanitize-address-use-after-scope" ;;
    undefined) SANITIZER_FLAGS="-fsanitize=$_lsn_ubsan_checks,unsigned-integer-overflow -fno-sanitize-recover=$_lsn_ubsan_checks -fno-sanitize=function" ;;
    memory)    SANITIZER_FLAGS="-fsanitize=memory -fsanitize-memory-track-origins" ;;
    coverage|none) SANITIZER_FLAGS="" ;;
    *) echo "cfl-env.sh: unknown SANITIZER=$SANITIZER" >&2; return 1 2>/dev/null || exit 1 ;;
  esac
fi
export SANITIZER_FLAGS

if [ "$FUZZING_ENGINE" = afl ]; then
  export CC=afl-clang-fast CXX=afl-clang-fast++ LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a
  export AFL_QUIET=1 AFL_IGNORE_PROBLEMS=1 AFL_IGNORE_UNKNOWN_ENVS=1
  COVERAGE_FLAGS=""   # AFL brings its own instrumentation
else
  export CC=clang CXX=clang++ LIB_FUZZING_ENGINE=-fsanitize=fuzzer
  COVERAGE_FLAGS="-fsanitize=fuzzer-no-link"
fi
if [ "$SANITIZER" = coverage ]; then
  COVERAGE_FLAGS="-fprofile-instr-generate -fcoverage-mapping -pthread -Wl,--no-as-needed -Wl,-ldl -Wl,-lm -Wno-unused-command-line-argument"
fi
export COVERAGE_FLAGS
export CFLAGS="$_lsn_base $SANITIZER_FLAGS $COVERAGE_FLAGS"
export CXXFLAGS="$CFLAGS"
export UBSAN_OPTIONS="print_stacktrace=1:print_summary=1:silence_unsigned_overflow=1:halt_on_error=1"
export MSAN_OPTIONS="symbolize=1"
if [ "$FUZZING_ENGINE" = afl ]; then
  # afl-fuzz 4.04c refuses custom sanitizer options without these
  # ("Custom ASAN_OPTIONS set without symbolize=0", "Custom MSAN_OPTIONS
  # set without exit_code=86").
  export ASAN_OPTIONS="abort_on_error=1:symbolize=0:detect_leaks=0:detect_odr_violation=0"
  export MSAN_OPTIONS="exit_code=86:symbolize=0"
  export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:symbolize=0:silence_unsigned_overflow=1"
else
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1:allocator_may_return_null=1"
fi
unset _lsn_root _lsn_base _lsn_ubsan_checks
