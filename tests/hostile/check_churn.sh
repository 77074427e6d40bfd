#!/bin/bash
# check_churn.sh LISTENERS [RUNS] - `listeners check` gives no false positive
# under churn. In a network namespace this script makes (unshare -n, lo up):
# stable listeners (tcp 127.0.0.1 and ::1, udp 127.0.0.1) and churners,
# processes that bind+listen+close TCP listeners (v4 and v6; half of them on
# a few shared ports with SO_REUSEPORT, so that they share listening-hash
# buckets with each other) and bind+close UDP sockets as fast as they can,
# each keeping a short ring of open ones so that sockets live a little while.
# `listeners check --format json` runs RUNS times (default 100) during the
# churn; every run must exit 0 with no finding, and the runs together must
# have counted churn ("churn" > 0 in at least one run), which proves that the
# differences were there and were classified as churn rather than missed.
# The totals are printed. Root (unshare -n); python3.
set -u
L=$1
RUNS=${2:-100}
if [ -z "${LSN_CHECK_CHURN_NETNS:-}" ]; then
  command -v python3 >/dev/null || { echo "skipped: python3 is not installed"; exit 77; }
  unshare -n true 2>/dev/null || { echo "skipped: unshare -n is not permitted here (needs root)"; exit 77; }
  exec unshare -n env LSN_CHECK_CHURN_NETNS=1 bash "$0" "$@"
fi
ip link set lo up || { echo "FAIL ip link set lo up in the new namespace"; exit 1; }
T=$(mktemp -d)
KIDS=
trap 'kill $KIDS 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT

cat >"$T/churn.py" <<'PY'
import os, random, socket, sys, time
# churn.py ID PORTBASE: makes and closes sockets until killed; every 0.2 s it
# writes the count of sockets made so far to $T/count.ID.
ident, base, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(ident)
ring, made, last = [], 0, time.monotonic()
while True:
    kind = rng.randrange(4)
    try:
        if kind < 3:
            fam = socket.AF_INET6 if kind == 1 else socket.AF_INET
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            port = base + rng.randrange(4) if kind == 2 or ident % 2 == 0 else 0
            s.bind(("::1" if fam == socket.AF_INET6 else "127.0.0.1", port))
            s.listen(1)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", 0))
    except OSError:
        continue
    made += 1
    ring.append(s)
    if len(ring) > rng.randrange(1, 32):
        ring.pop(rng.randrange(len(ring))).close()
    now = time.monotonic()
    if now - last > 0.2:
        with open(out + ".tmp", "w") as f:
            f.write("%d\n" % made)
        os.rename(out + ".tmp", out)
        last = now
PY

python3 -c '
import os, socket, sys, time
keep = []
for i in range(8):
    a = socket.socket(); a.bind(("127.0.0.1", 0)); a.listen(); keep.append(a)
    b = socket.socket(socket.AF_INET6); b.bind(("::1", 0)); b.listen(); keep.append(b)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0)); keep.append(u)
open(sys.argv[1] + ".tmp", "w").write(str(os.getpid()))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(600)' "$T/stable" &
KIDS=$!
NCHURN=2
for i in $(seq 1 "$NCHURN"); do
  python3 "$T/churn.py" "$i" 20000 "$T/count.$i" &
  KIDS="$KIDS $!"
done
for _ in $(seq 1 300); do
  [ -s "$T/stable" ] && [ "$(ls "$T"/count.* 2>/dev/null | wc -l)" = "$NCHURN" ] && break
  sleep 0.1
done
[ -s "$T/stable" ] || { echo "FAIL the stable listeners did not start"; exit 1; }
[ "$(ls "$T"/count.* 2>/dev/null | wc -l)" = "$NCHURN" ] || { echo "FAIL the churners did not start"; exit 1; }
made() { local n=0 x; for f in "$T"/count.*; do read -r x <"$f" && n=$((n + x)); done; echo "$n"; }
before=$(made)

fails=0 with_churn=0 differences=0 churn=0 findings=0
for run in $(seq 1 "$RUNS"); do
  "$L" check --format json >"$T/out" 2>"$T/err"
  rc=$?
  read -r d c f < <(python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["check"]
assert "tcp" in c["compared"] and "udp" in c["compared"], c["compared"]
print(c["differences"], c["churn"], len(c["findings"]))' "$T/out" 2>/dev/null)
  if [ "$rc" != 0 ] || [ "${f:-x}" != 0 ]; then
    echo "FAIL run $run: exit $rc, findings ${f:-unparsed}: $(cat "$T/out") $(cat "$T/err")"
    fails=$((fails + 1))
    [ -n "${f:-}" ] && findings=$((findings + f))
  fi
  differences=$((differences + ${d:-0}))
  churn=$((churn + ${c:-0}))
  [ "${c:-0}" -gt 0 ] && with_churn=$((with_churn + 1))
done
after=$(made)
echo "$RUNS runs of listeners check under churn: $((RUNS - fails)) clean, $findings findings;" \
  "$differences differences between the views, $churn of them churn, in $with_churn runs;" \
  "the churners made $((after - before)) sockets meanwhile"
[ "$((after - before))" -gt 0 ] || { echo "FAIL the churners made no socket during the runs"; fails=$((fails + 1)); }
[ "$with_churn" -gt 0 ] ||
  { echo "FAIL no run counted churn: the differences were not seen (or not counted)"; fails=$((fails + 1)); }
[ "$fails" = 0 ] && echo "ok   no false positive under churn"
exit "$((fails > 0))"
