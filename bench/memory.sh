#!/bin/bash
# memory.sh [LISTENERS] - memory per listener, and the largest table that
# runs under SECURITY.md's MemoryMax=64M.
#
# For N listeners (fixture trees: net/tcp with N 0A lines, ten holders) it
# prints the peak RSS of `listeners --proc TREE` (wait4 ru_maxrss) and the
# bytes per listener above an empty tree's. Then, as root where a memory
# cgroup can be made (v2 memory.max or v1 memory.limit_in_bytes), it runs the
# collector in a cgroup limited to 64 MiB for growing N and prints the
# largest N that still exits 0 with every row (the kernel OOM-kills past it).
set -u
L=${1:-build/listeners}
T=$(mktemp -d)
CG=
cleanup() {
  [ -n "$CG" ] && rmdir "$CG" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT

tree() { # tree DIR N
  mkdir -p "$1/net"
  awk -v n="$2" 'BEGIN {
    print "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"
    for (i = 0; i < n; i++)
      printf "%6d: %02X00007F:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 %d 1 0000000000000000 100 0 0 10 0\n", i, 1 + int(i / 65536), i % 65536, 100000 + i
  }' >"$1/net/tcp"
  for k in 0 1 2 3 4 5 6 7 8 9; do
    mkdir -p "$1/$((100 + k))/fd"
    ln -s "socket:[$((100000 + k))]" "$1/$((100 + k))/fd/3"
    printf 'srv%d\n' $k >"$1/$((100 + k))/comm"
    ln -s /usr/sbin/srv$k "$1/$((100 + k))/exe"
  done
}

peak() { # peak ARGS...: "exit maxrss_kib" (GNU time: a python parent would count its own pages, forked before the exec)
  /usr/bin/time -f '%x %M' -o "$T/time" "$@" >/dev/null 2>&1
  tail -1 "$T/time" # GNU time puts "Command exited with non-zero status N" first
}

echo "# $L: peak RSS by listeners (fixture trees)"
printf '%10s %6s %12s %18s\n' listeners exit peak_KiB bytes_per_listener
read -r _ base < <(tree "$T/t0" 0 && peak "$L" --proc "$T/t0")
printf '%10d %6s %12d %18s\n' 0 0 "$base" -
for n in 100000 250000 500000 750000 1000000; do
  rm -rf "$T/t"
  tree "$T/t" $n
  read -r rc kib < <(peak "$L" --proc "$T/t")
  printf '%10d %6d %12d %18.1f\n' $n "$rc" "$kib" "$(echo "($kib - $base) * 1024 / $n" | bc -l)"
done

# The cgroup: v2 if its memory controller is on, else v1.
if [ "$(id -u)" != 0 ]; then
  echo "# no cgroup run: not root"
  exit 0
fi
if [ -w /sys/fs/cgroup/cgroup.subtree_control ] && grep -qw memory /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
  CG=/sys/fs/cgroup/lsn-memory-$$
  mkdir "$CG" && echo $((64 << 20)) >"$CG/memory.max" && echo 0 >"$CG/memory.swap.max" 2>/dev/null
elif [ -d /sys/fs/cgroup/memory ]; then
  CG=/sys/fs/cgroup/memory/lsn-memory-$$
  mkdir "$CG" && echo $((64 << 20)) >"$CG/memory.limit_in_bytes"
else
  echo "# no cgroup run: no memory controller"
  exit 0
fi
echo "# under a 64 MiB memory cgroup ($CG)"
printf '%10s %6s %10s\n' listeners exit rows
for n in 500000 600000 700000 750000 800000 850000 900000 950000 1000000; do
  rm -rf "$T/t"
  tree "$T/t" $n
  sync
  rc=$(sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --proc "$3" >"$4"; ' sh "$CG" "$L" "$T/t" "$T/out" 2>/dev/null; echo $?)
  rows=$(grep -o '"port":' "$T/out" | wc -l)
  printf '%10d %6s %10d\n' $n "$rc" "$rows"
  [ "$rc" = 0 ] && [ "$rows" = $n ] || break
done
