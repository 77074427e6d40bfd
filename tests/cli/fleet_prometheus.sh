#!/bin/bash
# fleet_prometheus.sh LISTENERS - the end-to-end recipe of README.md
# ("Fleets: Prometheus") on the real engine, local only (issue 19). Inside a
# network namespace of its own (the "fleet" network, lo up) it makes three
# simulated hosts, each a network namespace with its own listeners:
#   a: :443 held by a process named nginx
#   b: :443 held by a process named apache2, :22 held by /usr/sbin/sshd
#      (python3 bind-mounted there in a mount namespace of its own, so the
#      exe link reads /usr/sbin/sshd)
#   c: :22 held by python3 (an exe that is not /usr/sbin/sshd)
# For each host, `listeners --format openmetrics --output` (run in the
# host's namespace) fills a textfile directory that the host's own
# prometheus-node-exporter (127.0.0.{2,3,4}:9100, textfile collector only)
# serves; one prometheus (127.0.0.1:9090, 1 s scrapes, a temporary config
# and storage) scrapes the three. Then it asks the HTTP API (/api/v1/query)
# the trait page's two questions and asserts the answers: hosts where :443
# is held by something other than nginx (b only), hosts where :22's exe is
# not /usr/sbin/sshd (c only), and that the data they were asked of is all
# there (both :443 hosts, both :22 hosts, three last-success timestamps).
# Every process it starts is killed on exit. Skips (77) with the reason
# without root, unshare, prometheus or prometheus-node-exporter.
set -u
L=$1
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3.11
skip() { echo "skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network and mount namespaces)"
for c in prometheus prometheus-node-exporter nsenter unshare ip; do
  command -v "$c" >/dev/null || skip "$c is not installed (Debian: prometheus, prometheus-node-exporter; .ci/deps check)"
done
[ -x "$PY" ] || PY=$(command -v python3) || skip "python3 is not installed"
if [ -z "${LSN_FLEET_INSIDE:-}" ]; then # the fleet network: a namespace of the test's own
  unshare --net true 2>/dev/null || skip "unshare --net is not allowed here"
  LSN_FLEET_INSIDE=1 exec unshare --net bash "$0" "$@"
fi
ip link set lo up || { echo "FAIL lo up"; exit 1; }
T=$(mktemp -d)
chmod 755 "$T"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fails=0
ok() { # ok CONDITION-STATUS TEXT
  if [ "$1" = 0 ]; then echo "ok   $2"; else echo "FAIL $2"; fails=1; fi
}

# A listener: bind PORT on 0.0.0.0, name the process NAME (prctl), say ready.
cat >"$T/hold.py" <<'PY'
import ctypes, socket, sys, time
port, name, ready = int(sys.argv[1]), sys.argv[2], sys.argv[3]
if name != "-":
    ctypes.CDLL(None).prctl(15, name.encode(), 0, 0, 0)  # PR_SET_NAME
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", port))
s.listen()
open(ready, "w").close()
time.sleep(600)
PY

declare -A NS
for h in a b c; do # a host: a network namespace held by a sleeping process
  unshare --net sleep 600 &
  NS[$h]=$!
  PIDS+=($!)
done
sleep 0.2
for h in a b c; do
  nsenter --net="/proc/${NS[$h]}/ns/net" ip link set lo up || { echo "FAIL host $h: lo up"; exit 1; }
done
hold() { # hold HOST PORT NAME: a listener in HOST's network namespace
  nsenter --net="/proc/${NS[$1]}/ns/net" "$PY" "$T/hold.py" "$2" "$3" "$T/ready.$1.$2" 2>>"$T/hold.err" &
  PIDS+=($!)
}
hold a 443 nginx
hold b 443 apache2
hold c 22 -
# b's sshd: /usr/sbin/sshd is python3 in a mount namespace of its own
# (/usr/sbin/../lib is /usr/lib: python finds its library there)
nsenter --net="/proc/${NS[b]}/ns/net" unshare --mount --propagation private sh -c '
  mount -t tmpfs none /usr/sbin && : >/usr/sbin/sshd && mount --bind "$1" /usr/sbin/sshd &&
  exec /usr/sbin/sshd "$2" 22 - "$3"' sh "$PY" "$T/hold.py" "$T/ready.b.22" 2>>"$T/hold.err" &
PIDS+=($!)
for _ in $(seq 1 100); do
  n=$(ls "$T"/ready.* 2>/dev/null | wc -l)
  [ "$n" = 4 ] && break
  sleep 0.1
done
[ "$n" = 4 ] || { echo "FAIL the listeners did not start: $(cat "$T/hold.err")"; exit 1; }

# Each host: its textfile, filled by listeners in its namespace, and its node_exporter.
i=2
targets=
for h in a b c; do
  mkdir -p "$T/textfile.$h"
  nsenter --net="/proc/${NS[$h]}/ns/net" "$L" --format openmetrics \
    --output "$T/textfile.$h/listeners.prom" 2>"$T/listeners.$h.err"
  ok $? "host $h: listeners --format openmetrics --output exits 0"
  prometheus-node-exporter --web.listen-address="127.0.0.$i:9100" \
    --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$T/textfile.$h" >"$T/node.$h.log" 2>&1 &
  PIDS+=($!)
  targets="$targets
      - targets: ['127.0.0.$i:9100']
        labels: {host: $h}"
  i=$((i + 1))
done
grep -h . "$T"/textfile.*/listeners.prom | grep '^listeners_listener_info' | sed 's/^/  /'
cat >"$T/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: listeners
    static_configs:$targets
EOC
mkdir "$T/tsdb"
prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
  --web.listen-address=127.0.0.1:9090 >"$T/prometheus.log" 2>&1 &
PIDS+=($!)

# q QUERY: the sorted host labels of the result, one line, comma-separated
q() {
  "$PY" - "$1" <<'PY'
import json, sys, urllib.parse, urllib.request
url = "http://127.0.0.1:9090/api/v1/query?" + urllib.parse.urlencode({"query": sys.argv[1]})
try:
    d = json.load(urllib.request.urlopen(url, timeout=2))
except Exception as e:
    print("error: %s" % e)
    sys.exit(0)
print(",".join(sorted(r["metric"].get("host", "?") for r in d["data"]["result"])))
PY
}
# wait for a scrape of every host with its listener series (at most 60 s)
for _ in $(seq 1 120); do
  got=$(q 'count by (host) (listeners_listener_info)')
  [ "$got" = "a,b,c" ] && break
  sleep 0.5
done
[ "$got" = "a,b,c" ] || {
  echo "FAIL prometheus did not scrape the three hosts: $got"
  tail -n 5 "$T/prometheus.log" "$T"/node.*.log
  exit 1
}
check() { # check TEXT QUERY WANT
  local got
  got=$(q "$2")
  echo "  $2 -> hosts [$got]"
  [ "$got" = "$3" ]
  ok $? "$1"
}
check "the data is there: :443 on a and b" 'listeners_listener_info{port="443"}' "a,b"
check "the data is there: :22 on b and c" 'listeners_listener_info{port="22"}' "b,c"
check "b's :22 is held by exe /usr/sbin/sshd" 'listeners_listener_info{port="22",exe="/usr/sbin/sshd"}' "b"
check "every host has a last success timestamp" 'listeners_last_success_timestamp_seconds > 0' "a,b,c"
check "use case 1: hosts where :443 is held by something other than nginx" \
  'listeners_listener_info{port="443",comm!="nginx"}' "b"
check "use case 2: hosts where :22's exe is not /usr/sbin/sshd" \
  'listeners_listener_info{port="22",exe!="/usr/sbin/sshd"}' "c"
exit $fails
