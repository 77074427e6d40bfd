# proc_tree.sh - sourced by the shell tests and .ci/static-check: proc tree
# pieces as the kernel prints them, so each test does not spell the lines
# again. (tests/collector/tree_builder.c is the C side of the same.)

# The header line of /proc/net/tcp.
lsn_tcp_header() {
  printf '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
}

# lsn_tcp_listen HEX_IP PORT INODE [SL]: one LISTEN (0A) line of net/tcp;
# HEX_IP as the kernel prints it (00000000, 0100007F), PORT in decimal.
lsn_tcp_listen() {
  printf '%4d: %s:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 %s 1 0000000000000000 100 0 0 10 0\n' \
    "${4:-0}" "$1" "$2" "$3"
}

# lsn_one_listener_tree DIR PID INODE: DIR/net/tcp with 0.0.0.0:22 (INODE)
# held by PID, whose comm is sshd and exe /usr/sbin/sshd.
lsn_one_listener_tree() {
  mkdir -p "$1/net" "$1/$2/fd"
  { lsn_tcp_header; lsn_tcp_listen 00000000 22 "$3"; } >"$1/net/tcp"
  ln -s "socket:[$3]" "$1/$2/fd/3"
  printf 'sshd\n' >"$1/$2/comm"
  ln -s /usr/sbin/sshd "$1/$2/exe"
}
