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

# Datagram and packet tables (issue 16), as the kernel prints them.
# The net/udp header (6.18: three leading spaces, padded to 127 columns).
lsn_udp_header() {
  printf '%-127s\n' '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops'
}
# lsn_udp_line SL LOCAL_HEX PORT REMOTE_HEX RPORT ST UID INODE: a net/udp line
# (udp4_format_sock), padded to 127 columns. Ports in decimal.
lsn_udp_line() {
  printf '%-127s\n' "$(printf '%5d: %s:%04X %s:%04X %s 00000000:00000000 00:00000000 00000000 %5u        0 %s 2 0000000000000000 0' "$@")"
}
# The header of net/udp6, net/raw6 (IPV6_SEQ_DGRAM_HEADER), unpadded.
lsn_dgram6_header() {
  printf '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n'
}
# lsn_dgram6_line: the arguments of lsn_udp_line, 32-digit addresses; a
# net/udp6 or net/raw6 line (ip6_dgram_sock_seq_show).
lsn_dgram6_line() {
  printf '%5d: %s:%04X %s:%04X %s 00000000:00000000 00:00000000 00000000 %5u        0 %s 2 0000000000000000 0\n' "$@"
}
# The net/raw header (unpadded) and a line (raw_sock_seq_show; PORT is the
# IP protocol).
lsn_raw_header() {
  printf '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n'
}
lsn_raw_line() {
  printf '%4d: %s:%04X %s:%04X %s 00000000:00000000 00:00000000 00000000 %5u        0 %s 2 0000000000000000 0\n' "$@"
}
# The net/packet header (5.15+, 64-bit) and lsn_packet_line TYPE PROTO_HEX
# IFINDEX RUNNING UID INODE (packet_seq_show).
lsn_packet_header() {
  printf 'sk               RefCnt Type Proto  Iface R Rmem   User   Inode\n'
}
lsn_packet_line() {
  printf '%s %-6d %-4d %s   %-5d %1d %-6u %-6u %-6s\n' 0000000000000000 3 "$1" "$2" "$3" "$4" 0 "$5" "$6"
}

# lsn_manifest DIR: DIR/MANIFEST saying this host's byte order, as a snapshot
# of this host would (tests/collector/tree_builder.c writes the same): a tree
# without one is read in host order with a warning line on stderr (issue 18).
lsn_manifest() {
  local order=big-endian
  [ "$(printf '\001\000' | od -An -tu2 | tr -d ' ')" = 1 ] && order=little-endian
  printf 'format=listeners-snapshot 1\nbyte_order=%s\n' "$order" >"$1/MANIFEST"
}
