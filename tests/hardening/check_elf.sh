#!/usr/bin/env bash
# Usage: check_elf.sh BINARY fortify|no-fortify ARCH [ARCHIVE...]
# Fails, naming the property, when the binary lacks one of: PIE, full RELRO
# (GNU_RELRO + BIND_NOW), a non-executable stack, the stack protector,
# _FORTIFY_SOURCE (optimised builds); and on x86_64 when an object of our own
# ARCHIVEs lacks the CET notes (IBT and SHSTK) of -fcf-protection. The linked
# binary itself cannot carry them on Debian 12: glibc's start files (Scrt1.o,
# crti.o, crtn.o) have no CET notes, so the linker drops the property.
# -fstack-clash-protection leaves no mark in the ELF; it is checked at
# configure time (check_c_compiler_flag) only.
set -u
bin=$1 fortify=$2 arch=${3:-$(uname -m)}
shift 3 || shift $#
archives=("$@")
fail=0
bad() { echo "FAIL: $bin: $*"; fail=1; }
ok() { echo "ok: $*"; }

header=$(readelf -hW "$bin") || { echo "readelf failed on $bin"; exit 1; }
segments=$(readelf -lW "$bin")
dynamic=$(readelf -dW "$bin")
symbols=$(readelf --dyn-syms -W "$bin")

grep -qE 'Type:[[:space:]]+DYN' <<<"$header" && ok "PIE (ELF type DYN)" || bad "not PIE"
grep -q 'GNU_RELRO' <<<"$segments" && ok "GNU_RELRO segment" || bad "no GNU_RELRO segment"
grep -qE 'BIND_NOW|FLAGS_1.*NOW' <<<"$dynamic" && ok "BIND_NOW" || bad "no BIND_NOW (partial RELRO)"
stack=$(grep 'GNU_STACK' <<<"$segments")
if [ -z "$stack" ]; then bad "no GNU_STACK header"
elif grep -q 'RWE' <<<"$stack"; then bad "executable stack"
else ok "non-executable stack"; fi
grep -q '__stack_chk_fail' <<<"$symbols" && ok "stack protector" || bad "no __stack_chk_fail: stack protector missing"
if [ "$fortify" = fortify ]; then
  chk=$(grep -oE '__[a-z_]+_chk' <<<"$symbols" | grep -v __stack_chk | sort -u | tr '\n' ' ')
  [ -n "$chk" ] && ok "fortify ($chk)" || bad "no __*_chk symbol: _FORTIFY_SOURCE missing"
fi
if [ "$arch" = x86_64 ] && [ ${#archives[@]} -gt 0 ]; then
  for a in "${archives[@]}"; do
    members=$(ar t "$a" | wc -l)
    ibt=$(readelf -nW "$a" | grep -c 'IBT, SHSTK')
    [ "$members" -gt 0 ] && [ "$ibt" -eq "$members" ] && ok "CET notes in all $members objects of $(basename "$a")" \
      || bad "$(basename "$a"): $ibt of $members objects have IBT and SHSTK notes"
  done
fi
exit $fail
