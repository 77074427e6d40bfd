#!/usr/bin/env bash
# docs.man_lint: every page under man/ passes `mandoc -T lint -W warning`
# (warnings and worse: no output and exit 0). mandoc is in .ci/deps check;
# without it the test is a stated skip (exit 77).
# usage: man_lint.sh MANDIR
set -euo pipefail
mandir=$1
if ! command -v mandoc >/dev/null; then
  echo "skipped: docs.man_lint needs mandoc (apt-get install mandoc; .ci/deps check installs it)"
  exit 77
fi
shopt -s nullglob
pages=("$mandir"/*.[1-9])
if [ ${#pages[@]} -eq 0 ]; then
  echo "FAIL: no man pages under $mandir" >&2
  exit 1
fi
fail=0
for page in "${pages[@]}"; do
  # -W warning: warnings, errors and unsupported input; mandoc prints each
  # and exits non-zero.
  if ! out=$(mandoc -T lint -W warning "$page" 2>&1) || [ -n "$out" ]; then
    echo "FAIL: $page: mandoc -T lint -W warning:" >&2
    printf '%s\n' "$out" >&2
    fail=1
  fi
done
[ "$fail" -eq 0 ] && echo "docs.man_lint: ${#pages[@]} pages clean"
exit "$fail"
