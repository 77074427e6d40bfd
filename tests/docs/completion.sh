#!/usr/bin/env bash
# docs.completion: the bash completion (completion/listeners), sourced in a
# non-interactive bash and called as readline would (COMP_WORDS, COMP_CWORD):
#  1. what it offers for the commands, --fo, --format per command, a
#     --protocols list, watch's options;
#  2. drift: each command's long options equal those of its --help usage
#     line (cli/options.c prints it from the option table); each option whose
#     usage shows its values (--format json|ndjson|...) completes exactly to
#     them; -o/--columns completes to the table writer's column names
#     (collector/write.c's column_names).
# usage: completion.sh LISTENERS COMPLETION_FILE WRITE_C
set -euo pipefail
listeners=$1 completion=$2 write_c=$3
# shellcheck source=/dev/null
source "$completion"
fail=0 checks=0

# complete WORD...: COMPREPLY for the command line WORD... (the last word is
# the one being completed), one per line, sorted.
complete_line() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _listeners
  [ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort
}

# expect "WANT WORDS (space-separated)" WORD...: COMPREPLY is exactly WANT.
expect() {
  local want got
  want=$(tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort)
  shift
  got=$(complete_line "$@")
  checks=$((checks + 1))
  if [ "$got" != "$want" ]; then
    echo "FAIL: completing '$*': got [$(tr '\n' ' ' <<<"$got")], want [$(tr '\n' ' ' <<<"$want")]" >&2
    fail=1
  fi
}

# 1. behaviour
expect "snapshot diff check ports watch" listeners ''
expect "--format" listeners --fo
expect "json ndjson table openmetrics" listeners --format ''
expect "json" listeners --format j
expect "text json" listeners diff --format ''
expect "text json" listeners check --format ''
expect "tcp,udp tcp,raw tcp,packet tcp,all" listeners --protocols tcp,
expect "tcp,udp,raw" listeners watch --protocols tcp,udp,r
expect "procfs netlink" listeners ports --source ''
expect "host little big" listeners check --byte-order ''
expect "--format=table" listeners --format=ta        # '=' not a word break
expect "json ndjson table openmetrics" listeners --format = ''  # '=' one
expect "PID,COMM" listeners -o pid,c
expect "netns netns_host" listeners diff --ignore net
expect "" listeners --port ''                        # a value, not an option
expect "--interval" listeners watch --int
checks=$((checks + 1))
if ! complete_line listeners watch -- | grep -qx -- --interval; then
  echo "FAIL: 'listeners watch --' does not offer --interval" >&2
  fail=1
fi
# files and directories: --proc and snapshot's DIR directories, --output files
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/adir"
: >"$tmp/afile"
expect "$tmp/adir" listeners --proc "$tmp/a"
expect "$tmp/adir" listeners snapshot "$tmp/a"
expect "$tmp/adir $tmp/afile" listeners --output "$tmp/a"
expect "$tmp/adir $tmp/afile" listeners snapshot --archive "$tmp/a"
expect "$tmp/adir $tmp/afile" listeners diff "$tmp/a"

# 2. drift against --help
for command in list snapshot diff check ports watch; do
  if [ "$command" = list ]; then argv=("$listeners" --help); words=(listeners);
  else argv=("$listeners" "$command" --help); words=(listeners "$command"); fi
  usage=$("${argv[@]}" | head -n 1)
  case $usage in "usage: listeners"*) ;; *)
    echo "FAIL: ${argv[*]}: first line is not the usage: $usage" >&2; exit 1 ;;
  esac
  helped=$(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$usage" | sort -u)
  completed=$(complete_line "${words[@]}" -- | sort -u)
  checks=$((checks + 1))
  if [ "$helped" != "$completed" ]; then
    echo "FAIL: $command: the completion's options differ from --help's (< --help, > completion):" >&2
    diff <(echo "$helped") <(echo "$completed") >&2 || true
    fail=1
  fi
  # [--opt a|b|c]: the values of a fixed set
  while read -r opt values; do
    expect "${values//|/ }" "${words[@]}" "$opt" ''
  done < <(grep -oE -- '\[--[a-z-]+ [a-z]+(\|[a-z]+)+\]' <<<"$usage" | tr -d '[]')
done
columns=$(sed -n '/column_names\[LSN_COL_COUNT\]/,/};/p' "$write_c" | grep -oE '"[A-Z]+"' | tr -d '"' | tr '\n' ' ')
if [ -z "$columns" ]; then
  echo "FAIL: no column names found in $write_c (column_names)" >&2
  exit 1
fi
expect "$columns" listeners --columns ''

[ "$fail" -eq 0 ] && echo "docs.completion: $checks checks passed"
exit "$fail"
