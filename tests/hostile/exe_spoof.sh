#!/bin/bash
# exe_spoof.sh LISTENERS - an exe path that names another file (issue 15,
# item 2). An unprivileged user makes a user and mount namespace
# (unshare -Urm), bind-mounts python over /usr/bin/sleep in it and runs
# /usr/bin/sleep, which listens on 127.0.0.1: its exe link reads
# "/usr/bin/sleep", while the file it runs is python (stat -L of the link and
# stat of /usr/bin/sleep give different dev:ino). Without --verify-exe the
# row says "exe":"/usr/bin/sleep" and nothing else (the spoof is invisible,
# and the default output has no new key); with it the row says
# "exe_verified":false and stderr says why, while an honest python listener
# says true. As root the spoof runs as nobody (setpriv); as another user, as
# that user. Live, on loopback.
set -u
L=$1
py=$(readlink -f /usr/bin/python3 2>/dev/null)
[ -x "$py" ] || { echo "skipped: needs /usr/bin/python3"; exit 77; }
[ -x /usr/bin/sleep ] || { echo "skipped: needs /usr/bin/sleep"; exit 77; }
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  command -v setpriv >/dev/null || { echo "skipped: needs setpriv (util-linux) to run as nobody"; exit 77; }
  as_user=(setpriv --reuid nobody --regid nogroup --clear-groups)
fi
command -v unshare >/dev/null || { echo "skipped: needs unshare (util-linux)"; exit 77; }
if ! why=$("${as_user[@]}" unshare -Urm true 2>&1); then
  echo "skipped: unprivileged user namespaces are not allowed here (unshare -Urm: $why)"
  exit 77
fi
T=$(mktemp -d)
chmod 755 "$T"
SPOOF= HONEST=
trap '[ -n "$SPOOF" ] && kill "$SPOOF" 2>/dev/null; [ -n "$HONEST" ] && kill "$HONEST" 2>/dev/null; rm -rf "$T"' EXIT
cat >"$T/listen.py" <<'EOF'
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(60)
EOF
chmod 644 "$T/listen.py"
# The shell becomes /usr/bin/sleep (exec): the listener's pid is $SPOOF.
"${as_user[@]}" unshare -Urm sh -c 'mount --bind "$1" /usr/bin/sleep && exec /usr/bin/sleep "$2"' \
  sh "$py" "$T/listen.py" >"$T/spoof.port" 2>"$T/spoof.err" &
SPOOF=$!
"$py" "$T/listen.py" >"$T/honest.port" 2>/dev/null &
HONEST=$!
for _ in $(seq 1 100); do [ -s "$T/spoof.port" ] && [ -s "$T/honest.port" ] && break; sleep 0.1; done
sp=$(cat "$T/spoof.port") hp=$(cat "$T/honest.port")
[ -n "$sp" ] || { echo "FAIL the spoofed listener did not start: $(cat "$T/spoof.err")"; exit 1; }
[ -n "$hp" ] || { echo "FAIL the honest listener did not start"; exit 1; }
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=1; }

# The spoof itself: the link's text and the file behind it disagree.
link=$(readlink "/proc/$SPOOF/exe")
running=$(stat -L -c %d:%i "/proc/$SPOOF/exe") named=$(stat -c %d:%i /usr/bin/sleep)
if [ "$link" = /usr/bin/sleep ] && [ "$running" != "$named" ]; then
  ok "pid $SPOOF: exe reads $link; stat -L of the link $running, stat /usr/bin/sleep $named"
else
  bad "no spoof to test: exe $link, running $running, /usr/bin/sleep $named"
fi
row() { tr '}' '\n' <<<"$1" | grep "\"port\":$2,\"family\":\"ipv4\"" | sed 's/^,*{//'; }
common='"family":"ipv4","protocol":"tcp","bind_address":"127.0.0.1"'

# Without the flag: the trait, the spoof unseen, no new key anywhere.
out=$("$L" 2>/dev/null)
r=$(row "$out" "$sp")
echo "     default: $r"
[ "$r" = "\"port\":$sp,$common,\"pid\":$SPOOF,\"comm\":\"sleep\",\"exe\":\"/usr/bin/sleep\"" ] &&
  ok "without --verify-exe the row reads exe /usr/bin/sleep, nothing more" ||
  bad "the default row is not the trait row with exe /usr/bin/sleep"
grep -q exe_verified <<<"$out" && bad "the default output has exe_verified" ||
  ok "the default output has no exe_verified key"

# With it: false for the spoof, with the reason; true for the honest one.
out=$("$L" --verify-exe 2>"$T/err")
r=$(row "$out" "$sp")
echo "     --verify-exe: $r"
[ "$r" = "\"port\":$sp,$common,\"pid\":$SPOOF,\"comm\":\"sleep\",\"exe\":\"/usr/bin/sleep\",\"exe_verified\":false" ] &&
  ok "the spoofed row says exe_verified false" || bad "the spoofed row does not say exe_verified false"
r=$(row "$out" "$hp")
echo "     --verify-exe: $r"
[ "$r" = "\"port\":$hp,$common,\"pid\":$HONEST,\"comm\":\"$(cat "/proc/$HONEST/comm")\",\"exe\":\"$py\",\"exe_verified\":true" ] &&
  ok "the honest row says exe_verified true" || bad "the honest row does not say exe_verified true"
want="/proc/$SPOOF/exe: exe path names another file than the one running; the process is in another mount namespace (exe_verified false)"
grep -qF "$want" "$T/err" && ok "stderr: $(grep -F "/proc/$SPOOF/exe" "$T/err")" ||
  bad "stderr does not say why: $(cat "$T/err")"
# Every row has the key, right after exe; the honest one has no complaint.
n_rows=$(tr '}' '\n' <<<"$out" | grep -c '"port":')
n_keys=$(grep -o '"exe":\(null\|"[^"]*"\),"exe_verified":\(true\|false\|null\)' <<<"$out" | wc -l)
[ "$n_rows" -eq "$n_keys" ] && ok "all $n_rows rows have exe_verified right after exe" ||
  bad "$n_rows rows, $n_keys with exe_verified after exe"
grep -q "/proc/$HONEST/" "$T/err" && bad "stderr complains of the honest pid: $(cat "$T/err")"

# With --all-netns the key stays right after exe, before netns.
out=$("$L" --verify-exe --all-netns 2>/dev/null)
r=$(row "$out" "$sp")
grep -q '"exe":"/usr/bin/sleep","exe_verified":false,"netns":[0-9]*,"netns_host":true$' <<<"$r" &&
  ok "with --all-netns: exe_verified before netns" || bad "with --all-netns: $r"

# The table: a VERIFIED column, NO for the spoof.
tab=$("$L" --verify-exe --format table 2>/dev/null)
head -1 <<<"$tab" | grep -q ' COMM  *VERIFIED  EXE$' || bad "table header: $(head -1 <<<"$tab")"
grep -Eq "^ *$sp +ipv4 +127\.0\.0\.1 +$SPOOF +sleep +NO +/usr/bin/sleep$" <<<"$tab" &&
  ok "table: $(grep -E "^ *$sp " <<<"$tab")" || bad "table row: $(grep -E "^ *$sp " <<<"$tab")"
grep -Eq "^ *$hp +ipv4 +127\.0\.0\.1 +$HONEST +[^ ]+ +yes +$py$" <<<"$tab" ||
  bad "table row: $(grep -E "^ *$hp " <<<"$tab")"
[ $fails = 0 ]
