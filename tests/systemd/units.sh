#!/usr/bin/env bash
# contrib/systemd's units: `systemd-analyze verify` finds nothing to say (no
# unknown key, no bad value, the timer's service found), and the service's
# exposure (`systemd-analyze security --offline=yes`) is "OK" or better
# (below 5.0). systemd need not run: verify reads unit files given by path.
# It checks that ExecStart's binary exists, so a copy of the units points at
# the binary under test instead of /usr/bin/listeners; --man=no because the
# man page (Documentation=man:listeners(1)) is installed, not in the tree.
# Usage: units.sh LISTENERS SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
if ! command -v systemd-analyze >/dev/null; then
  echo "skipped: systemd-analyze not installed (package systemd): the units are not verified"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
grep -q '^ExecStart=/usr/bin/listeners ' "$src/contrib/systemd/listeners.service" || {
  echo "units: listeners.service's ExecStart is not /usr/bin/listeners: the install rule rewrites that path" >&2
  exit 1
}
sed "s|^ExecStart=/usr/bin/listeners |ExecStart=$bin |" "$src/contrib/systemd/listeners.service" \
  >"$work/listeners.service"
cp "$src/contrib/systemd/listeners.timer" "$work/"
# verify exits 0 on an unknown key (it ignores it, with a message): any
# message fails the test.
rc=0
msg=$(systemd-analyze verify --man=no "$work/listeners.service" "$work/listeners.timer" 2>&1) || rc=$?
if [ $rc -ne 0 ] || [ -n "$msg" ]; then
  printf 'units: systemd-analyze verify (exit %s):\n%s\n' "$rc" "$msg" >&2
  exit 1
fi
# --threshold=49: exposure 4.9 is the worst that systemd still calls OK
rc=0
out=$(systemd-analyze security --offline=yes --threshold=49 "$work/listeners.service" 2>&1) || rc=$?
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for listeners.service: //p')
if [ $rc -ne 0 ] || [ -z "$score" ]; then
  printf '%s\n' "$out" | grep -E '✗|Overall' >&2 || printf '%s\n' "$out" >&2
  echo "units: listeners.service's exposure is above OK (exit $rc): ${score:-no score}" >&2
  exit 1
fi
echo "ok: listeners.service and listeners.timer verify clean; exposure $score"
