#!/bin/bash
# snapshot_archive.sh LISTENERS - `listeners snapshot --archive` on a proc
# tree (--proc) whose names are hostile: an exe link target and an interface
# name that are not UTF-8 and hold a newline, a comm with both, an exe target
# longer than the ustar field.
#  1. GNU tar and bsdtar (in a UTF-8 locale, where bsdtar converts pax names
#     that are not marked hdrcharset=BINARY, and fails on bytes that are not
#     UTF-8) both extract the archive without an error, to the same tree as
#     DIR: names, types, link targets and contents byte for byte. GNU tar
#     (1.34) does not know the pax keyword hdrcharset: it says it ignores it,
#     and takes the names' bytes as they are, which is what the keyword asks;
#     that line is the only one it may print.
#  2. `snapshot --archive FILE` without DIR writes the same tree (but the
#     MANIFEST's time lines) and leaves no directory behind, in the working
#     directory or in TMPDIR.
set -u
L=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") # the test cds
for tool in tar bsdtar python3; do
  command -v "$tool" >/dev/null || { echo "FAIL $tool is missing (.ci/deps check installs it)"; exit 1; }
done
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
# GNU tar's stderr: nothing but its notes that it ignores hdrcharset
gnu_ok() { ! grep -v "^tar: Ignoring unknown extended header keyword 'hdrcharset'$" "$1"; }
# shellcheck source=tests/proc_tree.sh
. "$(dirname "$0")/../proc_tree.sh"

tree=$T/tree
mkdir -p "$tree/net" "$tree/100/fd" "$tree/200/fd"
{
  lsn_tcp_header
  lsn_tcp_listen 00000000 22 5551 0
  lsn_tcp_listen 0100007F 25 5552 1
} >"$tree/net/tcp"
ln -s 'socket:[5551]' "$tree/100/fd/3"
printf 'ev\377il\nna\303(me\n' >"$tree/100/comm"
ln -s "$(printf '/usr/bin/x\376\n\303(y')" "$tree/100/exe"
ln -s 'socket:[5552]' "$tree/200/fd/4"
printf 'long\n' >"$tree/200/comm"
ln -s "/opt/$(printf 'd\377%.0s' $(seq 1 70))/bin" "$tree/200/exe" # 146 bytes
mkdir -p "$tree/sys/class/net/lo" "$tree/sys/class/net/$(printf 'e\377\n0')"
printf '1\n' >"$tree/sys/class/net/lo/ifindex"
printf '7\n' >"$tree/sys/class/net/$(printf 'e\377\n0')/ifindex"

# A listing of a tree, bytes as they are: path, type, link target or content.
cat >"$T/listing.py" <<'EOF'
import os, sys
root = os.fsencode(sys.argv[1])
skip_time = len(sys.argv) > 2
out = []
for d, dirs, files in os.walk(root):
    for n in sorted(dirs + files):
        p = os.path.join(d, n)
        rel = os.path.relpath(p, root)
        if os.path.islink(p):
            out.append(b"L " + rel + b" -> " + os.readlink(p))
        elif os.path.isdir(p):
            out.append(b"D " + rel)
        else:
            data = open(p, "rb").read()
            if skip_time and rel == b"MANIFEST":
                data = b"".join(l for l in data.splitlines(True)
                                if not l.startswith((b"time=", b"unix_time=")))
            out.append(b"F " + rel + b" " + repr(data).encode())
sys.stdout.buffer.write(b"\n".join(sorted(out)) + b"\n")
EOF
list() { python3 "$T/listing.py" "$@"; }

"$L" snapshot "$T/snap" --proc "$tree" --archive "$T/snap.tar" >"$T/snap.out" 2>"$T/snap.err"
check "snapshot with DIR and --archive exits 0" '[ $? = 0 ] || { cat "$T/snap.err"; false; }'
list "$T/snap" >"$T/want"
check "DIR holds the hostile exe target, comm and interface name" \
  '[ "$(readlink "$T/snap/100/exe")" = "$(printf "/usr/bin/x\376\n\303(y")" ] &&
   [ "$(od -An -c "$T/snap/100/comm" | tr -d " \n")" = "ev377il\nna303(me\n" ] &&
   [ -f "$T/snap/sys/class/net/$(printf "e\377\n0")/ifindex" ] &&
   [ "$(readlink "$T/snap/200/exe" | wc -c)" -gt 101 ]'

mkdir "$T/gnu" "$T/bsd"
tar -xf "$T/snap.tar" -C "$T/gnu" 2>"$T/gnu.err"
check "GNU tar extracts it without an error" '[ $? = 0 ] && gnu_ok "$T/gnu.err"'
LC_ALL=C.UTF-8 bsdtar -xf "$T/snap.tar" -C "$T/bsd" 2>"$T/bsd.err"
check "bsdtar (C.UTF-8) extracts it without an error or warning" '[ $? = 0 ] && [ ! -s "$T/bsd.err" ] || { cat "$T/bsd.err"; false; }'
check "GNU tar's tree is DIR" 'list "$T/gnu" | cmp -s - "$T/want" || { list "$T/gnu" | diff - "$T/want" | head -20; false; }'
check "bsdtar's tree is DIR" 'list "$T/bsd" | cmp -s - "$T/want" || { list "$T/bsd" | diff - "$T/want" | head -20; false; }'

# 2. no DIR
mkdir "$T/cwd" "$T/tmp"
(cd "$T/cwd" && TMPDIR=$T/tmp "$L" snapshot --proc "$tree" --archive "$T/only.tar" >"$T/only.out" 2>"$T/only.err")
check "snapshot --archive FILE without DIR exits 0" '[ $? = 0 ] || { cat "$T/only.err"; false; }'
check "it says what it wrote" 'grep -q "archive $T/only.tar" "$T/only.out" || { cat "$T/only.out"; false; }'
check "no directory left in the working directory or TMPDIR" '[ -z "$(ls -A "$T/cwd" "$T/tmp" | grep -v ":$" | grep .)" ]'
check "the archive is 0600" '[ "$(stat -c %a "$T/only.tar")" = 600 ]'
mkdir "$T/gnu2" "$T/bsd2"
tar -xf "$T/only.tar" -C "$T/gnu2" 2>"$T/gnu2.err" && LC_ALL=C.UTF-8 bsdtar -xf "$T/only.tar" -C "$T/bsd2" 2>"$T/bsd2.err"
check "both tars extract it without an error" '[ $? = 0 ] && gnu_ok "$T/gnu2.err" && [ ! -s "$T/bsd2.err" ]'
list "$T/snap" skip-time >"$T/want2"
check "GNU tar's tree is DIR's (but the MANIFEST time lines)" 'list "$T/gnu2" skip-time | cmp -s - "$T/want2" || { list "$T/gnu2" skip-time | diff - "$T/want2" | head; false; }'
check "bsdtar's tree is DIR's (but the MANIFEST time lines)" 'list "$T/bsd2" skip-time | cmp -s - "$T/want2"'
check "the entries come in the same order as DIR's archive" \
  'cmp -s <(tar -tf "$T/snap.tar") <(tar -tf "$T/only.tar")'
"$L" snapshot --proc "$tree" --archive "$T/only.tar" >/dev/null 2>"$T/again.err"
check "an existing FILE is refused (exit 1), not overwritten" '[ $? = 1 ] && cmp -s <(tar -tf "$T/only.tar") <(tar -tf "$T/snap.tar")'
"$L" snapshot --proc "$tree" >/dev/null 2>"$T/usage.err"
check "snapshot without DIR and without --archive is a usage error (exit 2)" '[ $? = 2 ]'

[ $fails = 0 ] || exit 1
