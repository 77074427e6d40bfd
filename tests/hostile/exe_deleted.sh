#!/bin/bash
# exe_deleted.sh LISTENERS - the deleted-exe signal survives a long path.
# A process runs a binary whose path is ~4090 bytes long, and the binary is
# then deleted: the kernel's exe link would read "<path> (deleted)", which no
# longer fits in a page, so readlink fails with ENAMETOOLONG. The row's exe is
# null; the collector must still say that the file is deleted (and before,
# it said nothing at all). Live, on loopback, as any user.
set -u
L=$1
# Debian's python3 binary (a pyenv or venv "python3" may be a script).
py=$(readlink -f /usr/bin/python3 2>/dev/null)
[ -x "$py" ] || { echo "skipped: needs /usr/bin/python3"; exit 77; }
T=$(mktemp -d)
KID=
trap '[ -n "$KID" ] && kill "$KID" 2>/dev/null; rm -rf "$T"' EXIT
deep=$T
while [ ${#deep} -lt 3880 ]; do deep=$deep/$(printf 'd%.0s' $(seq 1 200)); done
mkdir -p "$deep"
name=$(printf 'p%.0s' $(seq 1 $((4090 - ${#deep} - 1))))
bin=$deep/$name
cp "$py" "$bin" || { echo "FAIL cannot copy $py"; exit 1; }
"$bin" -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(60)' >"$T/port" 2>/dev/null &
KID=$!
for _ in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.1; done
port=$(cat "$T/port")
[ -n "$port" ] || { echo "FAIL the listener did not start"; exit 1; }
rm "$bin"
readlink "/proc/$KID/exe" >/dev/null 2>&1 && { echo "skipped: readlink of the exe link did not fail here"; exit 77; }
out=$("$L" 2>"$T/err")
fails=0
if grep -q "\"port\":$port,\"family\":\"ipv4\",\"protocol\":\"tcp\",\"bind_address\":\"127.0.0.1\",\"pid\":$KID,\"comm\":\"[^\"]*\",\"exe\":null" <<<"$out"; then
  echo "ok   the row: pid $KID, exe null"
else
  echo "FAIL no row for port $port with pid $KID and a null exe"; fails=1
fi
if grep -q "/$KID/exe: exe link is longer than PATH_MAX; its file is DELETED" "$T/err"; then
  echo "ok   stderr says the exe is deleted: $(grep "/$KID/exe" "$T/err")"
else
  echo "FAIL stderr does not say the exe is deleted: $(cat "$T/err")"; fails=1
fi
[ $fails = 0 ]
